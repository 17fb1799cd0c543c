"""Message act of one user message: rules for the unmistakable, an encoder head for the rest.

The head is a calibrated softmax (serving.semantic) over USE-m3 embeddings and character n-grams
(serving/acts/features.py) of the `train` and
`ours` splits of data/emotion_acts.tsv, cached on disk keyed by the data; the `test` split is
never trained on (`maeum eval acts` scores it). Without the encoder (MAEUM_ENCODER=off) the
rules and `fallback_act` answer alone.
"""

from __future__ import annotations

import logging
import threading

from serving.acts.labels import ACTS, ActResult
from serving.acts.news import bad_news, distress_words
from serving.acts.rules import fallback_act, rule_act

logger = logging.getLogger(__name__)


class ActClassifier:
    def __init__(self, rows: list[dict[str, str]] | None = None, *, use_cache: bool = True):
        self._rows = rows
        self._use_cache = use_cache
        self._head = None
        self._lock = threading.Lock()

    def head(self):
        """The trained head, or None without an encoder or data."""
        if self._head is None:
            with self._lock:
                if self._head is None:
                    self._head = _train_head(self._rows, self._use_cache) or False
        return self._head or None

    def classify(self, text: str) -> ActResult:
        ruled = rule_act(text)
        if ruled is not None:
            return ActResult(ruled, 1.0, "rule")
        head = self.head()
        if head is not None:
            from serving.acts.features import act_features
            from serving.semantic import embed_one

            probabilities = head.proba_dict(act_features(embed_one(text), [text]))
            # "진단을 받았어요", "헤어지게 됐어요" are told like good news but are not; "회사 때문에
            # 스트레스가 심해" is no small talk ("힘들게 준비했는데 합격했어요!" is still good news;
            # "안녕 진짜 짜증나는 일 있었어" still greets: the composer answers its feeling)
            barred = ("good_news",) * bad_news(text) + ("small_talk",) * distress_words(text)
            allowed = [a for a in ACTS if a not in barred]
            act = max(allowed, key=lambda a: probabilities.get(a, 0.0))
            return ActResult(act, round(probabilities[act], 4), "head")
        return ActResult(fallback_act(text), 0.0, "default")

    __call__ = classify


def _train_head(rows, use_cache: bool):
    from serving.semantic import encoder_available
    from serving.semantic.heads import HeadConfig

    if not encoder_available():
        return None
    if rows is None:
        from serving.acts.data import training_rows

        try:
            rows = training_rows()
        except FileNotFoundError:
            logger.warning("no data/emotion_acts.tsv: message acts come from rules only")
            return None
    from serving.acts.features import VERSION, act_features
    from serving.semantic.cache import cached_embeddings
    from serving.semantic.encoder import get_encoder
    from serving.semantic.heads import train_or_load_head

    texts, labels = [r["text"] for r in rows], [r["act"] for r in rows]

    def features():  # only when the head is not on disk yet (the n-grams of 1k rows cost ~0.7 s)
        return act_features(cached_embeddings(texts, namespace="acts", use_cache=use_cache), texts)

    return train_or_load_head(f"acts-{VERSION}", texts, labels, features=features, encoder_name=get_encoder().name,
                              config=HeadConfig(l2=1e-4, steps=600), classes=ACTS, use_cache=use_cache)


_DEFAULT = ActClassifier()


def classify_act(text: str) -> ActResult:
    return _DEFAULT.classify(text)


def warm_up() -> None:
    """Load (or train) the head now: messages a rule decides never touch it, so the first
    other message would otherwise pay for it (0.9 s here)."""
    _DEFAULT.head()
