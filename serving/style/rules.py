"""The rule-based style engine: speech level by Kiwi, then persona decorations.

Fast (well under 2 ms a sentence on one CPU core), needs no model, and never changes
content words, so it is the default engine and the fallback of the learned ones.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from serving.style.decorate import chooser, decorate, is_distress
from serving.style.levels import SpeechLevel
from serving.style.speech_levels import convert_speech_level

if TYPE_CHECKING:
    from serving.personas.schema import Persona

log = logging.getLogger(__name__)


class RulesEngine:
    """`rewrite` keeps the number and order of sentences; a sentence the rules cannot
    handle comes back unchanged (and the reason is logged), never an exception."""

    name = "rules"

    def __init__(self, seed: int = 0):
        self.seed = seed

    def convert_speech_level(self, sentence: str, level: SpeechLevel | str) -> str:
        return convert_speech_level(sentence, level)

    def rewrite(self, sentences: list[str], persona: "Persona") -> list[str]:
        return [self.rewrite_one(sentence, persona, index) for index, sentence in enumerate(sentences)]

    def rewrite_one(self, sentence: str, persona: "Persona", index: int = 0) -> str:
        if not sentence or not sentence.strip():
            return sentence
        try:
            rng = chooser(self.seed, persona.id, index, sentence)
            style = persona.style
            tail = None
            tails = style.decorations.statement_tails
            # Draw every time so one choice does not shift the others.
            roll, pick = rng.random(), rng.choice(tails) if tails else None
            if tails and roll < style.decorations.tail_rate and not is_distress(sentence):
                tail = pick
            styled = convert_speech_level(sentence, style.speech_level, tail=tail)
            return decorate(styled, persona, rng, original=sentence)
        except Exception:  # a style engine must never take a reply down
            log.warning("rules engine left a sentence unchanged for persona %s", persona.id, exc_info=True)
            return sentence
