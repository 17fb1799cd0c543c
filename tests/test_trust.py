"""Issue 13 "done when": accounts, untrusted files, never a lost message, generation guards.

Real store (SQLite files), real app (AppTest), real argon2, real OpenAI-protocol stub server.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from serving.accounts import AccountError, Accounts
from serving.store import Store

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from serving.app import APP_SCRIPT  # noqa: E402
from serving.app import runtime as rt  # noqa: E402
from test_app import SECRET, _use_database, button, login, ok, send  # noqa: E402


@pytest.fixture
def accounts(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    yield Accounts(store)
    store.close()


# --- accounts ------------------------------------------------------------------------------
def test_look_alike_and_invisible_nicknames_are_refused(accounts):
    accounts.sign_up("Anna", "abcd1")
    for look_alike in ("Аnna", "Ａｎｎａ", "anna", "An\u200bna", "Anna\x00"):
        with pytest.raises(AccountError):
            accounts.sign_up(look_alike, "abcd1")
    with pytest.raises(AccountError):
        accounts.sign_up("\u200b\u200d\u2060", "abcd1")
    assert accounts.sign_in("Ａｎｎａ", "abcd1").ok  # the same name, typed full-width


def test_sixth_wrong_secret_in_a_minute_is_refused_with_a_wait(accounts):
    accounts.sign_up("새벽별", "맞는 문구")
    results = [accounts.sign_in("새벽별", f"틀림{i}") for i in range(5)]
    assert not any(r.ok for r in results)
    started = time.perf_counter()
    sixth = accounts.sign_in("새벽별", "맞는 문구")  # even the right secret waits
    assert not sixth.ok and sixth.wait_s > 30 and "뒤에 다시" in sixth.message
    assert time.perf_counter() - started < 0.1  # refused without hashing
    with accounts.store.session() as s:
        kinds = [k for (k,) in s.execute(__import__("sqlalchemy").text("SELECT kind FROM auth_events ORDER BY id"))]
    assert kinds.count("signin_failed") == 5 and kinds[-1] == "refused_wait"


def test_tokens_are_signed_expire_and_die_with_sign_out_everywhere(accounts):
    uid = accounts.sign_up("토큰", "abcd1")
    token = accounts.token_for(uid)
    assert accounts.user_from_token(token) == (uid, "토큰")
    body, mac = token.split(".")
    assert accounts.user_from_token(body + "." + mac[::-1]) is None
    from serving.accounts import tokens

    stale = tokens.sign(accounts._signing_key(), uid, 0, lifetime_s=-1)
    assert accounts.user_from_token(stale) is None
    accounts.sign_out_everywhere(uid)
    assert accounts.user_from_token(token) is None


def test_nickname_only_data_migrates_and_signs_in_after_an_operator_reset(tmp_path):
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    store = Store(url)
    uid = store.get_or_create_user("예전사람")  # nickname-only, as before v3
    cid = store.create_conversation(uid, "counselor")
    store.add_turn(cid, "예전 대화")
    accounts = Accounts(store)
    refused = accounts.sign_in("예전사람", "아무거나")
    assert not refused.ok and "재설정 코드" in refused.message
    code = accounts.issue_reset("예전사람")
    assert not accounts.reset_with_code("예전사람", "WRONGCODE1", "새 문구입니다").ok
    result = accounts.reset_with_code("예전사람", code.lower(), "새 문구입니다")
    assert result.ok and result.user_id == uid
    assert not accounts.reset_with_code("예전사람", code, "또 다른 문구").ok  # one-time
    assert accounts.sign_in("예전사람", "새 문구입니다").ok
    assert [t.user_text for t in store.conversation_turns(cid, uid)] == ["예전 대화"]
    store.close()


# --- the app ---------------------------------------------------------------------------------
def new_app(**query) -> AppTest:
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def test_knowing_the_nickname_and_site_password_shows_nothing(tmp_path, monkeypatch):
    _use_database(monkeypatch, tmp_path / "app.db")
    owner = login(new_app(), "하늘")
    send(owner, "오늘 정말 힘들었어요")
    monkeypatch.setenv("MAEUM_PASSWORD", "공용 비밀번호")
    other = ok(new_app().run())
    other.text_input(key="maeum_password_input").input("공용 비밀번호")
    ok(button(other, "들어가기").click().run())
    other.text_input(key="maeum_nickname_input").input("하늘")
    other.text_input(key="maeum_secret_input").input("추측한 문구")
    ok(button(other, "들어가기").click().run())
    assert rt.USER_ID not in other.session_state and not other.chat_input
    assert any("맞지 않아요" in w.value for w in other.warning)
    other.text_input(key="maeum_new_nickname_input").input("하늘\u200b")
    other.text_input(key="maeum_new_secret_input").input("내 문구야")
    other.text_input(key="maeum_new_secret_again").input("내 문구야")
    ok(button(other, "시작하기").click().run())
    assert rt.USER_ID not in other.session_state
    page = " ".join(m.value for m in other.markdown) + " ".join(t.value for t in other.text)
    assert "힘들었어요" not in page


def test_reload_stays_signed_in_and_a_replayed_session_gets_the_sign_in_page(tmp_path, monkeypatch):
    _use_database(monkeypatch, tmp_path / "app.db")
    at = login(new_app(), "별빛")
    token = at.query_params["s"]
    token = token[0] if isinstance(token, list) else token
    assert "별빛" not in token and SECRET not in token
    reloaded = ok(new_app(s=token).run())  # a reload: a new session with the URL's token
    assert reloaded.chat_input and reloaded.session_state[rt.NICKNAME] == "별빛"
    # the same session state presented without the account's token (a replayed session id)
    at.query_params.clear()
    ok(at.run())
    assert not at.chat_input and rt.USER_ID not in at.session_state
    assert [t for t in at.text_input if t.key == "maeum_nickname_input"]
    forged = ok(new_app(s=token[:-3] + "abc").run())
    assert not forged.chat_input


def test_markdown_in_a_persona_description_is_shown_literally(tmp_path, monkeypatch):
    from maeum.paths import personas_dir

    folder = tmp_path / "personas"
    folder.mkdir()
    for path in Path(personas_dir()).glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if path.stem == "counselor":
            import yaml

            data = yaml.safe_load(text)
            data["description"] = "![x](http://evil.example/p.png) [여기를 누르세요](http://phish.example) **굵게**"
            text = yaml.safe_dump(data, allow_unicode=True)
        (folder / path.name).write_text(text, encoding="utf-8")
    _use_database(monkeypatch, tmp_path / "app.db")
    monkeypatch.setenv("MAEUM_PERSONAS_DIR", str(folder))
    at = login(new_app(), "마크")
    captions = [c.value for c in at.sidebar.caption]
    shown = [c for c in captions if "evil" in c]
    assert shown and all("\\!\\[x\\]" in c and "\\(http" in c for c in shown)


def test_a_locked_database_at_send_time_loses_no_message(tmp_path, monkeypatch):
    import serving.store as store_module

    monkeypatch.setattr(store_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(store_module, "RETRY_BASE_S", 0.01)
    db = tmp_path / "locked.db"
    _use_database(monkeypatch, db)
    at = login(new_app(), "잠김")
    send(at, "첫 메시지는 저장돼요")
    blocker = sqlite3.connect(db, isolation_level=None, timeout=0.1)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock past every retry
    try:
        message = "이 메시지는 잃어버리면 안 돼요"
        send(at, message)
        assert at.session_state[rt.UNSENT] == message
        assert any("저장하지 못해서" in w.value for w in at.warning)
        assert message in [t.value for t in at.text]
        assert [b for b in at.button if b.key == "maeum_resend"]
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    ok(at.button(key="maeum_resend").click().run())
    store = Store(f"sqlite:///{db}")
    uid = store.get_or_create_user("잠김")
    [conv] = store.list_conversations(uid)
    texts = [t.user_text for t in store.conversation_turns(conv.id, uid)]
    assert texts == ["첫 메시지는 저장돼요", message] and rt.UNSENT not in at.session_state
    store.close()


# --- untrusted files -------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["--id", "card"])
def test_crafted_card_ids_never_write_outside_out(tmp_path, how):
    from maeum.cli import main
    from serving.personas.cards import export_card
    from serving.personas.registry import fallback_persona

    card = export_card(fallback_persona())
    args = []
    for evil in ("../../x", "/tmp/abs", "..", "a/../../b", "x\x00y", "Ｘ"):
        if how == "card":
            card["data"]["extensions"]["maeum"]["id"] = evil
        else:
            args = ["--id", evil]
        path = tmp_path / "card.json"
        path.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
        out = tmp_path / "deep" / "out"
        assert main(["personas", "import", str(path), "--out", str(out), "--force", *args]) != 0
    assert not [p for p in tmp_path.rglob("*.yaml")]


def test_an_alias_bomb_is_refused_fast_naming_the_file(tmp_path):
    from serving.personas.registry import validate_dir

    rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]'] + [
        f"{c}: &{c} [{','.join('*' + p for _ in range(9))}]" for p, c in zip("abcdef", "bcdefg")]
    (tmp_path / "bomb.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    started = time.perf_counter()
    problems = validate_dir(tmp_path)
    assert time.perf_counter() - started < 0.5
    assert problems and problems[0].file.name == "bomb.yaml" and "aliases" in problems[0].message


def test_big_files_and_symlinks_out_are_refused_without_their_content(tmp_path):
    from serving.personas.registry import validate_dir

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "leak.yaml").symlink_to(secret)
    (folder / "huge.yaml").write_text("a: " + "x" * (300 * 1024), encoding="utf-8")
    problems = validate_dir(folder)
    text = " ".join(str(p) for p in problems)
    assert "TOP-SECRET" not in text and "secret.txt" not in text
    assert {p.file.name for p in problems} == {"leak.yaml", "huge.yaml"}


# --- generation guards -----------------------------------------------------------------------
def _pipeline(tmp_path, stub, **settings):
    from serving.config import ServingSettings
    from serving.generators.openai_gen import OpenAIGenerator
    from serving.pipeline import ChatPipeline

    s = ServingSettings(generator="openai", database_url=f"sqlite:///{tmp_path / 'g.db'}", **settings)
    return ChatPipeline(s, generator=OpenAIGenerator(stub.url, "maeum", retries=0, backoff=0.01))


@pytest.mark.parametrize("case", ["trickle", "stall", "endless", "unterminated"])
def test_cut_streams_are_stored_incomplete_and_never_chosen(tmp_path, case):
    from test_generators import StubServer

    from serving.store.preferences import preference_rows

    stub = StubServer()
    try:
        # Warm the process-wide stages (encoder, heads, Kiwi) first: the deadline counts from the
        # turn's start, and a cold first turn on a loaded 2-core machine can take longer than it.
        warm = _pipeline(tmp_path, stub)
        list(warm.run_turn(warm.start_conversation(warm.store.get_or_create_user("예열"), "counselor"), "안녕"))
        warm.store.close()
        settings = {}
        if case == "trickle":
            stub.pieces, stub.chunk_delay = ["천천히 "] * 80, 0.1
            settings = {"reply_deadline_s": 2.0}  # counted from the turn's start; room for a loaded machine
        elif case == "stall":  # the server stops sending: cut at the deadline, not at its next piece
            stub.pieces, stub.chunk_delay = ["먼저 온 말이에요. ", "한참 뒤에 오는 말."], 8.0
            settings = {"reply_deadline_s": 2.0}
        elif case == "endless":
            stub.pieces = ["끝없이 이어지는 말. "] * 400
            settings = {"max_reply_chars": 200}
        else:
            stub.finish_reason = None  # the stream ends without its end marker
        p = _pipeline(tmp_path, stub, **settings)
        uid = p.store.get_or_create_user("가드")
        cid = p.start_conversation(uid, "counselor")
        started = time.perf_counter()
        events = list(p.run_turn(cid, "요즘 마음이 복잡해요"))
        elapsed = time.perf_counter() - started
        done = events[-1]
        assert done.kind == "done" and done.extra["incomplete"]
        assert done.extra["stop_reason"] == {"trickle": "deadline", "stall": "deadline", "endless": "length",
                                             "unterminated": "unterminated"}[case]
        if case in ("trickle", "stall"):
            assert elapsed < 4.0
        if case == "endless":
            assert len(done.raw_reply) <= 200
        [turn] = p.store.conversation_turns(cid, uid)
        assert turn.replies[-1].incomplete
        p.feedback(turn.replies[-1].id, 1)  # even liked, an incomplete reply is never chosen
        stub.pieces, stub.chunk_delay, stub.finish_reason = ["다른 답변이에요."], 0.0, "stop"
        regen = list(p.regenerate(turn.id))
        p.feedback(regen[-1].reply_id, -1)
        assert all(row["chosen"][0]["content"] != done.raw_reply for row in preference_rows(p.store))
        p.store.close()
    finally:
        stub.close()
