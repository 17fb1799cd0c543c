"""Persona decorations applied after the speech level: word substitutions, the final
punctuation mark, interjections before a sentence and emoji after it.

Chance-based choices come from a random generator seeded with (seed, persona, position,
sentence), so the same reply always gets the same decorations. Sentences about pain
(힘들다, 슬프다, 죽고 싶다 ...) never get playful decorations.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import TYPE_CHECKING

from serving.style.analysis import quoted_spans

if TYPE_CHECKING:
    from serving.personas.schema import Persona, PersonaStyle

# Stems of words about distress: a sentence holding one stays undecorated (no emoji,
# no interjection, no playful tail), whatever the persona.
DISTRESS = ("죽", "자살", "자해", "힘들", "힘드", "힘겨", "슬프", "슬퍼", "슬픔", "우울", "외롭", "외로",
            "아프", "아파", "아픔", "눈물", "울고", "울었", "불안", "무섭", "무서", "두렵", "두려", "괴롭",
            "괴로", "상처", "절망", "포기", "속상", "미안", "걱정", "고통", "지치", "지쳐", "지쳤", "막막", "위험",
            "아팠", "슬펐", "외롭", "서럽", "서러", "억울", "후회", "실패", "불면", "공황", "이별", "헤어")

_WORD_EDGE = r"(?<![0-9A-Za-z가-힣])"
_WORD_END = r"(?![0-9A-Za-z가-힣])"
# The final punctuation of a sentence, before any trailing emoji or spaces.
_FINAL = re.compile(r"(?P<mark>\.{2,}|…+|[.?!]+)(?P<trail>[^0-9A-Za-z가-힣.?!…]*)$")


def chooser(seed: int, persona_id: str, index: int, sentence: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\x1f{persona_id}\x1f{index}\x1f{sentence}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def is_distress(sentence: str) -> bool:
    return any(stem in sentence for stem in DISTRESS)


def substitute(sentence: str, substitutions: dict[str, str]) -> str:
    """Whole-word replacements outside quoted speech, longest first."""
    if not substitutions:
        return sentence
    quotes = quoted_spans(sentence)
    out, last = [], 0
    pattern = _substitution_pattern(tuple(sorted(substitutions, key=len, reverse=True)))
    for match in pattern.finditer(sentence):
        if any(a <= match.start() < b for a, b in quotes):
            continue
        out.append(sentence[last:match.start()])
        out.append(substitutions[match.group(0)])
        last = match.end()
    out.append(sentence[last:])
    return "".join(out)


_PATTERNS: dict[tuple[str, ...], re.Pattern] = {}


def _substitution_pattern(words: tuple[str, ...]) -> re.Pattern:
    if words not in _PATTERNS:
        _PATTERNS[words] = re.compile(_WORD_EDGE + "(?:" + "|".join(map(re.escape, words)) + ")" + _WORD_END)
    return _PATTERNS[words]


def punctuate(sentence: str, style: "PersonaStyle") -> str:
    """Swap the final mark for the persona's habit (. → .. for a shy friend)."""
    match = _FINAL.search(sentence)
    if not match:
        return sentence
    mark = match.group("mark")
    punctuation = style.punctuation
    if mark == ".":
        new = punctuation.statement
    elif set(mark) == {"?"}:
        new = punctuation.question
    elif set(mark) == {"!"}:
        new = punctuation.exclamation
    else:
        return sentence
    return sentence[:match.start("mark")] + new + match.group("trail")


def decorate(sentence: str, persona: "Persona", rng: random.Random, original: str | None = None) -> str:
    """Substitutions and punctuation always; interjection and emoji by chance, never on a
    sentence about pain (checked on the styled text and on `original`)."""
    style = persona.style
    deco = style.decorations
    out = punctuate(substitute(sentence, style.substitutions), style)
    if is_distress(sentence) or (original is not None and is_distress(original)):
        return out
    if deco.prefixes and rng.random() < deco.prefix_rate:
        out = f"{rng.choice(deco.prefixes)} {out}"
    if deco.emoji and rng.random() < deco.emoji_rate:
        out = f"{out} {rng.choice(deco.emoji)}"
    return out
