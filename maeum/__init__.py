"""maeum (마음): a Korean multi-persona counselling chatbot with preference tuning.

The `maeum` package is the shared core: the command line, the one chat format that
training and serving both use, where bundled files live, and the tiny test models.
Researchers work in `training/`, the app lives in `serving/`, personas in `personas/`.
"""

from importlib.metadata import PackageNotFoundError, version as _dist_version

try:
    __version__ = _dist_version("maeum")
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0+checkout"

__all__ = ["__version__"]
