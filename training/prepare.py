"""Data for the trainers: load (training.loaders), split, and tokenize with the ONE chat format.

SFT rows become ``input_ids`` + ``assistant_masks`` (from `render_for_training`): TRL's
SFTTrainer turns the mask into labels (-100 elsewhere), so loss falls on assistant tokens only.
DPO rows become ``prompt_ids`` / ``chosen_ids`` / ``rejected_ids`` rendered the same way, so
preference training sees exactly the prompt that serving builds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from maeum import paths
from maeum.chat_format import ChatFormatError, render_for_training
from maeum.errors import DataError

logger = logging.getLogger(__name__)


@dataclass
class SplitData:
    train: object  # datasets.Dataset of canonical rows
    eval: object | None
    train_reports: list
    eval_reports: list = field(default_factory=list)
    how: str = ""  # how the eval split was made, for the run card


def resolve_source(source):
    """A DataSource whose relative `data/...` path falls back to the bundled data folder."""
    from training.loaders import DataSource

    src = DataSource.of(source)
    p = Path(src.path)
    if not p.exists() and not p.is_absolute() and p.parts and p.parts[0] == "data":
        try:
            src.path = str(paths.data_file(str(Path(*p.parts[1:]))))
        except FileNotFoundError:
            pass  # the loader reports the original path
    return src


def _sources(data_args, which: str) -> list:
    if which == "train":
        items = list(data_args.datasets or []) or [data_args.dataset_name]
    else:
        items = list(data_args.eval_datasets or [])
    return [resolve_source(s) for s in items if s]


def load_and_split(kind: str, data_args, seed: int) -> SplitData:
    """Canonical rows for training and evaluation, with the loaders' reports."""
    from training.loaders import load_dpo, load_sft

    load = load_sft if kind == "sft" else load_dpo
    train, train_reports = load(_sources(data_args, "train"), on_bad_row=data_args.on_bad_row)
    for report in train_reports:
        logger.info("%s", report.summary())
    if data_args.eval_datasets:
        eval_ds, eval_reports = load(_sources(data_args, "eval"), on_bad_row=data_args.on_bad_row)
        return SplitData(train, eval_ds, train_reports, eval_reports, how="eval_datasets")
    size = data_args.test_split_size or 0
    if size <= 0:
        return SplitData(train, None, train_reports, how="none (test_split_size: 0)")
    n_eval = int(size) if size >= 1 else max(1, round(len(train) * size))
    if n_eval >= len(train):
        raise DataError(f"test_split_size {size} leaves no training rows out of {len(train)}; lower it or set "
                        f"eval_datasets")
    parts = train.train_test_split(test_size=n_eval, seed=seed, shuffle=True)
    return SplitData(parts["train"], parts["test"], train_reports,
                     how=f"{n_eval} of {len(train)} rows held out (test_split_size {size}, seed {seed})")


def _row_name(row: dict, index: int) -> str:
    return str(row.get("id") or f"row {index + 1}")


def tokenize_sft(dataset, tokenizer, fmt: str, system_prompt: str | None, assistant_only_loss: bool = True):
    """input_ids + assistant_masks per conversation (mask all ones when assistant_only_loss is false)."""

    def encode(row, index):
        try:
            ex = render_for_training(row["messages"], tokenizer, fmt, system_prompt=system_prompt)
        except ChatFormatError as exc:
            raise DataError(f"{row.get('source', 'data')}: {_row_name(row, index)}: {exc}") from None
        mask = ex.assistant_mask if assistant_only_loss else [1] * len(ex.input_ids)
        return {"input_ids": ex.input_ids, "assistant_masks": mask}

    return dataset.map(encode, with_indices=True, remove_columns=dataset.column_names,
                       desc="Rendering conversations in the chat format")


def _last_turn_start(mask: list[int]) -> int:
    end = len(mask)
    while end > 0 and not mask[end - 1]:
        end -= 1
    start = end
    while start > 0 and mask[start - 1]:
        start -= 1
    return start


def encode_pair(prompt: list[dict], chosen: list[dict], rejected: list[dict], tokenizer, fmt: str,
                system_prompt: str | None) -> dict[str, list[int]]:
    """prompt_ids / chosen_ids / rejected_ids, each completion ending with the format's end token."""
    c = render_for_training(list(prompt) + list(chosen), tokenizer, fmt, system_prompt=system_prompt)
    r = render_for_training(list(prompt) + list(rejected), tokenizer, fmt, system_prompt=system_prompt)
    cs, rs = _last_turn_start(c.assistant_mask), _last_turn_start(r.assistant_mask)
    if c.input_ids[:cs] != r.input_ids[:rs]:
        raise ChatFormatError("chosen and rejected do not share the same prompt tokens")
    return {"prompt_ids": c.input_ids[:cs], "chosen_ids": c.input_ids[cs:], "rejected_ids": r.input_ids[rs:]}


def tokenize_dpo(dataset, tokenizer, fmt: str, system_prompt: str | None):
    def encode(row, index):
        try:
            return encode_pair(row["prompt"], row["chosen"], row["rejected"], tokenizer, fmt, system_prompt)
        except ChatFormatError as exc:
            raise DataError(f"{row.get('source', 'data')}: {_row_name(row, index)}: {exc}") from None

    return dataset.map(encode, with_indices=True, remove_columns=dataset.column_names,
                       desc="Rendering preference pairs in the chat format")


def length_stats(lengths: list[int], max_length: int | None) -> dict:
    if not lengths:
        return {"rows": 0}
    ordered = sorted(lengths)
    return {"rows": len(lengths), "tokens": sum(lengths), "mean": round(sum(lengths) / len(lengths), 1),
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], "max": ordered[-1],
            "over_max_length": sum(1 for n in lengths if max_length is not None and n > max_length)}
