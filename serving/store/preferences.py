"""Stored feedback → DPO preference pairs (`maeum data export-preferences`).

Where a pair comes from (all within one prompt: the same conversation so far + message):

- ``rating``: a reply rated 👍 against a reply rated 👎 (versions of one turn, or turns of
  different conversations with exactly the same prompt);
- ``regenerated``: the user regenerated a reply and rated the new version 👍: the new
  version is preferred over each earlier version they did not rate 👍.

Rows are the canonical DPO shape `training.loaders.load_dpo` reads::

    {"id": ..., "prompt": [{"role": "user", ...}, ...], "chosen": [{"role": "assistant", ...}],
     "rejected": [{"role": "assistant", ...}], "kind": "rating" | "regenerated", "persona_id": ...}

By default the texts are the raw replies (what the content model wrote): DPO tunes the
content model, and the persona's voice is a separate stage. Crisis replies (fixed text,
never generated) are never exported, and a reply stored as incomplete (cut at the deadline
or length cap) is never a chosen one. The export holds users' words: treat the file as the
database itself (docs/privacy.md). With ``drop_identifiers`` the rows carry no database ids
(turn or reply numbers) that would link them back to a conversation.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from . import Store

DEFAULT_MAX_HISTORY_TURNS = 8


@dataclass
class ExportReport:
    turns_seen: int = 0
    pairs: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.pairs.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(self.pairs.items())) or "none"
        skipped = ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped.items()))
        return (f"{self.total} preference pairs ({kinds}) from {self.turns_seen} turns with feedback"
                + (f"; skipped {skipped}" if skipped else ""))


def preference_rows(store: Store, *, text: Literal["raw", "styled"] = "raw",
                    max_history_turns: int | None = DEFAULT_MAX_HISTORY_TURNS,
                    report: ExportReport | None = None, drop_identifiers: bool = False) -> list[dict]:
    report = report if report is not None else ExportReport()
    by_prompt: dict[str, dict] = {}
    ups: dict[str, list] = defaultdict(list)
    downs: dict[str, list] = defaultdict(list)
    rows: list[dict] = []
    seen: set[tuple[str, str, str]] = set()

    def add(key: str, chosen, rejected, kind: str) -> None:
        if getattr(chosen, "incomplete", False):
            report.skipped["incomplete chosen reply"] += 1
            return
        c, r = getattr(chosen, text), getattr(rejected, text)
        if not c.strip() or not r.strip():
            report.skipped["empty text"] += 1
            return
        if c.strip() == r.strip():
            report.skipped["identical texts"] += 1
            return
        if (key, c, r) in seen:
            return
        seen.add((key, c, r))
        entry = by_prompt[key]
        row_id = f"pair-{len(rows) + 1}" if drop_identifiers else f"feedback-{entry['turn_id']}-{chosen.id}-{rejected.id}"
        rows.append({"id": row_id, "prompt": entry["prompt"],
                     "chosen": [{"role": "assistant", "content": c}],
                     "rejected": [{"role": "assistant", "content": r}],
                     "kind": kind, "persona_id": chosen.persona_id})
        report.pairs[kind] += 1

    for turn, history, replies in store.rated_turns():
        report.turns_seen += 1
        replies = [r for r in replies if r.generator != "crisis"]
        if turn.safety_level == "crisis" or not replies:
            report.skipped["crisis turns"] += 1
            continue
        if max_history_turns is not None:
            history = history[-max_history_turns:] if max_history_turns > 0 else []
        prompt = []
        for item in history:
            prompt += [{"role": "user", "content": item.user_text}, {"role": "assistant", "content": item.reply}]
        prompt.append({"role": "user", "content": turn.user_text})
        key = json.dumps(prompt, ensure_ascii=False, sort_keys=True)
        by_prompt.setdefault(key, {"prompt": prompt, "turn_id": turn.id})
        ups[key] += [r for r in replies if r.rating == 1]
        downs[key] += [r for r in replies if r.rating == -1]
        # regenerated and then liked: preferred over the earlier versions not liked
        for i, reply in enumerate(replies):
            if reply.rating == 1:
                for earlier in replies[:i]:
                    if earlier.rating is None:
                        add(key, reply, earlier, "regenerated")
    for key in by_prompt:
        for up in ups[key]:
            for down in downs[key]:
                add(key, up, down, "rating")
    return rows


def export_preferences(store: Store, out: str | os.PathLike, **kwargs) -> ExportReport:
    """Write the pairs as JSONL to `out` (atomically) and return what was written."""
    report = ExportReport()
    rows = preference_rows(store, report=report, **kwargs)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    return report
