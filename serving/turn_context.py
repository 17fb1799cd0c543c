"""What the later stages of a turn know about the user's message.

The pipeline fills one `TurnContext` per turn after safety, emotion and the message act are
known, and hands it to the generator (the composer answers a greeting as a greeting) and to
the style engine (no laughter or emoji on painful sentences or while the conversation is in
the post-crisis care state).
"""

from __future__ import annotations

from dataclasses import dataclass

SAFETY_LEVELS = ("none", "concern", "crisis")


@dataclass(frozen=True)
class TurnContext:
    act: str | None = None  # message act of the user's message (serving.acts), None when unknown
    emotion: str | None = None  # emotion label (serving.emotion.labels.EMOTIONS)
    safety: str = "none"  # the conversation-level safety decision for this turn
    care: bool = False  # the conversation is in the care state that follows a crisis turn

    @property
    def subdued(self) -> bool:
        """True when voices must drop decoration (emoji, laughter, cheerful interjections)."""
        return self.care or self.safety != "none"
