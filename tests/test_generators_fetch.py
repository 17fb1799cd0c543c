"""`maeum data fetch chatbotdata`: downloads when it can, fails cleanly (with the way out) when not."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from maeum.cli import main

CSV = "Q,A,label\n12시 땡!,하루가 또 가네요.,0\n1지망 학교 떨어졌어,위로해 드립니다.,0\n"


@pytest.fixture
def csv_server():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = (CSV if self.path.endswith(".csv") else "<html>not found</html>").encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_saves_the_file(csv_server, tmp_path, capsys):
    out = tmp_path / "chatbot_data"
    assert main(["data", "fetch", "chatbotdata", "--out", str(out), "--url", f"{csv_server}/ChatbotData.csv"]) == 0
    assert (out / "ChatbotData.csv").read_text(encoding="utf-8") == CSV
    assert "2 rows" in capsys.readouterr().out


def test_fetch_default_folder_is_found_by_the_offline_generator(csv_server, tmp_path, monkeypatch):
    from serving.generators.offline import default_chatbotdata_path

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_chatbotdata_path() is None
    assert main(["data", "fetch", "chatbotdata", "--url", f"{csv_server}/ChatbotData.csv"]) == 0
    assert default_chatbotdata_path() == tmp_path / "xdg" / "maeum" / "chatbot_data" / "ChatbotData.csv"


def test_fetch_without_network_says_how_to_give_a_local_path(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = main(["data", "fetch", "chatbotdata", "--out", str(tmp_path), "--timeout", "3",
                 "--url", f"http://127.0.0.1:{port}/ChatbotData.csv"])
    err = capsys.readouterr().err
    assert code == 1
    assert "could not download ChatbotData" in err and "--chatbotdata" in err and "MAEUM_CHATBOTDATA_PATH" in err
    assert "Traceback" not in err
    assert not (tmp_path / "ChatbotData.csv").exists()


def test_fetch_refuses_something_that_is_not_chatbotdata(csv_server, tmp_path, capsys):
    assert main(["data", "fetch", "chatbotdata", "--out", str(tmp_path), "--url", f"{csv_server}/page"]) == 1
    assert "did not return ChatbotData" in capsys.readouterr().err
