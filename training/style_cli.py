"""`maeum train style` and `maeum eval style`.

    maeum train style --config training/configs/kobart_style.yaml [--set train.epochs=3] [--resume]
    maeum eval style --engine identity,rules --out runs/style_eval
    maeum eval style --engine kobart --kobart-model runs/kobart_style/final --out runs/style_eval_kobart
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ENGINE_NAMES = ("identity", "rules", "kobart", "prompt")


def register(groups) -> None:
    train = groups.command("style", "fine-tune KoBART into the persona-conditioned style rewriter", _train,
                           group="train")
    train.add_argument("--config", required=True, help="YAML config (training/configs/kobart_style.yaml)")
    train.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                       help="override a config key, e.g. --set train.max_steps=100 (repeatable)")
    train.add_argument("--output-dir", help="shorthand for --set output_dir=DIR")
    train.add_argument("--resume", nargs="?", const=True, default=None, metavar="CHECKPOINT",
                       help="continue from the last checkpoint in output_dir (or the one given)")
    train.add_argument("--overwrite", action="store_true",
                       help="start a new run in an output_dir that already holds checkpoints "
                            "(its checkpoint-* folders are deleted)")
    train.add_argument("--no-eval", action="store_true", help="skip the generation evaluation at the end")

    ev = groups.command("style", "evaluate style engines on SmileStyle-format data (style acc, chrF, BLEU, J)",
                        _eval, group="eval")
    ev.add_argument("--engine", required=True,
                    help=f"one or more of {', '.join(ENGINE_NAMES)}, comma separated")
    ev.add_argument("--data", help="SmileStyle-format TSV (default: ../shared/data/smilestyle/smilestyle_train.tsv)")
    ev.add_argument("--out", required=True, help="folder for results.json, results.md, predictions.tsv")
    ev.add_argument("--split", choices=("valid", "train", "all"), default="valid",
                    help="valid: the dialogues held out by split_by_dialogue (default); all: the whole file "
                         "(for a separate test file)")
    ev.add_argument("--valid-fraction", type=float, default=0.1)
    ev.add_argument("--seed", type=int, default=0, help="split seed (the same as training's data.split_seed)")
    ev.add_argument("--source-style", default="formal")
    ev.add_argument("--target-styles", help="comma separated (default: the styles the personas use)")
    ev.add_argument("--limit", type=int, help="at most N sentences per target style")
    ev.add_argument("--personas-dir", help="persona folder (default: the bundled personas/)")
    ev.add_argument("--kobart-model", help="trained style checkpoint (OUTPUT/final of `maeum train style`)")
    ev.add_argument("--prompt-model", help="causal LM for the prompt engine (local folder)")
    ev.add_argument("--num-beams", type=int, default=4, help="beam size for learned engines (1 = greedy)")
    ev.add_argument("--max-new-tokens", type=int, default=64)
    ev.add_argument("--fluency-model", help="causal LM for perplexity (fluency); omitted when not given")
    ev.add_argument("--classifier-data", help="SmileStyle TSV whose training split trains the style classifier")


def _train(args: argparse.Namespace) -> int:
    from training.style import load_config, train_style

    overrides = list(args.overrides)
    if args.output_dir:
        overrides.append(f"output_dir={args.output_dir}")
    if args.no_eval:
        overrides.append("eval.enabled=false")
    cfg = load_config(args.config, overrides)
    result = train_style(cfg, resume=args.resume, overwrite=args.overwrite, config_path=args.config,
                         command="maeum " + " ".join(sys.argv[1:]))
    print(f"best validation loss {result['best_eval_loss']} ({result['best_checkpoint']}); "
          f"{result['global_step']} steps" + (" (stopped early)" if result["stopped_early"] else ""))
    print(f"model: {result['final_model']}")
    print(f"run card: {Path(result['output_dir']) / 'RUN_CARD.md'}")
    if result.get("generation_eval"):
        overall = result["generation_eval"]
        print(f"held-out generation: style acc {overall['style_acc']:.3f}, chrF {overall['chrf']:.1f}, "
              f"J {overall['J']:.3f}")
    return 0


def build_engine(name: str, args: argparse.Namespace):
    from maeum.errors import ConfigError

    if name == "identity":
        from serving.style.base import IdentityEngine

        return IdentityEngine()
    if name == "rules":
        from serving.style.rules import RulesEngine

        return RulesEngine(seed=0)
    if name == "kobart":
        if not args.kobart_model:
            raise ConfigError("--engine kobart needs --kobart-model (a `maeum train style` OUTPUT/final folder)")
        from serving.style.kobart import KoBARTEngine

        engine = KoBARTEngine(args.kobart_model, num_beams=args.num_beams, max_new_tokens=args.max_new_tokens)
        if not engine.load():
            raise ConfigError(f"kobart: {engine.unavailable}")
        return engine
    if name == "prompt":
        if not args.prompt_model:
            raise ConfigError("--engine prompt needs --prompt-model (a local causal LM folder)")
        from serving.style.prompt import PromptEngine

        engine = PromptEngine(args.prompt_model, num_beams=args.num_beams, max_new_tokens=args.max_new_tokens)
        if not engine.load():
            raise ConfigError(f"prompt: {engine.unavailable}")
        return engine
    raise ConfigError(f"unknown engine {name!r}; choose from {', '.join(ENGINE_NAMES)}")


def _eval(args: argparse.Namespace) -> int:
    from maeum.errors import ConfigError, DataError
    from training.evaluation.style import harness, metrics

    names = [n.strip() for n in args.engine.split(",") if n.strip()]
    for name in names:
        if name not in ENGINE_NAMES:
            raise ConfigError(f"unknown engine {name!r}; choose from {', '.join(ENGINE_NAMES)}")
    engines = [build_engine(name, args) for name in names]  # fail fast, before the classifier is trained
    data = args.data or harness.default_smilestyle()
    if data is None:
        raise DataError("no --data given and ../shared/data/smilestyle/smilestyle_train.tsv is not present")
    if args.target_styles:
        targets = [s.strip() for s in args.target_styles.split(",") if s.strip()]
    else:
        from training.style import load_persona_list, persona_styles

        targets = persona_styles(load_persona_list(args.personas_dir))
    targets = [t for t in targets if t != args.source_style]
    if not targets:
        raise ConfigError(f"no target style other than the source {args.source_style!r}: "
                          f"pass --target-styles")
    classifier, info = harness.train_classifier(data, args.split, args.valid_fraction, args.seed, args.classifier_data)
    fluency = metrics.Perplexity(args.fluency_model) if args.fluency_model else None
    personas = harness.personas_for_styles(targets, args.personas_dir)
    out = Path(args.out)
    results = []
    for name, engine in zip(names, engines):
        result = harness.evaluate_engine(
            engine, data, out if len(names) == 1 else out / name, split=args.split,
            valid_fraction=args.valid_fraction, seed=args.seed, source_style=args.source_style,
            target_styles=targets, limit_per_style=args.limit, fluency=fluency, classifier=classifier,
            classifier_info=info, personas=personas)
        results.append(result)
        print()
    if len(results) > 1:
        table = harness.comparison_table(results)
        out.mkdir(parents=True, exist_ok=True)
        (out / "comparison.md").write_text(table + "\n", encoding="utf-8")
        (out / "comparison.json").write_text(json.dumps(
            {r["engine"]: harness._clean(r["overall"]) for r in results}, indent=2), encoding="utf-8")
        print("overall:")
        print(table)
    identity = next((r for r in results if r["engine"] == "identity"), None)
    if identity:
        for r in results:
            if r is not identity and not r["overall"]["J"] > identity["overall"]["J"]:
                print(f"warning: {r['engine']} does not beat the identity floor on J "
                      f"({r['overall']['J']:.3f} <= {identity['overall']['J']:.3f})", file=sys.stderr)
    return 0
