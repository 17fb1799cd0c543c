"""Stored feedback → DPO JSONL → training.loaders.load_dpo (round trip)."""

from __future__ import annotations

import json

import pytest

from maeum.cli import main
from serving.store import Store
from serving.store.preferences import preference_rows


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'fb.db'}"
    store = Store(url)
    yield url, store
    store.close()


def _fill(store: Store):
    """A conversation with every kind of feedback the export has to handle."""
    uid = store.get_or_create_user("민지")
    cid = store.create_conversation(uid, "friend")
    # turn 1: one reply, no feedback (becomes history)
    t1 = store.add_turn(cid, "요즘 잠을 못 자요", emotion=("불안", 0.6))
    store.add_reply(t1, raw="잠을 못 자면 정말 힘들죠.", styled="잠 못 자면 진짜 힘들지.", persona_id="friend")
    # turn 2: regenerated, the new version liked
    t2 = store.add_turn(cid, "밤마다 걱정이 많아져요")
    old = store.add_reply(t2, raw="그렇군요.", styled="그렇구나.", persona_id="friend")
    new = store.add_reply(t2, raw="밤이 되면 걱정이 커지는 느낌이시군요. 어떤 걱정이 가장 먼저 떠올라요?",
                          styled="밤 되면 걱정이 커지는구나. 어떤 걱정이 제일 먼저 떠올라?", persona_id="friend")
    store.rate_reply(new, 1)
    # turn 3: 👍 vs 👎 on two versions
    t3 = store.add_turn(cid, "회사 일이 걱정돼요")
    down = store.add_reply(t3, raw="걱정하지 마세요.", styled="걱정 마.", persona_id="friend")
    up = store.add_reply(t3, raw="회사 일이 마음에 계속 걸리시는군요. 어떤 부분이 가장 걱정되세요?",
                         styled="회사 일이 계속 걸리는구나. 뭐가 제일 걱정돼?", persona_id="friend")
    store.rate_reply(down, -1)
    store.rate_reply(up, 1)
    # turn 4: a crisis reply rated: never exported
    t4 = store.add_turn(cid, "...", safety_level="crisis")
    crisis = store.add_reply(t4, raw="CRISIS", styled="CRISIS", persona_id="friend", generator="crisis")
    store.rate_reply(crisis, -1)
    # turn 5: a single rated reply: nothing to pair it with
    t5 = store.add_turn(cid, "고마워요")
    store.rate_reply(store.add_reply(t5, raw="천만에요.", styled="천만에.", persona_id="friend"), 1)
    # another user, same first message, opposite ratings: a pair across conversations
    other = store.get_or_create_user("서준")
    c2 = store.create_conversation(other, "counselor")
    s1 = store.add_turn(c2, "혼자라는 게 너무 외로워")
    store.rate_reply(store.add_reply(s1, raw="외로움이 크게 느껴지시는군요. 언제 가장 외로우세요?",
                                     styled="외로움이 크게 느껴지시는군요.", persona_id="counselor"), 1)
    c3 = store.create_conversation(other, "counselor")
    s2 = store.add_turn(c3, "혼자라는 게 너무 외로워")
    store.rate_reply(store.add_reply(s2, raw="친구를 만나세요.", styled="친구를 만나세요.", persona_id="counselor"), -1)
    return t2, t3


def test_preference_rows(db):
    url, store = db
    _fill(store)
    rows = preference_rows(store)
    kinds = sorted(r["kind"] for r in rows)
    assert kinds == ["rating", "rating", "regenerated"]
    by_first_user = {r["prompt"][-1]["content"]: r for r in rows}
    regen = by_first_user["밤마다 걱정이 많아져요"]
    assert regen["prompt"] == [{"role": "user", "content": "요즘 잠을 못 자요"},
                               {"role": "assistant", "content": "잠을 못 자면 정말 힘들죠."},
                               {"role": "user", "content": "밤마다 걱정이 많아져요"}]
    assert regen["chosen"][0]["content"].startswith("밤이 되면") and regen["rejected"][0]["content"] == "그렇군요."
    rating = by_first_user["회사 일이 걱정돼요"]
    assert rating["rejected"][0]["content"] == "걱정하지 마세요."
    assert len(rating["prompt"]) == 5  # two earlier turns (with the shown versions) + the message
    lonely = by_first_user["혼자라는 게 너무 외로워"]
    assert lonely["chosen"][0]["content"].startswith("외로움이") and lonely["prompt"] == \
        [{"role": "user", "content": "혼자라는 게 너무 외로워"}]
    assert all("CRISIS" not in json.dumps(r) for r in rows)
    styled = preference_rows(store, text="styled", max_history_turns=0)
    assert {r["chosen"][0]["content"] for r in styled} >= {"회사 일이 계속 걸리는구나. 뭐가 제일 걱정돼?"}
    assert all(len(r["prompt"]) == 1 for r in styled)


def test_export_round_trips_into_the_dpo_loader(db, tmp_path, capsys):
    url, store = db
    _fill(store)
    out = tmp_path / "prefs" / "feedback.jsonl"
    assert main(["data", "export-preferences", "--out", str(out), "--database", url]) == 0
    assert "3 preference pairs" in capsys.readouterr().out
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(written) == 3

    from training.loaders import load_dpo, load_dpo_rows

    rows, [report] = load_dpo_rows(str(out), on_bad_row="raise")
    assert report.rows_read == report.rows_kept == 3
    for row, original in zip(rows, written):
        assert row["prompt"] == original["prompt"]
        assert row["chosen"] == original["chosen"] and row["rejected"] == original["rejected"]
        assert row["id"] == original["id"]
    dataset, _ = load_dpo(str(out))
    assert dataset.num_rows == 3 and set(dataset.column_names) >= {"prompt", "chosen", "rejected"}


def test_export_with_no_feedback_writes_an_empty_file(tmp_path, capsys):
    db_file = tmp_path / "empty.db"
    out = tmp_path / "none.jsonl"
    assert main(["data", "export-preferences", "--out", str(out), "--database", str(db_file)]) == 0
    assert out.read_text() == ""
    assert "no pairs yet" in capsys.readouterr().err
