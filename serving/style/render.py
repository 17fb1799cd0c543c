"""Render one predicate at a target speech level.

Conventions (also in data/style_levels.md):
- 해체 and 하오체 drop the 시 that honours the listener (힘드셨겠어요 → 힘들었겠어 /
  힘들었겠소) and use the plain verb for 드시다/주무시다/계시다; a 시 for an honoured third
  person (어머니께서 ...) stays. 하오체 imperatives keep it as part of -(으)시오.
- Imperative: 해체 -어, 합쇼체 -(으)십시오, 하오체 -(으)시오, 해요체 -(으)세요.
- Suggestion: 해체 -자, 합쇼체 -(으)시지요, 하오체 -(으)ㅂ시다, 해요체 -어요.
- 합쇼체 has no forms for 군요/ㄹ까요, so formal speech keeps them (as SmileStyle's
  `gentle` column does); 네요 becomes 군요 there. 하오체 uses -구려 for both.
"""

from __future__ import annotations

from serving.style.analysis import Tok, join
from serving.style.endings import HEARSAY, Family, Mood, intimate_form, polite_form
from serving.style.hangul import attach_formal, attach_hao, ends_with_vowel_sound, final_of, with_final
from serving.style.levels import HAO_TAILS, INTIMATE_LEVELS, QUESTION_TAILS, STATEMENT_TAILS, TAILS, SpeechLevel
from serving.style.predicates import NEUN_STEMS, Predicate, is_verb, passing_away

Morph = tuple[str, str]

PLAIN_FOR_HONORIFIC = {"드시": "먹", "주무시": "자", "계시": "있"}
# 드시다 is the honorific of 먹다 and 마시다, but 드세요 is also 들 + 시 + 어요 (마음에 드세요,
# 생각이 드셨어요, 잠이 드셨어요): the nearest noun before the verb decides the sense.
DRINK_CUES = {"물", "차", "커피", "우유", "주스", "음료", "음료수", "잔", "술", "녹차", "코코아", "국물"}
DEUL_CUES = {"생각", "마음", "기분", "느낌", "잠", "확신", "의문", "의심", "용기", "비용", "돈", "시간",
             "정", "겁", "힘", "감", "욕심", "눈", "맘", "죄책감", "후회", "걱정", "두려움", "불안", "억울함"}
GREETINGS = {SpeechLevel.HAE: "안녕", SpeechLevel.HAEYO: "안녕하세요", SpeechLevel.HAPSYO: "안녕하십니까",
             SpeechLevel.HAO: "안녕하시오", SpeechLevel.HAGE: "안녕한가"}
_INTIMATE = INTIMATE_LEVELS
_NOTICING_TAILS = ("다니까", "다니깐", "구먼")  # tails that may also replace 네요/군요
# Endings of the families 하오체/하게체 build from a linked form (key + "?" for a question).
_OLD_FORMS = {
    SpeechLevel.HAO: {"lge": "겠소", "janha": "지 않소", "retro": "더구려", "lgeol": " 것이오", "eoyaji": " 하오",
                      "nikka": " 말이오", "dago": " 했소"},
    SpeechLevel.HAGE: {"lge": "겠네", "lge?": "겠는가", "lkka?": "겠는가", "llae?": "겠는가", "janha": "지 않은가",
                       "retro": "더군", "lgeol": " 걸세", "eoyaji": " 하네", "eoyaji?": " 하는가", "nikka": " 말일세",
                       "dago": " 했네", "dago?": " 했는가"},
}
_TELLING_TAILS = ("다니까", "다니깐", "다네", "지")  # tails that insist or tell what one knows
_PERFORMATIVE_STEMS = {"고맙", "반갑", "미안하", "죄송하", "감사하", "축하하"}
_SPEAKER_FEELINGS = {"궁금", "궁금하", "기쁘", "설레", "걱정되", "걱정", "아쉽", "안타깝", "싶", "다행", "뿌듯하", "미안", "속상하",
                     "대단하", "대단", "멋지", "훌륭하", "훌륭", "장하", "기특하", "기특", "든든하", "든든", "신기하", "신기",
                     "반갑", "고맙"}
_PERFORMATIVE_NOUNS = {"감사", "축하", "환영", "미안", "죄송"}


def plain_for_honorific(stem: str, toks: list[Tok], text: str | None = None, at: int | None = None) -> str | None:
    """먹/마시/들, 자, 있 for 드시, 주무시, 계시; None for any other stem, or when the stem
    starts inside a word (힘드실 is 힘들 + 시, whatever Kiwi says)."""
    if stem not in PLAIN_FOR_HONORIFIC:
        return None
    if text is not None and at is not None and at > 0 and ("가" <= text[at - 1] <= "힣"):
        return None
    if stem == "드시":
        return _deusi_sense(toks, at)
    return PLAIN_FOR_HONORIFIC.get(stem)


def _deusi_sense(toks: list[Tok], at: int | None) -> str:
    before = [t for t in toks if at is None or t.start < at]
    for tok in reversed(before):
        if not tok.tag.startswith("NN"):
            continue
        if tok.form == "잠":
            nxt = toks[toks.index(tok) + 1] if toks.index(tok) + 1 < len(toks) else None
            return "자" if nxt is not None and nxt.form in {"은", "는", "을", "를", "ᆯ", "도"} else "들"  # 잠은 잘 자?
        if tok.form in DEUL_CUES or tok.form.endswith(("감", "생각")):
            return "들"
        if tok.form in DRINK_CUES:
            return "마시"
        break  # the nearest noun is something else: food, or the meal itself
    if any(t.form in DRINK_CUES and t.tag.startswith("NN") for t in toks):
        return "마시"
    return "먹"


class Renderer:
    """Builds the new surface text for tokens[pred.first .. pred.last]."""

    def __init__(self, toks: list[Tok], text: str, pred: Predicate, honoured: bool,
                 overrides: dict[int, list[Morph]]):
        self.toks, self.text, self.pred = toks, text, pred
        self.honoured = honoured
        self.overrides = overrides

    # -- building blocks -------------------------------------------------------------
    def _morphs(self, a: int, b: int) -> list[Morph]:
        out: list[Morph] = []
        for i in range(a, b):
            out.extend(self.overrides.get(i, [self.toks[i].morph]))
        return out

    def base(self, hon: bool, tense: bool = True) -> list[Morph]:
        """lead + stem (+ 시) (+ 었/겠): everything before the final ending."""
        p = self.pred
        stem_form, stem_tag = self.overrides.get(p.stem, [self.toks[p.stem].morph])[0]
        plain = plain_for_honorific(stem_form, self.toks, self.text, self.toks[p.stem].start)
        lexical = plain is not None
        if lexical and not hon:
            stem_form, stem_tag = plain, "VV"
        morphs = self._morphs(p.first, p.stem) + [(stem_form, stem_tag)]
        if hon and not lexical:
            morphs.append(("시", "EP"))
        if tense:
            morphs.extend(self.toks[i].morph for i in p.tense)
        return morphs

    def surface(self, hon: bool, tense: bool = True) -> str:
        return join(self.base(hon, tense))

    def keep_hon(self) -> bool:
        """Whether 시 stays at an intimate level: only for an honoured third person
        (돌아가셨어요, to pass away, is always about one)."""
        return self.pred.honorific and (self.honoured or passing_away(self.toks, self.pred.stem))

    def takes_neun(self) -> bool:
        """Present-tense verbs take 는- (가는구나); adjectives and past forms do not."""
        p = self.pred
        if p.tense:
            return False
        before = self.toks[p.stem - 1] if p.stem > 0 else None
        if self.toks[p.stem].form == "보" and before is not None and before.form in {"ᆫ가", "은가", "는가", "나"}:
            return False  # 바쁜가 보다 (a guess) conjugates as an adjective: 보다니깐, not 본다니깐
        return is_verb(self.toks, p.stem) or self.toks[p.stem].form in NEUN_STEMS

    def noun_ends_in_vowel(self) -> bool:
        """Whether the noun before 이다 ends in a vowel: the writer's own choice between
        이에요/예요 (이야/야) decides; the noun's sound only when the ending does not say."""
        p = self.pred
        vcp = self.toks[p.stem]
        if p.stem > p.first and vcp.start < self.toks[p.stem - 1].end:
            return ends_with_vowel_sound(self._noun_text())  # fused 건 = 거 + 이
        noun_end = self.toks[p.stem - 1].end if p.stem > p.first else vcp.start
        written = self.text[noun_end:self.toks[p.last].end]
        if written.startswith("이"):
            return False
        if written[:1] in ("예", "야", "였", "여"):
            return True
        if vcp.start == vcp.end:
            return True  # Kiwi saw 이 contracted away: 의사예요
        return ends_with_vowel_sound(self.text[:noun_end])

    def _is_greeting(self) -> bool:
        """안녕하세요: a greeting, not a statement (안녕해) nor a farewell (안녕하십시오)."""
        p = self.pred
        return (p.stem > 0 and self.toks[p.stem - 1].form == "안녕" and self.toks[p.stem].form == "하"
                and self.toks[p.stem - 1].end == self.toks[p.stem].start and not p.tense and p.honorific)

    def _bound_geo(self) -> bool:
        """The bound noun 거 (것) before 이다 contracts (겁니다, 것이오); 증거 does not."""
        p = self.pred
        noun = self.toks[p.stem - 1] if p.stem > 0 else None
        return noun is not None and noun.form == "거" and noun.tag == "NNB"

    def is_copula(self) -> bool:
        return self.toks[self.pred.stem].tag == "VCP"

    # -- entry point -----------------------------------------------------------------
    def render(self, level: SpeechLevel, tail: str | None = None) -> str | None:
        p = self.pred
        if self._is_greeting():
            return GREETINGS[level][len("안녕"):]  # the word starts at 하: 안녕 stays
        if tail is None and p.ending.level is level and not (p.honorific and not self.keep_hon() and level in _INTIMATE):
            return None  # already there (a listener 시 at an intimate level still goes)
        if level is SpeechLevel.HAE:
            return self._hae(tail)
        if level is SpeechLevel.HAEYO:
            return self._haeyo()
        if level is SpeechLevel.HAPSYO:
            return self._hapsyo()
        if level is SpeechLevel.HAGE:
            return self._hage()
        return self._hao(tail)

    # -- 해체 ----------------------------------------------------------------------
    def _hae(self, tail: str | None) -> str:
        p, hon = self.pred, self.keep_hon()
        if tail == "구먼" and self.toks[p.stem].tag == "VCN":
            tail = None  # 네 탓이 아니구먼 reads as a discovery, not a reassurance: 아니야
        if tail == "네" and (self._future_guess() or self.toks[p.stem].tag == "VCN"):
            tail = None  # 가벼워질 거네, 네 잘못이 아니네: a guess or a reassurance (하게체 걸세/아닐세 is another matter)
        if p.mood is Mood.IMPERATIVE:
            return join(self.base(False, tense=False) + [("어", "EF")])
        if p.mood is Mood.SUGGESTION:
            return join(self.base(False, tense=False) + [("자", "EF")])
        if self._polite_request():
            return join(self.base(False, tense=False) + [("ᆯ래", "EF")])  # 떠올려 보시겠어요? → 떠올려 볼래?
        if p.family in (Family.PLAIN, Family.NA):
            if tail and self.tail_fits(tail):
                return self._hae_tail(tail, hon)
            if self.is_copula() and not p.tense and not hon:
                return self._noun_text() + ("야" if self.noun_ends_in_vowel() else "이야")
            if self.toks[p.stem].tag == "VCN" and not p.tense and not hon:
                return join(self.base(False)) + "야"
            return join(self.base(hon) + [("어", "EF")])
        if tail in _NOTICING_TAILS and p.family in (Family.NE, Family.GUN) and self.tail_fits(tail):
            return self._hae_tail(tail, hon)  # 할로윈이네요 → 할로윈이라니깐, 아쉽네요 → 아쉽구먼
        if p.family is Family.NDE and self.is_copula() and not p.tense and not hon and self._bound_geo():
            return self._noun_text()[:-1] + "건데"  # 걱정되는 건데? (거 + 이 + ㄴ데), not 거인데
        form = intimate_form(p.form) if p.ending.level is SpeechLevel.HAEYO else p.form
        if p.family is Family.GUN:
            form = "는구나" if self.takes_neun() else "구나"
        return join(self.base(hon) + [(form, "EF")]).replace("터인데", "텐데")  # 될 텐데

    def _hae_tail(self, tail: str, hon: bool, hage: bool = False) -> str:
        """A statement or question ended the persona's way instead of the level's plain
        ending: 다니까/다니깐, 구먼, 다네, 네 (하게체, 일세 after a noun), 지; 는가 asks."""
        p = self.pred
        nikka = "니깐" if tail.endswith("니깐") else "니까"
        if tail in ("냐니까", "냐니깐"):
            return self._asking_tail(hon, nikka)
        if self.is_copula() and not p.tense and not hon:
            noun, vowel = (self._formal_noun_text(), False) if hage and self._mwo() else \
                (self._noun_text(), self.noun_ends_in_vowel())
            i = "" if vowel else "이"
            if tail == "네" and not hage:
                return noun + i + "네"  # 해체: 친구네, 사람이네 (일세 is the king's 하게체)
            if tail == "네" and noun.endswith("거") and self._bound_geo():
                return noun[:-1] + "걸세"  # 괜찮아질 걸세
            if tail == "는가" and noun.endswith("거") and self._bound_geo():
                return noun[:-1] + "건가"  # 잘못 이해한 건가, not 거인가
            return noun + {"다니까": i + "라니까", "다니깐": i + "라니깐", "구먼": i + "구먼", "다네": i + "라네",
                           "네": "일세", "지": i + "지", "는가": "인가", "다": i + "다"}[tail]
        if self.toks[p.stem].tag == "VCN" and not p.tense:
            if tail == "네" and not hage:
                return self.surface(hon) + "네"  # 아니네
            if tail in ("네", "는가"):
                return join(self.base(hon) + [("ᆯ세" if tail == "네" else "ᆫ가", "EF")])  # 아닐세, 아닌가
            return self.surface(hon) + {"다니까": "라니까", "다니깐": "라니깐", "구먼": "구먼", "다네": "라네",
                                        "지": "지", "다": "다"}[tail]
        if tail == "다":
            return self.surface(hon) + "다"  # 힘들었겠다, 고맙다 (adjectives and guesses only: tail_fits)
        if tail in ("다니까", "다니깐", "다네"):
            rest = nikka if tail != "다네" else "네"
            if self.takes_neun() and self.toks[p.stem].form not in NEUN_STEMS:
                ending = "ᆫ다" if final_of(self.surface(hon)[-1:]) in ("", "ㄹ") else "는다"
                return join(self.base(hon) + [(ending, "EF")]) + rest
            return self.surface(hon) + "다" + rest
        if tail == "구먼":
            if self.takes_neun():
                return join(self.base(hon) + [("는구나", "EF")])[:-2] + "구먼"
            return self.surface(hon) + "구먼"
        if tail == "는가":
            neun = p.tense or self.takes_neun()
            return join(self.base(hon) + [("는가" if neun else "ᆫ가", "EF")])
        return join(self.base(hon) + [(tail, "EF")])  # 네, 지

    def _asking_tail(self, hon: bool, nikka: str) -> str:
        """뭐 하냐니깐, 친구냐니깐, 괜찮았냐니깐: a question insisted on."""
        p = self.pred
        if self.is_copula() and not p.tense and not hon:
            return self._noun_text() + ("" if self.noun_ends_in_vowel() else "이") + "냐" + nikka
        return join(self.base(hon) + [("냐", "EF")]) + nikka

    def _linked_ni(self, hon: bool) -> str:
        """-(으)니 (힘들었으니, 아프니, 거니): 으 after a consonant other than ㄹ."""
        bare = self.surface(hon)
        final = final_of(bare[-1:])
        if final == "ㄹ":
            return join(self.base(hon) + [("니", "EC")])  # 힘드니 (ㄹ drops)
        return join(self.base(hon) + [("으니" if final else "니", "EC")])  # 그렇 + 으니 → 그러니

    def _echo(self) -> str:
        """The quoting part of 다고요 (울었다고, 탓이라고), to which 하오/하게 add 했소/했네."""
        return join(self.base(self.keep_hon()) + [(intimate_form(self.pred.form), "EC")])

    def _mwo(self) -> bool:
        p = self.pred
        return p.stem > 0 and self.toks[p.stem - 1].morph == ("뭐", "NP")

    def _formal_noun_text(self) -> str:
        """뭐 is spoken: 무엇입니까, 무엇이오, 무엇인가 (not 뭐입니까)."""
        noun = self._noun_text()
        return noun[:-1] + "무엇" if self._mwo() and noun.endswith("뭐") else noun

    def _noun_text(self) -> str:
        p = self.pred
        fused = p.stem > p.first and self.toks[p.stem].start < self.toks[p.stem - 1].end  # 건가요 = 거 + 이 + ㄴ가요
        if fused or any(i in self.overrides for i in range(p.first, p.stem)):
            return join(self._morphs(p.first, p.stem))
        return self.text[self.toks[p.first].start:self.toks[p.stem].start]

    def tail_fits(self, tail: str) -> bool:
        mood = self.pred.mood
        if tail in ("다네", "지") and (self._performative() or self._guess()):
            return False  # 감사하지, 축하하지, 지쳤겠다네: thanks and guesses are not told as known facts
        if tail in ("구먼", *_TELLING_TAILS) and self._wish():
            return False  # 탓하지 않았으면 하지 / 하는구먼: a wish is said plainly
        if tail in ("네", "구먼") and self._permission():
            return False  # 울어도 괜찮네/괜찮구먼 reads as a discovery, not a reassurance
        if tail == "다네" and self._feeling():
            return False  # 마음이 아프다네: the speaker's feeling is not told as a known fact
        if tail == "다":
            p = self.pred
            stem = self.toks[p.stem]
            noun = self.toks[p.stem - 1].form if p.stem > 0 else ""
            # adjectives (고맙다, 궁금하다) and 다행이다; a noun -다 (거다, 고민이다) reads as narration
            plain_present = not p.tense and stem.tag not in {"VCN"} and (
                noun == "다행" if self.is_copula() else not self.takes_neun())
            return mood is Mood.STATEMENT and p.family is Family.PLAIN and not self._permission() and (
                any(self.toks[i].form == "겠" for i in p.tense) or plain_present)  # 힘들었겠다, 다행이다
        return (tail in STATEMENT_TAILS and mood is Mood.STATEMENT) or (tail in QUESTION_TAILS and mood is Mood.QUESTION)

    def _guess(self) -> bool:
        """-겠-, -ㄹ 것 같다 or -ㄴ가/나 보다 (바쁘신가 봐요): the speaker guesses."""
        p = self.pred
        before = self.toks[p.stem - 1] if p.stem > 0 else None
        return any(self.toks[i].form == "겠" for i in p.tense) or (
            self.toks[p.stem].form == "같" and before is not None and before.form in {"것", "거"}) or (
            self.toks[p.stem].form == "보" and before is not None and before.tag == "EC"
            and before.form in {"ᆫ가", "은가", "는가", "나"})

    def _polite_request(self) -> bool:
        """-(으)시겠어요? on the listener's verb (떠올려 보시겠어요?): a request, not a forecast."""
        p = self.pred
        return p.mood is Mood.QUESTION and p.family is Family.PLAIN and p.honorific and not self.keep_hon() \
            and [self.toks[i].form for i in p.tense] == ["겠"] and is_verb(self.toks, p.stem)

    def _future_guess(self) -> bool:
        """-ㄹ 거예요 (가벼워질 거예요): a guess about what will be; 거네 would read as a discovery."""
        p = self.pred
        return self.is_copula() and self._bound_geo() and p.stem >= 2 and self.toks[p.stem - 2].tag == "ETM" \
            and self.toks[p.stem - 2].form in {"ᆯ", "을"}

    def _feeling(self) -> bool:
        """The speaker's own feeling (궁금해요, 마음이 아파요): not told as a known fact (다네)."""
        p = self.pred
        stem = self.toks[p.stem]
        before = self.toks[p.stem - 1] if p.stem > 0 else None
        return stem.form in _SPEAKER_FEELINGS or (before is not None and before.form in _SPEAKER_FEELINGS) or (
            stem.form == "아프" and any(t.form == "마음" for t in self.toks[:p.stem]))

    def _admiring(self) -> bool:
        """-ㄴ데요? on an adjective (멋진데요?, 좋은데요?) admires; on a verb it asks (어디 가는데요?)."""
        return self.pred.family is Family.NDE and not self.takes_neun() and not self.pred.tense \
            and not self.is_copula()  # 걱정되시는 건데요? asks what it is

    def _wish(self) -> bool:
        """-었으면 하다 (쉬었으면 해요): a wish."""
        p = self.pred
        before = self.toks[p.stem - 1] if p.stem > 0 else None
        return self.toks[p.stem].form == "하" and before is not None and before.tag == "EC" \
            and before.form in {"면", "으면"}

    def _permission(self) -> bool:
        """-어도 괜찮다/되다 (울어도 괜찮아요): permission, or 괜찮다 alone (reassurance)."""
        p = self.pred
        before = self.toks[p.stem - 1] if p.stem > 0 else None
        return self.toks[p.stem].form in {"괜찮", "되"} and (
            self.toks[p.stem].form == "괜찮" or (before is not None and before.form in {"어도", "아도", "여도"}))

    def _performative(self) -> bool:
        """Thanking, congratulating, apologising, welcoming: said, not claimed."""
        p = self.pred
        stem = self.overrides.get(p.stem, [self.toks[p.stem].morph])[0][0]
        if stem in _PERFORMATIVE_STEMS:
            return True
        before = self.toks[p.stem - 1] if p.stem > 0 else None
        return stem in {"하", "드리"} and before is not None and before.form in _PERFORMATIVE_NOUNS

    # -- 해요체 (from another level) -----------------------------------------------------
    def _haeyo(self) -> str:
        p = self.pred
        if p.mood is Mood.IMPERATIVE:
            return self._seyo()
        if p.mood is Mood.SUGGESTION:
            return join(self.base(False, tense=False) + [("어요", "EF")])
        if p.family in (Family.PLAIN, Family.NA):
            if self.is_copula() and not p.tense and not p.honorific:
                return self._noun_text() + ("예요" if self.noun_ends_in_vowel() else "이에요")
            if self.toks[p.stem].tag == "VCN" and not p.tense and not p.honorific:
                return self.surface(False) + "에요"
            if p.honorific and not p.tense:
                return self._seyo()
            return join(self.base(p.honorific) + [("어요", "EF")])
        return join(self.base(p.honorific) + [(polite_form(p.form), "EF")])

    def _seyo(self) -> str:
        surface = self.surface(True, tense=False)
        return surface[:-1] + "세요" if surface.endswith("시") else surface + "세요"

    # -- 합쇼체 ----------------------------------------------------------------------
    def _hapsyo(self) -> str:
        p = self.pred
        if p.mood is Mood.IMPERATIVE:
            return attach_formal(self.surface(True, tense=False), "시오")
        if p.mood is Mood.SUGGESTION:
            return self.surface(True, tense=False) + "지요"
        question = p.mood is Mood.QUESTION
        hon = p.honorific
        if p.family is Family.NE or p.family is Family.GUN:
            return join(self.base(hon) + [("는군요" if self.takes_neun() else "군요", "EF")])
        if p.family is Family.LKKA:
            return join(self.base(hon) + [("ᆯ까요", "EF")])
        if p.family is Family.NIKKA:
            return join(self.base(hon) + [("니까요", "EF")])  # no 합쇼 form: stays polite
        if p.family is Family.DAGO:
            return join(self.base(hon) + [(polite_form(p.form), "EF")])  # 우셨다고요: no 합쇼 form either
        if p.family is Family.LGE:
            return self.surface(hon) + "겠습니다"
        if p.family is Family.LLAE:
            return self.surface(True if question else hon) + ("겠습니까" if question else "겠습니다")
        if p.family is Family.JANHA:
            if p.tense:  # 내디디셨잖아요 → 내디디지 않으셨습니까 (the past goes on 않)
                return self.surface(False, tense=False) + ("지 않으셨습니까" if hon else "지 않았습니까")
            return self.surface(hon) + "지 않습니까"
        if p.family is Family.RETRO:
            return join(self.base(hon) + [("더군요", "EF")])
        if p.family is Family.LGEOL:
            return join(self.base(hon) + [("ᆯ", "ETM")]) + " 겁니" + ("까" if question else "다")
        if p.family is Family.DAE:
            formal = HEARSAY[intimate_form(p.form)][0]
            return join(self.base(hon) + [(formal[:-1] + ("까" if question else "다"), "EF")])
        if p.family is Family.EOYAJI:
            return join(self.base(hon) + [("어야", "EC")]) + " 합니" + ("까" if question else "다")
        ending = "니까" if question else "니다"
        if self.is_copula() and not p.tense and not hon:
            noun = self._formal_noun_text()
            if noun.endswith("거") and self._bound_geo():
                return attach_formal(noun, ending)   # 거 + 입니다 → 겁니다
            return noun + "입" + ending
        return attach_formal(self.surface(hon), ending)

    # -- 하게체 ----------------------------------------------------------------------
    def _hage(self) -> str:
        """하게체, every predicate (a king talking down kindly): 들었네, 아닐세, 힘든가,
        쉬어 보게, 같이 찾아보세, 듣겠네, 좋더군, 한다네, 괜찮을 걸세, 잘하고 있지 않은가."""
        p, hon = self.pred, self.keep_hon()
        question = p.mood is Mood.QUESTION
        if p.mood is Mood.IMPERATIVE:
            return join(self.base(False, tense=False) + [("게", "EF")])
        if p.mood is Mood.SUGGESTION:
            return self._hage_invitation()
        old = self._old_family(SpeechLevel.HAGE, hon, question)
        if old is not None:
            return old
        if question and self._admiring():
            return self._hae_tail("네", hon, hage=True)  # 멋진데요? → 멋지네?: admiring, not asking
        if question:
            return self._hae_tail("는가", hon, hage=True)
        return self._hae_tail("다네" if self._tells() else "네", hon, hage=True)

    def _tells(self) -> bool:
        """A plain present statement the king tells (누구에게나 있다네, 괜찮다네): 하게체 -다네;
        the past, guesses, thanks, wishes, the speaker's feelings and praise take -네
        (애썼네, 힘들었겠네, 고맙네, 궁금하네, 대단하네), a noun 일세 (자연스러운 일일세)."""
        p = self.pred
        stem, before = self.toks[p.stem], self.toks[p.stem - 1] if p.stem > 0 else None
        feeling = stem.form in _SPEAKER_FEELINGS or (before is not None and before.form in _SPEAKER_FEELINGS) \
            or self._guess()  # 궁금하네, 알 것 같네
        feeling = feeling or self._feeling()  # 마음이 아프네, not 아프다네
        return p.family is Family.PLAIN and p.mood is Mood.STATEMENT and not self._performative() and not feeling \
            and not self._wish() and not p.tense \
            and self.toks[p.stem].tag not in {"VCP", "VCN"}  # 일이라네/아니라네: 일세, 아닐세 read better

    def _hage_invitation(self) -> str:
        """-(으)세: 찾아보세, 먹으세, 걸으세, 말하지 마세 (ㄹ drops)."""
        eu_stem = join(self.base(False, tense=False) + [("으면", "EC")])[:-1]
        if final_of(eu_stem[-1:]) == "ㄹ":
            eu_stem = eu_stem[:-1] + with_final(eu_stem[-1], "")
        return eu_stem + "세"

    def _old_family(self, level: SpeechLevel, hon: bool, question: bool) -> str | None:
        """The families 하오체 and 하게체 build from a linked form plus a word (듣겠소/듣겠네,
        있지 않소/있지 않은가, 괜찮을 것이오/걸세, 힘들었으니 말이오/말일세); None for the others."""
        p, forms = self.pred, _OLD_FORMS[level]
        key = p.family.value + ("?" if question else "")
        if p.family is Family.LKKA and question and self.is_copula() and not p.tense:
            return None  # 몇 점 정도일까요? → 정도인가 / 정도이오 (not 정도이겠는가)
        if p.family in (Family.LGE, Family.LKKA, Family.LLAE):
            return self.surface(hon) + forms.get(key, forms["lge"])
        if p.family is Family.JANHA:
            if p.tense and self.toks[p.tense[0]].form in {"었", "았", "였"}:  # 내디뎠잖아요 → 내디디지 않았는가
                return self.surface(hon, tense=False) + forms["janha"].replace("않", "않았", 1).replace("않았은가", "않았는가")
            return self.surface(hon) + forms["janha"]
        if p.family is Family.RETRO:
            return join(self.base(hon) + [(forms["retro"], "EF")])
        if p.family is Family.LGEOL:
            return join(self.base(hon) + [("ᆯ", "ETM")]) + forms["lgeol"]
        if p.family is Family.DAE:
            index = 1 if level is SpeechLevel.HAO else 2
            return join(self.base(hon) + [(HEARSAY[intimate_form(p.form)][index], "EF")])
        if p.family is Family.EOYAJI:
            return join(self.base(hon) + [("어야", "EC")]) + forms.get(key, forms["eoyaji"])
        if p.family is Family.NIKKA:
            linked = self._linked_ni(hon)
            if linked.endswith("거니"):
                linked = linked[:-2] + "것이니"
            return linked + forms["nikka"]                # 힘들었던 것이니 말이오
        if p.family is Family.DAGO:
            return self._echo() + forms.get(key, forms["dago"])  # 혼자 울었다고 했소
        return None

    # -- 하오체 ----------------------------------------------------------------------
    def _hao(self, tail: str | None = None) -> str:
        p = self.pred
        hage = tail in HAO_TAILS
        if hage and p.family in (Family.PLAIN, Family.NA, Family.NE, Family.GUN) and self.tail_fits(tail):
            return self._hae_tail(tail, self.keep_hon(), hage=True)  # 하게체 (king): 들었네, 버텼네, 힘든가
        if tail == "네" and p.mood is Mood.IMPERATIVE:
            return join(self.base(False, tense=False) + [("게", "EF")])  # 하게체 command: 쉬어 보게
        if tail == "네" and p.mood is Mood.SUGGESTION:
            return self._hage_invitation()  # 하게체 invitation: 같이 찾아보세
        if p.mood is Mood.IMPERATIVE:
            return self.surface(True, tense=False) + "오"
        if p.mood is Mood.SUGGESTION:
            eu_stem = join(self.base(False, tense=False) + [("으면", "EC")])[:-1]
            return attach_formal(eu_stem, "시다")
        hon = self.keep_hon()
        if p.family is Family.NE or p.family is Family.GUN or (p.mood is Mood.QUESTION and self._admiring()):
            if self.is_copula() and not p.tense and not hon and self._bound_geo():
                return self._noun_text()[:-1] + "것이구려"  # 불안한 것이구려 (거 is spoken)
            return join(self.base(hon) + [("는구려" if self.takes_neun() else "구려", "EF")])
        old = self._old_family(SpeechLevel.HAO, hon, p.mood is Mood.QUESTION)
        if old is not None:
            return old
        if self.is_copula() and not p.tense and not hon:
            noun = self._formal_noun_text()
            if noun.endswith("거") and self._bound_geo():
                noun = noun[:-1] + "것"
            return noun + "이오"
        return attach_hao(self.surface(hon))
