"""A persona's voice as the rule engine applies it: its YAML settings merged with the table
mined from SmileStyle for its `smilestyle` label (serving/style/mining.py).

The persona file stays in charge: its substitutions, punctuation, prefixes and tails win
over mined ones, `style.mined.use: false` (the default) ignores the table, and each mined
part can be switched off or single items excluded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from serving.style.levels import HAO_TAILS, QUESTION_TAILS, STATEMENT_TAILS, SpeechLevel
from serving.style.mining import load_table

if TYPE_CHECKING:
    from serving.personas.schema import Persona

# Answers and fillers the miner sees first in a sentence (응, 아니, 안녕) are not a voice's
# interjections; nor is anything of one syllable that could start a content word.
_NOT_INTERJECTIONS = {"응", "아니", "네", "예", "아니요", "안녕", "그래", "그", "거", "뭐", "아", "잉", "머", "헐", "그치",
                      "아니아니", "어어"}
_MIN_MARK_SHARE = 0.3
# Words the speech level already moves (네/아니요, pronouns); as plain substitutions they
# would also hit 네 = "your" (네 잘못).
_LEVEL_WORDS = {"네", "예", "응", "아니요", "아뇨", "아니", "저는", "저도", "제가", "제", "전", "저희", "저를",
                "당신은", "당신", "나는", "나도", "내가", "내", "난", "너는", "넌"}


@dataclass(frozen=True)
class Voice:
    substitutions: dict[str, str]
    prefixes: tuple[str, ...]
    prefix_rate: float
    statement_tails: tuple[tuple[str, float], ...]   # (tail, probability), tried in order
    question_tails: tuple[tuple[str, float], ...]
    statement_mark: str | None = None                # None: the persona's own punctuation
    question_mark: str | None = None
    clipped: bool = False
    sources: dict[str, str] = field(default_factory=dict)  # part -> "yaml" | "mined" (for --explain)


_BY_OBJECT: dict[int, tuple["Persona", Voice]] = {}


def voice_of(persona: "Persona") -> Voice:
    """The voice of `persona`, built once per persona object (personas are frozen)."""
    hit = _BY_OBJECT.get(id(persona))
    if hit is not None and hit[0] is persona:
        return hit[1]
    # Whether the file sets punctuation is lost in a JSON round trip: pass it along.
    voice = _voice(persona.model_dump_json(), "punctuation" in persona.style.model_fields_set)
    if len(_BY_OBJECT) > 256:
        _BY_OBJECT.clear()
    _BY_OBJECT[id(persona)] = (persona, voice)  # holding the persona keeps its id from being reused
    return voice


@lru_cache(maxsize=64)
def _voice(persona_json: str, own_punctuation: bool) -> Voice:
    from serving.personas.schema import Persona

    persona = Persona.model_validate_json(persona_json)
    style, mined = persona.style, persona.style.mined
    deco = style.decorations
    entry = load_table().get("styles", {}).get(style.smilestyle, {}) if mined.use else {}
    exclude = set(mined.exclude)
    sources: dict[str, str] = {}

    substitutions = {}
    if entry and mined.words:
        substitutions = {w: v["to"] for w, v in entry.get("words", {}).items() if w not in exclude and v["to"] not in exclude and w not in _LEVEL_WORDS}
        sources["words"] = "mined"
    substitutions.update(style.substitutions)

    prefixes, prefix_rate = tuple(deco.prefixes), deco.prefix_rate
    if not prefixes and entry and mined.interjections:
        counts = {w: c for w, c in entry.get("interjections", {}).items()
                  if w not in _NOT_INTERJECTIONS and w not in exclude and len(w) > 1}
        if counts:
            prefixes = tuple(f"{w}," for w in counts)
            prefix_rate = min(0.3, sum(counts.values()) / max(entry.get("pairs", 1), 1))
            sources["interjections"] = "mined"

    allowed_statement = STATEMENT_TAILS if style.speech_level is SpeechLevel.HAE else \
        tuple(t for t in HAO_TAILS if t in STATEMENT_TAILS) if style.speech_level is SpeechLevel.HAO else ()
    allowed_question = QUESTION_TAILS if style.speech_level is SpeechLevel.HAE else \
        tuple(t for t in HAO_TAILS if t in QUESTION_TAILS) if style.speech_level is SpeechLevel.HAO else ()
    statement_tails: tuple[tuple[str, float], ...] = tuple((t, deco.tail_rate / len(deco.statement_tails))
                                                           for t in deco.statement_tails)
    question_tails: tuple[tuple[str, float], ...] = ()
    if entry and mined.tails:
        tails = entry.get("tails", {})
        if not statement_tails:
            statement_tails = tuple((t, r) for t, r in tails.get("statement", {}).items()
                                    if t in allowed_statement and t not in exclude and r >= 0.02)
        # An insisting "-냐니깐?" turns a caring question into an impatient re-ask (blind review,
        # 2026-12-02: on a safety question too), so mined 다니깐? tails are not used on questions.
        asked = {t: r for t, r in tails.get("question", {}).items() if t not in _ASKING}
        question_tails = tuple((t, r) for t, r in asked.items()
                               if t in allowed_question and t not in exclude and r >= 0.02)
        sources["tails"] = "mined"

    statement_mark = question_mark = None
    if entry and mined.punctuation and not own_punctuation:
        marks = entry.get("marks", {})
        statement_mark = _top_mark(marks.get("statement", {}), question=False)
        question_mark = _top_mark(marks.get("question", {}), question=True)
        sources["punctuation"] = "mined"
    return Voice(substitutions, prefixes, prefix_rate, statement_tails, question_tails,
                 statement_mark, question_mark, mined.clipped, sources)


_ASKING = {"다니까": "냐니까", "다니깐": "냐니깐"}


def _top_mark(shares: dict[str, float], question: bool) -> str | None:
    for mark, share in shares.items():
        if not mark or share < _MIN_MARK_SHARE or ("?" in mark) != question or len(mark) > 4:
            continue
        return mark
    return None


def pick_tail(tails: tuple[tuple[str, float], ...], roll: float) -> str | None:
    """The tail whose slice of [0, 1) holds `roll` (None past the sum of the rates)."""
    edge = 0.0
    for tail, rate in tails:
        edge += rate
        if roll < edge:
            return tail
    return None
