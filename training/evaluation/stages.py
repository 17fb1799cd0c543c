"""One base model in memory, every adapter loaded on it under its own name: base, SFT and DPO
are compared without a second copy of the base weights."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from maeum.chat_format import format_for_model
from maeum.errors import ConfigError, MaeumError

from ..modeling import load_tokenizer, quantization_config, resolve_model_path, set_generation_tokens

logger = logging.getLogger(__name__)


@dataclass
class Stage:
    name: str
    adapter: str | None  # PEFT adapter name; None = the base model (adapters disabled)
    path: str | None = None


def parse_adapter_specs(specs: list[str]) -> list[tuple[str, str]]:
    """'sft=out/sft' or 'out/sft' -> (name, dir); names must be unique."""
    out: list[tuple[str, str]] = []
    for spec in specs:
        name, eq, path = spec.partition("=")
        if not eq:
            name, path = Path(spec.rstrip("/")).name, spec
        name = re.sub(r"\W", "_", name) or "adapter"
        if name == "base" or name in {n for n, _ in out}:
            raise ConfigError(f"adapter name {name!r} is taken; name them explicitly, e.g. --adapter sft=DIR")
        if not (Path(path) / "adapter_config.json").is_file():
            raise ConfigError(f"--adapter {spec}: {path} holds no adapter_config.json")
        out.append((name, path))
    return out


def _card_format(path: str) -> str | None:
    card = Path(path) / "run_card.json"
    try:
        return json.loads(card.read_text(encoding="utf-8")).get("model", {}).get("chat_format") if card.is_file() \
            else None
    except ValueError:
        return None


def load_stages(model: str, adapters: list[str], *, chat_format: str | None = None, include_base: bool = True,
                load_in_4bit: bool = False):
    """(model, tokenizer, format, stages) with every adapter attached to one base model."""
    import torch
    from transformers import AutoModelForCausalLM

    specs = parse_adapter_specs(adapters)
    if not specs and not include_base:
        raise ConfigError("nothing to evaluate: give --adapter or drop --no-base")
    if load_in_4bit and not torch.cuda.is_available():
        raise ConfigError("--load_in_4bit needs a CUDA GPU (bitsandbytes); drop --load_in_4bit on this machine")
    fmt = chat_format or next((f for f in (_card_format(p) for _, p in specs) if f), None) or format_for_model(model)
    base_path = resolve_model_path(model)
    tok_source = next((p for _, p in specs if (Path(p) / "tokenizer_config.json").is_file()), base_path)
    tokenizer = load_tokenizer(tok_source, fmt)
    cuda = torch.cuda.is_available()
    dtype = torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float16 if cuda else torch.float32
    kwargs = {"dtype": dtype}
    if load_in_4bit:
        from types import SimpleNamespace

        kwargs["quantization_config"] = quantization_config(SimpleNamespace(
            load_in_4bit=True, load_in_8bit=False, dtype="bfloat16" if dtype == torch.bfloat16 else "float16",
            bnb_4bit_quant_type="nf4", use_bnb_nested_quant=True, bnb_4bit_quant_storage=None))
        kwargs["device_map"] = {"": 0}
    try:
        net = AutoModelForCausalLM.from_pretrained(base_path, **kwargs)
    except (OSError, ValueError) as exc:
        raise MaeumError(f"cannot load the model {model!r}: {exc}") from None
    if cuda and not load_in_4bit:
        net = net.to("cuda")
    stages = [Stage("base", None)] if include_base else []
    if specs:
        from peft import PeftModel

        first_name, first_path = specs[0]
        net = PeftModel.from_pretrained(net, first_path, adapter_name=first_name)
        for name, path in specs[1:]:
            net.load_adapter(path, adapter_name=name)
        stages += [Stage(name, name, path) for name, path in specs]
    set_generation_tokens(net, tokenizer, fmt)
    net.eval()
    return net, tokenizer, fmt, stages


@contextlib.contextmanager
def use_stage(model, stage: Stage):
    """The base model (adapters disabled) or one named adapter, active inside the block."""
    if stage.adapter is None:
        ctx = model.disable_adapter() if hasattr(model, "disable_adapter") else contextlib.nullcontext()
        with ctx:
            yield model
    else:
        model.set_adapter(stage.adapter)
        yield model
