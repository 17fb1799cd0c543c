"""Checked property: every sentence the offline composer puts together is whole, in counselor's
and friend's voice, over many varied messages written for this test (real Kiwi, the real emotion
and act classifiers, the real rules style engine): none starts with a particle, an ending or a
bound noun, none has a dangling quotation mark, none is two sentences spliced; the user's clause
is said back rarely and a third person's event never whole."""

from __future__ import annotations

import pytest

from serving.acts import classify_act
from serving.emotion import classify
from serving.generators.base import GenerationRequest
from serving.generators.offline import OfflineGenerator
from serving.generators.offline_eval import _SENTENCES, fragments, invented_nouns, restates
from serving.turn_context import TurnContext

# Written for this test by the composer's helper (reply12): statements, questions, chat shorthand,
# third persons' doings, run-on lines, 반말 and 존댓말, each act.
PROMPTS = [
    "요즘 잠이 안 와서 새벽 네 시까지 뒤척여요", "팀장님이 내 보고서를 찢어버렸어", "엄마가 또 내 방을 뒤졌어요 진짜 싫다",
    "친구가 약속을 세 번이나 취소했어", "시험 망했어 ㅠㅠ 재수해야 하나", "남친이 내 생일을 까먹었어요",
    "회사 동기가 나보다 먼저 승진했어요 축하는 했는데 좀 씁쓸해요", "아빠가 술 마시고 들어와서 소리 질렀어",
    "이번 달 카드값이 너무 많이 나와서 걱정이에요", "알바 사장님이 월급을 또 늦게 줬어요", "동생이 내 옷을 말도 없이 입고 나갔어",
    "발표 도중에 머리가 하얘져서 아무 말도 못 했어요", "길에서 넘어졌는데 다들 쳐다봐서 너무 창피했어",
    "할아버지가 요즘 기억을 자꾸 깜빡하세요", "고양이가 밥을 안 먹어서 걱정돼요", "이사 온 동네에 아는 사람이 하나도 없어요",
    "주말 내내 혼자 있었더니 좀 외롭네", "다들 잘 사는 것 같은데 나만 제자리인 것 같아", "요즘 뭘 해도 재미가 없어요",
    "면접에서 떨어졌다는 문자를 받았어요", "전 여친한테 연락이 왔는데 어떻게 해야 할지 모르겠어",
    "선배가 회식 자리에서 내 외모 얘기를 했어요 불쾌했어요", "룸메가 새벽마다 게임해서 시끄러워", "이직한 회사가 생각보다 너무 별로예요",
    "아이가 학교 가기 싫다고 울어요", "시어머니가 전화로 또 잔소리하셨어요", "남편이 집안일을 하나도 안 도와줘요",
    "단톡방에서 내 말만 다 읽씹해", "중간고사 성적이 생각보다 잘 나왔어요!", "드디어 다이어트 5킬로 뺐어 ㅎㅎ",
    "오늘 처음으로 요리해서 가족들이랑 먹었어요", "안녕~ 나 왔어", "안녕하세요 오랜만에 들어왔어요", "고마워 덕분에 힘이 났어",
    "이제 자야겠다 잘 자", "너는 어떻게 만들어졌어?", "너 진짜 사람 아니야?", "내가 쓴 얘기 누가 볼 수 있어?",
    "대화 내용 삭제하고 싶어요", "오늘 점심 뭐 먹지", "요즘 볼 만한 드라마 있어?", "날씨가 너무 추워졌어요",
    "스트레스 풀 때 좋은 방법 있을까요?", "친구랑 싸웠는데 먼저 사과해야 할까요?", "상담받으려면 돈이 많이 드나요?",
    "자존감이 너무 낮아요 어떻게 하면 높일 수 있을까요", "요즘 집중이 하나도 안 돼요", "진짜 아무것도 하기 싫다",
    "연락하면 맨날 바쁘대 근데 인스타엔 놀러 간 사진 올라와", "그냥 다 귀찮아 ㅋㅋ", "오늘 상사한테 칭찬받았어요!",
]

DIALOGUES = [
    ["요즘 회사 일이 너무 많아요", "특히 김대리가 자기 일을 저한테 다 넘겨요", "아까 말한 그 김대리가 오늘 또 일을 넘겼어요", "고마워요"],
    ["유학을 갈지 고민이에요", "부모님은 반대하세요", "그 얘기만 하면 분위기가 싸해져요", "전에 말한 유학 얘기요, 장학금 받게 됐어요!"],
    ["친구 수진이랑 크게 다퉜어", "수진이가 내 험담을 했대", "그 친구가 오늘 사과 문자를 보냈어", "어떻게 답해야 할까?"],
    ["집주인이 월세를 올린대요", "아까 그 월세 문제 때문에 잠이 안 와요", "그냥 들어줘서 고마워요 안녕히 주무세요"],
]


@pytest.fixture(scope="module")
def generator():
    return OfflineGenerator()


@pytest.fixture(scope="module")
def styled():
    from serving.personas import load_personas
    from serving.style import get_engine

    personas, engine = load_personas(), get_engine("rules")
    voices = {pid: personas.get(pid) for pid in ("counselor", "friend")}

    def style(reply: str, persona: str, context: TurnContext) -> str:
        return " ".join(engine.rewrite([s], voices[persona], context=context)[0]
                        for s in _SENTENCES.split(reply) if s.strip())
    return style


def _converse(generator, users):
    messages, replies, contexts = [], [], []
    for text in users:
        messages.append({"role": "user", "content": text})
        emotion = classify(text).label
        context = TurnContext(act=classify_act(text).act, emotion=emotion, safety="none")
        reply = generator.choose(GenerationRequest(list(messages), emotion=emotion, context=context,
                                                   avoid=list(replies)))
        replies.append(reply)
        contexts.append(context)
        messages.append({"role": "assistant", "content": reply})
    return replies, contexts


@pytest.fixture(scope="module")
def turns(generator):
    out = []  # (users so far, reply, context)
    for users in [[p] for p in PROMPTS] + DIALOGUES:
        replies, contexts = _converse(generator, users)
        out += [(users[:i + 1], reply, context) for i, (reply, context) in enumerate(zip(replies, contexts))]
    return out


def test_enough_varied_turns(turns):
    assert len(turns) >= 60
    assert len({reply.split(". ")[0] for _, reply, _ in turns}) >= 0.5 * len(turns)


def test_every_sentence_is_whole_in_every_voice(turns, styled):
    for users, reply, context in turns:
        assert fragments(reply) == [], (users, reply)
        for persona in ("counselor", "friend"):
            voiced = styled(reply, persona, context)
            assert fragments(voiced) == [], (users, persona, voiced)


def test_nothing_is_invented(turns):
    for users, reply, _ in turns:
        assert invented_nouns(users, reply) == [], (users, reply)


def test_the_clause_is_said_back_rarely(turns):
    said_back = [(users[-1], reply) for users, reply, _ in turns if restates(users[-1], _SENTENCES.split(reply)[0])]
    assert len(said_back) <= 0.15 * len(turns), said_back


@pytest.mark.parametrize("text", ["상사가 회의 시간에 내 아이디어를 자기 거처럼 말했어요", "동생이 교통사고를 당해서 입원했어요",
                                  "아빠가 술만 마시면 소리를 질러요", "카페 알바하는데 손님이 반말하고 컵을 던졌어요"])
def test_a_third_persons_event_is_not_said_back_whole(generator, text):
    replies, _ = _converse(generator, [text])
    first = _SENTENCES.split(replies[0])[0]
    assert not restates(text, first), replies[0]


def test_fragment_checker_finds_what_it_should():
    """The checker itself, on sentences we know are broken or whole."""
    assert fragments("라는 말에 속상함이 묻어나요.")
    assert fragments("'아무것도 아닌 사람이라는 말이 참 아프게 들려요.")
    assert fragments("많이 힘드셨겠어요 그런 마음이 드는 건 자연스러워요.")
    assert not fragments("안녕하세요, 반가워요. 그 걱정이 들 때 몸이나 마음은 어떤가요?")
    assert not fragments("마음이 가라앉은 뒤에 '나는 이럴 때 이렇게 느껴'처럼 말해 보는 것도 방법이에요.")
