"""Message acts: what kind of message the user sent (the guide is data/emotion_acts.md)."""

from __future__ import annotations

from dataclasses import dataclass

ACTS: tuple[str, ...] = ("greeting", "farewell", "small_talk", "bot_question", "good_news", "venting", "advice",
                         "info")


@dataclass(frozen=True)
class ActResult:
    act: str
    score: float  # probability of `act` (1.0 for a rule decision)
    source: str  # "rule" | "head" | "default"
