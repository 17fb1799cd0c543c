"""Split a reply into sentences with Kiwi, for streaming it through a style engine.

Every character of the input ends up in exactly one sentence, in order, so joining the
sentences with " " gives the text back (up to whitespace). Emoji, ㅎㅎ/ㅠㅠ and other
trailing decoration stay with the sentence they follow; quoted speech is never split.
"""

from __future__ import annotations

import unicodedata

from serving.kiwi import get_kiwi

_TRAILING_MARKS = set("~^♡♥☆★…·.!?")


def _is_decoration(ch: str) -> bool:
    """Characters that trail a sentence rather than start one: emoji, symbols, ㅎㅎ/ㅠㅠ."""
    if ch.isspace() or ch in _TRAILING_MARKS:
        return True
    if "\u3131" <= ch <= "\u318e":  # Hangul compatibility jamo: ㅎㅎ, ㅠㅠ, ㅋㅋ
        return True
    category = unicodedata.category(ch)
    return category in {"So", "Sk", "Mn", "Cf", "Me"}  # emoji, modifiers, ZWJ, selectors


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each stripped of surrounding whitespace."""
    if not text or not text.strip():
        return []
    starts = sorted({s.start for s in get_kiwi().split_into_sents(text)} - {0})
    bounds = [0]
    for start in starts:
        # Kiwi starts the next sentence at a trailing emoji ("좋아요 😊 다음"): move the
        # boundary past it, or drop it when nothing but decoration follows.
        nxt = starts[starts.index(start) + 1] if start != starts[-1] else len(text)
        b = start
        while b < nxt and _is_decoration(text[b]):
            b += 1
        if b < nxt and b > bounds[-1]:
            bounds.append(b)
    bounds.append(len(text))
    pieces = (text[a:b].strip() for a, b in zip(bounds, bounds[1:]))
    return [piece for piece in pieces if piece]
