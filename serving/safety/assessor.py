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

from serving.safety.failsafe import assess_text as failsafe_assess
from serving.safety.injection import looks_like_injection
from serving.safety.models import LEVEL_RANK, LEVELS, Level, SafetyAssessment
from serving.safety.normalize import KIWI_TYPOS, normalise
from serving.safety.rules import evaluate

log = logging.getLogger(__name__)

Classifier = Callable[[str], Any]


class SafetyAssessor:
    def __init__(self, classifier: Classifier | None = None, *, classifier_threshold: float = 0.5,
                 kiwi_typos: str | None = KIWI_TYPOS, failsafe: bool = True):
        self.classifier = classifier
        self.classifier_threshold = classifier_threshold
        self.kiwi_typos = kiwi_typos
        self.failsafe = failsafe

    def assess_text(self, text: str) -> SafetyAssessment:
        text = text or ""
        normalised = normalise(text, self.kiwi_typos)
        verdict = evaluate(normalised)
        level: Level = verdict.level
        reasons = [s.reason for s in verdict.signals if s.level != "none"]
        # The fail-safe defers to the rules' context: a risk word they explained away stays away.
        if self.failsafe and not verdict.discounted:
            fs_level, cues = failsafe_assess(normalised)
            if LEVEL_RANK[fs_level] > LEVEL_RANK[level]:
                level = fs_level
                reasons.append(f"failsafe: {fs_level} ({', '.join(cues)})")
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


def _learned(text: str):
    """The learned classifier trained on our set at first use; 'none' when it is unavailable."""
    from serving.safety.learned import default_classifier

    model = default_classifier()
    return model(text) if model is not None else ("none", 0.0)


# Rules + lemma fail-safe + learned classifier (which applies its own calibrated thresholds).
_DEFAULT = SafetyAssessor(classifier=_learned, classifier_threshold=0.0)
_RULES_ONLY = SafetyAssessor(failsafe=False)


def assess(text: str) -> SafetyAssessment:
    """Assess one user message: rules, then the fail-safe and the learned classifier (raise only)."""
    return _DEFAULT.assess_text(text)


def assess_rules_only(text: str) -> SafetyAssessment:
    """The phrase rules alone (no fail-safe, no classifier), as before; for comparison."""
    return _RULES_ONLY.assess_text(text)


def warm_up() -> None:
    """Load Kiwi and train the learned classifier now instead of on the first user message."""
    _DEFAULT.warm_up()
