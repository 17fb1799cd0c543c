"""Serving settings: defaults < YAML < MAEUM_* environment < explicit overrides."""

from __future__ import annotations

import pytest

from maeum.errors import ConfigError
from serving.config import ServingSettings


def test_defaults_are_offline_sqlite():
    s = ServingSettings.load(env={})
    assert s.generator == "offline" and s.offline_mode
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("maeum.db")
    assert s.max_message_chars == 2000 and s.default_persona == "counselor"
    assert s.sampling.temperature == pytest.approx(0.7) and s.openai.retries == 2


def test_yaml_then_env_then_overrides(tmp_path):
    cfg = tmp_path / "serving.yaml"
    cfg.write_text("serving:\n  generator: transformers\n"
                   "  model_name_or_path: yanolja/EEVE-Korean-Instruct-10.8B-v1.0\n"
                   "  sampling: {temperature: 0.2, max_new_tokens: 128}\n  history_token_budget: 900\n",
                   encoding="utf-8")
    env = {"MAEUM_CONFIG": str(cfg), "MAEUM_SAMPLING__TEMPERATURE": "0.5", "MAEUM_ADAPTER": "/models/dpo",
           "MAEUM_DATABASE_URL": "postgresql+psycopg://u@db/maeum", "MAEUM_OPENAI__EXTRA_BODY": '{"top_k": 20}',
           "MAEUM_DATA_DIR": "/elsewhere"}  # a variable owned by another module: ignored here
    s = ServingSettings.load(env=env, history_token_budget=700, model_name_or_path=None)
    assert s.generator == "transformers" and not s.offline_mode
    assert s.model_name_or_path == "yanolja/EEVE-Korean-Instruct-10.8B-v1.0"  # None override ignored
    assert s.sampling.temperature == pytest.approx(0.5) and s.sampling.max_new_tokens == 128
    assert s.adapter_path == "/models/dpo" and s.database_url.startswith("postgresql")
    assert s.history_token_budget == 700 and s.openai.extra_body == {"top_k": 20}
    assert s.resolved_chat_format() == "eeve"
    assert "EEVE" in s.describe() and "u@db" not in s.describe()


def test_bad_settings_say_what_is_wrong(tmp_path):
    with pytest.raises(ConfigError, match="generator"):
        ServingSettings.load(env={"MAEUM_GENERATOR": "gpt5"})
    with pytest.raises(ConfigError, match="chat format"):
        ServingSettings.load(env={}, chat_format="llama9")
    with pytest.raises(ConfigError, match="does not exist"):
        ServingSettings.load(tmp_path / "missing.yaml", env={})
    bad = tmp_path / "bad.yaml"
    bad.write_text("generator: [offline\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML"):
        ServingSettings.load(bad, env={})
    with pytest.raises(ConfigError, match="temperatur"):
        ServingSettings.load(env={}, sampling={"temperatur": 0.1})
