"""Decoration reads the room (blind review, round 2: 17 of 216 risk/grief outputs decorated):
pain is found by its lemma (힘든, 아픈, 다친, 우는 are 힘들다, 아프다, 다치다, 울다), a heavy feeling
in the turn context calms the whole reply, and a final sentence-level check removes anything
playful a persona's words or marks added to a painful sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from serving.personas import load_personas
from serving.style.decorate import is_distress, playful_added
from serving.style.rules import RulesEngine
from serving.turn_context import TurnContext

REPO = Path(__file__).resolve().parent.parent

# Inflected forms the old substring list missed (힘든 ≠ 힘드, 아픈 ≠ 아프, 우는 ≠ 울고 ...).
INFLECTED_PAIN = ["힘든 시간을 혼자 보내셨네요.", "아픈 곳은 좀 괜찮아지셨어요?", "슬픈 일이 한꺼번에 몰려왔군요.",
                  "많이 우셨겠어요.", "넘어져서 크게 다치셨군요.", "강아지가 하늘나라로 간 지 일주일이 됐네요.",
                  "친구와 크게 싸우셔서 마음이 무거우시겠어요.", "이혼 후에 혼자 지내시는 게 쉽지 않죠?",
                  "회사에서 해고를 당하셨군요.", "따돌림을 당하는 건 정말 괴로운 일이에요."]
LIGHT = ["오늘 산책을 다녀왔어요.", "주말에 친구를 만나서 맛있는 걸 먹었어요.", "시험에 합격하셨다니 축하해요!"]


@pytest.fixture(scope="module")
def personas():
    return load_personas(REPO / "personas")


@pytest.mark.parametrize("sentence", INFLECTED_PAIN)
def test_inflected_pain_is_pain(sentence):
    assert is_distress(sentence)


@pytest.mark.parametrize("sentence", LIGHT)
def test_light_sentences_are_not_pain(sentence):
    assert not is_distress(sentence)


@pytest.mark.parametrize("sentence", INFLECTED_PAIN)
def test_no_playful_piece_on_inflected_pain(personas, sentence):
    outputs = [(p.id, RulesEngine(seed=seed).rewrite_one(sentence, p)) for seed in range(6) for p in personas.all()]
    assert [(pid, out) for pid, out in outputs if playful_added(sentence, out)] == []


def test_a_heavy_feeling_in_the_turn_calms_every_sentence(personas):
    sad = TurnContext(emotion="슬픔", act="venting")
    decorated_without = 0
    for seed in range(8):
        engine = RulesEngine(seed=seed)
        for pid in ("enfp", "emoticon", "azae", "grandpa", "seonbi"):
            persona = personas.get(pid)
            sentence = "오늘 산책을 다녀왔어요."
            assert playful_added(sentence, engine.rewrite([sentence], persona, context=sad)[0]) == [], pid
            decorated_without += bool(playful_added(sentence, engine.rewrite([sentence], persona)[0]))
    assert decorated_without > 0  # the same sentence is decorated in a light turn


def test_playful_added_sees_emoji_emoticons_laughter_and_marks():
    assert playful_added("힘드셨죠.", "힘들었지 (っ˘ω˘ς ) ✨ ㅎㅎ!") == ["(っ˘ω˘ς )", "✨", "ㅎㅎ", "!"]
    assert playful_added("정말 잘하셨어요!", "정말 잘했어!") == []
    assert playful_added("(괄호 안) 글이에요.", "(괄호 안) 글이야.") == []


def test_the_final_check_removes_what_a_persona_word_adds(personas):
    """A persona whose substitution adds laughter to a painful sentence: the check takes it off."""
    azae = personas.get("azae")
    playful = azae.model_copy(update={"style": azae.style.model_copy(
        update={"substitutions": {**azae.style.substitutions, "정말": "진짜 ㅋㅋ"}})})
    trace: list = []
    out = RulesEngine(seed=0).rewrite_one("정말 힘드셨겠어요.", playful, trace=trace)
    assert "ㅋㅋ" not in out and "힘들었겠" in out
    assert any(rule.startswith("calm check") for rule, _b, _a in trace)


def test_register_tails_stay_on_grief_but_never_on_risk(personas):
    """구먼 is how the grandfather talks, not play: it may stay on a sad line, never on a
    line about self-harm, and nothing but the level stays in the care state."""
    grandpa = personas.get("grandpa")
    sad = "할머니가 돌아가신 뒤로 많이 힘드셨겠어요."
    risky = "요즘 너무 외롭고 죽고 싶다는 생각이 드는군요."
    sad_out = {RulesEngine(seed=s).rewrite_one(sad, grandpa) for s in range(20)}
    assert any("구먼" in out for out in sad_out) and all(playful_added(sad, o) == [] for o in sad_out)
    assert all("구먼" not in RulesEngine(seed=s).rewrite_one(risky, grandpa) for s in range(20))
    care = TurnContext(care=True)
    assert all("구먼" not in RulesEngine(seed=s).rewrite([sad], grandpa, context=care)[0] for s in range(20))


def test_no_tail_on_self_criticism_and_no_discovery_on_reassurance(personas):
    grandpa = personas.get("grandpa")
    for seed in range(12):
        engine = RulesEngine(seed=seed)
        assert "구먼" not in engine.rewrite_one("저는 제가 아무 쓸모도 없는 사람처럼 느껴져요.", grandpa)
        assert "구먼" not in engine.rewrite_one("그 사람이 그렇게 말한 건 당신 탓이 아니에요.", grandpa)


def test_disappointment_is_pain_and_a_greeting_fragment_gets_no_decoration(personas):
    enfp = personas.get("enfp")
    sentence = "시험 결과가 기대만큼 나오지 않아서 실망하셨군요."
    assert is_distress(sentence)
    for seed in range(12):
        engine = RulesEngine(seed=seed)
        assert playful_added(sentence, engine.rewrite_one(sentence, enfp)) == []
        assert engine.rewrite_one("안녕하세요,", enfp) == "안녕,"
