"""SmileStyle TSV: parallel sentences in 17 styles, a blank line between dialogues.

We keep the dialogue structure (dialogue id, turn index, previous sentence) because the
style model may use the previous sentence as context.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from maeum.errors import DataError

from .report import LoadReport

SMILESTYLE_STYLES = ("formal", "informal", "android", "azae", "chat", "choding", "emoticon", "enfp", "gentle",
                     "halbae", "halmae", "joongding", "king", "naruto", "seonbi", "sosim", "translator")


@dataclass
class StyleRow:
    dialogue: int
    turn: int
    line: int
    styles: dict[str, str]  # style -> sentence (missing cells left out)


def read_smilestyle(path: str | Path, report: LoadReport | None = None) -> list[StyleRow]:
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file (SmileStyle TSV expected)")
    report = report or LoadReport(str(path), "style")
    rows: list[StyleRow] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = fh.read().split("\n")
    header = [h.strip() for h in lines[0].split("\t")]
    unknown = [h for h in header if h not in SMILESTYLE_STYLES]
    if unknown:
        raise DataError(f"{path}, line 1: unknown style column(s) {unknown}; expected SmileStyle styles")
    dialogue, turn = 0, 0
    for line_no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            if turn:
                dialogue, turn = dialogue + 1, 0
            continue
        report.rows_read += 1
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) > len(header):
            report.drop(line_no, f"wrong column count: {len(cells)} cells, header has {len(header)}")
            continue
        styles = {h: c.strip() for h, c in zip(header, cells) if c.strip()}
        if len(styles) < 2:
            report.drop(line_no, "fewer than two styles: no pair to learn from")
            continue
        rows.append(StyleRow(dialogue, turn, line_no, styles))
        report.rows_kept += 1
        turn += 1
    return rows


def style_pairs(rows: list[StyleRow], sources: tuple[str, ...], targets: tuple[str, ...],
                with_context: bool = False) -> list[dict]:
    """Every (source style → target style) pair present in the rows, with the previous sentence."""
    pairs = []
    previous: dict[int, StyleRow] = {}
    for row in rows:
        prev = previous.get(row.dialogue)
        for src in sources:
            if src not in row.styles:
                continue
            for tgt in targets:
                if tgt == src or tgt not in row.styles:
                    continue
                pair = {"source": row.styles[src], "target": row.styles[tgt], "source_style": src,
                        "target_style": tgt, "dialogue": row.dialogue, "turn": row.turn}
                if with_context:
                    pair["context"] = prev.styles.get(src, "") if prev else ""
                pairs.append(pair)
        previous[row.dialogue] = row
    return pairs


def split_by_dialogue(rows: list[StyleRow], valid_fraction: float = 0.1, seed: int = 0
                      ) -> tuple[list[StyleRow], list[StyleRow]]:
    """Hold out whole dialogues (never sentences of a dialogue seen in training)."""
    import random

    dialogues = sorted({r.dialogue for r in rows})
    rng = random.Random(seed)
    rng.shuffle(dialogues)
    n_valid = max(1, round(len(dialogues) * valid_fraction))
    valid = set(dialogues[:n_valid])
    return [r for r in rows if r.dialogue not in valid], [r for r in rows if r.dialogue in valid]
