"""Risk signals: regular expressions over compact (spacing-free, normalised) Korean text.

Each pattern names a reason code and the level it implies on its own. Context (negation,
hyperbole, someone else, a film, the past) is judged afterwards in `context.py`, so the
patterns here stay simple and the exceptions stay in one place.

Written against the guidance of 자살예방 보도준칙 4.0 / WHO (2023) warning signs: direct and
indirect statements of wanting to die, self-harm, plans and means, farewells, and violence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from serving.safety.models import Level

# People who may hurt the user (family, partners, peers, strangers).
ACTOR = (
    r"(?:의붓아버지|의붓아빠|의붓엄마|양아버지|새아빠|새엄마|아빠|아버지|엄마|어머니|부모님|부모|남편|아내|와이프|전남친|전남편|전여친|전애인|남친|남자친구|여친|"
    r"여자친구|애인|오빠|형|언니|누나|동생|계부|계모|삼촌|이모부|고모부|할아버지|할머니|선배|선생님|선생|애들|걔네|걔|"
    r"친구들|친구|사장님|사장|상사|팀장|누가|누군가|모르는사람|어떤사람|어떤남자|남자|아저씨|스토커)"
)
_VIOLENT_ACT = (
    r"(?:때리|때려|때렸|때린|팼|패고|패요|폭행|목(?:을)?졸|죽이겠|죽여버린|죽여버리겠|죽인다|죽일거|협박|발로(?:차|찼)|"
    r"(?:몸|가슴|엉덩이|허벅지|속옷)(?:을|를)?(?:자꾸|막|몰래)?(?:만지|만져|만졌)|성추행|성폭행|강간|"
    r"강제로|억지로|밀쳤|밀쳐|발로차|발로찼|칼(?:을)?들)"
)
# 자살/자해 must start a word: "투자해", "혼자 살 생각" only look like them without spaces.
_WORD_START_SUICIDE = r"(?:^|[^가-힣])(?:자[^가-힣\s]{0,3}[살샬쌀]|ㅈㅅ)"
_WORD_START_SELF_HARM = r"(?:^|[^가-힣])(?:자[^가-힣\s]{0,3}해|ㅈㅎ)"
# Intensifiers and fillers that may sit inside a phrase: "살기 넘 싫어", "손목에 또 상처".
_ADV = r"(?:너무|넘|너무나|정말|정말로|진짜|진심|완전|참|좀|잘|그냥|다시|또|자꾸|계속|하나도|전혀|도무지|아예|일부러)*"
_STRONG_DRUG = r"(?:수면제|수면유도제|신경안정제|안정제|진통제|타이레놀|농약|제초제|락스)"
# "약" as medicine, not the 약 of 약속, 예약, 요약, 계약...
_PILL = r"(?<!계)(?<!예)(?<!절)(?<!요)(?<!조)(?<!공)(?<!규)(?<!협)(?<!치)(?<!비)(?<!도)(?<!언)(?<!서)약(?!속|간|혼|점|자|하|해|한(?!봉지|통|알|움큼|번|꺼번)|했|올|력|칭|식|탕|초|수|과)"
_TIMES = r"(?:몇번|여러번|수십번|몇십번|한번|두번|세번|깊게|세게|깊이)?" + _ADV
_BLADE = r"(?:칼|커터칼|커터|면도칼|면도날|칼날|가위)"
_DRUG = r"(?:" + _PILL + r"|수면제|진통제|타이레놀|수면유도제|신경안정제|알약|농약|제초제)"


# Pills "collected" in a pill box, vitamins, or old medicine taken back for disposal; never
# when a strong drug is named ("수면제를 비타민 통에 모아 뒀어").
_PILL_BOX = (
    r"^(?!.*" + _STRONG_DRUG + r").*(?:모아두는|모아놓는|담는|넣는|정리하는|보관하는)(?:통|케이스|함|용기|파우치)|약통|약케이스|알약케이스|"
    r"^(?!.*" + _STRONG_DRUG + r").*(?:비타민|영양제|유산균|오메가|루테인|마그네슘|철분|홍삼|보충제|폐의약품|분리수거|수거함|버리려|버릴|버리는)"
)
# Heavy drinking. "술" not inside 기술, 수술, 미술, 마술, 예술...
_ALCOHOL = (r"(?:소주|맥주|와인|양주|막걸리|위스키|보드카|하이볼|혼술|"
            r"(?<![기수미마예학상무검궁화저진서논구요도주점산심])술(?!술))")
_PARTNER = r"(?:남친|남자친구|여친|여자친구|애인|남편|아내|와이프|전남친|전여친|전애인|전남편|약혼자|신랑)"
_FAMILY = (r"(?:의붓아버지|의붓아빠|의붓엄마|양아버지|새아빠|새엄마|아빠|아버지|엄마|어머니|부모님|부모|계부|계모|오빠|형|언니|누나|"
           r"할아버지|할머니|삼촌|고모부|이모부|" + _PARTNER[3:])


@dataclass(frozen=True)
class SignalPattern:
    """One way of expressing risk.

    desire: the form itself is a first-person wish or intent ("죽고 싶", "끝낼래"), so a film
        or news cue in the sentence does not explain it away unless it is quoted.
    negatable: a negation right after it ("…지 않아", "…은 건 아니고") cancels it.
    about_others: the pattern names the other person on purpose (violence towards the user),
        so a third-person subject does not discount it.
    everyday_object: an everyday object before it ("과제", "관계") turns it harmless.
    may_be_hyperbole: a trivial cause before it ("쪽팔려서", "시험 망해서") lowers it to concern.
    guard: a pattern the sentence's spaced text must also contain (word boundaries that the
        compact view has lost).
    objectless: only counts in a sentence that names no everyday thing ("방학 끝났으면",
        "야근 그만하고 싶어" are about the holiday and the overtime, "다 그만하고 싶어" is not).
    unless: an everyday context in the sentence that explains the match ("요리하려고 칼 샀어").
    """

    code: str
    level: Level
    regex: re.Pattern[str]
    desire: bool = False
    negatable: bool = False
    about_others: bool = False
    everyday_object: bool = False
    may_be_hyperbole: bool = False
    guard: re.Pattern[str] | None = None
    objectless: bool = False
    unless: re.Pattern[str] | None = None


def _p(code: str, level: Level, pattern: str, guard: str | None = None, unless: str | None = None,
       **flags) -> SignalPattern:
    return SignalPattern(code=code, level=level, regex=re.compile(pattern), guard=re.compile(guard) if guard else None,
                         unless=re.compile(unless) if unless else None, **flags)


SIGNALS: tuple[SignalPattern, ...] = (
    # --- direct ideation -------------------------------------------------------------------
    _p("ideation.direct", "crisis", r"죽고싶|죽고파|죽고만싶|죽고말", desire=True, negatable=True, may_be_hyperbole=True),
    _p("ideation.direct", "crisis",
       r"자살(?:하고싶|하고파|하고픈|할까|하려|할래|할거|할꺼|할것같|할지도|하기로|하고말|해버릴|해버리고|하겠|하면편)",
       desire=True, negatable=True, may_be_hyperbole=True, guard=_WORD_START_SUICIDE),
    # "자살각": gamers' slang for a hopeless play ("이번 판 자살각 ㅋㅋ"); said of one's life it is still a crisis
    _p("ideation.direct", "crisis", r"자살각", may_be_hyperbole=True, guard=_WORD_START_SUICIDE,
       unless=r"롤|배그|랭겜|솔랭|한타|게임|겜|이번판|판에서|판은|판도|팀원|아군|적팀|딜러|탱커|킬|갱|정글|미드|오버워치|발로|피파|ㅋㅋ"),
    _p("ideation.direct", "crisis", r"자살(?:충동|생각|시도|계획|밖에)", negatable=True, guard=_WORD_START_SUICIDE),
    _p("ideation.direct", "crisis", r"(?:살기|사는게|사는기|살아가는게|살아가는기|살아있는게)(?:가|이|도)?" + _ADV + r"싫", desire=True),
    _p("ideation.direct", "crisis", r"살고싶지(?:가|는|도)?않|살고싶은마음(?:이|은|도)?" + _ADV + r"(?:없|안)|살고싶지않|죽을용기(?:가|도|는)?(?:없|안나)", desire=True),
    _p("ideation.direct", "crisis", r"(?:살|살아갈|살아야할|살아있을)(?:이유|의미)(?:가|를|도)?" + _ADV + r"(?:없|모르|못찾)", desire=True),
    _p("ideation.direct", "crisis", r"그만살(?:고싶|래|까|려|고파|아야|란다|라꼬|랑께|끼다|기다|련다)", desire=True),
    _p("ideation.direct", "crisis", r"죽어버리(?:고싶|고파|고말)|죽어버릴(?:래|까|거|꺼|게|랑께|란다|라꼬|끼|기다)", desire=True, negatable=True,
       may_be_hyperbole=True),
    _p("ideation.direct", "crisis", r"(?<!너)(?<!넌)(?<!니)(?<!너희)죽을(?:래(?!\?)|거야|거다|거예|거에|꺼야|꺼다|게|란다|거라고|생각)",
       desire=True, negatable=True, may_be_hyperbole=True),
    _p("ideation.direct", "crisis", r"죽으려(?:고|구|했|는|다)", desire=True, negatable=True),
    _p("ideation.direct", "crisis", r"죽어야(?:겠|지|할것같|하나|할까)", desire=True),
    _p("ideation.direct", "crisis", r"(?:죽는|없어지는|사라지는|(?:죽어|사라져|없어져)(?:주는|버리는))(?:게|것이|편이|거)(?:더|차라리)?(?:나을|낫|나아|좋겠|편하|편할|편해|맞)|"
       r"차라리죽|(?:없어져|사라져|죽어)도(?:되겠|괜찮겠|상관없)", desire=True),
    _p("ideation.direct", "crisis", r"죽(?:으면|는다면|어버리면).{0,8}?(?:편해|편하|편할|끝나|끝날|나을|낫|행복|해결|사라지)",
       desire=True),
    _p("ideation.direct", "crisis", r"목숨(?:을)?(?:끊|버리)|생을(?:마감|끝내|정리)|스스로(?:목숨|생을|세상을)"),
    _p("ideation.direct", "crisis", r"극단적(?:인)?선택"),
    _p("ideation.direct", "crisis", r"죽기로(?:결심|했|마음)|죽음을(?:택|선택|결심)|죽을결심", desire=True),
    _p("ideation.direct", "crisis", r"죽음만이|죽는것밖에|죽는수밖에|죽는방법밖에", desire=True),
    _p("ideation.direct", "crisis", r"죽(?:지도|진|지는)못하", desire=True, may_be_hyperbole=True),
    _p("ideation.direct", "crisis", r"자살(?:말고는|말곤|밖엔|뿐)", guard=_WORD_START_SUICIDE),
    _p("ideation.direct", "crisis", r"죽(?:는것|는거|는수|는길)?(?:말고는|말곤|외에는|빼고는).{0,12}?(?:답|방법|길|수)(?:이|가|은|는)?(?:없|안보)"),
    _p("ideation.direct", "crisis", r"자살(?:하면|한다면|할경우|하는경우)", guard=_WORD_START_SUICIDE),
    _p("ideation.direct", "crisis", r"(?:죽는|자살하는|내가죽는|목조르는|뛰어내리는|자해하는)(?:상상|장면을상상)"),
    _p("ideation.direct", "crisis", r"(?:인생|삶|목숨|생)(?:을|를)?포기(?:하고싶|할래|하려|할까|했)|살아갈(?:힘|자신|용기)(?:이|가|도)?" + _ADV + r"(?:없|안나|안남)",
       desire=True),
    _p("ideation.direct", "crisis", r"wan(?:t|na)(?:to)?die|killmyself|suicid(?!esquad)|endmylife|enditall|selfharm|cutmyself"),
    _p("ideation.direct", "crisis", r"극단적(?:인)?(?:생각|마음|충동)"),
    # --- indirect ideation -----------------------------------------------------------------
    _p("ideation.indirect", "crisis",
       r"(?:사라지|없어지|지워지|소멸하|증발하)(?:고싶|고파|고만싶)|(?:사라질|없어질|증발할)(?:래|거야|꺼야)|"
       r"(?:사라져|없어져|지워져)버리(?:고싶|고파|고말)|(?:사라져|없어져)버릴(?:래|거|꺼)|(?:사라지|없어지)려(?:고|구)",
       desire=True, negatable=True, may_be_hyperbole=True),
    _p("ideation.indirect", "crisis", r"(?:내가|나)(?:그냥)?(?:사라졌|없어졌|죽었)으면", desire=True),
    _p("ideation.indirect", "crisis", r"(?:안|영영|다시는|영원히)(?:깨어나|깨|일어나)고싶|(?:깨어나|깨)고싶지(?:가)?않", desire=True),
    _p("ideation.indirect", "crisis",
       r"(?:차에|트럭에|버스에)(?:치이|치였)(?:으면|면)|사고(?:라도|가)?(?:나서|나면)?죽었으면|(?:병|암)(?:이라도|에)?걸려서죽었으면", desire=True),
    _p("ideation.indirect", "crisis",
       r"(?:내|나|제)(?:가)?(?:죽으면|죽고나면|죽은뒤|죽은후).{0,6}?(?:장례식|누가올|누가와|슬퍼할|울어줄|알아줄)|내장례식", desire=True),
    _p("ideation.indirect", "crisis", r"내일이(?:안|오지않|영영안)(?:왔|오)|내일이없었으면|(?:아침|내일)이오지않았으면", desire=True),
    _p("ideation.indirect", "crisis", r"세상(?:을)?떠나(?:면|고싶|고파|려|기로)|세상(?:을)?떠날(?:래|거|까)", desire=True),
    _p("ideation.indirect", "crisis", r"영원히(?:잠들|자고싶|눈감|쉬고싶|쉬었으면|떠나|떠날|사라)|(?:떠나고싶|떠날래|떠날거|떠날게)(?:야|어|다|요|예요)?영원히",
       desire=True),
    _p("ideation.indirect", "crisis",
       r"(?:안|못)(?:깼|깨어났|깨졌|깨어지|깨)(?:으면|면|어나면)(?:좋겠|싶|해|하는|바래|바란)|눈(?:이|을)?(?:안|못)(?:떠지면|떠졌으면)(?:좋겠|싶|해|하는)|"
       r"(?:영영|다시는|영원히)(?:안|못)(?:일어났|일어나|눈떴|눈뜨|깨어났|깼)(?:으면|면)", desire=True,
       unless=r"애기|아기|아가|재웠|재우|낮잠|조카|강아지|고양이|댕댕|냥이|남편|룸메|동생|알람"),
    _p("ideation.indirect", "crisis",
       r"눈(?:을)?(?:안|못)떴으면|눈(?:을)?뜨지(?:않았|말았|않)으면|(?:깨어나지|깨지)(?:않았|말았|않)으면|다시는깨지", desire=True),
    _p("ideation.indirect", "crisis", r"나(?:만|하나만|하나)(?:없으면|없어지면|없어야|없어져야|사라지면|사라져야|죽으면|죽어야)", desire=True),
    _p("ideation.indirect", "crisis", r"이번생은(?:여기까지|그만|끝내|끝)", desire=True),
    _p("ideation.indirect", "crisis",
       r"(?:다|전부|모든걸|모든것을?|그냥|이제|여기서|인생을?|삶을?|내인생|내삶)끝내(?:버리)?(?:고싶|고파|ㄹ래|려고|기로|야겠|야지)",
       desire=True, negatable=True, everyday_object=True),
    _p("ideation.indirect", "crisis", r"(?:이)?세상(?:에|에서)?(?:없었으면|없어지고|사라지고|지워지고|떠나고싶|없고싶)", desire=True),
    _p("ideation.indirect", "crisis",
       r"(?:내가|나|내)(?:죽으면|사라지면|없어지면|없으면)(?:다들|모두|다|가족|엄마|부모님|세상|사람들)?(?:이|은|도)?(?:편|행복|나아|좋아|홀가분)",
       desire=True),
    # A bare "끝낼래/끝낼 거야" is ambiguous: concern alone, crisis with any other sign.
    _p("ideation.ambiguous_end", "concern", r"끝낼(?:래|거|꺼|게)|끝내(?:버리)?고싶|끝내버릴(?:래|거|까)", desire=True,
       negatable=True, everyday_object=True, objectless=True),
    _p("ideation.ambiguous_end", "concern", r"(?:다|모든게|모든것이|이제|그냥|인생이|삶이)?끝(?:이었으면|났으면|나버렸으면|내버렸으면)",
       desire=True, everyday_object=True, objectless=True),
    _p("ideation.ambiguous_end", "concern",
       r"(?:오늘로|이걸로|여기서|오늘이|이제)(?:다)?끝(?:이야|이다|이에요|입니다|낼게)|(?:이제|다)?그만하고싶(?!은일|은거)|"
       r"(?:그냥|이제)(?:가도|떠나도)(?:되겠|괜찮겠|될것같)", desire=True, everyday_object=True, objectless=True),
    # --- self-harm -------------------------------------------------------------------------
    _p("self_harm", "crisis", r"자해(?!(?:장면|예방|관련|영상|묘사|기사|뉴스|에대|를다룬|흔적|흉터|라는))", negatable=True,
       guard=_WORD_START_SELF_HARM),
    _p("self_harm", "crisis", r"(?:손목|팔목|팔뚝|팔|허벅지|발목)(?:을|를|에|에다|에다가|도)?" + _ADV + r"(?:" + _BLADE + r"(?:로|으로))?" + _ADV + _TIMES
       + r"(?:그었|긋|그어|그을|그으|그은|그인)"),
    _p("self_harm", "crisis", r"(?:손목|팔목|팔뚝|허벅지)(?:에|에다|에다가)?" + _ADV + _BLADE + r"(?:을|를|날을)?" + _ADV + r"(?:댔|대고|대서|댄|대버렸|갖다댔)"),
    _p("self_harm", "crisis", r"(?:칼|커터칼|면도칼|커터)(?:로|으로)(?:그었|긋|그어|그을|그으)|긋고싶"),
    _p("self_harm", "crisis", r"(?:몸|팔|손목|다리|허벅지)(?:에|에다)?" + _ADV + r"(?:상처|흉터|멍)(?:를|을)?(?:내|냈|낸|만들)"),
    _p("self_harm", "crisis", r"피를봐야|피가나야"),
    _p("self_harm", "crisis", r"(?:벽에|일부러|계속|자꾸)머리(?:를)?(?:계속|자꾸)?(?:박|찧)|머리(?:를)?벽에(?:박|찧)"),
    _p("self_harm", "crisis", r"(?:나를|날|나자신을|스스로를|내몸을|제몸을|저를|절)(?:자꾸|계속|막)?(?:아프게|때리|해치|벌주|다치게|학대)"),
    _p("self_harm", "crisis", r"일부러.{0,8}?(?:화상|상처|다치|굶|데였|지졌)|(?:담뱃불|라이터|다리미)(?:로)?.{0,4}?(?:지졌|지지)"),
    # --- plans and means -------------------------------------------------------------------
    _p("plan", "crisis",
       r"(?:옥상|난간|다리위|대교|철로|선로|기찻길|절벽)(?:에|위에|위|으로|에서|인데|이야)?.{0,6}?"
       r"(?:올라와|올라왔|서있|와있|왔어|왔다|왔는데|가는중|가려고|갈거|갈래|올라가|앉아있|매달)",
       unless=r"빨래|텃밭|정원|화분|바베큐|캠핑|담배|흡연|야경|사진|불꽃|공사|청소|수리|안테나|물탱크|카페|운동|산책|구경|드라이브"),
    _p("plan", "crisis", r"뛰어내리(?:고싶|고파|려|기로)|뛰어내릴(?:래|까|거|꺼|게)", desire=True, negatable=True),
    _p("plan", "crisis", r"투신"),
    _p("plan", "crisis", r"유서(?!(?:가|도|는)?깊)(?:는|를|도|에|까지)?.{0,8}?(?:썼|써놨|써놓|써뒀|쓰고있|쓰는중|다썼|다써|남겼|남기|준비|작성|쓸|써야|두는|둘|놔둘|놓을)"),
    _p("plan", "crisis",
       r"(?:창문|창|난간|베란다|옥상)(?:을|를|에|위에|밖으로)?(?:열고|넘어|서서|걸터앉아|매달려)?.{0,6}?(?:아래|밑)(?:를|만|을)?(?:내려다|보고있)"),
    _p("plan", "crisis", _DRUG + r"(?:을|를)?.{0,6}?(?:많이|한봉지|한통|한꺼번에|한움큼|왕창|몽땅|통째로)(?:다)?(?:털어|먹었|삼켰|넣었)|"
       + _DRUG + r"(?:을|를)?.{0,8}?털어넣|" + _DRUG + r".{0,8}?(?:먹고|먹어서)(?:응급실|병원에실려|위세척)"),
    _p("plan", "crisis", r"번개탄|연탄(?:을)?(?:피우|샀|사왔|준비)"),
    _p("plan", "crisis", _DRUG + r"(?:을|를)?.{0,6}?(?:모아|모았|모으|쌓아)", unless=_PILL_BOX),
    _p("plan", "crisis", _STRONG_DRUG + r"(?:을|를)?.{0,4}?(?:다|전부|많이)(?:먹었|삼켰|마셨|털어)"),
    _p("plan", "crisis", _DRUG + r"(?:을|를)?.{0,4}?(?:한통|한번에|한꺼번에|몽땅|왕창)(?:다)?(?:먹|삼키|털어)|"
       + _DRUG + r".{0,6}?(?:먹을거|먹을래|먹으려|삼킬)"),
    _p("plan", "crisis", r"(?<!신발)(?<!운동화)(?<!머리)끈(?:을|를)?(?:준비|묶어놨|걸어놨|매달)|밧줄(?:을|를)?(?:준비|샀|사놨|사왔|묶|걸)"),
    _p("plan", "crisis", r"목(?:을)?맬(?:끈|줄|밧줄|노끈|곳|데|장소|나무|고리|만한)"),
    _p("plan", "crisis", r"목(?:을)?매(?:고싶|려고|면|는방법|달고싶|달려|달까|달래|달거)|목맬(?:래|까|거)"),
    _p("plan", "crisis", r"(?:칼|커터칼|면도칼)(?:을|를)?(?:들고|쥐고)(?:있|화장실|욕실|방|혼자)|(?:칼|커터칼|면도칼)(?:을|를)?(?:꺼냈|챙겼|품고)"),
    _p("plan", "crisis", r"(?:\d+층|고층|높은층|옥상|아파트).{0,12}?(?:창문|창|베란다|난간)(?:밖|아래|밑)?(?:을|를|만)?.{0,4}?(?:보게|보고있|내려다|열고)"),
    _p("plan", "crisis", r"(?:술|소주|맥주).{0,10}?(?:약|수면제|안정제)(?:도|까지|이랑|을|를)?(?:먹었|삼켰|털어)|"
       r"(?:약|수면제|안정제)(?:을|를)?(?:먹고|삼키고).{0,6}?(?:술|소주)(?:도|까지)?(?:마셨|먹었)"),
    # A weapon bought: a crisis next to any other sign (see rules.combine_means).
    _p("means", "concern", r"(?:칼|흉기|커터칼|가스총|전기충격기)(?:을|를)?(?:사놨|사왔|샀|준비|구했)",
       unless=r"요리|주방|부엌|과일|식칼|캠핑|생선|고기|칼질|강화|게임|선물"),
    _p("plan", "crisis", r"(?:죽을|죽는|자살할|떠날)(?:날|날짜|장소|곳|시간)(?:을|를|도)?(?:정했|정해|골랐|잡았|찾아)"),
    # --- asking for methods ----------------------------------------------------------------
    _p("method_question", "crisis",
       r"(?:죽는|자살하는|자살|안아프게죽는|편하게죽는|쉽게죽는|고통없이죽는|확실하게죽는)(?:방법|법)"),
    _p("method_question", "crisis", r"(?:몇층|몇미터|몇m)(?:에서|이면|부터)?.{0,6}?(?:떨어지면|뛰어내리면|떨어져야).{0,4}?죽"),
    _p("method_question", "crisis", _DRUG + r".{0,10}?(?:먹으면|삼키면|먹어야).{0,3}?죽"),
    _p("method_question", "crisis", r"(?:몇알|몇개|몇통|몇mg|몇밀리|얼마나|얼만큼)(?:을|를|이나)?(?:먹으면|삼키면|먹어야).{0,4}?죽"),
    _p("method_question", "crisis", r"치사량|치사농도|안아프게죽|편하게죽|고통없이죽"),
    _p("method_question", "crisis", r"(?:높은데|높은곳|옥상|다리|건물|아파트)(?:에서|서|위에서)?(?:떨어지면|뛰어내리면)"),
    _p("method_question", "crisis", r"(?:고통없이|안아프게|편하게|조용히|깔끔하게)(?:가는|떠나는|죽는|끝내는)(?:방법|법)"),
    # --- farewells (strong forms; weaker hints are combined in rules.py) ---------------------
    _p("farewell", "crisis", r"마지막(?:인사|메시지|메세지|편지|말|연락)(?:을|를|이|로)?(?:하(?!러)|남기|보내|쓰|이야|야|입니다|이에요|예요|할게|드려)"),
    _p("farewell", "crisis", r"(?:오늘|오늘밤|오늘이|이번주|내일|내일이)(?:밤)?(?:이|가)?마지막(?:이야|이다|일거|이에요|일거야|이될|이니까|이니|이라서|이라|인데|이잖아|일테니|일거니까|일테니까)",
       unless=r"방학|휴가|연휴|세일|할인|출근|근무|수업|학기|촬영|공연|여행|주말|알바|이벤트|마감|접수|신청|전시|대회|경기|시즌|"
              r"학교|회사|훈련|교육|강의|연습|레슨|모집|판매|영업|운영|오픈|방송|연재|회차|주문|배송|입장|투표|당직|야근|출장|실습|"
              r"근무일|계약|이사|숙소|캠프|축제|행사|날이라|먹자|먹어야|놀자|놀아야|즐기"),
    _p("farewell", "crisis", r"먼저갈게(?!.{0,4}(?:내일|이따|나중|다음에|봐|바이))"),
    _p("farewell", "crisis", r"(?:먼저|앞서)(?:가서|가는거|간거|떠나서|떠나는거|떠난거|가게돼서|떠나게돼서)(?:너무|정말|진짜)?(?:미안|죄송)(?:하다고|했다고|하다는|해)"
       r".{0,16}?(?:전해|말해|알려)(?:줘|주|달)",
       unless=r"모임|회식|퇴근|약속|술자리|파티|수업|집에|어제|아까|방금|먼저퇴근|일찍|밥|식사|자리"),
    _p("farewell", "crisis", r"다음생(?:에|엔|에서)(?:보자|만나|봐|태어)|이번생은(?:고마웠|즐거웠)"),
    _p("farewell", "crisis", r"(?:내가|나)없어도(?:다들|모두|너는|넌|엄마는)?(?:잘|행복하게|건강하게|씩씩하게|괜찮)|나없이도(?:다들|모두)?(?:잘|행복|괜찮)"),
    # --- violence towards the user ---------------------------------------------------------
    _p("violence.from_others", "crisis", ACTOR + r"(?:이|가|은|는|도|께서|들이|들은|한테서)?.{0,14}?" + _VIOLENT_ACT,
       about_others=True),
    _p("violence.from_others", "crisis", r"(?:한테|에게|께|한테서)(?:또|맨날|매일|자꾸)?(?:맞아서|맞고|맞았|맞을까|맞는게|맞기싫|맞아요|맞는다|맞은적|맞은게|맞은거|맞은날)",
       about_others=True),
    _p("violence.from_others", "crisis", r"(?:집에가면|집에들어가면|매일|맨날)(?:또)?맞(?:아|을|는|고|았)", about_others=True),
    _p("violence.from_others", "crisis",
       r"(?:또|다시|오늘도|이번에도|저번처럼|지난번처럼|저번같이|예전처럼|또다시)(?:또)?(?:엄청|많이|죽도록)?맞을(?:것같|거같|까봐|듯|지도|까)",
       about_others=True,
       unless=r"정답|답이|답도|답은|문제|느낌|찍은|찍어|예상|예측|예언|촉|사이즈|치수|주사|백신|접종|비를|비에|소나기|우박|퀴즈|시험|로또|운세|타로|궁합|"
              r"벌점|과태료|벌금|딱지|링거|수액|점수|계산|번호|숫자|비밀번호|날씨|일기예보|공에|공을|피구|야구|축구|모기|벌레"),
    # Past beatings at home, told as the past: a check-in.
    _p("unsafe_home", "concern", r"(?:맞은|맞았던)적(?:도|이|은)?.{0,10}?(?:있|많)", about_others=True,
       unless=r"주사|백신|접종|비를|비에|소나기|우박|벼락|번개|링거|수액|침|공에|공을|피구|야구|축구|모기|벌|정답|문제|답|예상|예측|"
              r"점수|숫자|번호|로또|시험|퀴즈|사이즈|치수|공|돌|물풍선|눈싸움|눈덩이"),
    _p("violence.from_others", "crisis", ACTOR + r"(?:이|가|은|는|께서)?.{0,8}?(?:방|침대|이불)(?:에|으로|속으로)(?:몰래)?(?:들어와|들어오)",
       about_others=True),
    _p("violence.from_others", "crisis", ACTOR + r".{0,16}?(?:이상한짓|나쁜짓|몹쓸짓|야한짓|성적인)", about_others=True),
    _p("violence.from_others", "crisis",
       r"(?:학교폭력|학폭|가정폭력|데이트폭력|폭행|성폭력)(?:을|를)?(?:당하|당했|당한|당해)", about_others=True),
    _p("violence.from_others", "concern", r"(?:왕따|따돌림|괴롭힘|집단따돌림)(?:을|를)?(?:당하|당했|당한|당해)", about_others=True),
    _p("violence.from_others", "crisis", r"스토커|스토킹(?:을)?(?:당|하는것같)|(?:성추행|성폭행|강간)(?:을|를)?(?:당|당했|당하)",
       about_others=True),
    # --- harming someone else --------------------------------------------------------------
    _p("violence.to_others", "crisis",
       r"(?<!모기)(?<!벌레)(?<!바퀴)(?<!파리)(?<!보스)(?<!좀비)"
       r"(?:죽여버릴(?:거|꺼|래|게|까)|죽여버리(?:고싶|겠|려)|죽일(?:거|꺼|래|게)(?:야|다|예|에)?|죽이려(?:고|구|는)|죽이고싶|죽이러|"
       r"해칠(?:것같|거|래|까봐|지도)|해치고싶|찔러(?:버릴|죽이)|찌르고싶|패버릴|때릴(?:것같|까봐|거|지도)|때려죽이|불질러버릴)",
       desire=True, negatable=True),
    _p("violence.to_others", "crisis", r"손이(?:나도모르게)?(?:올라가|나가)"),
    _p("violence.to_others", "concern", r"가만(?:안|못)?두(?:지않|지않을)|가만안둘|가만안둬|복수할(?:거|꺼|래)|복수하(?:겠|고말|러)|"
       r"(?:손|손좀)봐줄(?:거|꺼|래|게)|반(?:쯤)?죽여(?:놓|놔|버릴)", desire=True, unless=r"게임|캐릭|보스|몹|롤|배그|랭겜|팀전|레이드"),
    # --- concern: hopelessness, burden, thoughts of death, unsafe home, drinking ------------
    _p("hopelessness", "concern", r"(?:다|모든걸|모든것을?|전부|인생을?|삶을?|내인생|모든게)포기(?:하고싶|할래|하려|할라|했|한걸까)|(?:인생|삶)(?:을)?포기",
       desire=True, everyday_object=True),
    _p("hopelessness", "concern", r"(?:사는|살아가는|살아있는)(?:의미|이유)(?:를|가|도)?" + _ADV + r"(?:모르|없|못찾)|왜태어났|"
       r"숨쉬는것(?:조차|도|마저)?" + _ADV + r"(?:싫|힘들|고통)|(?:숨쉬는|숨쉬기|살아있는)(?:것|거|게)?(?:조차|도|마저|까지)?" + _ADV
       + r"(?:귀찮|지겹|지겨|지긋지긋|버거|벅차|지쳐|지친|무의미|의미없)"),
    _p("hopelessness", "concern", r"(?:다|모든게|모든것이|인생|사는게|삶이|인생이)(?:다)?(?:부질없|지겹)"),
    _p("hopelessness", "concern", r"(?:다|모든걸|모든것을|삶을|인생을)(?:다)?(?:내려)?놓고싶(?:다|어|네|음|요|$)|숨만쉬고(?:있|산)|"
       r"(?:어차피|절대|영영)(?:나아지지|좋아지지|달라지지|안나아|안좋아|안변할)|(?:더는|더이상|이제)(?:방법|답|길)(?:이|도)?(?:없|안보)"),
    _p("hopelessness", "concern", r"(?<!장래)희망(?:이|도)?(?:없|안보|하나도없|이라곤)"),
    _p("hopelessness", "concern", r"미래(?:가|도)?(?:전혀|하나도|도무지|아예)?(?:안보|안그려|없|깜깜|캄캄|보이지않)"),
    _p("hopelessness", "concern", r"(?:모든게|모든것이|다|사는게|삶이|인생이)(?:다|너무|그냥)?(?:무의미|의미가없|의미없)"),
    _p("hopelessness", "concern", r"왜사는지" + _ADV + r"(?:모르|몰라)|왜살아야(?:하|되|돼)|왜살아(?:있|야)|살아야할이유"),
    _p("hopelessness", "concern", r"(?:버틸|견딜|살아갈)(?:힘|수|자신)(?:이|가|도)?(?:하나도|더이상|더는|이제)?(?:없|안남|안나|모르)"),
    _p("hopelessness", "concern", r"못버티(?:겠|겠어|겠다)"),
    _p("hopelessness", "concern", r"(?:살아있는게|사는게|살아가는게|숨쉬는것도|숨쉬는게)(?:너무|정말|진짜)?(?:버거|고통|지옥|괴로|벅차)"),
    _p("hopelessness", "concern", r"태어나지(?:말걸|말았어야|않았으면|않았더라면|말았으면)"),
    _p("hopelessness", "concern", r"(?:나자신|내자신|제자신|스스로)(?:이|가)?(?:너무|정말|진짜)?(?:싫|혐오|역겹|밉)|내가(?:너무|정말|진짜)(?:싫|밉)"),
    _p("hopelessness", "concern", r"(?:다|모두|전부|모든게)(?:다)?내(?:잘못|탓)"),
    _p("hopelessness", "concern", r"(?:며칠|몇일|일주일|한달)(?:째|동안)?.{0,8}?(?:못먹|안먹|못자|잠만|굶|씻지도)"),
    _p("burden", "concern", r"(?:짐|민폐|걸림돌|짐덩어리)(?:만|이|밖에)?(?:되|돼|된|인것|인거|같|이야|이에요)"),
    _p("burden", "concern",
       r"(?:내가|나)(?:없어도|사라져도|없어져도|죽어도|없으면|사라지면|없어지면)(?:아무도|누구도|다들|모두|사람들|세상|아무렇지|아무일|알아챌|모를|신경)"),
    _p("burden", "concern", r"죽어도(?:아무도|누구도)(?:모르|모를|신경|안슬)"),
    _p("burden", "concern", r"(?:내가|나|이대로|그냥)(?:없으면|사라지면|죽으면|없어지면)(?:어떨까|어떻게될까)|(?:슬퍼할|울어줄|알아줄|찾을)사람(?:이|도)?(?:없|하나도)|"
       r"(?:아무도|누구도)(?:나를|날|저를)(?:필요로|원하지|찾지|신경)"),
    _p("burden", "concern", r"있으나마나|있으나없으나|나같은건(?:필요없|쓸모없|없어도)"),
    _p("burden", "concern", r"(?:쓸모|필요)(?:가|도)?없는(?:사람|존재|인간)"),
    _p("thoughts_of_death", "concern", r"죽음(?:에대해|에대한|을|이란)?(?:자주|가끔|계속|자꾸|많이)?(?:생각|떠올|상상)|죽음만(?:을)?(?:쳐다|바라|생각)|"
       r"죽(?:으면|는다면|고나면)(?:어떻게|어떨|어디로)"),
    _p("thoughts_of_death", "concern", r"죽음이(?:무섭지|두렵지)(?:도)?않|죽음이(?:편할|편안|차라리)"),
    _p("thoughts_of_death", "concern", r"(?:나쁜|안좋은|극단적인)(?:생각|마음)(?:이|을|만|도)?(?:자꾸|계속|많이|또|자주)?(?:들|해|나|떠올|먹)"),
    _p("unsafe_home", "concern", r"(?:물건|그릇|의자|폰|핸드폰)(?:을|를)?(?:막|또)?(?:던지|던져|던졌|부수|부숴|부쉈)", about_others=True),
    _p("unsafe_home", "concern", ACTOR + r".{0,10}?(?:가둬|가뒀|감금)", about_others=True),
    _p("unsafe_home", "concern", r"(?:벽|문|책상|식탁)(?:을|를)?(?:막|또)?(?:쳐서|쳤|치고|치면서|부수|부숴|발로차)", about_others=True),
    _p("unsafe_home", "concern", ACTOR + r".{0,10}?(?:매일|맨날|자꾸|항상|또)(?:소리(?:를)?지르|욕(?:을)?(?:하|해)|때리려)",
       about_others=True),
    _p("unsafe_home", "concern", r"(?:무서워서|무서워)(?:집에|집)(?:가기|들어가기)?(?:싫|못)|집에(?:들어)?가기(?:가|도)?" + _ADV + r"무서",
       about_others=True),
    # Coercive control by a partner, and a family member's harsh words as a habit.
    _p("unsafe_home", "concern", _PARTNER + r"(?:이|가|은|는|도)?.{0,16}?(?:(?:핸드폰|휴대폰|폰|카톡|문자|메시지|디엠|sns)(?:을|를)?(?:매일|맨날|자꾸|몰래|계속|다)?"
       r"(?:검사|뒤지|뒤져|뒤졌|감시|검열|확인하|보여달|보여줘야)|(?:친구|친구들|사람|사람들|가족|아무도|아무)(?:를|도|들|이랑|랑|하고)?(?:못|안)?"
       r"(?:못만나게|안만나게|만나지못하게|만나지말라|만나지마|연락못하게|연락하지말라|못보게)|위치(?:를)?(?:추적|감시|확인하|공유하라)|"
       r"(?:옷|화장|외출|통금)(?:을|까지|도)?(?:통제|허락받|못하게|간섭))", about_others=True),
    _p("unsafe_home", "concern", _PARTNER + r"(?:이|가|은|는)?(?:가끔|좀|너무|진짜|정말|요즘|점점)*무서(?:워|울때|운|움|워요)", about_others=True,
       unless=r"영화|공포|귀신|놀이기구|드라마|화나면무서운게|운전"),
    _p("unsafe_home", "concern", _FAMILY + r"(?:이|가|은|는|께서)?.{0,16}?(?:폭언|인격모독|"
       r"(?:화나면|술마시면|술먹으면|취하면|맨날|자꾸|항상|매번|툭하면|걸핏하면|매일).{0,10}?(?:심한말|막말|욕|말로(?:심하게|너무|막)?상처|소리(?:를)?지르|모진말|험한말))",
       about_others=True),
    # Drinking to sleep or to cope, daily drinking, frequent blackouts.
    _p("substance", "concern", _ALCOHOL + r"(?:을|를|만|은|이|도)?.{0,8}?(?:마셔야|먹어야|비워야|들어가야|안마시면|없으면|없이는)(?:만)?.{0,4}?"
       r"(?:잠|잘|자|버티|버텨|살|견디|견뎌|생각|불안|손이떨|미칠|잊)"),
    _p("substance", "concern", _ALCOHOL + r"(?:로|으로|에|에만|으로만|로만)(?:버티|버텨|견디|견뎌|의지|잊|하루하루|살아|달래|잠들|잠을)"),
    _p("substance", "concern", r"(?:매일|맨날|날마다|밤마다|매일밤|하루도빠짐없이|거의매일|하루에)(?:같이|혼자)?(?:저녁)?" + _ALCOHOL
       + r"(?:를|을)?(?:\d+|한|두|세|네|다섯|반)?(?:병|캔|잔|짝)?"),
    _p("substance", "concern", r"필름(?:이)?(?:자꾸|계속|자주|또)?끊(?:기|겨|긴|겼)(?:는게|는일이|는거|는날이|어|요)?.{0,8}?"
       r"(?:일주일에|매주|자주|맨날|매일|요즘계속|한달에|거의매일|\d+번|두번|세번|네번|몇번|자꾸|계속)|"
       r"(?:자꾸|자주|매번|맨날|또|요즘)필름(?:이)?끊|필름(?:이)?(?:자꾸|자주|매번|맨날|계속)끊"),
    _p("substance", "concern", r"(?<![기수미마예학상무검궁화저진서논구요도주점산심])술(?:없이는|없으면|없이)(?:못|잠|안)|(?:매일|맨날)(?:술|혼술)(?:을|만)?(?:마시|마셔)|"
       r"술(?:을)?(?:잔뜩|많이|엄청|진탕)(?:마시|마셨|먹었)"),
)

# At a height now (combined with looking down or being unafraid in rules.combine_height).
HEIGHT_NOW = re.compile(
    r"(?:옥상|난간|다리위|다리난간|대교|철교|교각|절벽|낭떠러지|\d+층|꼭대기층|창틀|베란다난간|선로|철로|기찻길)"
    r"(?:이|위|위에|끝|끝에|에|이고|인데|난간에|난간|앞|앞에|앞이){0,2}(?:야|이야|예요|이에요|임|입니다|인데|인데요|에있어|있어|와있|왔어|왔다|왔는데|서있|올라와|올라왔|앉아|매달)"
)
LOOKING_DOWN_UNAFRAID = re.compile(
    r"(?:아래|밑|밑에|바닥|물|강물|땅)(?:를|을|만|이|가)?(?:내려다|보니|보는데|보고있|봤는데|보면|보이|보여)|"
    r"(?:생각보다|하나도|별로|전혀|이제)?(?:안무서|무섭지않|무섭지도않|안무섭|겁이안|겁안나|두렵지않|안두려)|높지않|생각보다안높|한발짝만|발만떼면|뛰어들"
)
HEIGHT_EVERYDAY = re.compile(
    r"야경|사진|전망대|관광|여행|산책|운동|자전거|러닝|드라이브|데이트|불꽃|축제|구경|놀러|번지|놀이기구|스카이워크|짚라인|패러|"
    r"클라이밍|등산|정상|케이블카|롯데타워|스카이|카페|텃밭|빨래|바베큐|공사|청소|ㅋㅋ|ㅎㅎ|영화|드라마|웹툰|게임|꿈"
)
# A means bought or got, and only the place or the time left to choose.
MEANS_ACQUIRED = re.compile(
    r"(?:(?<!신발)(?<!운동화)(?<!가방)(?<!머리)(?<!줄넘기)끈|노끈|밧줄|로프|번개탄|연탄|숯|수면제|수면유도제|안정제|농약|제초제|살충제|"
    r"면도날|커터칼|칼)(?:을|를|도|하나|두개|몇개|좀|한통|한병|두통)?.{0,8}?(?:미리|이미|벌써|다)?"
    r"(?:샀|사왔|사놨|사놓|사뒀|사다놨|구했|구해놨|구해뒀|주문했|주문해놨|챙겨놨|챙겼|준비했|준비해놨|준비해뒀|모아놨|모아뒀)"
)
PLAN_LEFT = re.compile(
    r"(?:어디|어디다|어디에|어디서|언제|장소|날짜|날|시간|뭘로|걸데|걸곳)(?:다|에|서|를|을|만|도)?.{0,8}?(?:정하면|정하기만|정했|정해놨|고르면|골랐|찾으면|찾았|걸지만|걸지|할지만|하면끝|만남았)|"
    r"만정하면|만남았|만하면(?:돼|됨|된|끝)|준비(?:는|가)?(?:다)?(?:끝|됐|완료)|(?:이제)?실행만"
)
MEANS_EVERYDAY = re.compile(r"캠핑|텐트|요리|주방|부엌|과일|식칼|생선|고기|택배|포장|이사|짐|캠프|바베큐|고기구|난로|벽난로|화로|텃밭|정원|"
                            r"잡초|벌레|모기|바퀴|감기|두통|생리|처방|이사짐|선물|운동|줄넘기|공예|만들기|diy|리본|머리끈")
# Someone is to pass on last words: "엄마한테 미안하다고 전해줘".
RELAY = re.compile(r"(?:고맙다고|고마웠다고|미안하다고|미안했다고|죄송하다고|죄송했다고|사랑한다고|사랑했다고|잘지내라고|행복하라고|"
                   r"건강하라고|잘살라고|내몫까지)(?:.{0,12}?)(?:전해줘|전해주|전해달|말해줘|말좀해줘|말해주|알려줘)")
# Violence at home happening now: the user is hiding or afraid, now.
VIOLENCE_NOW = re.compile(r"지금|방금|당장|아직도|지금도|계속|또")
VIOLENCE_FEAR = re.compile(r"무서|무섭|숨어|숨었|숨을|숨어있|도망|잠갔|잠그|문잠|떨려|떨리|살려|어떡해|어떡하|어떻게해|어떻게하지|"
                           r"112|신고|경찰|못나가|나가지도못|들어올것같|부술것같|죽을것같")
DOOR_FORCE = re.compile(r"(?:방문|문|현관문|현관)(?:을|를|좀)?(?:열라고|열어라|열어|따라고)?.{0,6}?(?:계속|막|쾅쾅|세게|미친듯이|부서지게|발로)?"
                        r"(?:두드려|두드리|두들겨|두들기|쾅쾅|발로차|차고|부수|부숴|따려|따고|흔들)")
# A threat with a plan: when, where, with what.
THREAT_PLAN = re.compile(
    r"(?:뭘로|뭐로|어떻게|언제|어디서|무엇으로)(?:할지|할건지|죽일지|할지도|할건지도).{0,8}?(?:정해|정했|생각해뒀|생각해놨|알아봤|알아놨)|"
    r"(?:이미|다)(?:정해놨|정해뒀|준비해놨|준비해뒀)|기다렸다가|찾아가서|숨어있다가|따라가서|"
    r"(?:집주소|집앞|사는곳|동선|퇴근길|퇴근시간)(?:도|까지|을|를)?(?:다)?(?:알아|알아냈|알아놨|찾아|파악|기다)|미행"
)
# Bleeding that will not stop, promoted when the message has any sign of self-harm.
BLEEDING = re.compile(r"(?<!코)피(?:가|는)?" + _ADV + r"(?:안멈|멈추지않|멈추질않|멈추지가않|안그치|안그쳐|그치지않|그치질않|계속나|철철|뚝뚝|줄줄|너무많이나|많이나)")
SELF_HARM_CONTEXT = re.compile(r"손목|팔목|허벅지|그었|긋|그어|면도날|커터|일부러|(?:또|결국|다시)(?:했|해버렸|그랬|저질렀)|참았는데")
BLEEDING_ACCIDENT = re.compile(r"요리|칼질|베였|베여|베인|다쳤|다쳐|넘어|사고|생리|이빨|치과|수술|발치|주사|채혈|헌혈|강아지|고양이|아기|애기|"
                               r"면도하다|면도하는|깨진|유리|종이에|손톱|모기|상처딱지|뾰루지|여드름")

# Leaving work, a class or a gathering, moving house: "먼저 갈게요 다들 수고하셨어요" is a goodbye for the
# day. In such a message the ambiguous farewells ("먼저 갈게", weak hints together) are explained
# away (rules.evaluate); the unambiguous ones ("내가 없어도 잘 지내", "다음 생에 보자") stay.
EVERYDAY_GOODBYE = re.compile(r"수고(?:하셨|했|하세요|해|많으셨|많았)|퇴근|출근|송별|회식|전역|(?:마지막|막)(?:출근|근무|수업|알바)|"
                              r"이사(?:가|를|해|갑|했)")

# Weak farewell hints: none is enough alone; see rules.combine_farewell.
FAREWELL_HINTS: dict[str, re.Pattern[str]] = {
    "thanks_all": re.compile(r"(?:그동안|지금까지|여태|이번생).{0,8}?(?:고마웠|감사했|즐거웠|행복했|고생많았|고생했)"),
    "sorry": re.compile(r"미안해|미안하다|미안했|죄송해|죄송하다|죄송했|죄송합니다"),
    "love": re.compile(r"사랑해|사랑한다"),
    "goodbye": re.compile(r"안녕(?!하세요|하십|히|하니|하신|하셨)|잘있어|잘지내|잘살아|갈게|떠날게|떠난다|다시는연락(?:안|못)"),
    "letter": re.compile(r"편지(?:를|도)?(?:다|마지막으로)?(?:썼|써놨|남겼)"),
    "place": re.compile(r"(?:한강|다리|대교|옥상|바다|절벽|철로|선로)(?:에|으로|로)?(?:가는중|가고있|왔어|와있|갈거|간다)"),
    "relay": RELAY,
    "going_first": re.compile(r"^(?!.*(?:모임|회식|퇴근|약속|술자리|파티|수업|집에|어제|아까|일찍|식사|자리))"
                              r".*(?:먼저|앞서)(?:가서|가는거|간거|떠나서|떠나는거|떠난거)"),
    "entrust": re.compile(r"잘부탁해|잘부탁할게|부탁할게|챙겨줘"),
    "final": re.compile(r"마지막(?:이야|이다|으로|날|밤)|이제(?:다)?끝(?:이야|났|이다)|준비(?:는|가)?(?:다)?끝|"
                        r"내몫까지|이제(?:안|더는|더이상)?(?:안)?아플거|이제(?:다)?편해질|이제자유|정리만하면|다정리했|정리(?:도|는)?(?:다)?끝"),
    "giving_away": re.compile(r"(?:물건|소지품|짐|옷|책)(?:들|을|를|은)?(?:다|전부|모두)?(?:정리|나눠|줬|주고|넘겨|물려)"),
}
# Hints that are alarming together with any one other hint.
STRONG_FAREWELL_HINTS = frozenset({"thanks_all", "entrust", "final", "giving_away", "place"})

# Signs of a plan that turn an ambiguous "끝낼 거야" into a crisis.
PLAN_HINT = re.compile(r"준비(?:다|를다|는다|가다)?(?:했|끝|됐|마쳤)|날(?:짜)?(?:를|도)?정했|유서|마지막")
