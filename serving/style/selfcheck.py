"""Re-read every rule output with Kiwi before it is used: a rewrite that broke a word or
left the sentence half in one speech level and half in another is not sent.

Only problems the output has and its source does not count (a typo in the model's reply
is not the engine's doing). Problems, by name:

- ``broken word``: a verb or adjective stem glued to a noun-like piece in one word
  (어렵면 = 어렵 + 면/NNG, 듣면 = 듣 + 면/XR), or a new noun the source never had (춥면/NNG);
- ``broken ending``: 있/없 + 은데/은지/은가 (있은데 for 있는데);
- ``humble verb lost``: a noun glued to 주다 (축하줘) where the source had 드리다 (축하드려요);
- ``mixed level``: at 해체/하오체 a 해요체/합쇼체 ending is left (있을게요, 걱정 마); at 합쇼체 a
  해체 one.
"""

from __future__ import annotations

from serving.style.analysis import Tok, analyse, analysed
from serving.style.levels import INTIMATE_LEVELS, SpeechLevel
from serving.style.predicates import STEM_TAGS, find_predicates

_CONTENT_TAGS = {"NNG", "NNP", "XR", "UN"}
_GLUE_OK = ("E",)        # what may follow a stem inside one word: only endings
_EU_AFTER_ISS = ("은데", "은지", "은가")
_POLITE_MARKS = ("요", "ᆸ니다", "습니다", "ᆸ니까", "습니까")
# Levels an output at each target may also show: 하오체 personas use 하게체 tails (네, 는가),
# 합쇼체 keeps 군요/ㄹ까요/니까요 polite (there is no 합쇼 form).
_ALLOWED = {
    SpeechLevel.HAE: {SpeechLevel.HAE, None},
    SpeechLevel.HAO: {SpeechLevel.HAO, SpeechLevel.HAE, None},
    SpeechLevel.HAGE: {SpeechLevel.HAGE, SpeechLevel.HAE, None},   # 네, 는가 read as 해체 endings
    SpeechLevel.HAPSYO: {SpeechLevel.HAPSYO, SpeechLevel.HAEYO, None},
    SpeechLevel.HAEYO: {SpeechLevel.HAEYO, SpeechLevel.HAPSYO, None},
    SpeechLevel.EUM: {SpeechLevel.HAE, SpeechLevel.HAPSYO, None},   # -는가 questions; 안녕하십니까
}


def problems(source: str, output: str, level: SpeechLevel | None, check_level: bool = True) -> list[str]:
    """What is wrong with `output` (the rewrite of `source` at `level`) that was not
    already wrong with `source`; empty when it reads well."""
    if output == source:
        return []
    src, out = list(analysed(source)), analyse(output)
    found = _word_problems(out, output, source) - _word_problems(src, source, source)
    if _humble_lost(src, out):
        found.add("humble verb lost")
    if check_level and level is not None and _mixed(out, level):
        found.add("mixed level")
    return sorted(found)


def _word_problems(toks: list[Tok], text: str, source: str) -> set[str]:
    found = set()
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        glued = nxt is not None and nxt.start <= tok.end
        if tok.tag in STEM_TAGS and glued and not nxt.tag.startswith(_GLUE_OK):
            found.add("broken word")
        if tok.tag in _CONTENT_TAGS and not tok.quoted and tok.form not in source:
            found.add("broken word")
        if tok.form in ("있", "없") and tok.tag.startswith("V") and glued and nxt.form.startswith(_EU_AFTER_ISS):
            found.add("broken ending")
    return found


def _humble_lost(src: list[Tok], out: list[Tok]) -> bool:
    def glued_noun_verb(toks: list[Tok], verb: str) -> bool:
        return any(a.tag == "NNG" and b.form == verb and b.tag.startswith("V") and b.start == a.end
                   for a, b in zip(toks, toks[1:]))
    return glued_noun_verb(out, "주") and glued_noun_verb(src, "드리")


def _mixed(toks: list[Tok], level: SpeechLevel) -> bool:
    allowed = _ALLOWED[level]
    if any(p.ending.level not in allowed for p in find_predicates(toks)):
        return True
    # endings the rules do not know (거라니까요, 다면서요) are still polite by their 요
    return level in INTIMATE_LEVELS and any(
        t.tag in {"EF", "EC"} and not t.quoted and t.form.endswith(_POLITE_MARKS) for t in toks)
