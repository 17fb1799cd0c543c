"""Reply generators: `offline` (retrieval), `transformers` (local model + LoRA), `openai` (vLLM & co).

    generator = build_generator(settings)
    for piece in generator.stream(GenerationRequest(messages=[{"role": "user", "content": "..."}])):
        ...

Heavy libraries load only when their generator is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maeum.errors import ConfigError

from .base import (BaseGenerator, GenerationError, GenerationRequest, Generator, GeneratorUnavailable,
                   estimate_tokens)

if TYPE_CHECKING:
    from serving.config import ServingSettings

__all__ = ["build_generator", "Generator", "BaseGenerator", "GenerationRequest", "GenerationError",
           "GeneratorUnavailable", "estimate_tokens", "GENERATORS"]

GENERATORS = ("offline", "transformers", "openai")


def build_generator(settings: ServingSettings) -> Generator:
    """The generator `settings.generator` names, configured from `settings`."""
    s = settings.sampling
    if settings.generator == "offline":
        from .offline import OfflineGenerator, default_chatbotdata_path

        return OfflineGenerator(settings.chatbotdata_path or default_chatbotdata_path(),
                                seed_path=settings.seed_conversations_path)
    if settings.generator == "transformers":
        from .transformers_gen import TransformersGenerator

        return TransformersGenerator(settings.model_name_or_path, settings.adapter_path,
                                     chat_format=settings.chat_format, load_in_4bit=settings.load_in_4bit,
                                     device=settings.device, temperature=s.temperature, top_p=s.top_p,
                                     max_new_tokens=s.max_new_tokens, repetition_penalty=s.repetition_penalty)
    if settings.generator == "openai":
        from .openai_gen import OpenAIGenerator

        o = settings.openai
        # chat_format None: the generator finds the served model's format (run card, template, name)
        return OpenAIGenerator(o.base_url, o.model, api_key=o.api_key, timeout=o.timeout,
                               connect_timeout=o.connect_timeout, retries=o.retries, chat_format=settings.chat_format,
                               adapter_path=settings.adapter_path, model_path=settings.model_name_or_path,
                               temperature=s.temperature, top_p=s.top_p, max_new_tokens=s.max_new_tokens,
                               extra_body=o.extra_body)
    raise ConfigError(f"unknown generator {settings.generator!r}; choose one of {', '.join(GENERATORS)}")
