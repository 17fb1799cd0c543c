"""The rule floor for message acts: short, unmistakable messages, and the fallback without
an encoder. Rules decide only where a reader would not hesitate ("안녕", "너는 누구야?");
everything else is the learned head's (serving/acts/classifier.py)."""

from __future__ import annotations

import re

from serving.acts.news import bad_news

_NOISE = re.compile(r"[\s~!?.,…ㅎㅋㅠㅜ^;:'\"()\-]+")
GREETINGS = ("안녕", "안녕하세요", "안녕하십니까", "안뇽", "하이", "hi", "hello", "헬로", "반가워", "반가워요", "반갑습니다",
             "좋은아침", "좋은아침이에요", "좋은아침입니다", "오랜만", "오랜만이야", "오랜만이에요", "저기요", "여보세요",
             "안녕반가워", "안녕하세요반가워요", "처음뵙겠습니다")
FAREWELLS = ("잘자", "잘자요", "굿밤", "굿나잇", "안녕히계세요", "안녕히주무세요", "바이", "빠이", "ㅂㅂ", "이만갈게",
             "다음에또올게", "다음에또올게요", "또올게", "또올게요", "고마워", "고마워요", "감사합니다", "감사해요", "땡큐",
             "이제잘게", "이제갈게", "오늘은여기까지", "오늘은여기까지할게요")
_BOT_SUBJECT = r"(너|넌|너는|니가|네가|당신|당신은|마음이|여기|이거|이건|이 ?앱|챗봇)"
BOT_QUESTION = re.compile(
    r"(^|\s)(너|넌|당신)(는|은)?\s*(누구|뭐|정체)|누가\s*만든|(사람|인간|ai|AI|인공지능|로봇|챗봇|기계|상담사|선생님)"
    r"(이야|이에요|예요|인가요|이니|이세요|야|니|임|인가)\s*\?*\s*$|" + _BOT_SUBJECT + r"\s*(이름|정체)")


def compact(text: str) -> str:
    return _NOISE.sub("", text).lower()


def rule_act(text: str) -> str | None:
    """The act when the message is unmistakable, else None."""
    short = compact(text)
    if not short:
        return None
    if short in GREETINGS:
        return "greeting"
    if short in FAREWELLS:
        return "farewell"
    if len(text) <= 40 and BOT_QUESTION.search(text.strip()):
        return "bot_question"
    return None


_ADVICE = re.compile(r"어떻게\s*(하면|해야|하죠|하지|할까)|방법|좋을까|해야\s*(할까|하나|돼|되나)|알려\s*줘|조언")
_QUESTION_END = re.compile(r"(\?|까요|나요|니|냐|어요\?|있어|있나|뭐야|어디|언제|얼마)\s*$")
_GOOD = re.compile(r"합격|붙었|승진|땄다|성공|해냈|칭찬받|뽑혔|당첨|생겼어|다행")


def fallback_act(text: str) -> str:
    """Without the encoder: a coarse guess from question words (venting when unsure)."""
    if _ADVICE.search(text):
        return "advice"
    if _QUESTION_END.search(text.strip()):
        return "info"
    if _GOOD.search(text) and ("!" in text or "ㅎ" in text) and not bad_news(text):
        return "good_news"
    return "venting"
