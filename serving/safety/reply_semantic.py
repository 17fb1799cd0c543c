"""The semantic reply check: a calibrated head on the shared encoder, per sentence of a reply.

Classes: ok, diagnosis, medication, method, profanity, insult. Trained on the `train` split of
`data/reply_checks.tsv` (written by us: unsafe replies and safe look-alikes that mention
disorders, medicine, heights or hotlines in a safe way), plus the counsellor replies of
`data/seed_conversations.jsonl` and our fixed safety texts as `ok`. A sentence is a problem
when the most likely unsafe class reaches `THRESHOLD` (chosen by cross-validation on the
train split, docs/safety.md). The `test` split is never trained on. Without the encoder or
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

CLASSES = ("ok", "diagnosis", "medication", "method", "profanity", "insult")
THRESHOLD = 0.6
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
    def __init__(self, head, threshold: float = THRESHOLD):
        self.head, self.threshold = head, threshold

    def problems(self, text: str) -> list[str]:
        from serving.semantic import get_encoder

        parts = sentences_of(text)
        if not parts:
            return []
        probs = self.head.predict_proba(get_encoder().encode(parts))
        found = []
        for row in probs:
            scores = dict(zip(self.head.classes, row))
            kind = max((c for c in CLASSES if c != "ok"), key=scores.__getitem__)
            if scores[kind] >= self.threshold and f"semantic.{kind}" not in found:
                found.append(f"semantic.{kind}")
        return found


def train_reply_head(texts: Sequence[str], labels: Sequence[str], *, use_cache: bool = True):
    from serving.semantic import cached_embeddings, get_encoder, train_or_load_head

    vectors = cached_embeddings(list(texts), namespace="safety-replies", use_cache=use_cache)
    return train_or_load_head("safety-reply", list(texts), list(labels), features=vectors,
                              encoder_name=get_encoder().name, classes=CLASSES, use_cache=use_cache)


def training_set(data_dir: Path, splits: Sequence[str] = ("train",)) -> tuple[list[str], list[str]]:
    rows = [r for r in read_reply_rows(data_dir / "reply_checks.tsv") if r.get("split") in splits]
    safe = _safe_sentences(data_dir)
    return [r["text"] for r in rows] + safe, [r["label"] for r in rows] + ["ok"] * len(safe)


def _build() -> ReplyHead | None:
    from maeum import paths
    from serving.semantic import EncoderUnavailable

    try:
        folder = paths.data_dir()
        if folder is None or not (folder / "reply_checks.tsv").is_file():
            log.warning("reply_checks.tsv not found; the semantic reply check is off (rules only)")
            return None
        return ReplyHead(train_reply_head(*training_set(folder)))
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


def cross_validate(data_dir: Path, folds: int = 5, thresholds: Sequence[float] = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)):
    """Rules, head and both on the train split, k-fold (the seed sentences always train)."""
    from serving.safety.output_check import find_problems

    rows = [r for r in read_reply_rows(data_dir / "reply_checks.tsv") if r.get("split") == "train"]
    safe = _safe_sentences(data_dir)
    order = np.random.default_rng(0).permutation(len(rows))
    out = {t: {"caught": 0, "unsafe": 0, "flagged": 0, "safe": 0} for t in ("rules", *thresholds)}
    for k in range(folds):
        test_idx = set(order[k::folds].tolist())
        train_rows = [r for i, r in enumerate(rows) if i not in test_idx]
        head = train_reply_head([r["text"] for r in train_rows] + safe,
                                [r["label"] for r in train_rows] + ["ok"] * len(safe))
        for i in test_idx:
            row = rows[i]
            unsafe = row["label"] != "ok"
            rules = bool(find_problems(row["text"]))
            for t in ("rules", *thresholds):
                hit = rules or (t != "rules" and bool(ReplyHead(head, t).problems(row["text"])))
                key = ("caught", "unsafe") if unsafe else ("flagged", "safe")
                out[t][key[0]] += hit
                out[t][key[1]] += 1
    return out


# The reply head trained on our reply set (train split), or None without the encoder or the set.
default_reply_head = Lazy(_build)
