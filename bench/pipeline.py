"""Serving pipeline benchmark: what one turn costs around the generator.

    python bench/pipeline.py [--chatbotdata ../shared/data/chatbot_data] [--turns 200]

Prints (markdown, for docs/benchmarks.md "## Serving pipeline"):

1. per-turn overhead excluding generation, p50/p99: sanitise, safety, emotion, store writes,
   history window, sentence splitting, style, output checks (everything but the time spent
   waiting on the generator), over `--turns` turns in conversations of 10 turns;
2. the offline generator with the ChatbotData-sized index: index build (cold: Kiwi analysis;
   warm: from the disk cache) and per-reply retrieval latency p50/p99;
3. streaming: time to the first styled sentence vs the time the generator finished its first
   sentence and vs the whole reply, with a generator paced like an LLM (`--tokens-per-s`);
4. memory: process RSS after loading and after the runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MESSAGES = [
    "요즘 회사 팀장님 때문에 너무 힘들어요", "밤마다 잠이 안 와서 새벽까지 깨어 있어요", "엄마랑 또 싸웠어요 말이 안 통해요",
    "시험을 망친 것 같아서 속상해요", "친구들이 단톡방에서 나만 빼고 약속을 잡았어요", "이사 가는 게 걱정돼요",
    "헤어진 지 한 달 됐는데 아직도 눈물이 나요", "취업 준비가 너무 길어져서 지쳐요", "오늘은 좀 기분이 좋아요!",
    "발표 생각만 하면 긴장돼서 손이 떨려요",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def rss_mb() -> float:
    """Resident memory of this process (psutil when installed, else /proc on Linux)."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Paced:
    """Streams the offline generator's reply at an LLM-like pace (one piece per token time)."""

    name = "paced"

    def __init__(self, inner, tokens_per_s: float):
        self.inner = inner
        self.delay = 1.0 / tokens_per_s
        self.context_window = None

    def count_tokens(self, text):
        return self.inner.count_tokens(text)

    def close(self):
        pass

    def stream(self, request):
        reply = self.inner.choose(request)
        for i in range(0, len(reply), 2):  # ~2 Hangul syllables per token
            time.sleep(self.delay)
            yield reply[i:i + 2]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_cbd = REPO.parent / "shared" / "data" / "chatbot_data"
    parser.add_argument("--chatbotdata", default=str(default_cbd) if default_cbd.exists() else None)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--retrievals", type=int, default=300)
    parser.add_argument("--tokens-per-s", type=float, default=40.0, help="pace of the simulated LLM")
    parser.add_argument("--stream-turns", type=int, default=10)
    args = parser.parse_args(argv)

    logging_quiet()
    from serving.config import ServingSettings
    from serving.generators.base import GenerationRequest
    from serving.generators.offline import OfflineGenerator
    from serving.kiwi import get_kiwi
    from serving.personas import load_personas
    from serving.pipeline import ChatPipeline

    rss_start = rss_mb()
    t = time.perf_counter()
    get_kiwi()
    kiwi_s = time.perf_counter() - t
    tmp = Path(tempfile.mkdtemp(prefix="maeum-bench-"))
    os.environ["MAEUM_CACHE_DIR"] = str(tmp / "cache")
    t = time.perf_counter()
    generator = OfflineGenerator(args.chatbotdata)
    cold_s = time.perf_counter() - t
    t = time.perf_counter()
    generator = OfflineGenerator(args.chatbotdata)
    warm_s = time.perf_counter() - t
    personas = load_personas()
    settings = ServingSettings.load(env={}, database_url=f"sqlite:///{tmp / 'bench.db'}",
                                    chatbotdata_path=args.chatbotdata)
    pipeline = ChatPipeline(settings, generator=generator, personas=personas)
    from serving.app.runtime import warm_up

    warm_up(pipeline)  # as the app does when it builds the pipeline: turns are timed warm
    gc.collect()
    rss_loaded = rss_mb()

    # 2. retrieval latency alone
    retrieval_ms = []
    avoid: list[str] = []
    for i in range(args.retrievals):
        request = GenerationRequest([{"role": "user", "content": MESSAGES[i % len(MESSAGES)]}], emotion="슬픔",
                                    avoid=avoid[-20:])
        t = time.perf_counter()
        reply = generator.choose(request)
        retrieval_ms.append((time.perf_counter() - t) * 1000)
        avoid.append(reply)

    # 1. per-turn overhead through the pipeline
    persona_ids = [p.id for p in personas.all()]
    uid = pipeline.store.get_or_create_user("bench")
    overhead, overhead_cpu, total, style = [], [], [], []
    cid = None
    kiwi = get_kiwi()
    for i in range(args.turns):
        if i % 10 == 0:
            cid = pipeline.start_conversation(uid, persona_ids[(i // 10) % len(persona_ids)])
        # The messages repeat every 10 turns: forget Kiwi's analyses of earlier turns, so a
        # turn shares only its own analyses (people rarely send the same words twice).
        getattr(kiwi, "_memo", {}).clear()
        started, started_cpu = time.perf_counter(), time.thread_time()
        for event in pipeline.run_turn(cid, MESSAGES[i % len(MESSAGES)]):
            if event.kind == "done":  # yielded after the reply is stored: the whole turn
                whole_ms = (time.perf_counter() - started) * 1000
                # the generator reads on a helper thread: this thread's CPU is the overhead's
                overhead_cpu.append((time.thread_time() - started_cpu) * 1000)
                overhead.append(whole_ms - event.extra["generation_ms"])
                total.append(whole_ms)
                style.append(event.extra["style_ms"])
            elif event.kind == "error":
                print("error:", event.message, file=sys.stderr)
    rss_after = rss_mb()

    # the stages inside the overhead, on their own
    from serving.emotion import classify
    from serving.safety import assess, check_reply
    from serving.streaming import kiwi_spans

    stages: dict[str, list[float]] = {"safety.assess": [], "emotion.classify": [], "check_reply (one sentence)": [],
                                      "Kiwi sentence split": []}
    for i in range(200):
        text = MESSAGES[i % len(MESSAGES)]
        for name, fn in (("safety.assess", assess), ("emotion.classify", classify),
                         ("check_reply (one sentence)", check_reply), ("Kiwi sentence split", kiwi_spans)):
            getattr(kiwi, "_memo", {}).clear()  # each stage on its own, as if first to read the text
            t = time.perf_counter()
            fn(text)
            stages[name].append((time.perf_counter() - t) * 1000)

    # 3. streaming: first styled sentence vs the generator's first sentence vs the whole reply
    paced = ChatPipeline(settings, generator=Paced(generator, args.tokens_per_s), personas=personas,
                         store=pipeline.store)
    first_styled, first_generated, whole = [], [], []
    cid = paced.start_conversation(uid, "friend")
    for i in range(args.stream_turns):
        for event in paced.run_turn(cid, MESSAGES[i % len(MESSAGES)]):
            if event.kind == "done":
                first_styled.append(event.extra["first_sentence_ms"])
                first_generated.append(event.extra["generator_first_sentence_ms"])
                whole.append(event.extra["generation_ms"])

    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    print("## Serving pipeline\n")
    print(f"Commit: {head.stdout.strip() or '?'}; turns timed from the call to the `done` event, which comes "
          "after the reply is written.\n")
    print(f"Machine: {os.cpu_count()} CPU cores, Python {sys.version.split()[0]}; SQLite (WAL) in a temp folder; "
          f"offline generator over {len(generator):,} pairs ({generator.sources['seed']} seed + "
          f"{generator.sources['chatbotdata']:,} ChatbotData).\n")
    print("| measure | p50 | p99 |")
    print("|---|---:|---:|")
    print(f"| per-turn overhead excluding generation ({len(overhead)} turns) | {pct(overhead, .5):.1f} ms | "
          f"{pct(overhead, .99):.1f} ms |")
    print(f"| per-turn overhead, CPU of the turn's own thread | {pct(overhead_cpu, .5):.1f} ms | "
          f"{pct(overhead_cpu, .99):.1f} ms |")
    print(f"| of which style engine (rules), all sentences of a turn | {pct(style, .5):.1f} ms | "
          f"{pct(style, .99):.1f} ms |")
    for name, values in stages.items():
        print(f"| stage alone: {name}, per call | {pct(values, .5):.2f} ms | {pct(values, .99):.2f} ms |")
    print(f"| whole offline turn (retrieval + overhead) | {pct(total, .5):.1f} ms | {pct(total, .99):.1f} ms |")
    print(f"| offline retrieval per reply ({len(retrieval_ms)} replies) | {pct(retrieval_ms, .5):.1f} ms | "
          f"{pct(retrieval_ms, .99):.1f} ms |")
    print(f"| generator's first sentence complete (paced {args.tokens_per_s:.0f} tok/s) | "
          f"{pct(first_generated, .5):.0f} ms | {pct(first_generated, .99):.0f} ms |")
    print(f"| first styled sentence shown | {pct(first_styled, .5):.0f} ms | {pct(first_styled, .99):.0f} ms |")
    print(f"| whole reply generated (what a non-streaming UI would wait) | {pct(whole, .5):.0f} ms | "
          f"{pct(whole, .99):.0f} ms |")
    print()
    print(f"Start-up: Kiwi load {kiwi_s:.1f} s; offline index build cold (Kiwi analysis of every question) "
          f"{cold_s:.1f} s, warm (disk cache) {warm_s:.2f} s.\n")
    print(f"Memory (RSS): {rss_start:.0f} MB at start, {rss_loaded:.0f} MB with Kiwi + index + pipeline loaded, "
          f"{rss_after:.0f} MB after {len(overhead)} turns.")
    pipeline.close()
    return 0


def logging_quiet() -> None:
    import logging

    import bm25s  # noqa: F401 - it sets its own logger level on import; quiet it afterwards

    logging.basicConfig(level=logging.WARNING)
    for name in ("bm25s", "serving"):
        logging.getLogger(name).setLevel(logging.WARNING)


if __name__ == "__main__":
    raise SystemExit(main())
