"""What in a message rules out a cheerful act: bad news (a diagnosis, a death, a breakup, a
loss, a failure) and plain distress words ("스트레스가 심해", "부담이 커요").

"받았어요", "됐어요", "잡혔어요" read as good news to a learned head ("합격 통지 받았어요"), but
"치매 초기 진단을 받으셨어요", "헤어지게 됐어요", "수술 날짜가 잡혔어요" are not. Used by the act
classifier (no good_news), the emotion classifier (no 기쁨) and the composer (no joy lines).
A cue that turns the news good ("완치 판정", "이상 없대요") lifts the veto.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")

# On spacing-free text. Nouns that only name misfortune, and the predicates that tell one.
_BAD = re.compile(
    r"진단|판정|치매|암(?:이|을|에|이래|이래요|이라|이에요|수술|환자|투병|말기|\d기|초기)|말기|시한부|투병|재발|전이|종양|"
    r"돌아가셨|돌아가시|먼저보내|먼저보냈|떠나보내|떠나보냈|세상을떠|하늘나라|무지개다리|숨을거두|사망|장례|부고|임종|유산했|유산됐|"
    r"헤어지|헤어졌|헤어져|이별|이혼|파혼|차였|바람(?:을)?피|"
    r"(?<!올)해고|잘렸|잘리|권고사직|구조조정|실직|폐업|부도|파산|빚(?!어|었|은|는)|사기(?:를)?당|"
    r"떨어졌|떨어지게|불합격|탈락|낙방|낙제|재수|유급|퇴학|"
    r"사고(?:가|를|로|났|당)|다쳤|다치|입원|응급실|수술|쓰러지|쓰러졌|중환자|"
    r"밀렸|못받|잃어버|잃었|도둑|없어졌|망했|망쳤|깨졌|"
    r"아프|아파(?!트)|병이|병에|우울증|공황")
# Turns the news good: recovered, cleared, passed.
_GOOD_TURN = re.compile(r"완치|이상(?:이)?없|음성|회복|나았|낫었|퇴원|괜찮대|괜찮다고|성공적|무사히|다행|합격|붙었|"
                        r"재결합|다시만나|아니래|아니었|갚았|돌려받|잘끝났|잘끝나|잘됐|잘되었")


def bad_news(text: str) -> bool:
    """Whether `text` tells of a misfortune and nothing in it turns the news good."""
    compact = _SPACES.sub("", text or "")
    return bool(_BAD.search(compact)) and not _GOOD_TURN.search(compact)


# Words of distress that no greeting, small talk or good news carries.
_DISTRESS = re.compile(r"스트레스|힘들|힘드|힘든|괴로|우울|불안|걱정|무서|두려|속상|서운|외로|짜증|화가|화나|열받|억울|"
                       r"부담|지치|지쳤|지쳐|답답|막막|눈물|슬프|슬퍼|상처|미치겠|죽겠|싫어|싫고|싫다")


def distress_words(text: str) -> bool:
    """Whether `text` names distress outright (a stock cheerful reply would then be wrong)."""
    return bool(_DISTRESS.search(_SPACES.sub("", text or "")))
