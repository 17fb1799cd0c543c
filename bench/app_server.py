"""The app as people use it, side by side: cold start and server CPU per message.

    python bench/app_server.py --tree /work/wt/base --tree . [--messages 8] [--rounds 2] \
        [--hide threadpoolctl=/work/wt/base]

For each tree (a checkout, e.g. a `git worktree` of an older commit) and each round, in turn
(A B A B ...): starts `maeum ui` from that tree with a fresh SQLite file, opens it in headless
Debian Chromium, signs in and sends `--messages` Korean messages one after another, waiting
for each reply's 다시 답변 button. Prints, per tree, the medians over rounds of:

- cold start: from starting the server to the input box after sign-in (first possible reply);
- first message: wall seconds from Enter to the finished reply, and the server CPU it cost;
- warm message: the same, median over the later messages;
- server CPU per warm message: user+system seconds of the server process (from /proc).

`--hide MODULE=TREE` makes `import MODULE` fail in that tree's server: an older commit then
runs with the packages its own pyproject installed, in the one shared environment (threadpoolctl
became a dependency later; with it installed the old encoder would also run on one BLAS thread).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_browser_app import CHROMIUM, CHROMIUM_ARGS, free_port, stop  # noqa: E402

MESSAGES = ["요즘 회사 일이 너무 많아서 잠을 잘 못 자요.", "팀장님이 자꾸 저만 혼내는 것 같아요.",
            "주말에도 일 생각이 나서 쉬지를 못해요.", "친구들한테 말하기도 미안해요.",
            "오늘은 그래도 산책을 해서 조금 나아졌어요.", "내일 발표가 있어서 걱정돼요.",
            "엄마랑 통화하다가 또 싸웠어요.", "어떻게 하면 마음이 좀 편해질까요?"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hiding_path(modules: list[str]) -> str | None:
    """A folder whose `MODULE.py` files raise ImportError, to put first on PYTHONPATH."""
    if not modules:
        return None
    folder = Path(tempfile.mkdtemp(prefix="maeum-hide-"))
    for module in modules:
        (folder / f"{module}.py").write_text(f"raise ImportError('{module} hidden by bench/app_server.py')\n")
    return str(folder)


def one_round(tree: Path, messages: int, hide: list[str] | None = None) -> dict:
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="maeum-appbench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAEUM_")}
    env.update(MAEUM_DATABASE_URL=f"sqlite:///{folder / 'bench.db'}", MAEUM_GENERATOR="offline",
               HF_HUB_OFFLINE="1", PYTHONPATH=os.pathsep.join(p for p in (hiding_path(hide or []), str(tree)) if p))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "maeum", "ui", "--port", str(port)], cwd=tree, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    out: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ko-KR")
            deadline = time.monotonic() + 120
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=5_000)
                    break
                except Exception:  # noqa: BLE001 — not listening yet
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            page.get_by_role("tab", name="처음 왔어요").click(timeout=120_000)  # a new account
            page.get_by_role("textbox", name="닉네임").fill("측정")
            page.get_by_role("textbox", name="비밀 문구", exact=True).fill("새벽 세 시의 고요")
            page.get_by_role("textbox", name="비밀 문구 확인").fill("새벽 세 시의 고요")
            page.get_by_role("button", name="시작하기").click()
            chat = page.get_by_test_id("stChatInputTextArea")
            expect(chat).to_be_visible(timeout=120_000)
            out["cold_start_s"] = time.perf_counter() - started
            out["cold_start_cpu_s"] = cpu_seconds(proc.pid)
            page.wait_for_timeout(1500)  # let the first run finish
            walls, cpus = [], []
            for n, text in enumerate(MESSAGES[:messages], start=1):
                before_cpu, before = cpu_seconds(proc.pid), time.perf_counter()
                chat.fill(text)
                chat.press("Enter")
                # the message first: the last reply's 다시 답변 is still on the page until the run redraws
                expect(page.get_by_test_id("stChatMessage").filter(has_text=text)).to_have_count(1, timeout=120_000)
                expect(page.get_by_role("button", name="다시 답변")).to_have_count(1, timeout=120_000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stChatInputStopButton\"]')", timeout=60_000)
                walls.append(time.perf_counter() - before)
                page.wait_for_timeout(700)  # the rerun after the reply
                cpus.append(cpu_seconds(proc.pid) - before_cpu)
            out.update(first_wall_s=walls[0], first_cpu_s=cpus[0], to_first_reply_s=out["cold_start_s"] + walls[0],
                       warm_wall_s=statistics.median(walls[1:]), warm_cpu_s=statistics.median(cpus[1:]))
            browser.close()
    finally:
        stop(proc)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, help="a checkout to serve from (repeat)")
    parser.add_argument("--messages", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--hide", action="append", default=[], metavar="MODULE=TREE",
                        help="make `import MODULE` fail in that tree's server (repeat)")
    args = parser.parse_args()
    trees = [Path(t).resolve() for t in args.tree]
    hidden: dict[Path, list[str]] = {}
    for item in args.hide:
        module, _, tree = item.partition("=")
        hidden.setdefault(Path(tree).resolve(), []).append(module)
    results: dict[Path, list[dict]] = {t: [] for t in trees}
    for round_ in range(args.rounds):
        for tree in trees:
            r = one_round(tree, args.messages, hidden.get(tree))
            print(f"round {round_ + 1} {tree}: " + ", ".join(f"{k} {v:.2f}" for k, v in r.items()), flush=True)
            results[tree].append(r)
    print("\n| tree | cold start to input: wall / server CPU (s) | to first reply (s) | "
          "first message wall / server CPU (s) | warm message wall / server CPU (s) |\n|---|---:|---:|---:|---:|")
    medians = {}
    for tree, rows in results.items():
        med = medians[tree] = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        print(f"| {tree.name} | {med['cold_start_s']:.1f} / {med['cold_start_cpu_s']:.1f} | {med['to_first_reply_s']:.1f} | "
              f"{med['first_wall_s']:.2f} / {med['first_cpu_s']:.2f} | {med['warm_wall_s']:.2f} / {med['warm_cpu_s']:.2f} |")
    if len(trees) > 1:
        first, *others = trees
        for tree in others:
            ratios = ", ".join(f"{k} {medians[tree][k] / medians[first][k]:.2f}" for k in medians[first]
                               if medians[first][k])
            print(f"\n{tree.name} / {first.name}: {ratios}")
        for tree in trees:
            med = medians[tree]
            print(f"{tree.name}: first message / warm message server CPU {med['first_cpu_s'] / med['warm_cpu_s']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
