"""A small numpy classifier for emotion: character n-grams and Kiwi lemmas, multinomial
logistic regression, trained in well under a second on `data/emotion_eval.tsv`.

It backs up the lexicon for wording the lexicon has no cue for (see `EmotionClassifier`).
Trained on about 200 lines written by one person, so it learns that person's wording; the
honest figure for it is grouped cross-validation by split (docs/safety.md, Emotion).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from serving.emotion.labels import EMOTIONS

_NGRAM_SIZES = (1, 2, 3)
_LEMMA_TAGS = ("NNG", "NNP", "VV", "VA", "XR", "MAG", "VX", "IC", "EF", "EC")
_NOT_HANGUL = re.compile(r"[^가-힣ㄱ-ㅎㅏ-ㅣ?!]")


def features(compact: str, tokens: Iterable) -> list[str]:
    """Feature names of one message: n-grams of its spacing-free text, and its morphemes."""
    text = "<" + _NOT_HANGUL.sub("", compact) + ">"
    names = {f"c{n}:{text[i:i + n]}" for n in _NGRAM_SIZES for i in range(len(text) - n + 1)}
    for token in tokens:
        tag = token.tag.split("-")[0]
        if tag in _LEMMA_TAGS:
            names.add(f"m:{token.form}/{tag[0]}")
    return sorted(names)


@dataclass
class LogisticModel:
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)
    labels: tuple[str, ...] = EMOTIONS

    def probabilities(self, names: Sequence[str]) -> dict[str, float]:
        index = [self.vocabulary[name] for name in names if name in self.vocabulary]
        logits = self.bias.copy()
        if index:
            logits += self.weights[index].sum(axis=0) / np.sqrt(len(index))
        logits -= logits.max()
        exp = np.exp(logits)
        exp /= exp.sum()
        return {label: float(p) for label, p in zip(self.labels, exp)}


def train(examples: Sequence[tuple[Sequence[str], str]], *, l2: float = 1e-3, steps: int = 300,
          rate: float = 0.5, labels: tuple[str, ...] = EMOTIONS) -> LogisticModel:
    """Multinomial logistic regression by full-batch gradient descent (Adam), deterministic."""
    vocabulary: dict[str, int] = {}
    for names, _ in examples:
        for name in names:
            vocabulary.setdefault(name, len(vocabulary))
    x = np.zeros((len(examples), len(vocabulary)), dtype=np.float64)
    for row, (names, _) in enumerate(examples):
        if names:
            x[row, [vocabulary[name] for name in names]] = 1.0 / np.sqrt(len(names))
    y = np.zeros((len(examples), len(labels)))
    y[np.arange(len(examples)), [labels.index(label) for _, label in examples]] = 1.0
    w = np.zeros((len(vocabulary), len(labels)))
    b = np.zeros(len(labels))
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y) / len(examples)
        g_w = x.T @ g + l2 * w
        g_b = g.sum(axis=0)
        for param, grad, m, v in ((w, g_w, m_w, v_w), (b, g_b, m_b, v_b)):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + eps)
    return LogisticModel(vocabulary, w, b, labels)


def save_model(model: LogisticModel, path) -> None:
    """An .npz of plain arrays (no pickle): the vocabulary in index order, weights, bias, labels."""
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, vocabulary=np.array(names, dtype=str), weights=model.weights, bias=model.bias,
             labels=np.array(model.labels, dtype=str))
    tmp.replace(path)


def load_model(path) -> LogisticModel:
    with np.load(path, allow_pickle=False) as data:
        names = [str(n) for n in data["vocabulary"]]
        return LogisticModel({name: i for i, name in enumerate(names)}, data["weights"].copy(),
                             data["bias"].copy(), tuple(str(label) for label in data["labels"]))
