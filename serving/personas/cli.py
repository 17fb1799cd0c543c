"""`maeum personas list|validate|preview|export|import` and `maeum eval speech-levels`.

Registration is argparse only; handlers import the persona and style modules lazily.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from maeum.errors import MaeumError


def register(groups) -> None:
    lst = groups.command("list", "list the personas (bundled folder, --personas-dir or $MAEUM_PERSONAS_DIR)",
                         _list, group="personas")
    _personas_dir_option(lst)
    lst.add_argument("--json", action="store_true", help="print the personas as JSON")

    val = groups.command("validate", "check every persona file of a folder; exit 1 naming file, line, "
                         "field and problem for each invalid one", _validate, group="personas")
    val.add_argument("directory", nargs="?", help="persona folder (default: the one the app uses)")

    pre = groups.command("preview", "print a text in a persona's voice (rule engine)", _preview, group="personas")
    pre.add_argument("persona_id", help="persona id, e.g. seonbi")
    pre.add_argument("text", nargs="*", help="text to style, e.g. \"오늘 하루 어땠어요?\"")
    pre.add_argument("--file", help="one sentence or reply per line; prints one line per input line")
    pre.add_argument("--explain", action="store_true", help="print which rule changed what, under each line")
    pre.add_argument("--json", action="store_true", help="one JSON object per line with the rule trace")
    pre.add_argument("--subdued", action="store_true", help="style as in the care state after a crisis turn")
    pre.add_argument("--seed", type=int, default=0, help="seed for the chance-based decorations")
    _personas_dir_option(pre)

    exp = groups.command("export", "write a persona as a SillyTavern Character Card V2 JSON", _export,
                         group="personas")
    exp.add_argument("persona_id")
    exp.add_argument("-o", "--output", help="card file to write (default: print to stdout)")
    _personas_dir_option(exp)

    imp = groups.command("import", "turn a SillyTavern Character Card V2 JSON into a persona file", _import,
                         group="personas")
    imp.add_argument("card", help="card JSON file")
    imp.add_argument("--id", dest="persona_id", help="persona id (default: from the card)")
    imp.add_argument("--out", help="folder to write <id>.yaml into (default: the persona folder)")
    imp.add_argument("--force", action="store_true",
                     help="overwrite an existing file, and write a draft even when the card is incomplete")
    _personas_dir_option(imp)

    ev = groups.command("speech-levels", "exact-match score of the rule engine's speech-level conversion",
                        _eval_levels, group="eval")
    ev.add_argument("--data", help="test set TSV (default: the bundled data/style_levels.tsv)")
    ev.add_argument("--show-misses", type=int, default=0, metavar="N", help="print the first N misses")


def _personas_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--personas-dir", help="persona folder (default: $MAEUM_PERSONAS_DIR, then bundled)")


def _load(args: argparse.Namespace):
    """The registry of --personas-dir / $MAEUM_PERSONAS_DIR / bundled; problems are logged."""
    from serving.personas.registry import load_personas

    return load_personas(getattr(args, "personas_dir", None))


def _list(args: argparse.Namespace) -> int:
    registry = _load(args)  # skipped files are logged as warnings
    if args.json:
        import json

        print(json.dumps([p.model_dump(mode="json") for p in registry.all()], ensure_ascii=False, indent=2))
        return 0
    for i, p in enumerate(registry.all()):
        default = " (default)" if i == 0 else ""
        print(f"{p.avatar} {p.id:<12} {p.name}{default}  [{p.style.speech_level.value}, {p.style.engine}, "
              f"{p.style.smilestyle}]  {', '.join(p.tags)}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from maeum.paths import personas_dir
    from serving.personas.registry import persona_files, validate_dir

    folder = personas_dir(args.directory)
    if folder is None:
        raise MaeumError("no persona folder found: pass one (maeum personas validate DIR) or set MAEUM_PERSONAS_DIR")
    problems = validate_dir(folder)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        bad = len({p.file for p in problems})
        print(f"{len(problems)} problem(s) in {bad} file(s) under {folder}", file=sys.stderr)
        return 1
    print(f"ok: {len(persona_files(Path(folder)))} persona file(s) in {folder} are valid")
    return 0


def _preview(args: argparse.Namespace) -> int:
    import json

    from serving.style.rules import RulesEngine
    from serving.style.sentences import split_sentences
    from serving.turn_context import TurnContext

    if bool(args.text) == bool(args.file):
        raise MaeumError("give the text to style or --file FILE (one of them)")
    registry = _load(args)  # skipped files are logged as warnings
    if args.persona_id not in registry:
        print(f"warning: unknown persona {args.persona_id!r}; previewing the default "
              f"{registry.default.id!r} (known: {', '.join(registry.ids())})", file=sys.stderr)
    persona = registry.get(args.persona_id)
    if persona.style.engine != "rules":
        print(f"note: {persona.id} uses the {persona.style.engine!r} engine in the app; "
              f"this preview shows the rule engine", file=sys.stderr)
    if args.file:
        try:
            lines = Path(args.file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise MaeumError(f"{args.file}: cannot read ({exc})") from None
    else:
        lines = [" ".join(args.text)]
    engine = RulesEngine(seed=args.seed)
    context = TurnContext(care=True) if args.subdued else None
    for line in lines:
        sentences = split_sentences(line)
        traces: list[list] = [[] for _ in sentences]
        styled = [engine.rewrite_one(s, persona, i, context, trace=traces[i]) for i, s in enumerate(sentences)]
        out = " ".join(styled)
        if args.json:
            print(json.dumps({"input": line, "output": out, "sentences": [
                {"input": s, "output": o, "trace": [{"rule": r, "before": b, "after": a} for r, b, a in t]}
                for s, o, t in zip(sentences, styled, traces)]}, ensure_ascii=False))
            continue
        print(out)
        if args.explain:
            for trace in traces:
                for rule, before, after in trace:
                    print(f"    {rule}: {before} → {after}")
    return 0


def _export(args: argparse.Namespace) -> int:
    import json

    from serving.personas.cards import export_card

    registry = _load(args)
    if args.persona_id not in registry:
        raise MaeumError(f"unknown persona {args.persona_id!r}; known: {', '.join(registry.ids())}")
    text = json.dumps(export_card(registry.get(args.persona_id)), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _import(args: argparse.Namespace) -> int:
    from maeum.paths import personas_dir
    from serving.personas.cards import CardError, import_card, persona_yaml, read_card

    source = Path(args.card)
    out_dir = Path(args.out) if args.out else (personas_dir(args.personas_dir) or Path("."))
    try:
        card = read_card(source)
        persona = import_card(card, args.persona_id, source)
        text, persona_id = persona_yaml(persona), persona.id
    except CardError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        if not (args.force and exc.draft):
            raise MaeumError(f"{source} is not a complete persona; fix the card or write a draft with --force") from None
        text, persona_id = persona_yaml(exc.draft), exc.draft["id"]
    target = safe_target(out_dir, persona_id)
    if target.exists() and not args.force:
        raise MaeumError(f"{target} exists; pass --force to overwrite it")
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def safe_target(out_dir: Path, persona_id: object) -> Path:
    """`<out_dir>/<id>.yaml`, only for an id of the one persona-id pattern and inside `out_dir`.

    The id comes from --id or from the card (untrusted): checked before any path is built,
    and the resolved path must still sit in the folder (so --force never writes elsewhere).
    """
    from serving.personas.schema import _ID

    if not isinstance(persona_id, str) or not _ID.fullmatch(persona_id):
        raise MaeumError(f"persona id {persona_id!r} is not allowed: use 2-40 lowercase letters, digits, "
                         f"'-' or '_', starting with a letter (pass --id)")
    folder = out_dir.resolve()
    target = (folder / f"{persona_id}.yaml").resolve()
    if target.parent != folder or target.is_symlink() or (folder / f"{persona_id}.yaml").is_symlink():
        raise MaeumError(f"refusing to write {target}: it is not a plain file inside {folder}")
    return target


def _eval_levels(args: argparse.Namespace) -> int:
    from serving.style.level_eval import default_path, read_cases, report, score

    try:
        path = Path(args.data) if args.data else default_path()
        cases = read_cases(path)
    except (OSError, ValueError) as exc:
        raise MaeumError(str(exc)) from None
    result = score(cases)
    print(f"speech-level conversion, exact match ({len(cases)} sentences from {path}):")
    print(report(result, args.show_misses))
    return 0
