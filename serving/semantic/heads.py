"""A small calibrated classifier on sentence embeddings: multinomial logistic regression.

Trained in numpy (full-batch Adam from zero, so the same data gives the same weights),
class-balanced, L2-regularised; then a single temperature is fitted on a held-out fold so
that probabilities mean what they say (a head answering 0.9 is right about nine times in
ten on text it did not train on). Saved as `.npz` with its classes and a hash of its
training data; `train_or_load_head` keeps the trained head on disk so a process start loads
it in milliseconds instead of training again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from maeum.paths import cache_dir

logger = logging.getLogger(__name__)


@dataclass
class HeadConfig:
    l2: float = 1e-3
    steps: int = 400
    learning_rate: float = 0.05
    balanced: bool = True
    calibration_fraction: float = 0.2  # held out to fit the temperature, then trained on too
    seed: int = 0


class SoftmaxHead:
    """p(class | embedding) = softmax((X W + b) / T)."""

    def __init__(self, classes: Sequence[str], weights: np.ndarray, bias: np.ndarray, temperature: float = 1.0):
        self.classes = tuple(classes)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.temperature = float(temperature)

    # --- training ---------------------------------------------------------------------------
    @classmethod
    def fit(cls, features: np.ndarray, labels: Sequence[str], config: HeadConfig | None = None,
            classes: Sequence[str] | None = None) -> SoftmaxHead:
        config = config or HeadConfig()
        classes = tuple(classes or sorted(set(labels)))
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[label] for label in labels])
        x = np.asarray(features, dtype=np.float32)
        rng = np.random.default_rng(config.seed)
        order = rng.permutation(len(y))
        n_cal = int(len(y) * config.calibration_fraction)
        temperature = 1.0
        if n_cal >= 20 and len(set(y[order[n_cal:]])) == len(classes):
            cal, rest = order[:n_cal], order[n_cal:]
            w, b = _train(x[rest], y[rest], len(classes), config)
            temperature = _fit_temperature(x[cal] @ w + b, y[cal])
        w, b = _train(x, y, len(classes), config)
        return cls(classes, w, b, temperature)

    # --- use -------------------------------------------------------------------------------------
    def logits(self, features: np.ndarray) -> np.ndarray:
        return (np.atleast_2d(features) @ self.weights + self.bias) / self.temperature

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return _softmax(self.logits(features))

    def proba_dict(self, vector: np.ndarray) -> dict[str, float]:
        return dict(zip(self.classes, map(float, self.predict_proba(vector)[0])))

    # --- persistence ------------------------------------------------------------------------------
    def save(self, file: str | os.PathLike, meta: dict | None = None) -> None:
        file = Path(file)
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, weights=self.weights, bias=self.bias, temperature=np.float32(self.temperature),
                     classes=np.array(json.dumps(list(self.classes))), meta=np.array(json.dumps(meta or {})))
        os.replace(tmp, file)

    @classmethod
    def load(cls, file: str | os.PathLike) -> SoftmaxHead:
        with np.load(file, allow_pickle=False) as z:
            return cls(json.loads(str(z["classes"])), z["weights"], z["bias"], float(z["temperature"]))


def train_or_load_head(name: str, texts: Sequence[str], labels: Sequence[str], *,
                       features: np.ndarray | Callable[[], np.ndarray],
                       encoder_name: str, config: HeadConfig | None = None,
                       classes: Sequence[str] | None = None, use_cache: bool = True) -> SoftmaxHead:
    """The head for this exact data and config: from `<cache>/heads/` or trained (and saved).
    `features` may be a function, called only when the head has to be trained."""
    config = config or HeadConfig()
    digest = hashlib.sha256(json.dumps([encoder_name, config.__dict__, list(classes or [])]).encode())
    for text, label in zip(texts, labels):
        digest.update(f"\x1e{text}\x1f{label}".encode("utf-8", "surrogatepass"))
    file = cache_dir() / "heads" / f"{name}-{digest.hexdigest()[:32]}.npz"
    if use_cache and file.is_file():
        try:
            return SoftmaxHead.load(file)
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("ignoring a damaged head %s (%s)", file, exc)
    if callable(features):
        features = features()
    head = SoftmaxHead.fit(features, labels, config, classes)
    if use_cache:
        try:
            head.save(file, {"name": name, "encoder": encoder_name, "rows": len(labels)})
        except OSError as exc:
            logger.warning("could not cache the %s head in %s: %s", name, file.parent, exc)
    return head


def head_on_texts(name: str, texts: Sequence[str], labels: Sequence[str], *, classes: Sequence[str] | None = None,
                  config: HeadConfig | None = None, use_cache: bool = True) -> SoftmaxHead | None:
    """A head on the shared encoder's embeddings of `texts` (both cached on disk); None without an encoder."""
    from serving.semantic.cache import cached_embeddings
    from serving.semantic.encoder import EncoderUnavailable, get_encoder

    try:
        encoder = get_encoder()
    except EncoderUnavailable:
        return None
    features = cached_embeddings(texts, namespace=name, use_cache=use_cache)
    return train_or_load_head(name, texts, labels, features=features, encoder_name=encoder.name,
                              config=config, classes=classes, use_cache=use_cache)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _train(x: np.ndarray, y: np.ndarray, k: int, config: HeadConfig) -> tuple[np.ndarray, np.ndarray]:
    n, d = x.shape
    onehot = np.eye(k, dtype=np.float32)[y]
    counts = np.bincount(y, minlength=k).astype(np.float32)
    sample_w = (n / (k * np.maximum(counts, 1)))[y] if config.balanced else np.ones(n, dtype=np.float32)
    sample_w = (sample_w / sample_w.sum()).astype(np.float32)[:, None]
    w = np.zeros((d, k), dtype=np.float32)
    b = np.zeros(k, dtype=np.float32)
    mw, vw = np.zeros_like(w), np.zeros_like(w)
    mb, vb = np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, config.steps + 1):
        p = _softmax(x @ w + b)
        g = (p - onehot) * sample_w
        gw = x.T @ g + config.l2 * w
        gb = g.sum(axis=0)
        mw = beta1 * mw + (1 - beta1) * gw
        vw = beta2 * vw + (1 - beta2) * gw * gw
        mb = beta1 * mb + (1 - beta1) * gb
        vb = beta2 * vb + (1 - beta2) * gb * gb
        corr1, corr2 = 1 - beta1 ** step, 1 - beta2 ** step
        w -= config.learning_rate * (mw / corr1) / (np.sqrt(vw / corr2) + eps)
        b -= config.learning_rate * (mb / corr1) / (np.sqrt(vb / corr2) + eps)
    return w, b


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising held-out negative log-likelihood (a 1-D grid search)."""
    best, best_nll = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.2), np.log(10.0), 60)):
        p = _softmax(logits / t)
        nll = -float(np.mean(np.log(np.maximum(p[np.arange(len(y)), y], 1e-12))))
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best
