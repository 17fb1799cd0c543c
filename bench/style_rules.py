"""Rule-based style engine benchmark: sentences per second on one CPU core, and persona loading.

    python bench/style_rules.py [--data data/style_levels.tsv] [--repeat 5] [--cores 1]

Prints (markdown, for docs/style_rules.md):

1. Kiwi load time (once per process) and persona folder load time (all persona files:
   read, YAML, pydantic validation), first call and warm median;
2. `convert_speech_level` over the test set's 해요체 sentences into 해체, 합쇼체 and 하오체:
   sentences per second, mean and p99 ms per sentence;
3. the whole engine (`RulesEngine.rewrite`: level, self-check, persona decorations, calm
   check) over every shipped persona, the analysis cache emptied before each sentence: same figures.

The process is pinned to `--cores` CPU cores (default 1) before anything is measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET_MS = 2.0


def pin(cores: int) -> str:
    if hasattr(os, "sched_setaffinity"):
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, set(available[:cores]))
        return f"{len(os.sched_getaffinity(0))} of {len(available)} cores"
    return "not pinned (no sched_setaffinity)"


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, (time.perf_counter() - start) * 1000


def cold_analysis() -> None:
    """Empty the engine's analysis cache (the checks share one Kiwi reading of the source)."""
    from serving.style import analysis

    cache = getattr(analysis, "analysed", None)
    if cache is not None:
        cache.cache_clear()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def row(name: str, per_sentence_ms: list[float]) -> str:
    mean = statistics.fmean(per_sentence_ms)
    verdict = "yes" if mean < TARGET_MS else "NO"
    return (f"| {name} | {len(per_sentence_ms)} | {1000 / mean:,.0f} | {mean:.3f} | "
            f"{statistics.median(per_sentence_ms):.3f} | {pct(per_sentence_ms, 0.99):.3f} | {verdict} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(REPO / "data" / "style_levels.tsv"))
    parser.add_argument("--personas-dir", default=None)
    parser.add_argument("--repeat", type=int, default=5, help="passes over the sentences (after one warm-up)")
    parser.add_argument("--cores", type=int, default=1)
    args = parser.parse_args(argv)

    pinned = pin(args.cores)
    from serving.kiwi import get_kiwi
    from serving.personas import load_personas
    from serving.style.level_eval import TARGETS, read_cases
    from serving.style.rules import RulesEngine
    from serving.style.speech_levels import convert_speech_level

    _, kiwi_ms = timed(get_kiwi)
    registry, first_load_ms = timed(load_personas, args.personas_dir)
    warm_loads = [timed(load_personas, args.personas_dir)[1] for _ in range(20)]
    sentences = [case.source for case in read_cases(Path(args.data))]

    for sentence in sentences:  # warm-up: caches, lazy imports
        convert_speech_level(sentence, TARGETS[0])

    level_ms: list[float] = []
    for _ in range(args.repeat):
        for level in TARGETS:
            for sentence in sentences:
                cold_analysis()
                level_ms.append(timed(convert_speech_level, sentence, level)[1])

    engine = RulesEngine(seed=0)
    engine_ms: list[float] = []
    for _ in range(args.repeat):
        for persona in registry.all():
            for index, sentence in enumerate(sentences):
                cold_analysis()  # each persona sees the sentence as new, as a reply's sentences are
                engine_ms.append(timed(engine.rewrite_one, sentence, persona, index)[1])

    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} logical cores, "
          f"pinned to {pinned}; Python {platform.python_version()}")
    print()
    print("| load | ms |")
    print("|---|---|")
    print(f"| Kiwi analyser (once per process) | {kiwi_ms:.0f} |")
    print(f"| all {len(registry)} personas, first load (includes pydantic schema build) | {first_load_ms:.1f} |")
    print(f"| all {len(registry)} personas, warm median of 20 | {statistics.median(warm_loads):.1f} |")
    print()
    print(f"| rule engine, one core | sentences | sentences/s | mean ms | median ms | p99 ms | < {TARGET_MS:g} ms |")
    print("|---|---|---|---|---|---|---|")
    print(row("speech level only (해요체 → 해체/합쇼체/하오체)", level_ms))
    print(row(f"full persona rewrite ({len(registry)} personas)", engine_ms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
