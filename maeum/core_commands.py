"""`maeum version`, `maeum doctor` and `maeum dev make-tiny`."""

from __future__ import annotations

import argparse

from maeum import __version__


def register(groups) -> None:
    groups.command("version", "print the maeum version", _version)
    doctor = groups.command("doctor", "check this machine: Python, torch/CUDA, optional parts, folders", _doctor)
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.add_argument("--deep", action="store_true",
                        help="also import torch and every package (CUDA, bf16, bitsandbytes, broken installs)")
    doctor.add_argument("--database", metavar="URL",
                        help="check only this database (URL or SQLite file): reachable, schema version and "
                             "pending migrations, time to take the write lock, accounts")
    tiny = groups.command("make-tiny", "build the tiny tokenizer, Llama and BART models used by tests",
                          _make_tiny, group="dev")
    tiny.add_argument("out_dir", help="folder to write tokenizer/, llama/ and bart/ into")
    tiny.add_argument("--seed", type=int, default=0)


def _version(args: argparse.Namespace) -> int:
    print(f"maeum {__version__}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from maeum.doctor import format_checks, run_checks

    if args.database:
        from serving.store import database_url_from_path
        from serving.store.health import database_checks

        checks = database_checks(database_url_from_path(args.database))
    else:
        checks = run_checks(deep=args.deep)
    if args.json:
        import json

        print(json.dumps([c.__dict__ for c in checks], ensure_ascii=False, indent=2))
    else:
        print(format_checks(checks))
    # Only a missing required part is a failure; optional parts are informational.
    return 1 if any(c.status == "missing" and c.required for c in checks) else 0


def _make_tiny(args: argparse.Namespace) -> int:
    from maeum.tiny_models import build_tiny_models

    paths = build_tiny_models(args.out_dir, seed=args.seed)
    for name, path in paths.items():
        print(f"{name}: {path}")
    return 0
