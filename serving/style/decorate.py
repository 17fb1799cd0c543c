"""Persona decorations applied after the speech level: word substitutions, the final
punctuation mark, interjections before a sentence and emoji after it.

Chance-based choices come from a random generator seeded with (seed, persona, position,
sentence), so the same reply always gets the same decorations. Sentences about pain
(힘들다, 슬프다, 죽고 싶다 ...) never get playful decorations.
"""

from __future__ import annotations

import hashlib
import random
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from serving.style.analysis import analysed, quoted_spans
from serving.style.distress import about_pain
from serving.style.endings import Mood
from serving.style.predicates import find_predicates

if TYPE_CHECKING:
    from serving.personas.schema import Persona, PersonaStyle
    from serving.style.voice import Voice
    from serving.turn_context import TurnContext

# Stems of words about distress: a sentence holding one stays undecorated (no emoji,
# no interjection, no playful tail or cheerful mark), whatever the persona. Grouped by
# what the sentence is about; a floor under the context the pipeline passes.
_PAIN = ("힘들", "힘드", "힘겨", "슬프", "슬퍼", "슬픔", "슬펐", "우울", "외롭", "외로", "아프", "아파", "아픔", "아팠",
         "눈물", "울고", "울었", "울어", "불안", "무섭", "무서", "두렵", "두려", "괴롭", "괴로", "상처", "절망", "포기",
         "속상", "고통", "지치", "지쳐", "지쳤", "막막", "서럽", "서러", "억울", "불면", "공황", "이별", "헤어",
         "걱정", "미안", "후회", "실패", "서운", "섭섭", "답답", "비참", "허무", "공허")
_RISK = ("죽", "자살", "자해", "해치", "해칠", "해쳐", "사라지고", "없어지고", "끝내고", "위험", "극단", "베고", "목숨",
         "살고 싶지", "살기 싫", "살고 싶", "그만 살", "살아 있는 게", "사는 게 의미", "의미가 없", "의미 없", "맞아도", "때리", "폭력", "학대", "상담전화", "1393", "109", "1577", "119", "응급")
_GRIEF = ("떠나", "떠난", "떠났", "돌아가시", "돌아가셨", "돌아가신", "안 계시", "안 계신", "곁에 없", "세상을 떠", "무지개다리", "잃", "장례", "추모", "그리워",
          "그립", "보고 싶", "보고싶", "빈자리", "사별", "유산")
_ILLNESS = ("병원", "진단", "수술", "입원", "투병", "암 ", "암이", "치료", "질환", "장애", "편찮", "증상", "통증")
_SELF_BLAME = ("한심", "자책", "못났", "못난", "쓸모없", "쓸모 없", "바보", "내 탓", "제 탓", "잘못했", "부족한 사람",
               "싫어요", "싫어", "미워", "밉", "창피", "부끄럽", "부끄러", "자격이 없", "민폐", "쓸모도", "쓸모가",
               "가치가 없", "가치 없", "아무것도 못", "없는 사람", "짐이 되", "실수한")
DISTRESS = _PAIN + _RISK + _GRIEF + _ILLNESS + _SELF_BLAME

# Interjections that agree with what was just said: never before a question (nothing
# was said yet) or a painful disclosure (그럼그럼, 저는 제가 한심해요).
AGREEMENT = ("그럼그럼", "그래그래", "맞아", "맞아요", "그렇지", "암", "암요", "당연하지", "그럼", "옳지", "응", "웅",
             "웅웅", "그치")
# Slang a persona's words may bring (정말 → 완전, 너무 → 넘, 나도 → 나두): cheerful, so not on
# a painful line (완전 큰 슬픔 reads as flippant); 엄청, 진짜, 참으로 stay.
CASUAL_WORDS = ("완전", "넘", "나두", "것두", "그래두", "글구", "젤")
# Laughter and cheer: playful, so only on light sentences.
LAUGHTER = ("허허", "하하", "ㅎㅎ", "ㅋㅋ", "헤헤", "호호", "우와", "와")
CHEERFUL_MARKS = ("!", "~", "♡", "♥")
# Emotions of the user's message that call for a calm voice throughout the reply.
HEAVY_EMOTIONS = {"슬픔", "불안", "상처"}

_WORD_EDGE = r"(?<![0-9A-Za-z가-힣])"
_WORD_END = r"(?![0-9A-Za-z가-힣])"
# The final punctuation of a sentence, before any trailing emoji or spaces.
_FINAL = re.compile(r"(?P<mark>\.{2,}|…+|[.?!]+)(?P<trail>[^0-9A-Za-z가-힣.?!…]*)$")


def chooser(seed: int, persona_id: str, index: int, sentence: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\x1f{persona_id}\x1f{index}\x1f{sentence}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _alternation(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True))))


_RISK_RE, _DISTRESS_RE = _alternation(_RISK + _SELF_BLAME), _alternation(DISTRESS)


def is_risk(sentence: str) -> bool:
    """Risk, self-harm, violence, a hotline or self-criticism: nothing of a persona's manner
    but its level (no 구먼 on 쓸모없는 사람처럼 느껴져요)."""
    return _RISK_RE.search(sentence) is not None


@lru_cache(maxsize=4096)
def is_distress(sentence: str, lemmas: bool = True) -> bool:
    """A pain word written in the sentence, or (with `lemmas`) any inflection of one
    (cached: a sentence is asked about several times on its way through the engine)."""
    return _DISTRESS_RE.search(sentence) is not None or (lemmas and about_pain(sentence))


def substitute(sentence: str, substitutions: dict[str, str]) -> str:
    """Whole-word replacements outside quoted speech, longest first."""
    if not substitutions:
        return sentence
    quotes = quoted_spans(sentence)
    out, last = [], 0
    pattern = _substitution_pattern(tuple(sorted(substitutions, key=len, reverse=True)))
    for match in pattern.finditer(sentence):
        if any(a <= match.start() < b for a, b in quotes) or _thought_quoted(sentence, match):
            continue
        out.append(sentence[last:match.start()])
        out.append(substitutions[match.group(0)])
        last = match.end()
    out.append(sentence[last:])
    return "".join(out)


_PATTERNS: dict[tuple[str, ...], re.Pattern] = {}
_FIRST_PERSON_WORD = re.compile(r"^(나|내|저|제)(는|가|도|를|의|게|한테|에게|와|랑)?$")
_REPORTED = re.compile(r"^\s*\S*(라고|다고|냐고)")


def _thought_quoted(sentence: str, match: re.Match) -> bool:
    """모든 게 내 탓이라고 느낄 때: "내" is the user's own word, reported; the persona's 짐/소생
    would make it the speaker's fault."""
    return _FIRST_PERSON_WORD.match(match.group(0)) is not None and \
        _REPORTED.match(sentence[match.end():]) is not None


def _substitution_pattern(words: tuple[str, ...]) -> re.Pattern:
    if words not in _PATTERNS:
        _PATTERNS[words] = re.compile(_WORD_EDGE + "(?:" + "|".join(map(re.escape, words)) + ")" + _WORD_END)
    return _PATTERNS[words]


def punctuate(sentence: str, style: "PersonaStyle", calm: bool = False, voice: "Voice | None" = None) -> str:
    """Swap the final mark for the persona's habit (. → .. for a shy friend); when `calm`,
    a cheerful habit (!, ~) gives way to the plain mark."""
    match = _FINAL.search(sentence)
    if not match:
        return sentence
    mark = match.group("mark")
    punctuation = style.punctuation
    if mark == ".":
        new, plain = (voice.statement_mark if voice and voice.statement_mark else punctuation.statement), "."
    elif set(mark) == {"?"}:
        new, plain = (voice.question_mark if voice and voice.question_mark else punctuation.question), "?"
    elif set(mark) == {"!"}:
        new, plain = punctuation.exclamation, "."
    else:
        return sentence
    if calm and any(c in new for c in CHEERFUL_MARKS):
        new = plain
    return sentence[:match.start("mark")] + new + match.group("trail")


def is_question(sentence: str) -> bool:
    return "?" in sentence.rstrip()[-3:]


def _bare(word: str) -> str:
    return word.strip(" ,.!~…")


def calm_needed(sentence: str, original: str | None = None, context: "TurnContext | None" = None) -> str | None:
    """Why this sentence must stay undecorated (None when it may be playful)."""
    if context is not None and context.subdued:
        return "care state or risk in the conversation"
    if context is not None and context.emotion in HEAVY_EMOTIONS:
        return f"the user's message is heavy ({context.emotion})"
    # the source is read by lemma; the styled text only for the words a persona may add
    if is_distress(sentence, lemmas=original is None) or (original is not None and is_distress(original)):
        return "the sentence is about pain, risk, grief, illness or self-criticism"
    if is_checking_question(original or sentence):
        return "a careful check (혹시 …?): asked plainly"
    return None


def is_checking_question(sentence: str) -> bool:
    """혹시 …? is how a counsellor asks what may hurt (혹시 오늘 밤 혼자 계시나요?): never playful."""
    return sentence.lstrip().startswith("혹시") and is_question(sentence)


def decorate(sentence: str, persona: "Persona", rng: random.Random, original: str | None = None,
             context: "TurnContext | None" = None, trace: list | None = None, voice: "Voice | None" = None) -> str:
    """Substitutions and punctuation always; interjection and emoji by chance, never on a
    sentence about pain (checked on the styled text and on `original`) nor while the
    conversation is subdued. `trace` collects (rule, before, after) for --explain."""
    style = persona.style
    deco = style.decorations
    calm = calm_needed(sentence, original, context)
    substitutions = voice.substitutions if voice else style.substitutions
    if calm is not None:
        substitutions = {w: v for w, v in substitutions.items() if v not in CASUAL_WORDS}
    substituted = substitute(sentence, substitutions)
    _note(trace, "substitutions" + (" (yaml + mined words)" if voice and "words" in voice.sources else ""), sentence, substituted)
    out = punctuate(substituted, style, calm=calm is not None, voice=voice)
    _note(trace, "punctuation", substituted, out)
    prefixes = voice.prefixes if voice else tuple(deco.prefixes)
    prefix_rate = voice.prefix_rate if voice else deco.prefix_rate
    # Draw both every time so one choice does not shift the others.
    prefix_roll, prefix = rng.random(), rng.choice(prefixes) if prefixes else None
    emoji_roll, emoji = rng.random(), rng.choice(deco.emoji) if deco.emoji else None
    if calm is None and out.rstrip().endswith(","):
        calm = "a greeting or fragment before a comma (안녕,): the sentence goes on"
    if calm is not None:
        if trace is not None and (prefixes or deco.emoji):
            trace.append(("calm", out, f"no interjection or emoji: {calm}"))
        return out
    if prefix is not None and prefix_roll < prefix_rate and _prefix_fits(prefix, out, original) \
            and not _OPENED.match(out):
        before, out = out, f"{prefix} {out}"
        _note(trace, "interjection", before, out)
    if emoji is not None and emoji_roll < deco.emoji_rate:
        before, out = out, f"{out} {emoji}"
        _note(trace, "emoji", before, out)
    return out


# A sentence that already opens with a short word and a comma (그게, 저기, 음,): no second opener.
_OPENED = re.compile(r"^\s*(그게|저기|음|있잖아|그러니까|그니까|근데|사실)(,|\.\.)\s")


def _prefix_fits(prefix: str, sentence: str, original: str | None = None) -> bool:
    """그럼그럼, 요즘 어때? agrees with nothing: no agreement before a question, nor before
    a request or an invitation (그럼그럼, 말해 줘)."""
    if _bare(prefix) not in AGREEMENT:
        return True
    if is_question(sentence):
        return False
    preds = find_predicates(list(analysed(original or sentence)))
    return not (preds and preds[-1].mood in (Mood.IMPERATIVE, Mood.SUGGESTION))


# Emoji, emoticons and laughter: anything playful a decoration can add.
_PLAYFUL = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\u2764♡♥]|[(（][^()（）가-힣]{1,12}[)）]|\^\^|ㅎㅎ|ㅋㅋ|"
                      + "|".join(LAUGHTER[:-2]))


def playful_added(source: str, output: str) -> list[str]:
    """The playful pieces (emoji, emoticons, laughter, !, ~) in `output` that `source` did
    not have: the sentence-level check that a calm sentence stayed calm."""
    added = [m.group(0) for m in _PLAYFUL.finditer(output) if m.group(0) not in source]
    added += [mark for mark in ("!", "~") if output.count(mark) > source.count(mark)]
    return added


def _note(trace: list | None, rule: str, before: str, after: str) -> None:
    if trace is not None and before != after:
        trace.append((rule, before, after))
