"""Serving configuration: which generator, which model, which database, which limits.

Sources, later ones win::

    defaults  <  YAML file (--config / $MAEUM_CONFIG)  <  environment (MAEUM_*)  <  explicit overrides

Environment variables are the field names upper-cased with a ``MAEUM_`` prefix; nested
fields use a double underscore::

    MAEUM_GENERATOR=openai
    MAEUM_DATABASE_URL=postgresql+psycopg://maeum:secret@db/maeum
    MAEUM_OPENAI__BASE_URL=http://localhost:8000/v1
    MAEUM_SAMPLING__TEMPERATURE=0.6

A few short aliases are accepted too: ``MAEUM_MODEL`` (model_name_or_path), ``MAEUM_ADAPTER``
(adapter_path), ``MAEUM_CHATBOTDATA`` (chatbotdata_path), ``MAEUM_PERSONA`` (default_persona).
Environment variables that name no field (``MAEUM_DATA_DIR``, ...) are left to the modules
that own them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from maeum.errors import ConfigError

ENV_PREFIX = "MAEUM_"
CONFIG_ENV = "MAEUM_CONFIG"
ENV_ALIASES = {
    "MODEL": "model_name_or_path",
    "ADAPTER": "adapter_path",
    "CHATBOTDATA": "chatbotdata_path",
    "PERSONA": "default_persona",
}

GeneratorName = Literal["offline", "transformers", "openai"]


def default_database_url() -> str:
    """SQLite file in the user's data folder ($XDG_DATA_HOME/maeum/maeum.db)."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'maeum' / 'maeum.db'}"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SamplingSettings(_Section):
    """Decoding settings for the transformers and openai generators."""

    temperature: float = Field(0.7, ge=0.0, le=2.0)
    top_p: float = Field(0.9, gt=0.0, le=1.0)
    max_new_tokens: int = Field(256, ge=1, le=4096)
    repetition_penalty: float = Field(1.1, ge=0.5, le=2.0)

    @property
    def do_sample(self) -> bool:
        return self.temperature > 0


class OpenAISettings(_Section):
    """An OpenAI-compatible server (vLLM: see docs/serving.md)."""

    base_url: str = "http://localhost:8000/v1"
    api_key: str = "EMPTY"  # vLLM accepts anything unless started with --api-key
    model: str = "maeum"  # the served name: a --lora-modules name or --served-model-name
    # Seconds the user may wait for the first token (one deadline over every retry), and at most
    # between streamed chunks; connect_timeout: for opening the connection.
    timeout: float = Field(30.0, gt=0)
    connect_timeout: float = Field(5.0, gt=0)
    retries: int = Field(2, ge=0, le=10)  # extra attempts before the first token arrives
    # Sent as-is in the request body (vLLM extras such as {"stop_token_ids": [32000]}).
    extra_body: dict[str, Any] = Field(default_factory=dict)


class ServingSettings(_Section):
    """Everything one serving process needs. See the module docstring for how to set it."""

    generator: GeneratorName = "offline"
    # transformers generator
    model_name_or_path: str | None = None
    adapter_path: str | None = None  # a LoRA adapter folder (SFT or DPO output)
    chat_format: str | None = None  # eeve | kullm3 | gemma | auto; None: implied by the model id
    load_in_4bit: bool = False  # CUDA only (bitsandbytes NF4)
    device: str | None = None  # None: cuda when available, else cpu
    sampling: SamplingSettings = Field(default_factory=SamplingSettings)
    # openai generator
    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    # offline generator
    chatbotdata_path: str | None = None  # ChatbotData.csv or the folder holding it
    seed_conversations_path: str | None = None  # default: bundled data/seed_conversations.jsonl
    # storage
    database_url: str = Field(default_factory=default_database_url)
    # personas and style
    personas_dir: str | None = None
    default_persona: str = "counselor"
    style_options: dict[str, dict[str, Any]] = Field(default_factory=dict)  # per engine: get_engine kwargs
    # input and context limits
    max_message_chars: int = Field(2000, ge=10)
    history_token_budget: int = Field(1536, ge=64)  # tokens of past turns + the new message
    # safety: ask the served model a fixed classification prompt too (raise only; no effect offline)
    safety_judge: bool = False
    # generation guards: a reply is cut (and stored as incomplete) at either
    reply_deadline_s: float = Field(90.0, gt=0)  # seconds from the message to the last sentence
    max_reply_chars: int = Field(1500, ge=50)  # characters of generated text

    @field_validator("chat_format")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from maeum.chat_format import FORMATS

        if value not in FORMATS:
            raise ValueError(f"unknown chat format {value!r}; choose one of {', '.join(FORMATS)}")
        return value

    @property
    def offline_mode(self) -> bool:
        """True when replies come from retrieval (no language model is loaded or called)."""
        return self.generator == "offline"

    def resolved_chat_format(self) -> str:
        from maeum.chat_format import format_for_model

        if self.chat_format:
            return self.chat_format
        name = self.model_name_or_path if self.generator != "openai" else (self.model_name_or_path or self.openai.model)
        return format_for_model(name or "")

    def describe(self) -> str:
        """One line for logs and the UI footer (never includes the API key or DB password)."""
        if self.generator == "transformers":
            what = f"transformers {self.model_name_or_path}" + (f" + {self.adapter_path}" if self.adapter_path else "")
        elif self.generator == "openai":
            what = f"openai {self.openai.model} @ {self.openai.base_url}"
        else:
            what = "offline retrieval"
        return what

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, env: Mapping[str, str] | None = None,
             **overrides: Any) -> ServingSettings:
        """Defaults < YAML `path` (or $MAEUM_CONFIG) < MAEUM_* environment < `overrides`.

        Overrides whose value is None are ignored, so CLI flags can be passed straight in.
        Nested overrides may be dicts (``sampling={"temperature": 0.2}``).
        """
        env = os.environ if env is None else env
        data: dict[str, Any] = {}
        path = path or env.get(CONFIG_ENV)
        if path:
            data = _merge(data, _read_yaml(Path(path)))
        data = _merge(data, settings_from_env(env))
        data = _merge(data, {k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            where = f" (config file {path})" if path else ""
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"invalid serving settings{where}: {problems}") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    if not path.exists():
        raise ConfigError(f"serving config file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    # allow the settings to sit under a `serving:` key of a bigger file
    if set(data) == {"serving"} and isinstance(data["serving"], dict):
        data = data["serving"]
    return data


def settings_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The MAEUM_* variables that name a settings field, as a nested dict."""
    fields = ServingSettings.model_fields
    sections = {"sampling": SamplingSettings.model_fields, "openai": OpenAISettings.model_fields}
    out: dict[str, Any] = {}
    for key, value in env.items():
        if not key.startswith(ENV_PREFIX) or key == CONFIG_ENV:
            continue
        name = key[len(ENV_PREFIX):]
        if name in ENV_ALIASES:
            out[ENV_ALIASES[name]] = value
            continue
        parts = name.lower().split("__")
        if len(parts) == 1 and parts[0] in fields:
            out[parts[0]] = _env_value(value, parts[0] == "style_options")
        elif len(parts) == 2 and parts[0] in sections and parts[1] in sections[parts[0]]:
            out.setdefault(parts[0], {})[parts[1]] = _env_value(value, parts[1] == "extra_body")
    return out


def _env_value(value: str, is_json: bool) -> Any:
    if is_json:
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"expected JSON in the environment variable value {value!r}: {exc.msg}") from None
    return value  # pydantic converts "0.5", "true", ... to the field's type


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), value)
        elif isinstance(value, BaseModel):
            out[key] = value.model_dump()
        else:
            out[key] = value
    return out
