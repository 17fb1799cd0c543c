"""Change the speech level (화계) of one sentence.

Kiwi analyses the sentence; every final ending outside quoted speech is re-rendered at
the target level (with the honorific 시 and the suppletive honorific verbs adjusted),
first-person and second-person pronouns, the answers 네/아니요 and the polite particle
요 follow the level, and `Kiwi.join` rebuilds only the words that changed. Everything
else — content words, numbers, English, emoji, spacing, quoted speech — is copied
from the input character for character.
"""

from __future__ import annotations

import logging

from serving.style.analysis import Tok, alternatives, analysed, join, same_spelling
from serving.style.levels import INTIMATE_LEVELS, SpeechLevel
from serving.style.endings import Mood
from serving.style.predicates import (HONORIFIC_EP, HONOURED_NOUNS, Predicate, find_predicates, honoured_clauses,
                                      passing_away)
from serving.style.render import TAILS, Renderer, plain_for_honorific

log = logging.getLogger(__name__)

Morph = tuple[str, str]
_H, _HY, _HS, _HO, _HG = SpeechLevel.HAE, SpeechLevel.HAEYO, SpeechLevel.HAPSYO, SpeechLevel.HAO, SpeechLevel.HAGE

# Pronouns by level. Only the speaker's humble 저 and the listener's 당신/너 move;
# the inclusive 우리 stays (저희 would exclude the listener).
_PRONOUNS: dict[SpeechLevel, dict[str, str]] = {
    _H: {"저": "나", "저희": "우리", "당신": "너"},
    _HO: {"저": "나", "저희": "우리", "당신": "그대", "너": "그대"},
    _HG: {"저": "나", "저희": "우리", "당신": "그대", "너": "그대"},
    _HY: {"나": "저", "너": "당신"},
    _HS: {"나": "저", "너": "당신"},
}
_GENITIVE = {"너": "네", "나": "내", "저": "제"}
# Nouns after a bare pronoun that say who, not whose: 당신 혼자 → 너 혼자 (not 네 혼자).
_NOT_OWNED = {"혼자", "스스로", "자신", "자체", "역시", "또한", "말고", "대신", "같은", "만큼"}
_ANSWERS: dict[SpeechLevel, dict[str, str]] = {
    _H: {"네": "응", "예": "응", "아니요": "아니", "아뇨": "아니"},
    _HO: {"네": "그렇소", "예": "그렇소", "응": "그렇소", "아니요": "아니오", "아뇨": "아니오", "아니": "아니오"},
    _HG: {"네": "그렇네", "예": "그렇네", "응": "그렇네", "아니요": "아닐세", "아뇨": "아닐세", "아니": "아닐세"},
    _HY: {"응": "네", "아니": "아니요"},
    _HS: {"응": "네", "아니": "아니요"},
}


def convert_speech_level(sentence: str, level: SpeechLevel | str, tail: str | None = None) -> str:
    """`sentence` at speech level `level`; unchanged where no rule applies.

    `tail` ("다니까" or "구먼") ends a final 해체 statement that way instead of -어,
    for personas that talk like that; it is ignored at other levels.
    """
    level = SpeechLevel.parse(level)
    if tail is not None and tail not in TAILS:
        raise ValueError(f"unknown tail {tail!r}; use one of {TAILS}")
    if not sentence.strip():
        return sentence
    if level is SpeechLevel.EUM:
        from serving.style.clip import clip  # clip renders through this module
        return clip(sentence)
    toks = list(analysed(sentence))  # shared with the self-check and the pain check
    if not toks:
        return sentence
    honoured = honoured_clauses(toks)
    preds = find_predicates(toks)
    if not all(_rebuilds(toks, sentence, p) for p in preds):
        # Kiwi's best reading does not spell the sentence back (나아요 read as 나/VV):
        # take the first next-best reading that does.
        for candidate in alternatives(sentence):
            candidate_preds = find_predicates(candidate)
            if candidate_preds and all(_rebuilds(candidate, sentence, p) for p in candidate_preds):
                toks, preds, honoured = candidate, candidate_preds, honoured_clauses(candidate)
                break
    polite_source = any(p.ending.level in (_HY, _HS) for p in preds)
    overrides = _word_overrides(toks, level, sentence, polite_source, honoured)
    hao_command = level is _HO and preds and preds[-1].mood is Mood.IMPERATIVE and tail != "네"  # -(으)시오 keeps 시
    if level in INTIMATE_LEVELS and not hao_command:
        _drop_listener_honorifics(toks, sentence, preds, overrides, honoured)
    edits: list[tuple[int, int, str]] = []   # (token from, token to, new text)
    covered: set[int] = set()
    for n, pred in enumerate(preds):
        is_last = n == len(preds) - 1 and _nothing_but_symbols_after(toks, pred.last)
        text = _render(toks, sentence, pred, level, honoured[pred.stem], overrides, tail if is_last else None)
        if text is not None:
            edits.append((pred.first, pred.last, text))
        covered.update(range(pred.first, pred.last + 1))
    edits.extend(_override_edits(toks, sentence, overrides, covered))
    return _splice(sentence, toks, edits)


def _rebuilds(toks: list[Tok], text: str, pred: Predicate) -> bool:
    """Whether Kiwi spells the predicate's own analysis back as the original text."""
    original = text[toks[pred.first].start:toks[pred.last].end]
    rebuilt = join([t.morph for t in toks[pred.first:pred.last + 1]])
    # 시 + 어요 is 세요 in speech; Kiwi's joiner writes the older 셔요. A copula after a
    # number or Latin word (100%예요) is rebuilt from the original text anyway.
    return same_spelling(rebuilt, original) or (
        toks[pred.stem].tag == "VCP" and toks[pred.first].tag.startswith(("S", "W_")))


def _render(toks: list[Tok], text: str, pred: Predicate, level: SpeechLevel, honoured: bool,
            overrides: dict[int, list[Morph]], tail: str | None) -> str | None:
    if not _rebuilds(toks, text, pred):
        # Kiwi cannot rebuild this word from its own analysis (a typo, an unusual
        # contraction): leave it rather than risk changing a content word.
        log.debug("not rewriting %r", text[toks[pred.first].start:toks[pred.last].end])
        return None
    changed = any(i in overrides for i in range(pred.first, pred.last + 1))
    new = Renderer(toks, text, pred, honoured, overrides).render(level, tail)
    if new is None and changed:
        new = join([m for i in range(pred.first, pred.last + 1) for m in overrides.get(i, [toks[i].morph])])
    return new


def _word_overrides(toks: list[Tok], level: SpeechLevel, text: str, polite_source: bool,
                    honoured: list[bool]) -> dict[int, list[Morph]]:
    """Morphemes outside the final endings that follow the level: pronouns, 네/아니요,
    the humble 드리다 (→ 주다 when talking down to the listener), the polite 요.

    A 나/너 inside an already polite sentence is deliberate (나를 사랑하세요: "love
    yourself"), so they become 저/당신 only when the sentence itself is intimate.
    """
    overrides: dict[int, list[Morph]] = {}
    pronouns, answers = _PRONOUNS[level], _ANSWERS[level]
    if polite_source and level in (_HY, _HS):
        pronouns = {}
    honours_someone = any(t.form == "께" and t.tag == "JKB" for t in toks)
    for i, tok in enumerate(toks):
        if tok.quoted:
            continue
        if tok.tag == "NP" and tok.form in pronouns:
            new = pronouns[tok.form]
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if new in _GENITIVE and nxt is not None and nxt.start > tok.end and nxt.tag.startswith("NN") \
                    and nxt.form not in _NOT_OWNED:
                new = _GENITIVE[new]  # 당신 잘못 → 네 잘못
            overrides[i] = [(new, "NP")]
        elif tok.tag == "IC" and tok.form in answers:
            overrides[i] = [(answers[tok.form], "IC")]
        elif tok.tag == "IC" and level in INTIMATE_LEVELS and len(tok.form) > 2 and tok.form.endswith("요"):
            overrides[i] = [(tok.form[:-1], "IC")]  # 저기요, → 저기,
        elif level in INTIMATE_LEVELS and tok.form == "드리" and tok.tag.startswith(("VX", "VV")) \
                and not honours_someone:
            prev = toks[i - 1] if i > 0 else None
            said = _said_with(toks, i)
            if prev is not None and prev.tag == "NNG" and prev.end == tok.start and not prev.quoted:
                # 축하드려요, 말씀드릴게요: 드리다 stands for 하다 after a noun (축하해, 말할게)
                overrides[i] = [("하", "XSV")]
                if prev.form == "말씀":
                    overrides[i - 1] = [("말", "NNG")]
            elif said is not None:
                # 말씀을 드리면, 제가 드린 말씀: what one says is 하다, not given (말을 하면, 내가 한 말)
                overrides[i] = [("하", "VV")]
                overrides[said] = [("말", "NNG")]
            else:
                overrides[i] = [("주", tok.tag)]
        elif level in INTIMATE_LEVELS and tok.form in _HUMBLE_VERBS and tok.tag.startswith("VV") \
                and not honours_someone and not honoured[i]:
            overrides[i] = [_HUMBLE_VERBS[tok.form]]  # 여쭤봐도 → 물어봐도: no need to lower oneself
        elif tok.morph == ("말씀", "NNG") and not _honoured_owner(toks, i) and not honoured[i] and (
                level in (_H, _HG) or (level is _HO and i + 1 < len(toks) and toks[i + 1].form == "하")):
            overrides[i] = [("말", "NNG")]  # the listener's 말씀 is 말 between friends
        elif level is not _HY and tok.form == "요" and _is_polite_yo(toks, i, level):
            overrides[i] = []
    return overrides


# Humble verbs the speaker uses for the listener (not for an honoured third person).
_HUMBLE_VERBS = {"여쭈": ("묻", "VV-I"), "여쭙": ("묻", "VV-I"), "뵙": ("보", "VV"), "뵈": ("보", "VV")}


def _said_with(toks: list[Tok], i: int) -> int | None:
    """The 말씀 that 드리다 at i gives (말씀을 드리다, 드린 말씀): what is said."""
    if i >= 2 and toks[i - 1].tag == "JKO" and toks[i - 2].morph == ("말씀", "NNG"):
        return i - 2
    if i + 2 < len(toks) and toks[i + 1].tag == "ETM" and toks[i + 2].morph == ("말씀", "NNG"):
        return i + 2
    return None


def _honoured_owner(toks: list[Tok], i: int) -> bool:
    """어머니 말씀, 선생님의 말씀: 말씀 of someone honoured stays."""
    j = i - 1
    if j >= 0 and toks[j].morph == ("의", "JKG"):
        j -= 1
    return j >= 0 and (toks[j].form in HONOURED_NOUNS or toks[j].morph == ("님", "XSN"))


def _drop_listener_honorifics(toks: list[Tok], text: str, preds: list[Predicate], overrides: dict[int, list[Morph]],
                              honoured: list[bool]) -> None:
    """At 해체/하오체, the 시 of connective clauses goes too (드시고 → 마시고, 지치셨는데 →
    지쳤는데); the final predicates handle their own."""
    in_pred = {i for p in preds for i in range(p.first, p.last + 1)}
    for i, tok in enumerate(toks):
        if i in in_pred or tok.quoted or honoured[i]:
            continue
        if tok.tag == "EP" and tok.form in HONORIFIC_EP and not keeps_honorific(toks, i):
            overrides[i] = []
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.tag.startswith("E") and nxt.start <= tok.end and i + 1 not in in_pred:
                overrides[i + 1] = [(_ending_without_si(toks[i - 1] if i else None, nxt), nxt.tag)]
        elif tok.tag.startswith("V") and plain_for_honorific(tok.form, toks, text, tok.start) is not None:
            plain = plain_for_honorific(tok.form, toks, text, tok.start)
            overrides[i] = [(plain, "VV")]
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if plain == "있" and nxt is not None and nxt.morph == ("ᆫ", "ETM"):
                overrides[i + 1] = [("는", "ETM")]  # 계신 → 있는 (present), not 있은


# Endings that take 으 after a consonant stem; after 시 Kiwi writes them without it
# (어려우시면 = 어렵 + 으시 + 면), so dropping 시 gives them back their 으 (어려우면, 들으면).
_EU_ENDINGS = ("면", "며", "니", "러", "려", "므로", "면서", "시")
# 있다/없다 (and -었-) take 는 where other adjectives take ㄴ: 있는데, 없는지, not 있은데.
_NEUN_STEMS = {"있", "없", "계시"}


def _ending_without_si(stem: Tok | None, ending: Tok) -> str:
    """The ending that follows a stem once the 시 between them is gone."""
    form = ending.form
    if form.startswith(_EU_ENDINGS):
        return "으" + form
    if stem is not None and stem.form in _NEUN_STEMS and form.startswith("ᆫ"):
        return "는" + form[1:]
    return form


def keeps_honorific(toks: list[Tok], ep: int) -> bool:
    """A 시 that never belongs to the listener: 돌아가시다 (to pass away) is a word of its
    own, and a clause that modifies 분 or an honoured noun (돌아가신 분, 아프신 어머니)
    honours that person."""
    if ep > 0 and passing_away(toks, ep - 1):
        return True
    j = ep + 1
    if j < len(toks) and toks[j].tag == "ETM":
        noun = toks[j + 1] if j + 1 < len(toks) else None
        return noun is not None and (noun.morph == ("분", "NNB") or noun.form in HONOURED_NOUNS)
    return False


def _is_polite_yo(toks: list[Tok], i: int, level: SpeechLevel) -> bool:
    """요 as a politeness particle (그래서요, 저는요, 힘들어서요, 정말요?)."""
    tok = toks[i]
    if tok.tag not in {"JX", "MM", "EF", "EC"} or i == 0 or toks[i - 1].end != tok.start:
        return False
    prev = toks[i - 1]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if tok.tag == "EC" and not (prev.tag == "VCP" and nxt is not None and nxt.form == ","):
        return False
    if tok.tag == "EC" and prev.tag == "VCP" and nxt is not None and nxt.form == ",":
        return True  # 그게요, … (Kiwi: 그것 + 이 + 요): a word made polite, not a predicate
    if prev.tag in {"EF", "EP"} or prev.tag.startswith("V"):
        return False  # part of a final ending (ᆫ가 + 요): the predicate handles it
    at_end = all(t.tag.startswith(("S", "W_")) for t in toks[i + 1:])
    if at_end and level not in INTIMATE_LEVELS:
        return False  # 힘들어서요 stays polite at the formal levels: there is no 합쇼 form
    return True


def _override_edits(toks: list[Tok], text: str, overrides: dict[int, list[Morph]],
                    covered: set[int]) -> list[tuple[int, int, str]]:
    """Rebuild each word that holds an override, from a syllable boundary to the end of
    its particles (나 + 가 → 내가 needs the particle)."""
    edits = []
    for i in sorted(overrides):
        if i in covered:
            continue
        a, b = i, i
        while a > 0 and (toks[a].start < max(t.end for t in toks[:a]) or toks[a].tag == "EP") \
                and a - 1 not in covered:
            a -= 1
        verb = bool(overrides[i]) and overrides[i][0][1].startswith("V")
        while b + 1 < len(toks) and b + 1 not in covered and (
                toks[b + 1].start < toks[b].end
                or (toks[b + 1].start <= toks[b].end and toks[b + 1].tag.startswith(("J", "VCP")))
                or (toks[b].tag == "VCP" and toks[b + 1].start == toks[b].end and toks[b + 1].tag == "EC")
                or ((verb or b + 1 in overrides) and toks[b + 1].start == toks[b].end
                    and toks[b + 1].tag.startswith("E"))):
            b += 1
        if any(k in covered for k in range(a, b + 1)):
            continue
        covered.update(range(a, b + 1))
        original = text[toks[a].start:toks[b].end]
        if join([t.morph for t in toks[a:b + 1]]) != original and toks[a:b + 1] != [toks[i]]:
            continue
        morphs = [m for k in range(a, b + 1) for m in overrides.get(k, [toks[k].morph])]
        if b == a + 1 and toks[b].morph == ("의", "JKG") and text[toks[b].start:toks[b].end] == "의" \
                and toks[a].tag == "NP" and overrides.get(a):
            edits.append((a, b, overrides[a][0][0] + "의"))  # 당신의 → 너의, not the contracted 네
            continue
        edits.append((a, b, join(morphs)))
    return edits


def _splice(text: str, toks: list[Tok], edits: list[tuple[int, int, str]]) -> str:
    out = text
    for a, b, new in sorted(edits, key=lambda e: toks[e[0]].start, reverse=True):
        start, end = toks[a].start, toks[b].end
        if not new and end < len(out) and out[end] == " " and (start == 0 or out[start - 1] == " "):
            end += 1  # a removed word takes its space with it
        out = out[:start] + new + out[end:]
    return out


def _nothing_but_symbols_after(toks: list[Tok], last: int) -> bool:
    return all(t.tag.startswith(("S", "W_")) for t in toks[last + 1:])
