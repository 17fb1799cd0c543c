"""Rule-based crisis assessment: find signals, weigh their context, combine them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from serving.safety import context
from serving.safety import lexicon
from serving.safety.lexicon import EVERYDAY_GOODBYE, FAREWELL_HINTS, PLAN_HINT, SIGNALS, STRONG_FAREWELL_HINTS
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
    _discount_everyday_goodbye(message, verdict)
    _combine_ambiguous_end(text, verdict)
    _combine_means(verdict)
    own = _own_text(text)
    _combine_height(own, verdict)
    _combine_means_plan(own, verdict)
    _combine_violence_now(text, own, verdict)
    _combine_threat_plan(text, verdict)
    _combine_bleeding(own, verdict)
    return verdict


def _add(signals: list[Signal], signal: Signal) -> None:
    if signal not in signals:
        signals.append(signal)


def _own_text(text: NormalisedText) -> str:
    """The message's sentences that are the speaker's own (no film or class, no third-person subject)."""
    return "".join(s.compact for s in text.sentences
                   if not context.about_topic(s) and not context.third_person_subject(s))


def _combine_height(own: str, verdict: RuleVerdict) -> None:
    """At a height now ("한강 다리 위야") and looking down or unafraid: a crisis."""
    place = lexicon.HEIGHT_NOW.search(own)
    if place and lexicon.LOOKING_DOWN_UNAFRAID.search(own) and not lexicon.HEIGHT_EVERYDAY.search(own):
        _add(verdict.signals, Signal("plan", "crisis", place.group(0), "at a height, looking down"))


def _combine_means_plan(own: str, verdict: RuleVerdict) -> None:
    """A means bought and only the place or the time left to pick ("끈 샀다. 어디다 걸지만 정하면 됨")."""
    means = lexicon.MEANS_ACQUIRED.search(own)
    if means and lexicon.PLAN_LEFT.search(own) and not lexicon.MEANS_EVERYDAY.search(own):
        _add(verdict.signals, Signal("plan", "crisis", means.group(0), "means and a plan"))


def _combine_violence_now(text: NormalisedText, own: str, verdict: RuleVerdict) -> None:
    """Trouble at home happening now while the user hides or is afraid: violence, a crisis."""
    message = text.compact
    home = [s for s in verdict.signals if s.code == "unsafe_home" or (s.code.startswith("violence.from") and s.level != "crisis")]
    door = lexicon.DOOR_FORCE.search(message) and re.search(lexicon.ACTOR, message)
    if not (home or door) or context.laughing_text(message):
        return
    if lexicon.VIOLENCE_NOW.search(message) and lexicon.VIOLENCE_FEAR.search(message):
        evidence = home[0].evidence if home else door.group(0)
        verdict.signals = [s for s in verdict.signals if s not in home] + [
            Signal("violence.from_others", "crisis", evidence, "happening now")]


def _combine_threat_plan(text: NormalisedText, verdict: RuleVerdict) -> None:
    """A threat to someone ("가만 안 둘 거예요") with when/where/with what decided: a crisis."""
    threats = [s for s in verdict.signals if s.code == "violence.to_others" and s.level == "concern" and s.note != "said laughing"]
    if threats and lexicon.THREAT_PLAN.search(text.compact):
        verdict.signals = [s for s in verdict.signals if s not in threats] + [
            Signal(s.code, "crisis", s.evidence, "with a plan") for s in threats]


def _combine_bleeding(own: str, verdict: RuleVerdict) -> None:
    """Bleeding that will not stop, with a sign of self-harm (not an accident): a crisis."""
    bleeding = lexicon.BLEEDING.search(own)
    if bleeding and lexicon.SELF_HARM_CONTEXT.search(own) and not lexicon.BLEEDING_ACCIDENT.search(own):
        _add(verdict.signals, Signal("self_harm", "crisis", bleeding.group(0), "bleeding"))


def _combine_farewell(text: NormalisedText, verdict: RuleVerdict) -> None:
    """Goodbye + thanks for everything / entrusting a pet / "it's the end": a farewell."""
    own_sentences = "".join(
        s.compact for s in text.sentences
        if not context.about_topic(s) and not context.third_person_subject(s)
    )
    spans = {kind: [m.span() for m in regex.finditer(own_sentences)] for kind, regex in FAREWELL_HINTS.items()}
    # "it's all done" does not count on words another hint already used: "짐 다 정리했어" (moving
    # house) is one hint, giving things away, not also "the end"
    others = [span for kind, found in spans.items() if kind != "final" for span in found]
    spans["final"] = [(a, b) for a, b in spans["final"] if not any(a < d and c < b for c, d in others)]
    kinds = sorted(kind for kind, found in spans.items() if found)
    if len(kinds) >= 3 or (len(kinds) >= 2 and STRONG_FAREWELL_HINTS.intersection(kinds)):
        _add(verdict.signals, Signal("farewell", "crisis", "+".join(kinds)))


def _discount_everyday_goodbye(message: str, verdict: RuleVerdict) -> None:
    """A farewell phrase in a message that closes a working day, a class or a chat room is that goodbye."""
    if not EVERYDAY_GOODBYE.search(message):
        return
    ambiguous = [s for s in verdict.signals if s.code == "farewell" and (s.evidence.startswith("먼저") or "+" in s.evidence)]
    for signal in ambiguous:
        verdict.signals.remove(signal)
        _add(verdict.discounted, Signal(signal.code, signal.level, signal.evidence, "everyday goodbye"))


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
