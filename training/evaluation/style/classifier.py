"""A small style classifier for the style evaluation: char n-gram naive Bayes in numpy.

It is trained on the SmileStyle *training* split only (whole dialogues held out, see
`training.loaders.smilestyle.split_by_dialogue`), so the sentences it judges at evaluation
time were never seen by it. Its accuracy on the held-out *reference* sentences is the
ceiling an engine's style accuracy can be compared with.

Features: binarised character n-grams (1..3 by default, spaces kept, the sentence padded
with a boundary mark) plus whitespace words. Binarised multinomial naive Bayes is a strong,
fast baseline for short-text style/sentiment classification and needs no scikit-learn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

BOUNDARY = "\x02"


def features(text: str, ngram_range: tuple[int, int] = (1, 3), words: bool = True) -> set[str]:
    """The distinct features of one sentence (binarised: presence, not counts)."""
    text = " ".join(text.split())
    padded = f"{BOUNDARY}{text}{BOUNDARY}"
    low, high = ngram_range
    feats = {padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)}
    if words:
        feats.update("w:" + w for w in text.split())
    return feats


class StyleClassifier:
    """Binarised multinomial naive Bayes over char n-grams and words."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 3), alpha: float = 0.2, words: bool = True):
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.alpha = float(alpha)
        self.words = words
        self.labels: list[str] = []
        self.vocab: dict[str, int] = {}
        self.log_prior: np.ndarray | None = None
        self.log_prob: np.ndarray | None = None  # (features, classes)

    # -- training -----------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> StyleClassifier:
        if len(texts) != len(labels) or not texts:
            raise ValueError("fit needs as many labels as texts, and at least one text")
        self.labels = sorted(set(labels))
        label_index = {label: i for i, label in enumerate(self.labels)}
        rows, cols = [], []
        for text, label in zip(texts, labels):
            c = label_index[label]
            for f in features(text, self.ngram_range, self.words):
                rows.append(self.vocab.setdefault(f, len(self.vocab)))
                cols.append(c)
        counts = np.zeros((len(self.vocab), len(self.labels)), dtype=np.float64)
        np.add.at(counts, (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)), 1.0)
        smoothed = counts + self.alpha
        self.log_prob = np.log(smoothed) - np.log(smoothed.sum(axis=0, keepdims=True))
        class_counts = np.bincount([label_index[label] for label in labels], minlength=len(self.labels))
        self.log_prior = np.log(class_counts / class_counts.sum())
        return self

    # -- prediction ---------------------------------------------------------------------
    def log_scores(self, texts: Iterable[str]) -> np.ndarray:
        if self.log_prob is None:
            raise RuntimeError("the style classifier is not trained")
        out = []
        for text in texts:
            idx = [self.vocab[f] for f in features(text, self.ngram_range, self.words) if f in self.vocab]
            score = self.log_prior.copy()
            if idx:
                score += self.log_prob[idx].sum(axis=0)
            out.append(score)
        return np.vstack(out) if out else np.zeros((0, len(self.labels)))

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        scores = self.log_scores(texts)
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        return probs / probs.sum(axis=1, keepdims=True)

    def predict(self, texts: Iterable[str]) -> list[str]:
        scores = self.log_scores(texts)
        return [self.labels[i] for i in scores.argmax(axis=1)]

    def accuracy(self, texts: Sequence[str], labels: Sequence[str]) -> float:
        if not texts:
            return float("nan")
        return float(np.mean([p == y for p, y in zip(self.predict(texts), labels)]))

    # -- persistence --------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        meta = {"ngram_range": list(self.ngram_range), "alpha": self.alpha, "words": self.words,
                "labels": self.labels, "vocab": sorted(self.vocab, key=self.vocab.get)}
        (path / "style_classifier.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(path / "style_classifier.npz", log_prob=self.log_prob.astype(np.float32),
                            log_prior=self.log_prior)

    @classmethod
    def load(cls, path: str | Path) -> StyleClassifier:
        path = Path(path)
        meta = json.loads((path / "style_classifier.json").read_text(encoding="utf-8"))
        clf = cls(tuple(meta["ngram_range"]), meta["alpha"], meta["words"])
        clf.labels = meta["labels"]
        clf.vocab = {f: i for i, f in enumerate(meta["vocab"])}
        arrays = np.load(path / "style_classifier.npz")
        clf.log_prob = arrays["log_prob"].astype(np.float64)
        clf.log_prior = arrays["log_prior"]
        return clf


def train_on_rows(rows, styles: Sequence[str] | None = None, **kwargs) -> StyleClassifier:
    """Fit on SmileStyle rows (every sentence is an example of its column's style).

    `styles`: the classes to learn (default: every style present in the rows).
    """
    texts, labels = [], []
    for row in rows:
        for style, sentence in row.styles.items():
            if styles is None or style in styles:
                texts.append(sentence)
                labels.append(style)
    return StyleClassifier(**kwargs).fit(texts, labels)
