"""`SafetyAssessor`: the rules, plus an optional classifier that may only raise the level.

A classifier is any callable taking the raw text and returning one of:
- a level string ("none" / "concern" / "crisis"),
- a `(level, score)` pair,
- a mapping or object with `level` (or `label`) and `score`.

The rules decide on their own; the classifier can add a level above theirs when its score
reaches the threshold, never lower it, and a failing classifier is logged and ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from serving.safety.injection import looks_like_injection
from serving.safety.models import LEVEL_RANK, LEVELS, Level, SafetyAssessment
from serving.safety.normalize import KIWI_TYPOS, normalise
from serving.safety.rules import evaluate

log = logging.getLogger(__name__)

Classifier = Callable[[str], Any]


class SafetyAssessor:
    def __init__(self, classifier: Classifier | None = None, *, classifier_threshold: float = 0.5,
                 kiwi_typos: str | None = KIWI_TYPOS):
        self.classifier = classifier
        self.classifier_threshold = classifier_threshold
        self.kiwi_typos = kiwi_typos

    def assess_text(self, text: str) -> SafetyAssessment:
        text = text or ""
        normalised = normalise(text, self.kiwi_typos)
        verdict = evaluate(normalised)
        level: Level = verdict.level
        reasons = [s.reason for s in verdict.signals if s.level != "none"]
        if self.classifier is not None:
            opinion = self._ask_classifier(text)
            if opinion is not None and LEVEL_RANK[opinion[0]] > LEVEL_RANK[level]:
                level = opinion[0]
                reasons.append(f"classifier: {opinion[0]} ({opinion[1]:.2f})")
        return SafetyAssessment(
            level=level,
            reasons=reasons,
            discounted=[s.reason for s in verdict.discounted],
            injection_suspected=looks_like_injection(normalised.clean),
        )

    __call__ = assess_text

    def warm_up(self) -> None:
        """Load Kiwi and its typo model now (a second or more) rather than on the first message."""
        self.assess_text("준비")

    def _ask_classifier(self, text: str) -> tuple[Level, float] | None:
        try:
            level, score = _as_opinion(self.classifier(text))
        except Exception:  # a broken model must never take the rules down with it
            log.warning("safety classifier failed; using the rules alone", exc_info=True)
            return None
        if level not in LEVELS:
            log.warning("safety classifier returned unknown level %r; ignored", level)
            return None
        return (level, score) if score >= self.classifier_threshold else None


def _as_opinion(value: Any) -> tuple[str, float]:
    if isinstance(value, str):
        return value, 1.0
    if isinstance(value, tuple) and len(value) == 2:
        return str(value[0]), float(value[1])
    if isinstance(value, Mapping):
        return str(value.get("level", value.get("label"))), float(value.get("score", 1.0))
    level = getattr(value, "level", getattr(value, "label", None))
    return str(level), float(getattr(value, "score", 1.0))


_DEFAULT = SafetyAssessor()


def assess(text: str) -> SafetyAssessment:
    """Assess one user message with the rules alone."""
    return _DEFAULT.assess_text(text)


def warm_up() -> None:
    """Load what `assess` needs at start-up instead of on the first user message."""
    _DEFAULT.warm_up()
