"""`maeum eval prefs`: how often each stage prefers the chosen reply, on held-out pairs.

For every stage (base, SFT, DPO, ...) and pair, the log-probability of the chosen and of the
rejected reply given the prompt, rendered in the shared chat format. Reported per stage:

- ``acc``: fraction of pairs with log p(chosen) > log p(rejected) (summed over reply tokens);
- ``margin``: mean of log p(chosen) - log p(rejected);
- ``acc/tok``, ``margin/tok``: the same with per-token means (removes the length effect);
- ``reward acc`` / ``reward margin`` (vs the row above): DPO's implicit reward without beta,
  i.e. log-ratio (stage / previous stage) of chosen minus that of rejected. For the DPO row
  under the SFT row, this is exactly DPO's reward accuracy / margin with the SFT reference.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT, NATIVE, get_format
from maeum.errors import ConfigError, DataError

from ..prepare import encode_pair, resolve_source
from .stages import load_stages, use_stage

logger = logging.getLogger(__name__)


def load_pairs(data: str, heldout_from: str | None = None, max_pairs: int | None = None) -> list[dict]:
    from training.loaders import load_dpo_rows

    rows, reports = load_dpo_rows([resolve_source(data)])
    for report in reports:
        logger.info("%s", report.summary())
    if heldout_from:
        split_file = Path(heldout_from) / "data_split.json"
        if not split_file.is_file():
            raise ConfigError(f"--heldout-from {heldout_from}: no data_split.json (is it a maeum training run?)")
        ids = set(json.loads(split_file.read_text(encoding="utf-8")).get("eval_ids") or [])
        if not ids:
            raise ConfigError(f"{split_file} lists no held-out ids (the run had no eval split)")
        rows = [r for r in rows if r["id"] in ids]
        if not rows:
            raise DataError(f"none of the {len(ids)} held-out ids of {heldout_from} are in {data}")
    return rows[:max_pairs] if max_pairs else rows


def completion_logps(model, tokenizer, prompts: list[list[int]], completions: list[list[int]],
                     batch_size: int = 8) -> list[tuple[float, int]]:
    """(sum of log p(completion tokens | prompt), number of completion tokens) per example."""
    import torch

    device = next(model.parameters()).device
    out = []
    pad = tokenizer.pad_token_id
    for start in range(0, len(prompts), batch_size):
        p_batch, c_batch = prompts[start:start + batch_size], completions[start:start + batch_size]
        seqs = [p + c for p, c in zip(p_batch, c_batch)]
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), pad, dtype=torch.long)
        attn = torch.zeros((len(seqs), width), dtype=torch.long)
        labels = torch.full((len(seqs), width), -100, dtype=torch.long)
        for i, (p, c) in enumerate(zip(p_batch, c_batch)):
            n = len(p) + len(c)
            ids[i, :n] = torch.tensor(p + c)
            attn[i, :n] = 1
            labels[i, len(p):n] = torch.tensor(c)
        with torch.no_grad():
            logits = model(input_ids=ids.to(device), attention_mask=attn.to(device), use_cache=False).logits.float()
        logp = torch.log_softmax(logits[:, :-1], dim=-1)
        target = labels[:, 1:].to(device)
        mask = target != -100
        picked = logp.gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1) * mask
        for i in range(len(seqs)):
            out.append((float(picked[i].sum()), int(mask[i].sum())))
    return out


BASE_DEFAULT = object()  # "the base model's own prompt when known, else the adapters' prompt"


def evaluate_preferences(*, model: str, adapters: list[str], data: str = "data/seed_preferences.jsonl",
                         heldout_from: str | None = None, chat_format: str | None = None,
                         include_base: bool = True, max_pairs: int | None = None, batch_size: int = 8,
                         load_in_4bit: bool = False, system_prompt: str | None = COUNSELLOR_SYSTEM_PROMPT,
                         base_system_prompt: str | None = BASE_DEFAULT) -> list[dict]:
    """One row per stage; see the module docstring for the columns.

    `system_prompt` is what the adapters were trained with (the counsellor prompt by default);
    the base row gets `base_system_prompt`: by default the base model's own trained prompt
    where the format knows it (KULLM3's card: weaker without it), so the base row is fair.
    """
    pairs = load_pairs(data, heldout_from, max_pairs)
    net, tokenizer, fmt, stages = load_stages(model, adapters, chat_format=chat_format, include_base=include_base,
                                              load_in_4bit=load_in_4bit)
    if base_system_prompt is BASE_DEFAULT:
        base_system_prompt = NATIVE if get_format(fmt).native_system_prompt else system_prompt

    def encode(prompt_text):
        return [encode_pair(r["prompt"], r["chosen"], r["rejected"], tokenizer, fmt, prompt_text) for r in pairs]

    encodings = {system_prompt: encode(system_prompt)}
    rows, previous = [], None
    for stage in stages:
        stage_prompt = base_system_prompt if stage.name == "base" else system_prompt
        if stage_prompt not in encodings:
            encodings[stage_prompt] = encode(stage_prompt)
        encoded = encodings[stage_prompt]
        prompts = [e["prompt_ids"] for e in encoded]
        with use_stage(net, stage):
            chosen = completion_logps(net, tokenizer, prompts, [e["chosen_ids"] for e in encoded], batch_size)
            rejected = completion_logps(net, tokenizer, prompts, [e["rejected_ids"] for e in encoded], batch_size)
        diffs = [c[0] - r[0] for c, r in zip(chosen, rejected)]
        norm = [c[0] / c[1] - r[0] / r[1] for c, r in zip(chosen, rejected)]
        row = {"stage": stage.name, "adapter": stage.path, "pairs": len(pairs),
               "acc": _mean([d > 0 for d in diffs]), "margin": _mean(diffs),
               "acc_per_token": _mean([d > 0 for d in norm]), "margin_per_token": _mean(norm),
               "system_prompt": "none" if not stage_prompt else "native" if stage_prompt == NATIVE else
               ("counsellor" if stage_prompt == COUNSELLOR_SYSTEM_PROMPT else "custom")}
        if previous is not None:
            rewards = [(c[0] - pc[0]) - (r[0] - pr[0]) for c, r, pc, pr in
                       zip(chosen, rejected, previous["chosen"], previous["rejected"])]
            row.update({"reward_vs": previous["name"], "reward_acc": _mean([x > 0 for x in rewards]),
                        "reward_margin": _mean(rewards)})
        rows.append(row)
        previous = {"name": stage.name, "chosen": chosen, "rejected": rejected}
    return rows


def _mean(values) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else float("nan")


def format_table(rows: list[dict]) -> str:
    header = ["stage", "pairs", "acc", "margin", "acc/tok", "margin/tok", "reward acc", "reward margin"]
    lines = [header]
    for r in rows:
        vs = f" (vs {r['reward_vs']})" if "reward_vs" in r else ""
        lines.append([r["stage"], str(r["pairs"]), f"{r['acc']:.3f}", f"{r['margin']:+.3f}",
                      f"{r['acc_per_token']:.3f}", f"{r['margin_per_token']:+.4f}",
                      f"{r['reward_acc']:.3f}{vs}" if "reward_acc" in r else "-",
                      f"{r['reward_margin']:+.3f}" if "reward_margin" in r else "-"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)
