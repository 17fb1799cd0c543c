"""`SafetyAssessor`: the rules, plus learned layers that may only raise the level.

Order: phrase rules → lemma fail-safe → rules for ingestion and someone else in danger
(`routing`) → the semantic layer on the message and on the conversation window
(`semantic`) → an optional classifier hook → rules over the conversation window. Every step
can only raise the level; the reasons list says which one did. A crisis gets a `path`.

A classifier is any callable taking the raw text and returning one of:
- a level string ("none" / "concern" / "crisis"),
- a `(level, score)` pair,
- a mapping or object with `level` (or `label`) and `score`.

The rules decide on their own; the classifier can add a level above theirs when its score
reaches the threshold, never lower it, and a failing classifier is logged and ignored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from serving.safety import routing
from serving.safety.failsafe import assess_text as failsafe_assess
from serving.safety.injection import looks_like_injection, text_before_injections
from serving.safety.models import LEVEL_RANK, LEVELS, Level, SafetyAssessment
from serving.safety.normalize import KIWI_TYPOS, NormalisedText, joined, normalise
from serving.safety.rules import evaluate

WINDOW_TURNS = 3  # earlier user messages read together with the new one
# "보고 싶어 죽겠어", "웃겨 죽는 줄": the idioms the fail-safe sets aside; the learned layer defers too.
# "그 개그 진짜 죽인다", "맛 죽여준다": praise. A threat ("그놈 죽인다") is the rules' to catch, and
# when they do, the level is no longer none and nothing defers.
# Rule cues that name no wish to die and no self-harm: a farewell phrase, a plan or means word, the
# lemma fail-safe. "먼저 갈게요 다들 수고하셨어요" (a last day at work) and 번개탄 for a barbecue
# match them; a crisis resting on these alone is checked against the semantic layer (see below).
SOFT_CRISIS_CUES = frozenset({"farewell", "plan", "means", "failsafe"})
_DEATH_IDIOM = re.compile(r"죽겠|죽는줄|죽을뻔|죽을맛|죽을것같이|죽을만큼|죽인다$|죽이네|죽여준다|죽여주네|죽여줘요|"
                          r"쥐구멍에?(?:라도)?숨|목(?:이)?빠지게")  # and two idioms of shame and waiting

log = logging.getLogger(__name__)

Classifier = Callable[[str], Any]


class SafetyAssessor:
    """Args:
        classifier: optional extra opinion `fn(text)` (see the module doc), raise-only.
        classifier_threshold: its minimum score.
        kiwi_typos: Kiwi's typo model (None: off).
        failsafe: the lemma fail-safe.
        semantic: a `SemanticSafety`, a zero-argument callable returning one (built lazily), or None.
    """

    def __init__(self, classifier: Classifier | None = None, *, classifier_threshold: float = 0.5,
                 kiwi_typos: str | None = KIWI_TYPOS, failsafe: bool = True, semantic=None):
        self.classifier = classifier
        self.classifier_threshold = classifier_threshold
        self.kiwi_typos = kiwi_typos
        self.failsafe = failsafe
        self._semantic = semantic

    def assess_text(self, text: str, context: Sequence[str] = ()) -> SafetyAssessment:
        """Assess `text`, the newest user message; `context`: the earlier user messages, oldest first."""
        text = text or ""
        context = [c for c in context if c and c.strip()][-WINDOW_TURNS:]
        normalised = normalise(text, self.kiwi_typos)
        level, reasons, discounted, focus = self._rule_level(normalised)
        for evidence, why in ((routing.ingestion_happened(normalised), "ingestion"),
                              (routing.other_danger_now(normalised), "other_danger")):
            if evidence and level != "crisis":
                level = "crisis"
                reasons.append(f"{why}: {evidence}")
        path_probs = None
        # A crisis the rules already routed leaves the learned layer nothing to add (it only raises,
        # and the path is decided): skip the encoder, the slowest part of assessing.
        # (never when the text tries to instruct us: an injection must not be able to lower a level)
        soft = level == "crisis" and _soft_only(reasons) and not looks_like_injection(normalised.clean)
        demoted = False
        semantic = None if level == "crisis" and not soft and routing.rule_route(normalised, reasons) else self.semantic
        if semantic is not None:
            try:
                # Like the fail-safe, the learned layer defers to a risk word the rules explained away
                # (idiom, negation, everyday object...); it reads the message without any sentence
                # that tries to instruct us, so an injection can neither raise nor dilute it.
                opinion, path_probs = semantic.assess(_without_injections(normalised, text), context, focus)
                explained = discounted or (level == "none" and _DEATH_IDIOM.search(normalised.compact))
                if explained and opinion.level != "none" and LEVEL_RANK[opinion.level] > LEVEL_RANK[level]:
                    discounted = [*discounted, f"{opinion.reason} (deferred to the rules' context)"]
                    opinion = None
            except Exception:  # the learned layer must never take the rules down
                log.warning("semantic safety layer failed; rules only", exc_info=True)
            else:
                if opinion is not None and LEVEL_RANK[opinion.level] > LEVEL_RANK[level]:
                    level = opinion.level
                    reasons.append(opinion.reason)
                config = getattr(semantic, "config", None)
                if soft and opinion is not None and opinion.p_crisis < getattr(config, "demote_soft_below", 0.0):
                    # a soft cue the meaning model reads as no crisis: a gentle check-in, or nothing
                    # when it sees no risk at all (measured in `maeum safety cv`, docs/safety.md)
                    clear = opinion.p_flag < getattr(config, "clear_soft_below", 0.0)
                    level = "none" if clear else "concern"
                    discounted = [*discounted, f"crisis from soft cues only ({', '.join(reasons)}); semantic "
                                               f"p_crisis {opinion.p_crisis:.2f}, p_flag {opinion.p_flag:.2f}: {level}"]
                    reasons = [] if clear else reasons
                    demoted = True
        if self.classifier is not None:
            opinion = self._ask_classifier(text)
            if opinion is not None and LEVEL_RANK[opinion[0]] > LEVEL_RANK[level]:
                level = opinion[0]
                reasons.append(f"classifier: {opinion[0]} ({opinion[1]:.2f})")
        if context and level != "crisis" and not demoted:  # the window would only re-read the same soft cue
            level = self._window_rules(context, text, level, reasons)
        path = None
        if level == "crisis":
            path, why = routing.route(normalised, reasons, path_probs)
            if path != "general":
                reasons.append(f"path.{path}: {why}")
        return SafetyAssessment(
            level=level,
            reasons=reasons,
            discounted=discounted,
            injection_suspected=looks_like_injection(normalised.clean),
            path=path,
        )

    @property
    def semantic(self):
        if callable(self._semantic) and not hasattr(self._semantic, "assess"):
            self._semantic = self._semantic()
        return self._semantic

    def _rule_level(self, normalised: NormalisedText) -> tuple[Level, list[str], list[str], list[str]]:
        """(level, reasons, discounted reasons, the evidence strings of every signal)."""
        verdict = evaluate(normalised)
        level: Level = verdict.level
        reasons = [s.reason for s in verdict.signals if s.level != "none"]
        # The fail-safe defers to the rules' context: a risk word they explained away stays away.
        if self.failsafe and not verdict.discounted:
            fs_level, cues = failsafe_assess(normalised)
            if LEVEL_RANK[fs_level] > LEVEL_RANK[level]:
                level = fs_level
                reasons.append(f"failsafe: {fs_level} ({', '.join(cues)})")
        focus = [s.evidence for s in (*verdict.signals, *verdict.discounted)]
        return level, reasons, [s.reason for s in verdict.discounted], focus

    def _window_rules(self, context: list[str], text: str, level: Level, reasons: list[str]) -> Level:
        """A farewell in one message and a plan in the next: the rules over the window, counted only when
        the new message is what completes it (the earlier messages alone read lower)."""
        earlier = [normalise(c, self.kiwi_typos) for c in context]  # each read on its own turn already
        together, why, _, _ = self._rule_level(joined([*earlier, normalise(text, self.kiwi_typos)]))
        if LEVEL_RANK[together] <= LEVEL_RANK[level]:
            return level
        before, _, _, _ = self._rule_level(joined(earlier))
        if LEVEL_RANK[together] <= LEVEL_RANK[before]:
            return level
        reasons.append(f"window: {together} ({'; '.join(why)})")
        return together

    def warm_up(self) -> None:
        """Load Kiwi, its typo model and the learned layers now rather than on the first message."""
        self.assess_text("준비")

    __call__ = assess_text

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


def _soft_only(reasons: Sequence[str]) -> bool:
    codes = {r.split(":", 1)[0] for r in reasons}
    return bool(codes) and codes <= SOFT_CRISIS_CUES


def _without_injections(normalised: NormalisedText, text: str) -> str:
    if not looks_like_injection(normalised.clean):
        return text
    return text_before_injections(text)


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


def _semantic_layer():
    from serving.safety.semantic import default_semantic

    return default_semantic()


# Rules + lemma fail-safe + semantic layer (which applies its own calibrated thresholds).
_DEFAULT = SafetyAssessor(semantic=_semantic_layer)
_RULES_ONLY = SafetyAssessor(failsafe=False)


def assess(text: str, context: Sequence[str] = (), judge: Classifier | None = None) -> SafetyAssessment:
    """Assess the newest user message (with the earlier ones, oldest first): every layer, raise only.
    `judge`: an optional extra opinion such as `serving.safety.judge.LLMJudge` (raise only too)."""
    if judge is None:
        return _DEFAULT.assess_text(text, context)
    return SafetyAssessor(judge, classifier_threshold=0.5, semantic=_semantic_layer).assess_text(text, context)


def assess_rules_only(text: str) -> SafetyAssessment:
    """The phrase rules alone (no fail-safe, no classifier), as before; for comparison."""
    return _RULES_ONLY.assess_text(text)


def warm_up() -> None:
    """Load Kiwi and train the learned classifier now instead of on the first user message."""
    _DEFAULT.warm_up()
