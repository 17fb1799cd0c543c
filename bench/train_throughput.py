"""SFT training throughput on the CPU: maeum's recipe vs the common notebook recipe, side by side.

    python bench/train_throughput.py --repeats 5            # SFT recipes, alternating A B A B ...
    python bench/train_throughput.py --repeats 5 --dpo      # + DPO, shared vs second-copy reference

Both SFT recipes train the same LoRA on the same tiny model over the same conversations (the
bundled seed data rendered in the EEVE chat format), one pass, same batch size:

- ``maeum``: pre-rendered input_ids + assistant masks through TRL's SFTTrainer with the shipped
  settings: dynamic padding to the longest row of the batch and length-grouped batches
  (``train_sampling_strategy: group_by_length``); ``--maeum-packing`` adds TRL's padding-free
  packing instead (the recipe for flash-attention GPUs).
- ``baseline``: the common notebook recipe: ``tokenizer(..., padding="max_length")`` and
  ``transformers.Trainer`` with ``DataCollatorForLanguageModeling(mlm=False)``: every row padded
  to ``max_length``, no packing.

Tokens are counted the same way for both, from the batches the trainer actually received: real
tokens (attention mask) and processed tokens (every position, padding included). Each run is
timed in wall-clock seconds and in process CPU seconds (user + system, all threads) around
``trainer.train()``; the recipes alternate, each in a fresh process, and the table gives the
median of the repeats and every run (the machine may be shared: CPU time is the steadier figure).

The GPU measurements (EEVE-10.8B's shape in 4-bit, SFT + DPO + serving) are bench/gpu_check.py.
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


def load(path: str):
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)


def lora():
    from peft import LoraConfig

    return LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules="all-linear", task_type="CAUSAL_LM")


# --------------------------------------------------------------------------- one measurement


def cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class TokenCount:
    """Wraps a trainer's collator: counts real (attention-mask) and processed (all) token positions."""

    def __init__(self, collator):
        self.collator, self.real, self.processed = collator, 0, 0

    def __call__(self, features):
        batch = self.collator(features)
        ids = batch["input_ids"]
        mask = batch.get("attention_mask")
        self.processed += ids.numel()
        self.real += int(mask.sum()) if mask is not None else ids.numel()  # padding-free: no padding at all
        return batch


def timed_train(trainer) -> dict:
    """One pass: wall and CPU seconds around train(), tokens as the collator delivered them."""
    counter = TokenCount(trainer.data_collator)
    trainer.data_collator = counter
    wall, cpu = time.perf_counter(), cpu_seconds()
    trainer.train()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    return {"steps": trainer.state.global_step, "real_tokens": counter.real, "processed_tokens": counter.processed,
            "padding": round(1 - counter.real / counter.processed, 3), "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2), "real_tok_per_wall_s": round(counter.real / wall, 1),
            "real_tok_per_cpu_s": round(counter.real / cpu, 1)}


def sft_worker(recipe: str, spec: dict) -> dict:
    """Train one pass with `recipe`; return its tokens and times (`timed_train`)."""
    import torch
    from datasets import Dataset
    from transformers import AutoTokenizer

    from maeum.chat_format import chat_template

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(spec["tokenizer"])
    tokenizer.chat_template = chat_template("eeve")
    rendered = render(conversations(spec["rows"]), tokenizer, spec["max_length"])
    common = dict(output_dir=tempfile.mkdtemp(prefix="bench-"), num_train_epochs=1,
                  per_device_train_batch_size=spec["batch_size"], learning_rate=1e-4, logging_steps=10 ** 6,
                  save_strategy="no", report_to="none", bf16=False, fp16=False, use_cpu=True, seed=0,
                  activation_checkpointing=False, gradient_checkpointing=False,
                  dataloader_num_workers=0, disable_tqdm=True)
    model = load(spec["model"])
    if recipe == "baseline":
        from peft import get_peft_model
        from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

        enc = tokenizer([text for _, _, text in rendered], add_special_tokens=False, padding="max_length",
                        truncation=True, max_length=spec["max_length"])
        data = Dataset.from_dict({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]})
        model = get_peft_model(model, lora())
        trainer = Trainer(model=model, args=TrainingArguments(**common), train_dataset=data,
                          data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False))
    else:
        from trl import SFTConfig, SFTTrainer

        data = Dataset.from_dict({"input_ids": [ids for ids, _, _ in rendered],
                                  "assistant_masks": [m for _, m, _ in rendered]})
        packing = recipe == "maeum-packing"
        args = SFTConfig(**common, max_length=spec["max_length"], packing=packing,
                         train_sampling_strategy="random" if packing else "group_by_length")
        trainer = SFTTrainer(model=model, args=args, train_dataset=data, processing_class=tokenizer,
                             peft_config=lora())
    return {"recipe": recipe, "threads": torch.get_num_threads(), **timed_train(trainer)}


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

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(spec["tokenizer"])
    rows, _ = load_dpo_rows([str(data_file("seed_preferences.jsonl"))])
    rows = (rows * (spec["pairs"] // len(rows) + 1))[:spec["pairs"]]
    pairs = [encode_pair(r["prompt"], r["chosen"], r["rejected"], tokenizer, "eeve", None) for r in rows]
    data = Dataset.from_list(pairs)
    adapter = Path(tempfile.mkdtemp(prefix="bench-sft-"))
    fresh = get_peft_model(load(spec["model"]), lora())
    fresh.save_pretrained(adapter)  # stands in for the SFT adapter
    policy = PeftModel.from_pretrained(fresh.unload(), str(adapter), is_trainable=True)
    ref_model = None
    if reference == "copy":  # what the shared reference avoids: a second model in memory
        ref_model = PeftModel.from_pretrained(load(spec["model"]), str(adapter)).merge_and_unload().eval()
    args = DPOConfig(output_dir=tempfile.mkdtemp(prefix="bench-dpo-"), num_train_epochs=1,
                     per_device_train_batch_size=spec["batch_size"], learning_rate=5e-6, logging_steps=10 ** 6,
                     save_strategy="no", report_to="none", bf16=False, fp16=False, use_cpu=True,
                     max_length=spec["max_length"], activation_checkpointing=False, gradient_checkpointing=False,
                     dataloader_num_workers=0, disable_tqdm=True)
    trainer = _dpo_class()(model=policy, ref_model=ref_model, args=args, train_dataset=data,
                           processing_class=tokenizer)
    return {"reference": reference, **timed_train(trainer)}


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


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def summarize(name: str, runs: list[dict]) -> dict:
    first = runs[0]
    return {name: first.get("recipe", first.get("reference")), "runs": len(runs), "steps": first["steps"],
            "real_tokens": first["real_tokens"], "processed_tokens": first["processed_tokens"],
            "padding": first["padding"], "wall_s": round(median([r["wall_s"] for r in runs]), 2),
            "cpu_s": round(median([r["cpu_s"] for r in runs]), 2),
            "real_tok_per_wall_s": round(median([r["real_tok_per_wall_s"] for r in runs]), 1),
            "real_tok_per_cpu_s": round(median([r["real_tok_per_cpu_s"] for r in runs]), 1),
            "all_cpu_s": [r["cpu_s"] for r in runs], "all_wall_s": [r["wall_s"] for r in runs]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, help="conversations per pass (default: the 88 seed conversations)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=5, help="runs per recipe, alternating; medians reported")
    parser.add_argument("--maeum-packing", action="store_true", help="also measure the packing recipe")
    parser.add_argument("--dpo", action="store_true", help="also measure DPO, shared vs second-copy reference")
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

    tiny = tiny_model_path()
    spec = {"model": tiny, "tokenizer": tiny, "rows": args.rows, "batch_size": args.batch_size,
            "max_length": args.max_length, "pairs": 32}
    device = f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"
    print(f"device: {device}; model: maeum:tiny-eeve (fp32); torch {torch.__version__}; "
          f"load average at start {os.getloadavg()[0]:.1f}", flush=True)

    recipes = ["maeum", "baseline"] + (["maeum-packing"] if args.maeum_packing else [])
    runs: dict[str, list[dict]] = {r: [] for r in recipes}
    for repeat in range(args.repeats):
        order = recipes if repeat % 2 == 0 else recipes[::-1]  # A B, B A, ...: drift hits both alike
        for recipe in order:
            r = run_isolated("sft", recipe, spec)
            print(f"  {recipe}: {r['wall_s']} s wall, {r['cpu_s']} s CPU, load {os.getloadavg()[0]:.1f}", flush=True)
            runs[recipe].append(r)
    rows = [summarize("recipe", runs[r]) for r in recipes]
    print("\nSFT, one pass over the same conversations (medians of the repeats):")
    print(table(rows, ["recipe", "runs", "steps", "real_tokens", "processed_tokens", "padding", "wall_s", "cpu_s",
                       "real_tok_per_wall_s", "real_tok_per_cpu_s"]))
    m, b = runs["maeum"], runs["baseline"]
    ratios = {"cpu": round(median([x["real_tok_per_cpu_s"] for x in m]) / median([x["real_tok_per_cpu_s"] for x in b]), 2),
              "wall": round(median([x["real_tok_per_wall_s"] for x in m]) / median([x["real_tok_per_wall_s"] for x in b]),
                            2),
              "cpu_per_pair": [round(x["real_tok_per_cpu_s"] / y["real_tok_per_cpu_s"], 2) for x, y in zip(m, b)]}
    print(f"\nmaeum / baseline real tokens per CPU second: {ratios['cpu']}x (per repeat {ratios['cpu_per_pair']}); "
          f"per wall second: {ratios['wall']}x")
    results = {"device": device, "spec": spec, "sft": rows, "sft_ratio": ratios, "runs": runs}

    if args.dpo:
        dpo_runs = {ref: [] for ref in ("shared", "copy")}
        for repeat in range(args.repeats):
            for ref in (("shared", "copy") if repeat % 2 == 0 else ("copy", "shared")):
                dpo_runs[ref].append(run_isolated("dpo", ref, spec))
        dpo = [summarize("reference", dpo_runs[ref]) for ref in ("shared", "copy")]
        print("\nDPO from an SFT adapter (reference = SFT policy), medians:")
        print(table(dpo, ["reference", "runs", "steps", "real_tokens", "wall_s", "cpu_s", "real_tok_per_cpu_s"]))
        print("shared: the SFT adapter loaded twice on one base; copy: a second model as reference")
        results["dpo"] = dpo
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
