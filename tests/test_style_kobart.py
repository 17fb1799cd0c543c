"""The learned style engine: training format and masking, a tiny training run (loss down,
resume, run card), batched = one-by-one generation, and every fallback path."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import torch

from serving.style.checks import OutputCheck
from serving.style.kobart import (CONTEXT_TOKEN, KoBARTEngine, StyleModelMeta, add_control_tokens, control_token,
                                  encode_source, encode_target, load_kobart)
from training.style import PairDataset, StyleConfig, load_config, make_collator, training_arguments

SENTENCES = ["안녕하세요. 저는 고양이 6마리 키워요.", "오늘은 좀 피곤하네요.", "김민수 씨가 서울에서 왔어요.", "네."]


def persona(style="seonbi", pid="seonbi"):
    from serving.personas.registry import load_personas

    registry = load_personas()
    if pid in registry:
        return registry.get(pid)
    return SimpleNamespace(id=pid, name=pid, examples=[], style=SimpleNamespace(smilestyle=style, engine="kobart"))


@pytest.fixture(scope="module")
def tok_model(tiny_models):
    tok, model = load_kobart(str(tiny_models["bart"]))
    add_control_tokens(tok, model, ["seonbi", "king"], with_context=True)
    return tok, model


@pytest.fixture(scope="module")
def lively_engine(tiny_models):
    """A random tiny BART with large initial weights, so its outputs differ from input to input
    (the default init gives near-uniform logits and the same output for every sentence)."""
    from transformers import AutoConfig, BartForConditionalGeneration

    tok, _ = load_kobart(str(tiny_models["bart"]))
    config = AutoConfig.from_pretrained(tiny_models["bart"])
    config.init_std = 0.3
    torch.manual_seed(0)
    model = BartForConditionalGeneration(config)
    add_control_tokens(tok, model, ["seonbi", "king"], with_context=True)
    meta = StyleModelMeta(styles=["king", "seonbi"], with_context=True, max_source_length=64)
    return KoBARTEngine(model=model, tokenizer=tok, meta=meta, max_new_tokens=12)


def test_input_format_and_truncation(tok_model):
    tok, _ = tok_model
    ids = encode_source(tok, "안녕하세요.", "seonbi", context="이전 문장", max_length=64)
    assert ids[0] == tok.bos_token_id and ids[-1] == tok.eos_token_id
    assert ids[1] == tok.convert_tokens_to_ids(control_token("seonbi"))
    assert tok.convert_tokens_to_ids(CONTEXT_TOKEN) in ids
    # The context is cut before the sentence; the length limit always holds.
    long = encode_source(tok, "안녕하세요." * 5, "seonbi", context="아주 긴 이전 문장 " * 30, max_length=40)
    assert len(long) <= 40 and long[-1] == tok.eos_token_id
    body = tok("안녕하세요." * 5, add_special_tokens=False)["input_ids"]
    assert long[-1 - len(body):-1] == body
    assert encode_target(tok, "안녕하시오.", 64)[-1] == tok.eos_token_id


def test_labels_are_masked_with_minus_100(tok_model):
    tok, model = tok_model
    cfg = StyleConfig()
    pairs = [{"source": "안녕하세요.", "target": "안녕하시오. 반갑소이다, 그대여.", "target_style": "seonbi", "context": ""},
             {"source": "고양이 6마리를 키워요.", "target": "고양이를 키우오.", "target_style": "king",
              "context": "안녕하세요."}]
    ds = PairDataset(pairs, tok, cfg)
    batch = make_collator(tok, model)([ds[0], ds[1]])
    labels = batch["labels"]
    lengths = [len(ds[i]["labels"]) for i in range(2)]
    assert labels.shape[1] == max(lengths)
    short = lengths.index(min(lengths))
    # Padding in the labels is -100, never the pad id, so it never counts in the loss.
    assert (labels[short, min(lengths):] == -100).all()
    assert (labels[labels != -100] != tok.pad_token_id).all()
    assert int((labels != -100).sum()) == sum(lengths)
    # Inputs are padded with the pad id and masked out.
    assert (batch["input_ids"][batch["attention_mask"] == 0] == tok.pad_token_id).all()
    # Decoder inputs: </s> (KoBART's decoder start) then the labels shifted right.
    dec = batch["decoder_input_ids"]
    assert (dec[:, 0] == model.config.decoder_start_token_id).all()
    assert dec[0, 1:lengths[0]].tolist() == labels[0, :lengths[0] - 1].tolist()
    loss = model(**batch).loss
    assert torch.isfinite(loss)


def test_early_stopping_watches_validation_loss_lower_is_better(tmp_path):
    args = training_arguments(StyleConfig(), tmp_path, total_steps=100)
    assert args.metric_for_best_model == "eval_loss"
    assert args.greater_is_better is False
    assert args.load_best_model_at_end and args.save_steps == args.eval_steps
    assert args.predict_with_generate is False  # evaluation by generation happens once, via the harness


def test_config_errors_name_the_closest_key(tmp_path):
    from maeum.errors import ConfigError

    path = tmp_path / "c.yaml"
    path.write_text("model: tiny\ntrain:\n  learning_rat: 0.1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="learning_rate"):
        load_config(path)
    with pytest.raises(ConfigError, match="seonbi"):
        load_config(None, ["data.target_styles=[seonbj]"])
    cfg = load_config("training/configs/tiny_style.yaml", ["train.max_steps=5"])
    assert cfg.train.max_steps == 5 and cfg.model == "tiny"
    assert load_config("training/configs/kobart_style.yaml").model == "hyunwoongko/kobart"


@pytest.mark.slow
def test_tiny_training_loss_goes_down_resumes_and_writes_run_card(tiny_models, shared_data, tmp_path):
    from training.style import train_style

    out = tmp_path / "run"
    overrides = [f"model={tiny_models['bart']}", f"output_dir={out}", "data.target_styles=[seonbi, king]",
                 "data.max_train_pairs=96", "data.max_valid_pairs=16", "data.max_source_length=48",
                 "data.max_target_length=48", "train.batch_size=8", "train.learning_rate=0.003",
                 "train.max_steps=12", "train.eval_steps=6", "train.logging_steps=2", "train.warmup_ratio=0",
                 "generation.num_beams=1", "generation.max_new_tokens=8", "eval.max_sentences_per_style=3"]
    first = train_style(load_config("training/configs/tiny_style.yaml", overrides + ["eval.enabled=false"]))
    assert first["global_step"] == 12
    history = json.loads((out / "log_history.json").read_text())
    losses = [h["loss"] for h in history if "loss" in h]
    assert losses[-1] < losses[0] - 0.5, losses

    # Resume from the last checkpoint and train further.
    second = train_style(load_config("training/configs/tiny_style.yaml", overrides + ["train.max_steps=18"]),
                         resume=True)
    assert second["resumed_from"].endswith("checkpoint-12") and second["global_step"] == 18
    final = out / "final"
    meta = json.loads((final / "maeum_style.json").read_text())
    assert meta["styles"] == ["king", "seonbi"] and meta["with_context"] is True
    assert (out / "loss.png").stat().st_size > 0
    card = (out / "RUN_CARD.md").read_text()
    assert "best validation loss" in card and "Evaluation by generation" in card
    results = json.loads((out / "eval" / "results.json").read_text())
    assert results["engine"] == "kobart" and set(results["overall"]) >= {"style_acc", "chrf", "J"}
    # The checkpoint serves: the engine loads it from disk and answers every sentence.
    engine = KoBARTEngine(final, num_beams=1, max_new_tokens=8)
    assert len(engine.rewrite(SENTENCES, persona())) == len(SENTENCES)


def test_refuses_to_overwrite_checkpoints_without_resume(tmp_path):
    from maeum.errors import MaeumError
    from training.style import train_style

    (tmp_path / "checkpoint-5").mkdir()
    with pytest.raises(MaeumError, match="--resume"):
        train_style(load_config(None, [f"output_dir={tmp_path}", "model=tiny"]))


@pytest.mark.parametrize("beams", [1, 3])
def test_batched_generation_equals_one_by_one(lively_engine, beams):
    lively_engine.num_beams = beams
    contexts = [None] + SENTENCES[:-1]
    batched = lively_engine.generate(SENTENCES, "seonbi", contexts=contexts)
    single = [lively_engine.generate([s], "seonbi", contexts=[c])[0] for s, c in zip(SENTENCES, contexts)]
    assert batched == single
    assert len(set(batched)) > 1  # outputs depend on the input: the comparison means something
    lively_engine.num_beams = 1


def test_rewrite_in_one_batch_equals_one_by_one(lively_engine):
    p = persona()
    lively_engine.check = OutputCheck(min_length_ratio=0.0, max_length_ratio=100, check_numbers=False,
                                      check_names=False, min_content_overlap=0.0)
    try:
        whole = lively_engine.rewrite(SENTENCES, p)
        # One by one, each sentence still gets its predecessor as context: compare with generate.
        contexts = [None] + SENTENCES[:-1]
        single = [lively_engine.generate([s], "seonbi", contexts=[c])[0] for s, c in zip(SENTENCES, contexts)]
        assert whole == single and lively_engine.last_fallbacks == []
    finally:
        lively_engine.check = OutputCheck()


class _Canned:
    """Wraps an engine so `generate` returns fixed outputs: each fallback check gets a case built for it."""

    def __init__(self, engine, outputs):
        self.engine, self.outputs = engine, outputs

    def __enter__(self):
        self.engine.generate = lambda sentences, style, contexts=None: list(self.outputs)
        return self.engine

    def __exit__(self, *exc):
        del self.engine.generate


@pytest.mark.parametrize("source, output, reason", [
    ("오늘은 좀 피곤하네요.", "", "empty"),
    ("오늘은 좀 피곤하네요.", "피곤", "length"),
    ("네.", "그렇소이다, 정말로 그렇게 생각하오. 그대의 말이 옳소.", "length"),
    ("힘들 땐 109에 전화하세요.", "힘들 땐 119에 전화하시오.", "numbers"),
    ("1577-0199로 전화하세요.", "1577로 전화하시오.", "numbers"),
    ("김민수 씨가 서울에서 왔어요.", "민수 씨가 서울에서 왔소.", "names"),
    ("CBT 관점에서 생각해 봐요.", "인지치료 관점에서 생각해 보시오.", "names"),
    ("오늘은 좀 피곤하네요.", "밥을 먹었소.", "content"),
])
def test_each_check_falls_back_to_rules(lively_engine, source, output, reason):
    from serving.style.rules import RulesEngine

    p = persona()
    with _Canned(lively_engine, [output]) as engine:
        result = engine.rewrite([source], p)
    assert [fb.reason.split(":")[0] for fb in engine.last_fallbacks] == [reason]
    assert result == RulesEngine(seed=0).rewrite([source], p)


@pytest.mark.parametrize("source, rewrite", [
    ("안녕하세요. 저는 고양이 6마리 키워요.", "휴먼. 반갑다. 안드로이드는. 고양이. 6마리. 소유중."),
    ("고양이를 6마리나요? 키우는거 안 힘드세요?", "고양이를 6마리나 키우고 있는 것이오? 힘들지 않소?"),
    ("제가 워낙 고양이를 좋아해서 크게 힘들진 않아요.", "내가 워낙 고양이를 좋아해서 크게 힘들진 않아."),
    ("가장 나이가 많은 고양이가 어떻게 돼요?", "최고령 고양이의 나이는 어떻게 되는가?"),
])
def test_human_rewrites_pass_the_checks(source, rewrite):
    """SmileStyle's own rewrites (android, seonbi, informal, king) are not refused."""
    assert OutputCheck().check(source, rewrite) is None


def test_good_output_is_kept_and_only_bad_sentences_fall_back(lively_engine):
    from serving.style.rules import RulesEngine

    p = persona()
    sources = ["힘들 땐 109에 전화하세요.", "오늘은 좀 피곤하네요."]
    with _Canned(lively_engine, ["힘들 땐 109에 전화하시오.", ""]) as engine:
        result = engine.rewrite(sources, p)
    assert result[0] == "힘들 땐 109에 전화하시오."
    assert result[1] == RulesEngine(seed=0).rewrite([sources[1]], p)[0]
    assert [fb.index for fb in engine.last_fallbacks] == [1]


def test_missing_model_falls_back_to_rules(tmp_path, caplog):
    from serving.style.rules import RulesEngine

    engine = KoBARTEngine(tmp_path / "no-such-model")
    p = persona()
    with caplog.at_level("WARNING"):
        result = engine.rewrite(SENTENCES, p)
    assert result == RulesEngine(seed=0).rewrite(SENTENCES, p)
    assert len(engine.last_fallbacks) == len(SENTENCES)
    assert "not found" in engine.unavailable and "not found" in caplog.text


def test_untrained_style_and_persona_without_label_fall_back(lively_engine):
    p = persona("android", "android")  # the tiny model knows seonbi and king only
    assert lively_engine.rewrite(["안녕하세요."], p)
    assert "not trained for style 'android'" in lively_engine.last_fallbacks[0].reason
    blank = SimpleNamespace(id="x", style=SimpleNamespace(smilestyle=None))
    lively_engine._fallback_saved = lively_engine._fallback
    from serving.style.base import IdentityEngine

    lively_engine._fallback = IdentityEngine()
    try:
        assert lively_engine.rewrite(["안녕하세요.", " "], blank) == ["안녕하세요.", " "]
        assert "names no SmileStyle style" in lively_engine.last_fallbacks[0].reason
    finally:
        lively_engine._fallback = lively_engine._fallback_saved


def test_registry_builds_learned_engines(tmp_path):
    from serving.style import get_engine

    engine = get_engine("kobart", model_path=tmp_path / "missing")
    assert engine.name == "kobart"
    assert get_engine("prompt").name == "prompt"
