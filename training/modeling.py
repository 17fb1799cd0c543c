"""Load the tokenizer and model for training: chat format, dtype, 4-bit, LoRA.

- The tokenizer always carries the chat template of the run's format
  (`maeum.chat_format.chat_template`), so the saved adapter folder serves in that format
  (transformers and vLLM `--chat-template` alike). EEVE's end token is set to `<|im_end|>`.
- 4-bit (QLoRA) needs CUDA: `training.config.check_quantization_hardware` stops a run at once.
- `maeum:tiny-eeve` names the tiny random EEVE-family model (`maeum.tiny_models`), built once
  into a cache folder, for CPU smoke tests.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from maeum.chat_format import chat_template, check_tokenizer, eos_token_ids, get_format
from maeum.errors import ConfigError, MaeumError

from .random_model import is_random_model

logger = logging.getLogger(__name__)

TINY_MODEL_ID = "maeum:tiny-eeve"
CACHE_ENV = "MAEUM_CACHE_DIR"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "maeum")


def tiny_model_dir() -> Path:
    """The tiny EEVE-family Llama (tokenizer beside it), built on first use."""
    folder = cache_dir() / "tiny-eeve"
    if (folder / "config.json").is_file() and (folder / "tokenizer_config.json").is_file():
        return folder
    from maeum.tiny_models import build_tiny_llama, build_tiny_tokenizer

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="tiny-eeve-", dir=folder.parent))
    try:
        tokenizer = build_tiny_tokenizer(staging / "tokenizer")
        build_tiny_llama(staging / "llama", tokenizer)
        try:
            (staging / "llama").rename(folder)  # atomic: a second process may have won the race
        except OSError:
            if not (folder / "config.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("built the tiny model %s in %s", TINY_MODEL_ID, folder)
    return folder


def resolve_model_path(name: str) -> str:
    """A local folder for `name`: the tiny model's for it and for the random models (their tokenizer);
    `~/...` expanded (transformers would take it for a hub id)."""
    if name == TINY_MODEL_ID or is_random_model(name):
        return str(tiny_model_dir())
    return os.path.expanduser(name) if name.startswith("~") else name


def load_tokenizer(model_path: str, fmt: str, *, revision: str | None = None, trust_remote_code: bool = False):
    """The model's tokenizer with the chat template, end token and pad token of `fmt` set."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(model_path, revision=revision, trust_remote_code=trust_remote_code)
    except (OSError, ValueError) as exc:
        raise MaeumError(f"cannot load the tokenizer of {model_path!r}: {exc}") from None
    spec = get_format(fmt)
    if spec.template is not None:
        check_tokenizer(tokenizer, spec)
        tokenizer.chat_template = chat_template(spec)
        if spec.eos_token and tokenizer.eos_token != spec.eos_token:
            # EEVE: the turn ends with <|im_end|> (id 32000), not the tokenizer's default </s>.
            tokenizer.eos_token = spec.eos_token
    else:
        tokenizer.chat_template = chat_template(spec, tokenizer)  # raises if the tokenizer has none
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.unk_token or tokenizer.eos_token
    tokenizer.padding_side = "right"
    return tokenizer


def torch_dtype(name):
    import torch

    if name in (None, "auto"):
        return "auto"
    if isinstance(name, torch.dtype):
        return name
    try:
        return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[name]
    except KeyError:
        raise ConfigError(f"dtype {name!r} is not one of auto, bfloat16, float16, float32") from None


def quantization_config(model_args):
    """BitsAndBytesConfig for `load_in_4bit` / `load_in_8bit`, else None."""
    if not (model_args.load_in_4bit or model_args.load_in_8bit):
        return None
    from trl import get_quantization_config

    return get_quantization_config(model_args)


def _device_map(training_args, quantized: bool):
    if not quantized:
        return None  # the Trainer places the model
    distributed = str(getattr(training_args.distributed_state, "distributed_type", ""))
    if "FSDP" in distributed or "DEEPSPEED" in distributed:
        return None  # sharded: each rank holds a shard, not a device-mapped copy
    from accelerate import PartialState

    return {"": PartialState().local_process_index}


def load_model(model_args, training_args, model_path: str, tokenizer, fmt: str):
    """The base causal LM in the configured dtype / quantization (no adapter yet)."""
    from transformers import AutoModelForCausalLM

    kwargs = dict(revision=model_args.model_revision, trust_remote_code=training_args.trust_remote_code,
                  dtype=torch_dtype(model_args.dtype))
    if model_args.attn_implementation:
        kwargs["attn_implementation"] = model_args.attn_implementation
    kwargs.update(training_args.model_init_kwargs or {})
    quant = quantization_config(model_args)
    if is_random_model(model_args.model_name_or_path):
        model = _random_model(model_args, quant, tokenizer)
        set_generation_tokens(model, tokenizer, fmt)
        return model
    if quant is not None:
        kwargs["quantization_config"] = quant
        kwargs["device_map"] = _device_map(training_args, True)
    try:
        model = AutoModelForCausalLM.from_pretrained(model_path, **kwargs)
    except (OSError, ValueError) as exc:
        raise MaeumError(f"cannot load the model {model_path!r}: {exc}") from None
    set_generation_tokens(model, tokenizer, fmt)
    return model


def _random_model(model_args, quant, tokenizer):
    """A random model of a real shape, built in memory on the GPU (CPU without one), 4-bit if asked."""
    import torch
    from accelerate import PartialState

    from .random_model import build_random_model

    dtype = torch_dtype(model_args.dtype)
    if dtype == "auto":
        dtype = torch.bfloat16 if torch.cuda.is_available() else torch.float32
    device = f"cuda:{PartialState().local_process_index}" if torch.cuda.is_available() else "cpu"
    model = build_random_model(model_args.model_name_or_path, tokenizer, dtype=dtype, device=device,
                               quantization_config=quant)
    return model


def set_generation_tokens(model, tokenizer, fmt: str) -> None:
    """End-of-turn and pad ids of the format on the model, so `generate` stops where training taught it."""
    eos = eos_token_ids(tokenizer, fmt)
    model.generation_config.eos_token_id = eos if len(eos) > 1 else eos[0]
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.config.pad_token_id = tokenizer.pad_token_id


def lora_config(model_args):
    """TRL's LoraConfig from ModelConfig's lora_* keys (None when use_peft is false)."""
    from trl import get_peft_config

    return get_peft_config(model_args)


def load_adapter_for_training(model, adapter_path: str):
    """`model` wrapped with the adapter at `adapter_path`, trainable, under the name 'default'."""
    from peft import PeftModel

    try:
        return PeftModel.from_pretrained(model, adapter_path, is_trainable=True)
    except (OSError, ValueError) as exc:
        raise MaeumError(f"cannot load the adapter {adapter_path!r}: {exc}") from None


def parameter_counts(model) -> dict[str, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return {"trainable": trainable, "total": total}


def device_summary() -> dict:
    import torch

    out = {"cuda": torch.cuda.is_available(), "device": "cpu"}
    if torch.cuda.is_available():
        out["device"] = torch.cuda.get_device_name(0)
        out["gpus"] = torch.cuda.device_count()
        out["bf16_supported"] = torch.cuda.is_bf16_supported()
    else:
        out["cpu_threads"] = torch.get_num_threads()
    return out
