"""The served app in headless Chromium: `maeum ui`, a Korean message, the reply, a screenshot.

Needs Debian's chromium (`apt-get install -y chromium fonts-noto-cjk`); Playwright drives
it through `executable_path` and never downloads a browser. Skipped when it is missing.
The screenshot goes to $MAEUM_TEST_ARTIFACTS or tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
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


# --- stop, screens, phone --------------------------------------------------------------------
STOP_AFTER_MS = (0, 150, 400, 900, 1500)
STOPPED_TEXT = re.compile("멈췄어요")  # "⏹️ 답변을 여기서 멈췄어요." or "답변이 중간에 멈췄어요."
CRISIS_MESSAGE = "요즘 너무 힘들어서 그냥 죽고 싶다는 생각만 들어요."


def _sign_in(page, url: str, nickname: str):
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_role("tab", name="처음 왔어요").click()  # a new account: nickname + a secret of one's own
    page.get_by_role("textbox", name="닉네임").fill(nickname)
    page.get_by_role("textbox", name="비밀 문구", exact=True).fill("새벽 세 시의 고요")
    page.get_by_role("textbox", name="비밀 문구 확인").fill("새벽 세 시의 고요")
    page.get_by_role("button", name="시작하기").click()
    chat = page.get_by_test_id("stChatInputTextArea")
    expect(chat).to_be_visible(timeout=90_000)
    return chat


def _settled(page, timeout_ms: int = 30_000) -> None:
    """Wait until no script run is in progress (the stop button turned back into send)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stChatInputStopButton\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"] button')", timeout=timeout_ms)
    page.wait_for_timeout(300)


def test_stop_always_lands_somewhere_safe(served_app):
    """Stop a reply at several moments: the page, the input and the conversation survive."""
    from playwright.sync_api import expect, sync_playwright

    url, folder = served_app
    db_path = folder / "browser.db"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ko-KR")
            chat = _sign_in(page, url, "멈춤시험")
            messages = page.get_by_test_id("stChatMessage")
            for number, delay in enumerate(STOP_AFTER_MS, start=1):
                text = f"{number}번째 이야기예요. 요즘 마음이 좀 복잡해요."
                chat.fill(text)
                chat.press("Enter")
                if delay:
                    page.wait_for_timeout(delay)
                stop = page.get_by_test_id("stChatInputStopButton")
                if stop.count():
                    try:
                        stop.click(timeout=1_000)
                    except Exception:  # noqa: BLE001 — the run ended first: nothing to stop
                        pass
                _settled(page)
                # a stop at any moment lands on a whole page: header, input, this message, and
                # under it either the reply (the run ended first) or the stopped text with 다시 시도
                expect(page.get_by_text("이야기하기").first).to_be_visible(timeout=30_000)
                expect(chat).to_be_visible()
                expect(chat).to_be_enabled(timeout=30_000)
                sent = messages.filter(has_text=f"{number}번째 이야기예요.")
                expect(sent).to_have_count(1, timeout=30_000)
                answer = messages.last
                expect(answer.get_by_text(STOPPED_TEXT).or_(answer.get_by_role("button", name="다시 답변"))
                       .first).to_be_visible(timeout=30_000)
                page.screenshot(path=str(artifacts_dir() / f"app_stop_{delay}ms.png"))
            # one more normal message gets a full reply, and the run that draws it shows every
            # message sent before, each answered or marked as stopped with 다시 시도
            chat.fill("마지막으로 하나만 더 물어봐도 될까요?")
            chat.press("Enter")
            expect(page.get_by_role("button", name="다시 답변").first).to_be_visible(timeout=60_000)
            _settled(page)
            for number in range(1, len(STOP_AFTER_MS) + 1):
                expect(messages.filter(has_text=f"{number}번째 이야기예요.")).to_have_count(1)
            page.screenshot(path=str(artifacts_dir() / "app_after_stops.png"), full_page=True)
        finally:
            browser.close()
    # nothing the user wrote was lost: every message is a stored turn
    with sqlite3.connect(db_path) as db:
        stored = [row[0] for row in db.execute("SELECT user_text FROM turns ORDER BY id")]
    assert [t for t in stored if "번째 이야기예요" in t] == \
        [f"{n}번째 이야기예요. 요즘 마음이 좀 복잡해요." for n in range(1, len(STOP_AFTER_MS) + 1)]


def test_screens_people_see(served_app):
    """First screen, a conversation, the mood chart, a crisis turn, a phone: screenshots."""
    from playwright.sync_api import expect, sync_playwright

    url, _ = served_app
    out = artifacts_dir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ko-KR")
            page.goto(url)
            expect(page.get_by_role("textbox", name="닉네임")).to_be_visible(timeout=90_000)
            assert page.evaluate("document.documentElement.lang") == "ko"
            page.screenshot(path=str(out / "app_first_screen.png"))
            chat = _sign_in(page, url, "화면시험")
            for text in (MESSAGE, "오늘은 그래도 산책을 해서 기분이 좀 나아졌어요!", "내일 발표가 있어서 걱정돼요."):
                chat.fill(text)
                chat.press("Enter")
                expect(page.get_by_role("button", name="다시 답변").first).to_be_visible(timeout=60_000)
                _settled(page)
            # Korean labels on our widgets and a copy button on replies
            assert page.get_by_role("button", name="보내기").count() == 1
            assert page.get_by_role("button", name="이 답변 복사하기").count() >= 3
            messages = page.get_by_test_id("stChatMessage")
            assert "마음" in messages.first.inner_text() or messages.count() >= 7  # greeting on top
            page.screenshot(path=str(out / "app_conversation.png"), full_page=True)
            page.get_by_text("감정 흐름").click()
            expect(page.locator("[data-testid='stVegaLiteChart'], .vega-embed").first).to_be_visible(timeout=10_000)
            page.wait_for_timeout(1000)
            page.locator("[data-testid='stExpander']").filter(has_text="감정 흐름").first.screenshot(path=str(out / "app_mood_chart.png"))

            chat.fill(CRISIS_MESSAGE)
            chat.press("Enter")
            expect(page.locator(".st-key-maeum_crisis_banner")).to_be_visible(timeout=60_000)
            _settled(page)
            expect(page.get_by_text("109").first).to_be_visible()
            banner = page.locator(".st-key-maeum_crisis_banner")
            banner.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "app_crisis.png"))
            # the ⋮ menu (Streamlit's own) reads in Korean too
            page.get_by_test_id("stMainMenu").get_by_role("button").first.click()
            listing = page.get_by_test_id("stMainMenuList")
            expect(listing).to_be_visible(timeout=10_000)
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "app_menu.png"))
            shown = page.get_by_test_id("stMainMenuPopover").inner_text()
            assert "인쇄하기" in shown and not re.search("[A-Za-z]{3,}", shown.replace("Streamlit", "")), shown
            page.keyboard.press("Escape")

            phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="ko-KR",
                                     is_mobile=True, has_touch=True, device_scale_factor=2)
            _sign_in(phone, url, "전화기")
            picker = phone.locator(".st-key-maeum_phone_persona")
            expect(picker).to_be_visible()
            picker.get_by_role("button").first.click()
            phone.wait_for_timeout(500)
            phone.screenshot(path=str(out / "app_phone.png"))
        finally:
            browser.close()
    for name in ("app_first_screen", "app_conversation", "app_mood_chart", "app_crisis", "app_phone"):
        assert (out / f"{name}.png").stat().st_size > 5_000, name
