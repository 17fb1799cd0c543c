"""`maeum safety classify`, `eval`, `cv` and `check-reply`."""

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
    cv = groups.command(
        "cv", "cross-validate how the safety layers combine, holding out one writer at a time",
        _cv, group="safety",
    )
    cv.add_argument("--max-false-crisis", type=float, default=0.03, help="pooled false-crisis limit (default 0.03)")
    cv.add_argument("--max-fpr", type=float, default=0.10, help="pooled check-in rate limit on hard negatives")
    cv.add_argument("--json", action="store_true", help="print every setting as JSON")
    cv.add_argument("--encoder", default="",
                    help="comma-separated encoders to compare (use, e5, use+e5; default: the shared one)")
    heads = groups.command(
        "train-heads", "train the semantic safety heads on every trainable example and save them in data/safety_heads/",
        _train_heads, group="safety",
    )
    heads.add_argument("--out", help="folder (default: data/safety_heads beside the data)")
    cv_replies = groups.command(
        "cv-replies", "cross-validate the reply check (rules, and rules + semantic head by threshold)",
        _cv_replies, group="safety",
    )
    cv_replies.add_argument("--json", action="store_true", help="print the counts as JSON")
    check = groups.command(
        "check-reply", "check each reply line (diagnosis, medication, methods, profanity, insults, and what the "
                       "semantic head reads as harmful): one JSON per line",
        _check_reply, group="safety",
    )
    check.add_argument("file", nargs="?", help="one reply per line (default: stdin)")
    check.add_argument("--rules-only", action="store_true",
                       help="only the word rules, without the semantic reply head (on by default)")
    check.add_argument("--semantic", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old scripts


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


def _pct(value) -> str:
    return "   n/a" if value is None else f"{value * 100:5.1f}%"


def _cv(args: argparse.Namespace) -> int:
    from serving.semantic import get_encoder
    from serving.semantic.encoder import build_encoder, set_encoder
    from serving.safety.crossval import rule_levels, score_groups
    from serving.safety.training_data import load_examples

    examples = load_examples()
    rules = rule_levels(examples)
    kinds = [k.strip() for k in args.encoder.split(",") if k.strip()]
    results = {}
    for kind in kinds or [None]:
        if kind is not None:
            set_encoder(build_encoder(kind))
        results[get_encoder().name] = _cv_report(score_groups(examples, rules=rules), args)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


def _cv_report(scored, args: argparse.Namespace) -> dict:
    from serving.semantic import get_encoder
    from serving.safety.crossval import choose

    table, best = choose(scored, max_false_crisis=args.max_false_crisis, max_fpr=args.max_fpr)
    if args.json:
        return {"settings": [{"name": n, "pooled": p.as_row(), "by_group": {g: r.as_row() for g, r in bg.items()}}
                             for n, _, p, bg in table],
                "chosen": best[0] if best else None}
    print(f"encoder: {get_encoder().name}")
    header = f"{'setting':<48}{'n':>6}{'crisis':>8}{'c|c':>8}{'concern':>9}{'FPR':>8}{'f.crisis':>9}"
    print(header)
    shown = {"rules", "rules+ngram", "shipped"} | ({best[0]} if best else set())
    for name, _, pooled, _ in table:
        if name in shown or name.endswith("(0.7,0.8)") or name.endswith("(0.7,0.8)+window(0.8,0.85)"):
            print(_cv_row(name, pooled))
    for name, _, _, by_group in table:
        if name in ("rules", "shipped", best[0] if best else None):
            print(f"\n{name}, by held-out group")
            for group, rates in by_group.items():
                print(_cv_row(f"  {group}", rates))
    print(f"\nchosen: {best[0] if best else 'none within the limits'}\n")
    return {}


def _cv_row(name: str, rates) -> str:
    r = rates.as_row()
    return (f"{name:<48}{r['n']:>6}{_pct(r['crisis_recall']):>8}{_pct(r['crisis_or_concern_recall']):>8}"
            f"{_pct(r['concern_flagged']):>9}{_pct(r['fpr']):>8}{_pct(r['false_crisis']):>9}")


def _train_heads(args: argparse.Namespace) -> int:
    from maeum import paths
    from maeum.errors import MaeumError
    from serving.semantic import get_encoder
    from serving.safety.semantic import HEADS_FOLDER, SemanticConfig, data_key, save_heads, train
    from serving.safety.training_data import load_examples

    folder = paths.data_dir()
    if folder is None:
        raise MaeumError("no data folder found (set MAEUM_DATA_DIR)")
    examples = [e for e in load_examples(folder) if e.trainable]
    if not examples:
        raise MaeumError(f"{folder}: no labelled safety data")
    config = SemanticConfig()
    key = data_key(examples, config, get_encoder().name)
    written = save_heads(train(examples, config), args.out or folder / HEADS_FOLDER, key)
    print(f"{len(examples)} examples; key {key}; wrote " + ", ".join(str(f) for f in written))
    if args.out is None:  # the reply heads live beside them in the data folder
        from serving.safety.reply_semantic import save_reply_heads

        print("reply heads: wrote " + ", ".join(str(f) for f in save_reply_heads(folder)))
    return 0


def _cv_replies(args: argparse.Namespace) -> int:
    from maeum import paths
    from maeum.errors import MaeumError
    from serving.safety.reply_semantic import cross_validate

    folder = paths.data_dir()
    if folder is None:
        raise MaeumError("no data folder found (set MAEUM_DATA_DIR)")
    result = cross_validate(folder)
    if args.json:
        print(json.dumps({part: {str(k): v for k, v in table.items()} for part, table in result.items()}, indent=1))
        return 0
    for part, table in result.items():
        print(f"{part}: {'checker':<22}{'caught':>16}{'safe flagged':>18}")
        for name, c in table.items():
            checker = "rules" if name == "rules" else f"rules + head >= {name}"
            caught = f"{c['caught']}/{c['unsafe']} ({c['caught'] / max(c['unsafe'], 1):.0%})"
            flagged = f"{c['flagged']}/{c['safe']} ({c['flagged'] / max(c['safe'], 1):.0%})"
            print(f"{'':<{len(part) + 2}}{checker:<22}{caught:>16}{flagged:>18}")
    return 0


def _check_reply(args: argparse.Namespace) -> int:
    from serving.safety.output_check import find_all_problems
    from serving.safety.textio import read_lines

    for text in read_lines(args.file):
        problems = find_all_problems(text, semantic=not args.rules_only)
        print(json.dumps({"text": text, "ok": not problems, "problems": problems}, ensure_ascii=False), flush=True)
    return 0
