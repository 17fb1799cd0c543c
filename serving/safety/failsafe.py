"""A broad lemma-level fail-safe under the phrase rules: when in doubt, ask (`concern`).

The phrase rules in `lexicon.py` know how people said things in our set; they miss new
wording. This layer looks at Kiwi lemmas instead and asks only "is this sentence, said by
the speaker (first person or no subject), about dying, disappearing, hurting oneself,
worthlessness or a means?" It answers `concern` for one clear cue and `crisis` only for a
pair of cues that together make a plan (a means + intent or a time, a goodbye + a time).

It never lowers the rules' level, and the rules' context tests (a film or prevention
topic, someone else as subject) discount it, as does idiomatic "죽겠다 / 죽는 줄".
"""

from __future__ import annotations

import re

from serving.safety import context
from serving.safety.normalize import NormalisedText, Sentence

# Lemma (form, tag-prefix) sets.
_DEATH = {("죽", "VV"), ("죽음", "NN"), ("자살", "NN"), ("목숨", "NN"), ("유서", "NN"), ("장례식", "NN")}
_DISAPPEAR = {("사라지", "VV"), ("없어지", "VV"), ("지워지", "VV"), ("증발", "NN")}
_SELF_INJURY = {("자해", "NN"), ("긋", "VV"), ("그", "VV")}
_BODY = {"손목", "팔", "허벅지", "몸"}
_MARKS = {"자국", "흉터", "상처", "멍", "피"}
_MEANS = {"옥상", "난간", "한강", "대교", "수면제", "밧줄", "번개탄", "연탄", "핸들", "철로", "선로", "절벽", "약", "농약", "칼", "커터칼"}
_WORTHLESS = {"쓸모", "가치", "실수", "죄", "짐", "민폐", "자리", "희망", "의미", "미련"}
_GOODBYE_FORMS = {"안녕", "부탁", "미안", "고맙", "고마웠", "찾"}
_TIME = {"오늘", "오늘밤", "내일", "이번", "곧", "지금", "이제", "밤"}
_STOP = {("멈추", "VV"), ("그만", "MA"), ("마무리", "NN"), ("끊", "VV"), ("끝내", "VV"), ("끝", "NN")}
# Everyday uses of means and of "ending": food, camping, work, school...
_EVERYDAY = re.compile(
    r"캠핑|텐트|요리|주방|과일|텃밭|정원|고기|커피|치맥|버스킹|봉사|먹을시간|복용|처방|식후|감기약|알람|앱|게임|캐릭터|"
    r"과제|숙제|회사|프로젝트|일|업무|보고서|공부|시험|다이어트|운동|여행|휴가|수업|학기|관계|연애|드라마|영화|계약|"
    r"(?:혈압|당뇨|위장|소화|두통|멀미|알레르기|피부|안|멀미|변비)약|영양제|비타민|상비약|약국에서(?:타|받)"
)
# "죽겠다", "죽는 줄", "죽을 뻔", "죽을 맛", "죽어라", "죽이다"...: idioms, not wishes.
_IDIOM_AFTER = re.compile(r"^(?:었(?!으면)|은|는병|기전|겠|을것같|을거같|을듯|는줄|을뻔|을맛|어라|어나|다살|기살기|이되든|었네|었어폰|여주|인다|이네|이는)")
# A game: a character dies, respawns, loses items. Short names only as Kiwi tokens (롤, 마크, 템).
_GAME_TOKENS = frozenset(
    "게임 겜 배그 배틀그라운드 롤 롤체 마크 마인크래프트 캐릭 캐릭터 아이템 템 스폰 리스폰 부활 보스 몹 던전 레벨 렙 랭겜 랭크 솔랭 "
    "킬 피시방 피방 오버워치 옵치 발로란트 피파 스팀 서든 메이플 로아 로스트아크 쿠키런 포켓몬 젤다 닌텐도 플스 "
    "좀비 한타 탱커 힐러 딜러 퀘스트 레이드 파티원 세이브 스테이지 한판 용암 크리퍼 엔더맨 인벤".split()
)
_GAME = re.compile(r"게임|배틀그라운드|마인크래프트|리스폰|아이템|캐릭터|랭겜|솔랭|로스트아크|오버워치|발로란트|스테이지|세이브|인벤토리")
# "선을 긋다" and drawing on the skin with a pen: not cutting.
_DRAWN_LINE = re.compile(r"선(?:을|만|도)?(?:딱|확실히|분명히)?(?:그|긋)|펜|볼펜|매직|물감|색연필|사인펜|네임펜|마커|자로|밑줄|그림|타투스티커")
_INTENT = re.compile(r"(?:ㄹ|을|할|갈|넣을|끊을)거|려고|ㄹ래|을래|기로|싶|뒀|놨|놓|둬|확인|준비|사왔|샀|왔어|앉아|서있|올라")
_PREVENTION = re.compile(r"상담|매뉴얼|예방|교육|고위험|돕|도울|도와")
_NEG_AFTER = re.compile(r"^.{0,4}(?:않|안|아니|없)")


def _tag(tag: str) -> str:
    return tag[:2]


def _own(sentence: Sentence) -> bool:
    return not context.about_topic(sentence) and not context.third_person_subject(sentence)


def assess_sentence(sentence: Sentence) -> tuple[str, list[str]]:
    """('none'|'concern'|'crisis', cues) for one sentence."""
    if not _own(sentence):
        return "none", []
    compact = sentence.compact
    forms = [(form, _tag(tag)) for form, tag in sentence.tokens]
    words = {f for f, _ in forms}
    cues: list[str] = []
    everyday = bool(_EVERYDAY.search(compact))
    game = any(t.startswith("NN") and f in _GAME_TOKENS for f, t in forms) or bool(_GAME.search(compact))

    laughing = context.laughing(sentence) or "농담" in compact
    for i, (form, tag) in enumerate(forms):
        after = "".join(f for f, _ in forms[i + 1:i + 6])
        at = compact.find(form)
        c_after = compact[at + len(form):] if at >= 0 else after
        c_before = compact[:at] if at >= 0 else ""
        if (form, tag) in _DEATH or (form, tag) in _DISAPPEAR or (form, tag) in _SELF_INJURY:
            if (context.negated(c_after) or context.describes_someone_else(c_after) or context.reported(c_after)
                    or _NEG_AFTER.match(after) or (laughing and (context.trivial_cause(c_before) or True))
                    or _PREVENTION.search(compact)):
                continue
        if game and ((form, tag) in _DEATH or (form, tag) in _DISAPPEAR):
            continue  # a character dying in a game
        if (form, tag) in _DEATH:
            if form == "유서" and re.match(r"(?:가|도|는)?깊", c_after):
                continue  # 유서 깊은: time-honoured
            if form == "죽" and (_IDIOM_AFTER.match(after) or _IDIOM_AFTER.match(c_after)):
                continue
            if form == "장례식" and not re.search(r"(?:내|나의|제)장례식", compact):
                continue
            if form == "목숨" and not re.search(r"목숨(?:을)?(?:끊|버리|포기)", compact):
                continue
            cues.append(f"death:{form}")
        elif (form, tag) in _DISAPPEAR:
            cues.append(f"disappear:{form}")
        elif (form, tag) in _SELF_INJURY and (form != "그" or words & _BODY) and not _DRAWN_LINE.search(compact):
            cues.append(f"self_injury:{form}")
    if words & _BODY and words & _MARKS:
        cues.append("self_injury:marks")
    worthless = words & _WORTHLESS
    if worthless and re.search(r"없|같|였|태어|버틸|이유", compact):
        cues.append("worthless:" + "+".join(sorted(worthless)))
    if re.search(r"(?:버틸|살|견딜)이유", compact) or re.search(r"좋아질.{0,8}(?:안|없)", compact):
        cues.append("hopeless")
    means = sorted(words & _MEANS)
    if "다리" in words and re.search(r"다리위|다리로|다리에서", compact):
        means.append("다리")
    if re.search(r"\d+층", compact):
        means.append("층")
    if everyday:
        means = []
    stop = [f for f in forms if f in _STOP]
    goodbye = bool(words & _GOODBYE_FORMS) and re.search(
        r"(?:다들|모두|이제|엄마|아빠|그동안|잘)안녕|.안녕$|잘부탁|찾지마|미안해|고마웠|부탁한다", compact)
    intent = bool(_INTENT.search(compact))
    time = bool(words & _TIME)

    level = "concern" if cues else "none"
    if means and (intent or time):
        cues.append("means+" + ("intent" if intent else "time") + ":" + "+".join(means))
        level = "crisis"
    if stop and (cues or time) and not everyday and intent:
        cues.append("stop+" + "+".join(f for f, _ in stop))
        level = "crisis" if (cues and time) or len(cues) > 1 else "concern"
    if goodbye and (time or means or cues) and not everyday:
        cues.append("goodbye")
        level = "crisis"
    if level == "crisis" and re.search(r"예전|작년|적있|적이있|어릴때|옛날", compact):
        level = "concern"  # told as the past: a check-in, like the rules do
    return level, cues


def assess_text(text: NormalisedText) -> tuple[str, list[str]]:
    level, cues = "none", []
    rank = {"none": 0, "concern": 1, "crisis": 2}
    for sentence in text.sentences:
        sl, sc = assess_sentence(sentence)
        if rank[sl] > rank[level]:
            level = sl
        cues += sc
    return level, cues
