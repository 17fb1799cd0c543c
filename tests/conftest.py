"""Shared fixtures: tiny real models built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Paths of the tiny tokenizer, Llama (EEVE family) and BART (KoBART family)."""
    from maeum.tiny_models import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("tiny_models"))


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_models):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_models["tokenizer"])


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """An empty database on every backend we test: a SQLite file, and PostgreSQL when
    MAEUM_TEST_POSTGRES_URL names a server (a fresh schema per test)."""
    from serving.store.testing import fresh_postgres_schema, postgres_test_url

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'maeum.db'}"
        return
    base = postgres_test_url()
    if not base:
        pytest.skip("MAEUM_TEST_POSTGRES_URL is not set")
    with fresh_postgres_schema(base) as url:
        yield url
