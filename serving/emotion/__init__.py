"""Emotion of each user message: one of `EMOTIONS` with a confidence.

    from serving.emotion import classify
    classify("내일 면접인데 너무 떨려")   # EmotionResult(label="불안", score=0.6...)

`classify` uses the offline lexicon/morpheme `EmotionClassifier`; a Hugging Face model can be
used instead with `TransformersEmotionClassifier(model_id)`. Names load on first use so the
CLI registration stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "EMOTIONS": "serving.emotion.labels",
    "EmotionResult": "serving.emotion.labels",
    "map_external_label": "serving.emotion.labels",
    "KCELECTRA_LABEL_MAP": "serving.emotion.labels",
    "EmotionClassifier": "serving.emotion.classifier",
    "classify": "serving.emotion.classifier",
    "TransformersEmotionClassifier": "serving.emotion.transformers_backend",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from serving.emotion.classifier import EmotionClassifier, classify
    from serving.emotion.labels import EMOTIONS, KCELECTRA_LABEL_MAP, EmotionResult, map_external_label
    from serving.emotion.transformers_backend import TransformersEmotionClassifier


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'serving.emotion' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
