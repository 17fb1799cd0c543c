"""A small calibrated classifier on sentence embeddings: multinomial logistic regression, or
with `HeadConfig(hidden=N)` one hidden ReLU layer of N units before it (an MLP).

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
    # One hidden layer (0: none, plain logistic regression). On safety, held-out writers' crisis
    # recall at the same false-crisis rate rose ~20 points with 256 units (docs/safety.md).
    hidden: int = 0
    input_dropout: float = 0.1  # MLP only: dropout on the embedding and on the hidden layer,
    hidden_dropout: float = 0.2  # so no single direction of the embedding decides alone
    weight_decay: float = 1e-3  # MLP only: decoupled (AdamW), instead of `l2`


class SoftmaxHead:
    """p(class | embedding) = softmax((H W + b) / T), H = X, or relu(X W1 + b1) with a hidden layer."""

    def __init__(self, classes: Sequence[str], weights: np.ndarray, bias: np.ndarray, temperature: float = 1.0,
                 hidden_weights: np.ndarray | None = None, hidden_bias: np.ndarray | None = None):
        self.classes = tuple(classes)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.temperature = float(temperature)
        self.hidden_weights = None if hidden_weights is None else np.asarray(hidden_weights, dtype=np.float32)
        self.hidden_bias = None if hidden_bias is None else np.asarray(hidden_bias, dtype=np.float32)

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
            probe = cls(classes, **_fit_weights(x[rest], y[rest], len(classes), config))
            temperature = _fit_temperature(probe.logits(x[cal]), y[cal])
        return cls(classes, **_fit_weights(x, y, len(classes), config), temperature=temperature)

    # --- use -------------------------------------------------------------------------------------
    def logits(self, features: np.ndarray) -> np.ndarray:
        h = np.atleast_2d(features)
        if self.hidden_weights is not None:
            h = np.maximum(h @ self.hidden_weights + self.hidden_bias, 0.0)
        return (h @ self.weights + self.bias) / self.temperature

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
            hidden = {} if self.hidden_weights is None else {"hidden_weights": self.hidden_weights,
                                                             "hidden_bias": self.hidden_bias}
            np.savez(handle, weights=self.weights, bias=self.bias, temperature=np.float32(self.temperature),
                     classes=np.array(json.dumps(list(self.classes))), meta=np.array(json.dumps(meta or {})), **hidden)
        os.replace(tmp, file)

    @classmethod
    def load(cls, file: str | os.PathLike) -> SoftmaxHead:
        with np.load(file, allow_pickle=False) as z:
            hidden = (z["hidden_weights"], z["hidden_bias"]) if "hidden_weights" in z.files else (None, None)
            return cls(json.loads(str(z["classes"])), z["weights"], z["bias"], float(z["temperature"]), *hidden)


def train_or_load_head(name: str, texts: Sequence[str], labels: Sequence[str], *,
                       features: np.ndarray | Callable[[], np.ndarray],
                       encoder_name: str, config: HeadConfig | None = None,
                       classes: Sequence[str] | None = None, use_cache: bool = True) -> SoftmaxHead:
    """The head for this exact data and config: from `<cache>/heads/` or trained (and saved).
    `features` may be a function, called only when the head has to be trained."""
    config = config or HeadConfig()
    digest = hashlib.sha256(json.dumps([encoder_name, _config_key(config), list(classes or [])]).encode())
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


_MLP_ONLY = ("hidden", "input_dropout", "hidden_dropout", "weight_decay")


def _config_key(config: HeadConfig) -> dict:
    """What in `config` shapes the trained weights: the MLP's settings do not change a linear head, so
    heads cached before the MLP existed stay valid."""
    return {k: v for k, v in config.__dict__.items() if config.hidden or k not in _MLP_ONLY}


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


def _fit_weights(x: np.ndarray, y: np.ndarray, k: int, config: HeadConfig) -> dict[str, np.ndarray]:
    """The trained arrays, named as `SoftmaxHead` takes them."""
    if config.hidden:
        w1, b1, w, b = _train_mlp(x, y, k, config)
        return {"weights": w, "bias": b, "hidden_weights": w1, "hidden_bias": b1}
    w, b = _train(x, y, k, config)
    return {"weights": w, "bias": b}


def _sample_weights(y: np.ndarray, k: int, balanced: bool) -> np.ndarray:
    n = len(y)
    counts = np.bincount(y, minlength=k).astype(np.float32)
    w = (n / (k * np.maximum(counts, 1)))[y] if balanced else np.ones(n, dtype=np.float32)
    return (w / w.sum()).astype(np.float32)[:, None]


class _Adam:
    """Adam over a list of arrays, updated in place; `decay` is decoupled weight decay (AdamW)."""

    def __init__(self, params: list[np.ndarray], lr: float, decay: float = 0.0):
        self.params, self.lr, self.decay, self.step_no = params, lr, decay, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads: list[np.ndarray]) -> None:
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        self.step_no += 1
        c1, c2 = 1 - beta1 ** self.step_no, 1 - beta2 ** self.step_no
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            if self.decay and p.ndim > 1:
                p *= 1 - self.lr * self.decay
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + eps)


def _train_mlp(x: np.ndarray, y: np.ndarray, k: int, config: HeadConfig):
    """One hidden ReLU layer, full-batch AdamW with dropout; seeded, so the same data gives the same weights."""
    n, d = x.shape
    rng = np.random.default_rng(config.seed)
    h = config.hidden
    w1 = (rng.standard_normal((d, h)) * np.sqrt(2.0 / d)).astype(np.float32)
    b1 = np.zeros(h, dtype=np.float32)
    w = (rng.standard_normal((h, k)) * np.sqrt(1.0 / h)).astype(np.float32)
    b = np.zeros(k, dtype=np.float32)
    onehot = np.eye(k, dtype=np.float32)[y]
    sample_w = _sample_weights(y, k, config.balanced)
    keep_in, keep_h = 1 - config.input_dropout, 1 - config.hidden_dropout
    adam = _Adam([w1, b1, w, b], config.learning_rate, config.weight_decay)
    for _ in range(config.steps):
        mask_in = (rng.random(x.shape, dtype=np.float32) < keep_in) / np.float32(keep_in)
        xi = x * mask_in
        pre = xi @ w1 + b1
        act = np.maximum(pre, 0.0)
        mask_h = (rng.random(act.shape, dtype=np.float32) < keep_h) / np.float32(keep_h)
        hid = act * mask_h
        g = (_softmax(hid @ w + b) - onehot) * sample_w
        gw, gb = hid.T @ g, g.sum(axis=0)
        gh = (g @ w.T) * mask_h * (pre > 0)
        adam.step([xi.T @ gh, gh.sum(axis=0), gw, gb])
    return w1, b1, w, b


def _train(x: np.ndarray, y: np.ndarray, k: int, config: HeadConfig) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression from zero: full-batch Adam with L2 in the gradient."""
    n, d = x.shape
    onehot = np.eye(k, dtype=np.float32)[y]
    sample_w = _sample_weights(y, k, config.balanced)
    w = np.zeros((d, k), dtype=np.float32)
    b = np.zeros(k, dtype=np.float32)
    adam = _Adam([w, b], config.learning_rate)
    for _ in range(config.steps):
        g = (_softmax(x @ w + b) - onehot) * sample_w
        adam.step([x.T @ g + config.l2 * w, g.sum(axis=0)])
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
