"""`maeum train merge`: fold a LoRA adapter into full-precision base weights for serving.

The base model is loaded in bf16/fp16/fp32 (on the CPU if there is no GPU: EEVE-10.8B needs
about 22 GB of RAM in bf16), the adapter is merged, and the result is saved with the
tokenizer that carries the run's chat template, so vLLM / transformers serve it in the
format it was trained in.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from maeum.errors import MaeumError

from .config import base_model_of_adapter
from .modeling import load_tokenizer, resolve_model_path, set_generation_tokens, torch_dtype

logger = logging.getLogger(__name__)

FOUR_BIT_REFUSAL = (
    "refusing to merge into a 4-bit model. A LoRA update merged into NF4 weights is added to dequantized values "
    "and quantized again: updates smaller than the quantization step are rounded away and the rest are distorted, "
    "so the merged model is not the model you trained, and a bitsandbytes-merged checkpoint is not a standard "
    "checkpoint for vLLM. Merge into full precision instead (the default, --dtype bfloat16; it runs on the CPU, "
    "about 22 GB of RAM for EEVE-10.8B) and quantize the merged model for serving afterwards if you need to, "
    "or serve the base model with the adapter unmerged.")


def merge_adapter(adapter_dir: str | Path, output_dir: str | Path, *, base_model: str | None = None,
                  dtype: str = "bfloat16", load_in_4bit: bool = False) -> Path:
    if load_in_4bit:
        raise MaeumError(FOUR_BIT_REFUSAL)
    adapter_dir, output_dir = Path(adapter_dir), Path(output_dir)
    if not (adapter_dir / "adapter_config.json").is_file():
        raise MaeumError(f"{adapter_dir} is not a LoRA adapter folder (no adapter_config.json)")
    if output_dir.resolve() == adapter_dir.resolve():
        raise MaeumError("--output must be a new folder, not the adapter folder")
    base_name = base_model or base_model_of_adapter(adapter_dir)
    base_path = resolve_model_path(base_name)

    from peft import PeftModel
    from transformers import AutoConfig, AutoModelForCausalLM

    try:
        config = AutoConfig.from_pretrained(base_path)
    except (OSError, ValueError) as exc:
        raise MaeumError(f"cannot load the base model config {base_name!r}: {exc}") from None
    if getattr(config, "quantization_config", None):
        raise MaeumError(f"the base model {base_name} is a quantized checkpoint; " + FOUR_BIT_REFUSAL)

    fmt = _chat_format(adapter_dir, base_name)
    tokenizer = load_tokenizer(str(adapter_dir) if (adapter_dir / "tokenizer_config.json").is_file() else base_path,
                               fmt)
    logger.info("loading %s in %s and merging %s", base_name, dtype, adapter_dir)
    model = AutoModelForCausalLM.from_pretrained(base_path, dtype=torch_dtype(dtype))
    try:
        merged = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
    except (OSError, ValueError) as exc:
        raise MaeumError(f"cannot load the adapter {adapter_dir}: {exc}") from None
    set_generation_tokens(merged, tokenizer, fmt)
    output_dir.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)
    from .run_card import now, versions

    (output_dir / "merge_card.json").write_text(json.dumps({
        "adapter": str(adapter_dir), "base_model": base_name, "dtype": dtype, "chat_format": fmt,
        "merged": now(), "versions": versions()}, ensure_ascii=False, indent=2), encoding="utf-8")
    return output_dir


def _chat_format(adapter_dir: Path, base_name: str) -> str:
    from maeum.chat_format import format_for_model

    card = adapter_dir / "run_card.json"
    if card.is_file():
        try:
            fmt = json.loads(card.read_text(encoding="utf-8")).get("model", {}).get("chat_format")
            if fmt:
                return fmt
        except ValueError:
            pass
    return format_for_model(base_name)
