"""Cleaning what a user typed before anything else sees it.

- Unicode NFC (composed Hangul), Windows/Mac line ends to "\\n";
- control characters removed (keeping newline and tab), and the invisible formatting
  characters that can hide text (zero-width spaces, bidi overrides; the emoji joiner stays);
- chat-format markers neutralised: special-token text ("<|im_end|>", "</s>", "[INST]",
  "<<SYS>>") is removed and a line starting "Human:" / "Assistant:" loses its ASCII colon, so
  a message can never fake a turn or system block in the prompt (user text only ever sits
  inside one user message);
- more than two blank lines collapsed; surrounding whitespace trimmed;
- empty or whitespace-only input: `empty` (the pipeline ignores it);
- longer than the limit (2,000 characters by default): cut, preferably at a word boundary,
  with a Korean notice for the user.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DEFAULT_MAX_CHARS = 2000
_KEEP_CONTROL = {"\n", "\t"}
_KEEP_FORMAT = {"\u200d"}  # zero-width joiner: part of emoji sequences
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SPECIAL_TOKENS = re.compile(r"<\|[a-zA-Z_]+\|>|</?s>|\[/?INST\]|<</?SYS>>|<unk>|<pad>", re.IGNORECASE)
_ROLE_LINE = re.compile(r"^(\s*(?:Human|Assistant|User|System|###\s*\w+))\s*:", re.IGNORECASE | re.MULTILINE)


def neutralise_markers(text: str) -> str:
    """Remove special-token text and defuse role lines ("Human:" -> "Human：")."""
    text = _SPECIAL_TOKENS.sub("", text)
    return _ROLE_LINE.sub(lambda m: m.group(1) + "：", text)


@dataclass(frozen=True)
class CleanInput:
    text: str
    truncated: bool = False
    removed_characters: int = 0  # control/invisible characters dropped
    original_length: int = 0
    notice: str | None = None  # Korean, for the user

    @property
    def empty(self) -> bool:
        return not self.text


def truncation_notice(max_chars: int) -> str:
    return f"메시지가 너무 길어서 앞부분 {max_chars:,}자까지만 읽었어요. 나머지는 나눠서 보내 주세요."


def _keep(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch in _KEEP_CONTROL
    if category in ("Cf", "Cs", "Co", "Cn") and ch not in _KEEP_FORMAT:
        # format chars (zero-width, bidi), lone surrogates, private use, unassigned
        return False
    return True


def sanitize(text: str | None, max_chars: int = DEFAULT_MAX_CHARS) -> CleanInput:
    """The cleaned message (see the module docstring)."""
    if not text:
        return CleanInput("", original_length=0)
    original_length = len(text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    kept = [ch for ch in text if _keep(ch)]
    removed = len(text) - len(kept)
    text = neutralise_markers("".join(kept).replace("\t", " "))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if not text:
        return CleanInput("", removed_characters=removed, original_length=original_length)
    truncated = len(text) > max_chars
    if truncated:
        cut = text[:max_chars]
        space = max(cut.rfind(" "), cut.rfind("\n"))
        if space >= max_chars - 50:  # end on a word boundary when one is close
            cut = cut[:space]
        text = cut.rstrip()
    return CleanInput(text, truncated, removed, original_length, truncation_notice(max_chars) if truncated else None)
