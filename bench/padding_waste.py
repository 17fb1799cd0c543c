"""How much of a training batch is padding, at real conversation lengths, per batching recipe.

    python bench/padding_waste.py [--batch-size 8] [--max-length 1024 2048]

Data, each rendered in the EEVE chat format with the counsellor system prompt exactly as
`maeum train sft` renders it (`maeum.chat_format.render_for_training`):

- the 88 bundled seed conversations (multi-turn, long);
- ChatbotData (../shared/data/chatbot_data, 11,823 single-turn Q/A pairs, short), when present;
- SmileStyle dialogues (../shared/data/smilestyle, 212 dialogues, the `formal` column as
  alternating user/assistant turns), when present.

Recipes (what the padding costs in processed token positions):

- ``max_length``: every row padded to max_length (the common notebook recipe);
- ``dynamic``: random batches padded to their longest row (transformers' default collator);
- ``grouped``: length-grouped batches as transformers' LengthGroupedSampler forms them (maeum's
  shipped `group_by_length`): random megabatches of min(rows / (4 batches), 50) batches, each
  sorted by length, so small data sets are grouped only a little;
- ``packed``: TRL's best-fit-decreasing packing into max_length rows, padding-free (no padding
  positions at all with flash-attention's varlen kernels; `fill` is how full the rows are).

Lengths are in tokens of the tiny EEVE-style tokenizer (`maeum:tiny-eeve`, 2,000 BPE tokens);
EEVE's own 40,960-token vocabulary cuts Korean into fewer tokens, so real rows are shorter
than these (characters per row are printed too), and padding to a fixed max_length wastes more.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def seed_conversations() -> list[list[dict]]:
    from maeum.paths import data_file
    from training.loaders import load_sft_rows

    rows, _ = load_sft_rows([str(data_file("seed_conversations.jsonl"))])
    return [r["messages"] for r in rows]


def chatbot_data(shared: Path) -> list[list[dict]] | None:
    from training.loaders import load_sft_rows

    path = shared / "chatbot_data" / "ChatbotData.csv"
    if not path.is_file():
        return None
    rows, _ = load_sft_rows([{"path": str(path), "format": "chatbotdata"}])
    return [r["messages"] for r in rows]


def smilestyle_dialogues(shared: Path) -> list[list[dict]] | None:
    from training.loaders.smilestyle import read_smilestyle

    path = shared / "smilestyle" / "smilestyle_train.tsv"
    if not path.is_file():
        return None
    dialogues: dict[int, list[str]] = {}
    for row in read_smilestyle(path):
        if row.styles.get("formal"):
            dialogues.setdefault(row.dialogue, []).append(row.styles["formal"])
    out = []
    for lines in dialogues.values():
        lines = lines[: len(lines) // 2 * 2]  # whole user/assistant exchanges
        if lines:
            out.append([{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(lines)])
    return out


def lengths_of(conversations: list[list[dict]], tokenizer) -> tuple[list[int], list[int]]:
    from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT, render_for_training

    tokens, chars = [], []
    for messages in conversations:
        if messages[0]["role"] != "system":
            messages = [{"role": "system", "content": COUNSELLOR_SYSTEM_PROMPT}] + messages
        example = render_for_training(messages, tokenizer, "eeve")
        tokens.append(len(example.input_ids))
        chars.append(len(example.text))
    return tokens, chars


def padded(batches: list[list[int]]) -> int:
    return sum(len(b) * max(b) for b in batches)


def waste(lengths: list[int], batch_size: int, max_length: int, seed: int = 0) -> dict:
    """Padding share of processed positions for each recipe (lengths cut at max_length first)."""
    cut = [min(n, max_length) for n in lengths]
    real = sum(cut)
    rng = random.Random(seed)
    order = cut[:]
    dynamic, grouped = [], []
    for _ in range(5):  # five shuffles, averaged
        rng.shuffle(order)
        dynamic.append(padded([order[i:i + batch_size] for i in range(0, len(order), batch_size)]))
        mega = max(1, min(len(order) // (batch_size * 4), 50)) * batch_size  # as transformers picks it
        groups = []
        for i in range(0, len(order), mega):
            block = sorted(order[i:i + mega], reverse=True)
            groups += [block[j:j + batch_size] for j in range(0, len(block), batch_size)]
        grouped.append(padded(groups))
    bins: list[int] = []  # best-fit decreasing, as TRL's "bfd" packing
    for n in sorted(cut, reverse=True):
        best = min((i for i, free in enumerate(bins) if free >= n), key=lambda i: bins[i], default=None)
        if best is None:
            bins.append(max_length - n)
        else:
            bins[best] -= n
    return {"max_length": round(1 - real / (len(cut) * max_length), 3),
            "dynamic": round(1 - real / (sum(dynamic) / len(dynamic)), 3),
            "grouped": round(1 - real / (sum(grouped) / len(grouped)), 3),
            "packed_rows": len(bins), "packed_fill": round(real / (len(bins) * max_length), 3),
            "over_max_length": sum(1 for n in lengths if n > max_length)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, nargs="+", default=[1024, 2048])
    parser.add_argument("--shared", type=Path, help="the shared data folder (default: ../shared/data)")
    args = parser.parse_args()
    if args.shared is None:
        from maeum.paths import shared_data_dir

        args.shared = shared_data_dir() or Path("../shared/data")

    from training.modeling import load_tokenizer, resolve_model_path

    tokenizer = load_tokenizer(resolve_model_path("maeum:tiny-eeve"), "eeve")
    sets = {"seed conversations": seed_conversations(), "ChatbotData": chatbot_data(args.shared),
            "SmileStyle dialogues": smilestyle_dialogues(args.shared)}
    print(f"batch {args.batch_size}; padding = share of processed token positions that are padding\n")
    print("| data | rows | tokens mean / p95 / max (chars mean) | max_length | pad to max_length | dynamic "
          "| grouped | packed rows (fill) |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for name, conversations in sets.items():
        if not conversations:
            print(f"| {name} | – | not found under {args.shared} | | | | | |")
            continue
        tokens, chars = lengths_of(conversations, tokenizer)
        ordered = sorted(tokens)
        shape = (f"{sum(tokens) / len(tokens):.0f} / {ordered[int(0.95 * (len(ordered) - 1))]} / {ordered[-1]} "
                 f"({sum(chars) / len(chars):.0f})")
        for max_length in args.max_length:
            w = waste(tokens, args.batch_size, max_length)
            over = f", {w['over_max_length']} cut" if w["over_max_length"] else ""
            print(f"| {name} | {len(tokens):,} | {shape} | {max_length}{over} | {w['max_length']:.0%} "
                  f"| {w['dynamic']:.0%} | {w['grouped']:.0%} | {w['packed_rows']:,} ({w['packed_fill']:.0%}) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
