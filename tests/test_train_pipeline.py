"""SFT -> DPO -> merge -> eval on the tiny EEVE-family model and the bundled seed data.

One short SFT run and one short DPO run (module fixtures) feed most checks; each test states
the property it proves.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from maeum.chat_format import chat_template, eos_token_ids, render_for_generation, render_for_training
from maeum.errors import MaeumError
from training.config import load_config

CONFIGS = Path(__file__).resolve().parent.parent / "training" / "configs"
CONVERSATIONS = {"path": "data/seed_conversations.jsonl", "max_rows": 24}
PREFERENCES = {"path": "data/seed_preferences.jsonl", "max_rows": 28}


def sft_setup(tiny_models, out: Path, **overrides):
    values = {"model_name_or_path": str(tiny_models["llama"]), "output_dir": str(out), "datasets": [CONVERSATIONS],
              "test_split_size": 4, "max_steps": 8, "save_steps": 4, "eval_steps": 8, "eval_on_start": True,
              "logging_steps": 1, "per_device_train_batch_size": 4}
    values.update(overrides)
    return load_config("sft", CONFIGS / "tiny_sft.yaml", values)


def dpo_setup(sft_dir: Path, out: Path, **overrides):
    values = {"sft_adapter_path": str(sft_dir), "output_dir": str(out), "datasets": [PREFERENCES],
              "test_split_size": 4, "max_steps": 10, "eval_steps": 10, "logging_steps": 1,
              "per_device_train_batch_size": 4}
    values.update(overrides)
    return load_config("dpo", CONFIGS / "tiny_dpo.yaml", values)


@pytest.fixture(scope="module")
def sft_run(tiny_models, tmp_path_factory):
    from training.sft import run_sft

    return run_sft(sft_setup(tiny_models, tmp_path_factory.mktemp("sft")))


@pytest.fixture(scope="module")
def dpo_run(sft_run, tmp_path_factory):
    from training.dpo import run_dpo

    return run_dpo(dpo_setup(Path(sft_run.output_dir), tmp_path_factory.mktemp("dpo")))


# --------------------------------------------------------------------------- SFT


def test_sft_loss_goes_down(sft_run):
    m = sft_run.card["metrics"]
    assert m["train_loss_last"] < m["train_loss_first"] - 0.2
    assert m["eval_first"]["step"] == 0  # eval_on_start
    assert m["eval_final"]["eval_loss"] < m["eval_first"]["eval_loss"] - 0.1


@pytest.mark.parametrize("packing", [False, True])
def test_only_assistant_tokens_carry_loss(tiny_models, tmp_path, packing):
    """TRL's labels (and the collated batch, packed or not) are -100 everywhere except assistant turns."""
    from training.sft import prepare_sft

    setup = sft_setup(tiny_models, tmp_path / "out", packing=packing, test_split_size=0,
                      datasets=[{"path": "data/seed_conversations.jsonl", "max_rows": 3}])
    prep = prepare_sft(setup)
    trainer, tok = prep.trainer, prep.tokenizer
    expected = [render_for_training(row["messages"], tok, "eeve") for row in prep.split.train]
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(len(trainer.train_dataset))])
    ids, labels = batch["input_ids"].flatten().tolist(), batch["labels"].flatten().tolist()
    got = [t for t, label in zip(ids, labels) if label != -100]
    assert all(label in (-100, t) for t, label in zip(ids, labels))
    # Every assistant token of every conversation, and nothing else, carries a label. Packing puts
    # conversations in another order and the first token of each packed sequence has no label.
    want = sorted(t for ex in expected for t, m in zip(ex.input_ids, ex.assistant_mask) if m)
    if packing:
        starts = [i for i, p in enumerate(batch["position_ids"].flatten().tolist()) if p == 0]
        assert len(starts) == len(expected)  # positions restart per conversation: no cross-attention
    assert sorted(got) == want
    text = tok.decode(got)
    assert "Human:" not in text and "<|im_end|>" in text  # the end token is learned, user turns are not
    assert text.count("<|im_end|>") == sum(m["role"] == "assistant" for row in prep.split.train
                                           for m in row["messages"])


def test_sft_output_folder(sft_run):
    out = Path(sft_run.output_dir)
    for name in ("adapter_model.safetensors", "adapter_config.json", "tokenizer_config.json", "resolved_config.yaml",
                 "run_card.json", "RUN_CARD.md", "loss.png", "data_split.json"):
        assert (out / name).is_file(), name
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    card = json.loads((out / "run_card.json").read_text())
    source = card["data"]["train_sources"][0]
    assert source["rows_read"] == 24 and source["rows_kept"] == 24 and len(source["content_hash"]) == 16
    assert card["data"]["train_rows"] == 20 and card["data"]["eval_rows"] == 4
    assert card["model"]["chat_format"] == "eeve" and card["wall_time_s"] > 0
    assert {"torch", "transformers", "trl", "peft"} <= set(card["environment"])
    assert "eval_final" in card["metrics"] and "train_loss_last" in card["metrics"]
    assert (out / "checkpoint-4").is_dir() and (out / "checkpoint-8").is_dir()


def _assert_run_card_shows_settings_and_samples(out: Path, card: dict) -> None:
    """RUN_CARD.md: LoRA settings, hyperparameters and greedy replies to the fixed prompts (issue 15)."""
    text = (out / "RUN_CARD.md").read_text(encoding="utf-8")
    assert "## LoRA" in text and "- r: 16" in text and "- lora_alpha: 32" in text and "q_proj" in text
    assert "## Hyperparameters" in text and "- learning_rate: 0.005" in text
    assert f"- global_step: {card['training']['global_step']}" in text
    assert [s["prompt_id"] for s in card["samples"]] == ["gen-01", "gen-02", "gen-03"]
    assert all(s["new_tokens"] > 0 and isinstance(s["reply"], str) for s in card["samples"])
    assert "## Sample replies" in text and "요즘 회사 일이 너무 많아서" in text


def test_sft_run_card_shows_lora_hyperparameters_and_samples(sft_run):
    out = Path(sft_run.output_dir)
    _assert_run_card_shows_settings_and_samples(out, json.loads((out / "run_card.json").read_text()))


def test_saved_adapter_reloads_and_generates_in_the_chat_format(sft_run, tiny_models):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = Path(sft_run.output_dir)
    tok = AutoTokenizer.from_pretrained(out)
    assert tok.chat_template == chat_template("eeve")  # serving (and vLLM --chat-template) uses this
    assert tok.eos_token == "<|im_end|>"
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_models["llama"]), out).eval()
    prompt = render_for_generation([{"role": "user", "content": "요즘 잠을 잘 못 자요."}], tok, "eeve")
    assert prompt.text == tok.apply_chat_template(
        [{"role": "user", "content": "요즘 잠을 잘 못 자요."}], tokenize=False, add_generation_prompt=True)
    ids = torch.tensor([prompt.input_ids])
    with torch.no_grad():
        generated = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=12,
                                   do_sample=False, eos_token_id=eos_token_ids(tok, "eeve"),
                                   pad_token_id=tok.pad_token_id)
    assert generated.shape[1] > ids.shape[1]
    assert isinstance(tok.decode(generated[0, ids.shape[1]:]), str)


def test_resume_continues_the_step_count(sft_run, tiny_models, tmp_path):
    from transformers import TrainerCallback

    from training.config import resume_value
    from training.sft import prepare_sft

    out = tmp_path / "resumed"
    shutil.copytree(Path(sft_run.output_dir) / "checkpoint-4", out / "checkpoint-4")
    setup = sft_setup(tiny_models, out, max_steps=6, eval_on_start=False, save_strategy="no")
    setup_cli = load_config("sft", CONFIGS / "tiny_sft.yaml", ["--resume_from_checkpoint", "true",
                                                                "--output_dir", str(out)])
    assert resume_value(setup_cli.args) is True
    prep = prepare_sft(setup)
    steps_run = []

    class Record(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            steps_run.append(state.global_step)

    prep.trainer.add_callback(Record())
    prep.trainer.train(resume_from_checkpoint=resume_value(setup_cli.args))
    assert steps_run == [5, 6]  # continued after the checkpoint's step 4, not from 0
    assert prep.trainer.state.global_step == 6


def test_bad_data_gives_clear_errors(tiny_models, tmp_path, capsys):
    from maeum.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "안녕"}, {"role": "assistant", "content": "네"}]}\n'
                   '{"messages": [oops\n', encoding="utf-8")
    base = ["train", "sft", "--config", str(CONFIGS / "tiny_sft.yaml"), "--model_name_or_path",
            str(tiny_models["llama"]), "--output_dir", str(tmp_path / "o")]
    assert main(base + ["--dataset_name", str(bad), "--datasets", "null"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}, line 2: invalid JSON" in err and "Traceback" not in err
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"question": "q", "answer": "a"}\n', encoding="utf-8")
    assert main(base + ["--dataset_name", str(wrong), "--datasets", "null"]) == 1
    err = capsys.readouterr().err
    assert "no usable rows" in err and "unknown layout" in err


def test_failed_run_leaves_no_half_made_output_folder(tiny_models, tmp_path):
    """A run that fails after the output folder was made removes it; a folder that was there stays (issue 15)."""
    from maeum.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [oops\n', encoding="utf-8")
    base = ["train", "sft", "--config", str(CONFIGS / "tiny_sft.yaml"), "--model_name_or_path",
            str(tiny_models["llama"]), "--dataset_name", str(bad), "--datasets", "null"]
    assert main(base + ["--output_dir", str(tmp_path / "new")]) == 1
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(base + ["--output_dir", str(kept)]) == 1
    assert (kept / "notes.txt").read_text(encoding="utf-8") == "mine"


# --------------------------------------------------------------------------- DPO


def test_step0_reference_is_the_sft_policy(sft_run, tmp_path):
    """Before any DPO step, chosen and rejected implicit rewards are exactly 0 (policy == reference),
    although the SFT policy is measurably different from the base model."""
    from training.dpo import prepare_dpo
    from training.evaluation.prefs import completion_logps

    prep = prepare_dpo(dpo_setup(Path(sft_run.output_dir), tmp_path / "dpo0", test_split_size=0,
                                 datasets=[{"path": "data/seed_preferences.jsonl", "max_rows": 8}]))
    trainer = prep.trainer
    assert "SFT policy" in prep.reference and "'ref'" in prep.reference
    metrics = trainer.evaluate(eval_dataset=trainer.train_dataset)
    assert metrics["eval_rewards/chosen"] == pytest.approx(0.0, abs=1e-6)
    assert metrics["eval_rewards/rejected"] == pytest.approx(0.0, abs=1e-6)
    assert metrics["eval_rewards/margins"] == pytest.approx(0.0, abs=1e-6)
    # The trap this guards against: disabling the adapter gives the base model, a different policy.
    rows = trainer.train_dataset.select(range(4))
    model = trainer.model.eval()
    policy = completion_logps(model, prep.tokenizer, rows["prompt_ids"], rows["chosen_ids"])
    with model.disable_adapter():
        base = completion_logps(model, prep.tokenizer, rows["prompt_ids"], rows["chosen_ids"])
    assert max(abs(p[0] - b[0]) for p, b in zip(policy, base)) > 1.0


def test_reference_adapter_has_the_policy_dtype(sft_run, tmp_path):
    """QLoRA: TRL casts the trainable adapter to bf16 but leaves its 'ref' copy in fp32. The check
    must see the mismatch (not cast it away), and prepare_dpo aligns the reference to the policy."""
    import torch

    from maeum.errors import MaeumError
    from training.dpo import align_reference_dtype, prepare_dpo, verify_reference

    prep = prepare_dpo(dpo_setup(Path(sft_run.output_dir), tmp_path / "dpo-dtype", test_split_size=0,
                                 datasets=[{"path": "data/seed_preferences.jsonl", "max_rows": 4}]))
    model = prep.trainer.model
    policy = [p for n, p in model.named_parameters() if ".default." in n and "lora_" in n]
    for param in policy:  # what TRL's QLoRA preparation does to the trainable adapter only
        param.data = param.data.to(torch.bfloat16)
    with pytest.raises(MaeumError, match="reference adapter is torch.float32 but the policy adapter is torch.bfloat16"):
        verify_reference(model, sft_run.output_dir)
    assert align_reference_dtype(model) == len(policy)
    assert "SFT policy" in verify_reference(model, sft_run.output_dir)
    for name, param in model.named_parameters():
        if ".ref." in name:
            twin = model.get_parameter(name.replace(".ref.", ".default."))
            assert param.dtype == twin.dtype and not param.requires_grad, name


def test_dpo_after_sft_prefers_chosen_on_its_training_pairs(dpo_run):
    trainer = dpo_run.trainer
    metrics = trainer.evaluate(eval_dataset=trainer.train_dataset)
    assert metrics["eval_rewards/accuracies"] > 0.5
    assert metrics["eval_rewards/margins"] > 0
    check = dpo_run.card["metrics"]["reference_check"]
    assert check["reference_is_policy"] and check["step0_rewards_chosen"] == pytest.approx(0.0, abs=1e-6)


def test_dpo_output_folder(dpo_run):
    out = Path(dpo_run.output_dir)
    for name in ("adapter_model.safetensors", "resolved_config.yaml", "run_card.json", "RUN_CARD.md", "loss.png",
                 "rewards.png", "tokenizer_config.json"):
        assert (out / name).is_file(), name
    assert not (out / "ref").exists()  # the frozen reference copy is not an output
    card = json.loads((out / "run_card.json").read_text())
    assert "SFT policy" in card["reference"]["description"]
    final = card["metrics"]["eval_final"]
    assert {"eval_rewards/accuracies", "eval_rewards/margins"} <= set(final)
    assert card["training"]["beta"] == 0.1 and card["training"]["loss_type"] == ["sigmoid"]
    _assert_run_card_shows_settings_and_samples(out, card)
    assert "- beta: 0.1" in (out / "RUN_CARD.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- merge and eval


def test_merge_matches_the_adapter_and_refuses_4bit(dpo_run, tiny_models, tmp_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from training.merge import merge_adapter

    with pytest.raises(MaeumError, match="refusing to merge into a 4-bit model"):
        merge_adapter(dpo_run.output_dir, tmp_path / "m4", load_in_4bit=True)
    out = merge_adapter(dpo_run.output_dir, tmp_path / "merged", dtype="float32")
    merged = AutoModelForCausalLM.from_pretrained(out).eval()
    adapted = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_models["llama"]),
                                        dpo_run.output_dir).eval()
    ids = torch.tensor([[1, 50, 60, 70, 80]])
    with torch.no_grad():
        assert torch.allclose(merged(ids).logits, adapted(ids).logits, atol=1e-4)
    assert (out / "tokenizer_config.json").is_file() and (out / "merge_card.json").is_file()


def test_eval_prefs_and_generate_compare_stages(sft_run, dpo_run, tiny_models, tmp_path):
    from training.evaluation.generate import generate_replies
    from training.evaluation.prefs import evaluate_preferences, format_table

    adapters = [f"sft={sft_run.output_dir}", f"dpo={dpo_run.output_dir}"]
    rows = evaluate_preferences(model=str(tiny_models["llama"]), adapters=adapters,
                                data="data/seed_preferences.jsonl", heldout_from=str(dpo_run.output_dir))
    assert [r["stage"] for r in rows] == ["base", "sft", "dpo"] and rows[0]["pairs"] == 4
    assert rows[2]["reward_vs"] == "sft" and 0 <= rows[2]["reward_acc"] <= 1
    assert "reward acc" in format_table(rows)
    # the base row is scored with the base model's own trained prompt; the adapters with theirs
    assert [r["system_prompt"] for r in rows] == ["native", "counsellor", "counsellor"]

    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text('{"id": "p1", "messages": [{"role": "user", "content": "시험이 걱정돼요."}]}\n',
                       encoding="utf-8")
    out = tmp_path / "replies.jsonl"
    summary = generate_replies(model=str(tiny_models["llama"]), adapters=adapters, prompts=str(prompts),
                               output=str(out), max_new_tokens=8)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["stage"] for r in lines] == ["base", "sft", "dpo"] and set(summary) == {"base", "sft", "dpo"}
    assert {"asks_question", "length_ok", "repetitive", "diagnosis_words"} <= set(lines[0]["checks"])


def test_counselling_checks():
    from training.evaluation.generate import counselling_checks

    good = counselling_checks("많이 지치셨겠어요. 밤마다 깨면 낮에도 멍하시겠어요. 요즘 가장 힘든 순간은 언제예요?")
    assert good["ok"] and good["asks_question"] and not good["diagnosis_words"]
    bad = counselling_checks("우울증 같아요. 우울증 같아요. 우울증 같아요.")
    assert not bad["ok"] and bad["repetitive"] and bad["diagnosis_words"] == ["우울증"] and not bad["asks_question"]


def test_packed_conversations_do_not_attend_to_each_other(tiny_models):
    """What makes packing correct without flash-attention: restarting position ids (as TRL's
    padding-free collator sends them) give each packed conversation the logits it has alone."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_models["llama"]).eval()
    a, b = torch.randint(5, 500, (1, 12)), torch.randint(5, 500, (1, 7))
    packed = torch.cat([a, b], dim=1)
    positions = torch.cat([torch.arange(12), torch.arange(7)]).unsqueeze(0)
    with torch.no_grad():
        logits = model(input_ids=packed, position_ids=positions, use_cache=False).logits
        alone_a, alone_b = model(input_ids=a).logits, model(input_ids=b).logits
    assert torch.allclose(logits[:, :12], alone_a, atol=1e-5)
    assert torch.allclose(logits[:, 12:], alone_b, atol=1e-5)
