"""Random-weight models of a real model's exact shape, built in memory (benchmarks, GPU checks).

`maeum:random-eeve-10.8b` is a LlamaForCausalLM with EEVE-Korean-10.8B's shape (48 layers,
hidden 4096, intermediate 14336, 32 heads, 8 KV heads, vocab 40,960: 10.8 B parameters);
`maeum:random-tiny-eeve` is the same recipe at the tiny model's shape. Both use the tiny EEVE
tokenizer (`maeum.tiny_models`; its ids fit inside either vocabulary), so no download is needed.

Why in memory: quantising a saved checkpoint means writing and reading 22 GB of bf16 first.
Here the skeleton is built on the meta device, transformers' own bitsandbytes quantizer swaps
the linear layers for `Linear4bit`, and each weight is drawn on the target device and quantised
at once, layer by layer, so peak memory is one bf16 matrix plus the 4-bit model. The model comes
out marked the way `from_pretrained(..., quantization_config=...)` marks it (`hf_quantizer`,
`is_loaded_in_4bit`), so PEFT, TRL and the Trainer treat it as any QLoRA base.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

EEVE_10_8B = dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=48, num_attention_heads=32,
                  num_key_value_heads=8, head_dim=128, vocab_size=40960, max_position_embeddings=4096,
                  rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=False, hidden_act="silu")

RANDOM_MODELS = {"maeum:random-eeve-10.8b": EEVE_10_8B, "maeum:random-tiny-eeve": None}  # None: tiny shape
INIT_STD = 0.02


def is_random_model(name: str | None) -> bool:
    return bool(name) and name in RANDOM_MODELS


def random_config(name: str, tokenizer):
    """The LlamaConfig of `name`, with the tokenizer's special ids (vocab never smaller than it)."""
    from transformers import LlamaConfig

    from maeum.tiny_models import TINY_LLAMA

    shape = dict(RANDOM_MODELS[name] or {**TINY_LLAMA, "vocab_size": len(tokenizer)})
    shape["vocab_size"] = max(shape["vocab_size"], len(tokenizer))
    return LlamaConfig(**shape, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                       pad_token_id=tokenizer.pad_token_id)


def build_random_model(name: str, tokenizer, *, dtype, device, quantization_config=None, seed: int = 0):
    """The random model `name` on `device` in `dtype`, 4-bit when `quantization_config` asks for it."""
    import torch
    from accelerate import init_empty_weights
    from transformers import LlamaForCausalLM

    if name not in RANDOM_MODELS:
        raise ValueError(f"{name!r} is not a random model; known: {', '.join(RANDOM_MODELS)}")
    device = torch.device(device)
    config = random_config(name, tokenizer)
    config.dtype = dtype
    with init_empty_weights(include_buffers=False):  # parameters on meta, rotary buffers real
        model = LlamaForCausalLM(config)
    quantizer = None
    if quantization_config is not None:
        from transformers.quantizers import AutoHfQuantizer

        quantizer = AutoHfQuantizer.from_config(quantization_config, pre_quantized=False)
        quantizer.preprocess_model(model, device_map={"": device})
    generator = torch.Generator(device=device).manual_seed(seed)
    quantized = _materialise(model, device, dtype, quantization_config, generator)
    for module in model.modules():  # rotary frequencies, built on the CPU
        for key, buffer in list(module._buffers.items()):
            if buffer is not None:
                module._buffers[key] = buffer.to(device)
    if quantizer is not None:
        model.hf_quantizer = quantizer
        quantizer.postprocess_model(model)
    model.name_or_path = model.config._name_or_path = name  # adapters saved on it name their base
    model.eval()
    logger.info("built %s in memory on %s (%d layers quantised)", name, device, quantized)
    return model


def _materialise(model, device, dtype, quantization_config, generator) -> int:
    """Give every meta parameter real random values on `device`; quantise each Linear4bit on the way."""
    import torch

    quantized = 0
    if quantization_config is not None:
        import bitsandbytes as bnb

        storage = getattr(quantization_config, "bnb_4bit_quant_storage", None) or torch.uint8
        for module in model.modules():
            if isinstance(module, bnb.nn.Linear4bit):
                weight = torch.empty(module.out_features, module.in_features, dtype=dtype, device=device)
                weight.normal_(0.0, INIT_STD, generator=generator)
                module.weight = bnb.nn.Params4bit(
                    weight, requires_grad=False, quant_type=quantization_config.bnb_4bit_quant_type,
                    compress_statistics=quantization_config.bnb_4bit_use_double_quant, quant_storage=storage,
                    module=module).to(device)  # .to() quantises
                del weight
                quantized += 1
    for name, module in model.named_modules():
        for key, param in list(module._parameters.items()):
            if param is None or not param.is_meta:
                continue
            value = torch.empty(param.shape, dtype=dtype, device=device)
            if "norm" in name.rsplit(".", 1)[-1] or key == "bias":
                value.fill_(1.0 if key == "weight" else 0.0)
            else:
                value.normal_(0.0, INIT_STD, generator=generator)
            module._parameters[key] = torch.nn.Parameter(value, requires_grad=param.requires_grad)
    return quantized
