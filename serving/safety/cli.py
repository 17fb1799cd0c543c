"""`maeum safety classify` and `maeum safety eval`."""

from __future__ import annotations

import argparse
import json

DEFAULT_EVAL_FILE = "safety_eval.tsv"


def register(groups) -> None:
    classify = groups.command(
        "classify", "assess each input line (or the `text` column of a TSV) and print one JSON object per line",
        _classify, group="safety",
    )
    classify.add_argument("file", nargs="?", help="text or TSV file (default: stdin)")
    evaluate = groups.command(
        "eval", "score crisis assessment on a labelled TSV: recall, false positives, confusion, errors",
        _eval, group="safety",
    )
    evaluate.add_argument("--data", help=f"labelled TSV with text and label columns (default: data/{DEFAULT_EVAL_FILE})")
    evaluate.add_argument("--split", action="append", help="only rows of this split (repeatable), e.g. test")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON instead of the report")


def _classify(args: argparse.Namespace) -> int:
    from serving.safety.assessor import assess
    from serving.safety.textio import read_texts

    for text in read_texts(args.file):
        result = assess(text)
        print(json.dumps({"text": text, **result.model_dump()}, ensure_ascii=False), flush=True)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from maeum.errors import MaeumError
    from serving.safety.assessor import assess
    from serving.safety.evaluation import evaluate_rows, format_report
    from serving.safety.models import LEVELS
    from serving.safety.textio import bundled_data_file, read_labelled

    path = args.data or bundled_data_file(DEFAULT_EVAL_FILE)
    rows = read_labelled(path, LEVELS)
    if args.split:
        rows = [row for row in rows if row["split"] in args.split]
        if not rows:
            raise MaeumError(f"{path}: no rows in split(s) {', '.join(args.split)}")
    evaluation = evaluate_rows(rows, assess)
    if args.json:
        print(json.dumps({
            "data": str(path),
            "passed": evaluation.passed,
            "overall": evaluation.overall.as_dict(),
            "by_split": {name: s.as_dict() for name, s in evaluation.by_split.items()},
            "errors": evaluation.errors,
        }, ensure_ascii=False, indent=2))
    else:
        print(f"data: {path} ({len(rows)} rows)")
        print(format_report(evaluation))
    return 0 if evaluation.passed else 1
