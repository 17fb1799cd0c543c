"""Latency of the per-message safety work: crisis assessment, emotion, reply check.

    python bench/safety.py [--data data/safety_eval.tsv] [--rounds 5] [--json]

Runs every text of the labelled set `--rounds` times in one thread after a warm-up, and
prints p50 / p90 / p99 / max per message and messages per second. The one-time start-up
(Kiwi's model, its typo model, the encoder and the learned heads) is timed separately. The
encoder's per-text memo is cleared before every timed call, so each message pays for its own
embedding as a new message does. Target: assessment p99 ≤ 10 ms per ordinary message with the
semantic layer on. Long messages (8,000 characters, assessed whole) are timed separately.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_MS = 10.0


def _percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def _forget_embeddings() -> None:
    """Forget every message seen: the encoder's memo and the rules' Kiwi memo."""
    from serving.semantic import encoder as shared

    with shared._memo_lock:
        shared._memo.clear()
    try:
        from serving.safety.normalize import _normalise
    except ImportError:  # an older checkout without the memo (side-by-side runs)
        return
    _normalise.cache_clear()


def _measure(fn, texts: list, rounds: int, fresh: bool = False, prepare=None) -> dict:
    """Wall-clock and this thread's CPU time per call (CPU time ignores waiting for a busy CPU).
    `fresh`: each call meets its message for the first time; `prepare(item)`, untimed, then
    replays what earlier turns already did (the earlier messages were assessed on their turns)."""
    wall, cpu = [], []
    for _ in range(rounds):
        for text in texts:
            if fresh:
                _forget_embeddings()  # outside the timed part: every call embeds its message
            if prepare is not None:
                prepare(text)
            start, start_cpu = time.perf_counter(), time.thread_time()
            fn(text)
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    wall.sort()
    cpu.sort()
    total_s = sum(wall) / 1000
    return {
        "messages": len(wall),
        "p50_ms": _percentile(wall, 0.50),
        "p90_ms": _percentile(wall, 0.90),
        "p99_ms": _percentile(wall, 0.99),
        "max_ms": wall[-1],
        "mean_ms": statistics.fmean(wall),
        "msgs_per_s": len(wall) / total_s if total_s else float("inf"),
        "cpu_p50_ms": _percentile(cpu, 0.50),
        "cpu_p99_ms": _percentile(cpu, 0.99),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(REPO / "data" / "safety_eval.tsv"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from serving.emotion import classify
    from serving.safety import SafetyAssessor, assess, check_reply
    from serving.safety.models import LEVELS
    from serving.safety.textio import read_labelled

    texts = [row["text"] for row in read_labelled(args.data, LEVELS)]
    start = time.perf_counter()
    assess("준비")  # loads Kiwi and builds its typo model
    startup_s = time.perf_counter() - start
    for text in texts:  # warm caches
        assess(text)
        classify(text)

    logging.disable(logging.WARNING)  # check_reply logs every replaced reply; the inputs here are user texts
    no_typos = SafetyAssessor(kiwi_typos=None)
    rules_only = SafetyAssessor()
    windows = [texts[max(0, i - 3):i] for i in range(len(texts))]
    base = "오늘 회사에서 있었던 일을 길게 적어 볼게요. 회의가 길었고 점심은 김밥이었어요. " * 200
    long_texts = [base[:8000 - 40 * k] + f" 이제 정말 다 끝내고 싶어요 {k}" for k in range(5)]
    results = {
        "assess": _measure(assess, texts, args.rounds, fresh=True),
        "assess, 3 earlier messages": _measure(lambda t: assess(t[1], t[0]), list(zip(windows, texts)), 1, fresh=True,
                                               prepare=lambda t: [assess(c, t[0][:i]) for i, c in enumerate(t[0])]),
        "assess, rules only": _measure(rules_only.assess_text, texts, args.rounds),
        "assess (no typo model)": _measure(no_typos.assess_text, texts, args.rounds),
        "assess, 8,000 chars": _measure(assess, long_texts, 1, fresh=True),
        "emotion.classify": _measure(classify, texts, args.rounds),
        "check_reply": _measure(check_reply, texts, args.rounds),
    }
    machine = {
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "startup_s": startup_s,
        "texts": len(texts),
        "rounds": args.rounds,
    }
    if args.json:
        print(json.dumps({"machine": machine, "results": results}, indent=2))
    else:
        load = machine["load_average"]
        print(f"{len(texts)} texts x {args.rounds} rounds, one thread; python {machine['python']}, "
              f"{machine['cpu_count']} CPUs" + (f", load average {load[0]:.1f}" if load else ""))
        print(f"start-up (Kiwi + typo model, once per process): {startup_s:.2f} s")
        print(f"{'stage':<28}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'max ms':>8}{'msgs/s':>9}"
              f"{'cpu p50':>9}{'cpu p99':>9}")
        for name, r in results.items():
            print(f"{name:<28}{r['p50_ms']:>8.2f}{r['p90_ms']:>8.2f}{r['p99_ms']:>8.2f}{r['max_ms']:>8.1f}"
                  f"{r['msgs_per_s']:>9.0f}{r['cpu_p50_ms']:>9.2f}{r['cpu_p99_ms']:>9.2f}")
        r = results["assess"]
        verdict = "under" if r["p99_ms"] < TARGET_MS else "OVER"
        print(f"assess p99 {r['p99_ms']:.2f} ms wall ({r['cpu_p99_ms']:.2f} ms CPU): {verdict} the "
              f"{TARGET_MS:.0f} ms target" + ("" if r["p99_ms"] < TARGET_MS or r["cpu_p99_ms"] >= TARGET_MS
                                              else "; the wall-clock tail is waiting for a busy CPU"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
