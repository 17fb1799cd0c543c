"""How the layers combine, measured: cross-validation grouped by writer (`maeum safety cv`).

For each writer in turn, the learned parts (semantic heads, the n-gram classifier) are trained
on every other writer's trainable rows and scored on all of that writer's rows, so a score is
always on text by someone the model never read. The combinations compared are the rules
(with the fail-safe) alone, plus the n-gram classifier, plus the semantic message head, plus
the window head, over a grid of thresholds. Pooled over writers, the chosen setting is the
one with the highest crisis recall whose false-crisis rate stays within `max_false_crisis` and
whose check-in rate on hard negatives stays within `max_fpr`. One setting also lets the
message head *demote* a rule's crisis to a concern check-in when it is sure the message is no
crisis (never to none): measured, not assumed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from serving.safety.models import LEVEL_RANK, LEVELS
from serving.safety.training_data import OWN_WRITER, SafetyExample

GRID_CRISIS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
GRID_FLAG = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
DEMOTE = (0.02, 0.05, 0.1, 0.2)


@dataclass
class Scored:
    """Everything each layer said about one held-out example."""

    example: SafetyExample
    rules: str
    ngram: str
    message: dict[str, float]
    window: dict[str, float] | None


@dataclass
class Rates:
    n: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {a: {b: 0 for b in LEVELS} for a in LEVELS})

    def add(self, label: str, level: str) -> None:
        self.n += 1
        self.counts[label][level] += 1

    def share(self, label: str, levels: Sequence[str]) -> float | None:
        total = sum(self.counts[label].values())
        return None if not total else sum(self.counts[label][x] for x in levels) / total

    def as_row(self) -> dict[str, float | None | int]:
        return {"n": self.n, "crisis_recall": self.share("crisis", ["crisis"]),
                "crisis_or_concern_recall": self.share("crisis", ["concern", "crisis"]),
                "concern_flagged": self.share("concern", ["concern", "crisis"]),
                "fpr": self.share("none", ["concern", "crisis"]),
                "false_crisis": self.share("none", ["crisis"])}


def _raise(level: str, probs: dict[str, float] | None, crisis: float, flag: float) -> str:
    if probs is None:
        return level
    p_crisis = probs.get("crisis", 0.0)
    p_flag = p_crisis + probs.get("concern", 0.0)
    new = "crisis" if p_crisis >= crisis else "concern" if p_flag >= flag else "none"
    return new if LEVEL_RANK[new] > LEVEL_RANK[level] else level


def combine(s: Scored, *, ngram: bool, message: tuple[float, float] | None,
            window: tuple[float, float] | None, demote: float | None = None) -> str:
    level = s.rules
    if demote is not None and level == "crisis" and s.message.get("crisis", 0.0) < demote:
        level = "concern"  # the rules' crisis, where the message head is sure it is none: a check-in
    if ngram and LEVEL_RANK[s.ngram] > LEVEL_RANK[level]:
        level = s.ngram
    if message is not None:
        level = _raise(level, s.message, *message)
    if window is not None:
        level = _raise(level, s.window, *window)
    return level


def groups_of(examples: Sequence[SafetyExample]) -> dict[str, list[SafetyExample]]:
    """One group per writer; with our set alone, its rounds (splits) stand in for writers."""
    writers = sorted({e.writer for e in examples})
    key = (lambda e: e.writer) if len(writers) > 1 else (lambda e: f"{OWN_WRITER}/{e.split}")
    out: dict[str, list[SafetyExample]] = {}
    for e in examples:
        out.setdefault(key(e), []).append(e)
    return out


def rule_levels(examples: Sequence[SafetyExample]) -> dict[str, str]:
    """The rules' (with the fail-safe) level of every example, by id: the same for every encoder."""
    from serving.safety.assessor import SafetyAssessor

    rules = SafetyAssessor()
    return {e.id: rules.assess_text(e.text, context=e.context).level for e in examples}


def score_groups(examples: Sequence[SafetyExample], *, exclude_from_scoring: frozenset[str] = frozenset(),
                 rules: dict[str, str] | None = None) -> list[tuple[str, Scored]]:
    """Train without each group and score it; the own set's `test` split is never trained on.
    `rules`: the rules' levels from `rule_levels` when already known (scoring several encoders)."""
    from serving.semantic import cached_embeddings
    from serving.safety.learned import LearnedClassifier
    from serving.safety.semantic import chunks, encoder_text, select_chunks, train

    rules = rules if rules is not None else rule_levels(examples)
    out: list[tuple[str, Scored]] = []
    groups = groups_of(examples)
    for name, held in groups.items():
        if name in exclude_from_scoring:
            continue
        held_ids = {e.id for e in held}
        training = [e for e in examples if e.id not in held_ids and e.trainable]
        layer = train(training)
        singles = [e for e in training if not e.context]
        ngram = LearnedClassifier([e.text for e in singles], [e.label for e in singles])
        # every held-out chunk embedded in one batch (and kept on disk), as `message_vectors` would one by one
        pieces = [select_chunks(chunks(encoder_text(e.text))) for e in held]
        flat = cached_embeddings([c for p in pieces for c in p], namespace="safety-heldout")
        at = 0
        for e, p in zip(held, pieces):
            vectors = flat[at:at + len(p)]
            at += len(p)
            out.append((name, Scored(
                example=e,
                rules=rules[e.id],
                ngram=ngram(e.text)["level"],
                message=layer.message_probs(vectors),
                window=layer.window_probs(vectors, list(e.context)[-layer.config.window_turns:]),
            )))
    return out


def rates(scored: Sequence[tuple[str, Scored]], **setting) -> tuple[Rates, dict[str, Rates]]:
    pooled, by_group = Rates(), {}
    for name, s in scored:
        level = combine(s, **setting)
        pooled.add(s.example.label, level)
        by_group.setdefault(name, Rates()).add(s.example.label, level)
    return pooled, by_group


def settings_grid():
    from serving.safety.semantic import SemanticConfig

    shipped = SemanticConfig()
    yield "rules", {"ngram": False, "message": None, "window": None}
    yield "shipped", {"ngram": False, "message": (shipped.message_crisis, shipped.message_flag),
                      "window": (shipped.window_crisis, shipped.window_flag)}
    yield "rules+ngram", {"ngram": True, "message": None, "window": None}
    for c, f in itertools.product(GRID_CRISIS, GRID_FLAG):
        yield f"rules+message({c},{f})", {"ngram": False, "message": (c, f), "window": None}
    for c, f in itertools.product(GRID_CRISIS, GRID_FLAG):
        for wc, wf in ((c, f), (min(c + 0.1, 0.95), min(f + 0.05, 0.95)), (0.9, 0.95)):
            yield f"rules+message({c},{f})+window({wc},{wf})", {"ngram": False, "message": (c, f), "window": (wc, wf)}
        for d in DEMOTE:
            yield (f"rules+message({c},{f})+window({c},{f})+demote({d})",
                   {"ngram": False, "message": (c, f), "window": (c, f), "demote": d})


def choose(scored: Sequence[tuple[str, Scored]], *, max_false_crisis: float = 0.03, max_fpr: float = 0.10):
    """(name, setting, pooled rates) of every setting, and the chosen one (see the module doc)."""
    table = []
    for name, setting in settings_grid():
        pooled, by_group = rates(scored, **setting)
        table.append((name, setting, pooled, by_group))
    ok = [row for row in table
          if (row[2].share("none", ["crisis"]) or 0) <= max_false_crisis and (row[2].share("none", ["concern", "crisis"]) or 0) <= max_fpr]
    key = (lambda row: (row[2].share("crisis", ["crisis"]) or 0, row[2].share("crisis", ["concern", "crisis"]) or 0,
                        -(row[2].share("none", ["concern", "crisis"]) or 0)))
    best = max(ok, key=key) if ok else None
    return table, best


def mean_or_none(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else None
