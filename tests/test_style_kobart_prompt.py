"""The prompt engine: persona examples as few-shot turns in the model's own chat format."""

from __future__ import annotations

import pytest

from serving.style.checks import OutputCheck
from serving.style.prompt import PromptEngine, build_messages


@pytest.fixture(scope="module")
def seonbi():
    from serving.personas.registry import load_personas

    registry = load_personas()
    if "seonbi" not in registry:
        pytest.skip("no seonbi persona in personas/")
    return registry.get("seonbi")


@pytest.fixture(scope="module")
def engine(tiny_models):
    e = PromptEngine(tiny_models["llama"], max_new_tokens=10, n_examples=3)
    assert e.load()
    return e


def test_prompt_holds_the_examples_and_ends_at_the_assistant_turn(engine, seonbi):
    system, messages = build_messages("오늘은 좀 피곤하네요.", seonbi, n_examples=3)
    assert seonbi.name in system and "하오체" in system
    assert messages[0] == {"role": "user", "content": seonbi.examples[0].neutral}
    assert messages[1] == {"role": "assistant", "content": seonbi.examples[0].persona}
    assert messages[-1] == {"role": "user", "content": "오늘은 좀 피곤하네요."} and len(messages) == 7
    ids = engine.prompts(["오늘은 좀 피곤하네요."], seonbi)[0]
    text = engine.tokenizer.decode(ids)
    assert engine.chat_format == "auto"  # the tiny tokenizer carries EEVE's template
    assert text.endswith("Assistant:\n") and seonbi.examples[0].persona in text


def test_batched_equals_one_by_one(engine, seonbi):
    sentences = ["안녕하세요.", "오늘은 좀 피곤하네요. 그래도 괜찮아요.", "네."]
    batched = engine.generate(sentences, seonbi)
    assert batched == [engine.generate([s], seonbi)[0] for s in sentences]


def test_rewrite_checks_outputs_and_falls_back_to_rules(engine, seonbi):
    from serving.style.rules import RulesEngine

    sentences = ["힘들 땐 109에 전화하세요.", "", "오늘은 좀 피곤하네요."]
    out = engine.rewrite(sentences, seonbi)
    assert len(out) == 3 and out[1] == ""
    # The random tiny Llama cannot keep "109": that sentence must come from the rule engine.
    assert any(fb.index == 0 for fb in engine.last_fallbacks)
    assert out[0] == RulesEngine(seed=0).rewrite([sentences[0]], seonbi)[0]
    # With permissive checks the model's own text is used.
    loose = PromptEngine(model=engine.model, tokenizer=engine.tokenizer, max_new_tokens=10, n_examples=3,
                         check=OutputCheck(0.0, 1000, check_numbers=False, check_names=False,
                                           min_content_overlap=0.0))
    kept = loose.rewrite(["오늘은 좀 피곤하네요."], seonbi)
    assert kept == loose.generate(["오늘은 좀 피곤하네요."], seonbi) or loose.last_fallbacks


def test_missing_model_falls_back(tmp_path, seonbi):
    from serving.style.rules import RulesEngine

    e = PromptEngine(tmp_path / "none")
    assert e.rewrite(["오늘은 좀 피곤하네요."], seonbi) == RulesEngine(seed=0).rewrite(["오늘은 좀 피곤하네요."], seonbi)
    assert "not found" in e.last_fallbacks[0].reason


def test_prompt_engine_in_the_harness(engine, shared_data, tmp_path):
    from training.evaluation.style.harness import evaluate_engine

    result = evaluate_engine(engine, shared_data / "smilestyle" / "smilestyle_train.tsv", tmp_path,
                             target_styles=["seonbi"], limit_per_style=3, quiet=True)
    assert result["engine"] == "prompt" and result["overall"]["n"] == 3
    assert result["overall"]["fallback_rate"] is not None
