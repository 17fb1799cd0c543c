"""`maeum train style`: fine-tune KoBART into one persona-conditioned style rewriter.

    input : <s> <style=TARGET> [previous sentence <ctx>] source sentence </s>
    output: the sentence in the target style </s>

(the format lives in `serving.style.kobart.encode_source`, which serving uses too).

Training pairs:
- SmileStyle: every source style in `data.source_styles` (formal, informal) → every target
  style the personas use (`data.target_styles: personas`, or an explicit list), from the
  training dialogues only; the held-out dialogues (`split_by_dialogue`, fixed seed) give the
  validation loss and the generation evaluation;
- every persona's own example pairs (neutral → persona), under the persona's SmileStyle
  label, repeated `data.persona_example_repeat` times.

Labels are padded with -100 (`DataCollatorForSeq2Seq(label_pad_token_id=-100)`), so padding
never counts in the loss. Early stopping watches the validation loss with *lower is better*
(`greater_is_better=False`); the best checkpoint is reloaded at the end and saved to
`OUTPUT/final`. The final evaluation generates text (beam or greedy, as configured) and
scores it with the style harness (`training.evaluation.style`) — never teacher-forced logits.

Outputs in `output_dir`: `checkpoint-*` (resumable with `--resume`), `final/` (model,
tokenizer with the control tokens, `maeum_style.json`), `loss.png`, `eval/` (results.json,
results.md, predictions.tsv), `RUN_CARD.md` / `run_card.json`, `pairs_report.json`.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import logging
import math
import random
import time
import types
import typing
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maeum.errors import ConfigError, MaeumError

logger = logging.getLogger(__name__)

TINY_MODEL = "tiny"  # `model: tiny` builds the tiny KoBART-family BART (maeum.tiny_models)


# ----------------------------------------------------------------------------- config
@dataclass
class StyleDataConfig:
    smilestyle: str | None = None  # SmileStyle TSV; default ../shared/data/smilestyle/smilestyle_train.tsv
    source_styles: list[str] = field(default_factory=lambda: ["formal", "informal"])
    target_styles: Any = "personas"  # "personas" (the styles the personas use) or a list of styles
    personas_dir: str | None = None  # default: the bundled personas/ folder
    persona_examples: bool = True  # add every persona's own (neutral → persona) example pairs
    persona_example_repeat: int = 3
    with_context: bool = True  # the previous sentence of the dialogue goes before <ctx>
    valid_fraction: float = 0.1
    split_seed: int = 0
    max_source_length: int = 128  # tokens; KoBART's tokenizer sets no model_max_length
    max_target_length: int = 128
    max_train_pairs: int | None = None  # random subset (fixed seed) for quick runs
    max_valid_pairs: int | None = 2000


@dataclass
class StyleTrainConfig:
    epochs: float = 5.0
    max_steps: int = -1  # > 0 overrides epochs
    batch_size: int = 16
    eval_batch_size: int = 32
    gradient_accumulation_steps: int = 1
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    lr_scheduler: str = "linear"
    max_grad_norm: float = 1.0
    eval_steps: int = 500  # validation loss every N steps; checkpoints at the same steps
    logging_steps: int = 50
    save_total_limit: int = 2
    early_stopping_patience: int = 3  # evaluations without improvement of the validation loss
    early_stopping_threshold: float = 0.0
    seed: int = 42
    precision: str = "auto"  # auto | fp32 | fp16 | bf16 (auto: bf16 on a GPU that has it, else fp32)
    num_workers: int = 0
    cpu_threads: int | None = None  # torch threads on a CPU run (1 is often fastest on a shared machine)
    report_to: list[str] = field(default_factory=list)  # e.g. [tensorboard] or [wandb]


@dataclass
class StyleGenerationConfig:
    num_beams: int = 4  # 1 = greedy
    max_new_tokens: int = 64
    min_length_ratio: float = 0.4
    max_length_ratio: float = 3.0
    min_content_overlap: float = 0.15  # see serving.style.checks: below it, the output falls back to rules


@dataclass
class StyleEvalConfig:
    source_style: str = "formal"  # held-out sentences in this style are rewritten into each target
    max_sentences_per_style: int | None = 100  # None: the whole validation split
    fluency_model: str | None = None  # causal LM for perplexity (optional)
    enabled: bool = True


@dataclass
class StyleConfig:
    model: str = "hyunwoongko/kobart"  # hub id (via kobart-transformers), a local folder, or "tiny"
    output_dir: str = "runs/kobart_style"
    data: StyleDataConfig = field(default_factory=StyleDataConfig)
    train: StyleTrainConfig = field(default_factory=StyleTrainConfig)
    generation: StyleGenerationConfig = field(default_factory=StyleGenerationConfig)
    eval: StyleEvalConfig = field(default_factory=StyleEvalConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _coerce(value, annotation, where: str):
    """Light type checking for YAML values (YAML already gives ints, floats, bools, lists)."""
    hints = typing.get_args(annotation) if isinstance(annotation, types.UnionType) or \
        typing.get_origin(annotation) is typing.Union else (annotation,)
    if value is None:
        if type(None) in hints or annotation is Any:
            return None
        raise ConfigError(f"{where}: a value is required")
    if annotation is Any:
        return value
    for hint in hints:
        origin = typing.get_origin(hint) or hint
        if origin is bool and isinstance(value, bool):
            return value
        if origin is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if origin is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if origin is str and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        if origin is list:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if isinstance(value, (list, tuple)):
                return list(value)
    names = " or ".join(getattr(h, "__name__", str(h)) for h in hints if h is not type(None))
    raise ConfigError(f"{where}: expected {names}, got {value!r}")


def _build(cls, data: dict, where: str):
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'config'}: expected a mapping of settings, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for key, value in data.items():
        if key not in fields:
            close = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(fields)}"
            raise ConfigError(f"{where + ': ' if where else ''}unknown key {key!r}{hint}")
        sub = f"{where}.{key}" if where else key
        if dataclasses.is_dataclass(hints[key]):
            kwargs[key] = _build(hints[key], value or {}, sub)
        else:
            kwargs[key] = _coerce(value, hints[key], sub)
    return cls(**kwargs)


def _set_dotted(data: dict, dotted: str, value) -> None:
    keys = dotted.split(".")
    node = data
    for key in keys[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError(f"--set {dotted}: {key!r} is not a section")
    node[keys[-1]] = value


def load_config(path: str | Path | None = None, overrides: list[str] | None = None) -> StyleConfig:
    """YAML file (optional) + `key.sub=value` overrides → StyleConfig, with closest-key errors."""
    import yaml

    from training.config import read_yaml  # the same YAML errors (file, line) as the SFT/DPO configs

    data: dict = {}
    where = "config"
    if path is not None:
        data = read_yaml(path)
        where = str(path)
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: expected key=value (e.g. train.epochs=1)")
        key, raw = item.split("=", 1)
        _set_dotted(data, key.strip(), yaml.safe_load(raw))
    try:
        cfg = _build(StyleConfig, data, "")
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}" if path is not None else str(exc)) from None
    _validate(cfg, where)
    return cfg


def _validate(cfg: StyleConfig, where: str) -> None:
    from training.loaders.smilestyle import SMILESTYLE_STYLES

    if isinstance(cfg.data.target_styles, str) and cfg.data.target_styles != "personas":
        cfg.data.target_styles = [s.strip() for s in cfg.data.target_styles.split(",") if s.strip()]

    for style in cfg.data.source_styles + ([] if isinstance(cfg.data.target_styles, str)
                                           else list(cfg.data.target_styles)):
        if style not in SMILESTYLE_STYLES:
            close = difflib.get_close_matches(style, SMILESTYLE_STYLES, n=1)
            raise ConfigError(f"{where}: unknown SmileStyle style {style!r}"
                              + (f"; did you mean {close[0]!r}?" if close else ""))
    if isinstance(cfg.data.target_styles, str) and cfg.data.target_styles != "personas":
        raise ConfigError(f"{where}: data.target_styles must be 'personas' or a list of styles")
    if cfg.eval.source_style not in SMILESTYLE_STYLES:
        raise ConfigError(f"{where}: eval.source_style {cfg.eval.source_style!r} is not a SmileStyle style")
    if cfg.train.precision not in ("auto", "fp32", "fp16", "bf16"):
        raise ConfigError(f"{where}: train.precision must be auto, fp32, fp16 or bf16")
    if not 0 < cfg.data.valid_fraction < 1:
        raise ConfigError(f"{where}: data.valid_fraction must be between 0 and 1")
    if cfg.train.eval_steps < 1 or cfg.train.batch_size < 1:
        raise ConfigError(f"{where}: train.eval_steps and train.batch_size must be at least 1")


# ----------------------------------------------------------------------------- data
def smilestyle_path(cfg: StyleConfig) -> Path:
    if cfg.data.smilestyle:
        return Path(cfg.data.smilestyle)
    from maeum import paths

    shared = paths.shared_data_dir()
    if shared is None:
        raise ConfigError("data.smilestyle is not set and ../shared/data is not beside this checkout; "
                          "point data.smilestyle at smilestyle_train.tsv")
    return shared / "smilestyle" / "smilestyle_train.tsv"


def load_persona_list(personas_dir: str | None = None) -> list:
    """Every persona in the registry (raises MaeumError with the reason when it cannot)."""
    try:
        from serving.personas import load_personas
    except ImportError:
        try:
            from serving.personas.registry import load_personas
        except ImportError as exc:
            raise MaeumError(f"the persona registry is not available ({exc})") from exc
    registry = load_personas(personas_dir) if personas_dir else load_personas()
    return sorted(registry.all(), key=lambda p: p.id)


def persona_styles(personas: list) -> list[str]:
    from serving.style.kobart import persona_style

    return sorted({s for s in (persona_style(p) for p in personas) if s})


def resolve_target_styles(cfg: StyleConfig, personas: list | None) -> list[str]:
    if isinstance(cfg.data.target_styles, str):  # "personas"
        if personas is None:
            raise ConfigError("data.target_styles is 'personas' but the personas could not be loaded; "
                              "list the target styles explicitly")
        styles = persona_styles(personas)
        if not styles:
            raise ConfigError("no persona names a SmileStyle style (style.smilestyle); list data.target_styles")
        return styles
    return sorted(set(cfg.data.target_styles))


def build_pairs(cfg: StyleConfig) -> tuple[list[dict], list[dict], dict]:
    """(train pairs, validation pairs, report). Each pair: source, target, target_style, context, origin."""
    from training.loaders.smilestyle import read_smilestyle, split_by_dialogue, style_pairs

    personas = None
    persona_error = None
    if cfg.data.target_styles == "personas" or cfg.data.persona_examples:
        try:
            personas = load_persona_list(cfg.data.personas_dir)
        except MaeumError as exc:
            persona_error = str(exc)
            if cfg.data.target_styles == "personas":
                raise ConfigError(f"data.target_styles is 'personas' but {exc}; list the styles explicitly") from exc
            logger.warning("persona examples left out: %s", exc)
    targets = resolve_target_styles(cfg, personas)
    rows = read_smilestyle(smilestyle_path(cfg))
    train_rows, valid_rows = split_by_dialogue(rows, cfg.data.valid_fraction, cfg.data.split_seed)
    sources = tuple(cfg.data.source_styles)
    train = style_pairs(train_rows, sources, tuple(targets), with_context=cfg.data.with_context)
    valid = style_pairs(valid_rows, sources, tuple(targets), with_context=cfg.data.with_context)
    for p in train + valid:
        p["origin"] = "smilestyle"
    rng = random.Random(cfg.train.seed)
    if cfg.data.max_train_pairs and len(train) > cfg.data.max_train_pairs:
        train = rng.sample(train, cfg.data.max_train_pairs)
    if cfg.data.max_valid_pairs and len(valid) > cfg.data.max_valid_pairs:
        valid = rng.sample(valid, cfg.data.max_valid_pairs)
    persona_pairs = []
    label_owner: dict[str, str] = {}
    if cfg.data.persona_examples and personas:
        from serving.style.kobart import persona_style

        for persona in personas:
            style = persona_style(persona)
            if style not in targets:
                continue
            if style in label_owner:
                logger.warning("personas %s and %s share the style %r: their examples train the same control "
                               "token", label_owner[style], persona.id, style)
            label_owner.setdefault(style, persona.id)
            for ex in getattr(persona, "examples", None) or []:
                neutral, voiced = getattr(ex, "neutral", None), getattr(ex, "persona", None)
                if neutral and voiced:
                    persona_pairs.append({"source": neutral, "target": voiced, "source_style": "persona-neutral",
                                          "target_style": style, "context": "", "origin": f"persona:{persona.id}"})
    train = train + persona_pairs * max(1, cfg.data.persona_example_repeat)
    rng.shuffle(train)
    report = {
        "smilestyle": str(smilestyle_path(cfg)), "rows": len(rows), "train_dialogues": len({r.dialogue for r in train_rows}),
        "valid_dialogues": len({r.dialogue for r in valid_rows}), "source_styles": list(sources),
        "target_styles": targets, "train_pairs": len(train), "valid_pairs": len(valid),
        "persona_example_pairs": len(persona_pairs), "persona_example_repeat": cfg.data.persona_example_repeat,
        "train_pairs_by_target": dict(sorted(Counter(p["target_style"] for p in train).items())),
        "personas_error": persona_error,
    }
    return train, valid, report


class PairDataset:
    """Tokenised pairs for the Trainer: input_ids, attention_mask, labels (unpadded lists)."""

    def __init__(self, pairs: list[dict], tokenizer, cfg: StyleConfig):
        from serving.style.kobart import encode_source, encode_target

        self.items = []
        for p in pairs:
            ids = encode_source(tokenizer, p["source"], p["target_style"], p.get("context") or None,
                                cfg.data.max_source_length)
            labels = encode_target(tokenizer, p["target"], cfg.data.max_target_length)
            self.items.append({"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels})

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return self.items[i]


def make_collator(tokenizer, model):
    """Pads inputs with the pad id and labels with -100; builds decoder inputs from the labels."""
    from transformers import DataCollatorForSeq2Seq

    return DataCollatorForSeq2Seq(tokenizer, model=model, padding=True, label_pad_token_id=-100,
                                  return_tensors="pt")


# ----------------------------------------------------------------------------- model
def load_base_model(cfg: StyleConfig, out_dir: Path):
    from serving.style.kobart import load_kobart

    if cfg.model == TINY_MODEL:
        base = out_dir / "tiny_base"
        if not (base / "config.json").exists():
            from maeum.tiny_models import build_tiny_bart

            logger.info("building the tiny KoBART-family BART in %s", base)
            build_tiny_bart(base)
        return load_kobart(str(base))
    if cfg.model != "hyunwoongko/kobart" and not Path(cfg.model).exists():
        raise ConfigError(f"model {cfg.model!r}: no such folder (use 'hyunwoongko/kobart', a local path or 'tiny')")
    try:
        return load_kobart(cfg.model)
    except (OSError, ValueError) as exc:  # offline hub: OSError, or ValueError from the fast tokenizer
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MaeumError(f"could not load {cfg.model!r} ({first}). Without access to the Hugging Face hub, "
                         f"download hyunwoongko/kobart elsewhere and set `model:` to that local folder "
                         f"(--set model=/path/to/kobart)") from exc


def _precision(cfg: StyleConfig) -> dict:
    import torch

    p = cfg.train.precision
    if p == "auto":
        p = "bf16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "fp32"
    if p in ("fp16", "bf16") and not torch.cuda.is_available():
        logger.warning("precision %s needs a GPU; training in fp32", p)
        p = "fp32"
    return {"fp16": p == "fp16", "bf16": p == "bf16", "_name": p}


# ----------------------------------------------------------------------------- training
def _steps(cfg: StyleConfig, n_train: int) -> int:
    if cfg.train.max_steps and cfg.train.max_steps > 0:
        return cfg.train.max_steps
    per_epoch = math.ceil(n_train / (cfg.train.batch_size * cfg.train.gradient_accumulation_steps))
    return max(1, math.ceil(per_epoch * cfg.train.epochs))


def find_checkpoint(out_dir: Path, resume: str | bool | None) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    if not resume:
        return None
    if resume is True or resume == "last":
        last = get_last_checkpoint(str(out_dir)) if out_dir.is_dir() else None
        if last is None:
            raise MaeumError(f"--resume: no checkpoint-* folder in {out_dir} to resume from")
        return last
    if not Path(resume).is_dir():
        raise MaeumError(f"--resume {resume}: no such checkpoint folder")
    return str(resume)


def training_arguments(cfg: StyleConfig, out_dir: Path, total_steps: int, precision: dict | None = None):
    """Seq2SeqTrainingArguments: checkpoints at every evaluation, best = lowest validation loss."""
    import torch
    from transformers import Seq2SeqTrainingArguments

    precision = precision or _precision(cfg)
    return Seq2SeqTrainingArguments(
        output_dir=str(out_dir),
        num_train_epochs=cfg.train.epochs,
        max_steps=cfg.train.max_steps if cfg.train.max_steps and cfg.train.max_steps > 0 else -1,
        per_device_train_batch_size=cfg.train.batch_size,
        per_device_eval_batch_size=cfg.train.eval_batch_size,
        gradient_accumulation_steps=cfg.train.gradient_accumulation_steps,
        learning_rate=cfg.train.learning_rate,
        weight_decay=cfg.train.weight_decay,
        warmup_steps=int(round(cfg.train.warmup_ratio * total_steps)),
        lr_scheduler_type=cfg.train.lr_scheduler,
        max_grad_norm=cfg.train.max_grad_norm,
        eval_strategy="steps", eval_steps=cfg.train.eval_steps,
        save_strategy="steps", save_steps=cfg.train.eval_steps,
        save_total_limit=cfg.train.save_total_limit,
        logging_strategy="steps", logging_steps=cfg.train.logging_steps, logging_first_step=True,
        # Early stopping and the best checkpoint: validation LOSS, lower is better.
        load_best_model_at_end=True, metric_for_best_model="eval_loss", greater_is_better=False,
        restore_callback_states_from_checkpoint=True,
        predict_with_generate=False,  # generation is evaluated once, at the end, with the harness
        seed=cfg.train.seed, data_seed=cfg.train.seed,
        fp16=precision["fp16"], bf16=precision["bf16"],
        dataloader_num_workers=cfg.train.num_workers,
        report_to=cfg.train.report_to or "none",
        disable_tqdm=False,
        use_cpu=not torch.cuda.is_available(),
    )


def train_style(cfg: StyleConfig, *, resume: str | bool | None = None, overwrite: bool = False,
                config_path: str | None = None, command: str | None = None) -> dict:
    """Train, reload the best checkpoint, save `final/`, plot, evaluate by generation, write the run card."""
    from transformers import set_seed

    started = time.time()
    out_dir = Path(cfg.output_dir)
    checkpoint = find_checkpoint(out_dir, resume)
    if checkpoint is None and out_dir.is_dir() and any(out_dir.glob("checkpoint-*")) and not overwrite:
        raise MaeumError(f"{out_dir} already holds checkpoints: pass --resume to continue that run or "
                         f"--overwrite to start a new one there")
    if checkpoint is None and overwrite and out_dir.is_dir():
        import shutil

        # Old checkpoints would confuse checkpoint rotation and a later --resume.
        for old in sorted(out_dir.glob("checkpoint-*")):
            logger.info("--overwrite: removing %s", old)
            shutil.rmtree(old)
    out_dir.mkdir(parents=True, exist_ok=True)
    set_seed(cfg.train.seed)
    import torch

    threads_before = torch.get_num_threads()
    if cfg.train.cpu_threads and not torch.cuda.is_available():
        torch.set_num_threads(cfg.train.cpu_threads)
    try:
        return _train(cfg, out_dir, checkpoint, started, config_path, command)
    finally:
        torch.set_num_threads(threads_before)


def _train(cfg: StyleConfig, out_dir: Path, checkpoint: str | None, started: float, config_path: str | None,
           command: str | None) -> dict:
    from transformers import EarlyStoppingCallback, Seq2SeqTrainer

    from serving.style.kobart import StyleModelMeta, add_control_tokens
    from training.run_card import plot_curves

    train_pairs, valid_pairs, report = build_pairs(cfg)
    if not train_pairs or not valid_pairs:
        raise MaeumError(f"no training or validation pairs (train {len(train_pairs)}, valid {len(valid_pairs)}); "
                         f"check data.source_styles / target_styles")
    styles = report["target_styles"]
    meta_path = out_dir / "styles.json"
    if checkpoint and meta_path.exists():
        before = json.loads(meta_path.read_text(encoding="utf-8"))
        if before != {"styles": styles, "with_context": cfg.data.with_context}:
            raise MaeumError(f"cannot resume: the run was started with {before}, now "
                             f"styles={styles}, with_context={cfg.data.with_context}")
    meta_path.write_text(json.dumps({"styles": styles, "with_context": cfg.data.with_context}), encoding="utf-8")
    (out_dir / "pairs_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    logger.info("style pairs: %d train, %d valid, targets %s", len(train_pairs), len(valid_pairs), ", ".join(styles))

    tokenizer, model = load_base_model(cfg, out_dir)
    added = add_control_tokens(tokenizer, model, styles, cfg.data.with_context)
    meta = StyleModelMeta(styles=styles, with_context=cfg.data.with_context,
                          max_source_length=cfg.data.max_source_length,
                          max_target_length=cfg.data.max_target_length, base_model=cfg.model,
                          extra={"source_styles": cfg.data.source_styles})
    train_ds = PairDataset(train_pairs, tokenizer, cfg)
    valid_ds = PairDataset(valid_pairs, tokenizer, cfg)

    total_steps = _steps(cfg, len(train_ds))
    precision = _precision(cfg)
    args = training_arguments(cfg, out_dir, total_steps, precision)
    trainer = Seq2SeqTrainer(
        model=model, args=args, train_dataset=train_ds, eval_dataset=valid_ds,
        data_collator=make_collator(tokenizer, model), processing_class=tokenizer,
        callbacks=[EarlyStoppingCallback(cfg.train.early_stopping_patience, cfg.train.early_stopping_threshold)],
    )
    train_output = trainer.train(resume_from_checkpoint=checkpoint)
    state = trainer.state
    final_metrics = trainer.evaluate()  # validation loss of the best (reloaded) model

    final_dir = out_dir / "final"
    trainer.save_model(str(final_dir))
    tokenizer.save_pretrained(str(final_dir))
    meta.extra.update({"best_checkpoint": state.best_model_checkpoint, "best_eval_loss": state.best_metric})
    meta.save(final_dir)

    history = list(state.log_history)
    (out_dir / "log_history.json").write_text(json.dumps(history, indent=1), encoding="utf-8")
    plot = None
    try:
        plot = plot_curves(history, out_dir, "style")[0]
    except ImportError:
        logger.warning("matplotlib is not installed: no loss plot")

    eval_result = None
    if cfg.eval.enabled:
        eval_result = evaluate_checkpoint(cfg, trainer.model, tokenizer, meta, out_dir / "eval")

    planned = state.max_steps or total_steps
    stopped_early = state.global_step < planned
    result = {
        "output_dir": str(out_dir), "final_model": str(final_dir), "global_step": state.global_step,
        "planned_steps": planned, "stopped_early": bool(stopped_early),
        "best_checkpoint": state.best_model_checkpoint, "best_eval_loss": state.best_metric,
        "final_eval_loss": final_metrics.get("eval_loss"), "train_loss": train_output.training_loss,
        "resumed_from": checkpoint, "control_tokens_added": added, "precision": precision["_name"],
        "parameters": sum(p.numel() for p in trainer.model.parameters()),
        "seconds": round(time.time() - started, 1), "loss_plot": str(plot) if plot else None,
        "pairs": report, "generation_eval": eval_result["overall"] if eval_result else None,
    }
    write_run_card(out_dir, cfg, result, history, eval_result, config_path=config_path, command=command)
    return result


# ----------------------------------------------------------------------------- after training
def evaluate_checkpoint(cfg: StyleConfig, model, tokenizer, meta, out_dir: Path) -> dict:
    """Generate on the held-out dialogues and score with the style harness."""
    from serving.style.checks import OutputCheck
    from serving.style.kobart import KoBARTEngine
    from training.evaluation.style.harness import evaluate_engine

    engine = KoBARTEngine(model=model, tokenizer=tokenizer, meta=meta, num_beams=cfg.generation.num_beams,
                          max_new_tokens=cfg.generation.max_new_tokens,
                          check=OutputCheck(cfg.generation.min_length_ratio, cfg.generation.max_length_ratio,
                                            min_content_overlap=cfg.generation.min_content_overlap))
    model.eval()
    return evaluate_engine(engine, smilestyle_path(cfg), out_dir, split="valid",
                           valid_fraction=cfg.data.valid_fraction, seed=cfg.data.split_seed,
                           source_style=cfg.eval.source_style, target_styles=meta.styles,
                           limit_per_style=cfg.eval.max_sentences_per_style,
                           fluency_model=cfg.eval.fluency_model, personas_dir=cfg.data.personas_dir,
                           quiet=True)


def write_run_card(out_dir: Path, cfg: StyleConfig, result: dict, history: list[dict], eval_result: dict | None,
                   config_path: str | None = None, command: str | None = None) -> Path:
    """run_card.json + RUN_CARD.md (the same names and helpers as the SFT/DPO run cards)."""
    import torch

    from training import run_card

    env = run_card.versions()
    env["device"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    card = {
        "kind": "style", "finished": run_card.now(), "git_commit": run_card.git_commit(),
        "command": command or run_card.command_line(), "config_file": config_path, "config": cfg.to_dict(),
        "environment": env, "history": run_card.summarize_history(history), "result": result,
        "generation_eval": {k: v for k, v in (eval_result or {}).items() if k != "table"} or None,
    }
    (out_dir / "run_card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2, default=str),
                                           encoding="utf-8")
    pairs = result["pairs"]
    evals = list({h["step"]: h for h in history if "eval_loss" in h}.values())  # the final re-evaluation repeats a step
    lines = [
        f"# Run card: maeum train style ({cfg.model})", "",
        f"- finished: {card['finished']}; wall time {result['seconds']} s; git {card['git_commit'] or 'unknown'}",
        f"- command: `{card['command']}`" + (f" (config `{config_path}`)" if config_path else ""),
        f"- device {env['device']}, precision {result['precision']}; parameters {result['parameters']:,}; "
        f"control tokens added: {result['control_tokens_added']}",
        f"- data: {pairs['smilestyle']} ({pairs['rows']} rows; {pairs['train_dialogues']} training / "
        f"{pairs['valid_dialogues']} held-out dialogues, split seed {cfg.data.split_seed})",
        f"- pairs: {pairs['train_pairs']} train (persona example pairs: {pairs['persona_example_pairs']} × "
        f"{pairs['persona_example_repeat']}), {pairs['valid_pairs']} validation; sources "
        f"{', '.join(pairs['source_styles'])} → targets {', '.join(pairs['target_styles'])}",
        f"- steps: {result['global_step']} of {result['planned_steps']} planned"
        + (" (stopped early: validation loss stopped improving)" if result["stopped_early"] else "")
        + (f"; resumed from {result['resumed_from']}" if result["resumed_from"] else ""),
        f"- best validation loss: {_fmt(result['best_eval_loss'])} at {result['best_checkpoint']}; "
        f"mean train loss {_fmt(result['train_loss'])}",
        f"- final model: `{result['final_model']}`", "",
        "## Validation loss (early stopping: lower is better)", "",
        "| step | validation loss |", "|---:|---:|",
        *[f"| {h['step']} | {h['eval_loss']:.4f} |" for h in evals], "",
    ]
    if result.get("loss_plot"):
        lines += ["Curves: `loss.png`.", ""]
    if eval_result:
        lines += ["## Evaluation by generation (held-out dialogues)", "", eval_result["table"], ""]
    lines += ["## Environment", "", *[f"- {k}: {v}" for k, v in env.items()], "",
              "## Config", "", "```json", json.dumps(cfg.to_dict(), ensure_ascii=False, indent=2), "```", ""]
    path = out_dir / "RUN_CARD.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _fmt(value) -> str:
    return f"{value:.4f}" if isinstance(value, (int, float)) else str(value)
