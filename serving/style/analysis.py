"""Kiwi analysis of one sentence, with the two things the style rules need on top:
fixes for honorific verbs Kiwi misreads without context, and which tokens are quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from serving.kiwi import get_kiwi

# Short honorific imperatives Kiwi reads wrongly on their own (드세요 → 드세/VA,
# 계세요 → 계세/NNG, 주무세요 → 주무/NNG + 이/VCP). We pin their analysis per call with
# `pretokenized` rather than adding words to the shared analyser other modules use.
_HONORIFIC_SEYO = re.compile(r"(?<![가-힣])(드|계|주무)(세요|셔요)")
# 힘드시다 (힘들 + 시) at the start of a sentence comes out as 힘/NNG + 드시/VV.
_HIMDEU = re.compile(r"(?<![가-힣])힘드(?=[시실신셨십세셔])")

# Quoted speech is never rewritten: "...", “...”, ‘...’, '...', 「...」, 『...』.
_QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|'[^']*'|「[^」]*」|『[^』]*』|《[^》]*》")


@dataclass(frozen=True)
class Tok:
    """One morpheme: Kiwi's form and tag, its span in the sentence, and whether it is
    inside quoted speech (and so must stay as it is)."""

    form: str
    tag: str
    start: int
    end: int
    quoted: bool = False

    @property
    def morph(self) -> tuple[str, str]:
        return (self.form, self.tag)


def _pretokenized(text: str) -> list:
    spans = []
    for match in _HONORIFIC_SEYO.finditer(text):
        begin, end = match.start(), match.end()
        n = end - begin
        stem = match.group(1) + "시"
        spans.append((begin, end, [(stem, "VV", 0, n - 1), ("어요", "EF", n - 2, n)]))
    for match in _HIMDEU.finditer(text):
        spans.append((match.start(), match.end(), [("힘들", "VA", 0, 2)]))
    return sorted(spans)


# Speech quoted without marks: "저는 늘 부족해요, 라고 하셨죠" (an utterance, a comma, then 라고).
_BARE_QUOTE = re.compile(r"^(?P<q>.+[요다까죠네]),\s*(?:이)?라고\s")


def quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _QUOTES.finditer(text)]
    bare = _BARE_QUOTE.match(text)
    if bare is not None:
        spans.append(bare.span("q"))
    return spans


def analyse(text: str) -> list[Tok]:
    """Tokens of `text` (one sentence) with offsets into it: Kiwi's best analysis."""
    kiwi = get_kiwi()
    pre = _pretokenized(text)
    tokens = kiwi.tokenize(text, pretokenized=pre) if pre else kiwi.tokenize(text)
    return _toks(tokens, quoted_spans(text))


@lru_cache(maxsize=4096)
def analysed(text: str) -> tuple[Tok, ...]:
    """`analyse`, cached and read-only: the checks read the same source sentence several times."""
    return tuple(analyse(text))


def alternatives(text: str, top_n: int = 3) -> list[list[Tok]]:
    """Kiwi's next-best analyses (after the best), for when the best one is implausible."""
    kiwi = get_kiwi()
    pre = _pretokenized(text)
    results = kiwi.analyze(text, top_n=top_n, pretokenized=pre) if pre else kiwi.analyze(text, top_n=top_n)
    quotes = quoted_spans(text)
    return [_toks(tokens, quotes) for tokens, _score in results[1:]]


def _toks(tokens, quotes: list[tuple[int, int]]) -> list[Tok]:
    toks = [Tok(t.form, t.tag, t.start, t.end, any(a <= t.start < b for a, b in quotes)) for t in tokens]
    return _promise_endings(toks)


_GE_YO = (("것", "NNB"), ("이", "VCP"), ("요", "EC"))


def _promise_endings(toks: list[Tok]) -> list[Tok]:
    """Kiwi reads a promise -(으)ㄹ게요 before a comma as ᆯ + 것 + 이 + 요 (있을게요, 걱정
    마세요 → 있/ETM 을/것/이/요): one final ending 을게요, as it is at the end of a sentence."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        tail = toks[i + 1:i + 4]
        if tok.tag == "ETM" and tok.form in ("ᆯ", "을") and len(tail) == 3 \
                and [t.morph for t in tail] == list(_GE_YO) and tail[0].end - tail[0].start == 1 \
                and tail[0].start == tail[1].start:
            out.append(Tok(tok.form + "게요", "EF", tok.start, tail[2].end, tok.quoted))
            i += 4
            continue
        out.append(tok)
        i += 1
    return out


def join(morphs: list[tuple[str, str]]) -> str:
    """Kiwi's morpheme joiner (conjugates stems and picks particle allomorphs).

    Kiwi does not apply the 하 rule to auxiliary stems (못하/VX + 었 → 못하았), so a
    하-final auxiliary is joined as the verb it conjugates like."""
    if not morphs:
        return ""
    fixed = [(form, "VV") if tag in _HA_AUX and form.endswith("하") else (form, tag) for form, tag in morphs]
    out = get_kiwi().join(fixed)
    if any(form in _REO_STEMS and tag.startswith("V") for form, tag in fixed):
        for stem in _REO_STEMS:
            out = out.replace(stem[0] + "렀", stem[0] + "랬")  # Kiwi writes 그러 + 었 as 그렀: it is 그랬
    return out


_HA_AUX = {"VX", "VX-R", "VX-I"}
_REO_STEMS = ("그러", "이러", "저러")


# Kiwi's joiner contracts where writers often do not (되었 → 됐, 거인가 ↔ 건가): two
# spellings that differ only by these are the same word.
_CONTRACTIONS = (("되었", "됐"), ("되어", "돼"), ("하였", "했"), ("하여", "해"), ("보았", "봤"),
                 ("주었", "줬"), ("두었", "뒀"), ("거인", "건"), ("거일", "걸"), ("거이", "게"),
                 ("것이", "게"), ("셔요", "세요"), ("시어", "셔"), ("시었", "셨"), ("말아", "마"),
                 ("터인", "텐"))


def same_spelling(a: str, b: str) -> bool:
    """Whether `a` and `b` spell the same word up to the standard contractions."""
    if a == b:
        return True
    for long, short in _CONTRACTIONS:
        a, b = a.replace(long, short), b.replace(long, short)
    return a == b
