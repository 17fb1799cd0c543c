"""Showing untrusted text safely, and the small Korean labels the app uses.

Everything a person or a model wrote is shown as text: user messages go through
`st.text` (no Markdown, no HTML), and replies, which the reply placeholder renders as
Markdown, are escaped with `escape_markdown` first, so `**`, `~~`, `<b>`, `[link](...)`,
`$math$` or `:red[...]` appear literally instead of changing the page.
"""

from __future__ import annotations

import os
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and an
# escaped character is always literal text. Escaping all of them is simpler and safer
# than guessing which ones start Markdown (or Streamlit's own directives) in context.
_PUNCT = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """`text` as Markdown that renders as exactly that text (line breaks kept)."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PUNCT.sub(r"\\\1", text)
    # Leading spaces would make an indented code block; a line break would be folded.
    text = _LEADING_SPACE.sub("", text)
    return text.replace("\n", "  \n")


_UNESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def unescape_markdown(text: str) -> str:
    """Inverse of `escape_markdown` (up to leading spaces): for tests and logs."""
    return _UNESCAPE.sub(r"\1", text.replace("  \n", "\n"))


def shorten(text: str, limit: int = 28) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Emotion labels -> (Korean name, badge colour, emoji, valence for the mood chart).
# Unknown labels still show (as themselves, grey, valence 0): the classifier owns its
# label set and the app must not break when it grows.
EMOTIONS: dict[str, tuple[str, str, str, float]] = {
    "기쁨": ("기쁨", "green", "😊", 1.0),
    "joy": ("기쁨", "green", "😊", 1.0),
    "happy": ("기쁨", "green", "😊", 1.0),
    "happiness": ("기쁨", "green", "😊", 1.0),
    "설렘": ("설렘", "green", "🥰", 0.8),
    "감사": ("감사", "green", "🙏", 0.8),
    "평온": ("평온", "blue", "😌", 0.5),
    "calm": ("평온", "blue", "😌", 0.5),
    "중립": ("중립", "gray", "😐", 0.0),
    "neutral": ("중립", "gray", "😐", 0.0),
    "당황": ("당황", "orange", "😳", -0.4),
    "embarrassed": ("당황", "orange", "😳", -0.4),
    "surprise": ("놀람", "orange", "😮", 0.0),
    "놀람": ("놀람", "orange", "😮", 0.0),
    "불안": ("불안", "orange", "😟", -0.6),
    "anxiety": ("불안", "orange", "😟", -0.6),
    "anxious": ("불안", "orange", "😟", -0.6),
    "fear": ("두려움", "orange", "😨", -0.7),
    "두려움": ("두려움", "orange", "😨", -0.7),
    "상처": ("상처", "violet", "💔", -0.7),
    "hurt": ("상처", "violet", "💔", -0.7),
    "슬픔": ("슬픔", "blue", "😢", -0.8),
    "sad": ("슬픔", "blue", "😢", -0.8),
    "sadness": ("슬픔", "blue", "😢", -0.8),
    "외로움": ("외로움", "blue", "🥺", -0.7),
    "loneliness": ("외로움", "blue", "🥺", -0.7),
    "분노": ("분노", "red", "😠", -0.8),
    "anger": ("분노", "red", "😠", -0.8),
    "angry": ("분노", "red", "😠", -0.8),
    "혐오": ("혐오", "red", "😖", -0.7),
    "disgust": ("혐오", "red", "😖", -0.7),
    "스트레스": ("스트레스", "orange", "😣", -0.6),
    "stress": ("스트레스", "orange", "😣", -0.6),
}


def emotion_info(label: str | None) -> tuple[str, str, str, float]:
    """(Korean name, badge colour, emoji, valence in [-1, 1]) for a classifier label."""
    if not label:
        return ("알 수 없음", "gray", "❔", 0.0)
    return EMOTIONS.get(label) or EMOTIONS.get(label.lower()) or (label, "gray", "💭", 0.0)


def _has_batchim(word: str) -> bool | None:
    """Whether the last syllable of `word` ends in a consonant (None if not Hangul)."""
    for ch in reversed(word.strip()):
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3:
            return (code - 0xAC00) % 28 != 0
        if ch.isalnum():
            return None
    return None


def josa(word: str, pair: str) -> str:
    """`word` with the right particle: josa("곰돌이", "와/과") -> "곰돌이와".

    `pair` is "without/with" final consonant: "와/과", "가/이", "는/은", "를/을", "야/아".
    For words that do not end in Hangul, both forms are shown: "Mia와(과)".
    """
    without, with_ = pair.split("/")
    batchim = _has_batchim(word)
    if batchim is None:
        return f"{word}{without}({with_})"
    return word + (with_ if batchim else without)


def clock(when, zone: str | None = None) -> str | None:
    """'오후 3:05' in the app's time zone ($MAEUM_TIMEZONE, default Asia/Seoul); None without a time."""
    if when is None or not hasattr(when, "astimezone"):
        return None
    try:
        local = when.astimezone(ZoneInfo(zone or os.environ.get("MAEUM_TIMEZONE") or "Asia/Seoul"))
    except (ZoneInfoNotFoundError, ValueError):
        local = when.astimezone()
    half = "오전" if local.hour < 12 else "오후"
    return f"{half} {local.hour % 12 or 12}:{local.minute:02d}"
