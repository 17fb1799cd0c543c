"""Store errors. `NotFound` is what another user's (or a deleted) conversation looks like."""

from maeum.errors import MaeumError


class StoreError(MaeumError):
    """The database cannot be used as asked (unreachable, wrong schema, ...)."""


class NotFound(StoreError):
    """No such row for this user (missing, deleted, or someone else's)."""


class StoreUnavailable(StoreError):
    """The database did not take a write (locked past the retries, disk full, read-only, down)."""
