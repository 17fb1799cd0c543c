"""Accuracy of an emotion classifier on a labelled TSV, with a confusion table and errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from serving.emotion.labels import EMOTIONS, EmotionResult

ACCURACY_TARGET = 0.6


@dataclass
class Accuracy:
    n: int = 0
    correct: int = 0
    confusion: dict[str, dict[str, int]] = field(
        default_factory=lambda: {a: {b: 0 for b in EMOTIONS} for a in EMOTIONS}
    )

    def add(self, label: str, predicted: str) -> None:
        self.n += 1
        self.correct += label == predicted
        self.confusion[label][predicted] += 1

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None


@dataclass
class EmotionEvaluation:
    overall: Accuracy
    by_split: dict[str, Accuracy]
    errors: list[dict]

    def passed(self, target: float = ACCURACY_TARGET) -> bool:
        return self.overall.accuracy is not None and self.overall.accuracy >= target


def evaluate_rows(rows: list[dict[str, str]], classify: Callable[[str], EmotionResult]) -> EmotionEvaluation:
    overall, by_split, errors = Accuracy(), {}, []
    for row in rows:
        result = classify(row["text"])
        overall.add(row["label"], result.label)
        if row.get("split"):
            by_split.setdefault(row["split"], Accuracy()).add(row["label"], result.label)
        if result.label != row["label"]:
            errors.append({**row, "predicted": result.label, "score": result.score})
    return EmotionEvaluation(overall, dict(sorted(by_split.items())), errors)


def format_report(evaluation: EmotionEvaluation, target: float = ACCURACY_TARGET) -> str:
    lines = [f"{'rows':<10}{'n':>5}  {'accuracy':>8}"]
    for name, acc in [("all", evaluation.overall), *evaluation.by_split.items()]:
        lines.append(f"{name:<10}{acc.n:>5}  {acc.accuracy * 100:7.1f}%")
    lines += ["", "confusion (rows: label, columns: predicted)", "      " + "".join(f"{e:>5}" for e in EMOTIONS)]
    for label in EMOTIONS:
        lines.append(f"{label:<4}  " + "".join(f"{evaluation.overall.confusion[label][p]:>6}" for p in EMOTIONS))
    lines += ["", f"misclassified ({len(evaluation.errors)})"]
    for error in evaluation.errors:
        where = error.get("split", "")
        lines.append(f"  [{error.get('id', '')} {where}] {error['label']} -> {error['predicted']} ({error['score']:.2f}): {error['text']}")
    accuracy = evaluation.overall.accuracy
    lines += ["", f"{'PASS' if evaluation.passed(target) else 'FAIL'}: accuracy {accuracy * 100:.1f}% (target >= {target:.0%})"]
    return "\n".join(lines)
