"""`maeum train sft|dpo|merge` and `maeum eval prefs|generate`.

Registration only touches argparse; torch/transformers/TRL are imported inside the handlers.
`train sft` / `train dpo` take `--config FILE` plus overrides of any config key
(`--max_steps 5`, `--output_dir=X`); they run unchanged under `accelerate launch -m maeum ...`.
"""

from __future__ import annotations

import argparse

OVERRIDES_HELP = """\
Any config key can be overridden after --config: --KEY VALUE or --KEY=VALUE (values are YAML:
5, 2e-4, true, [q_proj, v_proj]); a bare --KEY means true. Keys are the fields of TRL's
SFTConfig/DPOConfig and ModelConfig plus maeum's data keys; see docs/training.md.

Multi-GPU: accelerate launch --config_file training/configs/accelerate/ddp.yaml -m maeum train %s --config FILE
"""


class _OverridesParser(argparse.ArgumentParser):
    """A sub-parser that keeps unknown `--key value` tokens as config overrides.

    The top-level `maeum` parser rejects unknown arguments; the sub-parser of `train sft|dpo`
    collects them into `args.overrides` instead, and `training.config` validates them against
    the real config keys (with a closest-key suggestion).
    """

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        namespace.overrides = list(getattr(namespace, "overrides", None) or []) + extras
        return namespace, []


def register(groups) -> None:
    for kind, what in (("sft", "supervised fine-tuning (LoRA/QLoRA) on multi-turn conversations"),
                       ("dpo", "DPO preference tuning from an SFT adapter (the SFT policy is the reference)")):
        parser = groups.command(kind, what, _train_handler(kind), group="train", allow_abbrev=False,
                                epilog=OVERRIDES_HELP % kind, formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.__class__ = _OverridesParser
        parser.add_argument("--config", required=True, metavar="FILE",
                            help=f"YAML config, e.g. training/configs/tiny_{kind}.yaml")
        parser.add_argument("--dry-run", action="store_true",
                            help="validate the config and print it fully resolved; load nothing")

    merge = groups.command("merge", "merge a LoRA adapter into full-precision weights for serving", _merge,
                           group="train")
    merge.add_argument("--adapter", required=True, help="adapter folder (output of train sft/dpo)")
    merge.add_argument("--output", required=True, help="folder for the merged model + tokenizer")
    merge.add_argument("--model", help="base model (default: the one the adapter was trained on)")
    merge.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"],
                       help="dtype of the merged weights (default bfloat16)")
    merge.add_argument("--load_in_4bit", action="store_true",
                       help="refused: merging into 4-bit weights loses the adapter (explained when used)")

    prefs = groups.command("prefs", "preference accuracy and mean margin of base / SFT / DPO on held-out pairs",
                           _prefs, group="eval")
    prefs.add_argument("--model", required=True, help="base model (or maeum:tiny-eeve)")
    prefs.add_argument("--adapter", action="append", default=[], metavar="[NAME=]DIR",
                       help="adapter to compare (repeatable), e.g. --adapter sft=out/sft --adapter dpo=out/dpo")
    prefs.add_argument("--data", default="data/seed_preferences.jsonl", help="preference pairs (JSONL etc.)")
    prefs.add_argument("--heldout-from", metavar="RUN_DIR",
                       help="keep only the pairs a DPO run held out (its data_split.json)")
    prefs.add_argument("--chat-format", help="eeve, kullm3, gemma or auto (default: implied by --model)")
    prefs.add_argument("--no-base", action="store_true", help="skip the base model row")
    prefs.add_argument("--max-pairs", type=int, help="evaluate at most this many pairs")
    prefs.add_argument("--batch-size", type=int, default=8)
    prefs.add_argument("--load_in_4bit", action="store_true", help="load the base in 4-bit (CUDA only)")
    prefs.add_argument("--json", metavar="FILE", help="also write the table as JSON")
    prefs.add_argument("--system-prompt", default=None, metavar="TEXT",
                       help="system prompt for the adapters' rows (default: the counsellor prompt they train with; "
                            "'none' for no system prompt)")
    prefs.add_argument("--base-system-prompt", default=None, metavar="TEXT",
                       help="system prompt for the base row (default: 'native', the base model's own trained prompt "
                            "where known, e.g. KULLM3's; 'none' for no system prompt)")

    gen = groups.command("generate", "write replies to a fixed prompt set with simple counselling checks", _generate,
                         group="eval")
    gen.add_argument("--model", required=True, help="base model (or maeum:tiny-eeve)")
    gen.add_argument("--adapter", action="append", default=[], metavar="[NAME=]DIR",
                     help="adapter to compare (repeatable); the base model is included unless --no-base")
    gen.add_argument("--prompts", help="JSONL of {id, messages} (default: the built-in counselling prompt set)")
    gen.add_argument("--output", required=True, help="JSONL file to write (one row per prompt and stage)")
    gen.add_argument("--chat-format", help="eeve, kullm3, gemma or auto (default: implied by --model)")
    gen.add_argument("--no-base", action="store_true", help="skip the base model")
    gen.add_argument("--max-new-tokens", type=int, default=200)
    gen.add_argument("--sample", action="store_true", help="sample (temperature 0.7, top-p 0.9) instead of greedy")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--load_in_4bit", action="store_true", help="load the base in 4-bit (CUDA only)")


def _train_handler(kind: str):
    def handler(args: argparse.Namespace) -> int:
        from training.config import hardware_needs, load_config

        # A dry run validates everything but the hardware, and says what hardware the run needs.
        setup = load_config(kind, args.config, list(args.overrides or []), check_hardware=not args.dry_run)
        if args.dry_run:
            import yaml

            print(yaml.safe_dump(setup.resolved(), allow_unicode=True, sort_keys=True), end="")
            for note in setup.notes:
                print(f"# {note}")
            for need in hardware_needs(setup):
                print(f"# hardware: {need}")
            return 0
        if kind == "sft":
            from training.sft import run_sft as run
        else:
            from training.dpo import run_dpo as run
        result = run(setup)
        if result.trainer.is_world_process_zero():
            _print_summary(kind, result)
        return 0

    return handler


def _print_summary(kind: str, result) -> None:
    m = result.card.get("metrics", {})
    parts = []
    if "train_loss_first" in m:
        parts.append(f"train loss {m['train_loss_first']:.4f} -> {m['train_loss_last']:.4f}")
    final = m.get("eval_final") or {}
    if "eval_loss" in final:
        parts.append(f"eval loss {final['eval_loss']:.4f}")
    if kind == "dpo" and "eval_rewards/accuracies" in final:
        parts.append(f"eval reward accuracy {final['eval_rewards/accuracies']:.3f}, "
                     f"margin {final['eval_rewards/margins']:.4f}")
    check = m.get("reference_check")
    if check:
        parts.append("step-0 reference check " + ("ok" if check["reference_is_policy"] else "FAILED"))
    print(f"maeum train {kind}: done in {result.card.get('wall_time_s')} s; " + "; ".join(parts))
    print(f"output: {result.output_dir} (adapter, tokenizer, resolved_config.yaml, RUN_CARD.md, loss.png)")


def _merge(args: argparse.Namespace) -> int:
    from training.merge import merge_adapter

    out = merge_adapter(args.adapter, args.output, base_model=args.model, dtype=args.dtype,
                        load_in_4bit=args.load_in_4bit)
    print(f"merged model written to {out}")
    return 0


def _prefs(args: argparse.Namespace) -> int:
    from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT
    from training.evaluation.prefs import BASE_DEFAULT, evaluate_preferences, format_table

    def prompt_value(value, default):
        return default if value is None else None if value.lower() == "none" else value

    rows = evaluate_preferences(model=args.model, adapters=args.adapter, data=args.data,
                                heldout_from=args.heldout_from, chat_format=args.chat_format,
                                include_base=not args.no_base, max_pairs=args.max_pairs,
                                batch_size=args.batch_size, load_in_4bit=args.load_in_4bit,
                                system_prompt=prompt_value(args.system_prompt, COUNSELLOR_SYSTEM_PROMPT),
                                base_system_prompt=prompt_value(args.base_system_prompt, BASE_DEFAULT))
    print(format_table(rows))
    if args.json:
        import json
        from pathlib import Path

        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from training.evaluation.generate import format_summary, generate_replies

    summary = generate_replies(model=args.model, adapters=args.adapter, prompts=args.prompts, output=args.output,
                               chat_format=args.chat_format, include_base=not args.no_base,
                               max_new_tokens=args.max_new_tokens, sample=args.sample, seed=args.seed,
                               load_in_4bit=args.load_in_4bit)
    print(format_summary(summary))
    print(f"replies written to {args.output}")
    return 0
