"""Hangul syllable arithmetic: final consonants (받침) and how endings attach to them.

Kiwi's `join` conjugates vowel-initial endings well (덥+어 → 더워) but mangles a few
consonant-initial ones (살+ㅂ니다 → 살ㅂ니다, 먹+소 → 먹으소), so the endings of the
formal levels are attached here with the standard rules instead.
"""

from __future__ import annotations

_BASE = 0xAC00
_LAST = 0xD7A3
# Index of each final consonant (종성) in a precomposed syllable; 0 means none.
_FINALS = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ",
           "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]

# How the last digit / letter of a number or Latin word is read aloud in Korean:
# True when the reading ends in a vowel (2 이, 4 사, 5 오, 9 구; A 에이, B 비, ...).
_DIGIT_VOWEL = {"0": False, "1": False, "2": True, "3": False, "4": True, "5": True, "6": False,
                "7": False, "8": False, "9": True}
_LETTER_CONSONANT = set("lmnrLMNR")  # 엘, 엠, 엔, 알


def is_syllable(ch: str) -> bool:
    return len(ch) == 1 and _BASE <= ord(ch) <= _LAST


def final_of(ch: str) -> str:
    """The final consonant of a syllable as a compatibility jamo ('' when none)."""
    if not is_syllable(ch):
        return ""
    return _FINALS[(ord(ch) - _BASE) % 28]


def with_final(ch: str, final: str) -> str:
    """The syllable `ch` with its final consonant replaced by `final` ('' removes it)."""
    if not is_syllable(ch):
        raise ValueError(f"not a Hangul syllable: {ch!r}")
    code = ord(ch) - _BASE
    return chr(_BASE + code - code % 28 + _FINALS.index(final))


def ends_with_vowel_sound(text: str) -> bool:
    """Whether `text` ends in a vowel when read aloud (decides 이야/야, 이에요/예요).

    Hangul looks at the last syllable; digits and Latin letters use their Korean
    reading (3 삼 → consonant, AI 에이아이 → vowel); anything else counts as a vowel.
    """
    stripped = text.rstrip()
    if not stripped:
        return True
    last = stripped[-1]
    if is_syllable(last):
        return final_of(last) == ""
    if last.isdigit():
        return _DIGIT_VOWEL.get(last, False)
    if last.isascii() and last.isalpha():
        word = stripped.split()[-1]
        letters = "".join(ch for ch in word if ch.isascii() and ch.isalpha())
        if letters.isupper():  # an acronym is read letter by letter: AI 에이아이, KPI 케이피아이
            return last not in _LETTER_CONSONANT
        return last.lower() in "aeiouy"  # a word is read as a word: burnout 번아웃, coffee 커피
    return True


def attach_formal(stem: str, ending: str, l_drops: bool = True) -> str:
    """Attach 합쇼체 `ㅂ니다` / `ㅂ니까` / `ㅂ시오` / `ㅂ시다` to a surface stem.

    After a vowel the ㅂ becomes the final (가 → 갑니다); a ㄹ final is replaced when the
    stem itself ends in ㄹ (살 → 삽니다); after any other consonant 습 is used (먹습니다).
    `ending` is given without the ㅂ: "니다", "니까", "시오" or "시다".
    """
    last = stem[-1] if stem else ""
    if not is_syllable(last):
        return stem + "습" + ending if stem else ending
    final = final_of(last)
    if final == "" or (final == "ㄹ" and l_drops):
        return stem[:-1] + with_final(last, "ㅂ") + ending
    return stem + "습" + ending


def attach_hao(stem: str, l_drops: bool = True) -> str:
    """Attach the 하오체 ending: 오 after a vowel (가오), 소 after a consonant (먹소).

    A ㄹ final of the stem drops before 오 (힘들 → 힘드오, 살 → 사오).
    """
    last = stem[-1] if stem else ""
    if not is_syllable(last):
        return stem + "이오"
    final = final_of(last)
    if final == "":
        return stem + "오"
    if final == "ㄹ" and l_drops:
        return stem[:-1] + with_final(last, "") + "오"
    return stem + "소"
