"""The semantic reply check: a calibrated head on the shared encoder, per sentence of a reply.

Classes: ok, diagnosis, medication, method, profanity, insult, and what a word list cannot see:
encouragement (of dying, self-harm, giving up, revenge), blame, minimising, secrecy (keep it from
everyone, do not get help). Trained on the `train` rows of `data/reply_checks.tsv` and
`data/safety_train/replies/replies.tsv` (unsafe replies and safe look-alikes that mention
disorders, medicine, heights, secrets or hotlines in a safe way), plus the counsellor replies of
`data/seed_conversations.jsonl` and our fixed safety texts as `ok`. A sentence is a problem when
p(not ok) reaches `THRESHOLD` (chosen by cross-validation, docs/safety.md); the problem is named
after its most likely unsafe class. Held-out rows are never trained on. Without the encoder or
the data the rules work alone.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from serving.safety.lazy import Lazy

log = logging.getLogger(__name__)

CLASSES = ("ok", "diagnosis", "medication", "method", "profanity", "insult",
           "encouragement", "blame", "minimising", "secrecy",
           # named by the independent writer w4 (data/safety_train/w4/replies.tsv)
           "abuse_dismissal", "hopeless_agree", "moralising", "romanticising")
# Chosen holding out each independent writer's replies in turn (w4, w5, w6; docs/safety.md): with
# one hidden layer (256 units), 0.9 caught 62.8% of their unsafe replies with 7.4% of their safe
# ones flagged (logistic regression at 0.95: 48.0% / 10.7%).
THRESHOLD = 0.9
HIDDEN = 256
REPLY_FILES = ("reply_checks.tsv", "safety_train/replies/replies.tsv", "safety_train/w4/replies.tsv",
               "safety_train/w5/replies.tsv", "safety_train/w6/replies.tsv")
TRAIN_SPLITS = ("train",)
_SPLIT = re.compile(r"(?<=[.!?。])\s+|\n+")


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(text or "") if s.strip()]


def read_reply_rows(path: Path) -> list[dict[str, str]]:
    from maeum.errors import DataError

    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for number, row in enumerate(rows, start=2):
        if row.get("label") not in CLASSES or not row.get("text"):
            raise DataError(f"{path}:{number}: label {row.get('label')!r} is not one of {', '.join(CLASSES)}")
    return rows


def _safe_sentences(data_dir: Path) -> list[str]:
    """Counsellor replies we wrote and our fixed texts: examples of what a good reply looks like."""
    from serving.safety.resources import FIXED_TEXTS

    out: list[str] = []
    seed = data_dir / "seed_conversations.jsonl"
    if seed.is_file():
        for line in seed.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for message in json.loads(line).get("messages", []):
                    if message.get("role") == "assistant":
                        out += sentences_of(message.get("content", ""))
    for text in FIXED_TEXTS:
        out += [s.lstrip("• ") for s in sentences_of(text)]
    return out


class ReplyHead:
    """Two heads on each sentence's embedding: `flag` (ok vs unsafe, the two sides weighed alike,
    so nine unsafe kinds do not outvote the one ok class) decides; `kind` names the problem."""

    def __init__(self, flag, kind, threshold: float = THRESHOLD):
        self.flag, self.kind, self.threshold = flag, kind, threshold

    def sentence_scores(self, text: str) -> list[tuple[float, str]]:
        """(p(unsafe), most likely unsafe kind) per sentence of `text`."""
        from serving.semantic import embed_one, get_encoder

        parts = sentences_of(text)
        if not parts:
            return []
        vectors = get_encoder().encode(parts) if len(parts) > 1 else embed_one(parts[0])[None, :]
        p_unsafe = self.flag.predict_proba(vectors)[:, list(self.flag.classes).index("unsafe")]
        kinds = self.kind.predict_proba(vectors).argmax(axis=1)
        return [(float(p), self.kind.classes[k]) for p, k in zip(p_unsafe, kinds)]

    def p_unsafe(self, text: str) -> float:
        return max((p for p, _ in self.sentence_scores(text)), default=0.0)

    def problems(self, text: str) -> list[str]:
        found = []
        for p, kind in self.sentence_scores(text):
            if p >= self.threshold and f"semantic.{kind}" not in found:
                found.append(f"semantic.{kind}")
        return found


def train_reply_head(texts: Sequence[str], labels: Sequence[str], *, use_cache: bool = True,
                     threshold: float = THRESHOLD, config=None) -> ReplyHead:
    from serving.semantic import cached_embeddings, get_encoder, train_or_load_head

    config = config or head_config()
    texts, labels = list(texts), list(labels)
    vectors = cached_embeddings(texts, namespace="safety-replies", use_cache=use_cache)
    flags = ["ok" if label == "ok" else "unsafe" for label in labels]
    flag = train_or_load_head("safety-reply-flag", texts, flags, features=vectors, encoder_name=get_encoder().name,
                              classes=("ok", "unsafe"), use_cache=use_cache, config=config)
    unsafe = [i for i, label in enumerate(labels) if label != "ok"]
    kind = train_or_load_head("safety-reply-kind", [texts[i] for i in unsafe], [labels[i] for i in unsafe],
                              features=vectors[unsafe], encoder_name=get_encoder().name,
                              classes=[c for c in CLASSES if c != "ok"], use_cache=use_cache, config=config)
    return ReplyHead(flag, kind, threshold)


def head_config(hidden: int = HIDDEN):
    from serving.semantic.heads import HeadConfig

    return HeadConfig(hidden=hidden, learning_rate=0.002, steps=300) if hidden else HeadConfig()


def reply_rows(data_dir: Path) -> list[dict[str, str]]:
    """Every labelled reply we have (each row keeps the file it came from in `source`)."""
    out = []
    for name in REPLY_FILES:
        path = data_dir / name
        if path.is_file():
            out += [{**row, "source": name} for row in read_reply_rows(path)]
    return out


def training_set(data_dir: Path, splits: Sequence[str] = TRAIN_SPLITS) -> tuple[list[str], list[str]]:
    rows = [r for r in reply_rows(data_dir) if r.get("split") in splits]
    safe = _safe_sentences(data_dir)
    return [r["text"] for r in rows] + safe, [r["label"] for r in rows] + ["ok"] * len(safe)


# Like the message heads, the trained reply heads ship in data/safety_heads/ under a key of the
# encoder, the head config and every training row, so the first check loads them instead of
# training an MLP (minutes on two cores). `maeum safety train-heads` rewrites them.
def reply_heads_key(texts: Sequence[str], labels: Sequence[str], encoder_name: str) -> str:
    import hashlib

    digest = hashlib.sha256(json.dumps([encoder_name, head_config().__dict__]).encode())
    for text, label in zip(texts, labels):
        digest.update(f"\x1e{text}\x1f{label}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def shipped_reply_files(folder: Path, key: str) -> tuple[Path, Path]:
    from serving.safety.semantic import HEADS_FOLDER

    return (folder / HEADS_FOLDER / f"reply-flag-{key}.npz", folder / HEADS_FOLDER / f"reply-kind-{key}.npz")


def save_reply_heads(folder: Path) -> list[Path]:
    """Train the reply heads on `folder`'s data and write them beside the message heads."""
    from serving.semantic import get_encoder

    texts, labels = training_set(folder)
    head = train_reply_head(texts, labels)
    files = shipped_reply_files(folder, reply_heads_key(texts, labels, get_encoder().name))
    for old in files[0].parent.glob("reply-*.npz"):
        old.unlink()
    head.flag.save(files[0])
    head.kind.save(files[1])
    return list(files)


def _build() -> ReplyHead | None:
    from maeum import paths
    from serving.semantic import EncoderUnavailable, SoftmaxHead, get_encoder

    try:
        folder = paths.data_dir()
        if folder is None or not any((folder / name).is_file() for name in REPLY_FILES):
            log.warning("reply_checks.tsv not found; the semantic reply check is off (rules only)")
            return None
        texts, labels = training_set(folder)
        flag_file, kind_file = shipped_reply_files(folder, reply_heads_key(texts, labels, get_encoder().name))
        if flag_file.is_file() and kind_file.is_file():
            return ReplyHead(SoftmaxHead.load(flag_file), SoftmaxHead.load(kind_file))
        log.warning("the shipped reply heads do not match the data; training them now "
                    "(run `maeum safety train-heads` to ship them)")
        return train_reply_head(texts, labels)
    except EncoderUnavailable as exc:
        log.warning("%s; the semantic reply check is off (rules only)", exc)
        return None
    except Exception:  # the learned check must never take the rules down
        log.warning("could not build the semantic reply check; rules only", exc_info=True)
        return None


def semantic_problems(text: str) -> list[str]:
    head = default_reply_head()
    if head is None:
        return []
    try:
        return head.problems(text)
    except Exception:
        log.warning("semantic reply check failed; rules only", exc_info=True)
        return []


def cross_validate(data_dir: Path, folds: int = 5,
                   thresholds: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98)):
    """Rules, head and both, k-fold over every trainable row (the seed sentences always train), and
    once more on the held-out rows (never trained on) with the head trained on all trainable rows."""
    from serving.safety.output_check import find_problems

    every = reply_rows(data_dir)
    rows = [r for r in every if r.get("split") in TRAIN_SPLITS]
    held = [r for r in every if r.get("split") not in TRAIN_SPLITS]
    safe = _safe_sentences(data_dir)
    order = np.random.default_rng(0).permutation(len(rows))
    names = ("rules", *thresholds)

    def empty():
        return {t: {"caught": 0, "unsafe": 0, "flagged": 0, "safe": 0} for t in names}

    def score(head, scored_rows, out):
        for row in scored_rows:
            unsafe = row["label"] != "ok"
            rules = bool(find_problems(row["text"]))
            p_unsafe = head.p_unsafe(row["text"])
            for t in names:
                hit = rules or (t != "rules" and p_unsafe >= t)
                key = ("caught", "unsafe") if unsafe else ("flagged", "safe")
                out[t][key[0]] += hit
                out[t][key[1]] += 1

    cv = empty()
    for k in range(folds):
        test_idx = set(order[k::folds].tolist())
        train_rows = [r for i, r in enumerate(rows) if i not in test_idx]
        head = train_reply_head([r["text"] for r in train_rows] + safe,
                                [r["label"] for r in train_rows] + ["ok"] * len(safe))
        score(head, [rows[i] for i in sorted(test_idx)], cv)
    heldout = empty()
    score(train_reply_head([r["text"] for r in rows] + safe, [r["label"] for r in rows] + ["ok"] * len(safe)),
          held, heldout)
    out = {"cv": cv, "heldout": heldout}
    for name in REPLY_FILES:  # each writer's file in turn, trained on the others only: text by someone unseen
        others = [r for r in rows if r["source"] != name]
        mine = [r for r in every if r["source"] == name]
        if mine and others:
            out[f"without {name}"] = empty()
            score(train_reply_head([r["text"] for r in others] + safe, [r["label"] for r in others] + ["ok"] * len(safe)),
                  mine, out[f"without {name}"])
    return out


# The reply head trained on our reply set (train split), or None without the encoder or the set.
default_reply_head = Lazy(_build)
