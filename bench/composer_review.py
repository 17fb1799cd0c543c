"""Score `maeum eval replies` output the way a reader reviews it: restating, fragments, wrong act,
invented nouns, back-references left unconnected.

    python bench/composer_review.py OUT.jsonl [--expect data/composer_dev2_expect.tsv] [--show]

- restates: the first sentence says the user's clause back: it carries one of the user's own
  predicates (not 하/있/되...) together with one of the user's nouns ("얼굴이 화끈거렸군요",
  "시험 떨어졌구나"); a key noun or a key feeling alone is no restatement;
- fragment: a sentence that starts with a particle, an ending or a bound noun, has an odd number
  of quotation marks, or has a final ending in its middle (two sentences spliced);
- wrong act (with `--expect`: text, act, refers_to): the reply lacks what the act needs (a
  greeting back, thanks taken, goodbye said, who maeum is, what is stored, joy shared, advice
  given, the information asked, a light answer to small talk, no cheerful stock reply to pain);
- invented: a content noun the user never said (`offline_eval.invented_nouns`);
- back-reference: `refers_to` (alternatives split by |) must appear in the reply.
Fixed safety texts (crisis replies) are left out.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from serving.generators.offline_eval import REVIEW_MARKERS as MARKERS  # noqa: E402
from serving.generators.offline_eval import _SENTENCES, _WEAK_PREDICATES, _kiwi, _lemmas, fragments, restates  # noqa: E402,F401

_DISTRESS_LINES = ("버거우", "버거웠", "지치셨", "지쳤", "무거우", "무겁", "속상하", "화가 날", "상처가 되", "조마조마",
                   "그런 일이 있으셨군요", "그런 일이 있었구나")


def _advice_lines() -> list[str]:
    from serving.generators import offline_openers as o

    lines = [line for bank in o.ADVICE.values() for line in bank]
    lines += [line for _, bank in o.ADVICE_KINDS.values() for line in bank]
    return lines + list(getattr(o, "EXTRA_ADVICE_LINES", ()))


def act_answered(act: str, user: str, raw: str) -> bool:
    if act in MARKERS:
        return any(m in raw for m in MARKERS[act])
    if act == "advice":
        return any(line[:12] in raw for line in _advice_lines())
    if act == "info":
        return not any(line in raw for line in _DISTRESS_LINES) and ("무료" in raw or "비용" in raw or "1577" in raw)
    if act == "small_talk":  # a light answer that takes up what was said, no distress template
        return not any(line in raw for line in _DISTRESS_LINES) and bool(
            _lemmas(user, ("NNG", "NNP", "VV", "VA")) - _WEAK_PREDICATES & _lemmas(raw, ("NNG", "NNP", "VV", "VA")))
    # venting: no stock act reply (a greeting, good news, small talk, a self-description)
    from serving.generators.offline_acts import ACT_REPLIES

    return not any(line in raw for bank in ACT_REPLIES.values() for line in bank)


def review(rows: list[dict], expect: dict[str, tuple[str, str]] | None = None, show: bool = False) -> dict:
    from serving.generators.offline_eval import invented_nouns

    users_of: dict[str, list[str]] = {}
    n = restated = fragmented = invented = wrong = refs = refs_ok = 0
    for row in rows:
        users = users_of.setdefault(str(row["conversation"]), [])
        users.append(row["user"])
        if row["safety"] == "crisis":
            continue
        n += 1
        reply = row["reply"].split("\n\n")[0]
        raw = row["raw_reply"].split("\n\n")[0]
        first = _SENTENCES.split(raw)[0]
        notes = []
        if restates(row["user"], first):
            restated += 1
            notes.append("restates")
        bad = fragments(reply)
        if bad:
            fragmented += 1
            notes.append(f"fragment {bad}")
        made_up = invented_nouns(users, raw)
        if made_up:
            invented += 1
            notes.append(f"invented {made_up}")
        if expect and row["user"] in expect:
            act, refers = expect[row["user"]]
            if not act_answered(act, row["user"], raw):
                wrong += 1
                notes.append(f"wrong act (wanted {act})")
            if refers:
                refs += 1
                if any(r in raw for r in refers.split("|")):
                    refs_ok += 1
                else:
                    notes.append(f"back-reference to {refers} missed")
        if show:
            print(f"{row['conversation']}.{row['turn']} {row['user']}\n    -> {reply}" + (f"\n    ! {'; '.join(notes)}" if notes else ""))
    pct = lambda k: f"{k} ({k / n:.0%})" if n else "0"  # noqa: E731
    return {"replies": n, "restates": pct(restated), "fragments": pct(fragmented), "invented": pct(invented),
            "wrong_act": pct(wrong) if expect else "-", "back_references": f"{refs_ok}/{refs}" if expect else "-"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl")
    parser.add_argument("--expect", default=None)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in open(args.jsonl, encoding="utf-8") if line.strip()]
    expect = None
    if args.expect:
        with open(args.expect, encoding="utf-8", newline="") as fh:
            expect = {r["text"]: (r["act"], r["refers_to"] or "") for r in csv.DictReader(fh, delimiter="\t")}
    for key, value in review(rows, expect, args.show).items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
