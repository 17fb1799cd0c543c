"""KoBART style engine throughput: sentences/s, batched vs one by one.

    python bench/style_throughput.py                      # tiny KoBART-family BART (random weights), CPU
    python bench/style_throughput.py --model runs/kobart_style/final --beams 1 4

Sentences are the formal sentences of the SmileStyle held-out dialogues (or built-in ones
when ../shared/data is absent), grouped into replies of `--reply-size` sentences. Three ways:

- one by one: one `generate` per sentence (what a naive engine does);
- per reply: `KoBARTEngine.rewrite(reply)` — all sentences of a reply in one batched generate
  (what serving does);
- all at once: every sentence in one call (upper bound).

The timing includes encoding, generation, decoding and the output checks (Kiwi name check);
fallbacks go to the identity engine so the rule engine's time is not counted. With the random
tiny model every output is forced to exactly `--max-new-tokens` tokens (a random model stops
at arbitrary points, which would compare different amounts of work); a trained checkpoint
stops at </s> as in serving. Prints a Markdown table (docs/style_eval.md).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FALLBACK_SENTENCES = [
    "많이 힘드셨겠어요.", "오늘 하루는 어떻게 보내셨어요?", "천천히 이야기해 주셔도 괜찮아요.", "그 마음 충분히 이해해요.",
    "잠은 좀 주무셨어요?", "혼자 견디기 어려우면 109에 전화해 주세요.", "작은 것부터 함께 해 봐요.", "정말 잘하고 있어요.",
]


def sentences(n: int) -> list[str]:
    from maeum import paths

    shared = paths.shared_data_dir()
    path = shared / "smilestyle" / "smilestyle_train.tsv" if shared else None
    if path is not None and path.exists():
        from training.loaders.smilestyle import read_smilestyle, split_by_dialogue

        _, valid = split_by_dialogue(read_smilestyle(path), 0.1, 0)
        pool = [r.styles["formal"] for r in valid if "formal" in r.styles]
    else:
        pool = FALLBACK_SENTENCES
    return [pool[i % len(pool)] for i in range(n)]


def tiny_engine_model(tmp: Path):
    from maeum.tiny_models import build_tiny_bart
    from serving.style.kobart import StyleModelMeta, add_control_tokens

    model, tok = build_tiny_bart(tmp / "bart")
    add_control_tokens(tok, model, ["seonbi"], with_context=True)
    return model, tok, StyleModelMeta(styles=["seonbi"], with_context=True, max_source_length=128)


def timed(fn, repeats: int) -> float:
    best = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best.append(time.perf_counter() - start)
    return statistics.median(best)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="trained style checkpoint (default: the tiny random BART)")
    parser.add_argument("--style", default="seonbi")
    parser.add_argument("--sentences", type=int, default=32)
    parser.add_argument("--reply-size", type=int, default=4)
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--free-length", action="store_true",
                        help="let outputs stop at </s> (default for the random tiny model: every output is "
                             "exactly --max-new-tokens long, so one-by-one and batched do the same work)")
    args = parser.parse_args()

    import torch

    from serving.style.base import IdentityEngine
    from serving.style.kobart import KoBARTEngine

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.model:
        engine = KoBARTEngine(args.model, fallback=IdentityEngine(), max_new_tokens=args.max_new_tokens)
        if not engine.load():
            print(f"error: {engine.unavailable}", file=sys.stderr)
            return 1
        label = args.model
    else:
        tmp = Path(tempfile.mkdtemp(prefix="style_bench_"))
        model, tok, meta = tiny_engine_model(tmp)
        fixed = {} if args.free_length else {"min_new_tokens": args.max_new_tokens}
        engine = KoBARTEngine(model=model, tokenizer=tok, meta=meta, fallback=IdentityEngine(),
                              max_new_tokens=args.max_new_tokens, generation_kwargs=fixed)
        label = "tiny KoBART-family BART (random weights" + (", fixed output length)" if fixed else ")")
    persona = SimpleNamespace(id=args.style, style=SimpleNamespace(smilestyle=args.style))
    texts = sentences(args.sentences)
    replies = [texts[i:i + args.reply_size] for i in range(0, len(texts), args.reply_size)]
    engine.rewrite(texts[:2], persona)  # warm-up (Kiwi, first generate)

    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"CPU ({platform.processor() or 'cpu'})"
    print(f"model: {label}; device: {device}; torch threads {torch.get_num_threads()}; "
          f"{len(texts)} sentences, replies of {args.reply_size}, max_new_tokens {args.max_new_tokens}, "
          f"median of {args.repeats}")
    print()
    print("| decoding | one by one (sent/s) | per reply, batched (sent/s) | all at once (sent/s) | "
          "speed-up per reply |")
    print("|---|---:|---:|---:|---:|")
    for beams in args.beams:
        engine.num_beams = beams
        single = timed(lambda: [engine.rewrite([s], persona) for s in texts], args.repeats)
        per_reply = timed(lambda: [engine.rewrite(r, persona) for r in replies], args.repeats)
        at_once = timed(lambda: engine.rewrite(texts, persona), args.repeats)
        name = "greedy" if beams == 1 else f"beam {beams}"
        n = len(texts)
        print(f"| {name} | {n / single:.1f} | {n / per_reply:.1f} | {n / at_once:.1f} | {single / per_reply:.2f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
