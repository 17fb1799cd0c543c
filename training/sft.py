"""`maeum train sft`: supervised fine-tuning on multi-turn conversations with TRL's SFTTrainer.

Conversations are rendered by `maeum.chat_format.render_for_training` into ``input_ids`` and
``assistant_masks``; SFTTrainer accepts that pre-tokenized dataset and builds labels that are
-100 everywhere except the assistant turns (content + end token). With ``packing: true``
(TRL's best-fit-decreasing packing, padding-free) the same labels travel with the packed
tokens and each conversation keeps its own positions, so nothing attends across
conversations (see docs/training.md, "Packing").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from . import runs
from .config import TrainingSetup, resume_value
from .modeling import lora_config, load_model, load_tokenizer, parameter_counts, resolve_model_path
from .prepare import length_stats, load_and_split, tokenize_sft

logger = logging.getLogger(__name__)


@dataclass
class Prepared:
    """A built trainer and what the run card needs to describe it."""

    setup: TrainingSetup
    trainer: object
    tokenizer: object
    split: object
    stats: dict
    model_path: str
    clock: runs.Clock
    reference: str | None = None  # DPO: what the reference model is
    sft_card: dict | None = None  # DPO: the run card of the SFT adapter it starts from


def prepare_sft(setup: TrainingSetup) -> Prepared:
    """Data rendered in the chat format, model (+LoRA) loaded, SFTTrainer built; nothing trained."""
    from trl import SFTTrainer

    args, data = setup.args, setup.data
    clock = runs.start(setup)
    fmt = setup.chat_format
    model_path = resolve_model_path(setup.model.model_name_or_path)
    tokenizer = load_tokenizer(model_path, fmt, revision=setup.model.model_revision,
                               trust_remote_code=args.trust_remote_code)

    split = load_and_split("sft", data, args.seed)
    # maeum always renders and masks itself; TRL's own assistant_only_loss path re-renders with the
    # tokenizer's template, so it is switched off here after the resolved config recorded the choice.
    assistant_only = bool(args.assistant_only_loss)
    args.assistant_only_loss = False
    train_ds = tokenize_sft(split.train, tokenizer, fmt, data.system_prompt, assistant_only)
    eval_ds = tokenize_sft(split.eval, tokenizer, fmt, data.system_prompt, assistant_only) \
        if split.eval is not None else None
    stats = {"train": length_stats([len(x) for x in train_ds["input_ids"]], args.max_length),
             "assistant_tokens": sum(sum(m) for m in train_ds["assistant_masks"]),
             "loss_on": "assistant turns" if assistant_only else "all tokens"}
    if stats["train"].get("over_max_length"):
        logger.warning("%d of %d conversations are longer than max_length=%s and will be cut (keep_start)",
                       stats["train"]["over_max_length"], len(train_ds), args.max_length)

    model = load_model(setup.model, args, model_path, tokenizer, fmt)
    args.model_init_kwargs = None  # already applied by load_model
    trainer = SFTTrainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                         processing_class=tokenizer, peft_config=lora_config(setup.model))
    return Prepared(setup, trainer, tokenizer, split, stats, model_path, clock)


def run_sft(setup: TrainingSetup, callbacks=()) -> runs.RunResult:
    """Train and write the output folder; `callbacks` (TrainerCallback) watch the run (bench/gpu_check.py)."""
    with runs.removed_on_failure(setup.args):
        return _run_sft(setup, callbacks)


def _run_sft(setup: TrainingSetup, callbacks) -> runs.RunResult:
    prep = prepare_sft(setup)
    args, trainer = setup.args, prep.trainer
    for callback in callbacks:
        trainer.add_callback(callback)
    params = parameter_counts(trainer.model)
    logger.info("training %s of %s parameters (%s); packing=%s; chat format %s", f"{params['trainable']:,}",
                f"{params['total']:,}", "LoRA" if setup.model.use_peft else "full", args.packing, setup.chat_format)
    result = trainer.train(resume_from_checkpoint=resume_value(args))
    metrics = {"train": result.metrics}
    if trainer.eval_dataset is not None:
        metrics["eval_final"] = runs.final_eval(trainer)
    card = runs.base_card(setup, prep.clock, model_path=prep.model_path, split=prep.split, stats=prep.stats,
                          params=params, lora=runs.lora_summary(trainer.model))
    card["training"]["packing"] = args.packing
    card["metrics"] = metrics
    runs.finish(setup, trainer, prep.tokenizer, card, prep.split, prep.clock)
    return runs.RunResult(output_dir=args.output_dir, metrics=metrics, trainer=trainer, card=card)
