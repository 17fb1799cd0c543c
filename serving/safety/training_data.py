"""The labelled safety data the learned layers train on, with writers and splits kept apart.

Two sources:

- `data/safety_eval.tsv`: our own set (writer ``ours``); its `test` split is never trained on;
- `data/safety_train/<writer>/messages.tsv` and `conversations.tsv`: sets written by
  independent writers (see the data card beside them), each row with a `split` of `train`
  or `heldout`; `heldout` rows are never trained on by the shipped model.

Every row becomes a `SafetyExample` with its writer, so cross-validation can hold out one
writer at a time (`maeum safety cv`). A conversation row keeps its earlier user turns in
`context` (oldest first); the label is for the last message (`text`) read in that context.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from maeum.errors import DataError
from serving.safety.models import LEVELS
from serving.safety.resources import CRISIS_PATHS

OWN_WRITER = "ours"
OWN_EXCLUDED_SPLITS = frozenset({"test"})
HELD_OUT_SPLITS = frozenset({"heldout", "test"})
TURN_SEPARATOR = " || "


@dataclass(frozen=True)
class SafetyExample:
    id: str
    text: str  # the message the label is for (a conversation's last user message)
    label: str  # none | concern | crisis
    writer: str
    split: str
    path: str | None = None  # crisis path, when the writer gave one
    kind: str = ""
    context: tuple[str, ...] = ()  # earlier user messages of the conversation, oldest first

    @property
    def trainable(self) -> bool:
        held = OWN_EXCLUDED_SPLITS if self.writer == OWN_WRITER else HELD_OUT_SPLITS
        return self.split not in held


def _read_tsv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{path}: missing column(s) {', '.join(missing)} in the header")
        rows = []
        for number, row in enumerate(reader, start=2):
            if None in row or any(row.get(c) is None for c in required):
                raise DataError(f"{path}:{number}: wrong number of tab-separated fields")
            rows.append((number, {k: (v or "").strip() for k, v in row.items()}))
    return rows


def _checked(path: Path, number: int, row: dict[str, str]) -> tuple[str, str | None]:
    label = row["label"]
    if label not in LEVELS:
        raise DataError(f"{path}:{number}: label {label!r} is not one of {', '.join(LEVELS)}")
    crisis_path = row.get("path") or "-"
    if crisis_path not in (*CRISIS_PATHS, "-"):
        raise DataError(f"{path}:{number}: path {crisis_path!r} is not one of {', '.join(CRISIS_PATHS)}, -")
    return label, (crisis_path if crisis_path != "-" else None)


def read_own(path: Path) -> list[SafetyExample]:
    out = []
    for number, row in _read_tsv(path, ("text", "label")):
        if not row["text"]:
            continue
        label, crisis_path = _checked(path, number, row)
        out.append(SafetyExample(row.get("id") or f"{path.stem}:{number}", row["text"], label, OWN_WRITER,
                                 row.get("split", ""), crisis_path, row.get("kind", "")))
    return out


def read_writer(folder: Path) -> list[SafetyExample]:
    """One writer's messages.tsv and conversations.tsv (either may be missing)."""
    writer = folder.name
    out: list[SafetyExample] = []
    messages = folder / "messages.tsv"
    if messages.is_file():
        for number, row in _read_tsv(messages, ("id", "text", "label", "split")):
            if not row["text"]:
                continue
            label, crisis_path = _checked(messages, number, row)
            out.append(SafetyExample(f"{writer}:{row['id']}", row["text"], label, writer, row["split"],
                                     crisis_path, row.get("kind", "")))
    conversations = folder / "conversations.tsv"
    if conversations.is_file():
        for number, row in _read_tsv(conversations, ("id", "turns", "label", "split")):
            turns = [t.strip() for t in row["turns"].split(TURN_SEPARATOR.strip())]
            turns = [t for t in turns if t]
            if not turns:
                raise DataError(f"{conversations}:{number}: no turns")
            label, crisis_path = _checked(conversations, number, row)
            out.append(SafetyExample(f"{writer}:{row['id']}", turns[-1], label, writer, row["split"], crisis_path,
                                     row.get("kind", ""), tuple(turns[:-1])))
    return out


def load_examples(data_dir: Path | None = None) -> list[SafetyExample]:
    """Every labelled example we have: our set and each writer's folder."""
    if data_dir is None:
        from maeum import paths

        data_dir = paths.data_dir()
    if data_dir is None:
        return []
    out: list[SafetyExample] = []
    own = data_dir / "safety_eval.tsv"
    if own.is_file():
        out += read_own(own)
    train_root = data_dir / "safety_train"
    if train_root.is_dir():
        for folder in sorted(p for p in train_root.iterdir() if p.is_dir()):
            out += read_writer(folder)
    return out


def writers(examples: Iterable[SafetyExample]) -> list[str]:
    return sorted({e.writer for e in examples})
