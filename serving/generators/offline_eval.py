"""Judge offline replies on `data/offline_prompts.tsv`: on topic, no foreign details, shape.

    python -m serving.generators.offline_eval [--chatbotdata PATH] [--quiet]

For each first message it prints the reply, then four numbers:

- foreign-detail rate: share of replies with a content noun (Kiwi NNG/NNP) that is neither in
  the user's message nor on the generic list (`offline_compose.GENERIC_NOUNS`);
- on-topic rate: share whose non-question sentences share a content morpheme with the message;
- question rate: share with a question; mean sentences per reply (Kiwi's sentence split).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import statistics
import sys
import time

from maeum import paths

from .base import GenerationRequest
from .offline_compose import GENERIC_NOUNS, is_question

_CONTENT = ("NNG", "NNP", "VV", "VA", "XR")
_NOT_CONTENT = {"하", "있", "없", "되", "같", "않", "보", "요즘", "오늘", "너무", "정말"}


def load_prompts(path=None) -> list[tuple[str, str, str]]:
    path = path or paths.data_file("offline_prompts.tsv")
    with open(path, encoding="utf-8", newline="") as fh:
        return [(r["id"], r["text"], r["topic"]) for r in csv.DictReader(fh, delimiter="\t")]


def _kiwi():
    from serving.kiwi import get_kiwi

    return get_kiwi()


def nouns(text: str) -> set[str]:
    return {t.form for t in _kiwi().tokenize(text) if t.tag in ("NNG", "NNP")}


def foreign_nouns(user: str, reply: str) -> list[str]:
    """Content nouns of `reply` that are neither the user's words nor generic."""
    said = nouns(user)
    return sorted(n for n in nouns(reply) - said - GENERIC_NOUNS if n not in user)


def our_lines() -> set[str]:
    """Every sentence our own banks can say (written by us, generic by construction)."""
    from .offline_acts import ACT_REPLIES
    from .offline_compose import EMPATHY, FEELINGS, QUESTIONS, TIRED
    from .offline_openers import ADVICE, ADVICE_KINDS, FOLLOW_UPS, INFO, NOUN_OPENERS, REFERRAL

    banks = [*FEELINGS.values(), *EMPATHY.values(), *QUESTIONS.values(), TIRED, *ACT_REPLIES.values(),
             *ADVICE.values(), *(lines for _, lines in ADVICE_KINDS.values()), INFO, REFERRAL, *NOUN_OPENERS.values(), FOLLOW_UPS]  # templates: {N} is the user's noun
    return {line.replace("{N}", "") for bank in banks for line in bank}


def invented_nouns(user_texts: list[str], reply: str) -> list[str]:
    """Content nouns of `reply` the user never said in the conversation, that are not generic and
    that no line of ours carries: what a reply would be making up."""
    said = set().union(*(nouns(t) for t in user_texts)) if user_texts else set()
    ours = set().union(*(nouns(line) for line in our_lines()))
    joined = " ".join(user_texts)
    return sorted(n for n in nouns(reply) - said - GENERIC_NOUNS - ours if n not in joined)


def on_topic(user: str, reply: str) -> bool:
    want = {t.form for t in _kiwi().tokenize(user) if t.tag.startswith(_CONTENT)} - _NOT_CONTENT
    for sent in _kiwi().split_into_sents(reply, return_tokens=True):
        if is_question(sent.text):
            continue
        if want & {t.form for t in sent.tokens if t.tag.startswith(_CONTENT)}:
            return True
    return False


def sentence_count(reply: str) -> int:
    return len(_kiwi().split_into_sents(reply))


def evaluate(generator, prompts, *, show: bool = True) -> dict[str, float]:
    from serving.emotion import classify

    foreign = topical = questions = 0
    sentences, ms = [], []
    for pid, text, topic in prompts:
        emotion = classify(text).label
        started = time.perf_counter()
        reply = "".join(generator.stream(GenerationRequest([{"role": "user", "content": text}], emotion=emotion)))
        ms.append((time.perf_counter() - started) * 1000)
        bad = foreign_nouns(text, reply)
        foreign += bool(bad)
        topical += on_topic(text, reply)
        questions += "?" in reply
        sentences.append(sentence_count(reply))
        if show:
            print(f"{pid} [{topic}/{emotion}] {text}\n    → {reply}" + (f"\n    foreign: {', '.join(bad)}" if bad else ""))
    n = len(prompts)
    return {"foreign_detail_rate": foreign / n, "on_topic_rate": topical / n, "question_rate": questions / n,
            "mean_sentences": statistics.mean(sentences), "p50_ms": statistics.median(ms)}


def _generator_class(impl: str | None):
    if not impl:
        from .offline import OfflineGenerator

        return OfflineGenerator
    # another implementation file of this package (e.g. an older offline.py, for before/after)
    spec = importlib.util.spec_from_file_location("serving.generators._offline_under_test", impl)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "serving.generators"
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.OfflineGenerator


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chatbotdata", default=None, help="ChatbotData.csv (or its folder); default: seed only")
    parser.add_argument("--prompts", default=None)
    parser.add_argument("--impl", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    generator = _generator_class(args.impl)(args.chatbotdata)
    result = evaluate(generator, load_prompts(args.prompts), show=not args.quiet)
    for key, value in result.items():
        print(f"{key}: {value:.3f}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
