"""Which sentence encoder reads risk best, and what it costs: writer-held-out CV of the message head.

    python bench/safety_encoders.py [--encoders use,e5,use+e5] [--held w1,w3] [--train-rows 1500] [--seed 0]

For each held-out writer, a message head (`serving.semantic.SoftmaxHead`, as shipped) is trained
on a seeded sample of the other writers' trainable single messages and scored on every single
message of the held-out writer, per encoder, on the head alone (no rules) at the shipped thresholds
and at a flag threshold that keeps the held-out FPR within 10%. The sample keeps the comparison
affordable for slow encoders; every encoder sees exactly the same rows. Embeddings are cached on
disk per encoder. Also prints each encoder's time per short message on one thread.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _rates(labels, p_crisis, p_flag, crisis_t, flag_t):
    import numpy as np

    labels = np.array(labels)
    crisis = p_crisis >= crisis_t
    flagged = crisis | (p_flag >= flag_t)
    out = {}
    for name, mask, hit in (("crisis", labels == "crisis", crisis), ("c|c", labels == "crisis", flagged),
                            ("concern", labels == "concern", flagged), ("FPR", labels == "none", flagged),
                            ("f.crisis", labels == "none", crisis)):
        out[name] = float(hit[mask].mean()) if mask.any() else float("nan")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", default="use,e5,use+e5")
    parser.add_argument("--held", default="w1,w3")
    parser.add_argument("--train-rows", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import numpy as np

    from serving.semantic.cache import cached_embeddings
    from serving.semantic.encoder import build_encoder
    from serving.semantic.heads import HeadConfig, SoftmaxHead
    from serving.safety.models import LEVELS
    from serving.safety.semantic import CHUNK_CHARS, SemanticConfig, encoder_text
    from serving.safety.training_data import load_examples

    shipped = SemanticConfig()
    examples = [e for e in load_examples() if not e.context]
    short = [e.text for e in examples if len(e.text) < 60][:40]
    print(f"{'encoder':<34}{'held':>6}{'n':>6}{'setting':>14}{'crisis':>8}{'c|c':>8}{'concern':>9}{'FPR':>7}{'f.crisis':>9}")
    timings = {}
    for kind in args.encoders.split(","):
        encoder = build_encoder(kind)
        start = time.thread_time()
        for text in short:
            encoder.encode([text])
        timings[encoder.name] = (time.thread_time() - start) * 1000 / len(short)
        for held in args.held.split(","):
            pool = [e for e in examples if e.writer != held and e.trainable]
            train = random.Random(args.seed).sample(pool, min(args.train_rows, len(pool)))
            test = [e for e in examples if e.writer == held]
            x = cached_embeddings([encoder_text(e.text)[:CHUNK_CHARS] for e in train], namespace="safety-enc-train",
                                  encoder=encoder)
            head = SoftmaxHead.fit(x, [e.label for e in train], HeadConfig(l2=shipped.l2, steps=shipped.steps), LEVELS)
            p = head.predict_proba(cached_embeddings([encoder_text(e.text)[:CHUNK_CHARS] for e in test],
                                                     namespace="safety-enc-test", encoder=encoder))
            p_crisis = p[:, LEVELS.index("crisis")]
            p_flag = p_crisis + p[:, LEVELS.index("concern")]
            labels = [e.label for e in test]
            none = np.array(labels) == "none"
            flag_at_10 = float(np.quantile(p_flag[none], 0.90)) if none.any() else 1.0
            crisis_at_5 = float(np.quantile(p_crisis[none], 0.95)) if none.any() else 1.0
            for setting, (ct, ft) in (("shipped", (shipped.message_crisis, shipped.message_flag)),
                                      ("FPR<=10%", (crisis_at_5, flag_at_10))):
                r = _rates(labels, p_crisis, p_flag, ct, ft)
                print(f"{encoder.name:<34}{held:>6}{len(test):>6}{setting:>14}" + "".join(
                    f"{r[k] * 100:>{w}.1f}" for k, w in (("crisis", 8), ("c|c", 8), ("concern", 9), ("FPR", 7), ("f.crisis", 9))))
    for name, ms in timings.items():
        print(f"{name}: {ms:.1f} ms CPU per short message (one thread, {len(short)} messages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
