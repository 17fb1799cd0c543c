"""What a run leaves beside its adapter: a run card (JSON + Markdown) and PNG training curves."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

logger = logging.getLogger(__name__)

PACKAGES = ("maeum", "torch", "transformers", "trl", "peft", "datasets", "accelerate", "bitsandbytes", "deepspeed",
            "flash-attn")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    try:
        import torch

        out["cuda"] = torch.version.cuda or "none"
    except ImportError:
        pass
    return out


def git_commit() -> str | None:
    try:
        from maeum.paths import REPO_ROOT

        result = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=5)
        return result.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def text_hash(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def command_line() -> str:
    return " ".join(["maeum" if Path(sys.argv[0]).name in ("maeum", "__main__.py") else sys.argv[0], *sys.argv[1:]])


def summarize_history(log_history: list[dict]) -> dict:
    """First/last train loss and every eval record, from `trainer.state.log_history`."""
    train = [h for h in log_history if "loss" in h and "eval_loss" not in h]
    evals = [h for h in log_history if any(k.startswith("eval_") for k in h)]
    out: dict = {}
    if train:
        out["train_loss_first"] = train[0]["loss"]
        out["train_loss_last"] = train[-1]["loss"]
    final = [h for h in log_history if "train_runtime" in h]
    if final:
        out["train_loss_mean"] = final[-1].get("train_loss")
        out["train_runtime_s"] = final[-1].get("train_runtime")
    if evals:
        out["eval_first"] = {k: v for k, v in evals[0].items() if k.startswith("eval_") or k == "step"}
        out["eval_last"] = {k: v for k, v in evals[-1].items() if k.startswith("eval_") or k == "step"}
    return out


def write_run_card(out_dir: str | Path, card: dict) -> None:
    out = Path(out_dir)
    (out / "run_card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    (out / "RUN_CARD.md").write_text(render_markdown(card), encoding="utf-8")


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def render_markdown(card: dict) -> str:
    model = card.get("model", {})
    lines = [f"# Run card: maeum train {card.get('kind')}", "",
             f"- finished: {card.get('finished')}, wall time {_fmt(card.get('wall_time_s'))} s",
             f"- command: `{card.get('command')}`",
             f"- model: `{model.get('name')}` (dtype {model.get('dtype')}, 4-bit {model.get('load_in_4bit')}, "
             f"chat format `{model.get('chat_format')}`)",
             f"- parameters: {model.get('parameters')}"]
    if card.get("reference"):
        lines.append(f"- reference model: {card['reference'].get('description')}")
    lora = model.get("lora")
    lines += ["", "## LoRA", ""]
    lines += [f"- {k}: {_fmt(v)}" for k, v in lora.items()] if lora else ["- none (full fine-tuning)"]
    lines += ["", "## Hyperparameters", ""] + [f"- {k}: {_fmt(v)}" for k, v in card.get("training", {}).items()]
    lines += ["", "## Data", "", "| split | source | read | kept | dropped | content hash |", "|---|---|---|---|---|---|"]
    for split in ("train", "eval"):
        for report in card.get("data", {}).get(f"{split}_sources", []):
            lines.append(f"| {split} | {report['source']} | {report['rows_read']} | {report['rows_kept']} | "
                         f"{len(report.get('dropped', []))} | `{report['content_hash']}` |")
    data = card.get("data", {})
    lines += ["", f"- split: {data.get('split')}", f"- rows: train {data.get('train_rows')}, eval {data.get('eval_rows')}",
              f"- tokens: {data.get('tokens')}", "", "## Metrics", ""]
    for key, value in card.get("metrics", {}).items():
        if isinstance(value, dict):
            lines.append(f"- {key}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in value.items()))
        else:
            lines.append(f"- {key}: {_fmt(value)}")
    if card.get("samples"):
        lines += ["", "## Sample replies (greedy, fixed prompts)", ""]
        for sample in card["samples"]:
            lines += [f"- **{sample['prompt_id']}** 사용자: {sample['user']}",
                      f"  - 답변 ({sample['new_tokens']} tokens): {sample['reply'] or '(empty)'}"]
    lines += ["", "## Environment", ""]
    lines += [f"- {k}: {v}" for k, v in card.get("environment", {}).items()]
    if card.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in card["notes"]]
    lines += ["", "Curves: `loss.png`" + (", `rewards.png`" if card.get("kind") == "dpo" else "") +
              ". Full config: `resolved_config.yaml`.", ""]
    return "\n".join(lines)


def _series(history: list[dict], key: str) -> tuple[list, list]:
    pts = [(h["step"], h[key]) for h in history if key in h and h.get(key) is not None and "step" in h]
    return [p[0] for p in pts], [p[1] for p in pts]


def plot_curves(log_history: list[dict], out_dir: str | Path, kind: str) -> list[Path]:
    """loss.png (train + eval loss); for DPO also rewards.png (reward accuracy and margin)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    written = []
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, style in (("loss", "-"), ("eval_loss", "o--")):
        x, y = _series(log_history, key)
        if x:
            ax.plot(x, y, style, label="eval" if key.startswith("eval") else "train")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(f"maeum {kind.upper()} loss")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "loss.png", dpi=110)
    plt.close(fig)
    written.append(out / "loss.png")
    if kind == "dpo":
        fig, axes = plt.subplots(1, 2, figsize=(11, 4))
        for ax, metric in zip(axes, ("accuracies", "margins")):
            for prefix, style in (("", "-"), ("eval_", "o--")):
                x, y = _series(log_history, f"{prefix}rewards/{metric}")
                if x:
                    ax.plot(x, y, style, label=f"{'eval' if prefix else 'train'}")
            ax.set_title(f"reward {metric}")
            ax.set_xlabel("step")
            ax.grid(alpha=0.3)
            ax.legend()
        fig.tight_layout()
        fig.savefig(out / "rewards.png", dpi=110)
        plt.close(fig)
        written.append(out / "rewards.png")
    return written
