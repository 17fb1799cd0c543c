"""The parts of an offline reply that never carry someone else's details.

An offline reply is composed, not retrieved whole (whole replies from the middle of other
people's conversations carried their specifics: a retirement, a car accident, in-laws):

1. reflection: the user's own situation said back (`reflect`: Kiwi finds the last statement's
   predicate and re-conjugates it, "잠을 잘 못 자요" → "잠을 잘 못 주무시는군요"), then an
   emotion-aware feeling line (`FEELINGS`); a generic empathy line when the statement is unclear;
2. support (chosen by `offline.py`): one retrieved sentence that passes `generic_sentence`: every
   content noun in it is the user's own or on `GENERIC_NOUNS`, no names or numbers;
3. one open question from `QUESTIONS` (by topic, then emotion, then generic), rotated by
   the message and skipping any this conversation already heard.
"""

from __future__ import annotations

import re
import zlib

from serving.acts.news import bad_news, distress_words

# Nouns that carry no one's specifics: feelings, time, body, talk, and the words our own lines use.
GENERIC_NOUNS: frozenset[str] = frozenset("""
마음 감정 기분 생각 느낌 시간 하루 몸 잠 이야기 말 말씀 상황 자신 스스로 본인 사람 순간 때 지금 요즘 오늘
일 부분 방법 걱정 위로 힘 도움 노력 시작 변화 용기 휴식 여유 연습 결정 선택 경험 과정 상처 슬픔 불안 분노 화
기쁨 속 숨 호흡 편 누구 자기 번 정도 조금 무엇 하나 만큼 점 이유 의미 당신 혼자 옆 곁 잘못 탓 책임 가능
자연 당연 사실 문제 고민 답 마무리 처음 끝 최선 충분 잠시 천천히 자리 주변 관계 대화 표현 거리 결과 기대
실망 후회 미안 고마움 감사 다행 고생 수고 응원 축하 자랑 행복 평소 습관 반응 태도 상태 신호 필요 무리 여러
계 빈자리 그동안 이후 이전 상대 기준 의견 부담 압박 스트레스 긴장 마련 지침 피로 에너지 기운 회복 위안 안심 안정 진심 자책 기억 장면 상상 최악
가장 대부분 누구나 당장 오랜만 매일 하루하루 가끔 조용 나름 중요 소중 자체 전 후 동안 사이 앞 뒤 다음 이번
""".split())

# A statement's last morpheme tags that mark a question ("좋을까요", "잘못한 건가").
_QUESTION_EF = re.compile(r"(까|까요|나요|니|냐|ᆫ가|ᆫ가요|는가|는지|ᆫ지|ᆫ지요|는지요)$")


def is_question(text: str) -> bool:
    """Text-only check (no analysis): ends in '?' or a common questioning ending."""
    text = text.strip()
    return text.endswith("?") or bool(re.search(r"(까요|을까|ㄹ까|인가요|건가|는지)\W*$", text))


def _stable(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# topic and emotion

TOPICS: dict[str, tuple[str, ...]] = {
    "sleep": ("잠", "잠들", "불면", "새벽", "못 자", "깨서", "깨요"),
    "work": ("회사", "직장", "팀장", "상사", "업무", "야근", "출근", "퇴근", "동료", "회의", "사장", "알바"),
    "career": ("취업", "면접", "이직", "진로", "취준", "자소서", "합격", "불합격"),
    "study": ("시험", "공부", "성적", "수능", "과제", "학교", "학원", "발표", "수업", "전공"),
    "breakup": ("헤어", "이별", "전남친", "전여친", "차였"),
    "love": ("남자친구", "여자친구", "남친", "여친", "애인", "연애", "썸", "고백", "짝사랑"),
    "family": ("엄마", "아빠", "부모", "어머니", "아버지", "동생", "언니", "오빠", "누나", "형이", "남편", "아내",
               "시어머니", "시댁", "가족", "육아", "아이가", "아이를"),
    "friends": ("친구", "단톡", "험담", "따돌", "왕따", "룸메이트"),
    "health": ("건강", "병원", "아파", "아프", "피곤", "밥맛", "검진", "두통"),
    "grief": ("강아지", "고양이", "햄스터", "무지개다리", "돌아가", "장례", "떠나보", "죽었", "죽어서", "세상을 떠"),
    "lonely": ("외로", "혼자", "쓸쓸"),
    "self": ("한심", "자존감", "자신이 없", "못난", "쓸모", "비교"),
}
_TOPIC_ORDER = ("grief", "breakup", "sleep", "career", "study", "work", "love", "family", "friends", "health",
                "lonely", "self")


# Longer words that merely contain a keyword: "잠깐" is not sleep, "아파트" not health.
_NOT_TOPIC = re.compile(r"잠(?:깐|시|금|수|재|옷|실)|아파트|형이상|혼자서도|헤어지(?:래|라|자|ㄹ까|질까|질지)|헤어질(?:까|지)")


def topic_of(text: str) -> str | None:
    """The first topic whose keyword the text contains (grief and breakup before the rest)."""
    text = _NOT_TOPIC.sub(" ", text)
    for topic in _TOPIC_ORDER:
        if any(k in text for k in TOPICS[topic]):
            return topic
    return None


_EMOTION_KEYS = {"슬픔", "분노", "불안", "상처", "당황", "기쁨"}


_HURTING = ("못 ", "안 ", "힘들", "힘드", "싫", "걱정", "무서", "슬프", "슬퍼", "외로", "우울", "짜증", "화가", "화나",
            "속상", "불안", "떨려", "떨리", "헤어", "싸웠", "눈물", "아파", "아프", "피곤", "무기력", "한심")


def emotion_key(emotion: str | None, text: str = "") -> str:
    """The emotion's bank; 기쁨 only when the message carries no sign of hurting (a lexicon slip
    must never answer "요즘 잠을 못 자요", "진단을 받았어요" or "잔소리 때문에 스트레스를 받아요"
    with "정말 기쁜 일이네요!")."""
    if emotion == "기쁨" and (any(cue in text for cue in _HURTING) or bad_news(text) or distress_words(text)):
        return ""
    return emotion if emotion in _EMOTION_KEYS else ""


# Said after the reflection. Tired topics get a tiredness line before the emotion's own.
FEELINGS: dict[str, list[str]] = {
    "슬픔": ["마음이 많이 무거우시겠어요.", "많이 속상하시겠어요.", "그 마음이 얼마나 힘드실지 느껴져요.",
           "혼자 견디기에는 많이 버거우셨겠어요."],
    "분노": ["그런 마음이 드는 게 당연해요.", "많이 답답하고 억울하셨겠어요.", "그런 상황이면 누구라도 화가 날 거예요.",
           "속에서 화가 많이 올라오셨겠어요."],
    "불안": ["마음이 많이 조마조마하시겠어요.", "걱정이 자꾸 커지는 느낌이시겠어요.", "불안한 마음이 드는 게 당연해요.",
           "생각이 많아져서 마음이 편하지 않으시겠어요."],
    "상처": ["마음이 많이 아프셨겠어요.", "많이 서운하고 속상하셨겠어요.", "그런 일을 겪으면 마음에 오래 남기도 해요.",
           "상처가 되는 게 당연해요."],
    "당황": ["많이 놀라고 당황스러우셨겠어요.", "갑작스러워서 머릿속이 하얘지셨을 것 같아요.", "그 순간 많이 민망하셨겠어요.",
           "마음이 쉽게 가라앉지 않으셨겠어요."],
    "기쁨": ["정말 기쁜 일이네요!", "이야기만 들어도 저까지 기분이 좋아져요.", "그동안 애쓰신 마음이 느껴져요.",
           "마음껏 기뻐하셔도 좋아요."],
    "": ["이야기해 주셔서 고마워요.", "그런 상황이면 생각이 많아지실 것 같아요.", "마음이 많이 쓰이시겠어요.",
         "쉽지 않은 시간을 보내고 계시네요."],
}
_TIRED_TOPICS = {"sleep", "work", "health"}
_TIRED_CUES = re.compile(r"피곤|지쳐|지쳤|지친|지치|녹초|기운|야근|힘들|힘드|버티|못\s*자|잠을|일이\s*(너무\s*)?많|혼나|깨졌")
TIRED = ["몸도 마음도 많이 지치셨겠어요.", "하루하루 버티느라 많이 고단하시겠어요."]

# When no statement could be reflected: an empathy line that names no situation.
EMPATHY: dict[str, list[str]] = {
    "슬픔": ["많이 힘든 시간을 보내고 계시는군요."], "분노": ["많이 화가 나는 일이 있으셨군요."],
    "불안": ["마음이 많이 불안하시군요."], "상처": ["마음이 많이 다치셨군요."],
    "당황": ["많이 당황스러우셨군요."], "기쁨": ["좋은 일이 있으셨군요!"],
    "": ["그런 일이 있으셨군요.", "말씀해 주신 이야기를 잘 듣고 있어요."],
}

# Open questions: by topic, then by emotion, then generic. Only generic nouns, no one's details.
QUESTIONS: dict[str, list[str]] = {
    "sleep": ["잠들기 전에는 보통 어떻게 시간을 보내세요?", "잠을 설친 다음 날은 하루가 어떠세요?",
              "누웠을 때 주로 어떤 생각이 떠오르세요?", "이렇게 잠이 어려워진 건 언제부터였어요?"],
    "work": ["요즘 하루 중 가장 지치는 순간은 언제예요?", "그럴 때 속으로는 어떤 말을 하고 싶으세요?",
             "그 상황에서 가장 답답한 부분은 어떤 거예요?", "일을 마치고 나면 마음은 어떤 상태예요?"],
    "career": ["지금 가장 마음을 무겁게 하는 건 어떤 부분이에요?", "요즘 스스로에게 어떤 말을 해 주고 싶으세요?",
               "결과를 기다리는 동안 마음은 어떻게 돌보고 계세요?", "어떤 선택이 가장 마음에 걸리세요?"],
    "study": ["지금 가장 부담되는 건 어떤 부분이에요?", "그 일이 있고 나서 스스로에게 어떤 말을 하게 돼요?",
              "스스로에게 어느 정도를 바라고 계세요?", "그럴 때 마음을 조금이라도 편하게 해 주는 건 뭐예요?"],
    "breakup": ["요즘 그 빈자리가 가장 크게 느껴지는 때는 언제예요?", "그 마음을 누구와 나눌 수 있었나요?",
                "헤어지고 나서 하루하루는 어떻게 지내고 계세요?", "지금 가장 그리운 건 어떤 순간이에요?"],
    "love": ["어떤 부분이 가장 마음에 걸리세요?", "그런 마음을 누군가에게 이야기해 본 적이 있어요?",
             "스스로는 어떤 관계를 바라고 계세요?", "어떨 때 그 마음이 가장 크게 느껴지세요?"],
    "family": ["그 일이 있고 나서 지금 마음은 어떠세요?", "그 상황에서 가장 듣고 싶었던 말은 무엇이었어요?",
               "가족에게 가장 이해받고 싶은 부분은 어떤 거예요?", "그럴 때 보통 어떻게 마음을 추스르세요?"],
    "friends": ["그 일을 알게 됐을 때 어떤 마음이 드셨어요?", "그 관계에서 가장 아프게 남은 부분은 뭐예요?",
                "지금 마음을 털어놓을 수 있는 사람이 곁에 있나요?", "그 뒤로 그 관계는 어떻게 느껴지세요?"],
    "health": ["요즘 몸은 어떤 신호를 보내고 있는 것 같아요?", "몸이 힘들 때 마음은 어떻게 달라지세요?",
               "그 걱정이 들 때 주로 어떻게 하세요?", "요즘 스스로를 돌볼 시간은 조금이라도 있으세요?"],
    "grief": ["함께한 시간 중 가장 떠오르는 순간은 언제예요?", "요즘 그 빈자리를 어떻게 견디고 계세요?",
              "그 마음을 나눌 수 있는 사람이 곁에 있나요?", "지금 가장 하고 싶은 말이 있다면 어떤 말이에요?"],
    "lonely": ["외로움이 가장 크게 느껴지는 때는 언제예요?", "요즘 마음 편히 연락할 수 있는 사람이 있나요?",
               "혼자 있을 때 주로 어떻게 시간을 보내세요?", "어떤 순간에 조금이라도 덜 외로우세요?"],
    "self": ["그런 생각이 들 때 스스로에게 어떤 말을 하게 돼요?", "친한 사람이 같은 말을 한다면 뭐라고 해 주고 싶으세요?",
             "그런 마음이 특히 커지는 때가 있나요?", "스스로 조금이라도 괜찮다고 느낀 순간은 언제였어요?"],
    "슬픔": ["요즘 그 마음을 누구와 나눌 수 있었나요?", "그 일이 있고 나서 어떻게 지내고 계세요?",
           "지금 가장 마음에 걸리는 건 어떤 부분이에요?"],
    "분노": ["어떤 점이 가장 화가 나셨어요?", "그 상황에서 정말 바랐던 건 무엇이었어요?",
           "그 감정이 올라올 때 보통 어떻게 하세요?"],
    "불안": ["가장 걱정되는 부분은 어떤 거예요?", "그 걱정이 들 때 몸이나 마음은 어떤가요?",
           "최악의 경우를 떠올리면 어떤 장면이 그려지세요?"],
    "상처": ["그 말을 들었을 때 어떤 마음이 드셨어요?", "그 일이 지금까지도 마음에 남아 있나요?",
           "그때 어떤 말을 듣고 싶으셨어요?"],
    "당황": ["그 순간 어떤 생각이 가장 먼저 들었어요?", "지금은 마음이 좀 가라앉으셨어요?", "그 뒤로 어떻게 하셨어요?"],
    "기쁨": ["그 순간 기분이 어떠셨어요?", "그 기쁨을 누구와 나누고 싶으세요?", "그렇게 되기까지 어떤 노력을 하셨어요?"],
    "": ["조금 더 이야기해 주실 수 있을까요?", "요즘 마음은 어떻게 지내고 있어요?", "그 이야기를 하면서 어떤 마음이 드세요?",
         "지금 가장 필요한 건 어떤 거라고 느끼세요?", "이런 마음이 든 건 언제부터였어요?"],
}


# Questions that take for granted something happened ("그 말을 들었을 때" needs words said to the
# user, "그 일을 알게 됐을 때" a discovery): asked only when the message tells of it.
_PRESUPPOSES: dict[str, tuple[str, ...]] = {
    "그 말을": ("말", "라고", "다고", "냐고", "래", "소리", "욕", "한마디", "험담", "놀리", "했대", "하더라", "비웃"),
    "그 일을 알게": ("알게", "알았", "들었", "봤", "더라", "대요", "래요", "몰래", "뒤에서", "험담"),
}


def _presupposed_told(question: str, text: str) -> bool:
    return all(any(cue in text for cue in cues) for key, cues in _PRESUPPOSES.items() if key in question)


_NEWS_TOPICS = {"grief", "breakup", "health"}  # their questions are written for bad news


def question_candidates(topic: str | None, emotion: str | None, text: str) -> list[str]:
    """Topic questions, then the emotion's, then generic ones; each group rotated by the message."""
    out: list[str] = []
    seed = _stable(text)
    keys = (topic, emotion_key(emotion, text) or None, "")
    if topic not in _NEWS_TOPICS and bad_news(text):  # "해고 통보를 받았어요" is not "일을 마치고 나면 …"
        keys = (emotion_key(emotion, text) or None, "", topic)
    for key in keys:
        if key is None or key not in QUESTIONS:
            continue
        bank = [q for q in QUESTIONS[key] if _presupposed_told(q, text)]
        out += [bank[(seed + i) % len(bank)] for i in range(len(bank)) if bank[(seed + i) % len(bank)] not in out]
    return out


# 당황 lines that name shame: only where the user spoke of shame, never for a shock or an accident.
_SHAME_LINES = ("민망",)
_SHAME_CUES = ("창피", "민망", "부끄", "쪽팔", "망신", "얼굴이 빨", "얼굴이 화끈")


def feeling_candidates(topic: str | None, emotion: str | None, text: str) -> list[str]:
    key = emotion_key(emotion, text)
    bank = FEELINGS[key]
    if not any(cue in text for cue in _SHAME_CUES):
        bank = [line for line in bank if not any(word in line for word in _SHAME_LINES)]
    seed = _stable(text)
    out = [bank[(seed + i) % len(bank)] for i in range(len(bank))]
    # "몸도 마음도 지치셨겠어요" only for tiredness told (a check-up's results are worry, not fatigue)
    if topic in _TIRED_TOPICS and key in ("", "슬픔", "불안") and (topic == "sleep" or _TIRED_CUES.search(text)):
        out = TIRED + out
    return out


def all_questions() -> list[str]:
    return [q for bank in QUESTIONS.values() for q in bank]


# ---------------------------------------------------------------------------------------------
# reflection

_PRED = ("VV", "VA", "VX", "VCP", "XSV", "XSA")
_FIRST_PERSON = {"나", "저"}
_OTHER_PRONOUNS = {"아무", "누구", "누가", "걔", "쟤", "얘", "그", "그녀", "그분", "다들", "모두", "우리"}
_HONORIFIC_STEM = {"자": "주무시", "먹": "드시"}
_LEAD_DROP = ("IC", "MAJ", "SW", "SS", "SP", "SO", "SE", "W_")
_MAX_REFLECTION = 42


_PEOPLE = ("친구", "엄마", "아빠", "부모", "어머니", "아버지", "동생", "언니", "오빠", "누나", "형", "남편", "아내", "아이",
           "할머니", "할아버지", "이모", "삼촌", "고모", "아들", "딸", "남친", "여친", "손님", "집주인", "기사",
           "상사", "팀장", "사장", "동료", "선배", "후배", "선생", "교수", "사람", "애인", "룸메이트", "시어머니", "가족",
           "강아지", "고양이")


def _person(form: str) -> bool:
    return form.endswith(_PEOPLE)


def question_tokens(tokens, text: str) -> bool:
    """Whether a sentence asks something: '?' or a questioning final ending ("좋을까요", "건가")."""
    if text.strip().endswith("?"):
        return True
    efs = [t for t in tokens if t.tag == "EF"]
    return bool(efs) and bool(_QUESTION_EF.search(efs[-1].form))


def head_is_adjective(word) -> bool:
    core = [t for t in word if t.tag not in ("EF", "EP")]
    return bool(core) and (core[-1].tag.startswith(("VA", "XSA")) or (core[-1].tag == "VX" and core[-1].form in ("싶", "않")))


def _words(tokens) -> list[list]:
    """Tokens grouped into eojeols (words between spaces)."""
    words: list[list] = []
    end = -1
    for t in tokens:
        if not words or t.start > end:
            words.append([t])
        else:
            words[-1].append(t)
        end = max(end, t.start + t.len)
    return words


class _Unreflectable(ValueError):
    """The statement cannot be said back naturally (a first-person word Korean would not drop)."""


# A first-person pronoun with one of these is dropped ("제가", "저는", "제 의견", "나를", "저한테"):
# Korean leaves the speaker out, and "본인" is what no one says to a friend.
_DROPPABLE_AFTER_PRONOUN = {"JKS", "JX", "JKG", "JKO", "JKB"}
_KEEP_AFTER_PRONOUN = {"만", "도", "랑", "이랑", "하고", "와", "과", "까지", "부터", "조차", "밖에"}


def _word_text(kiwi, word, text: str) -> str:
    """The eojeol as the user wrote it; "" for a first-person word that is better left out."""
    if any(t.tag == "NP" and t.form in _FIRST_PERSON for t in word):
        rest = [t for t in word if not (t.tag == "NP" and t.form in _FIRST_PERSON)]
        if word[0].tag == "NP" and len(rest) <= 1 and all(
                t.tag in _DROPPABLE_AFTER_PRONOUN and t.form not in _KEEP_AFTER_PRONOUN for t in rest):
            return ""
        raise _Unreflectable(text)  # "저만 빼고", "나도": leaving it out would change the meaning
    return text[word[0].start: max(t.start + t.len for t in word)]


# Endings of what the user saw or was told (evidential -더라, hearsay -대/-래), not of a statement.
_REPORTED_EF = re.compile(r"^(더라|더군|던데|대|래|ᆫ대|는대|ᆫ다더|다더|라더)")

_REPORTED_TAIL = re.compile(r"(카더라|카드라|드라|더라|대|래)\W*$")
# Question words: a line with one asks, whatever its ending ("어떻게 버티지", "뭐부터 챙겨야 돼요").
_ASKING = {"어떻게", "어떻", "어떡", "어떡하", "왜", "뭐", "뭘", "무엇", "어디", "언제", "누가", "무슨", "몇", "얼마", "어느"}


_QUOTATIVE_EC = ("다고", "라고", "냐고", "자고")


def _acts(rest) -> bool:
    """Whether the clause that follows a subject ends in an action ("와서", "많다고 하네"), not a
    state ("일이 많아서"): its last predicate before a connective ending that is no quotation; a
    clause running to the end is the main predicate's, an action here."""
    last = None
    for t in rest:
        if t.tag == "EC" and t.form not in _QUOTATIVE_EC:
            break
        if t.tag.startswith(("VV", "VA", "XSV", "XSA", "VX", "VCP")):
            last = t
    else:
        return True
    return last is not None and last.tag.startswith(("VV", "XSV"))


def final_clause_words(words) -> list[list]:
    """The words of the last clause before the predicate word (after the last connective ending)."""
    out: list[list] = []
    for w in reversed(words[:-1]):
        if w[-1].tag == "EC":
            break
        out.insert(0, w)
    return out


def _asks_or_requests(last, core) -> bool:
    """An ending that asks ("되나", "버티지"), a request ("해 줘"), or 모르겠다 (said back as
    "모르시는군요" it reads as a reproach)."""
    ef = last[-1].form if last[-1].tag == "EF" else ""
    past = any(t.tag == "EP" and t.form in ("었", "았", "였", "ᆻ") for t in last)
    if ef in ("나", "지", "려나", "ᆯ까", "을까", "을래", "ᆯ래", "자"):
        return True
    if core and core[-1].form == "주" and not past:
        return True
    return bool(core) and core[-1].form == "모르" and any(t.tag == "EP" and t.form == "겠" for t in last)


_LEAD_FILLERS = {"요즘", "오늘", "그냥", "진짜", "정말", "솔직히", "근데", "사실", "이제", "요새", "그리고", "아"}


def _statement(kiwi, sentence):
    """(words before the predicate word, predicate word morphemes, past?) or None when unclear."""
    tokens = [t for t in sentence.tokens if not t.tag.startswith(("SF", "SW", "SS", "SE", "SO", "W_"))]
    if not tokens or tokens[-1].tag != "EF" or question_tokens(tokens, sentence.text):
        return None
    if _REPORTED_EF.match(tokens[-1].form) or _REPORTED_TAIL.search(sentence.text):
        return None  # "약속을 잡았더라고요", "험담을 하고 다녔대요": said back, what the user saw or
        # heard would become the user's own doing or a fact of ours
    if tokens[-1].form in ("ᆷ", "음"):  # "나 혼자 다 함": chat shorthand, its tense unknown
        return None
    words = _words(tokens)
    # a run-on chat line ("... 박아부렀어 얼굴을 못 들고 다니겄어"): only its last sentence
    start = max((i + 1 for i, w in enumerate(words[:-1]) if w[-1].tag == "EF"), default=0)
    if start and any(t.tag == "JKS" for w in words[:start] for t in w):
        return None  # "연락하면 늘 바쁘대 근데 다른 애들이랑은 잘 놀아": the doer was in the cut part
    words = words[start:]
    last = words[-1]
    if not any(t.tag.startswith(_PRED) for t in last):
        return None
    core = [t for t in last if t.tag not in ("EF", "EP")]
    if any(t.form in _ASKING for w in words for t in w) or _asks_or_requests(last, core):
        return None  # "뭐부터 챙겨야 돼요", "추천해줘", "모르겠어요": a question or a request, no statement
    while len(words) > 1 and all(t.tag.startswith(_LEAD_DROP) for t in words[0]):
        words = words[1:]
    return words


def reflect(text: str, *, clause_only: bool = False) -> str | None:
    """The user's last clear statement said back in the counsellor's voice, or None when unsure.

    `clause_only`: only its final clause, without leading fillers ("요즘 회사에서 ... 혼나서 출근하기가
    너무 싫어요" → "출근하기가 너무 싫으시군요."): a paraphrase, not the whole sentence echoed."""
    try:
        return _reflect(text, clause_only)
    except _Unreflectable:
        return None


def _reflect(text: str, clause_only: bool) -> str | None:
    from serving.kiwi import get_kiwi

    kiwi = get_kiwi()
    best = None
    for index, sentence in enumerate(kiwi.split_into_sents(text, return_tokens=True)):
        words = _statement(kiwi, sentence)
        if words is None:
            continue
        has_content = any(t.tag in ("NNG", "NNP", "XR") or t.tag.startswith(("VA", "VV")) for w in words for t in w)
        if has_content and best is None:
            best = (words, sentence, index)
    if best is None:
        return None
    words, sentence, index = best
    src = text
    # too long: drop leading clauses (words up to one ending in a connective ending)
    def length(ws):
        return ws[-1][-1].start + ws[-1][-1].len - ws[0][0].start

    if clause_only:
        last_ec = max((i for i, w in enumerate(words[:-1]) if w[-1].tag == "EC"), default=None)
        if last_ec is not None and len(words) - last_ec - 1 >= 2:
            dropped, kept = words[:last_ec + 1], words[last_ec + 1:]
            # a first-person word that carries meaning ("저만 빼고 약속을 잡았") may not be cut
            # away: said back without it the clause means something else (raises _Unreflectable)
            for w in dropped:
                _word_text(kiwi, w, text)
            # the subject lives in the dropped clause ("친구들이 저만 빼고 ... 만들었"): keep it whole
            if not (any(t.tag == "JKS" for w in dropped for t in w)
                    and not any(t.tag in ("JKS", "JX") for w in kept for t in w)):
                words = kept
        while len(words) > 2 and words[0][0].form in _LEAD_FILLERS and len(words[0]) == 1:
            words = words[1:]
    whole = len(words)
    while length(words) > _MAX_REFLECTION:
        cut = next((i for i, w in enumerate(words[:-1]) if w[-1].tag == "EC"), None)
        if cut is None or cut + 1 >= len(words):
            return None
        words = words[cut + 1:]
    if len(words) < whole and any(t.tag == "MM" and t.form in ("그", "이", "저") for w in words for t in w):
        return None  # "그 기대 때문에 …" with what "그" points at cut away
    pred_word = words[-1]
    core = [t for t in pred_word if t.tag not in ("EF", "EP")]
    past = any(t.tag == "EP" and t.form in ("었", "았", "였", "ᆻ") for t in pred_word)
    if not core or not core[-1].tag.startswith(_PRED + ("VV", "VA")):
        return None
    # a subject in the final clause that is not the user: no honorific ("잠이 안 오는군요")
    final_clause: list = []
    for w in reversed(words[:-1]):
        if w[-1].tag == "EC":
            break
        final_clause = w + final_clause
    def _other(seq, i):  # a subject marker on someone or something other than the user
        prev = seq[i - 1] if i > 0 else None
        if prev is not None and prev.tag == "NP":
            return prev.form in _OTHER_PRONOUNS
        return prev is not None and not (prev.tag in ("NNB", "ETN") or prev.form == "자신")

    def _topic_other(seq, i):  # "아무도", "친구는", "엄마도": a topic that is someone else
        prev = seq[i - 1] if i > 0 else None
        return seq[i].form in ("은", "는", "도") and prev is not None and (
            prev.form in _OTHER_PRONOUNS or (prev.tag.startswith("NN") and _person(prev.form)))

    third_subject = any((t.tag == "JKS" and _other(final_clause, i)) or (t.tag == "JX" and _topic_other(final_clause, i))
                        for i, t in enumerate(final_clause))
    # An action whose doer may be someone else gets no honorific: honouring the wrong subject
    # ("선거 조작되셨군요", "간호사가 와서 깨우셨군요") is an error, leaving it out is not.
    if not head_is_adjective(pred_word):
        flat = [t for w in words[:-1] for t in w]
        if index > 0 and not any(t.tag == "JKS" or (t.tag == "JX" and i and flat[i - 1].tag.startswith(("NN", "XSN", "NP")))
                                 for i, t in enumerate(flat)):
            third_subject = True  # a later sentence with no subject of its own: its doer was said before
        if any(t.tag == "JKS" and _other(flat, i) and _acts(flat[i + 1:]) for i, t in enumerate(flat)):
            third_subject = True  # someone else doing something before ("동생이 … 많다고 하네", "간호사가 와서")
        for wi, w in enumerate(final_clause_words(words)):
            bare = w[-1].tag in ("NNG", "NNP", "NR", "SN", "XSN") and not (wi == len(final_clause_words(words)) - 1
                                                                    and core[0].form in ("하", "되") and len(core) == 1)
            topic = w[-1].tag == "JX" and w[-1].form in ("은", "는", "도") and len(w) > 1 and w[-2].tag.startswith("NN")
            if bare or (topic and not any(t.tag == "JKO" for x in final_clause_words(words) for t in x)):
                third_subject = True  # "한도 초과 떴어", "동물병원도 다 닫았어": a subject without a marker
    prefix = " ".join(filter(None, (_word_text(kiwi, w, src) for w in words[:-1])))
    morphs = [(t.form, t.tag) for t in core]
    head = core[-1]
    ep = [("었", "EP")] if past else []
    if head.tag == "VCP":
        ending = kiwi.join(morphs + ep + [("군요", "EF")])
    elif head.form == "같" and len(words) > 1 and words[-2][-1].form in ("것", "거"):
        ending = kiwi.join(morphs + ep + [("다고", "EC")]) + (" 느끼셨군요" if past else " 느끼시는군요")
    else:
        adjective = head.tag.startswith(("VA", "XSA")) or (head.tag == "VX" and head.form in ("싶", "않"))
        # the user's honorific for someone named as the subject ("할머니가 … 받으셨어요") is kept;
        # without one named ("진짜 대단하시다") it would land on the user
        user_honoured = third_subject and any(t.form in ("시", "으시") and t.tag == "EP" for t in pred_word)
        honour = not third_subject and not user_honoured
        if honour and head.form in _HONORIFIC_STEM and head.tag.startswith("VV"):
            morphs[-1] = (_HONORIFIC_STEM[head.form], "VV")
            honour = False
            hon = []
        else:
            hon = [("시", "EP")] if honour or user_honoured else []
        if past:
            ending = kiwi.join(morphs + hon + ep + [("군요", "EF")])
        elif adjective and not morphs[-1][0] in ("주무시", "드시"):
            ending = kiwi.join(morphs + hon + [("군요", "EF")])
        else:
            ending = kiwi.join(morphs + hon + [("는군요", "EF")])
    out = f"{prefix} {ending}".strip() + "."
    return out if len(out) > 4 else None


# Feeling predicates worth saying back alone ("서운해요" → "많이 서운하시군요."): Kiwi's forms.
_FEELING_FORMS = frozenset("""
서운하 섭섭하 속상하 외롭 쓸쓸하 허전하 슬프 서럽 우울 불안 초조하 떨리 긴장 걱정 무섭 두렵 겁나 답답하 막막하 억울하
창피 민망하 부끄럽 부담 괴롭 힘들 지치 피곤하 무기력 허무하 귀찮 짜증 열받 울적하 심란하 싱숭생숭하 설레 기쁘 행복하 신나
""".split())
_INTENSIFIERS = {"너무", "진짜", "정말", "엄청", "많이", "넘", "완전", "되게", "정말로", "너무나", "매우", "아주", "굉장히"}
_FEELING_SUBJECTS = {"마음", "기분", "속", "몸", "가슴", "머리"}


def feeling_reflection(text: str) -> str | None:
    """Only the feeling the user named, said back ("나만 뒤처지는 것 같아서 불안해" → "많이
    불안하시군요."): the key feeling, never the clause around it. None when the last statement
    ends in no feeling word, is negated, or is someone else's ("엄마가 많이 아파요")."""
    from serving.kiwi import get_kiwi

    kiwi = get_kiwi()
    sentences = kiwi.split_into_sents(text, return_tokens=True)
    for sentence in reversed(sentences):
        try:
            words = _statement(kiwi, sentence)
        except _Unreflectable:
            return None
        if words is None:
            continue
        pred = words[-1]
        core = [t for t in pred if t.tag not in ("EF", "EP")]
        if not any(t.form in _FEELING_FORMS or t.form + "하" in _FEELING_FORMS for t in core) \
                or any(t.form in ("않", "안", "못") for t in pred):
            return None
        before = words[-2] if len(words) > 1 else []
        if any(t.form in ("안", "못", "덜") for t in before):
            return None
        clause = final_clause_words(words)
        subjects = [prev for w in clause for prev, t in zip(w, w[1:])
                    if t.tag == "JKS" or (t.tag == "JX" and t.form in ("은", "는", "도"))]
        if any(p.form not in _FEELING_SUBJECTS and (_person(p.form) or p.tag == "NP") for p in subjects):
            return None  # "엄마가 아파요": not the user's feeling
        strong = any(len(w) == 1 and w[0].form in _INTENSIFIERS for w in words[:-1])
        surface = text[sentence.start:][pred[0].start - sentence.start: pred[-1].start + pred[-1].len - sentence.start]
        said = reflect(("많이 " if strong else "") + surface)
        return said if said and len(said) <= 24 else None
    return None


# ---------------------------------------------------------------------------------------------
# support sentences

_ANAPHORIC_START = ("그래서", "그럼", "그러면", "그런데", "근데", "그러니까", "그렇다면", "그때", "그분", "그 사람", "아까",
                    "방금", "말씀하신", "말씀처럼", "말씀대로", "그래도", "그리고", "또", "게다가", "특히", "그동안")
_BOUND_STARTS = {"정도", "만큼", "때문", "뿐", "대로", "듯", "채", "김"}  # they follow a word, never start
_POINTING_BACK = {"그렇게", "이렇게", "그때", "미리", "결국", "막상", "아직도", "벌써"}
_NUMERALS = {"한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열", "스무", "몇"}
# a premise about a situation ("…정도라면"), not a plain -면 ("잠을 못 자면 마음도 쉽게 지쳐요" is generic)
_CONDITIONAL = {"다면", "라면", "ᆫ다면", "는다면", "이라면"}
_ALLOWED_NP = {"저", "누구", "무엇", "뭐", "어디", "언제", "여기", "이것"}


def sentence_parts(kiwi, answer: str) -> list[tuple[str, frozenset[str], bool]]:
    """(sentence, its content nouns, whether it could be said to anyone) for a retrieved reply."""
    out = []
    for sent in kiwi.split_into_sents(answer, return_tokens=True):
        s = sent.text.strip()
        # only a sentence the writer ended and began: Kiwi also splits inside one ("…라는 말에 …")
        whole = not answer[:sent.start].strip() or answer[:sent.start].rstrip()[-1] in ".!?~…\n"
        whole = whole and s[-1:] in (".", "!", "?", "~", "…")
        tags = [t.tag for t in sent.tokens]
        ok = (6 <= len(s) <= 60 and not question_tokens(sent.tokens, s) and "NNP" not in tags and "SN" not in tags
              and "SL" not in tags and "NR" not in tags and not any(t.tag == "MM" and t.form in _NUMERALS for t in sent.tokens)
              and not re.search(r"(고요|가봐요|나봐요|나 봐요|가 봐요|세요|저도요)[.!~…]*$", s) and not s.startswith(("네 ", "네,", "아니"))
              and not any(t.tag == "NP" and t.form not in _ALLOWED_NP for t in sent.tokens)
              and not s.startswith(_ANAPHORIC_START) and "님" not in s
              and not re.search(r"(군요|구나|구요)[.!~…]*$", s)  # an opening, out of place mid-reply
              and bool(re.search(r"(요|죠|니다)[.!~…]*$", s)))
        # a past clause inside a sentence ("미리 말해줬으면 덜했을 텐데", "그렇게 알게 된 게 …") narrates
        # someone else's story; a past told at the end ("잘됐네요") or a guess ("힘드셨겠어요") does not
        ok = ok and not any(t.tag == "EP" and t.form in ("었", "았", "였", "ᆻ") and nxt.tag in ("EC", "ETM", "ETN")
                            for t, nxt in zip(sent.tokens, sent.tokens[1:]))  # "잘됐네요", "힘드셨겠어요" stay
        ok = ok and not any(t.form in _POINTING_BACK and t.tag.startswith("MA") for t in sent.tokens)
        # "몸이 먼저 반응할 정도라면 …": a condition on someone else's situation, told as if the user's
        ok = ok and not any(t.tag == "EC" and t.form in _CONDITIONAL for t in sent.tokens)
        # a sentence cut out of a longer one ("라는 말에 속상함이 묻어나요.") starts with a particle or ending
        # ("정도로 짧게 …": a dependent noun cannot start one either)
        ok = ok and bool(sent.tokens) and not sent.tokens[0].tag.startswith(("J", "E", "XS", "VCP", "NNB")) \
            and sent.tokens[0].form not in _BOUND_STARTS
        # "그 변화", "그 사람": a determiner pointing at something the user never told
        ok = ok and not any(t.tag == "MM" and t.form in ("그", "이", "저") and nxt.tag.startswith("NN")
                            and nxt.form not in _POINTABLE for t, nxt in zip(sent.tokens, sent.tokens[1:]))
        out.append((s, frozenset(content_words(sent.tokens)), ok and whole))
    return out


_CONTENT_TAGS = ("NNG", "NNP", "VV", "VA", "XR")
# What "그 …" may point at without presupposing a detail: the feeling or the talk itself.
_POINTABLE = {"마음", "말", "말씀", "일", "이야기", "얘기", "순간", "상황", "감정", "기분", "생각", "때", "시간"}


def content_words(tokens) -> list[str]:
    """Nouns, predicate stems and roots; Kiwi marks irregular stems "VA-I", "VV-R": those count too."""
    return [t.form for t in tokens if t.tag.split("-")[0] in _CONTENT_TAGS]
# Predicates that describe no one's situation: feeling, coping, talking, being.
GENERIC_PREDICATES: frozenset[str] = frozenset("""
하 되 있 없 같 보 주 오 가 알 모르 들 느끼 생각하 말하 이야기하 나누 털어놓 듣 지내 보내 쉬 돌보 챙기 버티 견디 애쓰
힘들 괜찮 좋 싫 어렵 쉽 무겁 가볍 아프 지치 답답하 속상하 불안하 걱정되 걱정하 서운하 외롭 슬프 화나 놀라 당황스럽
기쁘 고맙 미안하 대단하 잘하 필요하 당연하 자연스럽 충분하 소중하 중요하 편하 불편하 많 적 크 작 그렇 어떻 이렇
바라 원하 믿 기다리 지나가 흘러가 달라지 나아지 풀리 가라앉 가라앉히 쌓이 남 시작하 멈추 쉬어가 기대 받아들이 인정하 허락하
다 마음먹 노력하 수고하 고생하 위로하 응원하 만들 찾 정하 살피 조심하 무리하 서두르 천천히 차분하 조급하
""".split())


def generic_sentence(nouns: frozenset[str], user_nouns: set[str], user_text: str) -> bool:
    """Every content word (nouns, predicate stems, roots) is the user's own (or in their text) or generic."""
    return all(n in user_nouns or n in GENERIC_NOUNS or n in GENERIC_PREDICATES or n in user_text for n in nouns)
