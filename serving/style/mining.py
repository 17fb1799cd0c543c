"""Mine, per SmileStyle style, what its human writers change when they rewrite a formal
sentence: words (adverbs, pronouns, conjunctions), interjections before a sentence,
sentence-final tails and final marks, each with counts.

Only the training dialogues are read (`split_by_dialogue(valid_fraction=0.1, seed=0)`,
the split the style harness holds out), so the held-out evaluation never sees what was
mined. The table is derived data of SmileStyle (CC BY-NC 4.0, smilegate-ai/korean_smile_style_dataset)
and carries that note; regenerate it with

    python -m serving.style.mining --data ../shared/data/smilestyle/smilestyle_train.tsv
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from serving.personas.schema import profanity_in
from serving.style.analysis import analyse

TABLE_PATH = Path(__file__).with_name("smilestyle_mined.json")
SOURCE_NOTE = ("Derived from the SmileStyle training dialogues (smilegate-ai/korean_smile_style_dataset, "
               "CC BY-NC 4.0): counts of what its writers change, no sentences. Regenerate with "
               "`python -m serving.style.mining`.")

_SENTENCE = re.compile(r"[^.?!…~]+[.?!…~]*")
_MARKS = " .,?!…~^;:"
# Sentence-final tails the renderer can produce, recognised on the writers' last word.
TAIL_PATTERNS = {
    "다니깐": re.compile(r"니깐$"), "다니까": re.compile(r"[다라]니까$"), "구먼": re.compile(r"구먼$|구만$"),
    "다네": re.compile(r"[다라]네$"), "네": re.compile(r"(?<![다라])네$|ㄹ세$|일세$|걸세$"), "지": re.compile(r"지$"),
    "는가": re.compile(r"[는은인ㄴ]가$|[는은]겐가$"),
}
WORD_TAGS = {"MAG", "MAJ", "NP", "IC", "MM"}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip(_MARKS)]


def _bare(word: str) -> str:
    return word.strip(_MARKS)


def _final_mark(sentence: str) -> str:
    match = re.search(r"[.?!…~^]+$", sentence.rstrip())
    return match.group(0) if match else ""


def _function_word(word: str, cache: dict[str, bool]) -> bool:
    """Adverbs, pronouns (+ particle), conjunctions and interjections: words whose change is
    voice, not content."""
    if word not in cache:
        toks = analyse(word)
        cache[word] = bool(toks) and toks[0].tag in WORD_TAGS and all(
            t.tag.startswith(("J", "S")) for t in toks[1:])
    return cache[word]


def mine(path: str | Path, styles: list[str] | None = None, min_count: int = 3) -> dict:
    from training.loaders.smilestyle import SMILESTYLE_STYLES, read_smilestyle, split_by_dialogue

    train, _ = split_by_dialogue(read_smilestyle(path), valid_fraction=0.1, seed=0)
    styles = styles or [s for s in SMILESTYLE_STYLES if s != "formal"]
    cache: dict[str, bool] = {}
    table: dict = {"source": SOURCE_NOTE, "split": "train dialogues of split_by_dialogue(0.1, seed 0)", "styles": {}}
    for style in styles:
        words: dict[str, Counter] = defaultdict(Counter)
        seen: Counter = Counter()
        interjections: Counter = Counter()
        tails = {"statement": Counter(), "question": Counter()}
        marks = {"statement": Counter(), "question": Counter()}
        n = {"statement": 0, "question": 0}
        pairs = 0
        for row in train:
            src, tgt = row.styles.get("formal"), row.styles.get(style)
            if not src or not tgt:
                continue
            src_s, tgt_s = _sentences(src), _sentences(tgt)
            if len(src_s) != len(tgt_s):
                continue
            for a, b in zip(src_s, tgt_s):
                pairs += 1
                mood = "question" if "?" in a else "statement"
                n[mood] += 1
                marks[mood][_final_mark(b)] += 1
                last = _bare(b.split()[-1]) if b.split() else ""
                for tail, pattern in TAIL_PATTERNS.items():
                    if pattern.search(last):
                        tails[mood][tail] += 1
                        break
                aw, bw = [_bare(w) for w in a.split()], [_bare(w) for w in b.split()]
                first = bw[0] if bw else ""
                if first and first not in aw and _function_word(first, cache) and analyse(first)[0].tag == "IC":
                    interjections[first] += 1
                for w in set(aw):
                    seen[w] += 1
                matcher = difflib.SequenceMatcher(a=aw, b=bw, autojunk=False)
                for op, i1, i2, j1, j2 in matcher.get_opcodes():
                    if op == "replace" and i2 - i1 == 1 and j2 - j1 == 1:
                        words[aw[i1]][bw[j1]] += 1
        word_table = {}
        for source, targets in words.items():
            target, count = targets.most_common(1)[0]
            if count < min_count or source == target or count / max(seen[source], 1) < 0.3:
                continue
            if not (_function_word(source, cache) and _function_word(target, cache)) or profanity_in(target):
                continue
            word_table[source] = {"to": target, "count": count, "of": seen[source]}
        table["styles"][style] = {
            "pairs": pairs,
            "words": dict(sorted(word_table.items(), key=lambda kv: -kv[1]["count"])),
            "interjections": {w: c for w, c in interjections.most_common(12)
                              if c >= min_count and not profanity_in(w)},
            "tails": {mood: {t: round(c / max(n[mood], 1), 3) for t, c in counter.most_common()}
                      for mood, counter in tails.items()},
            "marks": {mood: {m: round(c / max(n[mood], 1), 3) for m, c in counter.most_common(5)}
                      for mood, counter in marks.items()},
            "sentences": n,
        }
    return table


def load_table(path: str | Path | None = None) -> dict:
    """The mined table shipped next to this module ({} styles when it is missing)."""
    path = Path(path) if path else TABLE_PATH
    if not path.exists():
        return {"styles": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/smilestyle/smilestyle_train.tsv")
    parser.add_argument("--out", default=str(TABLE_PATH))
    parser.add_argument("--min-count", type=int, default=3)
    args = parser.parse_args(argv)
    table = mine(args.data, min_count=args.min_count)
    Path(args.out).write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = ", ".join(f"{style} {entry['pairs']} pairs" for style, entry in table["styles"].items())
    print(f"wrote {args.out}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
