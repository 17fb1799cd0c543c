"""Schema versioning: an old database is upgraded in place, never broken."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, inspect

from serving.store import SCHEMA_VERSION, Store, StoreError
from serving.store.models import Base

# Version 1 of maeum's schema, written out as the SQL a v1 install produced (not generated
# from today's code), with some data in it.
V1_SQL = """
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at DATETIME NOT NULL);
CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, created_at DATETIME NOT NULL);
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title VARCHAR(200), persona_id VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);
CREATE INDEX ix_conversations_user_id ON conversations (user_id);
CREATE TABLE turns (
    id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_text TEXT NOT NULL, raw_reply TEXT, styled_reply TEXT, persona_id VARCHAR(64), emotion_label VARCHAR(32),
    emotion_score FLOAT, latency_ms FLOAT, error TEXT, created_at DATETIME NOT NULL);
CREATE INDEX ix_turns_conversation_id ON turns (conversation_id);
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY, turn_id INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
    rating SMALLINT NOT NULL, created_at DATETIME NOT NULL);
INSERT INTO schema_version VALUES (1, '2024-05-01 09:00:00.000000');
INSERT INTO users VALUES (1, '민지', '2024-05-01 09:00:00.000000'), (2, '서준', '2024-05-01 09:05:00.000000');
INSERT INTO conversations VALUES
    (1, 1, '회사 이야기', 'counselor', '2024-05-01 09:01:00.000000', '2024-05-01 09:03:00.000000'),
    (2, 2, NULL, 'friend', '2024-05-01 09:06:00.000000', '2024-05-01 09:06:00.000000');
INSERT INTO turns VALUES
    (1, 1, '팀장님 때문에 힘들어요', '많이 지치셨겠어요.', '많이 지쳤겠다.', 'friend', '분노', 0.8, 120.0, NULL,
     '2024-05-01 09:01:00.000000'),
    (2, 1, '그래서 잠도 못 자요', NULL, NULL, NULL, '불안', 0.6, NULL, '모델 서버에 연결할 수 없어요',
     '2024-05-01 09:02:00.000000'),
    (3, 2, '오늘 합격했어!', '정말 축하해요!', '축하해!', 'friend', NULL, NULL, 80.0, NULL,
     '2024-05-01 09:06:00.000000');
INSERT INTO feedback VALUES (1, 1, 1, '2024-05-01 09:03:00.000000'), (2, 3, -1, '2024-05-01 09:07:00.000000');
"""


def _columns(engine) -> dict[str, set[str]]:
    insp = inspect(engine)
    return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names() if t != "schema_version"}


def test_v1_database_is_upgraded_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SQL)
    store = Store(f"sqlite:///{path}")
    try:
        assert store.schema_version() == SCHEMA_VERSION
        turns = store.conversation_turns(1, 1)
        assert [t.user_text for t in turns] == ["팀장님 때문에 힘들어요", "그래서 잠도 못 자요"]
        first, second = turns
        assert [(r.raw, r.styled, r.persona_id, r.rating) for r in first.replies] == \
            [("많이 지치셨겠어요.", "많이 지쳤겠다.", "friend", 1)]
        assert first.safety_level == "none" and not first.truncated
        assert second.replies == [] and second.error == "모델 서버에 연결할 수 없어요"
        assert [(p.label, p.score) for p in store.emotion_series(1, 1)] == [("분노", 0.8), ("불안", 0.6)]
        [other] = store.conversation_turns(2, 2)
        assert other.reply.styled == "축하해!" and other.reply.rating == -1
        assert other.reply.persona_id == "friend"
        assert not store.is_flagged(1)
        # and the upgraded database works like a new one
        tid = store.add_turn(1, "새 메시지", safety_level="crisis")
        store.add_reply(tid, raw="x", styled="x", persona_id="counselor")
        assert store.is_flagged(1)
        assert [c.title for c in store.list_conversations(1)] == ["회사 이야기"]
    finally:
        store.close()
    # the same schema as a database created new today
    fresh = tmp_path / "new.db"
    Store(f"sqlite:///{fresh}").close()
    assert _columns(create_engine(f"sqlite:///{path}")) == _columns(create_engine(f"sqlite:///{fresh}"))


def test_migrated_schema_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Store(url).close()
    engine = create_engine(url)
    columns = _columns(engine)
    for table in Base.metadata.sorted_tables:
        assert columns[table.name] == {c.name for c in table.columns}, table.name
        got = {c["name"]: c["nullable"] for c in inspect(engine).get_columns(table.name)}
        for column in table.columns:
            if not column.primary_key:
                assert got[column.name] == column.nullable, f"{table.name}.{column.name}"


def test_reopening_does_not_migrate_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Store(url).close()
    Store(url).close()
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall() == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


def test_newer_database_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Store(url).close()
    with sqlite3.connect(tmp_path / "m.db") as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, '2030-01-01 00:00:00')")
    with pytest.raises(StoreError, match="newer"):
        Store(url)


def test_foreign_database_is_refused(tmp_path):
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    with pytest.raises(StoreError, match="schema_version"):
        Store(f"sqlite:///{tmp_path / 'other.db'}")


def test_v1_upgrade_on_every_backend(database_url):
    """The same upgrade on the configured backends (ids from the database's own sequences)."""
    from datetime import datetime, timezone

    from serving.store.migrations import _v1_tables  # the frozen v1 schema

    engine = create_engine(database_url)
    md = _v1_tables()
    when = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
    with engine.begin() as conn:
        md.create_all(conn)
        t = md.tables
        conn.execute(t["schema_version"].insert().values(version=1, applied_at=when))
        uid = conn.execute(t["users"].insert().values(name="민지", created_at=when)).inserted_primary_key[0]
        cid = conn.execute(t["conversations"].insert().values(
            user_id=uid, title="잠", persona_id="counselor", created_at=when, updated_at=when)).inserted_primary_key[0]
        tid = conn.execute(t["turns"].insert().values(conversation_id=cid, user_text="잠이 안 와요", raw_reply="그러셨군요.",
                                                      styled_reply="그랬구나.", persona_id="friend",
                                                      emotion_label="불안", emotion_score=0.5,
                                                      created_at=when)).inserted_primary_key[0]
        conn.execute(t["feedback"].insert().values(turn_id=tid, rating=1, created_at=when))
    engine.dispose()
    store = Store(database_url)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        [turn] = store.conversation_turns(cid, uid)
        assert (turn.reply.raw, turn.reply.styled, turn.reply.rating) == ("그러셨군요.", "그랬구나.", 1)
        assert [p.label for p in store.emotion_series(cid, uid)] == ["불안"]
        new_turn = store.add_turn(cid, "새 메시지", emotion=("중립", 0.9))  # sequences still right
        store.add_reply(new_turn, raw="a", styled="b", persona_id="counselor")
        assert len(store.conversation_turns(cid, uid)) == 2
    finally:
        store.close()
