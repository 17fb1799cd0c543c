"""The labelled message set shared by the act and emotion heads: `data/emotion_acts.tsv`.

Columns `id text emotion act split`; `split` is `train`, `test` (never trained on: the honest
figure) or `ours` (lines the composer's author added; trained on). See data/emotion_acts.md.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from maeum import paths
from maeum.errors import DataError

DATA_FILE = "emotion_acts.tsv"
TRAIN_SPLITS = ("train", "ours")
_COLUMNS = ("id", "text", "emotion", "act", "split")


def read_rows(path: str | Path | None = None) -> list[dict[str, str]]:
    """Every row, checked: a bad label or a short line is an error naming the file and line."""
    from serving.acts.labels import ACTS
    from serving.emotion.labels import EMOTIONS

    path = Path(path) if path else paths.data_file(DATA_FILE)
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)} in the header")
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row or any(row.get(c) is None for c in _COLUMNS):
            raise DataError(f"{path}:{number}: wrong number of tab-separated fields")
        row = {k: v.strip() for k, v in row.items()}
        if row["emotion"] not in EMOTIONS:
            raise DataError(f"{path}:{number}: emotion {row['emotion']!r} is not one of {', '.join(EMOTIONS)}")
        if row["act"] not in ACTS:
            raise DataError(f"{path}:{number}: act {row['act']!r} is not one of {', '.join(ACTS)}")
        if row["text"]:
            rows.append(row)
    return rows


def training_rows(path: str | Path | None = None) -> list[dict[str, str]]:
    return [r for r in read_rows(path) if r["split"] in TRAIN_SPLITS]
