"""Reading texts and labelled sets for the `maeum safety` / `maeum emotion` commands."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from maeum import paths
from maeum.errors import DataError, MaeumError


def _read_source(source: str | None) -> tuple[str, str]:
    if source in (None, "-"):
        return sys.stdin.read(), "<stdin>"
    path = Path(source)
    if not path.is_file():
        raise MaeumError(f"{source}: no such file")
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except UnicodeDecodeError as exc:
        raise DataError(f"{source}: not UTF-8 text (byte {exc.start})") from None


def read_lines(source: str | None) -> list[str]:
    """Every non-empty line as it is (no TSV reading): one reply per line."""
    content, _ = _read_source(source)
    return [line for line in content.splitlines() if line.strip()]


def read_texts(source: str | None) -> list[str]:
    """One text per line, or the `text` column of a TSV with a header; `None`/"-" is stdin."""
    content, name = _read_source(source)
    lines = content.splitlines()
    if lines and "\t" in lines[0] and "text" in lines[0].split("\t"):
        return [row["text"] for row in _tsv_rows(content, name, required=("text",))]
    return [line for line in lines if line.strip()]


def read_labelled(path: str | Path, labels: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a labelled TSV (`text`, `label`, optional `id`, `kind`, `split`), checked."""
    path = Path(path)
    if not path.is_file():
        raise MaeumError(f"{path}: no such file")
    rows = _tsv_rows(path.read_text(encoding="utf-8"), str(path), required=("text", "label"))
    for number, row in enumerate(rows, start=2):
        if row["label"] not in labels:
            raise DataError(f"{path}:{number}: label {row['label']!r} is not one of {', '.join(labels)}")
        row.setdefault("id", str(number - 1))
        row["kind"] = row.get("kind") or ""
        row["split"] = row.get("split") or ""
    return rows


def bundled_data_file(name: str) -> Path:
    """A file we ship in `data/` (see maeum.paths.data_file), or an error asking for --data."""
    try:
        return paths.data_file(name)
    except FileNotFoundError as exc:
        raise MaeumError(f"{exc}; or pass --data FILE") from None


def _tsv_rows(content: str, name: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(content), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [column for column in required if column not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(missing)} in the header")
    rows = []
    for number, row in enumerate(reader, start=2):
        if row.get("text") is None or None in row:
            raise DataError(f"{name}:{number}: wrong number of tab-separated fields")
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return [row for row in rows if row["text"]]
