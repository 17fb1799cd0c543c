"""The self-check re-reads each rule output with Kiwi; a broken or half-converted output is
not sent (RulesEngine falls back to the rendering without a tail, then to the source)."""

from __future__ import annotations

from pathlib import Path

import pytest

from serving.personas import load_personas
from serving.style.levels import SpeechLevel
from serving.style.rules import RulesEngine
from serving.style.selfcheck import problems
from serving.style.speech_levels import convert_speech_level

REPO = Path(__file__).resolve().parent.parent
HAE, HAO, HAPSYO = SpeechLevel.HAE, SpeechLevel.HAO, SpeechLevel.HAPSYO


@pytest.mark.parametrize("source, broken, problem", [
    # outputs the engine really wrote before the conjugation fixes (blind review, round 2)
    ("어려우시면 말씀해 주세요.", "어렵면 말해 줘.", "broken word"),
    ("추우시면 창문을 닫으세요.", "춥면 창문을 닫아.", "broken word"),
    ("소식을 들으시면 알려 주세요.", "소식을 듣면 알려 줘.", "broken word"),
    ("괜찮으시면 와 주세요.", "괜찮면 와 줘.", "broken word"),
    ("시간이 있으신데 왜 안 하세요?", "시간이 있은데 왜 안 해?", "broken ending"),
    ("여유가 없으신데도 잘 버티셨어요.", "여유가 없은데도 잘 버텼어.", "broken ending"),
    ("축하드려요.", "축하줘.", "humble verb lost"),
    ("힘들 때 항상 여기 있을게요, 걱정 마세요.", "힘들 때 항상 여기 있을게요, 걱정 마.", "mixed level"),
    ("그건 당연한 거라니까요, 걱정 마세요.", "그건 당연한 거라니까요, 걱정 마.", "mixed level"),
])
def test_broken_outputs_are_found(source, broken, problem):
    assert problem in problems(source, broken, HAE)


def test_the_conversion_sets_pass_the_self_check():
    """No false alarms on the engine's outputs for both speech-level sets (all three levels)."""
    sources = []
    for name in ("style_levels.tsv", "style_levels_holdout.tsv"):
        lines = (REPO / "data" / name).read_text(encoding="utf-8").splitlines()
        sources += [line.split("\t")[0] for line in lines[1:] if line and not line.startswith("#")]
    assert len(sources) > 250
    flagged = [(s, level, convert_speech_level(s, level)) for s in sources for level in (HAE, HAPSYO, HAO)
               if problems(s, convert_speech_level(s, level), level)]
    assert flagged == []


def test_typos_in_the_source_are_not_the_engines_fault():
    assert problems("어렵면 말씀해 주세요.", "어렵면 말해 줘.", HAE) == []


def test_engine_keeps_the_source_rather_than_a_half_converted_sentence():
    friend = load_personas(REPO / "personas").get("friend")
    source = "그건 당연한 거라니까요, 걱정 마세요."
    trace: list = []
    out = RulesEngine(seed=0).rewrite_one(source, friend, trace=trace)
    assert out.startswith("그건 당연한 거라니까요, 걱정 마세요")
    assert any(rule.startswith("self-check: mixed level") for rule, _before, _after in trace)
    # a sentence the rules handle whole still converts
    assert RulesEngine(seed=0).rewrite_one("제가 그랬으니까요, 괜찮아요.", friend).startswith("내가 그랬으니까, 괜찮아")
