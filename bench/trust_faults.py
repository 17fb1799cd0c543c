"""Fault and attack figures for docs/reliability.md (issue 13). Prints one line per scenario.

    PYTHONPATH=. python bench/trust_faults.py [--turns 60]

1. locked database: every third turn is sent while another writer holds the SQLite lock past
   the retries; a turn counts as *lost* when it is neither stored nor reported unsaved (the
   app keeps reported ones for resending);
2. wrong secrets: 20 guesses in a row at one account: how many were checked, refused, waited;
3. crafted card ids through `maeum personas import --force`: files written outside --out;
4. alias bomb in the persona folder: time to refuse it.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path


def locked_database(turns: int, folder: Path) -> str:
    import serving.store as store_module
    from serving.config import ServingSettings
    from serving.pipeline import ChatPipeline

    store_module.SQLITE_BUSY_TIMEOUT_MS = 200  # the production value is 30 s; the logic is the same
    db = folder / "faults.db"
    p = ChatPipeline(ServingSettings(database_url=f"sqlite:///{db}"))
    uid = p.store.get_or_create_user("bench")
    cid = p.start_conversation(uid, "counselor")
    stored_ok = unsaved = lost = 0
    for i in range(turns):
        blocker = None
        if i % 3 == 2:
            blocker = sqlite3.connect(db, isolation_level=None, timeout=0.1)
            blocker.execute("BEGIN IMMEDIATE")
        try:
            events = list(p.run_turn(cid, f"메시지 {i}: 요즘 잠을 잘 못 자요"))
        finally:
            if blocker is not None:
                blocker.execute("ROLLBACK")
                blocker.close()
        if events[-1].kind == "error" and events[-1].extra.get("unsaved"):
            unsaved += 1
            resent = list(p.run_turn(cid, f"메시지 {i}: 요즘 잠을 잘 못 자요"))  # the UI's 다시 보내기
            stored_ok += resent[-1].kind == "done"
        elif events[-1].kind == "done":
            stored_ok += 1
        else:
            lost += 1
    in_db = len(p.store.conversation_turns(cid, uid))
    p.close()
    return (f"locked database: {turns} turns sent, {turns // 3} of them under a held lock; reported unsaved "
            f"{unsaved}, stored after resend/at once {stored_ok}, rows {in_db}, lost {turns - in_db}")


def wrong_secrets(folder: Path) -> str:
    from serving.accounts import Accounts
    from serving.store import Store

    accounts = Accounts(Store(f"sqlite:///{folder / 'acc.db'}"))
    accounts.sign_up("피해자", "맞는 비밀 문구")
    checked = refused = 0
    started = time.perf_counter()
    for i in range(20):
        result = accounts.sign_in("피해자", f"추측 {i}")
        refused += result.wait_s > 0 and i >= 5
        checked += result.wait_s == 0 or i == 4
    return (f"wrong secrets: 20 guesses in {time.perf_counter() - started:.1f}s; checked {checked}, "
            f"refused with a wait {refused}, signed in 0")


def crafted_ids(folder: Path) -> str:
    from maeum.cli import main
    from serving.personas.cards import export_card
    from serving.personas.registry import fallback_persona

    evil = ["../../x", "/tmp/abs", "..", "a/../../b", "x\x00y", "Ｘ", "../personas/counselor", "~root", "a" * 300]
    card = export_card(fallback_persona())
    tried = written = 0
    for value in evil:
        for how in ("card", "--id"):
            c = json.loads(json.dumps(card))
            args = []
            if how == "card":
                c["data"]["extensions"]["maeum"]["id"] = value
            else:
                args = ["--id", value]
            path = folder / "card.json"
            path.write_text(json.dumps(c, ensure_ascii=False), encoding="utf-8")
            tried += 1
            main(["personas", "import", str(path), "--out", str(folder / "a" / "b" / "out"), "--force", *args])
    written = len(list(folder.rglob("*.yaml")))
    return f"crafted card ids: {tried} imports tried with --force, files written anywhere: {written}"


def alias_bomb(folder: Path) -> str:
    from serving.personas.registry import validate_dir

    personas = folder / "personas"
    personas.mkdir()
    rows = ['a: &a ["x","x","x","x","x","x","x","x","x"]'] + [
        f"{c}: &{c} [{','.join('*' + p for _ in range(9))}]" for p, c in zip("abcdef", "bcdefg")]
    (personas / "bomb.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    size = (personas / "bomb.yaml").stat().st_size
    times = []
    for _ in range(5):
        started = time.perf_counter()
        problems = validate_dir(personas)
        times.append((time.perf_counter() - started) * 1000)
    return (f"alias bomb ({size} bytes, would expand to 9^7 nodes): refused in median {sorted(times)[2]:.1f} ms "
            f"over 5 runs: {problems[0]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, run in (("bomb", alias_bomb), ("ids", crafted_ids), ("secrets", wrong_secrets)):
            sub = folder / name
            sub.mkdir()
            print(run(sub), flush=True)
        sub = folder / "db"
        sub.mkdir()
        print(locked_database(args.turns, sub), flush=True)


if __name__ == "__main__":
    main()
