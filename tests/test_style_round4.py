"""Round 4 of issue 12: what the personas declare is what they write, and the failure
classes of the fourth blind review, each tested with sentences written for these tests
(none from a review set)."""

from __future__ import annotations

import pytest

from serving.personas.registry import load_personas
from maeum.paths import bundled_personas_dir
from serving.style.clip import clip
from serving.style.levels import SpeechLevel
from serving.style.rules import RulesEngine
from serving.style.selfcheck import problems
from serving.style.speech_levels import convert_speech_level

HAE, HAO, HAGE, HAPSYO = SpeechLevel.HAE, SpeechLevel.HAO, SpeechLevel.HAGE, SpeechLevel.HAPSYO


@pytest.fixture(scope="module")
def personas():
    return load_personas(bundled_personas_dir())


def test_android_declares_the_telegraphic_speech_it_writes(personas):
    android = personas.get("android")
    assert android.style.speech_level is SpeechLevel.EUM
    assert SpeechLevel.parse("clipped") is SpeechLevel.EUM
    source = "산책을 다녀오시니 기분이 조금 나아지셨군요."
    out = RulesEngine().rewrite_one(source, android)
    assert out.endswith("나아졌음.") and "셨" not in out
    assert convert_speech_level(source, SpeechLevel.EUM) == clip(source)


@pytest.mark.parametrize("source, level, expected", [
    ("아버님께서 입원하신 지 며칠 되셨어요?", HAE, "아버님께서 입원하신 지 며칠 됐어?"),     # -ㄴ 지 ends the honoured clause
    ("이모님께서 떠나신 지 얼마나 지나셨어요?", HAGE, "이모님께서 떠나신 지 얼마나 지났는가?"),
    ("그래도 표정이 한결 밝아 보이시는데요?", HAO, "그래도 표정이 한결 밝아 보이오?"),       # EC + 요 at the end
    ("그 정도면 충분할 텐데요.", HAE, "그 정도면 충분할 텐데."),
    ("그 정도면 충분할 텐데요.", HAGE, "그 정도면 충분할 터일세."),
    ("숙제는 다 끝냈고요.", HAO, "숙제는 다 끝냈소."),
    ("그러니까요, 많은 분들이 그렇게 말씀하세요.", HAE, "그러니까, 많은 분들이 그렇게 말씀하셔."),
    ("그게요, 저도 잘 모르겠어요.", HAE, "그게, 나도 잘 모르겠어."),
    ("제일 마음에 걸리시는 건데요?", HAE, "제일 마음에 걸리는 건데?"),
    ("당신 혼자 짊어질 짐이 아니에요.", HAE, "너 혼자 짊어질 짐이 아니야."),
])
def test_no_polite_ending_or_listener_honorific_left(source, level, expected):
    out = convert_speech_level(source, level)
    assert out == expected
    assert problems(source, out, level) == []


@pytest.mark.parametrize("source, hae, hage", [
    ("저와 함께 하나씩 정리해 봐요.", "나와 함께 하나씩 정리해 보자.", "나와 함께 하나씩 정리해 보세."),
    ("다음 시간에 그 얘기를 다시 해 봐요.", "다음 시간에 그 얘기를 다시 해 보자.", "다음 시간에 그 얘기를 다시 해 보세."),
    ("내일은 일찍 자 보기로 해요.", "내일은 일찍 자 보기로 하자.", "내일은 일찍 자 보기로 하세."),
])
def test_invitations_with_me_or_a_plan_are_suggestions(source, hae, hage):
    assert convert_speech_level(source, HAE) == hae
    assert convert_speech_level(source, HAGE) == hage


@pytest.mark.parametrize("source, level, tail, expected", [
    ("선배님께서 요즘 바쁘신가 봐요.", HAE, "다니깐", "선배님께서 요즘 바쁘신가 보다니깐"),   # 보다 after -ㄴ가 is adjectival
    ("선배님께서 요즘 바쁘신가 봐요.", HAGE, None, "선배님께서 요즘 바쁘신가 보네."),
    ("곧 괜찮아질 거예요.", HAE, "네", "곧 괜찮아질 거야."),                                  # no 거네 on a guess
    ("그건 당신 탓이 아니에요.", HAE, "네", "그건 네 탓이 아니야."),                           # no 아니네 on reassurance
    ("저도 그 얘기를 들으니 마음이 아파요.", HAE, "다네", "나도 그 얘기를 들으니 마음이 아파."),   # a feeling is not told
    ("많이 서운하셨겠어요.", HAE, "다", "많이 서운했겠다."),
    ("와 줘서 고마워요.", HAE, "다", "와 줘서 고맙다."),
    ("그건 흔한 일이에요.", HAE, "다", "그건 흔한 일이야."),                                   # no 일이다 (narration)
])
def test_tails_read_the_predicate(source, level, tail, expected):
    assert convert_speech_level(source, level, tail=tail).rstrip(".") == expected.rstrip(".")


@pytest.mark.parametrize("persona_id", ["enfp", "naruto", "azae", "emoticon", "seonbi", "grandpa", "sosim"])
@pytest.mark.parametrize("source", [
    "사는 게 아무 의미가 없다고 하셨죠.",
    "그만 살고 싶다는 마음까지 드셨군요.",
    "누구도 당신을 때리거나 맞아도 되는 이유는 없어요.",
    "믿을 수 있는 선생님께 꼭 알려 주세요.",
    "면접 결과 때문에 마음이 많이 불편하시겠어요.",
])
def test_risk_lines_stay_plain(personas, persona_id, source):
    out = RulesEngine().rewrite_one(source, personas.get(persona_id))
    for playful in ("!", "~", "ㅎㅎ", "♡", "✨", "허허", "그럼그럼", "그래그래", "웅", "우와", "다니깐", "(", "완전", "넘 "):
        assert playful not in out, (persona_id, out)


def test_persona_pronouns_stay_off_the_users_reported_thought(personas):
    king, seonbi = personas.get("king"), personas.get("seonbi")
    source = "다 제 책임이라고 생각하실 때가 있으신가요?"
    assert "짐" not in RulesEngine().rewrite_one(source, king)
    assert "소생" not in RulesEngine().rewrite_one(source, seonbi)
    assert RulesEngine().rewrite_one("저와 같이 천천히 걸어 봐요.", king).startswith("짐과 같이")


def test_enfp_and_friend_differ_on_calm_lines(personas):
    enfp, friend = personas.get("enfp"), personas.get("friend")
    calm = ["그동안 많이 외로우셨겠어요.", "이별 뒤에는 누구라도 허전하겠어요.", "혼자 버티느라 힘드셨겠어요."]
    engine = RulesEngine()
    differ = sum(engine.rewrite_one(s, enfp) != engine.rewrite_one(s, friend) for s in calm)
    assert differ == len(calm)


@pytest.mark.parametrize("source, level, expected", [
    ("이미 충분히 노력하셨잖아요.", HAGE, "이미 충분히 노력하지 않았는가."),      # the past goes on 않
    ("이미 충분히 노력하셨잖아요.", HAO, "이미 충분히 노력하지 않았소."),
    ("이미 충분히 노력하셨잖아요.", HAPSYO, "이미 충분히 노력하지 않으셨습니까."),
    ("오늘 컨디션은 몇 퍼센트 정도일까요?", HAGE, "오늘 컨디션은 몇 퍼센트 정도인가?"),
    ("오늘 컨디션은 몇 퍼센트 정도일까요?", HAO, "오늘 컨디션은 몇 퍼센트 정도이오?"),
    ("발표 때문에 긴장하신 거군요.", HAO, "발표 때문에 긴장한 것이구려."),
    ("집에 가서 그 노래를 한번 들어 보시겠어요?", HAE, "집에 가서 그 노래를 한번 들어 볼래?"),   # a request
    ("어떤 점이 제일 어려우시겠어요?", HAE, "어떤 점이 제일 어렵겠어?"),                  # an adjective: a guess
])
def test_round4_conjugation(source, level, expected):
    assert convert_speech_level(source, level) == expected


def test_king_says_his_feelings_with_ne(personas):
    out = RulesEngine().rewrite_one("그 이야기를 들으니 저도 마음이 아파요.", personas.get("king"))
    assert out.endswith("마음이 아프네.")


def test_no_second_opener_before_a_sentence_that_has_one(personas):
    azae = personas.get("azae")
    for seed in range(12):
        out = RulesEngine(seed=seed).rewrite_one("저기요, 그 일은 이제 지나간 일이에요.", azae)
        assert out.startswith("저기,"), out


@pytest.mark.parametrize("source, expected", [
    ("다 제 책임이라고 생각하실 때가 있으신가요?", "다. 자기. 책임이라고. 생각할 때. 있는가?"),  # the user's thought
    ("저기요, 오늘은 조금 쉬셨어요?", "저기. 오늘. 조금. 쉬었는가?"),
    ("잠깐 산책하고 올래요?", "잠깐. 산책하고. 올 것인가?"),
])
def test_android_clips_round4(source, expected):
    assert clip(source) == expected
