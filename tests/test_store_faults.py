"""Database faults at send time, on the real store and the real pipeline (issue 13), and the
in-process SQLite write queue (issue 14).

PostgreSQL cases run when MAEUM_TEST_POSTGRES_URL names a server (CI starts one)."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import create_engine, make_url, text

from serving.config import ServingSettings
from serving.pipeline import ChatPipeline
from serving.store import Store
from serving.store.testing import fresh_postgres_schema, postgres_test_url

MESSAGE = "이 메시지는 잃어버리면 안 돼요"


def test_in_process_writers_queue_instead_of_failing_on_the_busy_timeout(tmp_path, monkeypatch):
    import serving.store as store_module

    # A busy timeout far below the time 16 writers need in turn: without the write queue the
    # threads meet SQLite's busy handler, give up, and their writes are refused.
    monkeypatch.setattr(store_module, "SQLITE_BUSY_TIMEOUT_MS", 5)
    monkeypatch.setattr(store_module, "WRITE_ATTEMPTS", 1)
    store = Store(f"sqlite:///{tmp_path / 'queue.db'}")
    uid = store.get_or_create_user("줄")
    conversations = [store.create_conversation(uid, "counselor") for _ in range(16)]
    failures: list[BaseException] = []
    start = threading.Barrier(16)

    def writer(cid: int) -> None:
        start.wait()
        try:
            for i in range(15):
                turn = store.add_turn(cid, f"{cid}-{i}", emotion=("중립", 0.5), safety_level="none",
                                      safety_reasons=[])
                store.add_reply(turn, raw="답", styled="답", persona_id="counselor")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(c,)) for c in conversations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sum(len(store.conversation_turns(c, uid)) for c in conversations) == 16 * 15
    store.close()


# --- PostgreSQL --------------------------------------------------------------------------------
@pytest.fixture
def postgres_url():
    base = postgres_test_url()
    if not base:
        pytest.skip("MAEUM_TEST_POSTGRES_URL is not set")
    with fresh_postgres_schema(base) as url:
        yield url


def _send_and_expect_unsaved(p: ChatPipeline, cid: int) -> None:
    events = list(p.run_turn(cid, MESSAGE))
    assert [e.kind for e in events] == ["error"]
    assert events[0].extra.get("unsaved") and "저장하지 못해서" in events[0].message


def _texts(p: ChatPipeline, uid: int, cid: int) -> list[str]:
    return [t.user_text for t in p.store.conversation_turns(cid, uid)]


@pytest.mark.postgres
def test_a_read_only_postgres_at_send_time_loses_no_message(postgres_url):
    url = make_url(postgres_url)
    p = ChatPipeline(ServingSettings(database_url=postgres_url))
    admin = create_engine(url.set(query={}), isolation_level="AUTOCOMMIT")
    database = url.database
    try:
        uid = p.store.get_or_create_user("읽기전용")
        cid = p.start_conversation(uid, "counselor")
        assert list(p.run_turn(cid, "첫 메시지는 저장돼요"))[-1].kind == "done"
        # The server turns read-only (as after a fail-over to a standby); the pool reconnects.
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on'))
        p.store.engine.dispose()
        _send_and_expect_unsaved(p, cid)
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{database}" RESET default_transaction_read_only'))
        p.store.engine.dispose()
        assert list(p.run_turn(cid, MESSAGE))[-1].kind == "done"  # the UI's 다시 보내기
        assert _texts(p, uid, cid) == ["첫 메시지는 저장돼요", MESSAGE]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{database}" RESET default_transaction_read_only'))
        admin.dispose()
        p.close()


class _Proxy:
    """A TCP forwarder between the store and PostgreSQL, so a test can take the server away."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def down(self) -> None:
        """Every connection cut, new ones refused at once (the server went away)."""
        self.open = False
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets.clear()

    def up(self) -> None:
        self.open = True

    def close(self) -> None:
        self.down()
        self.listener.close()


@pytest.mark.postgres
def test_postgres_going_down_at_send_time_loses_no_message(postgres_url):
    url = make_url(postgres_url)
    proxy = _Proxy(url.host or "127.0.0.1", url.port or 5432)
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    p = ChatPipeline(ServingSettings(database_url=through_proxy))
    try:
        uid = p.store.get_or_create_user("서버다운")
        cid = p.start_conversation(uid, "counselor")
        assert list(p.run_turn(cid, "첫 메시지는 저장돼요"))[-1].kind == "done"
        proxy.down()
        _send_and_expect_unsaved(p, cid)
        proxy.up()
        assert list(p.run_turn(cid, MESSAGE))[-1].kind == "done"  # the UI's 다시 보내기
        assert _texts(p, uid, cid) == ["첫 메시지는 저장돼요", MESSAGE]
    finally:
        p.close()
        proxy.close()
