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

# encoder name -> text -> embedding, for every corpus embedded or loaded in this process
_seen: dict[str, dict[str, np.ndarray]] = {}


def corpus_key(encoder_name: str, texts: Sequence[str]) -> str:
    digest = hashlib.sha256(encoder_name.encode())
    for text in texts:
        digest.update(b"\x1e" + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def cached_embeddings(texts: Sequence[str], *, namespace: str, use_cache: bool = True,
                      batch_size: int = 256, progress: bool = False, encoder=None) -> np.ndarray:
    """(len(texts), dim) embeddings of `texts`, from `<cache>/embeddings/` when seen before.
    `encoder`: the shared one unless given. Encoders side by side are cached part by part, so
    trying "use+e5" reuses what "use" and "e5" already encoded."""
    encoder = encoder or get_encoder()
    texts = list(texts)
    parts = getattr(encoder, "parts", None)
    if parts:
        return np.concatenate([cached_embeddings(texts, namespace=namespace, use_cache=use_cache, batch_size=batch_size,
                                                 progress=progress, encoder=part) for part in parts],
                              axis=1) / np.sqrt(len(parts))
    file = cache_dir() / "embeddings" / f"{namespace}-{corpus_key(encoder.name, texts)}.npy"
    if use_cache and file.is_file():
        try:
            found = np.load(file, allow_pickle=False)
            if found.shape == (len(texts), encoder.dim):
                _remember(encoder.name, texts, found)
                return found
            logger.warning("ignoring embeddings of the wrong shape in %s", file)
        except (OSError, ValueError) as exc:
            logger.warning("ignoring a damaged embedding cache %s (%s)", file, exc)
    # Texts this process already embedded (another fold of a cross-validation, another corpus)
    # are not encoded again: only the missing ones go to the encoder.
    known = _seen.setdefault(encoder.name, {})
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    chunks = range(0, len(missing), batch_size)
    if progress:
        from tqdm import tqdm

        chunks = tqdm(chunks, desc=f"embedding {namespace}", unit="batch")
    for i in chunks:
        for text, vector in zip(missing[i:i + batch_size], encoder.encode(missing[i:i + batch_size])):
            known[text] = vector
    out = (np.stack([known[t] for t in texts]).astype(np.float32, copy=False) if texts
           else np.zeros((0, encoder.dim), dtype=np.float32))
    if use_cache:
        _save_atomic(file, out)
    return out


def _remember(encoder_name: str, texts: Sequence[str], vectors: np.ndarray) -> None:
    known = _seen.setdefault(encoder_name, {})
    for text, vector in zip(texts, vectors):
        known.setdefault(text, vector)


def _save_atomic(file: Path, array: np.ndarray) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        os.replace(tmp, file)
    except OSError as exc:
        logger.warning("could not cache embeddings in %s: %s", file.parent, exc)
