"""`maeum emotion classify` and `maeum emotion eval`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_EVAL_FILE = "emotion_eval.tsv"


def register(groups) -> None:
    classify = groups.command(
        "classify", "label each input line (or the `text` column of a TSV) with an emotion; one JSON object per line",
        _classify, group="emotion",
    )
    classify.add_argument("file", nargs="?", help="text or TSV file (default: stdin)")
    _model_option(classify)
    evaluate = groups.command("eval", "accuracy of the emotion classifier on a labelled TSV", _eval, group="emotion")
    evaluate.add_argument("--data", help=f"labelled TSV with text and label columns (default: data/{DEFAULT_EVAL_FILE})")
    evaluate.add_argument("--split", action="append", help="only rows of this split (repeatable), e.g. test")
    evaluate.add_argument("--min-accuracy", type=float, default=None, help="exit 1 below this accuracy (default 0.6)")
    _model_option(evaluate)


def _model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="a transformers text-classification model id or folder "
                        "(default: the offline lexicon classifier)")


def _classifier(args: argparse.Namespace):
    if args.model:
        from serving.emotion.transformers_backend import TransformersEmotionClassifier

        return TransformersEmotionClassifier(args.model)
    from serving.emotion.classifier import EmotionClassifier

    return EmotionClassifier()


def _classify(args: argparse.Namespace) -> int:
    from serving.safety.textio import read_texts

    classifier = _classifier(args)
    for text in read_texts(args.file):
        result = classifier.classify(text)
        print(json.dumps({"text": text, **result.model_dump()}, ensure_ascii=False), flush=True)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from maeum.errors import MaeumError
    from serving.emotion.evaluation import ACCURACY_TARGET, evaluate_rows, format_report
    from serving.emotion.labels import EMOTIONS
    from serving.safety.textio import bundled_data_file, read_labelled

    path = args.data or bundled_data_file(DEFAULT_EVAL_FILE)
    all_rows = rows = read_labelled(path, EMOTIONS)
    if args.split:
        rows = [row for row in rows if row["split"] in args.split]
        if not rows:
            raise MaeumError(f"{path}: no rows in split(s) {', '.join(args.split)}")
    target = ACCURACY_TARGET if args.min_accuracy is None else args.min_accuracy
    same_file = False
    if args.model:
        classify = _classifier(args).classify
    else:
        bundled = bundled_data_file(DEFAULT_EVAL_FILE)
        same_file = Path(path).resolve() == bundled.resolve()
        if same_file:
            # Scoring our bundled set, each split is scored by a model trained without it (else
            # the score would only measure memory).
            classify = _held_out_classify(all_rows, rows, exclude_own_split=True)
        else:
            # Any other set is scored by exactly the classifier the app uses (all our training data).
            from serving.emotion.classifier import EmotionClassifier

            classify = EmotionClassifier().classify
    evaluation = evaluate_rows(rows, classify)
    print(f"data: {path} ({len(rows)} rows)")
    if not args.model and same_file:
        print("learned part trained without the split it scores (grouped by `split`); lexicon tuned on all splits")
    elif not args.model:
        print("the app's classifier (learned parts trained on all of our bundled data)")
    print(format_report(evaluation, target))
    return 0 if evaluation.passed(target) else 1


def _held_out_classify(training_rows: list[dict[str, str]], rows: list[dict[str, str]], *,
                       exclude_own_split: bool):
    """The default classifier; with `exclude_own_split`, each split is scored by a learned model
    trained on every other split of `training_rows`."""
    from serving.emotion.classifier import EmotionClassifier

    by_split = {split: EmotionClassifier(training_rows=[r for r in training_rows
                                                        if not exclude_own_split or r.get("split", "") != split])
                for split in {row.get("split", "") for row in rows}}
    by_text = {row["text"]: by_split[row.get("split", "")] for row in rows}
    return lambda text: by_text[text].classify(text)
