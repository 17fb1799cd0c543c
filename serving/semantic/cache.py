"""Embeddings of whole corpora, kept on disk so a process start does not re-encode them.

The file name is a hash of the encoder's name and every text in order: change either and a
new file is written. Writes are atomic (temporary file, then rename), so a process killed
half-way leaves no damaged cache; a damaged or mismatched file is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from maeum.paths import cache_dir
from serving.semantic.encoder import get_encoder

logger = logging.getLogger(__name__)


def corpus_key(encoder_name: str, texts: Sequence[str]) -> str:
    digest = hashlib.sha256(encoder_name.encode())
    for text in texts:
        digest.update(b"\x1e" + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def cached_embeddings(texts: Sequence[str], *, namespace: str, use_cache: bool = True,
                      batch_size: int = 256, progress: bool = False) -> np.ndarray:
    """(len(texts), dim) embeddings of `texts`, from `<cache>/embeddings/` when seen before."""
    encoder = get_encoder()
    texts = list(texts)
    file = cache_dir() / "embeddings" / f"{namespace}-{corpus_key(encoder.name, texts)}.npy"
    if use_cache and file.is_file():
        try:
            found = np.load(file, allow_pickle=False)
            if found.shape == (len(texts), encoder.dim):
                return found
            logger.warning("ignoring embeddings of the wrong shape in %s", file)
        except (OSError, ValueError) as exc:
            logger.warning("ignoring a damaged embedding cache %s (%s)", file, exc)
    chunks = range(0, len(texts), batch_size)
    if progress:
        from tqdm import tqdm

        chunks = tqdm(chunks, desc=f"embedding {namespace}", unit="batch")
    parts = [encoder.encode(texts[i:i + batch_size]) for i in chunks]
    out = np.concatenate(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)
    if use_cache:
        _save_atomic(file, out)
    return out


def _save_atomic(file: Path, array: np.ndarray) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        os.replace(tmp, file)
    except OSError as exc:
        logger.warning("could not cache embeddings in %s: %s", file.parent, exc)
