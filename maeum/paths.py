"""Where maeum finds its bundled folders: a checkout first, then a wheel install.

A checkout keeps `personas/` and `data/` beside the packages; a wheel installs them
under `<prefix>/share/maeum/` (see `[tool.setuptools.data-files]` in pyproject.toml).
Environment variables win over both so deployments can point elsewhere.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

PERSONAS_ENV = "MAEUM_PERSONAS_DIR"
DATA_ENV = "MAEUM_DATA_DIR"
SHARED_DATA_ENV = "MAEUM_SHARED_DATA_DIR"
CACHE_ENV = "MAEUM_CACHE_DIR"

REPO_ROOT = Path(__file__).resolve().parent.parent


def _installed_share() -> list[Path]:
    prefixes = {sys.prefix, sysconfig.get_paths().get("data", sys.prefix)}
    user_base = sysconfig.get_config_var("userbase")
    if user_base:
        prefixes.add(user_base)
    return [Path(p) / "share" / "maeum" for p in sorted(prefixes)]


def _bundled(name: str, marker: str) -> Path | None:
    """The first folder called `name` that holds `marker` (a glob), checkout first."""
    for base in [REPO_ROOT, *_installed_share()]:
        folder = base / name
        if folder.is_dir() and any(folder.glob(marker)):
            return folder
    return None


def bundled_personas_dir() -> Path | None:
    return _bundled("personas", "*.yaml")


def personas_dir(override: str | os.PathLike | None = None) -> Path | None:
    """The persona folder to use: explicit argument, then $MAEUM_PERSONAS_DIR, then bundled."""
    if override:
        return Path(override)
    if os.environ.get(PERSONAS_ENV):
        return Path(os.environ[PERSONAS_ENV])
    return bundled_personas_dir()


def data_dir() -> Path | None:
    """Our own small data (seed dialogues, preference pairs, test sets)."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    return _bundled("data", "*.jsonl")


def data_file(name: str) -> Path:
    """A file we ship in `data/`: $MAEUM_DATA_DIR, then the checkout, then a wheel install."""
    candidates = [Path(os.environ[DATA_ENV])] if os.environ.get(DATA_ENV) else []
    candidates += [base / "data" for base in [REPO_ROOT, *_installed_share()]]
    for folder in candidates:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(
        f"bundled data file {name!r} not found (looked in {', '.join(map(str, candidates))}); "
        f"set {DATA_ENV} to the folder that holds it"
    )


def shared_data_dir() -> Path | None:
    """The public datasets kept beside a checkout (`../shared/data`), if present."""
    if os.environ.get(SHARED_DATA_ENV):
        return Path(os.environ[SHARED_DATA_ENV])
    candidate = REPO_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def cache_dir() -> Path:
    """Derived data kept between runs (analysed corpora, embeddings, trained heads).

    $MAEUM_CACHE_DIR, else $XDG_CACHE_HOME/maeum, else ~/.cache/maeum. Everything in it can be
    deleted: it is rebuilt, keyed by a hash of its inputs.
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "maeum"
