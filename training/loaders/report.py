"""What a loader kept and dropped, and why: printed and saved, never silent."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class DroppedRow:
    source: str
    row: int  # 1-based line (JSONL/CSV/TSV: physical line, header is line 1) or record number
    reason: str

    def __str__(self) -> str:
        return f"{self.source}, row {self.row}: {self.reason}"


@dataclass
class LoadReport:
    source: str
    kind: str  # "sft", "dpo" or "style"
    rows_read: int = 0
    rows_kept: int = 0
    dropped: list[DroppedRow] = field(default_factory=list)
    content_hash: str = ""

    def drop(self, row: int, reason: str) -> None:
        self.dropped.append(DroppedRow(self.source, row, reason))

    @property
    def reasons(self) -> Counter:
        return Counter(d.reason.split(":")[0] for d in self.dropped)

    def summary(self, show: int = 5) -> str:
        lines = [f"{self.source} ({self.kind}): read {self.rows_read}, kept {self.rows_kept}, "
                 f"dropped {len(self.dropped)}"]
        for reason, count in self.reasons.most_common():
            lines.append(f"  - {count} × {reason}")
        for d in self.dropped[:show]:
            lines.append(f"    e.g. {d}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"source": self.source, "kind": self.kind, "rows_read": self.rows_read,
                "rows_kept": self.rows_kept, "content_hash": self.content_hash,
                "dropped": [d.__dict__ for d in self.dropped]}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")


def content_hash(rows: list[dict]) -> str:
    """A stable hash of the canonical rows, so a run card pins exactly the data it saw."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()[:16]
