"""`TransformersEmotionClassifier`: a Hugging Face text-classification model, mapped to our labels.

    clf = TransformersEmotionClassifier("nlp04/korean_sentiment_analysis_kcelectra")
    clf.classify("내일 면접이라 너무 떨려")   # EmotionResult(label="불안", score=0.8...)

The model's labels are mapped with `map_external_label` (the kcelectra table is built in;
pass `label_map` for other models). Probabilities of labels that map to the same one of ours
are added up; labels with no counterpart are dropped. The model loads on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from maeum.errors import MaeumError
from serving.emotion.labels import EMOTIONS, EmotionResult, map_external_label


class TransformersEmotionClassifier:
    def __init__(self, model_id: str, *, label_map: Mapping[str, str] | None = None, device: int | str | None = None,
                 max_length: int = 256):
        self.model_id = model_id
        self.label_map = dict(label_map or {})
        self.device = device
        self.max_length = max_length
        self._pipeline = None
        self._mapping: dict[str, str] | None = None
        self._lock = threading.Lock()

    def classify(self, text: str) -> EmotionResult:
        pipe, mapping = self._load()
        raw = pipe(text or " ", top_k=None, truncation=True, max_length=self.max_length)
        if raw and isinstance(raw[0], list):  # some versions nest one list per input
            raw = raw[0]
        return aggregate({item["label"]: float(item["score"]) for item in raw}, mapping)

    __call__ = classify

    @property
    def mapping(self) -> dict[str, str]:
        """The model's labels that map to ours (loads the model)."""
        return dict(self._load()[1])

    def _load(self):
        with self._lock:
            if self._pipeline is None:
                try:
                    from transformers import pipeline
                except ImportError as exc:  # pragma: no cover - transformers is a dependency
                    raise MaeumError("the transformers emotion classifier needs `pip install transformers`") from exc
                try:
                    pipe = pipeline("text-classification", model=self.model_id, device=self.device)
                except OSError as exc:
                    raise MaeumError(
                        f"cannot load emotion model {self.model_id!r}: {exc}. Pass a local folder, or allow "
                        "downloads from the Hugging Face hub."
                    ) from exc
                self._mapping = label_mapping(pipe.model.config.id2label.values(), self.label_map, self.model_id)
                self._pipeline = pipe
            return self._pipeline, self._mapping


def label_mapping(model_labels, label_map: Mapping[str, str] | None = None, model_id: str = "model") -> dict[str, str]:
    """{model label: our label} for every model label that has a counterpart."""
    mapping = {}
    for label in model_labels:
        ours = map_external_label(str(label), label_map)
        if ours is not None:
            mapping[str(label)] = ours
    if not mapping:
        raise MaeumError(
            f"none of {model_id}'s labels ({', '.join(map(str, model_labels))}) map to {', '.join(EMOTIONS)}; "
            "pass label_map={model label: our label}"
        )
    return mapping


def aggregate(scores: Mapping[str, float], mapping: Mapping[str, str]) -> EmotionResult:
    """Sum the probabilities of model labels per label of ours; the best one wins."""
    totals = dict.fromkeys(EMOTIONS, 0.0)
    for label, score in scores.items():
        if label in mapping:
            totals[mapping[label]] += score
    kept = sum(totals.values())
    if kept <= 0:
        return EmotionResult(label="중립", score=0.0)
    best = max(EMOTIONS, key=lambda name: (totals[name], -EMOTIONS.index(name)))
    return EmotionResult(label=best, score=round(min(1.0, totals[best] / kept), 4))
