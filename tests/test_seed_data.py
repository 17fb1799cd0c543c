"""Our own seed data is valid by the same loaders and chat format the trainers use."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from maeum.chat_format import render_for_training
from maeum.paths import data_file
from training.loaders import load_dpo_rows, load_sft_rows

FAILURE_KINDS = {"dismissive", "preachy", "premature_advice", "diagnosing", "generic", "repetitive", "cold"}


def test_seed_conversations_shape():
    rows, (report,) = load_sft_rows(str(data_file("seed_conversations.jsonl")), on_bad_row="raise")
    assert report.rows_kept == report.rows_read >= 80
    assert len({r["id"] for r in rows}) == len(rows)
    raw = [json.loads(line) for line in data_file("seed_conversations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({r["topic"] for r in raw}) >= 15
    for r in rows:
        users = sum(m["role"] == "user" for m in r["messages"])
        assert users >= 3, r["id"]
        for m in r["messages"]:
            if m["role"] == "assistant":
                assert m["content"].count("?") <= 1, (r["id"], m["content"])


def test_seed_preferences_shape():
    path = data_file("seed_preferences.jsonl")
    rows, (report,) = load_dpo_rows(str(path), on_bad_row="raise")
    assert report.rows_kept == report.rows_read >= 120
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kinds = Counter(r["failure"] for r in raw)
    assert set(kinds) == FAILURE_KINDS and min(kinds.values()) >= 10
    for r in rows:
        assert r["chosen"][0]["content"] != r["rejected"][0]["content"]


@pytest.mark.parametrize("name", ["seed_conversations.jsonl", "seed_preferences.jsonl"])
def test_seed_data_has_a_card(name):
    card = data_file(name).with_suffix(".md")
    assert card.exists() and "Intended use" in card.read_text(encoding="utf-8")


def test_every_seed_conversation_renders_in_every_format(tiny_tokenizer):
    rows, _ = load_sft_rows(str(data_file("seed_conversations.jsonl")))
    for fmt in ("eeve", "kullm3"):
        for r in rows:
            ex = render_for_training(r["messages"], tiny_tokenizer, fmt)
            assert 0 < sum(ex.assistant_mask) < len(ex.input_ids)
