"""Training configs: one flat YAML file + command-line overrides -> TRL's own dataclasses.

A config file is a flat mapping whose keys are the field names of

- TRL's ``SFTConfig`` / ``DPOConfig`` (every ``transformers.TrainingArguments`` field too),
- TRL's ``ModelConfig`` (``model_name_or_path``, ``dtype``, LoRA ``lora_*`` and
  quantization ``load_in_4bit`` / ``bnb_*`` keys),
- our ``SFTDataArguments`` / ``DPODataArguments`` below (dataset keys in the style of TRL's
  ``ScriptArguments`` / ``DatasetMixtureConfig``, plus the chat format).

Any key can be overridden on the command line (``--max_steps 5``, ``--output_dir=X``,
``--bf16 false``); values are read as YAML scalars, so ``5`` is a number and ``[a, b]`` a list.
An unknown key is an error that names the closest valid key.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import logging
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT, FORMATS, format_for_model
from maeum.errors import ConfigError

logger = logging.getLogger(__name__)

KINDS = ("sft", "dpo")


@dataclass
class SFTDataArguments:
    """Dataset and chat-format keys (TRL's ScriptArguments / DatasetMixtureConfig style)."""

    dataset_name: str | None = field(default=None, metadata={
        "help": "One dataset: a local file/folder or a hub id. Shorthand for `datasets: [<path>]`."})
    datasets: list | None = field(default=None, metadata={
        "help": "Training sources: paths, or mappings with path/format/split/name/max_rows "
                "(training.loaders.DataSource)."})
    eval_datasets: list | None = field(default=None, metadata={
        "help": "Held-out sources for eval loss. If unset, `test_split_size` of the training rows is held out."})
    test_split_size: float = field(default=0.1, metadata={
        "help": "Fraction (<1) or number (>=1) of training rows held out for evaluation; 0 disables evaluation."})
    chat_format: str | None = field(default=None, metadata={
        "help": "maeum.chat_format format: eeve, kullm3, gemma or auto. Unset: implied by model_name_or_path."})
    system_prompt: str | None = field(default=COUNSELLOR_SYSTEM_PROMPT, metadata={
        "help": "System prompt added to conversations that have none: text; `native` for the base model's own "
                "trained prompt (EEVE's, KULLM3's); null for no system prompt at all."})
    on_bad_row: str = field(default="drop", metadata={
        "help": "What a malformed data row does: drop (counted in the run card) or raise."})
    run_card_samples: int = field(default=3, metadata={
        "help": "Replies of the trained model to this many fixed prompts (training/evaluation/prompts.yaml) "
                "written to RUN_CARD.md; 0 for none."})


@dataclass
class DPODataArguments(SFTDataArguments):
    sft_adapter_path: str | None = field(default=None, metadata={
        "help": "Output folder of `maeum train sft` (a LoRA adapter). DPO continues training this adapter, and "
                "the reference is the same adapter loaded a second time, frozen, on the shared base model."})


@dataclass
class TrainingSetup:
    """Everything one run needs, resolved and validated."""

    kind: str
    args: Any  # trl.SFTConfig | trl.DPOConfig
    model: Any  # trl.ModelConfig
    data: SFTDataArguments
    config_path: str | None
    user_keys: dict[str, Any]  # what the file and the command line set, before defaults
    notes: list[str] = field(default_factory=list)  # automatic choices, for the log and the run card

    @property
    def chat_format(self) -> str:
        return self.data.chat_format or format_for_model(self.model.model_name_or_path or "")

    def resolved(self) -> dict[str, Any]:
        """Every key with its final value; loadable again with `load_config`."""
        out: dict[str, Any] = {}
        for obj in (self.data, self.model):
            for f in dataclasses.fields(obj):
                out[f.name] = _plain(getattr(obj, f.name))
        # Not `to_dict()`: it masks every `*_token` value (eos_token, pad_token) as "<EOS_TOKEN>".
        for name in _init_fields(type(self.args)):
            if name.startswith("_") or name in ("hub_token", "push_to_hub_token", "hub_private_repo"):
                continue
            out[name] = _plain(getattr(self.args, name))
        out["chat_format"] = self.chat_format
        return out


def _plain(value):
    """YAML-safe version of a config value."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):  # IntervalStrategy, SchedulerType, ... (str subclasses too)
        return _plain(value.value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    return str(value)


def _classes(kind: str):
    from trl import DPOConfig, ModelConfig, SFTConfig

    if kind == "sft":
        return SFTConfig, ModelConfig, SFTDataArguments
    if kind == "dpo":
        return DPOConfig, ModelConfig, DPODataArguments
    raise ConfigError(f"unknown training kind {kind!r}; choose one of {', '.join(KINDS)}")


def _init_fields(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.init]


def valid_keys(kind: str) -> dict[str, type]:
    """Key -> the dataclass it belongs to."""
    out: dict[str, type] = {}
    for cls in _classes(kind):
        for name in _init_fields(cls):
            if not name.startswith("_"):
                out.setdefault(name, cls)
    return out


# --------------------------------------------------------------------------- reading


def read_yaml(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {p}")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{p}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: expected a mapping of keys to values at the top level, got {type(data).__name__}")
    return data


def parse_overrides(tokens: list[str]) -> dict[str, str]:
    """`--key value`, `--key=value` and bare `--flag` ("true") -> {key: raw text}.

    Values stay text here; `load_config` reads them as YAML except for text-only keys, so
    `--eval_strategy no` stays "no" instead of YAML 1.1's boolean false.
    """
    out: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("--") or token == "--":
            raise ConfigError(f"unexpected command-line argument {token!r}: overrides look like --key value")
        key, eq, value = token[2:].partition("=")
        key = key.replace("-", "_")
        if not eq:
            if i + 1 < len(tokens) and not tokens[i + 1].startswith("--"):
                value = tokens[i + 1]
                i += 1
            else:
                value = "true"
        out[key] = value
        i += 1
    return out


def _yaml_scalar(text: str):
    for number in (int, float):  # YAML 1.1 reads 1e-4 as text; a command line means the number
        try:
            return number(text)
        except ValueError:
            pass
    try:
        return yaml.safe_load(text) if text.strip() else text
    except yaml.YAMLError:
        return text


# --------------------------------------------------------------------------- checking


def closest_key(key: str, valid) -> str | None:
    """The most similar valid key; a shared prefix counts extra (lora_rank -> lora_r, not local_rank)."""
    candidates = difflib.get_close_matches(key, list(valid), n=6, cutoff=0.6)
    if not candidates:
        candidates = [k for k in valid if key in k or k in key]
    if not candidates:
        return None

    def score(candidate: str) -> float:
        prefix = len(os.path.commonprefix([key, candidate]))
        return difflib.SequenceMatcher(None, key, candidate).ratio() + 0.05 * min(prefix, 6)

    return max(candidates, key=score)


def check_keys(kind: str, keys: dict[str, str]) -> None:
    """`keys` maps each key to where it came from; unknown keys -> ConfigError naming the closest."""
    valid = valid_keys(kind)
    other = {k for other_kind in KINDS if other_kind != kind for k in valid_keys(other_kind)} - set(valid)
    problems = []
    for key, where in keys.items():
        if key in valid:
            continue
        if key in other:
            problems.append(f"{key!r} ({where}) is a {'DPO' if kind == 'sft' else 'SFT'} setting; "
                            f"it has no meaning for `maeum train {kind}`")
            continue
        close = closest_key(key, valid)
        hint = f"; did you mean {close!r}?" if close else ""
        problems.append(f"unknown key {key!r} ({where}){hint}")
    if problems:
        raise ConfigError("invalid training config:\n  - " + "\n  - ".join(problems) +
                          f"\nValid keys are the fields of TRL's {'SFTConfig' if kind == 'sft' else 'DPOConfig'}, "
                          "ModelConfig and maeum's data keys (see docs/training.md).")


def _is_text_only(hint) -> bool:
    """Annotation is text: `str`, `str | None`, or a str-enum such as `IntervalStrategy | str`."""
    def texty(t) -> bool:
        return isinstance(t, type) and issubclass(t, str)

    if texty(hint):
        return True
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return bool(args) and all(texty(a) for a in args)
    return False


# Text-only keys whose boolean value is meaningful.
_BOOL_TEXT_KEYS = {"resume_from_checkpoint"}


def _hints(cls) -> dict:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - unresolvable forward refs: no coercion
        return {}


def _from_cli(cls, key: str, raw: str):
    """A command-line value: text for text-only keys (`null`/`~` -> None), otherwise a YAML scalar."""
    hint = _hints(cls).get(key)
    if _is_text_only(hint) and key not in _BOOL_TEXT_KEYS:
        return None if raw in ("null", "~") and type(None) in typing.get_args(hint) else raw
    if raw.strip()[:1] in ("[", "{"):
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ConfigError(f"--{key} {raw!r}: not a valid YAML list or mapping "
                              f"({getattr(exc, 'problem', exc)}); e.g. --{key} '[a, b]'") from None
    return _yaml_scalar(raw)


def _numeric(hint) -> type | None:
    """float or int when the annotation admits that number type (float preferred)."""
    args = set(typing.get_args(hint)) if typing.get_origin(hint) in (typing.Union, types.UnionType) else {hint}
    return float if float in args else int if int in args else None


def _coerce(cls, values: dict[str, Any]) -> dict[str, Any]:
    """YAML 1.1 typing fixed per key: `no` -> "no" and `7` -> "7" for text keys, `2e-4` -> 0.0002 for numbers."""
    hints = _hints(cls)
    out = {}
    for key, value in values.items():
        number = _numeric(hints.get(key))
        if number is not None and isinstance(value, str):
            try:
                value = number(value) if number is float else int(value)
            except ValueError:
                try:
                    value = float(value) if number is int else value
                except ValueError:
                    pass  # the dataclass reports it
        if _is_text_only(hints.get(key)) and key not in _BOOL_TEXT_KEYS:
            if isinstance(value, bool):
                value = "yes" if value else "no"  # eval_strategy: no
            elif isinstance(value, (int, float)):
                value = str(value)  # run_name: 7
        out[key] = value
    return out


def _describe(hint) -> str:
    if hint is type(None):
        return "null"
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(dict.fromkeys(_describe(a) for a in typing.get_args(hint)))
    origin = typing.get_origin(hint) or hint
    names = {bool: "true/false", int: "an integer", float: "a number", str: "text", list: "a list",
             dict: "a mapping"}
    if isinstance(origin, type):
        if issubclass(origin, enum.Enum) or origin is str:
            return "text"
        return names.get(origin, origin.__name__)
    return str(hint)


def _fits(hint, value) -> bool:
    """Whether `value` (already read as YAML) is acceptable for a field annotated `hint`."""
    if hint is None or hint is typing.Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(a, value) for a in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    base = origin or hint
    if not isinstance(base, type):
        return True  # an annotation we cannot check: the dataclass decides
    if base is bool:
        return isinstance(value, bool)
    if base is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if base is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if base is str or issubclass(base, enum.Enum):
        return isinstance(value, (str, enum.Enum))
    if base in (list, tuple, set):
        item = (typing.get_args(hint) or (None,))[0]
        if isinstance(value, str):  # TRL/PEFT take one name for a list of names (loss_type: sigmoid)
            return item in (None, str, typing.Any)
        if not isinstance(value, (list, tuple)):
            return False
        return all(_fits(item, v) for v in value)
    if base is dict:
        return isinstance(value, dict)
    return True


def check_types(cls, values: dict[str, Any], where: dict[str, str]) -> None:
    """Every value has the type its dataclass field declares; else one ConfigError listing them all.

    TrainingArguments accepts many wrong types silently and fails much later (``max_steps: abc``
    crashes inside the training loop), so types are checked here, before anything is loaded.
    """
    hints = _hints(cls)
    problems = []
    for key, value in values.items():
        hint = hints.get(key)
        if key in _BOOL_TEXT_KEYS and isinstance(value, bool):
            continue  # resume_from_checkpoint: true means "the latest checkpoint"
        if hint is not None and not _fits(hint, value):
            problems.append(f"{key}: expected {_describe(hint)}, got {value!r} ({where.get(key, 'default')})")
    if problems:
        raise ConfigError("invalid training config:\n  - " + "\n  - ".join(problems))


def check_dataset_entries(key: str, entries, where: str) -> None:
    """Entries of `datasets` / `eval_datasets`: a path, or a mapping of DataSource keys with their types."""
    from training.loaders import DataSource

    if entries is None:
        return
    if isinstance(entries, (str, dict)):
        entries = [entries]
    if not isinstance(entries, list):
        raise ConfigError(f"{key} ({where}): expected a list of paths or mappings, got {entries!r}")
    fields = {f.name for f in dataclasses.fields(DataSource)}
    hints = typing.get_type_hints(DataSource)
    problems = []
    for i, entry in enumerate(entries, start=1):
        if isinstance(entry, str):
            continue
        if not isinstance(entry, dict):
            problems.append(f"{key}[{i}]: expected a path or a mapping with {', '.join(sorted(fields))}, "
                            f"got {entry!r}")
            continue
        for name, value in entry.items():
            if name not in fields:
                close = closest_key(str(name), fields)
                problems.append(f"{key}[{i}]: unknown key {name!r}" + (f"; did you mean {close!r}?" if close else ""))
            elif not _fits(hints[name], value):
                problems.append(f"{key}[{i}].{name}: expected {_describe(hints[name])}, got {value!r}")
        if "path" not in entry:
            problems.append(f"{key}[{i}]: no `path`")
    if problems:
        raise ConfigError(f"invalid {key} ({where}):\n  - " + "\n  - ".join(problems))


# --------------------------------------------------------------------------- building


def load_config(kind: str, config_path: str | Path | None, overrides: list[str] | dict[str, Any] | None = None,
                *, check_hardware: bool = True) -> TrainingSetup:
    """Read, merge, validate and build the dataclasses for `maeum train {kind}`."""
    file_values = read_yaml(config_path) if config_path else {}
    cli_values = parse_overrides(overrides) if isinstance(overrides, list) else dict(overrides or {})
    if check_hardware:  # before importing TRL: a 4-bit config on a CPU machine stops at once
        from types import SimpleNamespace

        merged = {**file_values, **{k: _yaml_scalar(v) if isinstance(v, str) else v for k, v in cli_values.items()}}
        check_quantization_hardware(SimpleNamespace(**{k: merged.get(k) is True
                                                       for k in ("load_in_4bit", "load_in_8bit")}), config_path)
    args_cls, model_cls, data_cls = _classes(kind)
    where = {k: f"in {config_path}" for k in file_values}
    where.update({k: "on the command line" for k in cli_values})
    check_keys(kind, where)
    keys = valid_keys(kind)
    if isinstance(overrides, list):
        cli_values = {k: _from_cli(keys[k], k, v) for k, v in cli_values.items()}
    values = {**file_values, **cli_values}
    notes: list[str] = []

    # transformers 5 renamed gradient_checkpointing* to activation_checkpointing*; TRL still reads
    # the old names. Either name works; the command line wins over the file; both end up equal.
    for old, new in (("gradient_checkpointing", "activation_checkpointing"),
                     ("gradient_checkpointing_kwargs", "activation_checkpointing_kwargs")):
        for source in (cli_values, file_values):
            if old in source and new in source and source[old] != source[new]:
                raise ConfigError(f"{old!r} and {new!r} disagree ({source[old]!r} vs {source[new]!r}); "
                                  f"set only {new!r}")
            if new in source or old in source:
                values[new] = values[old] = source.get(new, source.get(old))
                break
    values.setdefault("activation_checkpointing", True)  # TRL's default, under its new name
    if kind == "sft":
        values.setdefault("assistant_only_loss", True)  # maeum's default: loss on assistant turns only
    values["gradient_checkpointing"] = values["activation_checkpointing"]

    parts = {cls: {} for cls in (args_cls, model_cls, data_cls)}
    for key, value in values.items():
        parts[keys[key]][key] = value

    for key in ("datasets", "eval_datasets"):
        if key in values:
            check_dataset_entries(key, values[key], where.get(key, "in the config"))
    data = _build(data_cls, parts[data_cls], "data", where)
    _check_data(kind, data)
    model = _build(model_cls, parts[model_cls], "model", where)
    if kind == "dpo" and not model.model_name_or_path and data.sft_adapter_path:
        model.model_name_or_path = base_model_of_adapter(data.sft_adapter_path)
        notes.append(f"model_name_or_path taken from the SFT adapter: {model.model_name_or_path}")
    if not model.model_name_or_path:
        raise ConfigError("model_name_or_path is not set (in the config file or as --model_name_or_path)")
    check_model_location(model.model_name_or_path, where.get("model_name_or_path", "from the SFT adapter"))
    if data.chat_format is not None and data.chat_format not in FORMATS:
        raise ConfigError(f"chat_format {data.chat_format!r} is unknown; choose one of {', '.join(FORMATS)}")

    if check_hardware:
        check_quantization_hardware(model, config_path)
    # types first ("auto" is resolved below), so `--bf16 maybe` is not read as true
    check_types(args_cls, {k: v for k, v in _coerce(args_cls, parts[args_cls]).items() if v != "auto"}, where)
    _resolve_precision(parts[args_cls], model, parts[model_cls], notes, strict=check_hardware)
    _resolve_resume(parts[args_cls])
    if kind == "sft":
        _resolve_packing(parts[args_cls], model, notes)
    if not data.eval_datasets and not data.test_split_size and (
            str(parts[args_cls].get("eval_strategy", "no")) != "no" or parts[args_cls].get("eval_on_start")):
        parts[args_cls].update(eval_strategy="no", eval_on_start=False)
        notes.append("evaluation off: no eval data (test_split_size: 0 and no eval_datasets)")
    if not parts[args_cls].get("output_dir"):
        raise ConfigError("output_dir is not set (in the config file or as --output_dir)")
    if parts[args_cls].get("chat_template_path"):
        raise ConfigError("chat_template_path is not used by maeum: the chat format comes from `chat_format` "
                          "(eeve, kullm3, gemma, auto) so training and serving share one template")
    args = _build(args_cls, parts[args_cls], "training", where)
    return TrainingSetup(kind=kind, args=args, model=model, data=data,
                         config_path=str(config_path) if config_path else None, user_keys=values, notes=notes)


def _build(cls, values: dict[str, Any], what: str, where: dict[str, str] | None = None):
    values = _coerce(cls, values)
    check_types(cls, values, where or {})
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        keys = ", ".join(sorted(values)) or "defaults"
        raise ConfigError(f"invalid {what} settings ({keys}): {exc}") from None


def _check_data(kind: str, data: SFTDataArguments) -> None:
    if data.run_card_samples is None or data.run_card_samples < 0:
        raise ConfigError(f"run_card_samples must be 0 or more, not {data.run_card_samples!r}")
    if data.on_bad_row not in ("drop", "raise"):
        raise ConfigError(f"on_bad_row must be 'drop' or 'raise', not {data.on_bad_row!r}")
    if not data.datasets and not data.dataset_name:
        raise ConfigError("no training data: set `datasets` (a list of files) or `dataset_name`")
    if data.test_split_size is None or data.test_split_size < 0:
        raise ConfigError("test_split_size must be 0 (no eval split), a fraction below 1, or a row count")
    if isinstance(data.datasets, (str, dict)):
        data.datasets = [data.datasets]
    if isinstance(data.eval_datasets, (str, dict)):
        data.eval_datasets = [data.eval_datasets]
    if kind == "dpo" and data.sft_adapter_path is not None:
        adapter = Path(data.sft_adapter_path)
        if not (adapter / "adapter_config.json").is_file():
            raise ConfigError(f"sft_adapter_path {adapter} holds no adapter_config.json: point it at the output "
                              f"folder of `maeum train sft` (a LoRA run)")


def check_model_location(name: str, where: str = "") -> None:
    """A model named by a local path must be a model folder that exists.

    Otherwise transformers tries the path as a hub id and reports a repo-id or network error,
    which hides the real problem (a typo, a run that never finished).
    """
    from .modeling import TINY_MODEL_ID
    from .random_model import is_random_model

    if name == TINY_MODEL_ID or is_random_model(name):
        return
    path = Path(name).expanduser()
    at = f" ({where})" if where else ""
    if path.is_file():
        raise ConfigError(f"model_name_or_path {name}{at} is a file, not a model folder")
    if path.is_dir():
        if not (path / "config.json").is_file() and not (path / "adapter_config.json").is_file():
            raise ConfigError(f"model_name_or_path {name}{at} is a folder but not a model folder (no config.json)")
        return
    looks_local = name.startswith(("/", "./", "../", "~", ".\\")) or name.count("/") > 1 or "\\" in name
    if looks_local:
        raise ConfigError(f"model_name_or_path {name}{at}: no such folder")


def base_model_of_adapter(adapter_path: str | Path) -> str:
    import json

    cfg = Path(adapter_path) / "adapter_config.json"
    try:
        base = json.loads(cfg.read_text(encoding="utf-8")).get("base_model_name_or_path")
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {cfg}: {exc}") from None
    if not base:
        raise ConfigError(f"{cfg} names no base_model_name_or_path; set model_name_or_path")
    # Our run card remembers the model as the user named it (e.g. the tiny model's id).
    card = Path(adapter_path) / "run_card.json"
    if card.is_file():
        try:
            named = json.loads(card.read_text(encoding="utf-8")).get("model", {}).get("name")
            if named:
                return named
        except ValueError:
            pass
    return base


def hardware_needs(setup: TrainingSetup) -> list[str]:
    """What this config needs from the machine that this machine lacks (for `--dry-run` notes)."""
    import torch

    needs = []
    cuda = torch.cuda.is_available()
    for key in ("load_in_4bit", "load_in_8bit"):
        if getattr(setup.model, key, False) and not cuda:
            needs.append(f"{key}: needs a CUDA GPU (bitsandbytes); this machine has none")
    for key in ("bf16", "fp16"):
        if getattr(setup.args, key, False) and not cuda:
            needs.append(f"{key}: mixed precision needs a GPU; this machine has none")
    if str(getattr(setup.args, "optim", "")).startswith("paged_") and not cuda:
        needs.append(f"optim {setup.args.optim}: paged optimizers need CUDA")
    if (setup.model.attn_implementation or "") in VARLEN_ATTENTION and not cuda:
        needs.append(f"attn_implementation {setup.model.attn_implementation}: needs a CUDA GPU")
    return needs


def check_quantization_hardware(model, config_path=None) -> None:
    """4/8-bit (bitsandbytes) needs CUDA: stop at once, naming the key, never fall back silently."""
    for key in ("load_in_4bit", "load_in_8bit"):
        if getattr(model, key, False):
            import torch

            if not torch.cuda.is_available():
                where = f" in {config_path}" if config_path else ""
                raise ConfigError(
                    f"{key}: true needs a CUDA GPU (bitsandbytes quantization), and this machine has none. "
                    f"Set `{key}: false`{where} (or pass --{key} false) to train the full-precision model on "
                    f"this machine, or run on a GPU machine. The CPU smoke test is training/configs/tiny_sft.yaml.")


def _resolve_precision(args_values: dict, model, model_values: dict, notes: list[str], strict: bool = True) -> None:
    """bf16 / fp16 / model dtype: 'auto' or unset -> the best this machine supports.

    `strict=False` validates a GPU config on a machine without one (tests, a laptop): explicit
    bf16/fp16 values are kept and checked by TrainingArguments as if on that GPU.
    """
    import torch

    cuda = torch.cuda.is_available()
    bf16_ok = cuda and torch.cuda.is_bf16_supported()
    for key in ("bf16", "fp16"):
        if args_values.get(key) == "auto":
            args_values.pop(key)
    if "bf16" not in args_values and "fp16" not in args_values:
        args_values["bf16"] = bf16_ok
        args_values["fp16"] = cuda and not bf16_ok
        notes.append("mixed precision: " + ("bf16" if bf16_ok else "fp16" if cuda else "none (fp32 on CPU)") +
                     " (chosen automatically; set bf16/fp16 to override)")
    else:
        args_values.setdefault("bf16", False)
        args_values.setdefault("fp16", False)
        wanted = "bf16" if args_values["bf16"] else "fp16" if args_values["fp16"] else None
        if wanted and not strict and not cuda:
            args_values["use_cpu"] = True  # lets TrainingArguments accept the value without a GPU
            notes.append("hardware checks skipped: validated as if on a GPU")
        elif wanted == "bf16" and cuda and not bf16_ok:
            raise ConfigError("bf16: true but this GPU has no bfloat16 support (pre-Ampere); set `bf16: false` and "
                              "`fp16: true`, or leave both unset to choose automatically")
        elif wanted and not cuda:
            raise ConfigError(f"{wanted}: true needs a GPU for mixed precision; this machine has none. Set it to "
                              "false, or leave bf16/fp16 unset to choose automatically")
    if model_values.get("dtype") is None:
        model.dtype = "bfloat16" if args_values["bf16"] else "float16" if args_values["fp16"] else "float32"
        notes.append(f"model dtype: {model.dtype} (follows the mixed precision; set dtype to override)")


VARLEN_ATTENTION = ("flash_attention_2", "flash_attention_3", "kernels-community/flash-attn", "kernels-community/flash-attn3")


def _resolve_packing(args_values: dict, model, notes: list[str]) -> None:
    """`packing: auto` -> on with varlen (flash) attention, off otherwise; wrapped packing is refused.

    Packed conversations keep their own position ids and TRL's padding-free collator, so with any
    attention implementation nothing attends across conversations (transformers builds a block-
    diagonal mask from the position ids). Only flash-attention's varlen kernels make that cheap;
    with sdpa/eager the mask spans the whole flattened batch, which is slower than padding
    length-grouped batches (bench/train_throughput.py). See docs/training.md, "Packing".
    """
    value = args_values.get("packing")
    if isinstance(value, str) and value.lower() == "auto":
        on = (model.attn_implementation or "") in VARLEN_ATTENTION
        args_values["packing"] = on
        notes.append(f"packing: {on} (auto: {'varlen flash attention' if on else 'no flash attention'})")
    elif value is True and (model.attn_implementation or "") not in VARLEN_ATTENTION:
        notes.append("packing: true without flash attention is correct but usually slower than "
                     "train_sampling_strategy: group_by_length (docs/training.md)")
    if args_values.get("packing") and args_values.get("packing_strategy") == "wrapped":
        raise ConfigError("packing_strategy: wrapped cuts conversations in the middle (a turn loses its context "
                          "and its start); use bfd (default) or bfd_split")


def _resolve_resume(args_values: dict) -> None:
    value = args_values.get("resume_from_checkpoint")
    if isinstance(value, str) and value.lower() in ("true", "false", "none", "null", ""):
        value = value.lower() == "true"
    if value is False:
        args_values.pop("resume_from_checkpoint", None)
    elif value is not None:
        args_values["resume_from_checkpoint"] = value


def resume_value(args):
    """What to pass to `Trainer.train(resume_from_checkpoint=...)`."""
    value = args.resume_from_checkpoint
    if value is True or (isinstance(value, str) and value.lower() == "true"):
        return True
    return value or None


def save_resolved(setup: TrainingSetup, path: str | Path) -> None:
    header = (f"# Fully resolved `maeum train {setup.kind}` config: every key with the value this run used.\n"
              f"# Re-run it with: maeum train {setup.kind} --config {Path(path).name}\n")
    Path(path).write_text(header + yaml.safe_dump(setup.resolved(), allow_unicode=True, sort_keys=True),
                          encoding="utf-8")
