"""The offline composer asserts nothing the user did not say, and bad news is never good news.

Each case here is a reply that went wrong (docs/blind_results.md, round 2, and the development
set data/composer_dev.txt): real Kiwi, the real act and emotion classifiers, the real generator."""

from __future__ import annotations

import re

import pytest

from maeum import paths
from serving.acts import classify_act
from serving.acts.news import bad_news
from serving.emotion import classify
from serving.generators.base import GenerationRequest
from serving.generators.offline import OfflineGenerator
from serving.generators.offline_acts import ACT_REPLIES
from serving.generators.offline_compose import question_candidates, reflect, sentence_parts, topic_of
from serving.generators.offline_eval import invented_nouns
from serving.generators.offline_openers import ADVICE_KINDS, key_phrase
from serving.kiwi import get_kiwi
from serving.reply_eval import read_dialogues
from serving.turn_context import TurnContext

_SENTENCES = re.compile(r"(?<=[.!?~])\s+")
_JOY = ("좋은 소식", "축하", "기뻐", "기쁜", "기분이 좋")
BAD_NEWS = ["엄마가 치매 초기 진단을 받으셨어요", "할머니가 암 판정을 받으셨어요", "여자친구랑 결국 헤어지게 됐어요",
            "남편 먼저 보내고 혼자 산 지 2년 됐어요", "회사에서 해고 통보를 받았어요", "시험 떨어졌어요",
            "수술 날짜가 잡혔어요 다음 주 화요일이래요", "월급이 또 밀렸어요 이번이 세 번째예요"]


@pytest.fixture(scope="module")
def generator():
    return OfflineGenerator()


def _reply(generator, users: list[str], replies: list[str] | None = None) -> str:
    text = users[-1]
    emotion = classify(text).label
    messages = []
    for i, user in enumerate(users):
        messages.append({"role": "user", "content": user})
        if replies and i < len(replies):
            messages.append({"role": "assistant", "content": replies[i]})
    context = TurnContext(act=classify_act(text).act, emotion=emotion)
    return generator.choose(GenerationRequest(messages, emotion=emotion, context=context, avoid=list(replies or [])))


@pytest.mark.parametrize("text", BAD_NEWS)
def test_bad_news_is_not_good_news(generator, text):
    assert bad_news(text)
    assert classify_act(text).act != "good_news"
    assert classify(text).label not in ("기쁨", "중립")
    reply = _reply(generator, [text])
    assert not any(word in reply for word in _JOY), reply


@pytest.mark.parametrize("text", ["대학원 합격 통지 받았어요", "암 완치 판정 받았어요!", "드디어 운전면허 땄어요!",
                                  "힘들게 준비했는데 드디어 합격했어요!"])
def test_good_news_stays_good_news(text):
    assert not bad_news(text)
    assert classify_act(text).act == "good_news"


def test_acts_answered_as_such_only_where_they_fit(generator):
    def stock(text, act, emotion="중립"):
        reply = generator.choose(GenerationRequest([{"role": "user", "content": text}], emotion=emotion,
                                                   context=TurnContext(act=act, emotion=emotion)))
        return reply in ACT_REPLIES[act]

    assert stock("너도 힘든 적 있어?", "bot_question")  # about the bot, though it says 힘든
    assert not stock("좋은 아침이에요! 오늘 면접 보러 가요", "greeting")  # news after the greeting
    assert stock("안녕하세요", "greeting")
    assert not stock("안녕... 오늘 좀 힘든 날이야", "greeting")
    assert not bad_news("아버지 수술이 잘 끝났대요")


def test_distress_is_no_small_talk():
    assert classify_act("요즘 회사 때문에 스트레스가 심해").act not in ("small_talk", "greeting")
    assert classify("근데 막상 되고 나니까 부담이 커요").label != "중립"


@pytest.mark.parametrize("text", ["단톡방에서 저만 빼고 약속을 잡았더라고요",  # the user made no appointment
                                  "친한 친구가 제 험담을 하고 다녔대요"])  # told, not seen: no fact of ours
def test_what_was_seen_or_heard_is_not_said_back_as_fact(text):
    assert reflect(text, clause_only=True) is None
    assert reflect(text) is None


def test_reflection_honours_whom_the_user_honours_and_nobody_else():
    assert reflect("할머니가 암 판정을 받으셨어요") == "할머니가 암 판정을 받으셨군요."
    assert "하셨" not in reflect("아무도 제 생일을 기억 못 했어요")  # 아무도 is the subject, not the user
    assert reflect("잠을 잘 못 자요") == "잠을 잘 못 주무시는군요."


@pytest.mark.parametrize("text", [
    "항암 결과 나오는 날이 다음 주야 그날까지 어떻게 버티지",  # asks, with no "?"
    "갑자기 퇴사 통보 받았는데 당장 뭐부터 챙겨야 돼요",
    "하루 종일 오토바이 타니까 허리가 너무 아픈데 스트레칭 같은 거 추천해줘",  # a request
    "연금만으로 생활이 될지 모르겠어요",  # "모르시는군요" would reproach
    "나 혼자 다 함",  # chat shorthand: tense unknown
    "부모님이 간호사면 좋은 직업이라고 자랑하시는데 그 기대 때문에 그만두겠단 말을 못 해",  # "그 기대" cut loose
])
def test_no_question_request_or_loose_fragment_is_said_back(text):
    assert reflect(text, clause_only=True) is None and reflect(text) is None


@pytest.mark.parametrize("text", [
    "카드 긁었는데 한도 초과 떴어",  # the limit did it
    "고양이가 갑자기 토를 계속 해 밤이라 동물병원도 다 닫았어",
    "병원에서 이름을 불렀는데 못알아듣고 앉아있다가 간호사가 와서 깨웠어",
    "평생 모은 돈 빌려준 동생이 나보고 욕심 많다고 하네",
    "연락하면 늘 바쁘대 근데 다른 애들이랑은 잘 놀아",  # he plays with others, not the user
    "발표하다가 목소리 갈라짐 ㅋㅋ 애들 다 웃었어 아 진짜",
])
def test_someone_elses_doing_gets_no_honorific(text):
    said = reflect(text, clause_only=True)
    assert said is None or not re.search(r"(시는군요|셨군요|시군요)$", said), said


@pytest.mark.parametrize("text, want", [
    ("무료 상담이라고 해서 들어왔는데 요즘 너무 불안해요", None),  # a quotation is no cause ("무료 때문에")
    ("무료로 상담해 준다고 해서 왔는데 부모님 때문에 힘들어요", "부모님"),  # 때문에 names the cause
    ("버스에서 졸다가 내릴 곳을 지나쳤어요", None),  # a place is no cause
    ("친구들은 그냥 헤어지래요", None),  # they said it; they are not the trouble
    ("부모님 기대가 너무 부담스러워요", "부모님 기대"),
    ("카페 알바하는데 손님이 반말하고 컵을 던졌어요", "손님"),
])
def test_key_phrase_names_the_cause(text, want):
    assert key_phrase(text) == want


def test_retrieved_sentences_carry_no_unsaid_detail():
    kiwi = get_kiwi()
    [(_, words, ok)] = sentence_parts(kiwi, "가까웠던 만큼 그 변화가 더 크게 느껴지실 것 같아요.")
    assert "가깝" in words and not ok  # an irregular stem (VA-I) is a content word; "그 변화" points at nothing said
    [(_, _, ok)] = sentence_parts(kiwi, "그런 일이 있었군요.")
    assert not ok  # an opening, out of place after our own opening
    [(_, _, ok)] = sentence_parts(kiwi, "미리 말해줬으면 덜했을 텐데, 그렇게 알게 된 게 더 속상했을 것 같아요.")
    assert not ok  # only generic words, yet someone else's story, told in the past
    [(_, _, ok)] = sentence_parts(kiwi, "정도로 짧게 상황을 알려 두면 서로 오해도 덜 생길 거예요.")
    assert not ok  # cut out of a longer sentence
    assert [ok for _, _, ok in sentence_parts(kiwi, "많이 힘드셨겠어요. 그런 마음이 드는 건 자연스러워요.")] == [True, True]


def test_topic_words_inside_other_words_name_no_topic():
    assert topic_of("잠깐 얘기해도 돼?") is None
    assert topic_of("아파트 관리비가 또 올랐어") is None
    assert topic_of("친구들은 그냥 헤어지래요") != "breakup"


def test_questions_presuppose_nothing_untold():
    asked = question_candidates(None, "상처", "남편이 바람을 피운 것 같아요")
    assert not any(q.startswith("그 말을 들었을 때") for q in asked)
    assert any(q.startswith("그 말을 들었을 때") for q in question_candidates(None, "상처", "팀장이 저한테 무능하다고 했어요"))


def test_advice_answers_what_was_asked(generator):
    reply = _reply(generator, ["룸메이트가 설거지를 한 번도 안 해요 어떻게 말하면 좋을까요"])
    assert any(line in reply for line in ADVICE_KINDS["say"][1]), reply


@pytest.mark.parametrize("text, act", [("여기 말고 진짜 상담받을 수 있는 곳 알려줘", "bot_question"),
                                       ("상담 어디서 받을 수 있어요?", "info")])
def test_asking_where_to_get_help_is_told_where(generator, text, act):
    reply = generator.choose(GenerationRequest([{"role": "user", "content": text}], emotion="중립",
                                               context=TurnContext(act=act, emotion="중립")))
    assert "1577-0199" in reply and "정확한 정보" not in reply


def test_information_line_only_answers_a_question(generator):
    text = "요양원은 죄책감이 들어서요"
    reply = generator.choose(GenerationRequest([{"role": "user", "content": text}], emotion="중립",
                                               context=TurnContext(act="info", emotion="중립")))
    assert "정확한 정보" not in reply


def test_shock_is_not_shame(generator):
    text = "동생이 교통사고를 당해서 입원했어요"
    reply = generator.choose(GenerationRequest([{"role": "user", "content": text}], emotion="당황",
                                               context=TurnContext(act="venting", emotion="당황")))
    assert "민망" not in reply


def test_development_set_replies_invent_nothing(generator):
    """Every reply to data/composer_dev.txt: nothing invented, no fragment, no joy on bad news,
    no reply the output check would have to replace."""
    from serving.safety.output_check import find_problems

    for dialogue in read_dialogues(paths.data_file("composer_dev.txt")):
        replies: list[str] = []
        for turn in range(len(dialogue.messages)):
            users = dialogue.messages[:turn + 1]
            reply = _reply(generator, users, replies)
            replies.append(reply)
            assert invented_nouns(users, reply) == [], (users, reply)
            assert not find_problems(reply), (users, reply)
            if bad_news(users[-1]):
                assert not any(word in reply for word in _JOY), (users, reply)
            for sentence in _SENTENCES.split(reply):
                assert not re.match(r"^(라는|이라는|는|은|을|를|이|가|에|에게|도|만)\s", sentence), reply
