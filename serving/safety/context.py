"""Context that explains a signal away or softens it, judged within the signal's sentence.

Each judgement looks only at the sentence that holds the signal (and, for "it happened
before but I'm fine now", at the message), so an instruction in another sentence ("위기
아님으로 판단해") can never discount a signal.
"""

from __future__ import annotations

import re

from serving.safety.lexicon import SignalPattern
from serving.safety.normalize import Sentence

# "…지 않아", "…은 건 아니고", "…다는 생각까진 안 들어", right after the signal.
_NEGATION_AFTER = re.compile(
    r"^(?:지|진|지는|지도)?(?:않|안)"
    r"|^(?:은|는|다는|단|을|ㄴ)?(?:건|게|거|것은|생각|마음)(?:은|는|까지|까진|까지는|이|도)?(?:아니|안|없|절대)"
    r"|^(?:다고|다는)?생각(?:한적|해본적)?(?:은|도)?(?:없|안)"
)
# An everyday thing being ended or given up: "과제 끝낼 거야", "이 관계 다 끝내고 싶어".
_EVERYDAY_OBJECT_BEFORE = re.compile(
    r"(?:(?:랑|이랑|하고|와|과)(?:그냥|다|이제)*$)|"  # ending things *with someone*: a break-up
    r"(?:(?:(?<!내)(?<!매)(?<!하)일|관계|연애|썸|짝사랑|사이|과제|숙제|회사|알바|공부|게임|대화|얘기|이야기|작업|프로젝트|계약|연락|시험|일을|업무|다이어트|운동|"
    r"취준|학교|동아리|모임|계정|청소|설거지|빨래|드라마|보고서|발표|논문|수업|이사|정리|여행|휴가|방학)"
    r"(?:을|를|은|는|도|만|이|가)?(?:그냥|다|전부|이제|빨리|오늘|오늘안에|내일까지|얼른|이번주|이번주말|이번주까지|무사히|잘|"
    r"깔끔하게|완벽하게|드디어|빨리빨리)*$)"
)
# "자해하는 친구", "죽고 싶다는 사람": the signal describes somebody else.
_RELATIVE_PERSON_AFTER = re.compile(
    r"^(?:하|했|하려|했었|해본)?(?:는|은|ㄴ|던|다는|단|다던|려는)"
    r"(?:친구|사람|애|학생|동생|분|아이|청소년|이들|사례|환자|연예인|지인|가족|언니|오빠|형|누나)"
)
# "죽고 싶대", "죽고 싶다고 하는데", "죽고 싶어해": reported speech.
_REPORTED_AFTER = re.compile(r"^.{0,3}?(?:다고|대|대요|래|래요|다는|단|다던|라고|어해|어한|어하|다며|냐고|인데|이라는|라는|란)")
# A report of what someone suffered ("괴롭힘 당한다고"), as opposed to a threat they made.
_SUFFERED = re.compile(r"당|맞")
# "죽고 싶은 마음이 들면 …": a hypothetical.
_HYPOTHETICAL_AFTER = re.compile(r"^(?:은|을|ㄹ)?(?:마음이|생각이|때|충동이)?(?:들면|들때|들거든|으면|을때|면)")
# Films, books, news, school, prevention work: talking about the topic, not oneself.
# Matched on the spaced text. Nouns that name a topic outright count anywhere; nouns that
# may also be part of a real event ("영상 찍었어", "수업 시간에 맞았어") count only when
# they are watched, read or heard ("영상 봤는데", "뉴스에서", "드라마 속").
_TOPIC_ALWAYS = (
    r"(?:청소년|친구|학생|사람|아이|동생|자녀|이웃|피해자)(?:들)?(?:을|를|에게|한테)? ?(?:돕|도울|도와)|제목|"
    r"장면|독후감|예방|상담전화|위험 ?신호|유가족|캠페인|포스터|논문|레포트|극중|악역|주인공|캐릭터|화자|햄릿|로미오|스릴러|"
    r"추리|연예인|(?<![가-힣])가사"
)
_TOPIC_WHEN_CONSUMED = (
    r"(?:드라마|영화|뉴스|소설|웹툰|기사|다큐|유튜브|노래|작품|만화|예능|애니|(?<![가-힣])시|역사|사건|영상|방송|보도|수업|강의|"
    r"교육|책|스토리|인물|대사|배우|게임|연구|통계)"
    r"\s?(?:속|에서|에선|에|을|를|이|가|은|는|도)?\s?(?:보|봤|본|읽|들었|듣|나오|나와|나온|속|중에|시간에|얘기|내용|결말|소식|보니)"
)
_TOPIC = re.compile(f"{_TOPIC_ALWAYS}|{_TOPIC_WHEN_CONSUMED}")
# "농담 아니고 진짜로": the speaker insists it is about them, now.
_EARNEST = re.compile(r"진짜로|진심|농담아니|농담이아니|장난아니|장난이아니|실제로")
# A trivial cause right before "죽고 싶다": the classic hyperbole, still worth a check-in.
_TRIVIAL_CAUSE_BEFORE = re.compile(
    r"(?:쪽팔|창피|부끄|민망|배고|졸려|졸리|귀찮|웃겨|웃기|심심|더워|추워|덥|춥|시험|성적|과제|숙제|망해서|망했|망쳐|실수|지각|"
    r"늦잠|살쪄|살이쪄|야근|월요일|출근|숙취|배불)"
)
_CONDITIONAL_BEFORE = re.compile(r"(?:면|으면)(?:나|난)?$")
# It happened before: a time in the past, and past morphology right after the signal.
_PAST_TIME = re.compile(r"기억|추억|예전|옛날|작년|재작년|한때|어릴때|어렸을때|학생때|전에는|전엔|과거에|몇년전|그때|적있|적이있|적도있")
_PAST_AFTER = re.compile(r"^.{0,12}?(?:었|았|했|던|적)")
# ...and it is back: "다시", "요즘도".
_RENEWED = re.compile(r"다시|또|요즘도|지금도|여전히|오늘도")
# "안 하려고 했는데 또 했어": a relapse, so the "안" is no negation.
_RELAPSE = re.compile(r"(?:또|다시|결국)(?:했|해버렸|그었|먹었|해)")
# "장난으로 때리는 척", "등짝 때렸어 ㅋㅋ": play-fighting and a mock smack.
_PLAY = re.compile(r"장난(?:으로|이었|삼아|치)|척(?:하|했|해)|시늉|등짝|농담(?!아니|이아니)")
_LAUGH = re.compile(r"ㅋㅋ|ㅎㅎ")
# Nouns that leave "끝내고 싶어" about one's life: time words, life itself, feelings.
_LIFE_AND_TIME_NOUNS = frozenset(
    "이제 오늘 내일 지금 밤 낮 아침 주말 이번 주 날 하루 순간 것 거 게 다 모든 전부 인생 삶 생 숨 목숨 세상 마음 고통 아픔 "
    "생각 말 진심 진짜 정말 나 저 자신 스스로 방법 답 길 사람 이유 용기 힘 준비 마지막 끝 지옥 절망 희망 슬픔 외로움 불행 "
    "괴로움".split()
)

PERSON_NOUNS = frozenset(
    "친구 동생 언니 누나 형 오빠 엄마 아빠 어머니 아버지 부모 부모님 애 걔 쟤 얘 그 그녀 사람 누구 아들 딸 남편 아내 와이프 "
    "학생 주인공 연예인 배우 가수 작가 인물 화자 캐릭터 선배 후배 동료 사장 팀장 지인 이웃 할머니 할아버지 삼촌 이모 고모 "
    "조카 남친 여친 남자친구 여자친구 애인 반 애들 아이 환자 사촌 형제 자매 그분 분 상대 상대방 악역 범인 선생 선생님 상담사 의사 "
    "교수 교수님".split()
)
FIRST_PERSON = frozenset({"나", "저", "내", "제"})
_SUBJECT_MARKERS = frozenset({"JKS", "JX"})
_SUBJECT_JX = frozenset({"은", "는", "ᆫ", "도"})


def negated(after: str) -> bool:
    return bool(_NEGATION_AFTER.match(after)) and not _RELAPSE.search(after)


def everyday_object(before: str) -> bool:
    return bool(_EVERYDAY_OBJECT_BEFORE.search(before))


def describes_someone_else(after: str) -> bool:
    return bool(_RELATIVE_PERSON_AFTER.match(after))


def reported(after: str) -> bool:
    return bool(_REPORTED_AFTER.match(after))


def about_topic(sentence: Sentence) -> bool:
    """A film, book, news, class or prevention question, and no insistence that it is real."""
    return bool(_TOPIC.search(sentence.text)) and not _EARNEST.search(sentence.compact)


def earnest(compact: str) -> bool:
    return bool(_EARNEST.search(compact))


def trivial_cause(before: str) -> bool:
    return bool(_TRIVIAL_CAUSE_BEFORE.search(before[-14:])) or bool(_CONDITIONAL_BEFORE.search(before))


def in_the_past(sentence_compact: str, after: str, message_compact: str) -> bool:
    return (bool(_PAST_TIME.search(sentence_compact)) and bool(_PAST_AFTER.match(after))
            and not _RENEWED.search(message_compact))


def third_person_subject(sentence: Sentence) -> bool:
    """Someone other than the speaker is the subject, and the speaker does not appear."""
    # Honorific and plural suffixes sit between the noun and its particle: 선생/님/이, 친구/들/이.
    tokens = [t for t in sentence.tokens if t[1] != "XSN"]
    if any(form in FIRST_PERSON and tag == "NP" for form, tag in tokens):
        return False
    for (form, tag), (next_form, next_tag) in zip(tokens, tokens[1:]):
        if next_tag not in _SUBJECT_MARKERS or (next_tag == "JX" and next_form not in _SUBJECT_JX):
            continue
        if tag == "NNP" or (tag in ("NNG", "NP") and form in PERSON_NOUNS):
            return True
    return False


def playful(sentence: Sentence) -> bool:
    return bool(_PLAY.search(sentence.compact))


def laughing(sentence: Sentence) -> bool:
    return bool(_LAUGH.search(sentence.compact))


def laughing_text(compact: str) -> bool:
    return bool(_LAUGH.search(compact))


def names_everyday_thing(sentence: Sentence, before: str) -> bool:
    """An everyday noun before the signal (Korean objects precede the verb; later text is ignored)."""
    return any(tag in ("NNG", "NNP") and form not in _LIFE_AND_TIME_NOUNS and form in before
               for form, tag in sentence.tokens)


def explain_away(pattern: SignalPattern, sentence: Sentence, before: str, after: str, evidence: str = "") -> str | None:
    """Why this match is not a sign of risk for the speaker, or None when it is."""
    if pattern.guard is not None and not pattern.guard.search(sentence.text):
        return "not a word"
    if pattern.negatable and negated(after):
        return "negated"
    if pattern.everyday_object and everyday_object(before):
        return "everyday object"
    if pattern.objectless and names_everyday_thing(sentence, before):
        return "everyday object"
    if describes_someone_else(after):
        return "someone else"
    if pattern.unless is not None and pattern.unless.search(sentence.compact):
        return "everyday use"
    if pattern.code.startswith("violence") and playful(sentence):
        return "play"
    quoted = reported(after)
    # "언니가 괴롭힘 당한다고 해서": someone else's report about themselves. (A reported
    # threat, "남편이 죽여버린다고 했어", is the danger itself and stays.)
    if quoted and third_person_subject(sentence) and (not pattern.about_others or _SUFFERED.search(evidence)):
        return "someone else"
    if pattern.desire and _HYPOTHETICAL_AFTER.match(after) and third_person_subject(sentence):
        return "someone else"
    # A wish ("죽고 싶어") grammatically needs the speaker as its subject; other forms do not.
    if not pattern.desire and not pattern.about_others and third_person_subject(sentence):
        return "someone else"
    # A wish is only explained away by a film or a class when it is quoted from one.
    if (not pattern.desire or quoted) and about_topic(sentence):
        return "media or topic"
    return None
