"""The history window: which earlier turns of this conversation go into the prompt.

Newest first, whole (user, reply) pairs only, until the token budget is spent; the new
message always goes in. The budget is the configured `history_token_budget`, lowered
when the model's context minus the reply's `max_new_tokens` and the system prompt is
smaller. Only this conversation's turns are ever considered (they come from the store by
conversation id). Past replies enter as the generator wrote them (raw), not the persona's
restyled voice: the content model sees its own kind of text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

PER_MESSAGE_OVERHEAD = 6  # role markers and separators the chat template adds per message


@dataclass(frozen=True)
class Window:
    messages: list[dict[str, str]]  # alternating user/assistant, ending with the new user message
    turns_used: int  # earlier turns included
    turns_dropped: int  # earlier turns left out for the budget
    tokens: int  # estimated tokens of `messages`


def effective_budget(configured: int, *, context_window: int | None, max_new_tokens: int,
                     system_tokens: int = 0, margin: int = 16) -> int:
    """The budget for history + new message: the configured one, capped by the model context."""
    if not context_window:
        return configured
    room = context_window - max_new_tokens - system_tokens - margin
    return max(32, min(configured, room))


def build_window(history: Sequence, user_text: str, *, budget: int, count_tokens: Callable[[str], int],
                 overhead: int = PER_MESSAGE_OVERHEAD) -> Window:
    """`history`: earlier turns oldest first, objects with `.user_text` and `.reply` (raw)."""
    used = count_tokens(user_text) + overhead
    kept: list = []
    for item in reversed(history):
        cost = count_tokens(item.user_text) + count_tokens(item.reply) + 2 * overhead
        if used + cost > budget:
            break
        used += cost
        kept.append(item)
    kept.reverse()
    messages: list[dict[str, str]] = []
    for item in kept:
        messages.append({"role": "user", "content": item.user_text})
        messages.append({"role": "assistant", "content": item.reply})
    messages.append({"role": "user", "content": user_text})
    return Window(messages, len(kept), len(history) - len(kept), used)


def drop_oldest(window: Window) -> Window | None:
    """The window without its oldest earlier turn (None when none is left)."""
    if window.turns_used == 0:
        return None
    return Window(window.messages[2:], window.turns_used - 1, window.turns_dropped + 1, window.tokens)
