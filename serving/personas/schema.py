"""What a persona file holds, checked by pydantic.

One YAML file per persona in `personas/`; `personas/README.md` explains each field to
designers. Unknown fields are errors (a typo like `greting` must not pass silently),
and no text a persona says may contain profanity or insults: it talks to people who
are having a hard time.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from serving.style.levels import HAO_TAILS, STATEMENT_TAILS, SpeechLevel
from training.loaders.smilestyle import SMILESTYLE_STYLES

# The 17 styles of the SmileStyle corpus (defined once, by its loader): the label a learned
# style model is asked for.
SMILESTYLE_LABELS = SMILESTYLE_STYLES
# STATEMENT_TAILS: endings a 해체 persona may put on statements instead of -어.

# Words no persona may say: profanity and insults (the SmileStyle `halmae` and
# `joongding` columns are full of them).
BLOCKED_WORDS = ("씨발", "시발", "씨바", "ㅅㅂ", "개새", "새끼", "병신", "ㅂㅅ", "좆", "존나", "졸라",
                 "지랄", "닥쳐", "꺼져", "미친놈", "미친년", "또라이", "염병", "니기럴", "뒤질", "등신",
                 "멍청이", "븅신")

_ID = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")


def profanity_in(text: str) -> str | None:
    compact = re.sub(r"\s+", "", text)
    for word in BLOCKED_WORDS:
        if word in compact:
            return word
    return None


def _clean(text: str) -> str:
    word = profanity_in(text)
    if word is not None:
        raise ValueError(f"contains {word!r}: personas talk to people in distress, keep every line kind")
    return text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class PersonaExample(_Strict):
    """A neutral 해요체 sentence and how this persona says it (for designers, the prompt
    engine and evaluation)."""

    neutral: str = Field(min_length=1)
    persona: str = Field(min_length=1)

    _clean_persona = field_validator("persona")(_clean)


class Punctuation(_Strict):
    """The mark that ends each kind of sentence (". → .." for a shy friend)."""

    statement: str = Field(".", min_length=1, max_length=4)
    question: str = Field("?", min_length=1, max_length=4)
    exclamation: str = Field("!", min_length=1, max_length=4)

    @field_validator("statement", "question", "exclamation")
    @classmethod
    def _marks_only(cls, value: str) -> str:
        if re.search(r"[0-9A-Za-z가-힣]", value):
            raise ValueError("punctuation must be marks like '.', '..', '!', '~', not words")
        return value


class Decorations(_Strict):
    """Habits added on top of the speech level, some by chance (rates are 0..1)."""

    prefixes: list[str] = Field(default_factory=list, description="interjections before a sentence")
    prefix_rate: float = Field(0.0, ge=0.0, le=1.0)
    emoji: list[str] = Field(default_factory=list, description="emoji or emoticons after a sentence")
    emoji_rate: float = Field(0.0, ge=0.0, le=1.0)
    statement_tails: list[Literal[STATEMENT_TAILS]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="endings for 해체 statements instead of -어")
    tail_rate: float = Field(0.0, ge=0.0, le=1.0)

    _clean_lists = field_validator("prefixes", "emoji")(lambda v: [_clean(x) for x in v])

    @model_validator(mode="after")
    def _rates_need_lists(self) -> "Decorations":
        for items, rate in (("prefixes", "prefix_rate"), ("emoji", "emoji_rate"), ("statement_tails", "tail_rate")):
            if getattr(self, rate) > 0 and not getattr(self, items):
                raise ValueError(f"{rate} is above 0 but {items} is empty")
        return self


class MinedStyle(_Strict):
    """What the rule engine takes from the table mined from SmileStyle for this persona's
    `smilestyle` label (serving/style/mining.py), on top of the speech level. Each part can
    be switched off; the persona's own substitutions, punctuation and prefixes win."""

    use: bool = Field(False, description="apply the mined table of the persona's smilestyle label")
    words: bool = Field(True, description="mined word changes (하지만 → 허나)")
    interjections: bool = Field(True, description="mined interjections, when the persona lists no prefixes")
    tails: bool = Field(True, description="mined sentence-final tails (다니깐, 구먼, 는가 ...) with their rates")
    punctuation: bool = Field(True, description="mined final marks, when the persona sets no punctuation")
    clipped: bool = Field(False, description="telegraphic speech: 고양이. 6마리. 양육. (android)")
    exclude: list[str] = Field(default_factory=list, description="mined words, interjections or tails to leave out")


class PersonaStyle(_Strict):
    """How the persona sounds: settings for the rule engine and the learned ones."""

    speech_level: SpeechLevel
    smilestyle: Literal[SMILESTYLE_LABELS]  # type: ignore[valid-type]
    engine: Literal["rules", "kobart", "prompt"] = "rules"
    substitutions: dict[str, str] = Field(default_factory=dict, description="whole word → word, after the level")
    decorations: Decorations = Field(default_factory=Decorations)
    punctuation: Punctuation = Field(default_factory=Punctuation)
    mined: MinedStyle = Field(default_factory=MinedStyle)

    @field_validator("speech_level", mode="before")
    @classmethod
    def _level(cls, value):
        return SpeechLevel.parse(value)

    @field_validator("substitutions")
    @classmethod
    def _substitutions(cls, value: dict[str, str]) -> dict[str, str]:
        for source, target in value.items():
            if not source.strip() or not target.strip():
                raise ValueError("substitutions need a word on both sides")
            _clean(target)
        return value

    @model_validator(mode="after")
    def _tails_need_hae(self) -> "PersonaStyle":
        tails = self.decorations.statement_tails
        if self.speech_level in (SpeechLevel.HAO, SpeechLevel.HAGE) and all(t in HAO_TAILS for t in tails):
            return self  # 하게체 네 on a 하오체 persona
        if tails and self.speech_level is not SpeechLevel.HAE:
            raise ValueError("decorations.statement_tails only work with speech_level 해체 "
                             f"(하오체: only {', '.join(HAO_TAILS)})")
        return self


class Persona(_Strict):
    id: str = Field(description="lowercase ASCII, used in URLs and the database")
    name: str = Field(min_length=1, max_length=40, description="Korean display name")
    description: str = Field(min_length=1)
    avatar: str = Field(min_length=1, max_length=8, description="one emoji")
    greeting: str = Field(min_length=1, description="first message; no jokes, people may arrive in crisis")
    style: PersonaStyle
    examples: list[PersonaExample] = Field(min_length=5)
    tags: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use 2-40 lowercase letters, digits, '-' or '_', starting with a letter")
        return value

    @field_validator("avatar")
    @classmethod
    def _avatar(cls, value: str) -> str:
        if re.search(r"[0-9A-Za-z가-힣/.]", value):
            raise ValueError("use an emoji, not text or a file name")
        return value

    _clean_text = field_validator("name", "description", "greeting")(_clean)
