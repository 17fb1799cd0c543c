"""Find the sentence-final predicates of an analysed sentence and decide what each one
does: states, asks, tells (imperative) or invites (suggestion).

A predicate is `stem (+ 시) (+ 었/겠 ...) + final ending`, e.g. 힘들/VA 시/EP 었/EP 겠/EP
어요/EF. Every final ending outside quoted speech starts one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from serving.style.analysis import Tok
from serving.style.endings import Ending, Family, Mood, lookup

STEM_TAGS = {"VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA",
             "VV-I", "VA-I", "VX-I", "XSA-I", "VV-R", "VA-R", "VX-R", "XSA-R"}
VERB_TAGS = {"VV", "VV-I", "VV-R", "XSV", "VX", "VX-I", "VX-R"}
ADJECTIVE_LIKE_AUX = {"싶"}           # 하고 싶다 conjugates like an adjective
NEUN_STEMS = {"있", "없", "계시"}        # take 는구나/는데 although they are not all verbs
NEGATORS = {"않", "못하"}             # follow the class of the stem before -지
HONORIFIC_EP = {"시", "으시"}
# Connectives after which the subject often changes (어머니께서 걱정하시는데 전화해 보세요):
# an honoured subject before one does not make the next clause about that person.
SUBJECT_SWITCH = {"는데", "ᆫ데", "은데", "지만", "니까", "으니까", "면", "으면", "으니", "니"}

# Nouns that make the subject someone other than the listener worth honouring; with
# one of them as subject (or with 께서) a 시 stays in every level.
HONOURED_NOUNS = {"어머니", "아버지", "할머니", "할아버지", "어머님", "아버님", "부모님",
                  "선생님", "교수님", "사장님", "어르신", "손님", "엄마", "아빠"}
FIRST_PERSON = {"저", "나"}


@dataclass
class Predicate:
    first: int                 # first token rewritten (the stem, or the noun before 이다)
    stem: int
    eps: list[int]             # pre-final endings between stem and ending (시, 었, 겠)
    end: int                   # the final ending
    last: int                  # last token covered (the ending or a 요 folded into it)
    form: str                  # ending form, 요 included when Kiwi split it off
    ending: Ending
    mood: Mood = Mood.STATEMENT
    honorific: bool = False    # 시 in the original (pre-final ending, ending or stem)
    tense: list[int] = field(default_factory=list)  # eps without 시

    @property
    def family(self) -> Family:
        return self.ending.family


_ECHO_ENDINGS = {"다고", "ᆫ다고", "는다고", "라고", "냐고", "니까", "으니까",
                 # 나아 보이시는데요?, 될 텐데요, 다행이고요: the same split, the same end
                 "는데", "ᆫ데", "은데", "고"}


def _is_final_ending(toks: list[Tok], i: int) -> bool:
    tok = toks[i]
    if tok.quoted:
        return False
    if tok.tag == "EF":
        return True
    # 힘드셨다고요?, 아프니까요: Kiwi splits off the 요 (다고/EC + 요); with 요 at the end it is final.
    if tok.tag == "EC" and tok.form in _ECHO_ENDINGS and i + 1 < len(toks) and toks[i + 1].form == "요" \
            and toks[i + 1].start == tok.end and all(t.tag.startswith(("S", "W_")) for t in toks[i + 2:]):
        return True
    # Kiwi sometimes tags a clause-final 어요 (or 하오체 소, 해체 니) before a comma or at
    # the end as a connective ending.
    if tok.tag == "EC" and (tok.form.endswith(("요", "니다", "니까")) or tok.form in {"소", "오", "니"}) \
            and lookup(tok.form):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is None or nxt.tag in {"SF", "SP", "SE"}:
            return True
        # 들어 보니 정말 ...: a 니 before more words links clauses (-(으)니), it does not ask.
        return nxt.start > tok.end and tok.form != "니"
    return False


def honoured_subject(toks: list[Tok], start: int = 0, end: int | None = None) -> bool:
    """Whether someone other than the listener is honoured as subject (어머니께서 ...)
    in toks[start:end]."""
    end = len(toks) if end is None else end
    for i in range(start, end):
        tok = toks[i]
        if tok.quoted:
            continue
        if tok.form == "께서":
            return True
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        subject_marker = nxt is not None and (nxt.tag == "JKS" or (nxt.tag == "JX" and nxt.form in {"은", "는", "도"}))
        if not subject_marker:
            continue
        if tok.tag == "XSN" and tok.form == "님":
            return True
        if tok.morph == ("들", "XSN") and i > 0 and toks[i - 1].morph == ("분", "NNB"):
            return True  # 많은 분들이 같은 고민을 하세요: they do (a statement), not a request
        if tok.form in HONOURED_NOUNS:
            return True
    return False


# Connectives that end a clause whose subject the next clause need not share
# (어머니께서 편찮으셔서 (당신이) 걱정되시겠어요).
CLAUSE_BREAKS = SUBJECT_SWITCH | {"어서", "아서", "여서", "서", "으며", "며", "다니", "라니", "다니까", "다면", "라면"}


def _nominal_clause_end(toks: list[Tok], i: int) -> bool:
    """아버지가 안 계신다는 게 | 실감이 안 나실 거예요: a clause made a noun (-는 게, -ㄴ 것이)
    has its own subject; the predicate it is the subject of is about someone else."""
    tok = toks[i]
    return (tok.tag in {"JKS", "JX"} and i >= 2 and toks[i - 1].form in {"거", "것"} and toks[i - 1].tag == "NNB"
            and toks[i - 2].tag == "ETM" and i + 1 < len(toks) and toks[i + 1].start > tok.end)


def _time_since_end(toks: list[Tok], i: int) -> bool:
    """할머니께서 돌아가신 지 | 얼마나 되셨어요: -ㄴ 지 (time since) closes the clause; what
    follows is asked of the listener."""
    tok = toks[i]
    return tok.morph == ("지", "NNB") and i > 0 and toks[i - 1].tag == "ETM"


def honoured_clauses(toks: list[Tok]) -> list[bool]:
    """For each token, whether its clause has an honoured third-person subject: a 시
    there honours that person and stays at every level; a 시 elsewhere is the listener's."""
    flags = [False] * len(toks)
    start = 0
    for i in range(len(toks) + 1):
        boundary = i == len(toks) or (toks[i].tag == "EC" and toks[i].form in CLAUSE_BREAKS
                                      and i + 1 < len(toks) and toks[i + 1].start > toks[i].end) \
            or _nominal_clause_end(toks, i) or _time_since_end(toks, i)
        if not boundary:
            continue
        end = min(i + 1, len(toks))
        if honoured_subject(toks, start, end):
            flags[start:end] = [True] * (end - start)
        start = end
    return flags


def passing_away(toks: list[Tok], stem: int) -> bool:
    """돌아가시다 as "to pass away" (never the listener's 시 to drop): 돌아가 with no place
    to go back to (집에/고향으로 돌아가셨어요 is the listener going home)."""
    if toks[stem].form != "돌아가" or not toks[stem].tag.startswith("V"):
        return False
    for tok in reversed(toks[:stem]):
        if tok.tag in {"EC", "SP", "SF"}:
            break
        if tok.tag == "JKB" and tok.form in {"에", "로", "으로", "에게", "한테"}:
            return False
    return True


def lexical_honorific(toks: list[Tok], i: int) -> bool:
    """드시다/주무시다/계시다 as a word of its own (not 힘드시다 = 힘들 + 시)."""
    return toks[i].form in {"드시", "주무시", "계시"} and (i == 0 or toks[i - 1].end < toks[i].start
                                                       or not toks[i - 1].tag.startswith(("N", "V", "X", "M")))


def is_verb(toks: list[Tok], stem: int) -> bool:
    tok = toks[stem]
    k = stem - 1
    if tok.form in NEGATORS and k >= 1 and toks[k].tag == "JX" and toks[k - 1].form == "지":
        k -= 1  # 같진 않다, 쉽지는 않다: the particle between 지 and 않 changes nothing
    if tok.form in NEGATORS and k >= 1 and toks[k].form == "지":
        j = k - 1
        while j >= 0 and toks[j].tag == "EP":
            j -= 1
        return j >= 0 and is_verb(toks, j)
    return tok.tag in VERB_TAGS and tok.form not in ADJECTIVE_LIKE_AUX


def find_predicates(toks: list[Tok]) -> list[Predicate]:
    preds: list[Predicate] = []
    clause_start = 0
    for i in range(len(toks)):
        if not _is_final_ending(toks, i):
            continue
        pred = _predicate_at(toks, i)
        if pred is not None:
            pred.mood = _mood(toks, pred, clause_start)
            preds.append(pred)
        clause_start = i + 1
    return preds


def _predicate_at(toks: list[Tok], end: int) -> Predicate | None:
    form = toks[end].form
    last = end
    nxt = toks[end + 1] if end + 1 < len(toks) else None
    if nxt is not None and nxt.form == "요" and nxt.tag in {"JX", "EF"} and nxt.start == toks[end].end:
        form, last = form + "요", end + 1
    ending = lookup(form)
    if ending is None:
        return None
    j = end - 1
    eps: list[int] = []
    while j >= 0 and not toks[j].quoted and (toks[j].tag == "EP" or _must(toks, j, eps)):
        eps.insert(0, j)
        j -= 1
    if j < 0 or toks[j].tag not in STEM_TAGS or toks[j].quoted:
        return None
    stem = j
    first = stem
    if toks[stem].tag == "VCP" and stem > 0 and not toks[stem - 1].quoted \
            and toks[stem - 1].end >= toks[stem].start:
        first = stem - 1  # the noun decides 이야/야 and 였/이었
    # Start on a syllable boundary: a token sharing a syllable with an earlier one
    # (Kiwi's fused forms) pulls that one in.
    while first > 0 and toks[first].start < max(t.end for t in toks[:first]):
        first -= 1
    tense = [k for k in eps if toks[k].form not in HONORIFIC_EP]
    honorific = ending.honorific or len(tense) < len(eps) or lexical_honorific(toks, stem)
    return Predicate(first, stem, eps, end, last, form, ending, honorific=honorific, tense=tense)


def _must(toks: list[Tok], j: int, eps: list[int]) -> bool:
    """-어야겠- (해야겠어요: must): the 어야 between the stem and 겠 goes with the tense."""
    return toks[j].tag == "EC" and toks[j].form in {"어야", "아야"} and bool(eps) and toks[eps[0]].form == "겠"


def _mood(toks: list[Tok], pred: Predicate, clause_start: int) -> Mood:
    if _question_mark_follows(toks, pred.last):
        return Mood.QUESTION
    if pred.ending.mood is not None:
        return pred.ending.mood
    if pred.family is not Family.PLAIN or pred.tense:
        return Mood.STATEMENT
    stem = toks[pred.stem]
    clause = toks[clause_start:pred.first]
    first_person = any(t.tag == "NP" and t.form in FIRST_PERSON for t in clause)
    verb_like = is_verb(toks, pred.stem) or stem.tag in {"XSA", "XSA-I"} or lexical_honorific(toks, pred.stem)
    segment = clause_start
    for k in range(clause_start, pred.first):
        if toks[k].tag == "EC" and toks[k].form in SUBJECT_SWITCH:
            segment = k + 1
    if pred.honorific and not honoured_subject(toks, segment, pred.first) and verb_like \
            and not _describes_listener(toks, pred):
        return Mood.IMPERATIVE        # 쉬세요, 걱정하지 마세요, 행복하세요
    if not pred.honorific and is_verb(toks, pred.stem) and (_with_me(clause) or _deciding_together(toks, pred)):
        return Mood.SUGGESTION        # 저와 함께 살펴봐요, 한 가지만 해 보기로 해요
    if pred.honorific or not is_verb(toks, pred.stem) or first_person:
        return Mood.STATEMENT
    if _suggestion_cue(clause) and not _has_other_subject(clause) and not _inchoative(toks, pred):
        return Mood.SUGGESTION        # 우리 같이 산책해요
    before = toks[pred.stem - 1] if pred.stem > 0 else None
    if stem.tag.startswith("VX") and stem.form == "보" and before is not None and before.tag == "EC" \
            and before.form in {"어", "아", "여"}:
        return Mood.IMPERATIVE        # 천천히 숨을 쉬어 봐요 (a gentle "try"; not 했나 봐요)
    if stem.form == "말" and stem.tag.startswith("VX") and before is not None and before.form == "지":
        return Mood.IMPERATIVE        # 걱정하지 말아요: don't
    if stem.tag.startswith("VX") and stem.form == "주" and before is not None and before.tag == "EC" \
            and before.form in {"어", "아", "여"} and not _has_other_subject(toks[segment:pred.first]):
        return Mood.IMPERATIVE        # 다시 이야기해 줘요: a request (친구가 도와줘요 states)
    return Mood.STATEMENT


# -하세요 on these is a wish (행복하세요 "be happy"); on any other 하-adjective it describes
# the listener (대단하세요 "you are amazing"), and 안녕하세요 is a greeting.
WISH_ADJECTIVES = {"행복", "건강", "편안", "평안", "무사", "씩씩", "당당", "솔직"}


def _describes_listener(toks: list[Tok], pred: Predicate) -> bool:
    """-세요 that states rather than tells: a 하-adjective that is not a wish, or
    계시다 as the progressive auxiliary (잘하고 계세요 "you are doing well")."""
    stem = toks[pred.stem]
    before = toks[pred.stem - 1] if pred.stem > 0 else None
    if stem.tag in {"XSA", "XSA-I"} and before is not None and before.form not in WISH_ADJECTIVES:
        return True
    return stem.form == "계시" and before is not None and before.tag == "EC" and before.form == "고"


def _has_other_subject(clause: list[Tok]) -> bool:
    """몸도 함께 무거워져요: a subject other than 우리 means 같이/함께 is not an invitation
    (a 우리 in the clause names who is invited: 우리 오늘 일은 여기까지 정리해요)."""
    if any(t.form == "우리" and t.tag == "NP" for t in clause):
        return False
    for tok, nxt in zip(clause, clause[1:]):
        if tok.tag.startswith("NN") and nxt.start == tok.end and (
                nxt.tag == "JKS" or (nxt.tag == "JX" and nxt.form in {"도", "은", "는"})):
            return True
    return False


def _inchoative(toks: list[Tok], pred: Predicate) -> bool:
    """-어지다 (무거워져요) happens to someone: nobody is invited to do it."""
    return toks[pred.stem].form == "지" and toks[pred.stem].tag.startswith("VX")


def _suggestion_cue(clause: list[Tok]) -> bool:
    """같이/함께, or a bare 우리 (우리 잠깐 쉬어요; not 우리는 같은 동네에 살아요)."""
    for i, tok in enumerate(clause):
        if tok.quoted:
            continue
        if tok.form in {"같이", "함께"} and tok.tag.startswith("MA"):
            return True
        if tok.form in {"또", "더", "다시"} and tok.tag == "MAG" and any(t.form in {"다음", "나중"} for t in clause[:i]):
            return True  # 다음에 또 이야기 나눠요, 다음 상담 때 더 나눠 봐요: let's
        if tok.form == "우리" and tok.tag == "NP":
            nxt = clause[i + 1] if i + 1 < len(clause) else None
            if nxt is None or nxt.start > tok.end or not nxt.tag.startswith("J"):
                return True
    return False


def _with_me(clause: list[Tok]) -> bool:
    """저와 함께 / 나랑 같이 + -어요: the speaker and the listener together, an invitation."""
    return any(a.tag == "NP" and a.form in FIRST_PERSON and b.form in {"와", "과", "랑", "이랑", "하고"}
               and c.form in {"같이", "함께"} for a, b, c in zip(clause, clause[1:], clause[2:]))


def _deciding_together(toks: list[Tok], pred: Predicate) -> bool:
    """-기로 해요 (이번 주에 한 가지만 해 보기로 해요): agreeing on a plan, let's."""
    p = pred.stem
    return toks[p].form == "하" and p >= 2 and toks[p - 1].morph == ("로", "JKB") and toks[p - 2].form == "기"


def _question_mark_follows(toks: list[Tok], last: int) -> bool:
    for tok in toks[last + 1:]:
        if tok.tag in {"SF", "SP", "SE"} or tok.tag.startswith("S"):
            if "?" in tok.form:
                return True
            if tok.tag in {"SF", "SP"}:
                return False
            continue
        if tok.tag.startswith("W_"):
            continue  # emoji, hashtags after the ending
        return False
    return False
