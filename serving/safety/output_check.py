"""Checks on every generated or styled reply before it is shown.

A reply fails when it diagnoses ("우울증입니다", "혹시 조울증 아니야?"), advises on medication
or doses, gives method information (even without the method word: "20층이면 충분히 높아"),
or insults or swears (with separators too: "병1신"). Two layers, either can fail a reply:

1. rules (this module): the floor, and the explanation in the problem list;
2. the semantic reply head (`reply_semantic`): a calibrated classifier on the shared encoder,
   trained on our reply sets and two independent writers'. Off by default: on each writer's
   replies held out in turn it lifts the catch rate from 24% to 42% at 6.8% safe flagged, but ordinary
   persona replies ("오늘 점심은 뭐 드셨어요?") score just under its threshold, so it would replace
   too many normal replies (docs/safety.md). `find_all_problems(semantic=True)` or
   `maeum safety check-reply --semantic` turn it on.

A failing reply is replaced by `SAFE_FALLBACK_REPLY` and logged.
"""

from __future__ import annotations

import logging
import re

from serving.safety.models import OutputCheck
from serving.safety.normalize import clean_text
from serving.safety.reply_harm import harm_problems
from serving.safety.resources import SAFE_FALLBACK_REPLY

log = logging.getLogger(__name__)

_DISORDER = (
    r"(?:우울증|우울장애|조울증|양극성장애|양극성|공황장애|불안장애|사회불안장애|강박장애|강박증|조현병|정신분열증|adhd|"
    r"주의력결핍|경계선인격장애|경계성인격장애|인격장애|성격장애|ptsd|외상후스트레스장애|섭식장애|거식증|폭식증|불면증|치매|"
    r"자폐|아스퍼거|기분장애|정신질환|정신병|사이코패스|소시오패스|분노조절장애|대인기피증|적응장애)"
)
_ASSERTION = (
    r"(?:입니다|이에요|예요|에요|이네요|네요|이시네요|이군요|이세요|이십니다|인것같아요|인것같네요|인것같습니다|인것같아|"
    r"일가능성이(?:높|커|크)|이확실|이분명|으로보여요|으로보입니다|로보여요|로보입니다|으로보이네요|로보이네요|이라고생각해요|"
    r"증상이(?:에요|네요|입니다|확실|분명)|에걸리|을앓고계|를앓고계|이있으시|이있으신것|가있으시|가있으신것|으로진단|로진단|판정)"
)
# "혹시 조울증 아니야?", "양극성 같아", "대인기피증이라서 그래요": a guess about the user is a diagnosis too.
_GUESS = (
    r"(?:이|가)?(?:아니야|아냐|아니냐|아닐까|아닌가|아닌지|아니에요|아닌것같|같아|같은데|같네|같다|인것같|인듯|인거|"
    r"이라고봐|라고봐|라고생각|이라고생각|에해당|이라서|라서|때문|이맞|가맞|이온거|가온거|초기|있는거아니|있는것같|기질|"
    r"으로진단|로진단|진단할수|일거예요|일거야|일수도|이야|야|이네|네|단계|로보면|으로보면|틀림없|특징이랑|증세)"
)
_DISORDER_MORE = r"(?:양극성|사이코패스|소시오패스|정신병|우울에피소드|조증|공황|애정결핍증)"
_DIAGNOSIS = re.compile(
    f"(?:{_DISORDER}|{_DISORDER_MORE}){_GUESS}|"
    + _DISORDER + _ASSERTION
    + r"|(?:당신은|님은|너는|넌)(?:.{0,10})(?:환자|정신병자)(?:입니다|이에요|예요|야|네요)"
    + r"|진단(?:해드릴게|해드릴께|해드리면|을내리면|하자면|결과)"
)

_MEDICINE = (
    r"(?:프로작|졸로프트|렉사프로|팍실|웰부트린|자낙스|아티반|로라제팜|알프라졸람|클로나제팜|리보트릴|졸피뎀|스틸녹스|트라조돈|"
    r"쎄로켈|쿠에티아핀|리튬|아빌리파이|리스페리돈|멜라토닌|항우울제|항불안제|신경안정제|안정제|수면제|수면유도제|진통제|"
    r"타이레놀|아세트아미노펜|이부프로펜|ssri|벤조디아제핀|에스시탈로프람|설트랄린|플루옥세틴|파록세틴|부프로피온|"
    r"메틸페니데이트|콘서타|"
    # "약" as medicine, not the 약 of 약속, 예약, 요약, 계약...
    r"(?<!계)(?<!만)(?<!예)(?<!절)(?<!요)(?<!조)(?<!공)(?<!규)(?<!협)(?<!치)(?<!비)(?<!도)(?<!언)(?<!서)약(?!속|간|혼|점|자|하|해|한(?!봉지|통|알|움큼|번|꺼번)|했|올|력|칭|식|탕|초|수|과))"
)
_ADVICE = (
    r"(?:드세요|드셔보세요|드셔도|복용하세요|복용해보세요|복용하셔도|먹어보세요|먹어봐|먹어도돼|먹어도괜찮|늘리세요|늘려보세요|"
    r"줄이세요|줄여보세요|끊으세요|끊어보세요|끊어도|중단하세요|중단해보세요|중단하셔도|바꿔보세요|추천해요|추천드려요|"
    r"추천합니다|처방받으세요|구해보세요|당장끊|끊어$|끊어[.!]|줄여도돼|건너뛰어도|추가로드시|드시면됩니다|바꾸세요|끊고나서)"
)
_MEDICATION = re.compile(_MEDICINE + r"(?:을|를|은|는|도|이|가)?.{0,12}?" + _ADVICE)
# Doses, matched on spaced text so that "0199 정신건강" is no "9정".
_DOSE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:mg|밀리그램|㎎|mcg|캡슐)|\d+\s*(?:알|정)(?:씩|(?![가-힣]))"
    r"|(?:하루|한 ?번에|1회|매일)\s*(?:에\s*)?\d+\s*(?:알|정|mg|캡슐)(?:씩|(?![가-힣]))"
)
# Risky advice about medicine that a referral in the same sentence does not excuse.
_MEDICATION_RISK = re.compile(
    _MEDICINE + r"(?:을|를|은|는|도|이|가)?.{0,14}?(?:한꺼번에|한번에|몰아서|많이|여러알|평소보다|두배|세알|네알|다섯알|열알|"
    r"\d+알|반알|술이랑|술과|빌려|구해서|구해|직구|처방없이|모아|용량을)"
    r"|(?:용량|양)을?(?:스스로|마음대로|두배로|두배)?(?:늘려|올려|올리|늘리)"
    r"|의사(?:한테|에게|말|선생님)?.{0,6}?(?:말하지말|듣지말|몰래)|처방없이|직구로.{0,10}?(?:수면|안정|약)"
    r"|(?:약|약은|약을).{0,12}?(?:그냥|바로|오늘부터).{0,6}?(?:끊|줄이|중단|안먹어도)"
    r"|술이랑(?:같이)?(?:먹|드시)|(?:먹어도|드셔도)(?:돼|괜찮|상관)"
)
_DOSE_TIMES = re.compile(r"(?:하루|한번)에?(?:열|스무|\d+)알|(?:하루세번|세번)먹던.{0,6}?한번에")
_REFERRAL = re.compile(r"(?:의사|전문의|약사|병원|주치의|전문가)(?:와|랑|에게|께|선생님)?.{0,8}?(?:상의|상담|문의|확인)")
# Safety advice about medicine: call 119, take it as prescribed, hand a stash over, a warning.
_MEDICATION_SAFE = re.compile(r"119|응급|처방(?:받은)?대로|맡겨|위험해요|위험할수|피해주세요|처방받으세요")

_METHOD = re.compile(
    r"치사량|목(?:을)?매|목맴|번개탄|연탄(?:을)?피우|투신|뛰어내리|손목(?:을)?긋|손목(?:을)?그|과다복용|질식|독극물|"
    r"농약(?:을)?마시|제초제|(?:몇|\d+)층(?:에서|이상|높이)|경동맥|익사|철로에|선로에|극약|청산가리|"
    r"(?:자살|죽는)(?:하는)?(?:방법|법)|(?:확실하게|고통없이|안아프게)죽|"
    + r"(?:약|수면제|진통제)(?:을|를)?(?:많이|한꺼번에|한번에|왕창)(?:먹|삼키)"
)
# Method information without the method word: heights that are "enough", places with nobody
# around, quantities that are "enough", ways to make it painless or certain.
_METHOD_HINT = re.compile(
    r"(?:\d+|몇|십|이십)층(?:정도)?(?:이면|정도면|이상이면|높이면)|충분히높|높은(?:데|곳)에서떨어지면|떨어지면.{0,8}?(?:아픔|고통|금방|끝)"
    r"|살아남기(?:어려|힘들)|깨어나지못|돌이킬수없|(?:그|이)정도양이면|그만큼모으면|양을모을|모으면충분|충분할거|충분해요"
    r"|난간이낮|쉽게넘어|(?:문|옥상문)은?.{0,6}?잠겨있지않|아무나올라갈|(?:다리|절벽|옥상|철길|선로|산)[가-힣]{0,8}?사람이(?:거의)?없"
    r"|뛰어들면|기차시간|고통없이(?:가|죽|끝)|덜아프|안아프게|깊게벨|(?:문틈|창문)을?.{0,6}?(?:테이프|막으|막고|다막)"
    r"|고리에걸|천장.{0,4}?걸면|끈은?튼튼|연탄을?방|효과적이라고|금방끝나|조용히잠들|간단해요"
)
_METHOD_EVERYDAY = re.compile(r"고기|캠핑|구워|바베큐|숯불|전망|야경|노을|산책|자전거|등산로|이사")

_PROFANITY = re.compile(
    r"씨발|시발|씨빨|시빨|ㅅㅂ|ㅆㅂ|씹(?:새|년|놈|창|할|덕)|좆|존나|졸라|ㅈㄴ|개새끼|개새|"
    r"(?:이|저|그|애|거지|미친|나쁜|썩을|망할)새끼|새끼야|병신|ㅂㅅ|븅신|빙신|"
    r"등신|지랄|ㅈㄹ|염병|니기럴|니미|니애미|느금|엠창|썅|쌍놈|쌍년|미친놈|미친년|또라이|돌아이|닥쳐|닥치(?:라|세요|고)|꺼져|"
    r"뒤질래|뒤져라|디져|디질|뒈지|뒈져|뒈질|죽어라|죽어버려|엿먹|빌어먹|개같|개소리|개빡|년놈|놈들|놈이|놈아|놈은|놈의|놈한테|"
    r"ㅄ|병ㅅㄴ|ㅂㅅㄴ|fuck|shit|bitch|asshole|wtf"
)
# Words that contain a curse's letters ("시발점", "병신년 새해"): set aside before matching.
_PROFANITY_INNOCENT = re.compile(r"시발(?:점|역|택시|회)|병신년(?:새해|에|도|생|의)|신발")
# A digit or symbol typed inside a word to dodge the filter: 병1신, 존1나, 개새1끼, ㅅ1ㅂ.
_INNER_DODGE = re.compile(r"(?<=[가-힣ㄱ-ㅎ])[0-9.\-_*/~·!@#$%^&+=|]{1,3}(?=[가-힣ㄱ-ㅎ])")
# Short curses that are also parts of ordinary words ("실망할까봐"): word start, on spaced text.
_PROFANITY_WORD = re.compile(r"(?<![가-힣])(?:망할|씹(?![어고다는을었]))")
_INSULT = re.compile(
    r"(?:너|넌|니가|네가|당신|당신은|님은)(?:는|은|이)?(?:진짜|정말|완전|참)?"
    r"(?:바보|멍청|한심|쓰레기|찌질|루저|패배자|못난|구제불능|답이없|가망이없|쓸모없)"
    r"|바보(?:야|냐|같이|아냐)|멍청(?:이|아|하긴|하네|한놈)"
    r"|(?:네가|니가|너가|당신이|너는|넌|당신은)(?:.{0,10}?)(?:문제야|이상한거|약해빠|나약|못생|멍청|한심|어리석|루저|패배자)"
    # ...but "스스로가 한심하게 느껴지셨군요" reflects the user's own feeling, and is no insult.
    r"|(?:한심|나약|찌질|어리석)(?:하네|하다|한소리|하게|한거|하니|해|게행동|게굴)(?!.{0,5}?(?:느끼|느껴|느꼈|생각|여기|보일|보였))"
    r"|약해빠|징징대|듣기지겨"
    r"|다들.{0,4}?(?:너|당신)(?:를|을)?싫어|(?:네가|니가|너가|당신이)친구가없|뭘해도안될|바보처럼(?:굴|행동)|정신차려"
    r"|(?:상담|치료)(?:받아도|해도)안바뀌|그정도밖에안되|루저로살"
    r"|그모양|답이없는사람|누가좋아하겠|머리가나쁜|말귀를못|인생이꼬이|쓸모없는소리|밑에서애가불쌍|못생겨서|유치하다|유치해"
    r"|기대도안해|나이먹고[가-힣]{0,6}?못"
)
# "너는 한심하지 않아", "쓸모없는 사람이 아니에요": a negated insult reassures.
_NEGATED = re.compile(r"(?:지않|게아니|건아니|이아니|가아니|거아니)(?:야|아|에요|예요|어요|습니다|라)(?![?])")


def find_problems(text: str) -> list[str]:
    """The kinds of problem in `text`: diagnosis, medication, method, profanity, insult, and
    encouragement, blame, minimising, secrecy (`reply_harm`)."""
    clean = clean_text(text)
    problems = []
    sentences = [s for s in re.split(r"(?<=[.!?。])\s+|\n+", clean) if s.strip()]
    compact_sentences = ["".join(s.split()) for s in sentences]
    compact = "".join(compact_sentences)
    if _DIAGNOSIS.search(compact):
        problems.append("diagnosis")
    if any((((_MEDICATION.search(c) or _DOSE.search(s)) and not _REFERRAL.search(c))
            or _MEDICATION_RISK.search(c) or _DOSE_TIMES.search(c)) and not _MEDICATION_SAFE.search(c)
           for s, c in zip(sentences, compact_sentences)):
        problems.append("medication")
    if any((_METHOD.search(c) or _METHOD_HINT.search(c)) and not _METHOD_EVERYDAY.search(c) for c in compact_sentences):
        problems.append("method")
    undodged = _PROFANITY_INNOCENT.sub("", _INNER_DODGE.sub("", compact))
    if _PROFANITY.search(undodged) or _PROFANITY_WORD.search(_PROFANITY_INNOCENT.sub("", clean)):
        problems.append("profanity")
    if any(_INSULT.search(c) and not _NEGATED.search(c) for c in compact_sentences):
        problems.append("insult")
    return problems + harm_problems(compact_sentences)


def find_all_problems(text: str, *, semantic: bool = False) -> list[str]:
    """The rules' problems, plus the semantic reply head's (marked ``semantic.<kind>``) when it is on."""
    problems = find_problems(text)
    if semantic and not problems:
        from serving.safety.reply_semantic import semantic_problems

        problems = semantic_problems(text)
    return problems


def check_reply(text: str) -> OutputCheck:
    """Pass `text` through, or swap it for the safe fallback (and log why)."""
    problems = find_all_problems(text or "")
    if not problems:
        return OutputCheck(ok=True, problems=[], text=text)
    log.warning("reply replaced by the safe fallback (%s): %.80r", ", ".join(problems), text)
    return OutputCheck(ok=False, problems=problems, text=SAFE_FALLBACK_REPLY)
