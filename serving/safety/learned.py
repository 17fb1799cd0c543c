"""A small learned second opinion for the rules: char n-gram + Kiwi lemma logistic regression.

Two binary models in numpy, trained at first use from our labelled set (about a second):

- `flag`: concern or crisis vs none; above `concern_threshold` it answers `concern`;
- `crisis`: crisis vs the rest; above `crisis_threshold` (very high) it answers `crisis`.

It is meant for `SafetyAssessor(classifier=...)`, which lets it only *raise* the rules' level.
Deterministic (fixed vocabulary order, full-batch gradient descent from zero). Rows of the
`test` split are never trained on. See docs/safety.md for how it was measured.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from serving.safety.normalize import clean_text, compact_text
from serving.safety.lazy import Lazy

log = logging.getLogger(__name__)

# Kiwi tags whose lemmas carry meaning (nouns, verbs, adjectives, adverbs, roots, pronouns, negation).
_CONTENT_TAGS = frozenset({"NNG", "NNP", "NP", "NR", "VV", "VA", "VX", "MAG", "XR", "VCN", "SN"})
# Endings that say "I want / I will / as a wish" (싶, 래, 겠, 을까...): kept as lemma features too.
_MOOD_FORMS = frozenset({"싶", "겠", "ᆯ래", "ㄹ래", "을래", "ᆯ까", "을까", "려고", "으려고", "면", "으면", "었", "았"})
EXCLUDED_SPLITS = frozenset({"test"})


def featurise(text: str) -> list[str]:
    """Binary features: char 2-4-grams of the compact text and Kiwi lemmas (with lemma bigrams)."""
    from serving.kiwi import get_kiwi

    clean = clean_text(text)
    compact = compact_text(clean)
    feats: set[str] = set()
    padded = f"^{compact}$"
    for n in (2, 3, 4):
        for i in range(len(padded) - n + 1):
            feats.add(padded[i:i + n])
    lemmas: list[str] = []
    if clean:
        for token in get_kiwi().tokenize(clean):
            if token.tag in _CONTENT_TAGS or token.form in _MOOD_FORMS:
                tag = token.tag[:2]
                lemmas.append(f"{token.form}/{tag}")
    feats.update(f"L:{lemma}" for lemma in lemmas)
    feats.update(f"B:{a}+{b}" for a, b in zip(lemmas, lemmas[1:]))
    return sorted(feats)


@dataclass
class _Binary:
    weights: np.ndarray
    bias: float

    def score(self, indices: np.ndarray) -> float:
        if indices.size == 0:
            z = self.bias
        else:
            z = self.bias + float(self.weights[indices].sum()) / np.sqrt(indices.size)
        return float(1.0 / (1.0 + np.exp(-z)))


def _train_binary(rows: Sequence[np.ndarray], y: np.ndarray, dim: int, *, l2: float, epochs: int,
                  lr: float) -> _Binary:
    """L2-regularised logistic regression, class-balanced, full-batch gradient descent."""
    lengths = np.array([r.size for r in rows])
    indices = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    values = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths)
    row_of = np.repeat(np.arange(len(rows)), lengths)
    pos = max(1.0, float(y.sum()))
    neg = max(1.0, float(len(y) - y.sum()))
    sample_w = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))
    w = np.zeros(dim)
    b = 0.0
    n = len(rows)
    for _ in range(epochs):
        z = np.bincount(row_of, weights=w[indices] * values, minlength=n) + b
        p = 1.0 / (1.0 + np.exp(-z))
        g = (p - y) * sample_w / n
        grad_w = np.bincount(indices, weights=values * g[row_of], minlength=dim) + l2 * w
        w -= lr * grad_w
        b -= lr * float(g.sum())
    return _Binary(w, b)


class LearnedClassifier:
    """Callable `(text) -> {"level", "score"}` for the assessor's classifier hook."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str], *, concern_threshold: float = 0.85,
                 crisis_threshold: float = 0.97, l2: float = 1e-3, epochs: int = 300, lr: float = 2.0,
                 min_count: int = 1):
        self.concern_threshold = concern_threshold
        self.crisis_threshold = crisis_threshold
        feats = [featurise(t) for t in texts]
        counts: dict[str, int] = {}
        for fs in feats:
            for f in fs:
                counts[f] = counts.get(f, 0) + 1
        self.vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
        rows = [self._index(fs) for fs in feats]
        labels = np.array(labels)
        dim = len(self.vocab)
        self.flag = _train_binary(rows, (labels != "none").astype(float), dim, l2=l2, epochs=epochs, lr=lr)
        self.crisis = _train_binary(rows, (labels == "crisis").astype(float), dim, l2=l2, epochs=epochs, lr=lr)

    def _index(self, feats: Iterable[str]) -> np.ndarray:
        return np.array(sorted({self.vocab[f] for f in feats if f in self.vocab}), dtype=np.int64)

    def probabilities(self, text: str) -> tuple[float, float]:
        """(P(flag), P(crisis)) for `text`."""
        idx = self._index(featurise(text))
        return self.flag.score(idx), self.crisis.score(idx)

    def __call__(self, text: str) -> dict:
        p_flag, p_crisis = self.probabilities(text)
        if p_crisis >= self.crisis_threshold and p_flag >= self.concern_threshold:
            return {"level": "crisis", "score": p_crisis}
        if p_flag >= self.concern_threshold:
            return {"level": "concern", "score": p_flag}
        return {"level": "none", "score": 1.0 - p_flag}


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row.get("text")]


def train_from_rows(rows: Sequence[dict[str, str]], exclude_splits: Iterable[str] = EXCLUDED_SPLITS,
                    **kwargs) -> LearnedClassifier:
    excluded = set(exclude_splits)
    kept = [r for r in rows if r.get("split") not in excluded and r.get("label") in ("none", "concern", "crisis")]
    return LearnedClassifier([r["text"] for r in kept], [r["label"] for r in kept], **kwargs)


def _train_default() -> LearnedClassifier | None:
    try:
        from maeum import paths

        folder = paths.data_dir()
        path = folder / "safety_eval.tsv" if folder is not None else None
        if path is None or not path.is_file():
            log.warning("safety_eval.tsv not found; the learned safety classifier is off (rules only)")
            return None
        return train_from_rows(read_rows(path))
    except Exception:  # never let the second opinion take the rules down
        log.warning("could not train the learned safety classifier; rules only", exc_info=True)
        return None


# The classifier trained on our set (all splits but `test`), or None when the set is missing.
default_classifier = Lazy(_train_default)
