"""The `maeum` command. Each room registers its own subcommands.

Registration is cheap (argparse only); heavy libraries (torch, transformers) are imported
inside the handlers so `maeum --help` and `maeum personas list` stay instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from maeum import __version__
from maeum.errors import MaeumError

# Modules that add subcommands, each with `register(groups: CommandGroups)`.
COMMAND_MODULES = (
    "maeum.core_commands",
    "training.cli",
    "training.style_cli",
    "serving.personas.cli",
    "serving.safety.cli",
    "serving.emotion.cli",
    "serving.cli",
    "serving.reply_eval",
    "serving.accounts.cli",
)

GROUP_HELP = {
    "train": "train models: SFT, DPO, style transfer, merge adapters",
    "eval": "evaluate models and style engines",
    "data": "prepare, fetch and export data",
    "personas": "list, validate, preview, import and export personas",
    "safety": "crisis assessment tools",
    "emotion": "emotion classification tools",
    "dev": "developer helpers (tiny test models)",
    "accounts": "operator tools for accounts: reset codes, sign-out everywhere",
}


class CommandGroups:
    """Hands out argparse sub-parsers: top-level commands and shared groups like `train`."""

    def __init__(self, top: argparse._SubParsersAction):
        self.top = top
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def command(self, name: str, help: str, handler: Callable[[argparse.Namespace], int | None],
                group: str | None = None, **kwargs) -> argparse.ArgumentParser:
        subparsers = self.group(group) if group else self.top
        parser = subparsers.add_parser(name, help=help, description=help, **kwargs)
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str) -> argparse._SubParsersAction:
        if name not in self._groups:
            parser = self.top.add_parser(name, help=GROUP_HELP.get(name), description=GROUP_HELP.get(name))
            parser.set_defaults(handler=lambda args, p=parser: (p.print_help(), 2)[1])
            self._groups[name] = parser.add_subparsers(title="commands", metavar="COMMAND")
        return self._groups[name]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maeum",
        description="maeum (마음): Korean multi-persona counselling chatbot — train, evaluate and serve.",
    )
    parser.add_argument("--version", action="version", version=f"maeum {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logging")
    top = parser.add_subparsers(title="commands", metavar="COMMAND")
    groups = CommandGroups(top)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that room is not part of this install
            raise
        module.register(groups)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except MaeumError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
