"""Data loaders: many source layouts in, two canonical `datasets` shapes out.

    load_sft(sources)  -> Dataset with `messages` (+ `source`, `id`)
    load_dpo(sources)  -> Dataset with `prompt` / `chosen` / `rejected` (+ `source`, `id`)

Bad rows are dropped and counted in a `LoadReport` (printed and saved by the trainers), or,
with ``on_bad_row="raise"``, stop the run with file, row and reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from maeum.errors import DataError

from .readers import read_records
from .report import LoadReport, content_hash
from .smilestyle import SMILESTYLE_STYLES, read_smilestyle, split_by_dialogue, style_pairs
from .sources import (DPO_FORMATS, SFT_CONVERTERS, SFT_FORMATS, BadRow, detect_sft_format,
                      dpo_from_preference)

logger = logging.getLogger(__name__)

__all__ = ["DataSource", "LoadReport", "load_sft", "load_dpo", "load_sft_rows", "load_dpo_rows",
           "read_smilestyle", "style_pairs", "split_by_dialogue", "SMILESTYLE_STYLES", "BadRow"]


@dataclass
class DataSource:
    """One dataset: a local file/folder or a hub id, in a known layout ("auto" detects it)."""

    path: str
    format: str = "auto"
    split: str | None = None  # hub split
    name: str | None = None  # hub config name
    max_rows: int | None = None

    @classmethod
    def of(cls, value: str | dict | DataSource) -> DataSource:
        if isinstance(value, DataSource):
            return value
        if isinstance(value, str):
            return cls(path=value)
        return cls(**value)


def _load(sources, kind: str, on_bad_row: str) -> tuple[list[dict], list[LoadReport]]:
    if on_bad_row not in ("drop", "raise"):
        raise DataError(f"on_bad_row must be 'drop' or 'raise', not {on_bad_row!r}")
    rows: list[dict] = []
    reports = []
    for source in _as_list(sources):
        source = DataSource.of(source)
        report = LoadReport(source.path, kind)
        kept: list[dict] = []
        fmt = source.format
        allowed = SFT_FORMATS if kind == "sft" else DPO_FORMATS
        if fmt != "auto" and fmt not in allowed:
            raise DataError(f"{source.path}: unknown {kind} format {fmt!r}; choose auto or one of {', '.join(allowed)}")
        for row_no, record in read_records(source.path, split=source.split, name=source.name):
            if source.max_rows is not None and report.rows_read >= source.max_rows:
                break
            report.rows_read += 1
            try:
                if "__error__" in record:
                    raise BadRow(record["__error__"])
                if kind == "sft":
                    row_fmt = detect_sft_format(record) if fmt == "auto" else fmt
                    row = SFT_CONVERTERS[row_fmt](record)
                else:
                    row = dpo_from_preference(record)
            except BadRow as exc:
                if on_bad_row == "raise":
                    raise DataError(f"{source.path}, row {row_no}: {exc}") from None
                report.drop(row_no, str(exc))
                continue
            row["id"] = str(record.get("id") or f"{source.path}#{row_no}")
            row["source"] = source.path
            kept.append(row)
        report.rows_kept = len(kept)
        report.content_hash = content_hash(kept)
        if report.dropped:
            logger.warning("%s", report.summary())
        rows += kept
        reports.append(report)
    if not rows:
        raise DataError("no usable rows in " + ", ".join(r.source for r in reports) +
                        "".join(f"\n{r.summary()}" for r in reports))
    return rows, reports


def _as_list(sources) -> list:
    if isinstance(sources, (str, dict, DataSource)):
        return [sources]
    return list(sources)


def _uniform(rows: list[dict]) -> list[dict]:
    """Same keys in every row (sources differ in optional columns such as `topic`)."""
    keys = {k for row in rows for k in row}
    return [{k: row.get(k, "") for k in sorted(keys)} for row in rows]


def load_sft_rows(sources, on_bad_row: str = "drop") -> tuple[list[dict], list[LoadReport]]:
    rows, reports = _load(sources, "sft", on_bad_row)
    return _uniform(rows), reports


def load_dpo_rows(sources, on_bad_row: str = "drop") -> tuple[list[dict], list[LoadReport]]:
    rows, reports = _load(sources, "dpo", on_bad_row)
    return _uniform(rows), reports


def load_sft(sources: str | dict | DataSource | Iterable, on_bad_row: str = "drop"):
    """SFT conversations as a `datasets.Dataset` (column `messages`) and the load reports."""
    from datasets import Dataset

    rows, reports = load_sft_rows(sources, on_bad_row)
    return Dataset.from_list(rows), reports


def load_dpo(sources: str | dict | DataSource | Iterable, on_bad_row: str = "drop"):
    """DPO pairs as a `datasets.Dataset` (conversational prompt/chosen/rejected) and reports."""
    from datasets import Dataset

    rows, reports = load_dpo_rows(sources, on_bad_row)
    return Dataset.from_list(rows), reports
