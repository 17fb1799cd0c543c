"""What every generator offers the pipeline: stream a reply's text for a conversation.

A generator is shared by every conversation of the process: it keeps no per-conversation
state. What it needs to know about the conversation comes in the `GenerationRequest`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT
from maeum.errors import MaeumError
from serving.turn_context import TurnContext


@dataclass
class GenerationRequest:
    """One reply to generate.

    messages: the history window: user/assistant messages alternating, ending with the
        user's new message; no system message (the generator adds `system_prompt`).
        User text only ever sits in user messages.
    emotion: the detected emotion label of the new message (offline retrieval uses it).
    avoid: replies this conversation already got (offline retrieval never repeats one).
    stop_reason: set by a generator whose stream ended without finishing the reply:
        "length" (the model hit its token limit) or "unterminated" (no end marker).
    """

    messages: list[dict[str, str]]
    emotion: str | None = None
    avoid: Sequence[str] = field(default_factory=tuple)
    system_prompt: str | None = COUNSELLOR_SYSTEM_PROMPT
    stop_reason: str | None = None
    context: TurnContext | None = None  # act, emotion, safety of the turn (serving.turn_context)

    @property
    def user_text(self) -> str:
        return self.messages[-1]["content"]


class GenerationError(MaeumError):
    """Generation failed; `user_message` is the Korean text the chat shows."""

    def __init__(self, message: str, user_message: str | None = None):
        super().__init__(message)
        self.user_message = user_message or "답변을 만드는 중에 문제가 생겼어요. 잠시 후 다시 시도해 주세요."


class GeneratorUnavailable(GenerationError):
    """The model server cannot be reached (after retries)."""


class ServerStreamError(GenerationError):
    """The model server sent an error event in the stream (it was reached; generation failed there).

    `server_message` is the server's own explanation; `after_text` says whether some of the
    reply had already been yielded (a partial reply)."""

    def __init__(self, message: str, user_message: str | None = None, *, server_message: str = "",
                 after_text: bool = False):
        super().__init__(message, user_message)
        self.server_message = server_message
        self.after_text = after_text


# How a reply ended. Only "stop" (the model ended its turn, or a stop string matched) is complete.
COMPLETE_FINISH_REASONS = frozenset({"stop"})


class ReplyStream(Iterator[str]):
    """The text pieces of one reply; once exhausted, `finish_reason` says how it ended.

    finish_reason: None while streaming (or when the caller closed it early); "stop" when the
        model ended its turn or a stop string matched; "length" when max_tokens cut it; "cut"
        when the stream ended without a finish_reason (the connection closed early, with or
        without [DONE]); or what the server said ("content_filter", ...). `incomplete` is True for anything but "stop".
    `pieces(self)` makes the raw piece iterator; it sets `finish_reason` before it returns.
    """

    def __init__(self, pieces: Callable[[ReplyStream], Iterator[str]], stop_strings: Sequence[str] = ()):
        self.finish_reason: str | None = None
        self._out = stream_with_stops(pieces(self), stop_strings)

    def __next__(self) -> str:
        try:
            return next(self._out)
        except StopIteration:
            if self.finish_reason is None:  # the raw stream was closed because a stop string matched
                self.finish_reason = "stop"
            raise

    @property
    def incomplete(self) -> bool:
        return self.finish_reason is not None and self.finish_reason not in COMPLETE_FINISH_REASONS

    def close(self) -> None:
        self._out.close()


@runtime_checkable
class Generator(Protocol):
    name: str
    context_window: int | None  # model context in tokens (None: unknown)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Text pieces of the reply as they are produced (closing the iterator stops generation)."""
        ...

    def count_tokens(self, text: str) -> int: ...

    def close(self) -> None: ...


_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def estimate_tokens(text: str) -> int:
    """A tokenizer-free, deliberately high estimate: one token per Hangul syllable, one per
    three other characters (Korean-extended vocabularies like EEVE's do better than this)."""
    hangul = len(_HANGUL.findall(text))
    return hangul + math.ceil((len(text) - hangul) / 3)


class BaseGenerator:
    name = "base"
    context_window: int | None = None

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def close(self) -> None:
        pass

    def full_messages(self, request: GenerationRequest) -> list[dict[str, str]]:
        messages = [dict(m) for m in request.messages]
        if request.system_prompt:
            messages.insert(0, {"role": "system", "content": request.system_prompt})
        return messages


def cut_at_stop(text: str, stop_strings: Sequence[str]) -> tuple[str, bool]:
    """`text` up to the first stop string, and whether one was found."""
    cut = len(text)
    for stop in stop_strings:
        i = text.find(stop)
        if i != -1:
            cut = min(cut, i)
    return text[:cut], cut < len(text)


def held_back(text: str, stop_strings: Sequence[str]) -> int:
    """How many trailing characters could be the start of a stop string (not safe to emit yet)."""
    keep = 0
    for stop in stop_strings:
        for n in range(min(len(stop) - 1, len(text)), 0, -1):
            if text.endswith(stop[:n]):
                keep = max(keep, n)
                break
    return keep


def stream_with_stops(pieces: Iterator[str], stop_strings: Sequence[str]) -> Iterator[str]:
    """Pass text pieces through, ending at the first stop string (which is never emitted).

    Ends by closing `pieces` (so a model thread stops generating).
    """
    if not stop_strings:
        yield from pieces
        return
    buffer = ""
    try:
        for piece in pieces:
            buffer += piece
            text, stopped = cut_at_stop(buffer, stop_strings)
            if stopped:
                if text:
                    yield text
                return
            safe = len(buffer) - held_back(buffer, stop_strings)
            if safe > 0:
                yield buffer[:safe]
                buffer = buffer[safe:]
        if buffer:
            yield buffer
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()
