"""The conversation store on real SQLite (and PostgreSQL when MAEUM_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import threading

import pytest

from serving.store import SCHEMA_VERSION, NotFound, Store, StoreError, database_url_from_path


@pytest.fixture
def store(database_url):
    s = Store(database_url)
    yield s
    s.close()


def _conversation(store: Store, user: str = "민지", turns: int = 2) -> tuple[int, int, list[int]]:
    uid = store.get_or_create_user(user)
    cid = store.create_conversation(uid, "counselor")
    reply_ids = []
    for i in range(turns):
        tid = store.add_turn(cid, f"{user}의 메시지 {i}", emotion=("슬픔", 0.7))
        reply_ids.append(store.add_reply(tid, raw=f"답 {i}", styled=f"답이야 {i}", persona_id="counselor",
                                         generator="offline", latency_ms=12.5))
    return uid, cid, reply_ids


def test_users_are_created_once(store):
    a = store.get_or_create_user("민지")
    assert store.get_or_create_user("민지") == a
    assert store.get_or_create_user(" 민지 ") == a
    assert store.get_or_create_user("서준") != a
    with pytest.raises(StoreError):
        store.get_or_create_user("   ")


def test_conversation_round_trip(store):
    uid, cid, reply_ids = _conversation(store)
    [summary] = store.list_conversations(uid)
    assert summary.id == cid and summary.persona_id == "counselor" and not summary.flagged
    assert summary.title == "민지의 메시지 0"  # first message becomes the title
    assert summary.updated_at.tzinfo is not None
    turns = store.conversation_turns(cid, uid)
    assert [t.user_text for t in turns] == ["민지의 메시지 0", "민지의 메시지 1"]
    assert turns[0].emotion_label == "슬픔" and turns[0].emotion_score == pytest.approx(0.7)
    assert turns[0].reply.styled == "답이야 0" and turns[0].reply.raw == "답 0"
    assert [p.label for p in store.emotion_series(cid, uid)] == ["슬픔", "슬픔"]
    history = store.history(cid)
    assert [(h.user_text, h.reply) for h in history] == [("민지의 메시지 0", "답 0"), ("민지의 메시지 1", "답 1")]
    store.rename_conversation(cid, uid, "  회사 이야기  ")
    assert store.list_conversations(uid)[0].title == "회사 이야기"


def test_reply_versions_and_ratings(store):
    uid, cid, [r0, r1] = _conversation(store)
    turn_id = store.conversation_turns(cid, uid)[1].id
    r2 = store.add_reply(turn_id, raw="다른 답", styled="다른 답이야", persona_id="friend")
    store.rate_reply(r1, -1)
    store.rate_reply(r2, 1)
    store.rate_reply(r2, 1)  # idempotent
    turn = store.conversation_turns(cid, uid)[1]
    assert [(r.id, r.rating) for r in turn.replies] == [(r1, -1), (r2, 1)]
    assert turn.reply.id == r2 and turn.reply.persona_id == "friend"
    assert store.history(cid)[-1].reply == "다른 답"  # the shown (latest) version is the history
    store.rate_reply(r1, 0)
    assert store.conversation_turns(cid, uid)[1].replies[0].rating is None
    with pytest.raises(StoreError):
        store.rate_reply(r1, 5)


def test_users_only_see_their_own_rows(store):
    a, cid_a, [ra, _] = _conversation(store, "민지")
    b, cid_b, _ = _conversation(store, "서준")
    assert [c.id for c in store.list_conversations(a)] == [cid_a]
    assert [c.id for c in store.list_conversations(b)] == [cid_b]
    for call in (lambda: store.conversation_turns(cid_a, b), lambda: store.emotion_series(cid_a, b),
                 lambda: store.rename_conversation(cid_a, b, "x"), lambda: store.delete_conversation(cid_a, b),
                 lambda: store.rate_reply(ra, 1, user_id=b), lambda: store.get_conversation(cid_a, user_id=b)):
        with pytest.raises(NotFound):
            call()
    assert len(store.conversation_turns(cid_a, a)) == 2  # untouched


def test_delete_removes_every_row_of_the_conversation(store):
    uid, cid, [r0, _, _] = _conversation(store, turns=3)
    store.rate_reply(r0, 1)
    other_uid, other_cid, [o0, _] = _conversation(store, "서준")
    store.rate_reply(o0, -1)
    before = store.counts()
    store.delete_conversation(cid, uid)
    after = store.counts()
    assert before["conversations"] - after["conversations"] == 1
    assert before["turns"] - after["turns"] == 3
    assert before["replies"] - after["replies"] == 3
    assert before["emotion_log"] - after["emotion_log"] == 3
    assert before["feedback"] - after["feedback"] == 1
    assert after == {"users": 2, "conversations": 1, "turns": 2, "replies": 2, "feedback": 1, "emotion_log": 2}
    assert store.list_conversations(uid) == []
    assert len(store.conversation_turns(other_cid, other_uid)) == 2
    with pytest.raises(NotFound):
        store.conversation_turns(cid, uid)


def test_crisis_flags_the_conversation_and_errors_are_recorded(store):
    uid = store.get_or_create_user("민지")
    cid = store.create_conversation(uid, "counselor")
    assert not store.is_flagged(cid)
    tid = store.add_turn(cid, "...", safety_level="crisis", safety_reasons=["direct"])
    assert store.is_flagged(cid) and store.list_conversations(uid)[0].flagged
    tid2 = store.add_turn(cid, "다음 메시지")
    store.set_turn_error(tid2, "모델 서버에 연결할 수 없어요")
    turns = store.conversation_turns(cid, uid)
    assert turns[0].safety_level == "crisis"
    assert turns[1].error == "모델 서버에 연결할 수 없어요" and turns[1].replies == []
    store.add_reply(tid2, raw="답", styled="답", persona_id="counselor")
    assert store.conversation_turns(cid, uid)[1].error is None  # a reply clears the error
    assert [h.turn_id for h in store.history(cid)] == [tid2]  # the crisis turn had no reply yet
    assert tid


def test_restart_keeps_everything(database_url):
    store = Store(database_url)
    uid, cid, [r0, _] = _conversation(store)
    store.rate_reply(r0, 1)
    store.close()
    reopened = Store(database_url)
    try:
        assert reopened.get_or_create_user("민지") == uid
        turns = reopened.conversation_turns(cid, uid)
        assert [t.reply.raw for t in turns] == ["답 0", "답 1"] and turns[0].reply.rating == 1
        assert reopened.schema_version() == SCHEMA_VERSION
    finally:
        reopened.close()


def test_concurrent_writers_do_not_lock(store):
    """Threads writing at once (SQLite: BEGIN IMMEDIATE + busy timeout) lose nothing."""
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            uid = store.get_or_create_user("같은 사람")  # all threads race for one user row
            cid = store.create_conversation(uid, "counselor")
            for i in range(15):
                tid = store.add_turn(cid, f"{n}-{i}", emotion=("중립", 0.5))
                store.add_reply(tid, raw=f"r{n}-{i}", styled=f"s{n}-{i}", persona_id="counselor")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    counts = store.counts()
    assert counts["users"] == 1 and counts["conversations"] == 8
    assert counts["turns"] == counts["replies"] == counts["emotion_log"] == 120


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_in_memory_sqlite_and_paths(tmp_path):
    store = Store("sqlite://")
    uid, cid, _ = _conversation(store)
    assert len(store.conversation_turns(cid, uid)) == 2
    assert database_url_from_path(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert database_url_from_path("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(StoreError):
        Store("not a url")
    nested = tmp_path / "new" / "folder" / "m.db"
    Store(f"sqlite:///{nested}").close()  # creates the folder
    assert nested.exists()


def test_a_turn_opens_three_transactions(tmp_path):
    """One read for everything the reply needs, the user's message, the reply (it was seven)."""
    from sqlalchemy import event

    from serving.config import ServingSettings
    from serving.pipeline import ChatPipeline

    p = ChatPipeline(ServingSettings.load(env={}, database_url=f"sqlite:///{tmp_path / 'tx.db'}"))
    uid = p.store.get_or_create_user("거래")
    cid = p.start_conversation(uid, "counselor")
    list(p.run_turn(cid, "안녕하세요"))
    begins = []
    event.listen(p.store.engine, "begin", lambda conn: begins.append(1))
    events = list(p.run_turn(cid, "요즘 잠을 잘 못 자요"))
    assert events[-1].kind == "done"
    assert len(begins) == 3
    p.close()
