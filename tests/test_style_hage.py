"""Issue 12, round 4: the king speaks 하게체 (declared and rendered), seonbi 하오체; shared
conversion faults found on new sentences; pain without a pain word stays undecorated.

Every sentence here was written for this round (none comes from the review sets)."""

from __future__ import annotations

import pytest

from serving.personas.registry import load_personas
from serving.style.clip import clip
from serving.style.decorate import playful_added
from serving.style.distress import about_pain
from serving.style.levels import SpeechLevel
from serving.style.rules import RulesEngine
from serving.style.sentences import split_sentences
from serving.style.speech_levels import convert_speech_level

HAE, HAO, HAGE, HAPSYO = SpeechLevel.HAE, SpeechLevel.HAO, SpeechLevel.HAGE, SpeechLevel.HAPSYO


@pytest.fixture(scope="module")
def personas():
    return load_personas()


@pytest.mark.parametrize("source, hage", [
    ("오늘 무슨 일이 있었는지 궁금해요.", "오늘 무슨 일이 있었는지 궁금하네."),
    ("편하게 말씀해 주세요.", "편하게 말해 주게."),
    ("우리 같이 천천히 생각해 봐요.", "우리 같이 천천히 생각해 보세."),
    ("그건 당신 탓이 아니에요.", "그건 그대 탓이 아닐세."),
    ("지금 기분은 좀 어떠세요?", "지금 기분은 좀 어떤가?"),
    ("제가 곁에 있을게요.", "내가 곁에 있겠네."),
    ("조금씩 나아질 거예요.", "조금씩 나아질 걸세."),
    ("잘 버티고 계시잖아요.", "잘 버티고 있지 않은가."),
    ("그럴 땐 쉬어야죠.", "그럴 땐 쉬어야 하네."),
    ("좋아하시는 음악을 들으면 좀 나아지더라고요.", "좋아하는 음악을 들으면 좀 나아지더군."),
    ("많이 속상하셨다고요?", "많이 속상했다고 했는가?"),
    ("힘드셨으니까요.", "힘들었으니 말일세."),
    ("안녕하세요, 오랜만이에요.", "안녕한가, 오랜만일세."),
    ("네, 그렇게 해 보세요.", "그렇네, 그렇게 해 보게."),
    ("어머니께서 편찮으시다니 걱정되시겠어요.", "어머니께서 편찮으시다니 걱정되겠네."),
])
def test_hage_renders_every_predicate(source, hage):
    assert convert_speech_level(source, HAGE) == hage


def test_hage_is_a_declared_level_the_king_uses(personas):
    assert SpeechLevel.parse("하게체") is HAGE and SpeechLevel.parse("hage") is HAGE
    king, seonbi = personas.get("king"), personas.get("seonbi")
    assert king.style.speech_level is HAGE and seonbi.style.speech_level is HAO
    # the king's own examples are what the engine says
    engine = RulesEngine(seed=0)
    for example in king.examples:
        assert engine.rewrite_one(example.neutral, king) == example.persona


def test_king_and_seonbi_differ_on_ordinary_sentences(personas):
    engine = RulesEngine(seed=0)
    sentences = ["요즘 어떻게 지내세요?", "그 일은 정말 속상하셨겠어요.", "천천히 말씀해 주세요.",
                 "제가 끝까지 들을게요.", "오늘은 푹 쉬는 게 좋겠어요.", "같이 방법을 찾아봐요.",
                 "그 마음 충분히 이해해요.", "지금은 괜찮으신가요?"]
    same = 0
    for s in sentences:
        king = engine.rewrite_one(s, personas.get("king")).replace("짐", "X")
        seonbi = engine.rewrite_one(s, personas.get("seonbi")).replace("소생", "X")
        same += king.strip("!.?… ") == seonbi.strip("!.?… ").removeprefix("허허, ").removeprefix("음, ")
    assert same == 0


@pytest.mark.parametrize("source, hae", [
    ("매일 혼자 밥을 드신다고요?", "매일 혼자 밥을 먹는다고?"),                    # 다고요 echoes
    ("저라도 그 말을 들으면 서운했을 거예요.", "나라도 그 말을 들으면 서운했을 거야."),  # 저라도
    ("선생님께서 그렇게 말씀하셨다니 속상하셨겠어요.", "선생님께서 그렇게 말씀하셨다니 속상했겠어."),
    ("어머니께서 이사 가신다는 게 많이 서운하시겠어요.", "어머니께서 이사 가신다는 게 많이 서운하겠어."),
    ("나중에 또 이야기해요.", "나중에 또 이야기하자."),                           # let's, not a statement
    ("다 제 잘못이에요, 라고 하셨죠.", "다 제 잘못이에요, 라고 했지."),              # a quote without marks
    ("친구분이 그러셨대요.", "친구분이 그랬대."),                                 # not 그렀대
    ("다들 그러니까요.", "다들 그러니까."),
])
def test_shared_conversions(source, hae):
    assert convert_speech_level(source, HAE) == hae


def test_echo_stays_polite_in_formal_speech():
    assert convert_speech_level("혼자 우셨다고요.", HAPSYO) == "혼자 우셨다고요."
    assert convert_speech_level("혼자 우셨다고요.", HAO) == "혼자 울었다고 했소."


def test_thanks_and_guesses_are_not_told_as_known_facts():
    assert convert_speech_level("와 주셔서 고마워요.", HAE, tail="지") == "와 줘서 고마워."
    assert convert_speech_level("축하드려요.", HAE, tail="지") == "축하해."
    assert convert_speech_level("많이 지치셨겠어요.", HAE, tail="다네") == "많이 지쳤겠어."
    assert convert_speech_level("이제 다 괜찮아요.", HAE, tail="다니깐") == "이제 다 괜찮다니깐."


def test_android_keeps_an_honoured_verb_and_spells_the_plain_one():
    assert clip("지금 계신 집은 따뜻해요?") == "지금. 있는 집. 따뜻한가?"
    assert "계신다는" in clip("할머니가 이제 곁에 안 계신다는 게 믿기지 않으시죠.")


PAIN_WITHOUT_A_PAIN_WORD = [
    "혹시 지금 머무는 곳이 안전한지 여쭤봐도 될까요?",
    "그분이 술만 마시면 소리를 지른다고 하셨죠.",
    "형이 또 손을 댔다면 혼자 참지 않으셔도 돼요.",
    "이제 할아버지가 안 계셔서 명절이 다르게 느껴지시겠어요.",
    "요즘 밤마다 잠을 못 주무신다고 하셨죠.",
    "지난주에 받은 검사 결과가 마음에 걸리시죠?",
    "저는 왜 이렇게 못났을까 하는 생각이 드셨군요.",
    "어머님이 돌아가신 지 벌써 일 년이 되었네요.",
    "숨이 잘 안 쉬어지면 잠시 앉아서 쉬세요.",
    "제가 늘 모자란 사람 같다고 느끼시는군요.",
]


@pytest.mark.parametrize("sentence", PAIN_WITHOUT_A_PAIN_WORD)
def test_pain_without_a_pain_word_is_not_decorated(personas, sentence):
    assert about_pain(sentence)
    for persona in personas.all():
        for seed in range(3):
            out = RulesEngine(seed=seed).rewrite_one(sentence, persona)
            assert not playful_added(sentence, out), (persona.id, out)
            assert not out.startswith(("허허", "그럼그럼", "그래그래", "웅", "우와", "아이고", "에이", "아유")), (persona.id, out)


@pytest.mark.parametrize("sentence", ["오늘 날씨가 참 좋네요.", "새로 산 운동화는 편하세요?",
                                      "천천히 숨을 한 번 크게 쉬어 보세요.", "주말에 친구랑 영화를 보셨군요."])
def test_light_sentences_are_not_read_as_pain(sentence):
    assert not about_pain(sentence)


def test_king_speaks_hage_sentence_by_sentence(personas):
    line = "그러셨군요. 제가 곁에 있을게요."
    out = [RulesEngine(seed=0).rewrite_one(s, personas.get("king"), i) for i, s in enumerate(split_sentences(line))]
    assert out == ["그랬네.", "짐이 곁에 있겠네."]


@pytest.mark.parametrize("source, hage", [
    ("우리 같이 밥 먹어요.", "우리 같이 밥 먹으세."),
    ("같이 천천히 걸어요.", "같이 천천히 걸으세."),
    ("그 계획 정말 멋진데요?", "그 계획 정말 멋지네?"),      # admiring, not asking
    ("어디 가시는데요?", "어디 가는가?"),
    ("그동안 고생 많으셨어요.", "그동안 고생 많았네."),        # the past is noted, not told (-다네)
    ("그런 날은 누구에게나 있어요.", "그런 날은 누구에게나 있다네."),
    ("정말 대단하세요.", "정말 대단하네."),
])
def test_hage_forms(source, hage):
    assert convert_speech_level(source, HAGE) == hage


def test_no_agreement_interjection_before_a_request(personas):
    from serving.style.decorate import _prefix_fits
    assert not _prefix_fits("그럼그럼,", "도울 게 있으면 말해 줘.", "도울 게 있으면 말씀해 주세요.")
    assert not _prefix_fits("그래그래,", "다음에 또 이야기하자.", "다음에 또 이야기해요.")
    assert _prefix_fits("그럼그럼,", "그 마음 충분히 이해해.", "그 마음 충분히 이해해요.")
    assert _prefix_fits("허허,", "도울 게 있으면 말해 줘.", "도울 게 있으면 말씀해 주세요.")


def test_android_keeps_quoted_words_whole_and_clips_the_rest():
    # android declares 음슴체 (round 4): the quote is copied as written, the rest clipped, no 합쇼체
    assert clip("\"괜찮아\"라는 말이 듣고 싶으셨군요.") == "\"괜찮아\"라는 말. 듣고 싶었음."
    assert clip("다 제 잘못이에요, 라고 하셨죠.") == "다 제 잘못이에요, 라고 했음."


@pytest.mark.parametrize("source, hae", [
    ("오늘은 제가 먼저 여쭤봐도 될까요?", "오늘은 내가 먼저 물어봐도 될까?"),   # humble verbs for the listener go
    ("다음에 또 뵐게요.", "다음에 또 볼게."),
    ("선생님께 여쭤보셨어요?", "선생님께 여쭤봤어?"),                        # for an honoured person they stay
    ("제가 드린 말씀이 부담이 되셨다면 미안해요.", "내가 한 말이 부담이 됐다면 미안해."),  # 말씀 is said, not given
    ("솔직한 말씀을 드리자면 걱정돼요.", "솔직한 말을 하자면 걱정돼."),
])
def test_humble_speech_follows_the_level(source, hae):
    assert convert_speech_level(source, HAE) == hae


def test_android_clips_every_predicate_but_keeps_greetings():
    assert clip("생일 축하드려요, 오늘 하루 즐겁게 보내세요!") == "생일. 축하 드림. 오늘. 하루. 즐겁게. 보내기. 권장."
    assert clip("안녕하세요, 다시 와 주셔서 반가워요.").startswith("안녕하십니까")


@pytest.mark.parametrize("source, hapsyo, hage", [
    ("내일도 기분이 가라앉아 있으면 다시 이야기해 줘요.", "내일도 기분이 가라앉아 있으면 다시 이야기해 주십시오.",
     "내일도 기분이 가라앉아 있으면 다시 이야기해 주게."),
    ("친구가 늘 옆에서 도와줘요.", "친구가 늘 옆에서 도와줍니다.", "친구가 늘 옆에서 도와준다네."),  # someone else: states
])
def test_a_request_with_juda_is_a_request(source, hapsyo, hage):
    assert convert_speech_level(source, HAPSYO) == hapsyo
    assert convert_speech_level(source, HAGE) == hage


@pytest.mark.parametrize("sentence", ["혹시 요즘 밥은 잘 챙겨 드세요?", "혹시 주변에 믿을 만한 분이 계신가요?",
                                      "작년에 어머니를 먼저 보내셨다고 하셨죠.", "강아지를 떠나보내고 많이 허전하시죠."])
def test_careful_checks_and_farewells_stay_plain(personas, sentence):
    for persona in personas.all():
        out = RulesEngine(seed=0).rewrite_one(sentence, persona)
        assert not playful_added(sentence, out), (persona.id, out)


@pytest.mark.parametrize("source, levels", [
    ("너무 자책하지 말아요.", ("너무 자책하지 마.", "너무 자책하지 마십시오.", "너무 자책하지 마시오.", "너무 자책하지 말게.")),
    ("요즘 고민이 뭐예요?", ("요즘 고민이 뭐야?", "요즘 고민이 무엇입니까?", "요즘 고민이 무엇이오?", "요즘 고민이 무엇인가?")),
])
def test_dont_and_what_at_every_level(source, levels):
    assert tuple(convert_speech_level(source, lv) for lv in (HAE, HAPSYO, HAO, HAGE)) == levels
