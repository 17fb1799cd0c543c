"""Result types of the safety stage: an assessment of a user message, a check of a reply."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["none", "concern", "crisis"]
LEVELS: tuple[Level, ...] = ("none", "concern", "crisis")
LEVEL_RANK: dict[str, int] = {level: rank for rank, level in enumerate(LEVELS)}


def max_level(*levels: Level) -> Level:
    """The most severe of `levels` ("none" when given nothing)."""
    return max(levels, key=LEVEL_RANK.__getitem__, default="none")


class SafetyAssessment(BaseModel):
    """How worried we are about one user message, and why.

    `reasons` explain the level (empty for "none"); `discounted` lists signals that were
    found but set aside (hyperbole, someone else, a film, a prevention question...), which
    helps when reviewing misclassifications. `injection_suspected` marks text that tries to
    instruct the assessor; it never changes the level. `path` says which fixed crisis text
    fits (`serving.safety.resources.crisis_reply_for`).
    """

    model_config = ConfigDict(frozen=True)

    level: Level
    reasons: list[str] = Field(default_factory=list)
    discounted: list[str] = Field(default_factory=list)
    injection_suspected: bool = False
    path: str | None = None  # crisis only: general | ingestion | other_danger | abuse (which fixed text)

    @property
    def is_crisis(self) -> bool:
        return self.level == "crisis"

    @property
    def flagged(self) -> bool:
        return self.level != "none"


class OutputCheck(BaseModel):
    """The verdict on a reply about to be shown: `text` is the reply when `ok`, else the fallback."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    problems: list[str] = Field(default_factory=list)
    text: str
