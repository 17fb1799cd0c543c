"""Telegraphic speech for an android voice: each word cut to its content and closed with a
full stop, the way SmileStyle's `android` writers do it ("고양이. 6마리. 양육. 번거로운가.").

Words keep their stems (nothing is invented or translated): case particles and the
listener's 시 go, the last predicate becomes a noun form (-음/-기) or a -는가 question, an
advice (-세요) becomes "…기. 권장.", and the speaker is "본 기체".
"""

from __future__ import annotations

from serving.style.analysis import Tok, analyse, join
from serving.style.endings import Family, Mood
from serving.style.predicates import HONORIFIC_EP, find_predicates, honoured_clauses, is_verb
from serving.style.render import plain_for_honorific

_DROP_PARTICLES = {"JKS", "JKO", "JKC", "JKG"}
_DROP_JX = {"은", "는", "ᆫ", "요", "이", "가"}
_PRONOUNS = {"저": "본 기체", "제": "본 기체", "저희": "본 기체들", "당신": "사용자", "너": "사용자", "나": "본 기체"}


def clip(sentence: str) -> str:
    toks = analyse(sentence)
    if not toks:
        return sentence
    preds = find_predicates(toks)
    final = preds[-1] if preds else None
    if final is not None and _greeting(toks, final):
        return sentence[:toks[final.stem].start] + "하십니까" + sentence[toks[final.last].end:].replace("?", "")
    honoured = honoured_clauses(toks)
    out: list[tuple[str, bool]] = []   # (word, whether it leans on the next word)
    quote_end = _quote_end(toks)
    for a, b in _words(toks):
        if a < quote_end:  # quoted words and their 라고 are copied as written, in one piece
            out.append((sentence[toks[a].start:toks[b - 1].end], True))
            continue
        text = _clip_word(toks, a, b, sentence, final, honoured, preds)
        if not text:
            continue
        if out and text == out[-1][0]:
            continue  # 저는 제가 → 본 기체 once
        if out and _leans_back(toks[a]):
            out[-1] = (out[-1][0], True)
        out.append((text, _leans_forward(toks, a, b)))
    if not out:
        return sentence
    question = final is not None and final.mood is Mood.QUESTION
    body = ""
    for n, (word, leans) in enumerate(out):
        body += word.rstrip(".?!") if leans or n == len(out) - 1 else word.rstrip(".?!") + "."
        if n < len(out) - 1:
            body += " "
    return body + ("?" if question else ".")


def _quote_end(toks: list[Tok]) -> int:
    """The token after the last quoted one and the quoting particle after it (라고, 라는)."""
    last = max((i for i, t in enumerate(toks) if t.quoted), default=-1)
    if last < 0:
        return 0
    end = last + 1
    while end < len(toks) and (toks[end].tag in {"SP", "SS", "SF"} or toks[end].tag == "JKQ"
                               or (toks[end].start == toks[end - 1].end and not toks[end].tag.startswith("N"))):
        end += 1
    return end


def _greeting(toks: list[Tok], final) -> bool:
    """안녕하세요: a greeting; clipped to 안녕함 it reads as "is well"."""
    return final.stem > 0 and toks[final.stem - 1].form == "안녕" and toks[final.stem].form == "하" \
        and not final.tense


def _leans_forward(toks: list[Tok], a: int, b: int) -> bool:
    """A word that cannot stand alone: a modifier (그, 한, 떠난, 6), or a verb linked to the
    auxiliary after it (쐬어 보기, 해결하지 않아도): no full stop between them."""
    last = next((t for t in reversed(toks[a:b]) if not t.tag.startswith("S")), toks[b - 1])
    if last.tag in {"ETM", "MM", "SN", "XPN"}:
        return True
    nxt = toks[b] if b < len(toks) else None
    return last.tag == "EC" and nxt is not None and nxt.tag.startswith("VX")


def _leans_back(tok: Tok) -> bool:
    """A bound noun or an auxiliary verb goes with the word before it (망설였을 것, 될 수)."""
    return tok.tag in {"NNB", "VX", "VX-I", "VX-R"}


def _words(toks: list[Tok]) -> list[tuple[int, int]]:
    """Token ranges of the space-separated words."""
    spans, start = [], 0
    for i in range(1, len(toks) + 1):
        if i == len(toks) or toks[i].start > toks[i - 1].end:
            spans.append((start, i))
            start = i
    return spans


def _clip_word(toks: list[Tok], a: int, b: int, text: str, final, honoured: list[bool], preds=None) -> str:
    part = toks[a:b]
    if all(t.tag.startswith(("S", "W_")) for t in part):
        mark = "".join(t.form for t in part)
        return "" if all(t.tag in {"SF", "SP", "SE"} for t in part) else mark
    if final is not None and a <= final.end < b:
        return _clip_predicate(toks, a, final)
    inner = next((p for p in preds if a <= p.end < b), None) if preds else None
    if inner is not None and a <= inner.stem:
        if _greeting(toks, inner):
            return text[toks[a].start:toks[inner.stem].start] + "하십니까"  # 안녕하세요, … → 안녕하십니까
        return _clip_predicate(toks, a, inner)  # 축하드려요, 오늘 … → 축하드림. 오늘 …
    morphs = []
    for k, t in enumerate(part, start=a):
        if t.tag in {"SF", "SP"}:
            continue
        if t.tag in _DROP_PARTICLES or (t.tag == "JX" and t.form in _DROP_JX):
            continue
        if t.tag == "EP" and t.form in HONORIFIC_EP and not honoured[k]:
            continue  # the listener's 시 goes; an honoured grandmother's stays
        plain = plain_for_honorific(t.form, toks, text, t.start) if t.tag.startswith("V") and not honoured[k] else None
        if plain:
            morphs.append((plain, "VV"))  # 드시면서 → 마시면서
            if plain == "있" and k + 1 < len(toks) and toks[k + 1].morph == ("ᆫ", "ETM"):
                morphs.append(("는", "ETM"))  # 계신 곳 → 있는 곳, not 있은
            continue
        if morphs and morphs[-1] == ("는", "ETM") and t.morph == ("ᆫ", "ETM"):
            continue
        if t.tag == "NP" and t.form in _PRONOUNS:
            reported = t.form in {"저", "제", "나", "내"} and _reported_after(toks, b)
            morphs.append(("자기" if reported else _PRONOUNS[t.form], "NP"))  # 모든 게 제 탓이라고 → 자기 탓이라고
            continue
        if t.morph == ("요", "EC") and k > 0 and toks[k - 1].tag == "VCP":
            continue  # 그게요, → 그게
        if t.tag == "IC" and len(t.form) > 2 and t.form.endswith("요"):
            morphs.append((t.form[:-1], "IC"))  # 저기요, → 저기
            continue
        morphs.append(t.morph)
    if not morphs:
        return ""
    kept = [t for t in part if t.morph in morphs]
    prefix = part[:len(kept)]
    if kept == prefix and [t.morph for t in kept] == morphs:
        return text[part[0].start:kept[-1].end]  # only particles dropped: the writer's own spelling (반려묘)
    if len(morphs) == 1 and morphs[0][1] == "NP":
        return morphs[0][0]
    return join(morphs)


def _reported_after(toks: list[Tok], b: int) -> bool:
    """The next word ends in 라고/다고 (제 탓이라고): the pronoun is in the user's reported thought."""
    for k in range(b, len(toks)):
        if k > b and toks[k].start > toks[k - 1].end:
            break  # past the next word
        if toks[k].form in {"라고", "다고", "ᆫ다고", "는다고"} and toks[k].tag in {"EC", "JKQ"}:
            return True
    return False


def _clip_predicate(toks: list[Tok], a: int, pred) -> str:
    lead = [t.morph for t in toks[a:pred.stem] if t.tag not in _DROP_PARTICLES
            and not (t.tag == "JX" and t.form in _DROP_JX)]
    stem = toks[pred.stem]
    plain = plain_for_honorific(stem.form, toks, None, stem.start)
    stem_morph = (plain, "VV") if plain else stem.morph
    tense = [toks[i].morph for i in pred.tense]
    if stem.tag == "VCP" and not tense:
        if lead == [("거", "NNB")]:
            return "것"                            # 아실 거예요 → 아실 것 (거 is spoken)
        return join(lead) if lead else ""          # 고양이예요 → 고양이
    base = lead + [stem_morph] + tense
    if pred.mood is Mood.QUESTION and pred.family is Family.LLAE:
        return join(lead + [stem_morph, ("ᆯ", "ETM")]) + " 것인가"  # 이야기할래요? → 이야기할 것인가? (a wish, not a fact)
    if pred.mood is Mood.QUESTION:
        neun = bool(tense) or is_verb(toks, pred.stem) or stem.form in {"있", "없"}
        return join(base + [("는가" if neun else "ᆫ가", "EF")])
    if pred.mood in (Mood.IMPERATIVE, Mood.SUGGESTION):
        return join(lead + [stem_morph, ("기", "ETN")]) + (". 권장" if pred.mood is Mood.IMPERATIVE else ". 제안")
    return join(base + [("ᆷ", "ETN")])
