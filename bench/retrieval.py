"""BM25 over Kiwi morphemes vs the shared sentence encoder, on the same held-out prompts.

    python bench/retrieval.py

Two measures, each query's top 1 and top 5 neighbours by each method:

- seed topics: every user message of data/seed_conversations.jsonl (the offline composer's
  corpus) against the user messages of all *other* conversations (its own is held out); a hit
  is a neighbour from a conversation with the same `topic`;
- labelled lines: the `test` split of data/emotion_acts.tsv against its `train` split; a hit is a
  neighbour with the same emotion (and, separately, the same act).

Prints hit rates and the mean time per query. The BM25 settings are the composer's
(`serving.generators.offline`: morphemes, stopwords, b=0.5).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from maeum import paths  # noqa: E402
from serving.acts.data import read_rows  # noqa: E402
from serving.generators.offline import morphemes  # noqa: E402
from serving.semantic import cached_embeddings, embed_one, get_encoder  # noqa: E402


def bm25_scores(corpus: list[str], queries: list[str]) -> tuple[np.ndarray, float]:
    import bm25s

    retriever = bm25s.BM25(b=0.5)
    retriever.index([morphemes(t) for t in corpus], show_progress=False)
    started = time.perf_counter()
    rows = []
    for q in queries:
        terms = [t for t in morphemes(q) if t in retriever.vocab_dict]
        rows.append(np.asarray(retriever.get_scores(terms), np.float32) if terms else np.zeros(len(corpus), np.float32))
    return np.stack(rows), (time.perf_counter() - started) * 1000 / len(queries)


def encoder_scores(corpus: list[str], queries: list[str]) -> tuple[np.ndarray, float]:
    base = cached_embeddings(corpus, namespace="bench-retrieval")
    base = base / np.linalg.norm(base, axis=1, keepdims=True)
    started = time.perf_counter()
    rows = []
    for q in queries:
        v = embed_one(q)
        rows.append(base @ (v / np.linalg.norm(v)))
    return np.stack(rows), (time.perf_counter() - started) * 1000 / len(queries)


def hit_rates(scores: np.ndarray, query_keys: list[str], corpus_keys: list[str], mask=None) -> tuple[float, float]:
    """(top-1 hit rate, mean share of the top 5 that hit)."""
    if mask is not None:
        scores = np.where(mask, -np.inf, scores)
    corpus_keys = np.array(corpus_keys)
    top1 = top5 = 0.0
    for row, key in zip(scores, query_keys):
        order = np.argsort(-row, kind="stable")[:5]
        top1 += corpus_keys[order[0]] == key
        top5 += float(np.mean(corpus_keys[order] == key))
    return top1 / len(query_keys), top5 / len(query_keys)


def seed_messages() -> tuple[list[str], list[str], list[str]]:
    texts, topics, convs = [], [], []
    with open(paths.data_file("seed_conversations.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                conv = json.loads(line)
                for m in conv["messages"]:
                    if m["role"] == "user":
                        texts.append(m["content"].strip())
                        topics.append(conv.get("topic") or "")
                        convs.append(conv["id"])
    return texts, topics, convs


def main() -> int:
    print(f"encoder: {get_encoder().name}")
    texts, topics, convs = seed_messages()
    same_conv = np.array(convs)[:, None] == np.array(convs)[None, :]
    print(f"seed topics: {len(texts)} user messages, {len(set(convs))} conversations, {len(set(topics))} topics")
    for name, fn in (("bm25", bm25_scores), ("encoder", encoder_scores)):
        scores, ms = fn(texts, texts)
        at1, at5 = hit_rates(scores, topics, topics, mask=same_conv)
        print(f"  {name:8s} same topic: top-1 {at1:.1%}  top-5 {at5:.1%}  ({ms:.2f} ms/query)")
    rows = read_rows()
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    print(f"labelled lines: {len(test)} test queries against {len(train)} train lines")
    for name, fn in (("bm25", bm25_scores), ("encoder", encoder_scores)):
        scores, ms = fn([r["text"] for r in train], [r["text"] for r in test])
        e1, e5 = hit_rates(scores, [r["emotion"] for r in test], [r["emotion"] for r in train])
        a1, a5 = hit_rates(scores, [r["act"] for r in test], [r["act"] for r in train])
        print(f"  {name:8s} same emotion: top-1 {e1:.1%} top-5 {e5:.1%}; same act: top-1 {a1:.1%} top-5 {a5:.1%}"
              f"  ({ms:.2f} ms/query)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
