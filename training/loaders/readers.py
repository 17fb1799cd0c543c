"""Read raw records from local files (JSONL, JSON, CSV, TSV, Parquet) or the hub.

Every record carries its row number in the source so an error can point at it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from maeum.errors import DataError

LOCAL_SUFFIXES = {".jsonl", ".json", ".csv", ".tsv", ".parquet"}


def is_local(path: str) -> bool:
    return Path(path).exists()


def read_records(path: str, *, split: str | None = None, name: str | None = None) -> Iterator[tuple[int, dict]]:
    """(row number, record) pairs. Local files by suffix; anything else is a hub dataset id."""
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix in LOCAL_SUFFIXES)
        if not files:
            raise DataError(f"{p}: folder holds no .jsonl/.json/.csv/.tsv/.parquet files")
        for f in files:
            yield from read_records(str(f))
        return
    if p.exists():
        suffix = p.suffix.lower()
        if suffix == ".jsonl":
            yield from _jsonl(p)
        elif suffix == ".json":
            yield from _json(p)
        elif suffix in (".csv", ".tsv"):
            yield from _delimited(p, "\t" if suffix == ".tsv" else ",")
        elif suffix == ".parquet":
            yield from _parquet(p)
        else:
            raise DataError(f"{p}: unsupported file type {suffix!r}; use .jsonl, .json, .csv, .tsv or .parquet")
        return
    if "/" in path and not path.startswith((".", "/")) and not Path(path).suffix:
        yield from _hub(path, split=split, name=name)
        return
    raise DataError(f"{path}: no such file (and it does not look like a hub dataset id 'owner/name')")


def _jsonl(p: Path) -> Iterator[tuple[int, dict]]:
    with p.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{p}, line {line_no}: invalid JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(record, dict):
                raise DataError(f"{p}, line {line_no}: expected a JSON object, got {type(record).__name__}")
            yield line_no, record


def _json(p: Path) -> Iterator[tuple[int, dict]]:
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{p}, line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if isinstance(data, dict):  # {"data": [...]} or {"train": [...]} wrappers
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise DataError(f"{p}: expected a JSON list of records (or an object holding one list)")
        data = lists[0]
    for i, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise DataError(f"{p}, record {i}: expected a JSON object, got {type(record).__name__}")
        yield i, record


def _delimited(p: Path, delimiter: str) -> Iterator[tuple[int, dict]]:
    text = p.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise DataError(f"{p}: empty file (expected a header row)")
    header = [h.strip() for h in header]
    for cells in reader:
        line_no = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield line_no, {"__error__": f"has {len(cells)} columns, header has {len(header)}"}
            continue
        yield line_no, dict(zip(header, cells))


def _parquet(p: Path) -> Iterator[tuple[int, dict]]:
    import pyarrow.parquet as pq

    for i, record in enumerate(pq.read_table(p).to_pylist(), start=1):
        yield i, record


def _hub(dataset_id: str, *, split: str | None, name: str | None) -> Iterator[tuple[int, dict]]:
    """A dataset from the Hugging Face hub (needs internet or a filled cache)."""
    from datasets import load_dataset

    try:
        ds = load_dataset(dataset_id, name, split=split or "train")
    except Exception as exc:  # network, auth, missing dataset: all need the same advice
        raise DataError(
            f"could not load hub dataset {dataset_id!r} ({type(exc).__name__}: {exc}). Without internet, "
            f"download it elsewhere and pass the local file path instead"
        ) from exc
    for i, record in enumerate(ds, start=1):
        yield i, dict(record)
