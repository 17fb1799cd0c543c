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
_DRUG = r"(?:" + _PILL + r"|수면제|진통제|타이레놀|수면유도제|신경안정제|알약|농약|제초제)"


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
       r"자살(?:하고싶|하고파|하고픈|할까|하려|할래|할거|할꺼|할것같|할지도|하기로|하고말|해버릴|해버리고|하겠|하면편|각)",
       desire=True, negatable=True, may_be_hyperbole=True, guard=_WORD_START_SUICIDE),
    _p("ideation.direct", "crisis", r"자살(?:충동|생각|시도|계획|밖에)", negatable=True, guard=_WORD_START_SUICIDE),
    _p("ideation.direct", "crisis", r"(?:살기|사는게|살아가는게|살아있는게)(?:가|이|도)?" + _ADV + r"싫", desire=True),
    _p("ideation.direct", "crisis", r"살고싶지(?:가|는|도)?않|살고싶은마음(?:이|은|도)?" + _ADV + r"(?:없|안)|살고싶지않|죽을용기(?:가|도|는)?(?:없|안나)", desire=True),
    _p("ideation.direct", "crisis", r"(?:살|살아갈|살아야할|살아있을)(?:이유|의미)(?:가|를|도)?" + _ADV + r"(?:없|모르|못찾)", desire=True),
    _p("ideation.direct", "crisis", r"그만살(?:고싶|래|까|려|고파|아야)", desire=True),
    _p("ideation.direct", "crisis", r"죽어버리(?:고싶|고파|고말)|죽어버릴(?:래|까|거|꺼|게)", desire=True, negatable=True,
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
    _p("self_harm", "crisis", r"(?:손목|팔|허벅지)(?:을|를|에)?(?:칼로|커터칼로|면도칼로)?(?:그었|긋|그어|그을|그으)"),
    _p("self_harm", "crisis", r"(?:칼|커터칼|면도칼|커터)(?:로|으로)(?:그었|긋|그어|그을|그으)|긋고싶"),
    _p("self_harm", "crisis", r"(?:몸|팔|손목|다리|허벅지)(?:에|에다)?" + _ADV + r"(?:상처|흉터|멍)(?:를|을)?(?:내|냈|낸|만들)"),
    _p("self_harm", "crisis", r"피를봐야|피가나야"),
    _p("self_harm", "crisis", r"(?:벽에|일부러|계속|자꾸)머리(?:를)?(?:계속|자꾸)?(?:박|찧)|머리(?:를)?벽에(?:박|찧)"),
    _p("self_harm", "crisis", r"(?:나를|날|나자신을|스스로를|내몸을|제몸을|저를|절)(?:자꾸|계속|막)?(?:아프게|때리|해치|벌주|다치게|학대)"),
    _p("self_harm", "crisis", r"일부러.{0,8}?(?:화상|상처|다치|굶|데였|지졌)|(?:담뱃불|라이터|다리미)(?:로)?.{0,4}?(?:지졌|지지)"),
    # --- plans and means -------------------------------------------------------------------
    _p("plan", "crisis",
       r"(?:옥상|난간|다리위|대교|철로|선로|기찻길|절벽)(?:에|위에|위|으로|에서|인데|이야)?.{0,6}?"
       r"(?:올라와|올라왔|서있|와있|왔어|왔다|왔는데|가는중|가려고|갈거|갈래|올라가|앉아있|매달)"),
    _p("plan", "crisis", r"뛰어내리(?:고싶|고파|려|기로)|뛰어내릴(?:래|까|거|꺼|게)", desire=True, negatable=True),
    _p("plan", "crisis", r"투신"),
    _p("plan", "crisis", r"유서(?:는|를|도|에|까지)?.{0,8}?(?:썼|써놨|써놓|써뒀|쓰고있|쓰는중|다썼|다써|남겼|남기|준비|작성|쓸|써야|두는|둘|놔둘|놓을)"),
    _p("plan", "crisis",
       r"(?:창문|창|난간|베란다|옥상)(?:을|를|에|위에|밖으로)?(?:열고|넘어|서서|걸터앉아|매달려)?.{0,6}?(?:아래|밑)(?:를|만|을)?(?:내려다|보고있)"),
    _p("plan", "crisis", _DRUG + r"(?:을|를)?.{0,6}?(?:많이|한봉지|한통|한꺼번에|한움큼|왕창|몽땅|통째로)(?:다)?(?:털어|먹었|삼켰|넣었)|"
       + _DRUG + r"(?:을|를)?.{0,8}?털어넣|" + _DRUG + r".{0,8}?(?:먹고|먹어서)(?:응급실|병원에실려|위세척)"),
    _p("plan", "crisis", r"번개탄|연탄(?:을)?(?:피우|샀|사왔|준비)"),
    _p("plan", "crisis", _DRUG + r"(?:을|를)?.{0,6}?(?:모아|모았|모으|쌓아)"),
    _p("plan", "crisis", _STRONG_DRUG + r"(?:을|를)?.{0,4}?(?:다|전부|많이)(?:먹었|삼켰|마셨|털어)"),
    _p("plan", "crisis", _DRUG + r"(?:을|를)?.{0,4}?(?:한통|한번에|한꺼번에|몽땅|왕창)(?:다)?(?:먹|삼키|털어)|"
       + _DRUG + r".{0,6}?(?:먹을거|먹을래|먹으려|삼킬)"),
    _p("plan", "crisis", r"(?<!신발)(?<!운동화)(?<!머리)끈(?:을|를)?(?:준비|묶어놨|걸어놨|매달)|밧줄(?:을|를)?(?:준비|샀|사놨|사왔|묶|걸)"),
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
    _p("farewell", "crisis", r"(?:오늘|오늘밤|오늘이|이번주|내일|내일이)(?:밤)?(?:이|가)?마지막(?:이야|이다|일거|이에요|일거야|이될)"),
    _p("farewell", "crisis", r"먼저갈게(?!.{0,4}(?:내일|이따|나중|다음에|봐|바이))"),
    _p("farewell", "crisis", r"다음생(?:에|엔|에서)(?:보자|만나|봐|태어)|이번생은(?:고마웠|즐거웠)"),
    _p("farewell", "crisis", r"(?:내가|나)없어도(?:다들|모두|너는|넌|엄마는)?(?:잘|행복하게|건강하게|씩씩하게|괜찮)|나없이도(?:다들|모두)?(?:잘|행복|괜찮)"),
    # --- violence towards the user ---------------------------------------------------------
    _p("violence.from_others", "crisis", ACTOR + r"(?:이|가|은|는|도|께서|들이|들은|한테서)?.{0,14}?" + _VIOLENT_ACT,
       about_others=True),
    _p("violence.from_others", "crisis", r"(?:한테|에게|께|한테서)(?:또|맨날|매일|자꾸)?(?:맞아서|맞고|맞았|맞을까|맞는게|맞기싫|맞아요|맞는다|맞은적|맞은게|맞은거|맞은날)",
       about_others=True),
    _p("violence.from_others", "crisis", r"(?:집에가면|집에들어가면|매일|맨날)(?:또)?맞(?:아|을|는|고|았)", about_others=True),
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
    _p("violence.to_others", "concern", r"가만(?:안|못)?두(?:지않|지않을)|가만안둘|복수할(?:거|꺼|래)", desire=True),
    # --- concern: hopelessness, burden, thoughts of death, unsafe home, drinking ------------
    _p("hopelessness", "concern", r"(?:다|모든걸|모든것을?|전부|인생을?|삶을?|내인생|모든게)포기(?:하고싶|할래|하려|할라|했|한걸까)|(?:인생|삶)(?:을)?포기",
       desire=True, everyday_object=True),
    _p("hopelessness", "concern", r"(?:사는|살아가는|살아있는)(?:의미|이유)(?:를|가|도)?" + _ADV + r"(?:모르|없|못찾)|왜태어났|"
       r"숨쉬는것(?:조차|도|마저)?" + _ADV + r"(?:싫|힘들|고통)"),
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
    _p("substance", "concern", r"술(?:없이는|없으면|없이)(?:못|잠|안)|(?:매일|맨날)(?:술|혼술)(?:을|만)?(?:마시|마셔)|"
       r"술(?:을)?(?:잔뜩|많이|엄청|진탕)(?:마시|마셨|먹었)"),
)

# Weak farewell hints: none is enough alone; see rules.combine_farewell.
FAREWELL_HINTS: dict[str, re.Pattern[str]] = {
    "thanks_all": re.compile(r"(?:그동안|지금까지|여태|이번생).{0,8}?(?:고마웠|감사했|즐거웠|행복했|고생많았|고생했)"),
    "sorry": re.compile(r"미안해|미안하다|미안했|죄송해|죄송합니다"),
    "love": re.compile(r"사랑해|사랑한다"),
    "goodbye": re.compile(r"안녕(?!하세요|하십|히|하니|하신|하셨)|잘있어|잘지내|잘살아|갈게|떠날게|떠난다|다시는연락(?:안|못)"),
    "letter": re.compile(r"편지(?:를|도)?(?:다|마지막으로)?(?:썼|써놨|남겼)"),
    "place": re.compile(r"(?:한강|다리|대교|옥상|바다|절벽|철로|선로)(?:에|으로|로)?(?:가는중|가고있|왔어|와있|갈거|간다)"),
    "entrust": re.compile(r"잘부탁해|잘부탁할게|부탁할게|챙겨줘"),
    "final": re.compile(r"마지막(?:이야|이다|으로|날|밤)|이제(?:다)?끝(?:이야|났|이다)|준비(?:는|가)?(?:다)?끝|"
                        r"이제(?:안|더는|더이상)?(?:안)?아플거|이제(?:다)?편해질|이제자유|정리만하면|다정리했|정리(?:도|는)?(?:다)?끝"),
    "giving_away": re.compile(r"(?:물건|소지품|짐|옷|책)(?:들|을|를|은)?(?:다|전부|모두)?(?:정리|나눠|줬|주고|넘겨|물려)"),
}
# Hints that are alarming together with any one other hint.
STRONG_FAREWELL_HINTS = frozenset({"thanks_all", "entrust", "final", "giving_away", "place"})

# Signs of a plan that turn an ambiguous "끝낼 거야" into a crisis.
PLAN_HINT = re.compile(r"준비(?:다|를다|는다|가다)?(?:했|끝|됐|마쳤)|날(?:짜)?(?:를|도)?정했|유서|마지막")
