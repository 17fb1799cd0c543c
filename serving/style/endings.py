"""What each sentence-final ending (종결 어미) is: its family, the level it belongs to,
and the sentence type it forces, so a predicate can be re-rendered at another level.

Forms are Kiwi's (ᆫ/ᆯ/ᆸ are the final-consonant jamo Kiwi uses for 은/을/읍 endings).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from serving.style.levels import SpeechLevel


class Family(Enum):
    PLAIN = "plain"        # 어요 / 어 / 습니다 / 소: the level's basic ending
    NE = "ne"              # 네요: mild surprise, noticing
    GUN = "gun"            # 군요: realising (그랬군요)
    JI = "ji"              # 지요/죠: shared knowledge, soft confirmation
    JANHA = "janha"        # 잖아요: reminding
    LGE = "lge"            # (으)ㄹ게요: promise
    LKKA = "lkka"          # (으)ㄹ까요: wondering, offering
    LLAE = "llae"          # (으)ㄹ래요: intention, invitation
    NDE = "nde"            # 는데요: soft statement with background
    GEODEUN = "geodeun"    # 거든요: giving the reason
    NA = "na"              # 나요/ㄴ가요: soft question
    RETRO = "retro"        # 더라고요/던데요: recalling what one saw
    GEOL = "geol"          # 는걸요: mild insistence
    LGEOL = "lgeol"        # (으)ㄹ걸요: guess
    DAE = "dae"            # 대요/ㄴ대요: hearsay
    EOYAJI = "eoyaji"      # 어야죠: "one should"
    NIKKA = "nikka"        # 니까요: giving the reason after the fact
    DAGO = "dago"          # 다고요: echoing what was said (혼자 우셨다고요, 힘드셨다고요?)


class Mood(Enum):
    STATEMENT = "statement"
    QUESTION = "question"
    IMPERATIVE = "imperative"
    SUGGESTION = "suggestion"


@dataclass(frozen=True)
class Ending:
    family: Family
    level: SpeechLevel | None       # None: 해라체 (plain written style), only ever a source
    mood: Mood | None = None        # a mood the ending itself fixes
    honorific: bool = False         # the ending contains 시 (세요 = 시 + 어요)


_H, _HY, _HS, _HO = SpeechLevel.HAE, SpeechLevel.HAEYO, SpeechLevel.HAPSYO, SpeechLevel.HAO
_P = Family.PLAIN

ENDINGS: dict[str, Ending] = {
    # 해요체
    "어요": Ending(_P, _HY), "아요": Ending(_P, _HY), "여요": Ending(_P, _HY),
    "에요": Ending(_P, _HY), "예요": Ending(_P, _HY), "이에요": Ending(_P, _HY),
    "세요": Ending(_P, _HY, honorific=True), "으세요": Ending(_P, _HY, honorific=True),
    "셔요": Ending(_P, _HY, honorific=True), "으셔요": Ending(_P, _HY, honorific=True),
    # 해체 / 해라체
    "어": Ending(_P, _H), "아": Ending(_P, _H), "여": Ending(_P, _H), "야": Ending(_P, _H),
    "이야": Ending(_P, _H), "자": Ending(_P, _H, Mood.SUGGESTION),
    "다": Ending(_P, None, Mood.STATEMENT), "ᆫ다": Ending(_P, None, Mood.STATEMENT),
    "는다": Ending(_P, None, Mood.STATEMENT),
    # 합쇼체
    "습니다": Ending(_P, _HS, Mood.STATEMENT), "ᆸ니다": Ending(_P, _HS, Mood.STATEMENT),
    "습니까": Ending(_P, _HS, Mood.QUESTION), "ᆸ니까": Ending(_P, _HS, Mood.QUESTION),
    "ᆸ시오": Ending(_P, _HS, Mood.IMPERATIVE), "십시오": Ending(_P, _HS, Mood.IMPERATIVE, True),
    "으십시오": Ending(_P, _HS, Mood.IMPERATIVE, True),
    # 하오체
    "소": Ending(_P, _HO), "오": Ending(_P, _HO), "으오": Ending(_P, _HO),
    "ᆸ시다": Ending(_P, _HO, Mood.SUGGESTION), "읍시다": Ending(_P, _HO, Mood.SUGGESTION),
    # the other families, polite and intimate forms
    "네요": Ending(Family.NE, _HY), "네": Ending(Family.NE, _H),
    "군요": Ending(Family.GUN, _HY), "는군요": Ending(Family.GUN, _HY),
    "구나": Ending(Family.GUN, _H), "는구나": Ending(Family.GUN, _H),
    "구려": Ending(Family.GUN, _HO), "는구려": Ending(Family.GUN, _HO),
    "지요": Ending(Family.JI, _HY), "죠": Ending(Family.JI, _HY), "지": Ending(Family.JI, _H),
    "잖아요": Ending(Family.JANHA, _HY), "잖아": Ending(Family.JANHA, _H),
    "ᆯ게요": Ending(Family.LGE, _HY), "을게요": Ending(Family.LGE, _HY),
    "ᆯ게": Ending(Family.LGE, _H), "을게": Ending(Family.LGE, _H),
    "ᆯ까요": Ending(Family.LKKA, _HY), "을까요": Ending(Family.LKKA, _HY),
    "ᆯ까": Ending(Family.LKKA, _H), "을까": Ending(Family.LKKA, _H),
    "ᆯ래요": Ending(Family.LLAE, _HY), "을래요": Ending(Family.LLAE, _HY),
    "ᆯ래": Ending(Family.LLAE, _H), "을래": Ending(Family.LLAE, _H),
    "ᆫ데요": Ending(Family.NDE, _HY), "은데요": Ending(Family.NDE, _HY),
    "는데요": Ending(Family.NDE, _HY), "ᆫ데": Ending(Family.NDE, _H),
    "은데": Ending(Family.NDE, _H), "는데": Ending(Family.NDE, _H),
    "고요": Ending(_P, _HY),  # 다행이고요 / 끝났고요: an afterthought, said as a plain statement
    "거든요": Ending(Family.GEODEUN, _HY), "거든": Ending(Family.GEODEUN, _H),
    "나요": Ending(Family.NA, _HY, Mood.QUESTION), "ᆫ가요": Ending(Family.NA, _HY, Mood.QUESTION),
    "은가요": Ending(Family.NA, _HY, Mood.QUESTION), "는가요": Ending(Family.NA, _HY, Mood.QUESTION),
    "니": Ending(Family.NA, _H, Mood.QUESTION), "냐": Ending(Family.NA, _H, Mood.QUESTION),
    "더라고요": Ending(Family.RETRO, _HY), "더라구요": Ending(Family.RETRO, _HY),
    "던데요": Ending(Family.RETRO, _HY), "더라고": Ending(Family.RETRO, _H),
    "더라구": Ending(Family.RETRO, _H), "던데": Ending(Family.RETRO, _H), "더라": Ending(Family.RETRO, _H),
    "더군요": Ending(Family.RETRO, _HS), "더구려": Ending(Family.RETRO, _HO),
    "는걸요": Ending(Family.GEOL, _HY), "ᆫ걸요": Ending(Family.GEOL, _HY), "은걸요": Ending(Family.GEOL, _HY),
    "는걸": Ending(Family.GEOL, _H), "ᆫ걸": Ending(Family.GEOL, _H), "은걸": Ending(Family.GEOL, _H),
    "ᆯ걸요": Ending(Family.LGEOL, _HY), "을걸요": Ending(Family.LGEOL, _HY),
    "ᆯ걸": Ending(Family.LGEOL, _H), "을걸": Ending(Family.LGEOL, _H),
    "대요": Ending(Family.DAE, _HY), "ᆫ대요": Ending(Family.DAE, _HY), "는대요": Ending(Family.DAE, _HY),
    "래요": Ending(Family.DAE, _HY), "대": Ending(Family.DAE, _H), "ᆫ대": Ending(Family.DAE, _H),
    "는대": Ending(Family.DAE, _H), "래": Ending(Family.DAE, _H),
    "니까요": Ending(Family.NIKKA, _HY), "으니까요": Ending(Family.NIKKA, _HY),
    "니까": Ending(Family.NIKKA, _H), "으니까": Ending(Family.NIKKA, _H),
    "다고요": Ending(Family.DAGO, _HY), "ᆫ다고요": Ending(Family.DAGO, _HY), "는다고요": Ending(Family.DAGO, _HY),
    "라고요": Ending(Family.DAGO, _HY), "냐고요": Ending(Family.DAGO, _HY),
    "다고": Ending(Family.DAGO, _H), "ᆫ다고": Ending(Family.DAGO, _H), "는다고": Ending(Family.DAGO, _H),
    "라고": Ending(Family.DAGO, _H), "냐고": Ending(Family.DAGO, _H),
    "어야죠": Ending(Family.EOYAJI, _HY), "어야지요": Ending(Family.EOYAJI, _HY),
    "아야죠": Ending(Family.EOYAJI, _HY), "어야지": Ending(Family.EOYAJI, _H), "아야지": Ending(Family.EOYAJI, _H),
}

# Hearsay endings at the formal levels: 대요 → 답니다 (합쇼체) / 다오 (하오체) / 다네 (하게체).
HEARSAY = {"대": ("답니다", "다오", "다네"), "ᆫ대": ("ᆫ답니다", "ᆫ다오", "ᆫ다네"), "는대": ("는답니다", "는다오", "는다네"),
           "래": ("랍니다", "라오", "라네")}


def lookup(form: str) -> Ending | None:
    return ENDINGS.get(form)


def intimate_form(form: str) -> str:
    """The 해체 form of a 해요체 ending of the non-plain families (네요 → 네, 죠 → 지)."""
    if form.endswith("죠"):
        return form[:-1] + "지"
    if form.endswith("지요"):
        return form[:-1]
    if form.endswith("군요"):
        return form[:-2] + "구나"
    return form[:-1] if form.endswith("요") else form


def polite_form(form: str) -> str:
    """The 해요체 form of a 해체 ending of the non-plain families (네 → 네요, 지 → 죠)."""
    if form.endswith("지") and not form.endswith("던지"):
        return form[:-1] + "죠"
    if form.endswith("구나"):
        return form[:-2] + "군요"
    if form.endswith("구려"):
        return form[:-2] + "군요"
    return form if form.endswith("요") else form + "요"
