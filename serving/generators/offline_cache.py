"""The offline generator's derived data on disk: Kiwi analyses that are the same on every start.

A file's name is a hash of everything its content depends on (the analysis' kind and version,
Kiwi's version, the source of the code that analyses, every input text in order), so any change
writes a new file and a stale one is never read. Writes are atomic (temporary file, then rename);
a damaged file, or one whose content does not have the expected shape, is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from maeum.paths import cache_dir

logger = logging.getLogger(__name__)

FOLDER = "offline"


def kiwi_version() -> str:
    """Kiwi's version and the options the shared analyser is built with."""
    try:
        import kiwipiepy

        from serving.kiwi import KIWI_OPTIONS

        return f"{kiwipiepy.__version__} {sorted(KIWI_OPTIONS.items())}"
    except Exception:  # pragma: no cover — Kiwi missing fails later, where it is used
        return "?"


def source_of(module: ModuleType) -> bytes:
    """The bytes of a module's file: its code is part of what the analysis depends on."""
    try:
        return Path(module.__file__).read_bytes()
    except (OSError, TypeError):  # pragma: no cover — no file (frozen): key on the name only
        return module.__name__.encode()


def content_key(kind: str, parts: Iterable[bytes], texts: Iterable[str]) -> str:
    digest = hashlib.sha256(f"{kind}|{kiwi_version()}|".encode())
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:24]


def cached_analysis(kind: str, texts: list[str], analyse: Callable[[str], Any], *,
                    depends_on: Iterable[bytes] = (), valid: Callable[[Any], bool] = lambda row: True,
                    use_cache: bool = True) -> list[Any]:
    """`[analyse(t) for t in texts]` (JSON-able rows), from `<cache>/offline/` when seen before."""
    file = cache_dir() / FOLDER / f"{kind}-{content_key(kind, depends_on, texts)}.json"
    if use_cache and file.is_file():
        try:
            rows = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(rows, list) and len(rows) == len(texts) and all(valid(r) for r in rows):
                return rows
            logger.warning("ignoring an offline cache of the wrong shape: %s", file)
        except (OSError, ValueError) as exc:
            logger.warning("ignoring a damaged offline cache %s (%s)", file, exc)
    rows = [analyse(t) for t in texts]
    if use_cache:
        _write_atomic(file, json.dumps(rows, ensure_ascii=False))
    return rows


def _write_atomic(file: Path, text: str) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, file)
    except OSError as exc:
        logger.warning("could not cache the offline analysis in %s: %s", file.parent, exc)
