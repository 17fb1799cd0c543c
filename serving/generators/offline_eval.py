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
import re
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
    from .offline_acts import KINDS
    from .offline_backref import AGAIN_OPENER, BACK_OPENERS
    from .offline_compose import EMPATHY, FEELINGS, QUESTIONS, TIRED
    from .offline_openers import (ADVICE, ADVICE_KINDS, FOLLOW_UPS, INFO, INFO_ANSWERS, INFO_QUESTIONS, NOUN_OPENERS,
                                  REFERRAL)

    banks = [*FEELINGS.values(), *EMPATHY.values(), *QUESTIONS.values(), TIRED,
             *(bank for kinds in KINDS.values() for bank in kinds.values()), *ADVICE.values(),
             *(lines for _, lines in ADVICE_KINDS.values()), INFO, REFERRAL, *(lines for _, lines in INFO_ANSWERS),
             INFO_QUESTIONS, *NOUN_OPENERS.values(), FOLLOW_UPS, BACK_OPENERS, [AGAIN_OPENER]]  # {N}: the user's noun
    return {line.replace("{N}", "") for bank in banks for line in bank}


def invented_nouns(user_texts: list[str], reply: str) -> list[str]:
    """Content nouns of `reply` the user never said in the conversation, that are not generic and
    that no line of ours carries: what a reply would be making up."""
    said = set().union(*(nouns(t) for t in user_texts)) if user_texts else set()
    ours = set().union(*(nouns(line) for line in our_lines()))
    joined = " ".join(user_texts)
    return sorted(n for n in nouns(reply) - said - GENERIC_NOUNS - ours if n not in joined)


# ---------------------------------------------------------------------------------------------
# what a reader reviews: a clause said back, a broken sentence (bench/composer_review.py, tests)

_SENTENCES = re.compile(r"(?<=[.!?~])\s+|\n+")
_WEAK_PREDICATES = {"하", "있", "없", "되", "같", "않", "보", "주", "가", "오", "나", "말", "싶", "이", "아니", "많", "좀"}
_QUOTES = ("'", '"', "‘", "’", "“", "”")
# Kiwi re-reads a particle at the start of a sentence as a word ("라는" → 라/NNG 는/JX), so the
# surface is checked too: particles, endings and bound nouns that can only follow a word.
_BOUND_START = re.compile(r"^(라는|이라는|다는|라고|이라고|다고|는|은|을|를|가|에|에게|에서|한테|도|만|로|으로|와|과|랑|이랑|"
                          r"의|처럼|보다|까지|부터|고|며|면|서|지만|는데|던|던데|라서|이라서|ᆫ|ㄴ|ㄹ|을까|"
                          r"정도|만큼|때문에|때문|뿐|대로|듯|채|김에|줄|바)(\s|[,.!?~]|$)")
REVIEW_MARKERS = {
    "greeting": ("안녕", "반가", "반갑", "오랜만", "어서 오", "좋은 저녁", "좋은 아침"),
    "thanks": ("천만", "도움이 됐", "도움이 되었", "다행", "좋았", "기뻐", "기쁘"),
    "farewell": ("잘 자", "안녕히", "다음에", "또 이야기", "또 얘기", "푹 쉬", "편히 쉬", "조심히", "편안한", "다시 찾아"),
    "bot_question": ("AI", "마음이에요", "마음이야"),
    "privacy": ("저장", "기록", "삭제", "지울", "지워", "보이지 않", "볼 수 없", "기억"),
    "good_news": ("축하", "좋은 소식", "기뻐", "기쁜", "잘됐", "잘 됐"),
}


def _lemmas(text: str, tags) -> set[str]:
    return {t.form for t in _kiwi().tokenize(text) if t.tag.split("-")[0] in tags}


def restates(user: str, first: str) -> bool:
    """Whether `first` says the user's clause back: one of the user's own predicates (not 하/있/
    되...) with one of the user's nouns ("시험 떨어졌군요"); a key noun or feeling alone is not."""
    predicates = _lemmas(user, ("VV", "VA", "XR")) - _WEAK_PREDICATES
    nouns = _lemmas(user, ("NNG", "NNP"))
    said = _lemmas(first, ("VV", "VA", "XR", "NNG", "NNP"))
    return bool(predicates & said) and bool(nouns & said)


def fragments(reply: str) -> list[str]:
    """The sentences of `reply` that are broken: starting with a particle, an ending or a bound
    noun ("라는 말에 …"), with an odd number of quotation marks, or two sentences spliced."""
    out = []
    for sentence in (s.strip() for s in _SENTENCES.split(reply)):
        if not sentence:
            continue
        tokens = [t for t in _kiwi().tokenize(sentence) if not t.tag.startswith(("SF", "SW", "SS", "SE", "SO", "SP"))]
        if not tokens:
            continue
        starts_bound = tokens[0].tag.startswith(("J", "E", "XS", "VCP", "NNB")) or bool(_BOUND_START.match(sentence))
        quotes = sum(sentence.count(q) for q in _QUOTES) % 2 == 1
        unquoted = re.sub(r"'[^']*'|\"[^\"]*\"|‘[^’]*’|“[^”]*”", "", sentence)
        inner = [t for t in _kiwi().tokenize(unquoted) if not t.tag.startswith(("SF", "SW", "SS", "SE", "SO"))]
        # an ending with more after it than 요 ("어떤가요" is ᆫ가 + 요) and no comma ("안녕하세요, 반가워요"):
        # two sentences run together
        inner_end = any(t.tag == "EF" and inner[i + 1].tag != "SP" and any(u.tag != "JX" for u in inner[i + 1:])
                        for i, t in enumerate(inner[:-1]))
        if starts_bound or quotes or inner_end:
            out.append(sentence)
    return out


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
