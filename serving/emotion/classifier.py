"""`EmotionClassifier`: the default, offline lexicon + morpheme classifier."""

from __future__ import annotations

from serving.emotion.labels import EMOTIONS, EmotionResult
from serving.emotion.lexicon import LEMMA_CUES, NEUTRAL_PRIOR, PHRASE_CUES, STEM_CUES, STEM_WEIGHT
from serving.kiwi import get_kiwi
from serving.safety.normalize import clean_text, compact_text

_CONTENT_TAGS = ("NNG", "NNP", "VV", "VA", "XR", "MAG", "VX", "IC")
_SMOOTHING = 0.1


class EmotionClassifier:
    """Scores each label by the cues a message contains; 중립 wins when none is strong."""

    def classify(self, text: str) -> EmotionResult:
        weights = self.weights(text)
        label = max(EMOTIONS, key=lambda name: (weights[name], -EMOTIONS.index(name)))
        total = sum(weights.values()) + _SMOOTHING * len(EMOTIONS)
        return EmotionResult(label=label, score=round((weights[label] + _SMOOTHING) / total, 4))

    __call__ = classify

    def weights(self, text: str) -> dict[str, float]:
        weights = dict.fromkeys(EMOTIONS, 0.0)
        weights["중립"] = NEUTRAL_PRIOR
        clean = clean_text(text or "")
        if not clean:
            return weights
        lemmas = {token.form for token in get_kiwi().tokenize(clean) if token.tag.split("-")[0] in _CONTENT_TAGS}
        compact = compact_text(clean)
        for label, cues in LEMMA_CUES.items():
            weights[label] += sum(weight for lemma, weight in cues.items() if lemma in lemmas)
        for label, cues in PHRASE_CUES.items():
            weights[label] += sum(weight for pattern, weight in cues if pattern.search(compact))
        for label, pattern in STEM_CUES.items():
            if pattern.search(compact):
                weights[label] += STEM_WEIGHT
        return weights


_DEFAULT = EmotionClassifier()


def classify(text: str) -> EmotionResult:
    """The emotion of one user message, with the offline classifier."""
    return _DEFAULT.classify(text)
