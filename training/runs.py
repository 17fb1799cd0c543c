"""What SFT and DPO runs share: checks before loading anything, and the output folder after."""

from __future__ import annotations

import importlib.util
import json
import logging
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from maeum.errors import ConfigError

from . import run_card
from .config import TrainingSetup, save_resolved

logger = logging.getLogger(__name__)

REPORTERS = {"wandb": ("wandb", "pip install 'maeum[wandb]' (or pip install wandb)"),
             "tensorboard": ("tensorboard", "pip install tensorboard")}


@dataclass
class RunResult:
    output_dir: Path
    metrics: dict
    trainer: object
    card: dict = field(default_factory=dict)


def check_report_to(args) -> None:
    targets = args.report_to if isinstance(args.report_to, list) else [args.report_to]
    for target in targets:
        if target in (None, "none", "all"):
            continue
        if target in REPORTERS:
            module, install = REPORTERS[target]
            if importlib.util.find_spec(module) is None and not (
                    target == "tensorboard" and importlib.util.find_spec("tensorboardX")):
                raise ConfigError(f"report_to: {target} needs the {module} package: {install}; "
                                  "or set report_to: none")


def warn_about_existing_checkpoints(args) -> None:
    out = Path(args.output_dir)
    if out.is_dir() and any(out.glob("checkpoint-*")) and not args.resume_from_checkpoint:
        logger.warning("%s already holds checkpoints; this run starts from step 0. Pass "
                       "--resume_from_checkpoint true to continue from the last one.", out)


class Clock:
    def __init__(self):
        self.start = time.time()

    @property
    def seconds(self) -> float:
        return round(time.time() - self.start, 1)


def start(setup: TrainingSetup) -> Clock:
    """Checks that must stop a run before any model or data is loaded; writes the resolved config."""
    clock = Clock()
    check_report_to(setup.args)
    warn_about_existing_checkpoints(setup.args)
    for note in setup.notes:
        logger.info("%s", note)
    out = Path(setup.args.output_dir)
    if setup.args.process_index == 0:
        out.mkdir(parents=True, exist_ok=True)
        save_resolved(setup, out / "resolved_config.yaml")
    return clock


@contextmanager
def removed_on_failure(args):
    """A run that fails removes the output folder it created, unless it holds resumable checkpoints.

    `start` writes the folder (resolved_config.yaml) before anything loads, so a bad model path,
    bad data or a crash would otherwise leave a half-made folder that looks like a run.
    """
    out = Path(args.output_dir)
    existed = out.exists()
    try:
        yield
    except BaseException:
        if not existed and args.process_index == 0 and out.is_dir():
            if any(out.glob("checkpoint-*")):
                logger.warning("the run failed; %s keeps its checkpoints (resume with --resume_from_checkpoint "
                               "true)", out)
            else:
                shutil.rmtree(out, ignore_errors=True)
                logger.info("the run failed; removed the unfinished output folder %s", out)
        raise


def base_card(setup: TrainingSetup, clock: Clock, *, model_path: str, split, stats: dict, params: dict,
              lora: dict | None) -> dict:
    from .modeling import device_summary

    args, model = setup.args, setup.model
    return {
        "kind": setup.kind,
        "finished": run_card.now(),
        "wall_time_s": clock.seconds,
        "command": run_card.command_line(),
        "config_file": setup.config_path,
        "model": {
            "name": model.model_name_or_path, "path": model_path, "revision": model.model_revision,
            "dtype": model.dtype, "load_in_4bit": model.load_in_4bit, "load_in_8bit": model.load_in_8bit,
            "attn_implementation": model.attn_implementation, "chat_format": setup.chat_format,
            "system_prompt_sha": run_card.text_hash(setup.data.system_prompt), "parameters": params, "lora": lora,
        },
        "data": {
            "train_sources": [r.to_dict() for r in split.train_reports],
            "eval_sources": [r.to_dict() for r in split.eval_reports],
            "split": split.how, "train_rows": len(split.train),
            "eval_rows": len(split.eval) if split.eval is not None else 0, "tokens": stats,
        },
        "training": {
            "max_steps": args.max_steps, "num_train_epochs": args.num_train_epochs,
            "per_device_train_batch_size": args.per_device_train_batch_size,
            "gradient_accumulation_steps": args.gradient_accumulation_steps, "world_size": args.world_size,
            "learning_rate": args.learning_rate, "bf16": args.bf16, "fp16": args.fp16,
            "activation_checkpointing": args.gradient_checkpointing, "seed": args.seed,
        },
        "environment": {**run_card.versions(), **device_summary(), "git_commit": run_card.git_commit()},
        "notes": list(setup.notes),
    }


def lora_summary(model) -> dict | None:
    config = getattr(model, "peft_config", None)
    if not config:
        return None
    cfg = config.get("default") or next(iter(config.values()))
    targets = cfg.target_modules
    if isinstance(targets, (set, list, tuple)):
        targets = sorted({t.split(".")[-1] for t in targets})  # "all-linear" expands to every layer's name
    return {"r": cfg.r, "lora_alpha": cfg.lora_alpha, "lora_dropout": cfg.lora_dropout, "target_modules": targets,
            "modules_to_save": sorted(cfg.modules_to_save) if cfg.modules_to_save else None,
            "use_rslora": cfg.use_rslora, "use_dora": cfg.use_dora}


def final_eval(trainer) -> dict | None:
    """Eval metrics at the last step: reused from the training loop's log when it just evaluated."""
    if trainer.eval_dataset is None:
        return None
    logged = [h for h in trainer.state.log_history if "eval_loss" in h]
    if logged and logged[-1].get("step") == trainer.state.global_step:
        return dict(logged[-1])
    return trainer.evaluate()


def full_state_dict_for_saving(trainer) -> bool:
    """Under FSDP, gather a full state dict before `save_model` (PEFT's FSDP-QLoRA recipe).

    Training keeps SHARDED_STATE_DICT (fast checkpoints), but saved from shards the adapter comes
    out empty or split per rank. Accelerate keeps an existing sharded config when only the type
    changes, so the config is cleared first. Returns whether anything was switched.
    """
    if not getattr(trainer, "is_fsdp_enabled", False):
        return False
    plugin = trainer.accelerator.state.fsdp_plugin
    plugin.state_dict_config = None
    plugin.optim_state_dict_config = None
    plugin.set_state_dict_type("FULL_STATE_DICT")
    return True


def samples(setup: TrainingSetup, trainer, tokenizer, card: dict) -> list[dict]:
    """A few greedy replies of the trained model for the run card; never fails the finished run."""
    count = setup.data.run_card_samples
    if not count:
        return []
    if setup.args.world_size > 1:  # sharded models cannot generate on one rank
        card["notes"].append("no sample replies: the run was distributed over several processes")
        return []
    from .evaluation.generate import sample_replies

    model = trainer.accelerator.unwrap_model(trainer.model)
    was_training = model.training
    model.eval()
    try:
        return sample_replies(model, tokenizer, setup.chat_format, setup.data.system_prompt, count)
    except Exception as exc:  # noqa: BLE001 - a sample must never lose a finished run
        logger.warning("could not generate the run card's sample replies: %s", exc)
        card["notes"].append(f"sample replies failed: {exc}")
        return []
    finally:
        model.train(was_training)


def finish(setup: TrainingSetup, trainer, tokenizer, card: dict, split, clock: Clock) -> None:
    """Adapter (or model) + tokenizer with the chat template + run card + curves, main process only."""
    out = Path(setup.args.output_dir)
    full_state_dict_for_saving(trainer)
    trainer.save_model(str(out))
    if not trainer.is_world_process_zero():
        return
    tokenizer.save_pretrained(str(out))
    split_info = {"how": split.how,
                  "eval_ids": list(split.eval["id"]) if split.eval is not None and "id" in split.eval.column_names
                  else []}
    (out / "data_split.json").write_text(json.dumps(split_info, ensure_ascii=False, indent=1), encoding="utf-8")
    card["metrics"] = {**run_card.summarize_history(trainer.state.log_history), **card.get("metrics", {})}
    card["training"]["global_step"] = trainer.state.global_step
    card["training"]["epochs_done"] = trainer.state.epoch
    card["samples"] = samples(setup, trainer, tokenizer, card)
    card["wall_time_s"] = clock.seconds
    card["finished"] = run_card.now()
    run_card.write_run_card(out, card)
    try:
        run_card.plot_curves(trainer.state.log_history, out, setup.kind)
    except Exception as exc:  # noqa: BLE001 - a plot must never lose a finished run
        logger.warning("could not draw the training curves: %s", exc)
    logger.info("wrote %s (adapter, tokenizer, resolved_config.yaml, run_card.json, RUN_CARD.md, loss.png)", out)
