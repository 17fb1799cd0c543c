"""Which chat format a model behind an OpenAI-compatible server uses, and how we know.

The client needs the format for its stop strings (EEVE ends a turn with `<|im_end|>` and
guards at `\\nHuman:`). The served name (`maeum-dpo`) says nothing, so the format is taken,
first found wins, from:

1. the `chat_format` setting (`MAEUM_CHAT_FORMAT`);
2. the adapter's run card (`adapter_path`/run_card.json, written by `maeum train`);
3. the served model's files: a local folder named by the model id, by the server's model list
   (vLLM's `root`), or by `model_name_or_path`: its run card, else its chat template
   (`chat_template.jinja` / `tokenizer_config.json`), matched to ours by rendering a probe;
4. a name that implies a format (EEVE, KULLM): the served id, vLLM's `parent`/`root`, or
   `model_name_or_path`.

Nothing found: no stop strings (the server still stops at the model's end token).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2.exceptions import TemplateError

from maeum.chat_format import FORMATS, _compile, format_for_model, get_format

logger = logging.getLogger(__name__)

# A conversation every format renders differently (system, two user turns, one reply).
_PROBE = [{"role": "system", "content": "S"}, {"role": "user", "content": "U1"},
          {"role": "assistant", "content": "A1"}, {"role": "user", "content": "U2"}]


@dataclass(frozen=True)
class FormatChoice:
    name: str  # a key of maeum.chat_format.FORMATS, or "none"
    source: str  # where it came from, for the log

    @property
    def stop_strings(self) -> list[str]:
        return list(FORMATS[self.name].stop_strings) if self.name in FORMATS else []


def _render(template: str, fmt_name: str) -> str | None:
    fmt = get_format(fmt_name)
    try:
        return _compile(template).render(messages=_PROBE, add_generation_prompt=True, bos_token=fmt.bos_token,
                                         eos_token=fmt.eos_token)
    except (TemplateError, TypeError, KeyError, IndexError):
        return None


def match_template(template: str) -> str | None:
    """The maeum format whose rendering of a probe conversation `template` reproduces."""
    for name, fmt in FORMATS.items():
        if fmt.template is None:
            continue
        rendered = _render(template, name)
        if rendered is not None and rendered == _render(fmt.template, name):
            return name
    return None


def _folder_template(folder: Path) -> tuple[str, Path] | None:
    jinja = folder / "chat_template.jinja"
    if jinja.is_file():
        return jinja.read_text(encoding="utf-8"), jinja
    config = folder / "tokenizer_config.json"
    if config.is_file():
        try:
            template = json.loads(config.read_text(encoding="utf-8")).get("chat_template")
        except (json.JSONDecodeError, AttributeError, UnicodeDecodeError):
            return None
        if isinstance(template, str):
            return template, config
    return None


def format_from_run_card(folder: Path) -> FormatChoice | None:
    card = folder / "run_card.json"
    if not card.is_file():
        return None
    try:
        name = json.loads(card.read_text(encoding="utf-8")).get("model", {}).get("chat_format")
    except (json.JSONDecodeError, AttributeError, UnicodeDecodeError) as exc:
        logger.warning("%s: unreadable run card (%s); ignoring it", card, exc)
        return None
    if name in FORMATS and name != "auto":
        return FormatChoice(name, f"run card {card}")
    return None


def format_from_folder(folder: Path) -> FormatChoice | None:
    """The format a local model or adapter folder records: run card first, then chat template."""
    if not folder.is_dir():
        return None
    choice = format_from_run_card(folder)
    if choice is not None:
        return choice
    found = _folder_template(folder)
    if found is not None:
        name = match_template(found[0])
        if name is not None:
            return FormatChoice(name, f"chat template {found[1]}")
    return None


def resolve_served_format(explicit: str | None, *, model: str, adapter_path: str | None = None,
                          model_path: str | None = None,
                          served: Iterable[Mapping] | None = None) -> FormatChoice:
    """See the module docstring for the order. `served`: the server's /v1/models entries."""
    if explicit:
        return FormatChoice(explicit, "the chat_format setting")
    if adapter_path:
        choice = format_from_run_card(Path(adapter_path)) or format_from_folder(Path(adapter_path))
        if choice is not None:
            return choice
    entry = next((m for m in served or () if m.get("id") == model), {})
    folders = [model, entry.get("root"), model_path]
    for folder in folders:
        if isinstance(folder, str) and folder:
            choice = format_from_folder(Path(folder).expanduser())
            if choice is not None:
                return choice
    names = [("served model id", model), ("server's parent model", entry.get("parent")),
             ("server's model root", entry.get("root")), ("model_name_or_path", model_path)]
    for what, name in names:
        if isinstance(name, str) and name and format_for_model(name) != "auto":
            return FormatChoice(format_for_model(name), f"the {what} {name!r}")
    return FormatChoice("none", "nothing (no setting, run card, known chat template or telling model name)")
