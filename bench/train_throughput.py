"""SFT (and, on a GPU, DPO) training throughput: maeum's recipe vs the common notebook recipe.

    python bench/train_throughput.py                 # CPU: tiny model, SFT recipes side by side
    python bench/train_throughput.py --gpu           # GPU: random EEVE-shape model in 4-bit, SFT + DPO

Both SFT recipes train the same LoRA on the same model over the same conversations (the bundled
seed data rendered in the EEVE chat format), one pass, same batch size:

- ``maeum``: pre-rendered input_ids + assistant masks through TRL's SFTTrainer with the shipped
  settings: dynamic padding to the longest row of the batch and length-grouped batches
  (``train_sampling_strategy: group_by_length``); ``--maeum-packing`` adds TRL's padding-free
  packing instead (the recipe for flash-attention GPUs).
- ``baseline``: the common notebook recipe: ``tokenizer(..., padding="max_length")`` and
  ``transformers.Trainer`` with ``DataCollatorForLanguageModeling(mlm=False)``: every row padded
  to ``max_length``, no packing.

Throughput is real (non-pad) tokens per second of training wall time; each recipe runs
``--repeats`` times, alternating, and the fastest run of each is kept (the machine may be shared).

GPU mode (``--gpu``) builds a random-weight LlamaForCausalLM of EEVE-10.8B's exact shape (48
layers, hidden 4096, intermediate 14336, 32 heads, 8 KV heads, vocab 40960), saves it once in
bf16 (about 22 GB, under ``--cache``), loads it in 4-bit NF4 and measures, each in its own
process so peak memory is clean: SFT tokens/s and peak memory for both recipes, DPO tokens/s and
peak memory with the shared-base reference (SFT adapter loaded twice), and DPO peak memory with
a second 4-bit copy of the model as reference.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

EEVE_SHAPE = dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=48, num_attention_heads=32,
                  num_key_value_heads=8, head_dim=128, vocab_size=40960, max_position_embeddings=4096,
                  rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=False, hidden_act="silu",
                  bos_token_id=1, eos_token_id=32000, pad_token_id=2)


# --------------------------------------------------------------------------- data


def conversations(n: int | None) -> list[list[dict]]:
    from maeum.paths import data_file
    from training.loaders import load_sft_rows

    rows, _ = load_sft_rows([str(data_file("seed_conversations.jsonl"))])
    convs = [r["messages"] for r in rows]
    if n:
        convs = (convs * (n // len(convs) + 1))[:n]
    return convs


def render(convs, tokenizer, max_length: int):
    from maeum.chat_format import render_for_training

    out = []
    for messages in convs:
        ex = render_for_training(messages, tokenizer, "eeve")
        out.append((ex.input_ids[:max_length], ex.assistant_mask[:max_length], ex.text))
    return out


# --------------------------------------------------------------------------- models


def tiny_model_path() -> str:
    from training.modeling import tiny_model_dir

    return str(tiny_model_dir())


def eeve_shape_path(cache: Path) -> str:
    """A random-weight EEVE-shape model saved once in bf16 (the 4-bit load quantizes it)."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig

    folder = cache / "eeve-shape-random"
    if (folder / "config.json").is_file():
        return str(folder)
    print(f"building a random EEVE-shape model in {folder} (about 22 GB, once)", flush=True)
    torch.manual_seed(0)
    config = LlamaConfig(**EEVE_SHAPE)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):  # random init is fast on the GPU
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    model.save_pretrained(folder, max_shard_size="5GB")
    del model
    return str(folder)


def load(path: str, quantize: bool, dtype):
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    kwargs = {"dtype": dtype}
    if quantize:
        kwargs["quantization_config"] = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                                           bnb_4bit_use_double_quant=True,
                                                           bnb_4bit_compute_dtype=dtype)
        kwargs["device_map"] = {"": 0}
    return AutoModelForCausalLM.from_pretrained(path, **kwargs)


def lora():
    from peft import LoraConfig

    return LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules="all-linear", task_type="CAUSAL_LM")


# --------------------------------------------------------------------------- one measurement


def _peak_reset():
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def _peak_gib():
    import torch

    return round(torch.cuda.max_memory_allocated() / 2**30, 2) if torch.cuda.is_available() else None


def sft_worker(recipe: str, spec: dict) -> dict:
    """Train one pass with `recipe`; return tokens/s (real tokens) and peak memory."""
    import torch
    from datasets import Dataset
    from transformers import AutoTokenizer

    from maeum.chat_format import chat_template

    gpu = torch.cuda.is_available() and spec["gpu"]
    dtype = torch.bfloat16 if gpu else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(spec["tokenizer"])
    tokenizer.chat_template = chat_template("eeve")
    rendered = render(conversations(spec["rows"]), tokenizer, spec["max_length"])
    real_tokens = sum(len(ids) for ids, _, _ in rendered)
    common = dict(output_dir=tempfile.mkdtemp(prefix="bench-"), num_train_epochs=1,
                  per_device_train_batch_size=spec["batch_size"], learning_rate=1e-4, logging_steps=10 ** 6,
                  save_strategy="no", report_to="none", bf16=gpu, fp16=False, use_cpu=not gpu, seed=0,
                  activation_checkpointing=spec["checkpointing"], gradient_checkpointing=spec["checkpointing"],
                  dataloader_num_workers=0, disable_tqdm=True)
    _peak_reset()
    model = load(spec["model"], spec["quantize"], dtype)
    if recipe == "baseline":
        from peft import get_peft_model
        from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

        enc = tokenizer([text for _, _, text in rendered], add_special_tokens=False, padding="max_length",
                        truncation=True, max_length=spec["max_length"])
        data = Dataset.from_dict({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]})
        if spec["checkpointing"]:
            model.enable_input_require_grads()
        model = get_peft_model(model, lora())
        trainer = Trainer(model=model, args=TrainingArguments(**common), train_dataset=data,
                          data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False))
        processed = len(rendered) * spec["max_length"]
    else:
        from trl import SFTConfig, SFTTrainer

        data = Dataset.from_dict({"input_ids": [ids for ids, _, _ in rendered],
                                  "assistant_masks": [m for _, m, _ in rendered]})
        packing = recipe == "maeum-packing"
        args = SFTConfig(**common, max_length=spec["max_length"], packing=packing,
                         train_sampling_strategy="random" if packing else "group_by_length")
        trainer = SFTTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer,
                             peft_config=lora())
        processed = None
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    return {"recipe": recipe, "steps": trainer.state.global_step, "real_tokens": real_tokens,
            "processed_tokens": processed or "-", "seconds": round(seconds, 2),
            "tokens_per_s": round(real_tokens / seconds, 1), "peak_gib": _peak_gib()}


def dpo_worker(reference: str, spec: dict) -> dict:
    """DPO steps from a (fresh) SFT adapter; reference = 'shared' (adapter twice) or 'copy' (2nd model)."""
    import torch
    from datasets import Dataset
    from peft import PeftModel, get_peft_model
    from transformers import AutoTokenizer
    from trl import DPOConfig

    from maeum.paths import data_file
    from training.loaders import load_dpo_rows
    from training.prepare import encode_pair

    gpu = torch.cuda.is_available() and spec["gpu"]
    dtype = torch.bfloat16 if gpu else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(spec["tokenizer"])
    rows, _ = load_dpo_rows([str(data_file("seed_preferences.jsonl"))])
    rows = (rows * (spec["pairs"] // len(rows) + 1))[:spec["pairs"]]
    pairs = [encode_pair(r["prompt"], r["chosen"], r["rejected"], tokenizer, "eeve", None) for r in rows]
    tokens = sum(len(p["prompt_ids"]) * 2 + len(p["chosen_ids"]) + len(p["rejected_ids"]) for p in pairs)
    data = Dataset.from_list(pairs)
    adapter = Path(tempfile.mkdtemp(prefix="bench-sft-"))
    _peak_reset()
    fresh = get_peft_model(load(spec["model"], spec["quantize"], dtype), lora())
    fresh.save_pretrained(adapter)  # stands in for the SFT adapter
    policy = PeftModel.from_pretrained(fresh.unload(), str(adapter), is_trainable=True)
    ref_model = None
    if reference == "copy":  # what the shared reference avoids: a second model in memory
        ref_model = PeftModel.from_pretrained(load(spec["model"], spec["quantize"], dtype),
                                              str(adapter)).merge_and_unload().eval()
    args = DPOConfig(output_dir=tempfile.mkdtemp(prefix="bench-dpo-"), num_train_epochs=1,
                     per_device_train_batch_size=spec["batch_size"], learning_rate=5e-6, logging_steps=10 ** 6,
                     save_strategy="no", report_to="none", bf16=gpu, fp16=False, use_cpu=not gpu,
                     max_length=spec["max_length"], activation_checkpointing=spec["checkpointing"],
                     gradient_checkpointing=spec["checkpointing"], dataloader_num_workers=0, disable_tqdm=True)
    trainer = _dpo_class()(model=policy, ref_model=ref_model, args=args, train_dataset=data,
                           processing_class=tokenizer)
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    return {"reference": reference, "steps": trainer.state.global_step, "tokens": tokens,
            "seconds": round(seconds, 2), "tokens_per_s": round(tokens / seconds, 1), "peak_gib": _peak_gib()}


def _dpo_class():
    from training.dpo import _trainer_class

    return _trainer_class()


# --------------------------------------------------------------------------- driver


def run_isolated(kind: str, name: str, spec: dict) -> dict:
    """One measurement in a fresh process (clean peak memory, no warm caches shared)."""
    cmd = [sys.executable, __file__, "--worker", kind, name, "--spec", json.dumps(spec)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("RESULT ")]
    if result.returncode != 0 or not lines:
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"worker {kind} {name} failed (rc {result.returncode})")
    return json.loads(lines[-1][len("RESULT "):])


def table(rows: list[dict], cols: list[str]) -> str:
    cells = [cols] + [[str(r.get(c, "-")) for c in cols] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gpu", action="store_true", help="EEVE-shape random model in 4-bit on CUDA, SFT + DPO")
    parser.add_argument("--shape", choices=["tiny", "eeve"], help="model shape (default: eeve with --gpu, else tiny)")
    parser.add_argument("--rows", type=int, help="conversations per pass (default: 88 seed conversations on CPU, "
                                                 "256 on GPU)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3, help="runs per recipe, fastest kept (CPU)")
    parser.add_argument("--maeum-packing", action="store_true", help="also measure the packing recipe")
    parser.add_argument("--dpo", action="store_true", help="also measure DPO (default with --gpu)")
    parser.add_argument("--cache", default=os.environ.get("MAEUM_BENCH_CACHE", "/tmp/maeum-bench"))
    parser.add_argument("--json", help="write all results to this file")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        kind, name = args.worker
        spec = json.loads(args.spec)
        result = sft_worker(name, spec) if kind == "sft" else dpo_worker(name, spec)
        print("RESULT " + json.dumps(result))
        return 0

    import platform

    import torch

    if args.gpu and not torch.cuda.is_available():
        raise SystemExit("--gpu needs CUDA (and bitsandbytes); run without --gpu for the CPU comparison")
    shape = args.shape or ("eeve" if args.gpu else "tiny")
    tiny = tiny_model_path()
    model = tiny if shape == "tiny" else eeve_shape_path(Path(args.cache))
    spec = {"model": model, "tokenizer": tiny, "gpu": args.gpu, "quantize": args.gpu and shape == "eeve",
            "rows": args.rows or (256 if args.gpu else None), "batch_size": args.batch_size,
            "max_length": args.max_length, "checkpointing": args.gpu, "pairs": 64 if args.gpu else 32}
    device = torch.cuda.get_device_name(0) if args.gpu else f"CPU ({platform.processor() or platform.machine()}, " \
                                                             f"{os.cpu_count()} cores)"
    print(f"device: {device}; model: {shape} ({'4-bit NF4' if spec['quantize'] else 'fp32' if not args.gpu else 'bf16'})"
          f"; torch {torch.__version__}", flush=True)

    recipes = ["maeum", "baseline"] + (["maeum-packing"] if args.maeum_packing else [])
    best: dict[str, dict] = {}
    for _ in range(1 if args.gpu else args.repeats):
        for recipe in recipes:
            r = run_isolated("sft", recipe, spec)
            if recipe not in best or r["tokens_per_s"] > best[recipe]["tokens_per_s"]:
                best[recipe] = r
    rows = [best[r] for r in recipes]
    print("\nSFT, one pass over the same conversations (real tokens / s):")
    print(table(rows, ["recipe", "steps", "real_tokens", "processed_tokens", "seconds", "tokens_per_s", "peak_gib"]))
    ratio = best["maeum"]["tokens_per_s"] / best["baseline"]["tokens_per_s"]
    print(f"\nmaeum / baseline SFT throughput: {ratio:.2f}x")
    results = {"device": device, "shape": shape, "spec": spec, "sft": rows, "sft_ratio": round(ratio, 2)}

    if args.gpu or args.dpo:
        dpo = [run_isolated("dpo", ref, spec) for ref in ("shared", "copy")]
        print("\nDPO from an SFT adapter (reference = SFT policy):")
        print(table(dpo, ["reference", "steps", "tokens", "seconds", "tokens_per_s", "peak_gib"]))
        print("shared: the SFT adapter loaded twice on one base; copy: a second model as reference")
        results["dpo"] = dpo
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
