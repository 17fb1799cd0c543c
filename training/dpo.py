"""`maeum train dpo`: preference tuning with TRL's DPOTrainer, starting from the SFT adapter.

The reference model is the SFT policy, and no second copy of the base model is loaded:

- ``sft_adapter_path`` set (the usual case): the base model is loaded once, the SFT adapter is
  loaded on it as the trainable adapter ``default``, and TRL adds a frozen copy of it named
  ``ref``. Reference log-probs are computed with ``ref`` active, policy log-probs with
  ``default``: two small adapters, one base. We check that ``ref`` exists and equals the SFT
  weights before training (without it TRL would disable adapters for the reference, and the
  reference would silently be the *base* model).
- no ``sft_adapter_path`` and ``use_peft: true``: a new LoRA on ``model_name_or_path`` (e.g. an
  SFT model merged with `maeum train merge`); the reference is that model with the adapter off.
- full fine-tuning (``use_peft: false``) would need a second full model as reference, so it is
  only allowed with ``precompute_ref_log_probs: true`` (reference log-probs computed once, up front).

At step 0 the policy equals the reference, so the implicit rewards of chosen and rejected are
both exactly zero; with ``eval_on_start: true`` the run card records that check.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from maeum.errors import ConfigError, MaeumError

from . import runs
from .config import TrainingSetup, resume_value
from .modeling import (load_adapter_for_training, load_model, load_tokenizer, lora_config, parameter_counts,
                       resolve_model_path)
from .prepare import length_stats, load_and_split, tokenize_dpo
from .sft import Prepared

logger = logging.getLogger(__name__)

REF_ADAPTER = "ref"


def _trainer_class():
    from trl import DPOTrainer
    from trl.data_utils import get_dataset_column_names

    class MaeumDPOTrainer(DPOTrainer):
        """DPOTrainer that accepts pairs already rendered by maeum's chat format.

        TRL's DPO preparation always re-renders `prompt`/`chosen`/`rejected` with the tokenizer's
        template; ours arrive as `prompt_ids`/`chosen_ids`/`rejected_ids` (the columns TRL's own
        preparation produces), so only its max_length filter is applied.
        """

        def _prepare_dataset(self, dataset, processing_class, args, dataset_name):
            if "prompt_ids" not in get_dataset_column_names(dataset):
                return super()._prepare_dataset(dataset, processing_class, args, dataset_name)
            if args.max_length is not None and args.truncation_mode == "keep_start":
                before = len(dataset)
                dataset = dataset.filter(lambda ex: len(ex["prompt_ids"]) < args.max_length,
                                         desc=f"Dropping {dataset_name} pairs whose prompt fills max_length")
                if len(dataset) < before:
                    logger.warning("%d %s pairs dropped: the prompt alone is >= max_length=%d",
                                   before - len(dataset), dataset_name, args.max_length)
            return dataset

    return MaeumDPOTrainer


def _sft_card(adapter_path: str | None) -> dict:
    if not adapter_path:
        return {}
    card = Path(adapter_path) / "run_card.json"
    try:
        return json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {}
    except ValueError:
        return {}


def align_reference_dtype(model) -> int:
    """Give the frozen 'ref' adapter the dtype of the trainable one; returns how many tensors changed.

    Under QLoRA, TRL casts the trainable adapter to bf16 but leaves the copy it adds as 'ref' in
    fp32, so policy and reference would compute in different precisions (and the reference would
    cost twice the memory). Same values, same dtype: the step-0 rewards are then exactly zero.
    """
    changed = 0
    for name, param in model.named_parameters():
        if f".{REF_ADAPTER}." not in name:
            continue
        twin = model.get_parameter(name.replace(f".{REF_ADAPTER}.", ".default."))
        if param.dtype != twin.dtype:
            param.data = param.data.to(twin.dtype)
            changed += 1
    return changed


def verify_reference(model, adapter_path: str) -> str:
    """The frozen 'ref' adapter must exist and equal the SFT adapter (same dtype, same values),
    or the reference is not the SFT policy."""
    import torch

    config = getattr(model, "peft_config", {})
    if REF_ADAPTER not in config:
        raise MaeumError("DPO has no frozen copy of the SFT adapter, so the reference would be the base model, "
                         "not the SFT policy; this TRL/PEFT version does not add it. Stopping.")
    n = 0
    for name, param in model.named_parameters():
        if f".{REF_ADAPTER}." in name:
            if param.requires_grad:
                raise MaeumError(f"the reference adapter is trainable ({name}); the reference would drift")
            twin = model.get_parameter(name.replace(f".{REF_ADAPTER}.", ".default."))
            if param.dtype != twin.dtype:
                raise MaeumError(f"the reference adapter is {param.dtype} but the policy adapter is {twin.dtype} "
                                 f"at {name}; the two would not compute the same log-probs at step 0")
            if not torch.equal(param.data, twin.data):
                raise MaeumError(f"the reference adapter differs from the SFT adapter at {name}")
            n += 1
    if n == 0:
        raise MaeumError("the reference adapter holds no weights")
    return (f"SFT policy: the SFT adapter {adapter_path} loaded a second time as frozen adapter "
            f"'{REF_ADAPTER}' on the same base weights ({n} tensors checked equal at start)")


def reference_check(log_history: list[dict]) -> dict | None:
    """Step-0 implicit rewards (from eval_on_start): both ~0 iff the reference is the starting policy."""
    for record in log_history:
        if record.get("step") == 0 and "eval_rewards/chosen" in record:
            chosen, rejected = record["eval_rewards/chosen"], record["eval_rewards/rejected"]
            ok = abs(chosen) < 1e-3 and abs(rejected) < 1e-3
            if not ok:
                logger.warning("step-0 rewards are not zero (chosen %.4g, rejected %.4g): the reference is not "
                               "the starting policy", chosen, rejected)
            return {"step0_rewards_chosen": chosen, "step0_rewards_rejected": rejected, "reference_is_policy": ok}
    return None


def prepare_dpo(setup: TrainingSetup) -> Prepared:
    """Pairs rendered in the chat format, SFT adapter loaded twice on one base, DPOTrainer built."""
    args, data, model_args = setup.args, setup.data, setup.model
    adapter = data.sft_adapter_path
    sft_card = _sft_card(adapter)
    sft_format = sft_card.get("model", {}).get("chat_format")
    if sft_format and sft_format != setup.chat_format:
        raise ConfigError(f"the SFT adapter was trained in chat format {sft_format!r} but this DPO run would use "
                          f"{setup.chat_format!r}; set chat_format: {sft_format}")
    if not adapter and not model_args.use_peft and not args.precompute_ref_log_probs:
        raise ConfigError("full fine-tuning DPO (use_peft: false) would load a second full model as the "
                          "reference; set sft_adapter_path (recommended), use_peft: true, or "
                          "precompute_ref_log_probs: true")
    if adapter and args.sync_ref_model:
        raise ConfigError("sync_ref_model is not supported with an SFT adapter (TRL: PEFT has no separate "
                          "reference model to sync); set sync_ref_model: false")

    clock = runs.start(setup)
    fmt = setup.chat_format
    model_path = resolve_model_path(model_args.model_name_or_path)
    tokenizer_path = adapter if adapter and (Path(adapter) / "tokenizer_config.json").is_file() else model_path
    tokenizer = load_tokenizer(tokenizer_path, fmt, trust_remote_code=args.trust_remote_code)

    split = load_and_split("dpo", data, args.seed)
    train_ds = tokenize_dpo(split.train, tokenizer, fmt, data.system_prompt)
    eval_ds = tokenize_dpo(split.eval, tokenizer, fmt, data.system_prompt) if split.eval is not None else None
    lengths = [len(p) + max(len(c), len(r))
               for p, c, r in zip(train_ds["prompt_ids"], train_ds["chosen_ids"], train_ds["rejected_ids"])]
    stats = {"train": length_stats(lengths, args.max_length)}

    model = load_model(model_args, args, model_path, tokenizer, fmt)
    args.model_init_kwargs = None
    peft_config = None
    if adapter:
        model = load_adapter_for_training(model, adapter)
        if any(k.startswith("lora_") and k != "lora_task_type" for k in setup.user_keys):
            logger.info("lora_* keys are ignored: DPO continues the SFT adapter with its own LoRA settings")
    elif model_args.use_peft:
        peft_config = lora_config(model_args)

    trainer = _trainer_class()(model=model, ref_model=None, args=args, train_dataset=train_ds,
                               eval_dataset=eval_ds, processing_class=tokenizer, peft_config=peft_config)
    if adapter:
        cast = align_reference_dtype(trainer.model)
        if cast:
            logger.info("cast %d tensors of the frozen reference adapter to the policy adapter's dtype", cast)
        reference = verify_reference(trainer.model, adapter)
    elif model_args.use_peft:
        reference = f"the starting model {model_args.model_name_or_path} (new LoRA adapter disabled)"
    else:
        reference = "log-probs of the starting model, precomputed before training"
    if args.precompute_ref_log_probs:
        reference += "; reference log-probs precomputed once"
    logger.info("DPO reference: %s", reference)
    return Prepared(setup, trainer, tokenizer, split, stats, model_path, clock, reference, sft_card)


def run_dpo(setup: TrainingSetup, callbacks=()) -> runs.RunResult:
    """Train and write the output folder; `callbacks` (TrainerCallback) watch the run (bench/gpu_check.py)."""
    with runs.removed_on_failure(setup.args):
        return _run_dpo(setup, callbacks)


def _run_dpo(setup: TrainingSetup, callbacks) -> runs.RunResult:
    prep = prepare_dpo(setup)
    args, trainer = setup.args, prep.trainer
    for callback in callbacks:
        trainer.add_callback(callback)
    params = parameter_counts(trainer.model)
    result = trainer.train(resume_from_checkpoint=resume_value(args))
    metrics = {"train": result.metrics}
    if trainer.eval_dataset is not None:
        metrics["eval_final"] = runs.final_eval(trainer)
    check = reference_check(trainer.state.log_history)
    if check:
        metrics["reference_check"] = check
    card = runs.base_card(setup, prep.clock, model_path=prep.model_path, split=prep.split, stats=prep.stats,
                          params=params, lora=runs.lora_summary(trainer.model))
    sft_card = prep.sft_card or {}
    card["reference"] = {"description": prep.reference, "sft_adapter_path": setup.data.sft_adapter_path,
                         "sft_run": {k: sft_card.get(k) for k in ("finished", "command")} if sft_card else None}
    card["training"].update(beta=args.beta, loss_type=args.loss_type, label_smoothing=args.label_smoothing,
                            precompute_ref_log_probs=args.precompute_ref_log_probs)
    card["metrics"] = metrics
    runs.finish(setup, trainer, prep.tokenizer, card, prep.split, prep.clock)
    # PEFT saves every adapter; the frozen reference copy is the SFT adapter, not an output of this run.
    if trainer.is_world_process_zero():
        shutil.rmtree(Path(args.output_dir) / REF_ADAPTER, ignore_errors=True)
    return runs.RunResult(output_dir=args.output_dir, metrics=metrics, trainer=trainer, card=card)
