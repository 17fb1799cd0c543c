"""What a message refers back to: "아까 말한 그 팀장", "전에 말한 대학원 얘기", "그 친구가", "그 고민".

The referent is a noun phrase an earlier user message of this conversation said (never one of
ours): a noun of this message that an earlier message had ("아까 그 보증금 문제" → "보증금"),
else, for "그 친구/그 사람", the person named last ("민지"), and for "그 얘기/그 일/그 고민", the
key noun phrase of the last earlier message that has one ("대학원 진학").
"""

from __future__ import annotations

import re

from .offline_compose import GENERIC_NOUNS, _person
from .offline_openers import key_phrase

_POINTS_BACK = re.compile(r"아까|전에\s*(말|얘기|이야기)|지난번|앞에서\s*(말|얘기|이야기)|저번에|"
                          r"(^|\s)그\s*(친구|사람|분|애|얘기|이야기|일|문제|고민|건|거)")
_PERSON_WORDS = {"친구", "사람", "분", "애"}
_NOT_REFERENT = GENERIC_NOUNS | {"아까", "전", "저번", "지난번", "얘기", "이야기", "말", "거", "건", "것", "문제", "고민", "오늘"}

BACK_OPENERS = ["아까 말씀하신 {N} 이야기군요.", "앞에서 말씀하신 {N} 일이 계속 마음에 남아 있으시군요.",
                "{N} 이야기를 다시 꺼내 주셨네요."]
AGAIN_OPENER = "{N} 일로 또 속상한 일이 있으셨군요."  # "오늘 또 나한테만 뭐라 했어"


def _is_person(phrase: str) -> bool:
    return _person(phrase.split()[-1].removesuffix("들").removesuffix("님"))


def points_back(text: str) -> bool:
    return bool(_POINTS_BACK.search(text))


def _nouns(text: str):
    from serving.kiwi import get_kiwi

    return [t for t in get_kiwi().tokenize(text) if t.tag in ("NNG", "NNP")]


def back_reference(users: list[str]) -> str | None:
    """The earlier noun phrase the newest message (`users[-1]`) refers back to, or None."""
    if len(users) < 2 or not points_back(users[-1]):
        return None
    text, earlier = users[-1], users[:-1]
    for noun in _nouns(text):  # "아까 말한 그 팀장": this message names it
        if noun.form in _NOT_REFERENT or noun.form in _PERSON_WORDS or len(noun.form) < 2:
            continue
        for message in reversed(earlier):
            if noun.form in message:
                phrase = key_phrase(message)
                return phrase if phrase and noun.form in phrase.split() else noun.form
    pointed = re.search(r"그\s*(친구|사람|분|애)", text)
    if pointed:  # "그 친구가 먼저 연락 왔어": the person named last
        for message in reversed(earlier):
            nouns = _nouns(message)
            names = [n.form for n in nouns if n.tag == "NNP"]
            people = [n.form for n in nouns if _person(n.form) and n.form not in _PERSON_WORDS]
            if names or people:
                return (names or people)[-1]
        return None
    fallback = None
    for message in reversed(earlier):  # "그 얘기", "그 고민": what was talked about, things before people
        phrase = key_phrase(message)
        if not phrase:
            continue
        if not _is_person(phrase):
            return phrase
        fallback = fallback or phrase
    return fallback


def back_opener(noun: str, text: str, emotion_key: str, turn: int) -> str:
    """A line of ours that names what the message refers back to."""
    if "또" in text.split() and emotion_key in ("분노", "상처", "슬픔") and _is_person(noun):
        return AGAIN_OPENER.format(N=noun)
    return BACK_OPENERS[turn % len(BACK_OPENERS)].format(N=noun)
