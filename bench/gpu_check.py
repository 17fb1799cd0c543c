"""One prepared GPU run: QLoRA SFT, DPO and 4-bit serving on EEVE-10.8B's exact shape.

    python bench/gpu_check.py --out "$OUT"       # one H200: about 4-6 minutes (budget 8)
    python bench/gpu_check.py --smoke --out DIR  # CPU: the tiny shape, two steps each, 4-bit too

The model is `maeum:random-eeve-10.8b` (training/random_model.py): random weights of EEVE's
shape, built in memory and quantised to NF4 (double quant, bf16 compute) layer by layer on the
GPU, so nothing is downloaded and no 22 GB checkpoint is written or read. Each stage runs in
its own process (clean peak memory) through maeum's own code:

1. ``sft``: `maeum train sft`'s path (`training.config.load_config` + `training.sft.run_sft`)
   with training/configs/eeve_sft.yaml and a few steps: tokens/s (TRL's count of non-pad
   tokens, first step left out as warm-up), peak GPU memory, MFU.
2. ``dpo_shared``: `maeum train dpo`'s path with eeve_dpo.yaml from that SFT adapter: the
   reference is the SFT adapter loaded twice on one base (maeum's way): peak memory, tokens/s.
3. ``dpo_copy``: the same pairs and settings with a second 4-bit model as the reference (what
   the shared reference avoids), for the memory side by side.
4. ``serve``: the transformers generator (serving/generators/transformers_gen.py) streaming in
   4-bit: time to first token and decode tokens/s at batch 1 (the generator's own stream) and
   batch 1 / 8 (batched generate, every step timed); then the prompt style engine
   (serving/style/prompt.py) rewriting sentences on the same model.

Writes ``gpu_check.json`` (every figure) and ``gpu_check.md`` (the table for docs/benchmarks.md)
to ``--out``, and ``gpu_check.log`` with each stage's log tail. A stage that fails is recorded
with its error and the next stage still runs. The wheels the GPU machine lacks are prepared by
bench/prepare_gpu_wheels.sh; docs/benchmarks.md has the exact device command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

GPU_MODEL = "maeum:random-eeve-10.8b"
SMOKE_MODEL = "maeum:random-tiny-eeve"
DATASHEET_TFLOPS = {"H200": 989.4, "H100": 989.4, "A100": 312.0}  # dense bf16 (vendor datasheets)
PROMPTS = ["요즘 회사 일이 너무 많아서 잠을 못 자요.", "친구랑 크게 싸웠는데 먼저 연락하기가 어려워요.",
           "시험을 망쳐서 부모님께 말씀드리기가 무서워요.", "이사 온 동네에 아는 사람이 없어서 외로워요.",
           "발표가 내일인데 너무 떨려서 아무것도 손에 안 잡혀요.", "헤어진 지 한 달인데 아직도 생각이 나요.",
           "일을 그만두고 싶은데 다음이 막막해요.", "요즘 아무것도 하기 싫고 그냥 누워만 있어요."]
STYLE_SENTENCES = ["오늘 정말 힘든 하루였겠어요.", "그 마음이 충분히 이해돼요.", "잠깐 쉬어 가도 괜찮아요.",
                   "무엇이 가장 마음에 걸리나요?"]


# --------------------------------------------------------------------------- measuring helpers


def _sync():
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def gpu_memory() -> dict:
    """Peak and current allocated GPU memory in GiB (CPU: peak resident memory of the process)."""
    import resource

    import torch

    if torch.cuda.is_available():
        return {"peak_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
                "peak_reserved_gib": round(torch.cuda.max_memory_reserved() / 2**30, 2),
                "allocated_gib": round(torch.cuda.memory_allocated() / 2**30, 2)}
    return {"peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)}


def matmul_tflops(smoke: bool) -> float:
    """Measured dense matmul rate of this device (bf16 8192^3 on a GPU, fp32 512^3 on the CPU)."""
    import torch

    cuda = torch.cuda.is_available() and not smoke
    n, dtype, reps = (8192, torch.bfloat16, 10) if cuda else (512, torch.float32, 5)
    a = torch.randn(n, n, dtype=dtype, device="cuda" if cuda else "cpu")
    b = torch.randn_like(a)
    for _ in range(3):
        a @ b
    _sync()
    start = time.perf_counter()
    for _ in range(reps):
        a @ b
    _sync()
    return round(2 * n ** 3 * reps / (time.perf_counter() - start) / 1e12, 3)


def matmul_params(config) -> int:
    """Parameters that take part in a token's matrix products (every linear layer + lm_head)."""
    d, i, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    kv = config.num_key_value_heads * (getattr(config, "head_dim", None) or d // config.num_attention_heads)
    return layers * (2 * d * d + 2 * d * kv + 3 * d * i) + d * config.vocab_size


def mfu(tokens_per_s: float, config, mean_length: float, peak_tflops: float) -> dict:
    """Model FLOPs utilisation two ways (activation recomputation is never counted):

    - ``6n``: PaLM's convention, 6·N + 12·L·d·T per token (forward 2N, backward 4N);
    - ``lora``: 4·N + 8·L·d·T: with a frozen base the backward needs input gradients only (2N),
      the LoRA weights' own gradients are negligible.
    """
    n = matmul_params(config)
    attention = config.num_hidden_layers * config.hidden_size * mean_length
    out = {}
    for name, flops in (("6n", 6 * n + 12 * attention), ("lora", 4 * n + 8 * attention)):
        out[f"mfu_{name}"] = round(tokens_per_s * flops / (peak_tflops * 1e12), 4)
    out["matmul_params"] = n
    return out


def step_timer():
    """A TrainerCallback recording when each optimizer step ended and TRL's running token count."""
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):
        def __init__(self):
            self.steps: list[tuple[int, float, float | None]] = []  # (step, time, num_tokens)
            self.last_end = None
            self.train_begin = None
            self.model_gib = None

        def on_train_begin(self, args, state, control, **kwargs):
            import torch

            _sync()
            self.train_begin = time.perf_counter()
            if torch.cuda.is_available():
                self.model_gib = round(torch.cuda.memory_allocated() / 2**30, 2)

        def on_step_end(self, args, state, control, **kwargs):
            _sync()
            self.last_end = (state.global_step, time.perf_counter())

        def on_log(self, args, state, control, logs=None, **kwargs):
            if self.last_end and logs and "num_tokens" in logs and self.last_end[0] == state.global_step:
                self.steps.append((*self.last_end, float(logs["num_tokens"])))

        def throughput(self) -> dict:
            """Tokens/s over the steps after the first (warm-up); over all steps when only one ran."""
            if not self.steps:
                return {"error": "no step logged num_tokens"}
            if len(self.steps) >= 2:
                (s0, t0, n0), (s1, t1, n1) = self.steps[0], self.steps[-1]
                window = "steps %d-%d (step 1 left out as warm-up)" % (s0 + 1, s1)
            else:
                (s1, t1, n1), (t0, n0) = self.steps[0], (self.train_begin, 0.0)
                window = "step 1 only (warm-up included)"
            seconds = t1 - t0
            return {"tokens": int(n1 - n0), "seconds": round(seconds, 3),
                    "tokens_per_s": round((n1 - n0) / seconds, 1), "step_s": round(seconds / max(1, s1 - (
                        self.steps[0][0] if len(self.steps) >= 2 else 0)), 3), "window": window}

    return StepTimer()


# --------------------------------------------------------------------------- stages (one process each)


def _train_overrides(spec: dict, output_dir: str) -> dict:
    values = {"max_steps": spec["steps"], "logging_steps": 1, "save_strategy": "no", "eval_strategy": "no",
              "eval_on_start": False, "test_split_size": 0, "report_to": "none", "output_dir": output_dir,
              "dataloader_num_workers": 0, "disable_tqdm": True, "run_card_samples": 1}
    if spec["smoke"]:  # the CPU: fp32 compute, no paged optimizer, no mixed precision
        values.update(dtype="float32", bf16=False, fp16=False, optim="adamw_torch", use_cpu=True,
                      activation_checkpointing=False, per_device_train_batch_size=2, gradient_accumulation_steps=1,
                      max_length=256, run_card_samples=0)  # 4-bit decoding on the CPU is slow
    return values


def _throughput(timer, setup, card: dict, spec: dict, peak: float, config) -> dict:
    out = timer.throughput()
    stats = (card.get("data", {}).get("tokens", {}) or {}).get("train") or {}
    mean_length = float(stats.get("mean") or stats.get("mean_tokens") or 0) or setup.args.max_length
    if "tokens_per_s" in out:
        out.update(mfu(out["tokens_per_s"], config, mean_length, peak))
    out["mean_row_tokens"] = round(mean_length, 1)
    return out


def stage_sft(spec: dict) -> dict:
    from training.config import load_config
    from training.sft import run_sft

    overrides = {**_train_overrides(spec, spec["sft_dir"]), "model_name_or_path": spec["model"]}
    setup = load_config("sft", REPO / "training/configs/eeve_sft.yaml", overrides, check_hardware=not spec["smoke"])
    timer = step_timer()
    start = time.perf_counter()
    result = run_sft(setup, callbacks=[timer])
    out = {"wall_s": round(time.perf_counter() - start, 1),
           "setup_s": round(timer.train_begin - start, 1), "model_gib": timer.model_gib,
           "batch": f"{setup.args.per_device_train_batch_size}x{setup.args.gradient_accumulation_steps}",
           "max_length": setup.args.max_length, "steps": result.trainer.state.global_step,
           "loss_last": (result.card.get("metrics") or {}).get("train_loss_last")}
    out.update(_throughput(timer, setup, result.card, spec, spec["peak_tflops"], result.trainer.model.config))
    out.update(gpu_memory())
    return out


def _dpo_setup(spec: dict, output_dir: str):
    from training.config import load_config

    overrides = {**_train_overrides(spec, output_dir), "sft_adapter_path": spec["sft_dir"]}
    return load_config("dpo", REPO / "training/configs/eeve_dpo.yaml", overrides, check_hardware=not spec["smoke"])


def stage_dpo_shared(spec: dict) -> dict:
    from training.dpo import run_dpo

    setup = _dpo_setup(spec, tempfile.mkdtemp(prefix="gpu-check-dpo-"))
    timer = step_timer()
    start = time.perf_counter()
    result = run_dpo(setup, callbacks=[timer])
    out = {"reference": result.card["reference"]["description"], "wall_s": round(time.perf_counter() - start, 1),
           "setup_s": round(timer.train_begin - start, 1), "model_gib": timer.model_gib,
           "steps": result.trainer.state.global_step}
    out.update(timer.throughput())
    out.update(gpu_memory())
    return out


def stage_dpo_copy(spec: dict) -> dict:
    """The same DPO, but the reference is a second 4-bit model with the SFT adapter (not maeum's way)."""
    from peft import PeftModel

    from training.dpo import _trainer_class
    from training.modeling import load_adapter_for_training, load_model, load_tokenizer, resolve_model_path
    from training.prepare import load_and_split, tokenize_dpo

    setup = _dpo_setup(spec, tempfile.mkdtemp(prefix="gpu-check-dpo-copy-"))
    args, fmt, adapter = setup.args, setup.chat_format, spec["sft_dir"]
    start = time.perf_counter()
    tokenizer = load_tokenizer(adapter, fmt)
    split = load_and_split("dpo", setup.data, args.seed)
    train_ds = tokenize_dpo(split.train, tokenizer, fmt, setup.data.system_prompt)
    path = resolve_model_path(setup.model.model_name_or_path)
    policy = load_adapter_for_training(load_model(setup.model, args, path, tokenizer, fmt), adapter)
    # Merged (4-bit in, 4-bit out): TRL's fused log-prob forward needs a plain causal LM as ref_model.
    reference = PeftModel.from_pretrained(load_model(setup.model, args, path, tokenizer, fmt),
                                          adapter).merge_and_unload().eval()
    for param in reference.parameters():
        param.requires_grad_(False)
    args.model_init_kwargs = None
    trainer = _trainer_class()(model=policy, ref_model=reference, args=args, train_dataset=train_ds,
                               processing_class=tokenizer)
    timer = step_timer()
    trainer.add_callback(timer)
    trainer.train()
    out = {"reference": "a second 4-bit copy of the model with the SFT adapter",
           "wall_s": round(time.perf_counter() - start, 1), "setup_s": round(timer.train_begin - start, 1),
           "model_gib": timer.model_gib, "steps": trainer.state.global_step}
    out.update(timer.throughput())
    out.update(gpu_memory())
    return out


def _timed_generate(model, tokenizer, prompts: list[list[int]], new_tokens: int) -> dict:
    """Batched greedy generate with every decoding step timed: TTFT and decode tokens/s."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    stamps: list[float] = []

    class Stamp(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            _sync()
            stamps.append(time.perf_counter())
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    pad = tokenizer.pad_token_id
    width = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), width), pad, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, p in enumerate(prompts):  # left padding, as the prompt style engine does
        ids[row, width - len(p):] = torch.tensor(p)
        mask[row, width - len(p):] = 1
    device = next(model.parameters()).device
    _sync()
    start = time.perf_counter()
    with torch.inference_mode():
        model.generate(input_ids=ids.to(device), attention_mask=mask.to(device), do_sample=False,
                       max_new_tokens=new_tokens, min_new_tokens=new_tokens, pad_token_id=pad,
                       stopping_criteria=StoppingCriteriaList([Stamp()]))
    decode = stamps[-1] - stamps[0]
    return {"batch": len(prompts), "prompt_tokens": width, "new_tokens": len(stamps),
            "ttft_ms": round((stamps[0] - start) * 1000, 1),
            "decode_tokens_per_s": round(len(prompts) * (len(stamps) - 1) / decode, 1) if decode > 0 else None,
            "per_token_ms": round(decode / max(1, len(stamps) - 1) * 1000, 2)}


def stage_serve(spec: dict) -> dict:
    import torch
    from transformers import BitsAndBytesConfig

    from maeum.chat_format import render_for_generation
    from serving.generators.base import GenerationRequest
    from serving.generators.transformers_gen import TransformersGenerator
    from serving.personas.registry import load_personas
    from serving.style.prompt import PromptEngine
    from training.modeling import load_tokenizer, resolve_model_path
    from training.random_model import build_random_model

    smoke, name = spec["smoke"], spec["model"]
    dtype = torch.float32 if smoke else torch.bfloat16
    device = "cuda:0" if torch.cuda.is_available() and not smoke else "cpu"
    tokenizer = load_tokenizer(resolve_model_path(name), "eeve")
    quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                               bnb_4bit_compute_dtype=dtype)  # the generator's own 4-bit settings
    start = time.perf_counter()
    model = build_random_model(name, tokenizer, dtype=dtype, device=device, quantization_config=quant)
    _sync()
    out: dict = {"build_4bit_s": round(time.perf_counter() - start, 2), "after_build": gpu_memory()}
    new_tokens = spec["new_tokens"]

    generator = TransformersGenerator(name, chat_format="eeve", model=model, tokenizer=tokenizer, device=device,
                                      temperature=0.0, max_new_tokens=new_tokens)
    streams = []
    for prompt in PROMPTS[:2]:  # the first is the warm-up
        start = time.perf_counter()
        first, text = None, ""
        for piece in generator.stream(GenerationRequest(messages=[{"role": "user", "content": prompt}])):
            first = first or time.perf_counter()
            text += piece
        end = time.perf_counter()
        streams.append({"ttft_ms": round(((first or end) - start) * 1000, 1), "total_ms": round((end - start) * 1000, 1),
                        "text_tokens": generator.count_tokens(text)})
    out["stream_batch1"] = streams[-1]
    prompts = [render_for_generation([{"role": "user", "content": p}], tokenizer, "eeve").input_ids for p in PROMPTS]
    _timed_generate(model, tokenizer, prompts[:1], 4)  # warm-up
    out["generate"] = [_timed_generate(model, tokenizer, prompts[:b], new_tokens) for b in (1, 8)]

    persona = next((p for p in load_personas().all() if getattr(p, "examples", None)), None)
    engine = PromptEngine(model=model, tokenizer=tokenizer, chat_format="eeve", max_new_tokens=spec["style_tokens"],
                          device=device)
    if persona is None or not engine.load():
        out["style"] = {"error": "no persona with examples" if persona is None else engine.unavailable}
    else:
        engine.generate(STYLE_SENTENCES[:1], persona)  # warm-up
        _sync()
        start = time.perf_counter()
        outputs = engine.generate(STYLE_SENTENCES, persona)
        _sync()
        seconds = time.perf_counter() - start
        out["style"] = {"persona": persona.id, "sentences": len(STYLE_SENTENCES), "seconds": round(seconds, 3),
                        "sentences_per_s": round(len(STYLE_SENTENCES) / seconds, 2),
                        "outputs": len(outputs), "max_new_tokens": spec["style_tokens"]}
    out.update(gpu_memory())
    return out


STAGES = {"sft": stage_sft, "dpo_shared": stage_dpo_shared, "dpo_copy": stage_dpo_copy, "serve": stage_serve}


# --------------------------------------------------------------------------- driver


def run_in_process(name: str, spec: dict, log) -> dict:
    """One stage in this process (the smoke: imports paid once; peak memory is then cumulative)."""
    import traceback

    try:
        return STAGES[name](spec)
    except Exception as exc:  # noqa: BLE001 - recorded, the next stage still runs
        log.write(f"===== {name}\n{traceback.format_exc()}\n")
        return {"error": f"{type(exc).__name__}: {exc}"}


def run_stage(name: str, spec: dict, log) -> dict:
    """One stage in a fresh process; its result, or {"error": ...} with the log tail kept."""
    cmd = [sys.executable, __file__, "--worker", name, "--spec", json.dumps(spec)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=spec["stage_timeout"],
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                  [str(REPO)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])})
        stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        stderr = (exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or "") + \
            f"\n[stage {name} stopped after {spec['stage_timeout']} s]"
        rc = "timeout"
    log.write(f"===== {name} (rc {rc}, {time.perf_counter() - start:.1f} s)\n{stderr[-6000:]}\n")
    log.flush()
    lines = [ln for ln in stdout.splitlines() if ln.startswith("RESULT ")]
    if rc != 0 or not lines:
        tail = [ln for ln in stderr.strip().splitlines() if ln.strip()][-3:]
        return {"error": f"rc {rc}: " + " | ".join(tail)}
    return json.loads(lines[-1][len("RESULT "):])


def preflight() -> list[str]:
    """What this machine lacks for the run, found in seconds (before any device time is spent on stages)."""
    import importlib

    problems = []
    for module in ("trl", "peft", "datasets", "bitsandbytes", "pydantic", "transformers", "accelerate"):
        try:
            importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 - any import failure is a missing wheel
            problems.append(f"import {module}: {type(exc).__name__}: {exc}"[:300])
    return problems


def versions() -> dict:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for name in ("torch", "transformers", "peft", "trl", "bitsandbytes", "datasets", "accelerate", "pyarrow"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = None
    return out


def _fmt(value, unit: str = "") -> str:
    return "–" if value is None else f"{value:,}{unit}" if isinstance(value, (int, float)) else str(value)


def markdown(results: dict) -> str:
    r, s = results, results["stages"]
    sft, shared, copy, serve = (s.get(k, {}) for k in ("sft", "dpo_shared", "dpo_copy", "serve"))
    mem = "peak_gib" if not r["smoke"] else "peak_rss_gib"
    lines = [f"**{r['device']}**, {r['date']}; model `{r['model']}` (random weights, NF4 + double quant, "
             f"{'fp32' if r['smoke'] else 'bf16'} compute); torch {r['versions']['torch']}, transformers "
             f"{r['versions']['transformers']}, TRL {r['versions']['trl']}, PEFT {r['versions']['peft']}, "
             f"bitsandbytes {r['versions']['bitsandbytes']}; measured matmul peak {r['peak_tflops']} TFLOP/s"
             + (f", datasheet {r['datasheet_tflops']}" if r.get("datasheet_tflops") else "") + ".", "",
             "| stage | figure | value |", "|---|---|---:|"]

    def row(stage, figure, value):
        lines.append(f"| {stage} | {figure} | {value} |")

    for name, part in (("SFT", sft), ("DPO, shared reference", shared), ("DPO, second-copy reference", copy),
                       ("serving", serve)):
        if "error" in part:
            row(name, "**failed**", part["error"].replace("|", "/")[:300])
    if "error" not in sft:
        row("QLoRA SFT", f"tokens/s ({sft.get('window')}, batch {sft.get('batch')})", _fmt(sft.get("tokens_per_s")))
        row("QLoRA SFT", "MFU, 6N convention / frozen-base 4N (vs measured peak)",
            f"{_fmt(sft.get('mfu_6n'))} / {_fmt(sft.get('mfu_lora'))}")
        row("QLoRA SFT", "peak memory GiB (model alone)", f"{_fmt(sft.get(mem))} ({_fmt(sft.get('model_gib'))})")
    for name, part in (("DPO, shared reference", shared), ("DPO, second-copy reference", copy)):
        if "error" not in part:
            row(name, "peak memory GiB (model(s) alone)", f"{_fmt(part.get(mem))} ({_fmt(part.get('model_gib'))})")
            row(name, "tokens/s", _fmt(part.get("tokens_per_s")))
    if "error" not in serve:
        row("4-bit build", "seconds (random weights, layer by layer)", _fmt(serve.get("build_4bit_s")))
        st = serve.get("stream_batch1", {})
        row("generator stream, batch 1", "time to first token ms", _fmt(st.get("ttft_ms")))
        for g in serve.get("generate", []):
            row(f"generate, batch {g['batch']}", "TTFT ms / decode tokens/s",
                f"{_fmt(g['ttft_ms'])} / {_fmt(g['decode_tokens_per_s'])}")
        style = serve.get("style", {})
        row("prompt style engine", "sentences/s (4 sentences, one batch)",
            _fmt(style.get("sentences_per_s")) if "error" not in style else style["error"])
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="CPU: the tiny shape, two steps each")
    parser.add_argument("--out", default=os.environ.get("OUT") or "gpu_check_out", help="folder for the results")
    parser.add_argument("--steps", type=int, help="optimizer steps per training stage (default 4; smoke 2)")
    parser.add_argument("--new-tokens", type=int, help="tokens to decode per reply (default 64; smoke 8)")
    parser.add_argument("--stage-timeout", type=int, default=240, help="seconds one stage may take")
    parser.add_argument("--in-process", action=argparse.BooleanOptionalAction, default=None,
                        help="run the stages in this process (default with --smoke; peak memory is then cumulative)")
    parser.add_argument("--only", nargs="+", choices=list(STAGES), help="run only these stages")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
        result = STAGES[args.worker](json.loads(args.spec))
        print("RESULT " + json.dumps(result), flush=True)
        return 0

    import torch

    if not args.smoke and not torch.cuda.is_available():
        raise SystemExit("gpu_check needs a CUDA GPU (bitsandbytes 4-bit, bf16); use --smoke on a CPU")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    problems = preflight()
    if problems:  # e.g. the wheels from bench/prepare_gpu_wheels.sh were not installed
        (out_dir / "gpu_check.json").write_text(json.dumps({"preflight": problems, "versions": versions()},
                                                           indent=2), encoding="utf-8")
        raise SystemExit("gpu_check cannot start:\n  " + "\n  ".join(problems))
    device = torch.cuda.get_device_name(0) if not args.smoke else \
        f"CPU ({platform.machine()}, {os.cpu_count()} cores)"
    started = time.perf_counter()
    spec = {"smoke": args.smoke, "model": SMOKE_MODEL if args.smoke else GPU_MODEL,
            "steps": args.steps or (2 if args.smoke else 4), "new_tokens": args.new_tokens or (4 if args.smoke else 64),
            "style_tokens": 4 if args.smoke else 32, "stage_timeout": args.stage_timeout,
            "sft_dir": tempfile.mkdtemp(prefix="gpu-check-sft-"), "peak_tflops": matmul_tflops(args.smoke)}
    datasheet = next((v for k, v in DATASHEET_TFLOPS.items() if k in device), None)
    results = {"device": device, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "smoke": args.smoke,
               "model": spec["model"], "versions": versions(), "peak_tflops": spec["peak_tflops"],
               "datasheet_tflops": datasheet, "spec": spec, "stages": {}}
    in_process = args.smoke if args.in_process is None else args.in_process
    results["in_process"] = in_process
    with open(out_dir / "gpu_check.log", "w", encoding="utf-8") as log:
        for name in args.only or list(STAGES):
            if name.startswith("dpo") and "error" in results["stages"].get("sft", {}):
                results["stages"][name] = {"error": "skipped: the SFT stage made no adapter"}
                continue
            print(f"[{time.perf_counter() - started:6.1f} s] {name} ...", flush=True)
            runner = run_in_process if in_process else run_stage
            results["stages"][name] = runner(name, spec, log)
            print(json.dumps(results["stages"][name], ensure_ascii=False), flush=True)
    for part in results["stages"].values():  # MFU against the datasheet too, where the GPU is known
        if datasheet and "mfu_6n" in part:
            scale = spec["peak_tflops"] / datasheet
            part["mfu_6n_datasheet"], part["mfu_lora_datasheet"] = (round(part["mfu_6n"] * scale, 4),
                                                                    round(part["mfu_lora"] * scale, 4))
    results["total_s"] = round(time.perf_counter() - started, 1)
    (out_dir / "gpu_check.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "gpu_check.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    print(f"total {results['total_s']} s; wrote {out_dir}/gpu_check.json, gpu_check.md, gpu_check.log")
    return 1 if any("error" in part for part in results["stages"].values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
