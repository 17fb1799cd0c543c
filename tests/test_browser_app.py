"""The served app in headless Chromium: `maeum ui`, a Korean message, the reply, a screenshot.

Needs Debian's chromium (`apt-get install -y chromium fonts-noto-cjk`); Playwright drives
it through `executable_path` and never downloads a browser. Skipped when it is missing.
The screenshot goes to $MAEUM_TEST_ARTIFACTS or tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("MAEUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO_ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "요즘 회사 일이 너무 많아서 잠을 잘 못 자요. 어떻게 하면 좋을까요?"


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("MAEUM_TEST_ARTIFACTS") or REPO_ROOT / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if folder == REPO_ROOT / "tests" / "artifacts" and not ignore.exists():
        ignore.write_text("# test screenshots; never committed\n*\n", encoding="utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"maeum ui exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the app did not answer at {url} within {timeout}s")


def ui_command(port: int) -> list[str]:
    """`maeum ui --port P` when the command is registered, else the command it would run."""
    help_run = subprocess.run([sys.executable, "-m", "maeum", "ui", "--help"], capture_output=True,
                              text=True, timeout=60)
    if help_run.returncode == 0:
        return [sys.executable, "-m", "maeum", "ui", "--port", str(port)]
    import argparse

    from serving.app import streamlit_command

    return streamlit_command(argparse.Namespace(port=port, address="127.0.0.1"))


@pytest.fixture
def served_app(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAEUM_")}
    env.update(MAEUM_DATABASE_URL=f"sqlite:///{tmp_path / 'browser.db'}", MAEUM_GENERATOR="offline",
               MAEUM_UI_ADDRESS="127.0.0.1", HF_HUB_OFFLINE="1")
    log_path = tmp_path / "server.log"
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(ui_command(port), cwd=REPO_ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_server(url, proc)
        yield url, tmp_path
    except AssertionError:
        print(log_path.read_text(encoding="utf-8")[-4000:])
        raise
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop the server and anything it started (its own process group)."""
    import signal

    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


def test_chat_in_a_real_browser(served_app):
    from playwright.sync_api import expect, sync_playwright

    url, _ = served_app
    shot = artifacts_dir() / "app_chat.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ko-KR")
            page.goto(url)
            page.get_by_role("tab", name="처음 왔어요").click()
            page.get_by_role("textbox", name="닉네임").fill("새벽별")
            page.get_by_role("textbox", name="비밀 문구", exact=True).fill("밤하늘 별빛")
            page.get_by_role("textbox", name="비밀 문구 확인").fill("밤하늘 별빛")
            page.get_by_role("button", name="시작하기").click()

            chat = page.get_by_test_id("stChatInputTextArea")
            expect(chat).to_be_visible(timeout=90_000)  # first run builds the pipeline
            expect(page.get_by_text("오프라인 모드").first).to_be_visible()
            chat.fill(MESSAGE)
            chat.press("Enter")

            messages = page.get_by_test_id("stChatMessage")
            expect(messages.filter(has_text=MESSAGE)).to_have_count(1, timeout=30_000)
            # the reply is done when its feedback buttons appear (after the stream, rerun)
            expect(page.get_by_role("button", name="다시 답변").first).to_be_visible(timeout=60_000)
            assistant = messages.last
            reply = assistant.get_by_test_id("stMarkdownContainer").first.inner_text()
            assert len(reply.strip()) > 5 and any("\uac00" <= ch <= "\ud7a3" for ch in reply)
            page.get_by_text("감정 흐름").click()
            page.wait_for_timeout(800)  # let the chart draw
            page.screenshot(path=str(shot))
            # a reload stays signed in (the signed token in the URL), the conversation in the sidebar
            page.reload()
            expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=60_000)
            expect(page.get_by_text("지난 대화")).to_be_visible(timeout=30_000)
            assert "새벽별" not in page.url and "밤하늘" not in page.url
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
