"""Score `convert_speech_level` on the speech-level test set (data/style_levels.tsv).

The file is tab-separated with a header `id kind 해요체 해체 합쇼체 하오체`: a 해요체
sentence and what it must become at each other level. The score is exact match after
trimming surrounding whitespace.
"""

from __future__ import annotations

import csv
import os
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from serving.style.levels import SpeechLevel

FILE_NAME = "style_levels.tsv"
SOURCE = SpeechLevel.HAEYO
TARGETS = (SpeechLevel.HAE, SpeechLevel.HAPSYO, SpeechLevel.HAO)


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    source: str
    expected: dict[SpeechLevel, str]


@dataclass
class Miss:
    case: Case
    level: SpeechLevel
    got: str


@dataclass
class Score:
    total: dict[SpeechLevel, int] = field(default_factory=dict)
    correct: dict[SpeechLevel, int] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    def accuracy(self, level: SpeechLevel | None = None) -> float:
        levels = [level] if level else list(self.total)
        total = sum(self.total.get(lv, 0) for lv in levels)
        return sum(self.correct.get(lv, 0) for lv in levels) / total if total else 0.0


def default_path() -> Path:
    """The bundled test set: $MAEUM_DATA_DIR, the checkout's data/, then a wheel's share/."""
    from maeum.paths import REPO_ROOT

    candidates = []
    if os.environ.get("MAEUM_DATA_DIR"):
        candidates.append(Path(os.environ["MAEUM_DATA_DIR"]))
    candidates.append(REPO_ROOT / "data")
    candidates.extend(Path(p) / "share" / "maeum" / "data"
                      for p in {sysconfig.get_paths().get("data", ""), sys.prefix} if p)
    for folder in candidates:
        if (folder / FILE_NAME).is_file():
            return folder / FILE_NAME
    raise FileNotFoundError(f"{FILE_NAME} not found (looked in {', '.join(map(str, candidates))}); "
                            f"pass --data FILE")


def read_cases(path: Path) -> list[Case]:
    cases = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"id", "kind", SOURCE.value, *(lv.value for lv in TARGETS)} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: header lacks column(s) {', '.join(sorted(missing))}")
        for row in reader:
            if not (row.get("id") or "").strip() or row["id"].startswith("#"):
                continue
            cases.append(Case(row["id"].strip(), row["kind"].strip(), row[SOURCE.value].strip(),
                              {lv: (row[lv.value] or "").strip() for lv in TARGETS}))
    return cases


def score(cases: list[Case], convert=None) -> Score:
    if convert is None:
        from serving.style.speech_levels import convert_speech_level as convert
    result = Score()
    for case in cases:
        for level in TARGETS:
            got = convert(case.source, level).strip()
            result.total[level] = result.total.get(level, 0) + 1
            if got == case.expected[level]:
                result.correct[level] = result.correct.get(level, 0) + 1
            else:
                result.misses.append(Miss(case, level, got))
    return result


def report(result: Score, show_misses: int = 0) -> str:
    lines = []
    for level in TARGETS:
        lines.append(f"{level.value}\t{result.correct.get(level, 0)}/{result.total.get(level, 0)}\t"
                     f"{result.accuracy(level):.1%}")
    total = sum(result.total.values())
    lines.append(f"overall\t{total - len(result.misses)}/{total}\t{result.accuracy():.1%}")
    for miss in result.misses[:show_misses]:
        lines.append(f"  miss {miss.case.id} [{miss.case.kind}] {miss.level.value}: {miss.case.source!r}\n"
                     f"       expected {miss.case.expected[miss.level]!r}\n       got      {miss.got!r}")
    return "\n".join(lines)
