"""Concurrent writers on the real store (issues 13 and 14). Prints one line per figure.

    PYTHONPATH=. python bench/store_writers.py [--writers 16] [--writes 40] [--repeats 3]
    PYTHONPATH=. python bench/store_writers.py --turn-writers 128 --turns 10 [--postgres URL]

1. write latency: `--writers` threads each store `--writes` turns (add_turn + add_reply) in one
   SQLite file through one Store, with the in-process write queue and without it (SQLite's busy
   handler only), alternating, `--repeats` times; p50 / p99 / max of one write in ms;
2. nothing lost: `--turn-writers` threads each send `--turns` whole turns through one
   ChatPipeline (offline generator), on SQLite and, with `--postgres` (or MAEUM_TEST_POSTGRES_URL),
   on PostgreSQL in a fresh schema; turns sent, stored, reported unsaved, lost.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def write_latency(folder: Path, writers: int, writes: int, queue: bool) -> list[float]:
    from serving.store import Store

    store = Store(f"sqlite:///{folder / f'latency-{queue}-{time.monotonic_ns()}.db'}")
    if not queue:
        store._write_queue = nullcontext()  # what the store did before the queue
    uid = store.get_or_create_user("bench")
    conversations = [store.create_conversation(uid, "counselor") for _ in range(writers)]
    timings: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(writers)

    def writer(cid: int) -> None:
        mine = []
        start.wait()
        for i in range(writes):
            t = time.perf_counter()
            turn = store.add_turn(cid, f"메시지 {i}", emotion=("중립", 0.5), safety_level="none", safety_reasons=[])
            store.add_reply(turn, raw="답", styled="답", persona_id="counselor")
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=writer, args=(c,)) for c in conversations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    return timings


def turns_not_lost(url: str, writers: int, turns: int) -> str:
    from serving.config import ServingSettings
    from serving.pipeline import ChatPipeline

    p = ChatPipeline(ServingSettings(database_url=url))
    list(p.run_turn(p.start_conversation(p.store.get_or_create_user("warm"), "counselor"), "안녕"))  # warm
    counts = {"done": 0, "unsaved": 0, "other": 0}
    other: collections.Counter = collections.Counter()  # what the other errors said
    lock = threading.Lock()
    owners = []

    def writer(n: int) -> None:
        uid = p.store.get_or_create_user(f"writer{n}")
        cid = p.start_conversation(uid, "counselor")
        with lock:
            owners.append((uid, cid))
        for i in range(turns):
            text = f"{n}번 사용자의 {i}번째 메시지: 요즘 잠을 잘 못 자요"
            for _attempt in range(5):  # the UI's 다시 보내기 for a message reported unsaved
                last = list(p.run_turn(cid, text))[-1]
                kind = "done" if last.kind == "done" else "unsaved" if last.extra.get("unsaved") else "other"
                with lock:
                    counts[kind] += 1
                    if kind == "other":
                        other[f"{last.kind}: {last.message}"] += 1
                if kind != "unsaved":
                    break

    started = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    stored = sum(len(p.store.conversation_turns(cid, uid)) for uid, cid in owners)
    sent = writers * turns
    p.close()
    return (f"{p.store.dialect}: {writers} writers x {turns} turns = {sent} sent in {seconds:.0f} s; "
            f"stored {stored}, replies done {counts['done']}, reported unsaved {counts['unsaved']} "
            f"(resent), other errors {counts['other']} {dict(other) or ''}, lost {sent - stored}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--writes", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--turn-writers", type=int, default=0, help="run the nothing-lost load with this many")
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get("MAEUM_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.writes:
            runs: dict[bool, list[list[float]]] = {True: [], False: []}
            for _ in range(args.repeats):
                for queue in (False, True):
                    runs[queue].append(write_latency(folder, args.writers, args.writes, queue))
            for queue in (False, True):
                p50 = statistics.median(_percentile(r, 0.5) for r in runs[queue])
                p99 = statistics.median(_percentile(r, 0.99) for r in runs[queue])
                worst = max(max(r) for r in runs[queue])
                print(f"write latency, {args.writers} writers x {args.writes} writes, "
                      f"{'write queue' if queue else 'busy handler only'}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                      f"max {worst:.1f} ms (median of {args.repeats} runs)")
        if args.turn_writers:
            print(turns_not_lost(f"sqlite:///{folder / 'turns.db'}", args.turn_writers, args.turns))
            if args.postgres:
                from serving.store.testing import fresh_postgres_schema

                with fresh_postgres_schema(args.postgres) as url:
                    print(turns_not_lost(url, args.turn_writers, args.turns))


if __name__ == "__main__":
    main()
