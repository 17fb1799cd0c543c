"""The rule-based style engine: speech level by Kiwi, then the persona's voice (its YAML
and the table mined from SmileStyle), then decorations that read the room.

Fast (well under 2 ms a sentence on one CPU core), needs no model, and never changes
content words, so it is the default engine and the fallback of the learned ones.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from serving.style.clip import clip
from serving.style.decorate import calm_needed, chooser, decorate, is_question, is_risk, playful_added
from serving.style.levels import REGISTER_TAILS, SpeechLevel
from serving.style.selfcheck import problems
from serving.style.speech_levels import convert_speech_level
from serving.style.voice import pick_tail, voice_of

if TYPE_CHECKING:
    from serving.personas.schema import Persona
    from serving.turn_context import TurnContext

log = logging.getLogger(__name__)


class RulesEngine:
    """`rewrite` keeps the number and order of sentences; a sentence the rules cannot
    handle comes back unchanged (and the reason is logged), never an exception."""

    name = "rules"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def convert_speech_level(self, sentence: str, level: SpeechLevel | str) -> str:
        return convert_speech_level(sentence, level)

    def rewrite(self, sentences: list[str], persona: "Persona", context: "TurnContext | None" = None) -> list[str]:
        return [self.rewrite_one(sentence, persona, index, context) for index, sentence in enumerate(sentences)]

    def rewrite_one(self, sentence: str, persona: "Persona", index: int = 0,
                    context: "TurnContext | None" = None, trace: list | None = None) -> str:
        """One sentence in the persona's voice; `trace` collects (rule, before, after)."""
        if not sentence or not sentence.strip():
            return sentence
        try:
            rng = chooser(self.seed, persona.id, index, sentence)
            voice = voice_of(persona)
            tails = voice.question_tails if is_question(sentence) else voice.statement_tails
            roll = rng.random()  # drawn every time so one choice does not shift the others
            tail = pick_tail(tails, roll)
            if calm_needed(sentence, context=context) is not None and (
                    tail not in REGISTER_TAILS or is_risk(sentence) or (context is not None and context.subdued)):
                tail = None  # 다니깐 insists; 구먼 and 하게체 네 are register, but never on risk or in care
            if voice.clipped or persona.style.speech_level is SpeechLevel.EUM:
                styled = clip(sentence)
                _note(trace, "clipped (android)", sentence, styled)
            else:
                styled = self._checked_level(sentence, persona.style.speech_level, tail, trace)
            out = decorate(styled, persona, rng, original=sentence, context=context, trace=trace, voice=voice)
            calm = calm_needed(styled, sentence, context)
            added = playful_added(sentence, out) if calm else []
            if added:  # a persona's words or marks made a painful sentence playful: not sent
                log.info("calm check removed %s from %r", added, out)
                _note(trace, f"calm check: {calm}; {' '.join(added)} removed", out, styled)
                out = styled
            return out
        except Exception:  # a style engine must never take a reply down
            log.warning("rules engine left a sentence unchanged for persona %s", persona.id, exc_info=True)
            return sentence

    @staticmethod
    def _checked_level(sentence: str, level: SpeechLevel, tail: str | None, trace: list | None) -> str:
        """The sentence at `level`, re-read by Kiwi (selfcheck.py): a rendering that broke a
        word or mixed levels is replaced by the one without the persona's tail, and if that
        fails too by the source sentence itself (polite, but never broken)."""
        styled = convert_speech_level(sentence, level, tail=tail)
        _note(trace, f"speech level {level.value}" + (f" (tail {tail} offered)" if tail else ""), sentence, styled)
        found = problems(sentence, styled, level)
        if found and tail is not None:
            plain = convert_speech_level(sentence, level)
            _note(trace, f"self-check: {', '.join(found)}; without the tail", styled, plain)
            styled, found = plain, problems(sentence, plain, level)
        if found:
            log.info("self-check refused %r -> %r (%s)", sentence, styled, ", ".join(found))
            _note(trace, f"self-check: {', '.join(found)}; source kept", styled, sentence)
            styled = sentence
        return styled


def _note(trace: list | None, rule: str, before: str, after: str) -> None:
    if trace is not None and before != after:
        trace.append((rule, before, after))
