"""Each kind of message is answered as what it is, in every persona's voice (real Kiwi, the real
act and emotion classifiers, the real rules style engine): greetings, thanks, goodbyes, questions
about the bot and about privacy, good news, advice, information, small talk; and a message that
refers back ("아까 말한 그 팀장") names the earlier turn's noun."""

from __future__ import annotations

import re

import pytest

from serving.acts import classify_act
from serving.emotion import classify
from serving.generators.base import GenerationRequest
from serving.generators.offline import OfflineGenerator
from serving.generators.offline_acts import ACT_REPLIES, privacy_kind
from serving.generators.offline_backref import back_reference
from serving.generators.offline_eval import REVIEW_MARKERS, _SENTENCES
from serving.generators.offline_openers import ADVICE, ADVICE_KINDS
from serving.turn_context import TurnContext

# Written for this test (reply12); what each reply must carry, checked on the raw reply.
CASES = [
    ("안녕하세요!", "greeting"), ("오랜만이야~", "greeting"), ("좋은 아침이에요", "greeting"),
    ("안녕하세요 여기 처음 써봐요", "greeting"),
    ("고마워요 얘기 들어줘서", "thanks"), ("정말 감사해요 많이 위로됐어요", "thanks"),
    ("오늘은 여기까지 할게요 다음에 또 올게요", "farewell"), ("잘 자 내일 또 얘기해", "farewell"),
    ("너 이름 뭐야?", "bot_question"), ("혹시 사람이 답하는 거예요?", "bot_question"),
    ("너 상담 자격증 있어?", "bot_question"), ("너는 누구야?", "bot_question"),
    ("내 얘기 어디 저장돼?", "privacy"), ("제가 쓴 글 다른 사람이 볼 수 있나요?", "privacy"),
    ("대화 기록 지울 수 있어요?", "privacy"), ("내가 한 말 다 기억해?", "privacy"),
    ("드디어 자격증 시험 붙었어요!!", "good_news"), ("오늘 첫 월급 받았어 ㅎㅎ", "good_news"),
    ("대학원 합격 통지 받았어요", "good_news"),
]
ADVICE_CASES = ["불면증에 좋은 방법 있을까요?", "부모님이랑 크게 싸웠는데 어떻게 화해하면 좋을까요?",
                "룸메이트가 밤마다 통화를 크게 해서 잠을 못 자요 뭐라고 말하죠?"]
SMALL_TALK = [("점심에 뭐 먹을지 고민이야", "먹"), ("요즘 넷플릭스에서 뭐 재밌는 거 있어?", "장르"),
              ("비 오니까 괜히 기분이 축 처지네", "비"), ("오늘 날씨 진짜 좋다", "날씨")]
PERSONAS = ("counselor", "friend", "professional", "enfp", "grandpa", "king", "android", "azae")


@pytest.fixture(scope="module")
def generator():
    return OfflineGenerator()


def _reply(generator, users: list[str]) -> str:
    messages, replies = [], []
    for text in users:
        messages.append({"role": "user", "content": text})
        emotion = classify(text).label
        context = TurnContext(act=classify_act(text).act, emotion=emotion, safety="none")
        replies.append(generator.choose(GenerationRequest(list(messages), emotion=emotion, context=context,
                                                          avoid=list(replies))))
        messages.append({"role": "assistant", "content": replies[-1]})
    return replies[-1]


@pytest.mark.parametrize("text, act", CASES)
def test_each_act_is_answered_as_such(generator, text, act):
    reply = _reply(generator, [text])
    assert any(marker in reply for marker in REVIEW_MARKERS[act]), reply


def test_thanks_is_not_goodbye(generator):
    reply = _reply(generator, ["고마워요 얘기 들어줘서"])
    assert "찾아와 주세요" not in reply and reply in ACT_REPLIES["thanks"]


@pytest.mark.parametrize("text, kind", [("내 얘기 어디 저장돼?", "store"), ("제가 쓴 글 다른 사람이 볼 수 있나요?", "see"),
                                        ("대화 기록 지울 수 있어요?", "delete"), ("내가 한 말 다 기억해?", "memory"),
                                        ("그럼 아까 한 얘기 다른 사람한테 안 보여줘?", "see"),
                                        ("아무도 제 생일을 기억 못 했어요", None), ("친구한테 비밀 말해도 될까?", None),
                                        ("사람들이 알면 어떡하지?", None)])
def test_privacy_questions_are_recognised(text, kind):
    assert privacy_kind(text) == kind


def test_privacy_is_answered_though_the_feeling_is_worry(generator):
    text = "제가 쓴 글 다른 사람이 볼 수 있나요?"
    reply = generator.choose(GenerationRequest([{"role": "user", "content": text}], emotion="불안",
                                               context=TurnContext(act="bot_question", emotion="불안", safety="none")))
    assert "보이지 않" in reply and "대화 삭제" in reply


@pytest.mark.parametrize("text", ADVICE_CASES)
def test_advice_is_given(generator, text):
    lines = [line for bank in ADVICE.values() for line in bank] + [line for _, b in ADVICE_KINDS.values() for line in b]
    assert any(line in _reply(generator, [text]) for line in lines)


def test_information_we_know_is_told(generator):
    reply = _reply(generator, ["상담센터는 비용이 얼마나 들어요?"])
    assert "무료" in reply and "생각이 많아지" not in reply


@pytest.mark.parametrize("text, word", SMALL_TALK)
def test_small_talk_is_answered_lightly(generator, text, word):
    reply = _reply(generator, [text])
    assert word in reply and not any(w in reply for w in ("버거우", "지치셨", "무거우", "그런 일이 있으셨군요")), reply


@pytest.mark.parametrize("persona", PERSONAS)
def test_act_replies_keep_what_they_answer_in_every_voice(generator, persona):
    from serving.personas import load_personas
    from serving.style import get_engine

    engine, voice = get_engine("rules"), load_personas().get(persona)
    for text, act in CASES:
        reply = _reply(generator, [text])
        context = TurnContext(act=act, emotion="중립", safety="none")
        voiced = " ".join(engine.rewrite([s], voice, context=context)[0] for s in _SENTENCES.split(reply) if s)
        markers = REVIEW_MARKERS[act] + (("마음",) if act == "bot_question" else ())
        flat = re.sub(r"[\s.…~]", "", voiced)  # android speaks in clipped words ("푹. 쉬고.")
        assert any(re.sub(r"\s", "", m) in flat for m in markers), (persona, text, voiced)


@pytest.mark.parametrize("users, noun", [
    (["회사에서 팀장한테 깨졌거든", "아까 말한 그 팀장 말이야 오늘 또 나한테만 뭐라 했어"], "팀장"),
    (["요즘 대학원 진학 때문에 고민이 많아요", "부모님은 취업하라고 하세요", "그 얘기를 꺼낼 때마다 싸우게 돼요"], "대학원 진학"),
    (["친구 민지랑 싸웠어", "민지가 내 생일에 안 왔거든", "그 친구가 오늘 먼저 연락 왔어"], "민지"),
    (["요즘 이사 준비하느라 정신이 없어", "집주인이 보증금을 늦게 준대", "아까 그 보증금 문제 때문에 계속 신경 쓰여"], "보증금"),
])
def test_a_back_reference_names_the_earlier_turn(generator, users, noun):
    assert back_reference(users) == noun
    assert noun in _reply(generator, users)


def test_no_back_reference_without_a_pointing_word():
    assert back_reference(["회사에서 팀장한테 깨졌거든", "오늘도 야근이야"]) is None
    assert back_reference(["그 친구가 연락 왔어"]) is None  # nothing earlier to point at
