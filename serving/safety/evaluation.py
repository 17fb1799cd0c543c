"""Score the assessor on a labelled set and print a report.

Definitions (per set of rows):
- crisis recall: share of rows labelled `crisis` assessed at `crisis`;
- crisis flagged: share of rows labelled `crisis` assessed at `concern` or `crisis`;
- concern flagged: share of rows labelled `concern` assessed at `concern` or `crisis`;
- false-positive rate: share of rows labelled `none` (hard negatives) assessed at anything
  but `none` (a concern check-in counts as a false positive too);
- false-crisis rate: share of rows labelled `none` assessed at `crisis`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from serving.safety.models import LEVELS, SafetyAssessment

RECALL_TARGET = 0.95
FPR_TARGET = 0.10


@dataclass
class Scores:
    n: int = 0
    confusion: dict[str, dict[str, int]] = field(default_factory=lambda: {a: {b: 0 for b in LEVELS} for a in LEVELS})

    def add(self, label: str, predicted: str) -> None:
        self.n += 1
        self.confusion[label][predicted] += 1

    def _share(self, label: str, predicted: Sequence[str]) -> float | None:
        total = sum(self.confusion[label].values())
        return None if total == 0 else sum(self.confusion[label][p] for p in predicted) / total

    @property
    def crisis_recall(self) -> float | None:
        return self._share("crisis", ["crisis"])

    @property
    def crisis_flagged(self) -> float | None:
        return self._share("crisis", ["concern", "crisis"])

    @property
    def concern_flagged(self) -> float | None:
        return self._share("concern", ["concern", "crisis"])

    @property
    def concern_exact(self) -> float | None:
        return self._share("concern", ["concern"])

    @property
    def false_positive_rate(self) -> float | None:
        return self._share("none", ["concern", "crisis"])

    @property
    def false_crisis_rate(self) -> float | None:
        return self._share("none", ["crisis"])

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "crisis_recall": self.crisis_recall,
            "crisis_flagged": self.crisis_flagged,
            "concern_flagged": self.concern_flagged,
            "concern_exact": self.concern_exact,
            "false_positive_rate": self.false_positive_rate,
            "false_crisis_rate": self.false_crisis_rate,
            "confusion": self.confusion,
        }


@dataclass
class Evaluation:
    overall: Scores
    by_split: dict[str, Scores]
    by_kind: dict[str, Scores]
    errors: list[dict]

    @property
    def passed(self) -> bool:
        recall, fpr = self.overall.crisis_recall, self.overall.false_positive_rate
        return (recall is None or recall >= RECALL_TARGET) and (fpr is None or fpr <= FPR_TARGET)


def evaluate_rows(rows: list[dict[str, str]], assess: Callable[[str], SafetyAssessment]) -> Evaluation:
    overall, by_split, by_kind, errors = Scores(), {}, {}, []
    for row in rows:
        result = assess(row["text"])
        overall.add(row["label"], result.level)
        if row.get("split"):
            by_split.setdefault(row["split"], Scores()).add(row["label"], result.level)
        if row.get("kind"):
            by_kind.setdefault(f"{row['label']}/{row['kind']}", Scores()).add(row["label"], result.level)
        if result.level != row["label"]:
            errors.append({**row, "predicted": result.level, "reasons": result.reasons, "discounted": result.discounted})
    return Evaluation(overall, dict(sorted(by_split.items())), dict(sorted(by_kind.items())), errors)


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{value * 100:5.1f}%"


def format_report(evaluation: Evaluation) -> str:
    lines = []
    header = f"{'rows':<10}{'n':>5}  {'crisis recall':>13}  {'crisis flagged':>14}  {'concern flagged':>15}  {'FPR':>6}  {'false crisis':>12}"
    lines.append(header)
    for name, scores in [("all", evaluation.overall), *evaluation.by_split.items()]:
        lines.append(
            f"{name:<10}{scores.n:>5}  {_pct(scores.crisis_recall):>13}  {_pct(scores.crisis_flagged):>14}  "
            f"{_pct(scores.concern_flagged):>15}  {_pct(scores.false_positive_rate):>6}  {_pct(scores.false_crisis_rate):>12}"
        )
    lines.append("")
    lines.append("confusion (rows: label, columns: assessed)")
    lines.append(f"{'':<10}" + "".join(f"{level:>9}" for level in LEVELS))
    for label in LEVELS:
        lines.append(f"{label:<10}" + "".join(f"{evaluation.overall.confusion[label][p]:>9}" for p in LEVELS))
    if evaluation.by_kind:
        lines.append("")
        lines.append("by kind (correct / total)")
        for kind, scores in evaluation.by_kind.items():
            label = kind.split("/")[0]
            lines.append(f"  {kind:<34} {scores.confusion[label][label]:>3} / {scores.n}")
    lines.append("")
    lines.append(f"misclassified ({len(evaluation.errors)})")
    for error in evaluation.errors:
        where = "/".join(x for x in (error.get("split"), error.get("kind")) if x)
        why = "; ".join(error["reasons"]) or ("discounted: " + "; ".join(error["discounted"]) if error["discounted"] else "no signal")
        lines.append(f"  [{error.get('id', '')} {where}] {error['label']} -> {error['predicted']}: {error['text']}  <{why}>")
    lines.append("")
    recall, fpr = evaluation.overall.crisis_recall, evaluation.overall.false_positive_rate
    verdict = "PASS" if evaluation.passed else "FAIL"
    lines.append(
        f"{verdict}: crisis recall {_pct(recall).strip()} (target >= {RECALL_TARGET:.0%}), "
        f"false-positive rate {_pct(fpr).strip()} (target <= {FPR_TARGET:.0%})"
    )
    return "\n".join(lines)
