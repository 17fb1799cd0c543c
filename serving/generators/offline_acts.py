"""Replies for messages that are not a problem told: each act has its own strategy.

greeting → a greeting and an invitation (a long-time-no-see, a good evening, a first visit each
answered as such); thanks → the thanks taken, a door left open; farewell → goodbye (a good night
for "잘 자"); bot_question → who maeum is (an AI companion: not a counsellor, not a person), by
what was asked (name, person or AI, credentials, feelings); privacy → what is stored, who sees it,
how to delete it, what is remembered (what the app really does: serving/store, the sidebar's
삭제 buttons); good_news → shared joy around the user's own noun ("첫 월급"); small_talk → a
light answer on its subject (food, weather, shows). Every line is written by us, whole sentences
with a slot only for the user's own noun phrase; no user detail is ever asserted. The persona's
voice comes later (style stage).
"""

from __future__ import annotations

import re
import zlib

# Every bank by act and kind; the first kind of each act is its default.
KINDS: dict[str, dict[str, list[str]]] = {
    "greeting": {
        "": ["안녕하세요, 반가워요. 오늘 하루는 어떠셨어요?", "안녕하세요! 와 주셔서 반가워요. 요즘 마음은 어떻게 지내세요?",
             "반가워요. 편하게 이야기 나눠요. 오늘은 어떤 이야기를 하고 싶으세요?"],
        "long_time": ["정말 오랜만이에요! 다시 찾아와 주셔서 반가워요. 그동안 어떻게 지내셨어요?"],
        "evening": ["좋은 저녁이에요. 오늘 하루는 어떻게 보내셨어요?"],
        "morning": ["좋은 아침이에요! 오늘은 어떤 하루가 될 것 같으세요?"],
        "first": ["처음 오셨군요, 반가워요. 저는 이야기를 들어 드리는 AI 마음이에요. 편하게 하고 싶은 이야기부터 해 주세요."],
    },
    "thanks": {
        "": ["저도 이야기 나눌 수 있어서 좋았어요. 더 하고 싶은 이야기가 생기면 언제든 편하게 해 주세요.",
             "조금이라도 도움이 됐다니 다행이에요. 필요할 때 또 이야기해요.",
             "고맙다고 해 주셔서 저도 기뻐요. 언제든 다시 이야기하러 와 주세요."],
    },
    "farewell": {
        "": ["이야기 나눠 주셔서 고마워요. 조심히 가시고, 언제든 다시 찾아와 주세요.",
             "함께 이야기할 수 있어서 좋았어요. 편안한 시간 보내세요.", "오늘 이야기해 주셔서 고마워요. 다음에 또 이야기해요."],
        "night": ["잘 자요. 오늘 하루 애쓰셨어요. 푹 쉬고 또 이야기해요.", "편히 쉬세요. 내일 또 이야기해요."],
        "thanks": ["저도 이야기 나눌 수 있어서 좋았어요. 오늘은 푹 쉬시고, 다음에 또 이야기해요."],
    },
    "bot_question": {
        "": ["저는 마음이에요. 이야기를 들어 드리는 AI 친구예요. 사람도 상담사도 아니지만, 편하게 마음을 털어놓으셔도 괜찮아요.",
             "저는 AI 대화 상대 마음이에요. 전문 상담사나 사람은 아니지만 이야기는 언제든 들을 수 있어요. 요즘 어떻게 지내세요?"],
        "name": ["제 이름은 마음이에요. 이야기를 들어 드리는 AI예요. 편하게 불러 주세요."],
        "human": ["저는 사람이 아니라 AI예요. 사람이 대신 답하지는 않지만, 이야기는 언제든 들을 수 있어요."],
        "credentials": ["저는 AI라서 상담 자격증은 없어요. 전문 상담이 필요하시면 1577-0199나 가까운 정신건강복지센터에서 받을 수 있어요."],
        "feelings": ["저는 AI라서 사람처럼 겪지는 않지만, 들려주시는 이야기는 마음을 다해 듣고 있어요. 요즘은 어떻게 지내세요?"],
    },
    "privacy": {
        "store": ["여기서 나눈 대화는 이 앱을 운영하는 곳의 데이터베이스에 계정과 함께 저장돼요. 다른 사용자에게는 보이지 않고, "
                  "왼쪽 메뉴의 '대화 삭제'나 '계정 삭제'로 언제든 지울 수 있어요."],
        "see": ["여기서 나눈 대화는 다른 사용자에게 보이지 않아요. 다만 앱을 운영하는 곳의 데이터베이스에는 저장돼요. "
                "원하지 않으시면 왼쪽 메뉴의 '대화 삭제'로 지울 수 있어요."],
        "delete": ["네, 지울 수 있어요. 왼쪽 메뉴의 '대화 삭제'는 이 대화를, '계정 삭제'는 계정과 모든 대화를 지워요. "
                   "지운 대화는 되돌릴 수 없어요."],
        "memory": ["이 대화 안에서 나눈 이야기는 기억하고 이어서 들을 수 있어요. 새 대화를 시작하면 앞의 대화 내용은 이어지지 않아요."],
    },
    "good_news": {
        "": ["정말 좋은 소식이네요! 저까지 기뻐요. 그 순간 기분이 어떠셨어요?",
             "와, 축하해요! 그동안 애쓰신 게 느껴져요. 어떻게 그렇게 되었는지 더 들려주실래요?",
             "기쁜 소식을 나눠 주셔서 고마워요! 지금 가장 먼저 누구에게 알리고 싶으세요?"],
        "noun": ["와, 정말 축하해요! {N} 이야기를 들으니 저까지 기뻐요. 그 순간 기분이 어떠셨어요?",
                 "{N} 소식이라니 정말 축하해요! 그동안 애쓰신 게 느껴져요. 누구와 가장 먼저 나누고 싶으세요?"],
        "back": ["아까 말씀하신 {N} 이야기에 좋은 소식이 생겼네요! 정말 잘됐어요. 지금 기분은 어떠세요?"],
    },
    "small_talk": {
        "": ["그렇군요, 이야기해 주셔서 좋아요. 오늘 하루는 어떻게 보내고 계세요?",
             "소소한 이야기도 반가워요. 요즘 즐거운 일은 어떤 게 있어요?"],
        "food": ["뭘 먹을지 고르는 게 은근히 어렵죠. 요즘 자주 끌리는 음식이 있어요?",
                 "맛있는 걸 먹는 것만으로도 하루가 조금 나아지기도 하죠. 오늘은 뭐가 당기세요?"],
        "weather_low": ["비 오는 날에는 괜히 마음이 가라앉기도 하죠. 오늘 하루는 어떠셨어요?"],
        "weather": ["날씨가 기분에 꽤 영향을 주죠. 이런 날에는 잠깐 바깥 공기를 쐬는 것도 좋겠어요. 오늘은 어떻게 보내고 계세요?"],
        "shows": ["저는 요즘 나온 작품 소식은 잘 몰라서 추천은 어렵지만, 어떤 장르를 좋아하세요? 최근에 본 것 중 기억에 남는 게 있어요?"],
        "plans": ["쉬는 날 계획을 떠올리는 것만으로도 조금 설레죠. 요즘 가장 하고 싶은 건 어떤 거예요?"],
    },
}

# Flat banks by act (every kind): what a stock reply of that act may be.
ACT_REPLIES: dict[str, list[str]] = {act: [line for bank in kinds.values() for line in bank if "{N}" not in line]
                                     for act, kinds in KINDS.items()}

THANKS = re.compile(r"고마|감사|땡큐")  # the words of thanks (a kind of farewell; thanks on its own)
_FIRST_VISIT = re.compile(r"처음\s*(와|왔|이|뵙|써|사용)")
_KIND_CUES: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "greeting": (("first", _FIRST_VISIT), ("long_time", re.compile(r"오랜만|오래간만")),
                 ("evening", re.compile(r"저녁|밤이에요|굿이브닝")), ("morning", re.compile(r"아침"))),
    "farewell": (("night", re.compile(r"잘\s*자|주무세요|굿\s*밤|굿나잇|자러|잘게")), ("thanks", THANKS)),
    "bot_question": (("credentials", re.compile(r"자격|전문가|의사|면허")),
                     ("human", re.compile(r"사람이\s*(답|하는|야|에요|예요|세요|니|맞|인가)|사람이야|사람이에요|사람\s*맞|진짜\s*사람|인간이")),
                     ("name", re.compile(r"이름")),
                     ("feelings", re.compile(r"(너|넌|너는|당신)(도|은|는)?\s*.*(힘든|슬픈|외로|기분|어때|느껴|감정)"))),
    "small_talk": (("food", re.compile(r"(뭐|뭘|무엇을|뭐를)\s*먹|메뉴|먹을지|배고|야식|간식|맛집")),
                   ("weather_low", re.compile(r"비\s*(가|오|와|온)|비오|흐려|우중충|처지")),
                   ("weather", re.compile(r"날씨|맑|화창|더워|추워|덥다|춥다|눈\s*(이|와|온)")),
                   ("shows", re.compile(r"넷플|드라마|영화|유튜브|웹툰|예능|노래|음악|게임|볼\s*만한|볼만한")),
                   ("plans", re.compile(r"주말|휴가|여행|연휴|쉬는\s*날"))),
}

# Questions about what happens to what the user wrote: asked of the app, answered with what it does.
_PRIVACY: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("delete", re.compile(r"(지우|지울|지워|삭제)")),
    ("see", re.compile(r"(다른\s*사람|누가|남들|사람들|운영자|개발자|회사).{0,12}(보|볼|봐|읽|알)|보여\s*(줘|주|줄)|"
                       r"비밀\s*(보장|지켜|유지)")),
    ("store", re.compile(r"저장|기록|보관|남아|남나|남는|어디로\s*가|서버")),
    ("memory", re.compile(r"기억(해|하|할|나)")),
)
# The user's words as written here ("내 얘기", "한 말", "쓴 글", "대화 기록"), or the app itself.
_ABOUT_WRITING = re.compile(r"(내|제|우리)\s*(얘기|이야기|말|글|대화|기록|채팅)|한\s*(얘기|이야기|말)|쓴\s*(글|거|것|얘기)|"
                            r"적은|대화|기록|채팅|메시지|여기|이\s*앱|(너|넌|네가|니가|당신)\s")
_ASKS = re.compile(r"\?|(나요|까요|어요|돼요|되나|돼|되|니|냐|지|해|줘|거야|건가요?)\s*[?~.!]*\s*$")


def privacy_kind(text: str) -> str | None:
    """What a question about the user's words asks ("내 얘기 어디 저장돼?": store), or None."""
    text = text.strip()
    if len(text) > 60 or not _ASKS.search(text) or not _ABOUT_WRITING.search(text):
        return None
    return next((kind for kind, pattern in _PRIVACY if pattern.search(text)), None)


def act_kind(act: str, text: str) -> str:
    """Which bank of `act` the message asks for ("" = the act's default)."""
    for kind, pattern in _KIND_CUES.get(act, ()):
        if pattern.search(text):
            return kind
    return ""


def news_noun(text: str) -> str | None:
    """The noun phrase right before the news's predicate, particles or not ("첫 월급 받았어",
    "자격증 시험 붙었어요", "면접 합격했어요" → "면접 합격"); None when there is none."""
    from serving.kiwi import get_kiwi

    from .offline_compose import GENERIC_NOUNS, _words

    tokens = [t for t in get_kiwi().tokenize(text) if not t.tag.startswith(("SF", "SW", "SS", "SE", "SO"))]
    words = _words(tokens)
    last = max((i for i, w in enumerate(words) if any(t.tag.startswith(("VV", "VA", "XSV")) for t in w)), default=None)
    if last is None:
        return None
    phrase: list[str] = []
    head = words[last]
    if head[0].tag == "NNG" and len(head) > 1 and head[1].tag == "XSV":  # "합격했어요": its noun
        phrase.append(head[0].form)
    for word in reversed(words[:last]):
        nouns = [t for t in word if t.tag in ("NNG", "NNP")]
        rest = [t for t in word if t.tag not in ("NNG", "NNP")]
        if word[0].tag == "MM" and word[0].form == "첫" and len(word) == 1:
            phrase.insert(0, "첫")
            break
        if not nouns or word[0].tag not in ("NNG", "NNP") or any(t.tag not in ("JKS", "JKO", "JX") for t in rest):
            break
        if rest and phrase:  # "프로젝트가 상 받았어요": a marked word is its own argument, not part of "상"
            break
        phrase.insert(0, "".join(t.form for t in nouns))
    if len(phrase) > 1 and phrase[-1] in ("소식", "이야기", "얘기"):  # "합격 소식 소식이라니"
        phrase.pop()
    content = [p for p in phrase if p != "첫"]
    if not content or all(p in GENERIC_NOUNS for p in content) or len("".join(content)) < 2:
        return None
    return " ".join(phrase)


def act_reply(act: str | None, avoid: set[str], normalise, text: str = "", noun: str | None = None,
              back: str | None = None) -> str | None:
    """A reply for `act` this conversation has not had yet; None when the act has no bank or all
    were said. `noun`: the user's key noun phrase (good news about it); `back`: the earlier turn's
    noun a message refers back to."""
    kinds = KINDS.get(act or "")
    if not kinds:
        return None
    kind = privacy_kind(text) if act == "privacy" else act_kind(act, text)
    lines: list[str] = []
    if act == "good_news" and back:
        lines += [line.format(N=back) for line in kinds["back"]]
    elif act == "good_news" and noun:
        bank = kinds["noun"]
        start = zlib.crc32(text.encode("utf-8")) % len(bank)
        lines += [line.format(N=noun) for line in bank[start:] + bank[:start]]
    lines += kinds.get(kind or "", []) + [line for line in kinds.get("", []) if line not in kinds.get(kind or "", [])]
    for reply in lines:
        if normalise(reply) not in avoid:
            return reply
    return None  # every one was said: compose instead of repeating
