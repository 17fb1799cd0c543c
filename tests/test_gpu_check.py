"""The prepared GPU run (bench/gpu_check.py) on the CPU, so it cannot rot between GPU sessions (issue 15).

`--smoke` runs every stage of the GPU run on the tiny shape, NF4-quantised on the CPU by the same
in-memory builder: QLoRA SFT and DPO through `maeum train sft|dpo`'s code, the second-copy
reference, the transformers generator's stream and the prompt style engine.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def test_random_eeve_shape_is_10_8b_parameters():
    """The random model has EEVE-10.8B's exact shape (counted on the meta device, nothing allocated)."""
    from accelerate import init_empty_weights
    from transformers import LlamaForCausalLM

    from training.modeling import load_tokenizer, resolve_model_path
    from training.random_model import random_config

    tokenizer = load_tokenizer(resolve_model_path("maeum:random-eeve-10.8b"), "eeve")
    config = random_config("maeum:random-eeve-10.8b", tokenizer)
    with init_empty_weights():
        model = LlamaForCausalLM(config)
    params = sum(p.numel() for p in model.parameters())
    assert (config.num_hidden_layers, config.hidden_size, config.intermediate_size, config.vocab_size) == \
        (48, 4096, 14336, 40960)
    assert 10.7e9 < params < 10.9e9, params


def test_random_tiny_model_is_quantised_like_from_pretrained():
    import bitsandbytes as bnb
    import torch
    from transformers import BitsAndBytesConfig

    from training.modeling import load_tokenizer, resolve_model_path
    from training.random_model import build_random_model

    tokenizer = load_tokenizer(resolve_model_path("maeum:random-tiny-eeve"), "eeve")
    quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                               bnb_4bit_compute_dtype=torch.float32)
    model = build_random_model("maeum:random-tiny-eeve", tokenizer, dtype=torch.float32, device="cpu",
                               quantization_config=quant)
    linears = [m for n, m in model.named_modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert len(linears) == 7 * model.config.num_hidden_layers  # q k v o gate up down; lm_head stays full
    assert all(m.weight.bnb_quantized and m.weight.quant_state.quant_type == "nf4" for m in linears)
    assert all(m.weight.quant_state.nested for m in linears)  # double quantisation
    assert model.is_loaded_in_4bit and model.hf_quantizer is not None
    assert not any(p.is_meta for p in model.parameters())
    assert model.name_or_path == "maeum:random-tiny-eeve"
    ids = torch.tensor([tokenizer("안녕하세요 반가워요")["input_ids"]])
    loss = model(input_ids=ids, labels=ids).loss
    assert math.isfinite(loss.item()) and abs(loss.item() - math.log(model.config.vocab_size)) < 1.0


@pytest.mark.timeout(900)
def test_gpu_check_smoke_runs_every_stage(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, str(REPO / "bench/gpu_check.py"), "--smoke", "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=880)
    results = json.loads((out / "gpu_check.json").read_text(encoding="utf-8"))
    stages = results["stages"]
    errors = {k: v["error"] for k, v in stages.items() if "error" in v}
    assert proc.returncode == 0 and not errors, (errors, proc.stderr[-3000:])
    assert set(stages) == {"sft", "dpo_shared", "dpo_copy", "serve"}
    assert results["model"] == "maeum:random-tiny-eeve" and results["smoke"] is True
    assert _number(results["peak_tflops"])

    sft = stages["sft"]
    assert sft["steps"] == 2
    for key in ("tokens", "seconds", "tokens_per_s", "mfu_6n", "mfu_lora", "peak_rss_gib", "mean_row_tokens"):
        assert _number(sft[key]), (key, sft[key])
    assert sft["mfu_lora"] < sft["mfu_6n"] < 1.0
    assert math.isfinite(sft["loss_last"])

    shared, copy = stages["dpo_shared"], stages["dpo_copy"]
    assert "frozen adapter 'ref'" in shared["reference"] and "second 4-bit copy" in copy["reference"]
    for part in (shared, copy):
        assert part["steps"] == 2
        for key in ("tokens", "tokens_per_s", "peak_rss_gib"):
            assert _number(part[key]), (key, part[key])

    serve = stages["serve"]
    assert _number(serve["build_4bit_s"])
    assert _number(serve["stream_batch1"]["ttft_ms"]) and serve["stream_batch1"]["text_tokens"] > 0
    assert [g["batch"] for g in serve["generate"]] == [1, 8]
    for g in serve["generate"]:
        assert g["new_tokens"] == results["spec"]["new_tokens"]
        assert _number(g["ttft_ms"]) and _number(g["decode_tokens_per_s"]) and _number(g["per_token_ms"])
    style = serve["style"]
    assert "error" not in style, style
    assert style["outputs"] == style["sentences"] == 4 and _number(style["sentences_per_s"])

    table = (out / "gpu_check.md").read_text(encoding="utf-8")
    assert "| QLoRA SFT | tokens/s" in table and "DPO, second-copy reference" in table
    assert "**failed**" not in table
