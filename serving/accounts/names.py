"""Nicknames: what is shown (cleaned, NFC) and the key that tells look-alikes apart.

The key folds what a reader cannot see: compatibility forms (full-width "ｓｔａｒ", NFKC),
case, and characters the Unicode confusables table lists as homoglyphs of a Latin,
Hangul or common character (Cyrillic "А" for Latin "A"), via `confusable_homoglyphs`.
Two nicknames with the same key are the same name: the second is refused at sign-up.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

from maeum.errors import MaeumError

MAX_NAME = 30
_PREFERRED = ["latin", "hangul", "common"]


class NameError_(MaeumError):
    """A nickname that cannot be used; the message is Korean, for the sign-in page."""


def strip_invisible(text: str) -> str:
    """NFC, without NUL/control characters and invisible formatting (zero-width, bidi)."""
    text = unicodedata.normalize("NFC", text or "")
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))


def clean_name(raw: str | None) -> str:
    """The nickname as shown: invisible characters removed, spaces collapsed, at most 30 chars."""
    name = " ".join(strip_invisible(raw or "").split())
    if not name:
        raise NameError_("닉네임을 입력해 주세요. (보이지 않는 문자만으로는 만들 수 없어요)")
    if len(name) > MAX_NAME:
        raise NameError_(f"닉네임은 {MAX_NAME}자까지 쓸 수 있어요.")
    return name


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isascii() or "\uac00" <= ch <= "\ud7a3":
        return ch
    found = confusables.is_confusable(ch, greedy=True, preferred_aliases=_PREFERRED)
    if found:
        for glyph in found[0]["homoglyphs"]:
            if glyph["c"].isascii():
                return glyph["c"]
        return found[0]["homoglyphs"][0]["c"]
    return ch


def name_key(name: str) -> str:
    """The look-alike-folded form of a (cleaned) nickname: equal keys = the same name."""
    text = unicodedata.normalize("NFKC", strip_invisible(name)).casefold()
    text = "".join(_fold_char(ch) for ch in text).casefold()
    return " ".join(text.split())
