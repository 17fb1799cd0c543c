"""Errors meant for people: the CLI prints their message without a traceback."""


class MaeumError(Exception):
    """A problem the user can fix (bad config, bad file, missing model...).

    The message says what is wrong and where (file, line, field) and, when we know it,
    how to fix it.
    """


class ConfigError(MaeumError):
    """A configuration file or command-line override is invalid."""


class DataError(MaeumError):
    """A data file is malformed in a way that must stop the run."""
