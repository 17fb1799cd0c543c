"""The care state that follows a crisis turn.

After a crisis turn the conversation stays in care for the next `CARE_TURNS` user turns: the
help banner stays (the conversation is flagged), every reply ends with `CARE_CHECK_IN` (a
gentle "how are you now?" with 109 / 1577-0199), and personas drop decorations (the style
engine gets `TurnContext(care=True)`; `undecorate` removes what an engine still adds). A new
crisis restarts the count; the state ends by itself after `CARE_TURNS` turns without one.
Why three: long enough that "오늘 날씨 좋네" right after "죽고 싶어요" is not answered
cheerfully, short enough that a conversation that has moved on is not nagged forever.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

CARE_TURNS = 3

# What a persona adds for colour, removed in order: emoji, kaomoji, emoticons, laughter and
# cheerful interjections, tildes, repeated "!", the spaces and commas left behind.
_DECORATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    ("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\u3030\u303d\u3297\u3299\ufe0f\u200d]+", ""),
    (r"[(（][^가-힣a-zA-Z0-9()（）]{2,14}[)）]", ""),
    (r"\^\^|\^_\^|:\)|:D|;\)|>_<|ㅠ{2,}|ㅜ{2,}", ""),
    (r"[ㅋㅎ]{2,}|(?<![가-힣])(?:허허+|하하+|호호+|히히+|헤헤+|크크+|우와+|와우|오오+|캬+)(?![가-힣])[!~]*", ""),
    (r"~+", ""),
    (r"!{2,}", "!"),
    (r"[ \t]{2,}", " "),
    (r"(?m)^[ \t,]+|[ \t]+$", ""),
))


def in_care(previous_levels: Sequence[str], turns: int = CARE_TURNS) -> bool:
    """True when a crisis is among the last `turns` earlier user turns (newest last)."""
    return "crisis" in list(previous_levels)[-turns:]


def undecorate(text: str) -> str:
    """`text` without emoji, laughter, cheerful interjections, emoticons and trailing tildes."""
    out = text
    for pattern, replacement in _DECORATIONS:
        out = pattern.sub(replacement, out)
    return out.strip() or text
