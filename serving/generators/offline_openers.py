"""How an offline reply opens, and the lines it adds for an advice or information request.

Three openings, rotated over a conversation so that no two turns in a row open the same way
(a reply that always restates the user reads like a parrot; the user's clause is never said back
whole, a third person's event least of all: "상사가 … 말했군요" is an echo, not listening):

- `feeling_word`: only the feeling the user named (`feeling_reflection`: "많이 서운하시군요.");
- `noun`: the key noun phrase the user said, in a line of ours ("상사 일로 화가 많이 나셨군요.");
- `feeling`: no reflection at all, an emotion line of ours first.

Every line here is written by us and tagged by emotion (openers), topic (advice) or act; the
only words from outside are the user's own noun phrase.
"""

from __future__ import annotations

import re
import zlib

from .offline_compose import _REPORTED_EF, GENERIC_NOUNS, TOPICS, _person, _words

OPENINGS = ("feeling_word", "noun", "feeling")

# "{N}" is the user's noun phrase; the joining word depends on what it names (see `noun_opener`).
NOUN_OPENERS: dict[str, list[str]] = {
    "슬픔": ["{N} 마음이 많이 무거우시군요.", "{N} 많이 힘드셨군요."],
    "분노": ["{N} 화가 많이 나셨군요.", "{N} 속이 많이 상하셨군요."],
    "불안": ["{N} 걱정이 많으시군요.", "{N} 마음이 많이 불안하시군요."],
    "상처": ["{N} 마음이 많이 상하셨군요.", "{N} 서운한 마음이 크시군요."],
    "당황": ["{N} 많이 당황스러우셨군요."],
    "기쁨": ["{N} 기분이 좋으시군요!"],
    "": ["{N} 마음이 많이 쓰이시는군요.", "{N} 생각이 많아지시는군요."],
}

# Gentle, general suggestions for "어떻게 하면 좋을까요?", by topic; never a diagnosis or a fact.
ADVICE: dict[str, list[str]] = {
    "sleep": ["잠들기 한 시간 전부터 화면을 멀리하고 불빛을 낮춰 보는 것도 도움이 될 수 있어요.",
              "잠이 안 올 때는 억지로 누워 있기보다 잠깐 일어나 조용히 쉬었다가 다시 누워 보셔도 괜찮아요."],
    "work": ["오늘 꼭 해야 할 일 세 가지만 골라 적어 보면 머릿속이 조금 정리되기도 해요.",
             "일과 쉬는 시간 사이에 짧게라도 숨 돌릴 틈을 만들어 보시면 좋겠어요."],
    "career": ["한 번에 모든 걸 정하기보다 이번 주에 해 볼 수 있는 작은 일 하나부터 정해 보면 어떨까요.",
               "선택지마다 마음이 끌리는 점과 걸리는 점을 나란히 적어 보면 생각이 조금 또렷해지기도 해요."],
    "study": ["공부 시간을 짧게 나누고 사이사이 쉬는 시간을 정해 두면 부담이 조금 줄어들기도 해요.",
              "오늘 할 분량을 작게 정하고, 해낸 만큼은 스스로 인정해 주는 것도 방법이에요."],
    "family": ["마음이 가라앉은 뒤에 '나는 이럴 때 이렇게 느껴'처럼 내 마음을 중심으로 말해 보는 것도 방법이에요.",
               "잠시 거리를 두고 마음을 추스를 시간을 갖는 것도 괜찮아요."],
    "friends": ["서운했던 마음을 믿을 만한 한 사람에게 먼저 털어놓아 보는 것도 도움이 될 수 있어요.",
                "관계를 당장 정리하지 않아도 괜찮아요. 마음이 조금 가라앉은 뒤에 천천히 생각해 봐도 돼요."],
    "love": ["내 마음을 솔직하게, 하지만 상대를 탓하지 않는 말로 전해 보는 것도 방법이에요.",
             "상대의 반응보다 내가 정말 바라는 게 무엇인지 먼저 적어 보면 마음이 정리되기도 해요."],
    "breakup": ["당분간은 힘든 게 당연하다고 스스로에게 허락해 주셔도 괜찮아요.",
                "하루에 한 가지라도 나를 돌보는 일을 정해 두면 버티는 데 도움이 되기도 해요."],
    "health": ["몸이 계속 보내는 신호라면 가까운 병원에서 한번 확인해 보시는 게 마음이 편할 수 있어요.",
               "오늘은 할 일을 조금 줄이고 몸이 쉴 시간을 먼저 챙겨 보시면 좋겠어요."],
    "": ["한꺼번에 다 해결하려 하기보다 지금 할 수 있는 작은 것 하나부터 정해 보면 어떨까요.",
         "마음을 종이에 적어 보면 생각이 조금 정리되기도 해요.",
         "믿을 만한 사람에게 지금 마음을 이야기해 보는 것도 도움이 될 수 있어요."],
}
# What is asked matters more than the topic: "어떻게 말하면 좋을까요" wants a way to say it, not
# the family topic's lines. Keyed by what the request asks for; checked before the topic.
ADVICE_KINDS: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "say": (("말하", "말을 하", "말해", "얘기하", "얘기를 하", "이야기하", "말을 꺼", "꺼내", "전하", "부탁하", "거절", "사과하"),
            ["말을 꺼내기 전에 꼭 전하고 싶은 것 한 가지만 먼저 정해 두면 조금 덜 막막할 수 있어요.",
             "상대를 탓하기보다 '나는 이럴 때 이렇게 느껴'처럼 내 마음을 중심으로 말해 보는 것도 방법이에요.",
             "서로 마음이 차분할 때를 골라 짧게 이야기를 꺼내 보시면 좋겠어요."]),
    "decide": (("결정", "할지 말지", "할까 말까", "고를", "골라야", "선택", "어느 쪽", "그만둘지"),
               ["지금 당장 정하지 않아도 괜찮아요. 며칠 시간을 두고 마음이 어느 쪽으로 기우는지 살펴봐도 돼요.",
                "선택지마다 마음이 끌리는 점과 걸리는 점을 나란히 적어 보면 생각이 조금 또렷해지기도 해요."]),
    "habit": (("자꾸", "고치", "끊", "멈추", "참을 수", "조절", "미루"),
              ["스스로를 너무 탓하지 않으셔도 돼요. 그렇게 되는 순간이 언제인지 며칠만 적어 보면 실마리가 보이기도 해요.",
               "한 번에 끊으려 하기보다 그런 순간이 왔을 때 대신 해 볼 작은 일 하나를 정해 두는 것도 도움이 돼요."]),
}

# Where a person can get real counselling, for a message that asks it; what maeum is not.
REFERRAL = ["전문 상담은 정신건강위기상담전화 1577-0199나 가까운 정신건강복지센터에서 받을 수 있고, 청소년이라면 1388도 있어요."]
_HELP_PLACE = re.compile(r"(상담|치료|진료|도움)\s*(을|를)?\s*(받을\s*수\s*있는|받을|받는|해\s*주는|할\s*수\s*있는)\s*(곳|데|기관|센터|병원)|"
                         r"상담\s*센터|정신과\s*(어디|추천)|상담\s*(어디서|어디에서)")


def asks_where_to_get_help(text: str) -> bool:
    """Whether the message asks where to get counselling or treatment."""
    return bool(_HELP_PLACE.search(text))


INFO = ["정확한 정보는 제가 확실히 말씀드리기 어려워요. 믿을 만한 기관이나 전문가에게 확인해 보시는 게 좋겠어요."]
# Questions whose answer we do know, by what they ask; checked before INFO and REFERRAL.
INFO_ANSWERS: tuple[tuple[re.Pattern[str], list[str]], ...] = (
    (re.compile(r"(상담|센터|치료).{0,12}(비용|얼마|돈|무료|가격|유료)|(비용|얼마|무료|유료).{0,12}(상담|센터)"),
     ["지역 정신건강복지센터의 상담은 대부분 무료예요. 민간 상담센터는 곳마다 비용이 달라서 미리 문의해 보시는 게 좋아요."]),
)
INFO_QUESTIONS = ["혹시 알아보시게 된 이유가 있으세요?", "다른 궁금한 점도 있으세요?"]
# "불면증에 좋은 방법 있을까요?" asks for advice, though it reads as a question for information
_ASKS_ADVICE = re.compile(r"(좋은|도움\s*되는|도움이\s*되는)\s*방법|방법\s*(이\s*)?(있|없)|어떻게\s*하면|어떡하면|어떻게\s*해야")
_MEDICAL = re.compile(r"치료|약|병원|진단|증상|처방")


def info_answer(text: str) -> list[str]:
    return next((lines for pattern, lines in INFO_ANSWERS if pattern.search(text)), [])


def asks_advice(text: str) -> bool:
    return bool(_ASKS_ADVICE.search(text)) and not _MEDICAL.search(text)

# Questions that go back to what the user said earlier ("아까 말한 디자인 공부 얘기 더 해 줄래?").
FOLLOW_UPS = ["아까 말씀하신 {N} 이야기도 조금 더 들려주실 수 있어요?", "앞에서 이야기하신 {N} 얘기는 지금 어떻게 느껴지세요?",
              "아까 말씀하신 {N} 이야기도 아직 마음에 남아 있으세요?"]

_NOUN_TAGS = ("NNG", "NNP")
# times and places of routine: "주말 때문에 서운하시군요" names no cause
_NOT_KEY = {"주말", "아침", "저녁", "밤", "새벽", "어제", "내일", "모레", "주", "달", "년", "날", "집", "맨날", "평일",
            "아무것", "아무거", "무엇", "뭐", "것", "거", "누구", "처음", "다음", "낮",
            "얼굴", "머리", "가슴", "눈", "목소리"}  # body words of idioms ("얼굴이 화끈거렸어")  # "아무것 때문에" is no phrase
_BARE = ("NNG", "NNP", "XSN", "NNB")
_GRIEF_TOPIC = TOPICS["grief"]
_TOPIC_WORDS = frozenset(k for keys in TOPICS.values() for k in keys if " " not in k)


def opening_order(text: str, turn: int) -> list[str]:
    """The three openings, rotated by the message and shifted one each turn."""
    start = (zlib.crc32(text.encode("utf-8")) + turn) % len(OPENINGS)
    return list(OPENINGS[start:] + OPENINGS[:start])


def key_phrase(text: str) -> str | None:
    """The user's noun phrase that most likely names what the feeling is about ("부모님 기대",
    "디자인 공부"): the run of bare nouns before it included; generic nouns, pronouns and negated
    nouns skipped. Ranked by how the sentence marks it: a cause ("부모님 때문에") first, then a
    subject, object or topic, then a person or a topic word as a place or addressee ("회사에서",
    "팀장한테"); a means or a quotation ("무료로", "무료 상담이라고") is never the cause."""
    from serving.kiwi import get_kiwi

    tokens = [t for t in get_kiwi().tokenize(text) if not t.tag.startswith(("SF", "SW", "SS", "SE", "SO"))]
    words = _words(tokens)
    endings = [t for t in tokens if t.tag == "EF"]
    reported = bool(endings) and bool(_REPORTED_EF.match(endings[-1].form))
    run: list[str] = []
    found: list[tuple[int, int, str]] = []  # (rank, position, phrase)
    for i, word in enumerate(words):
        if word[0].tag not in _NOUN_TAGS:
            run = []
            continue
        lead = []
        for t in word:
            if t.tag not in _BARE or (t.tag == "NNB" and t.form == "때문"):
                break
            lead.append(t)
        part = "".join(t.form for t in lead)
        head = [t for t in lead if t.tag in _NOUN_TAGS][-1].form
        after = word[len(lead)] if len(lead) < len(word) else None
        if after is not None and (after.tag.startswith(("XSV", "XSA")) or (after.tag == "VV" and after.form == "하")):
            run = []  # "포기하고", "알바하는데": a verb
            continue
        cause = after is None and i + 1 < len(words) and words[i + 1][0].form == "때문"  # "부모님 때문에"
        if after is None and i + 1 < len(words) and not cause:  # a bare noun: part of the next word's phrase
            run = run + [part] if head not in GENERIC_NOUNS and head not in _NOT_KEY else []
            continue
        negated = any(t.form in ("없", "안", "못") for w in words[i:i + 3] for t in w)
        specific = head not in GENERIC_NOUNS and head not in _NOT_KEY and len(part) >= 2
        phrase = " ".join(run + [part])
        run = []
        rank = 0 if cause else _cause_rank(after, word, head)
        if reported and _person(head):  # "친구들은 그냥 헤어지래요": they said it; they are not the trouble
            rank = None
        if (specific or len(phrase.split()) > 1) and not negated and rank is not None:
            found.append((rank, i, phrase))
    return min(found)[2] if found else None


def _cause_rank(after, word, head: str) -> int | None:
    """How likely a noun marked by `after` names the cause (lower: likelier); None: never."""
    if any(t.tag == "NNB" and t.form == "때문" for t in word):
        return 0
    if after is None or after.tag in ("JKS", "JKO", "JX", "JKG"):
        return 1
    if after.tag == "JKB" and after.form not in ("로", "으로") and (_person(head) or head in _TOPIC_WORDS):
        return 2
    return None


def noun_opener(phrase: str, emotion_key: str, text: str, turn: int) -> str:
    """A line of ours around the user's noun phrase; the joining word fits what it names."""
    head = phrase.split()[-1].removesuffix("들").removesuffix("님")
    if any(k in text for k in _GRIEF_TOPIC):
        joined = f"{phrase} 생각에"
    elif _person(head):
        joined = f"{phrase} 일로"
    else:
        joined = f"{phrase} 때문에"
    bank = NOUN_OPENERS.get(emotion_key, NOUN_OPENERS[""])
    return bank[(zlib.crc32(text.encode("utf-8")) + turn) % len(bank)].format(N=joined)


def advice_lines(topic: str | None, text: str = "") -> list[str]:
    """Suggestions for what the request asks (a way to say it, a decision, a habit), then the topic's."""
    kind = next((lines for cues, lines in ADVICE_KINDS.values() if any(c in text for c in cues)), [])
    return kind + ADVICE.get(topic or "", []) + ADVICE[""]


def follow_ups(phrase: str) -> list[str]:
    return [f.format(N=phrase) for f in FOLLOW_UPS]
