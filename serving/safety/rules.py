"""Rule-based crisis assessment: find signals, weigh their context, combine them."""

from __future__ import annotations

from dataclasses import dataclass, field

from serving.safety import context
from serving.safety.lexicon import FAREWELL_HINTS, PLAN_HINT, SIGNALS, STRONG_FAREWELL_HINTS
from serving.safety.models import Level, max_level
from serving.safety.normalize import NormalisedText


@dataclass(frozen=True)
class Signal:
    code: str
    level: Level
    evidence: str
    note: str = ""

    @property
    def reason(self) -> str:
        text = f"{self.code}: {self.evidence}"
        return f"{text} ({self.note})" if self.note else text


@dataclass
class RuleVerdict:
    signals: list[Signal] = field(default_factory=list)
    discounted: list[Signal] = field(default_factory=list)

    @property
    def level(self) -> Level:
        return max_level(*(s.level for s in self.signals))


def evaluate(text: NormalisedText) -> RuleVerdict:
    verdict = RuleVerdict()
    message = text.compact
    for sentence in text.sentences:
        for view in sentence.views:
            for pattern in SIGNALS:
                for match in pattern.regex.finditer(view):
                    before, after = view[: match.start()], view[match.end():]
                    evidence = match.group(0)
                    why = context.explain_away(pattern, sentence, before, after, evidence)
                    if why == "media or topic" and pattern.code == "method_question":
                        # Never a reason to explain methods: keep a check-in even for "소설 쓰는데…".
                        _add(verdict.signals, Signal(pattern.code, "concern", evidence, "asked as a topic"))
                    elif why:
                        _add(verdict.discounted, Signal(pattern.code, pattern.level, evidence, why))
                    elif pattern.code.startswith("violence") and pattern.level == "crisis" and context.laughing(sentence):
                        # Laughing about it: likely light, still worth a check-in.
                        _add(verdict.signals, Signal(pattern.code, "concern", evidence, "said laughing"))
                    elif pattern.may_be_hyperbole and context.trivial_cause(before):
                        _add(verdict.signals, Signal(pattern.code, "concern", evidence, "possible hyperbole"))
                    elif context.in_the_past(view, after, message):
                        # Past crises still deserve a check-in; past worries alone do not.
                        if pattern.level == "crisis":
                            _add(verdict.signals, Signal(pattern.code, "concern", evidence, "in the past"))
                        else:
                            _add(verdict.discounted, Signal(pattern.code, pattern.level, evidence, "in the past"))
                    else:
                        _add(verdict.signals, Signal(pattern.code, pattern.level, evidence))
    _combine_farewell(text, verdict)
    _combine_ambiguous_end(text, verdict)
    _combine_means(verdict)
    return verdict


def _add(signals: list[Signal], signal: Signal) -> None:
    if signal not in signals:
        signals.append(signal)


def _combine_farewell(text: NormalisedText, verdict: RuleVerdict) -> None:
    """Goodbye + thanks for everything / entrusting a pet / "it's the end": a farewell."""
    own_sentences = "".join(
        s.compact for s in text.sentences
        if not context.about_topic(s) and not context.third_person_subject(s)
    )
    kinds = sorted(kind for kind, regex in FAREWELL_HINTS.items() if regex.search(own_sentences))
    if len(kinds) >= 3 or (len(kinds) >= 2 and STRONG_FAREWELL_HINTS.intersection(kinds)):
        _add(verdict.signals, Signal("farewell", "crisis", "+".join(kinds)))


def _combine_ambiguous_end(text: NormalisedText, verdict: RuleVerdict) -> None:
    """"끝낼 거야" is a crisis next to any other sign of distress or of a plan."""
    ambiguous = [s for s in verdict.signals if s.code == "ideation.ambiguous_end"]
    if not ambiguous:
        return
    others = [s for s in verdict.signals if s.code != "ideation.ambiguous_end"]
    plan = PLAN_HINT.search(text.compact) or context.earnest(text.compact)
    if others or plan:
        verdict.signals = others + [
            Signal(s.code, "crisis", s.evidence, "with other signs" if others else "with a plan") for s in ambiguous
        ]


def _combine_means(verdict: RuleVerdict) -> None:
    """A weapon bought is a crisis next to any other sign (a threat, despair...)."""
    means = [s for s in verdict.signals if s.code == "means"]
    others = [s for s in verdict.signals if s.code != "means"]
    if means and others:
        verdict.signals = others + [Signal(s.code, "crisis", s.evidence, "with other signs") for s in means]
