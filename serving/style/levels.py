"""The speech levels (화계) a persona can speak in. Kept dependency-free: the persona
schema imports it."""

from __future__ import annotations

from enum import Enum


class SpeechLevel(str, Enum):
    """Korean names are the values: they are what designers write in persona files."""

    HAEYO = "해요체"   # polite informal: the warm default counsellor
    HAPSYO = "합쇼체"  # polite formal: a professional counsellor, a polite android
    HAE = "해체"       # intimate (반말): friends
    HAO = "하오체"     # semi-formal, old-fashioned: 선비 in historical drama
    HAGE = "하게체"    # talking down kindly, old-fashioned: a king to his people (들었네, 쉬어 보게, 힘든가)
    # Telegraphic -음 speech (음슴체): words cut to their content, each closed with a full stop, the
    # last predicate a noun form (힘들었겠음. 권장.) or a -는가 question: SmileStyle's android.
    EUM = "음슴체"

    @classmethod
    def parse(cls, value: "str | SpeechLevel") -> "SpeechLevel":
        """Accept the Korean name or an ASCII alias (haeyo, hapsyo, hae, hao, banmal)."""
        if isinstance(value, SpeechLevel):
            return value
        text = str(value).strip()
        for level in cls:
            if text == level.value:
                return level
        alias = ALIASES.get(text.lower())
        if alias is None:
            allowed = ", ".join(level.value for level in cls)
            raise ValueError(f"unknown speech level {text!r}; use one of: {allowed}")
        return alias


# Endings a persona may put on a 해체/하오체 predicate instead of the level's plain one
# (rendered by serving/style/render.py; 네 and 는가 at 하오체 are the 하게체 of a king).
STATEMENT_TAILS = ("다니까", "다니깐", "구먼", "다네", "네", "지", "다")  # 다: 힘들었겠다, 다행이다 (enfp)
QUESTION_TAILS = ("는가", "냐니까", "냐니깐")        # 냐니깐: naruto asks insisting (뭐 하냐니깐!)
# Tails that are a persona's register, not play: they stay on painful sentences (힘들었겠구먼,
# 힘들었겠네 in 하게체); the insisting 다니까/냐니까 do not.
REGISTER_TAILS = ("구먼", "다네", "네", "지", "는가", "다")
TAILS = STATEMENT_TAILS + QUESTION_TAILS
HAO_TAILS = ("네", "는가")
# Levels that drop the 시 honouring the listener and use 나/그대 (not 저/당신).
INTIMATE_LEVELS = (SpeechLevel.HAE, SpeechLevel.HAO, SpeechLevel.HAGE)

ALIASES = {
    "haeyo": SpeechLevel.HAEYO,
    "hapsyo": SpeechLevel.HAPSYO,
    "hasipsio": SpeechLevel.HAPSYO,
    "hae": SpeechLevel.HAE,
    "banmal": SpeechLevel.HAE,
    "반말": SpeechLevel.HAE,
    "hao": SpeechLevel.HAO,
    "hage": SpeechLevel.HAGE,
    "eum": SpeechLevel.EUM,
    "clipped": SpeechLevel.EUM,
}
