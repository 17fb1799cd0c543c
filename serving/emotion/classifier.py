"""`EmotionClassifier`: the default, offline lexicon + morpheme classifier, backed by a small
learned model for wording the lexicon has no cue for."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from serving.acts.news import bad_news
from serving.emotion import lexicon as lx
from serving.emotion.labels import EMOTIONS, EmotionResult
from serving.kiwi import get_kiwi
from serving.safety.normalize import clean_text, compact_text

log = logging.getLogger("maeum.emotion")

_CONTENT_TAGS = ("NNG", "NNP", "VV", "VA", "XR", "MAG", "VX", "IC")
_SMOOTHING = 0.1
# The lexicon decides alone when its winner has this much weight and this lead on the next label.
CONFIDENT_WEIGHT = 1.5
CONFIDENT_MARGIN = 1.0
# Otherwise the learned model's probabilities are added to the lexicon's share, this much.
LEARNED_SHARE = 0.6
CONFIDENT_DECIDES = True  # a confident lexicon decides alone even with the encoder on
TRAINING_FILE = "emotion_eval.tsv"
_DISTRESS_READS = ("슬픔", "불안", "분노", "상처", "당황")


class EmotionClassifier:
    """Scores each label by the cues a message contains; 중립 wins when none is strong.

    `rules` turns on the generalisation rules (help-request idioms, negation, intensifiers,
    distress words, the joy guard); `learned` adds the numpy model, trained on `training_rows`
    (default: the bundled `data/emotion_eval.tsv`) on first use. With neither it is the
    original lexicon classifier.
    """

    def __init__(self, *, rules: bool = True, learned: bool = True,
                 training_rows: Sequence[dict[str, str]] | None = None,
                 learned_share: float = LEARNED_SHARE, confident_weight: float = CONFIDENT_WEIGHT,
                 confident_margin: float = CONFIDENT_MARGIN, joy_guard: bool = True,
                 intensifiers: bool = True) -> None:
        self.rules = rules
        self.learned = learned
        self.learned_share = learned_share
        self.confident_weight = confident_weight
        self.confident_margin = confident_margin
        self.joy_guard = joy_guard
        self.intensifiers = intensifiers
        self._training_rows = training_rows
        self._model = None
        self._model_lock = threading.Lock()

    # -- public -------------------------------------------------------------------------------

    def classify(self, text: str) -> EmotionResult:
        clean = clean_text(text or "")
        tokens = get_kiwi().tokenize(clean) if clean else []
        compact = compact_text(clean) if clean else ""
        weights = self._lexicon_weights(tokens, compact)
        shares = _shares(weights)
        if self.learned and clean and not self._confident(weights):
            model = self.model()
            if model is not None:
                from serving.emotion.learned import features

                probabilities = model.probabilities(features(compact, tokens))
                share = self.learned_share
                shares = {name: (1 - share) * shares[name] + share * probabilities[name] for name in EMOTIONS}
        label = max(EMOTIONS, key=lambda name: (shares[name], -EMOTIONS.index(name)))
        if self.learned and clean and not (self._confident(weights) and CONFIDENT_DECIDES):
            shares = self._with_encoder(clean, weights, shares)  # the encoder head reads the meaning
            label = max(EMOTIONS, key=lambda name: (shares[name], -EMOTIONS.index(name)))
        if label in ("기쁨", "중립") and bad_news(clean):  # "진단을 받았어요" is never joy, nor nothing
            label = max(_DISTRESS_READS, key=lambda name: (shares[name], -EMOTIONS.index(name)))
        return EmotionResult(label=label, score=round(min(1.0, max(0.0, shares[label])), 4))

    __call__ = classify

    def weights(self, text: str) -> dict[str, float]:
        """The lexicon's weight for each label (중립 starts at the neutral prior)."""
        clean = clean_text(text or "")
        if not clean:
            return self._lexicon_weights([], "")
        return self._lexicon_weights(get_kiwi().tokenize(clean), compact_text(clean))

    def model(self):
        """The learned model, trained on first use; None when there is no training data."""
        if self._model is None:
            with self._model_lock:
                if self._model is None:
                    self._model = _train(self._training_rows) or False
        return self._model or None

    def encoder_head(self):
        """The emotion head on the shared sentence encoder; None without the encoder."""
        if getattr(self, "_head", None) is None:
            with self._model_lock:
                if getattr(self, "_head", None) is None:
                    self._head = _train_encoder_head(self._training_rows) or False
        return self._head or None

    # -- internals ----------------------------------------------------------------------------

    def _with_encoder(self, clean: str, weights: dict[str, float], shares: dict[str, float]) -> dict[str, float]:
        """The encoder head's probabilities; it reads the embedding, character n-grams and the
        lexicon's weights together (per-label figures: docs/composer.md)."""
        head = self.encoder_head()
        if head is None:
            return shares
        from serving.semantic import embed_one

        return head.proba_dict(emotion_features(embed_one(clean), [clean], [weights]))

    def _confident(self, weights: dict[str, float]) -> bool:
        ranked = sorted(weights.values(), reverse=True)
        best = max(EMOTIONS, key=lambda name: weights[name])
        return best != "중립" and ranked[0] >= self.confident_weight and ranked[0] - ranked[1] >= self.confident_margin

    def _lexicon_weights(self, tokens, compact: str) -> dict[str, float]:
        weights = dict.fromkeys(EMOTIONS, 0.0)
        weights["중립"] = lx.NEUTRAL_PRIOR
        if not compact:
            return weights
        if not self.rules:
            lemmas = {token.form for token in tokens if token.tag.split("-")[0] in _CONTENT_TAGS}
            for label, cues in lx.LEMMA_CUES.items():
                weights[label] += sum(weight for lemma, weight in cues.items() if lemma in lemmas)
            for label, cues in lx.PHRASE_CUES.items():
                weights[label] += sum(weight for pattern, weight in cues if pattern.search(compact))
            for label, pattern in lx.STEM_CUES.items():
                if pattern.search(compact):
                    weights[label] += lx.STEM_WEIGHT
            return weights

        help_request = bool(lx.HELP_REQUEST.search(compact))
        negated: dict[str, float] = dict.fromkeys(EMOTIONS, 0.0)
        seen: set[tuple[str, str]] = set()
        intensified = False
        for i, token in enumerate(tokens):
            tag = token.tag.split("-")[0]
            if token.form in lx.INTENSIFIERS and tag == "MAG":
                intensified = True
            if tag not in _CONTENT_TAGS:
                continue
            nxt = tokens[i + 1].form if i + 1 < len(tokens) else ""
            for label in lx.LEMMA_CUES:
                weight = lx.LEMMA_CUES[label].get(token.form, 0.0) + lx.EXTRA_LEMMA_CUES[label].get(token.form, 0.0)
                if not weight or (label, token.form) in seen:
                    continue
                seen.add((label, token.form))
                if token.form in lx.HEDGED_JOY_LEMMAS and (lx.HEDGE_ENDING.match(nxt) or help_request):
                    continue  # "어떻게 하면 좋을까요", "...면 좋겠어요": asking, not joy
                if _negated(tokens, i):
                    negated[label] += weight
                    continue
                weights[label] += weight
        for table in (lx.PHRASE_CUES, lx.EXTRA_PHRASE_CUES):
            for label, cues in table.items():
                weights[label] += sum(weight for pattern, weight in cues if pattern.search(compact))
        for label, pattern in lx.STEM_CUES.items():
            if pattern.search(compact) and not negated[label]:
                weights[label] += lx.STEM_WEIGHT
        # "안 기뻐", "즐겁지 않아": a negated good feeling is low mood.
        if negated["기쁨"]:
            weights["슬픔"] += min(negated["기쁨"], 1.5)
        if self.intensifiers and intensified:
            for name in EMOTIONS[:-1]:
                weights[name] *= lx.INTENSIFIER_FACTOR
        if self.joy_guard and weights["기쁨"]:
            distress = max(weights[name] for name in lx.DISTRESS_LABELS)
            if distress >= 1.0:  # joy must beat the distress it sits next to, by a margin
                weights["기쁨"] = max(0.0, weights["기쁨"] - distress / 2)
        return weights


def _negated(tokens, i: int) -> bool:
    """Whether the morpheme at `i` is negated: 안/못 before it, or -지 않다/못하다 after it."""
    if i > 0 and tokens[i - 1].form in lx.NEGATING_ADVERBS and tokens[i - 1].tag.startswith("MAG"):
        return True
    rest = [token for token in tokens[i + 1:i + 5] if not token.tag.startswith(("XS", "JX", "EP"))]
    return len(rest) >= 2 and rest[0].form == "지" and rest[1].form in lx.NEGATING_AUX


def _shares(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values()) + _SMOOTHING * len(EMOTIONS)
    return {name: (weights[name] + _SMOOTHING) / total for name in EMOTIONS}


def _train(rows: Sequence[dict[str, str]] | None):
    from serving.emotion.learned import features, load_model, save_model, train

    if rows is None:
        try:
            from maeum.paths import data_file
            from serving.safety.textio import read_labelled

            rows = read_labelled(data_file(TRAINING_FILE), EMOTIONS)
        except Exception:  # noqa: BLE001 - no data shipped: the lexicon works alone
            return None
    if not rows:
        return None
    # The trained weights are cached on disk, keyed by the rows and the code that makes
    # features and trains (5 s of Kiwi analysis and gradient steps at every start otherwise).
    cached = _model_cache_path(rows)
    if cached is not None and cached.exists():
        try:
            return load_model(cached)
        except (OSError, ValueError, KeyError):
            log.warning("emotion model cache %s unreadable; training again", cached)
    kiwi = get_kiwi()
    examples = []
    for row in rows:
        clean = clean_text(row["text"])
        examples.append((features(compact_text(clean), kiwi.tokenize(clean)), row["label"]))
    model = train(examples)
    if cached is not None:
        try:
            save_model(model, cached)
        except OSError:
            log.warning("could not cache the emotion model at %s", cached, exc_info=True)
    return model


def _model_cache_path(rows):
    from maeum.paths import cache_dir
    from serving.emotion import learned

    digest = hashlib.sha256()
    for source in (Path(learned.__file__), Path(__file__)):
        digest.update(source.read_bytes())
    digest.update(json.dumps([[r["text"], r["label"]] for r in rows], ensure_ascii=False).encode("utf-8"))
    try:
        return cache_dir() / "emotion" / f"learned-{digest.hexdigest()[:24]}.npz"
    except OSError:
        return None


def _train_encoder_head(rows):
    from serving.semantic import encoder_available

    if not encoder_available():
        return None
    if rows is None:
        try:
            from maeum.paths import data_file
            from serving.safety.textio import read_labelled

            rows = read_labelled(data_file(TRAINING_FILE), EMOTIONS) + _acts_rows()
        except Exception:  # noqa: BLE001 - no data shipped
            return None
    from serving.semantic.cache import cached_embeddings
    from serving.semantic.encoder import get_encoder
    from serving.semantic.heads import HeadConfig, train_or_load_head

    texts = [r["text"] for r in rows]
    lexicon = EmotionClassifier(learned=False)

    def features():  # only when the head is not on disk yet: Kiwi on 2k rows is most of a cold start
        return emotion_features(cached_embeddings(texts, namespace="emotion"), texts,
                                [lexicon.weights(t) for t in texts])

    return train_or_load_head(f"emotion-{FEATURES_VERSION}", texts, [r["label"] for r in rows], features=features,
                              encoder_name=get_encoder().name, config=HeadConfig(l2=1e-4, steps=600), classes=EMOTIONS)


FEATURES_VERSION = "grams-lex2"  # part of the head's cache name
LEXICON_FEATURE_SCALE = 0.3  # lexicon weights run to ~3; scaled to sit beside unit-norm vectors


def emotion_features(embeddings, texts: list[str], weights: list[dict[str, float]]):
    """Embedding + character n-grams (serving.acts.features) + the lexicon's weight per label."""
    import numpy as np

    from serving.acts.features import act_features

    lexicon = np.array([[w[e] for e in EMOTIONS] for w in weights], dtype=np.float32) * LEXICON_FEATURE_SCALE
    return np.hstack([act_features(embeddings, texts), lexicon])


def _acts_rows() -> list[dict[str, str]]:
    """The train/ours splits of data/emotion_acts.tsv as (text, label) rows; [] when absent."""
    try:
        from serving.acts.data import training_rows

        return [{"text": r["text"], "label": r["emotion"]} for r in training_rows()]
    except FileNotFoundError:
        return []


_DEFAULT = EmotionClassifier()


def classify(text: str) -> EmotionResult:
    """The emotion of one user message, with the offline classifier."""
    return _DEFAULT.classify(text)
