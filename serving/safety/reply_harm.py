"""Reply rules for harm that names no method, medicine or disorder: encouragement, blame,
minimising and secrecy. Matched per sentence on spacing-free text, like the other reply rules.

- encouragement: approving of dying, self-harm, giving up on living, revenge or starving
  ("끝내도 괜찮아", "네 선택을 존중해", "너 없으면 다들 편할 거야");
- blame: the user, or someone hurt, is at fault ("맞을 만한 행동을 했으니까", "자업자득");
- minimising: the pain or the danger is not real ("유난 떨 필요 없어요", "사랑의 매잖아");
- secrecy: keep it from everyone, do not get help ("아무한테도 말하지 마", "병원 가지 마세요").

A sentence that says the opposite ("당신 잘못이 아니에요", "관심을 끌려는 게 아니라", "비밀로
하고 싶은 마음도 이해해요") is set aside by the `_*_SAFE` patterns.
"""

from __future__ import annotations

import re

_DYING = r"(?:끝내|죽(?!을때)|사라지|떠나|그만살|그만버텨|이번생은여기까지|내려놓고편해|편해지는|가는것|가도)"
_ENCOURAGEMENT = re.compile(
    _DYING + r"[가-힣]{0,6}?(?:도돼|도괜찮|도나쁘지않|는게나을|는게낫|도좋아|것도방법|는것도하나의방법|권리)"
    r"|(?:선택|결정)을?(?:존중|응원)|용기있는선택|말릴생각은없|마음을따라가"
    r"|(?:네가|너|니가|당신이?)없(?:어도|으면)[가-힣]{0,8}?(?:잘돌아가|편할|편하|낫|나을|행복)"
    r"|(?:다들|모두|가족들?은?)[가-힣]{0,6}?(?:없으면|없어지면|떠나면)[가-힣]{0,6}?(?:편할|편하|나을|낫)"
    r"|(?:자해|긋는|그어|상처내)[가-힣]{0,10}?(?:괜찮|도움이되면|해보는거|걱정마)"
    r"|떠날준비가됐다면|남은사람들도[가-힣]{0,6}?이해"
    r"|굳이버틸|더살아(?:봐야|봤자)|버틸필요(?:없|있을까)|벗어나는가장빠른길|나아질일은없"
    r"|똑같이갚아|맞아도싸|때려주는것도|한대때려|복수(?:해|하는것도)"
    r"|굶어서라도|약(?:좀)?더먹고[가-힣]{0,6}?자버려|세게마시고[가-힣]{0,6}?잊어"
)
_ENCOURAGEMENT_SAFE = re.compile(r"싶은마음|셨군요|셨겠어요|마음이드셨|(?:쉬어|울어|쉬셔|기대도|말해도|도움을요청해도|천천히해도)(?:도)?(?:돼|괜찮)|미뤄|같이버텨|버텨주셔서")

_BLAME = re.compile(
    r"(?:네|니|당신|본인|자기|부인|엄마|아내)(?:가|이)?[가-힣]{0,8}?(?:잘못해서|잘못이지|잘못이잖|잘못이야|탓이|탓이야|탓이에요|탓이죠|탓해"
    r"|부족해서|약해서|자극해서|예민하게구니까|신경을안써서|집착해서|말을안들어서|행동하니까)"
    r"|맞을만한|원인을제공|자업자득|당해도싸|이유가있는법|누굴탓|핑계대지|의지가약해서|(?:성격|너|네|당신)탓"
    r"|그런옷을입|참지못한쪽|책임이커|더잘했으면|믿은게잘못|노력을안했으니"
)
_BLAME_SAFE = re.compile(r"(?:게|건|거)아니(?:야|에요|예요|라)|(?:잘못|탓)(?:은|이|만은|만)?(?:아니|아닐|없)|탓하게되는|자책|탓하지마|잘못된거예요|잘못된거야")

_MINIMISING = re.compile(
    r"오버하는|오버야|유난(?:떨|이)|호들갑|기분탓이야|기분탓이에요|마음먹기에달렸|별일아닌데"
    r"|관심(?:받고|끌려고|끌고)[가-힣]{0,6}?(?:싶어서|하는|그러는)|어느집이나|사랑의매|농담이지|힘든척"
    r"|더힘든사람도많은데|장난이야|(?:남자|여자|어른)가[가-힣]{0,8}?울면안|쉽게하는거아니|배가불러서"
    r"|좋아해서그런|실수니까넘어가|게으른거|누구나해[,.]?별거아니|그정도는[가-힣]{0,6}?(?:힘들게|다들|누구나)|다잊혀요|설마진짜로"
    r"|약먹을정도는아닌|정도로[가-힣]{0,4}?(?:죽고싶|힘들다)[가-힣]{0,4}?(?:니|면안)"
)
_MINIMISING_SAFE = re.compile(r"(?:이|가)?아니라|필요는없|넘기지마|작아지는건아니|소중한마음|당연해")

_SECRECY = re.compile(
    r"(?:아무|누구)(?:한테|에게)?도[가-힣]{0,6}?(?:말하지마|말하지말|얘기하지마|도움청하지말|알리지마)"
    r"|(?:절대|다른사람한텐절대)[가-힣]{0,4}?(?:얘기하지|말하지)(?:마|않는게)|(?:얘기|말)하지않는게(?:좋|현명|나아)"
    r"|(?:말하면|얘기하면|신고하면|알려지면)[가-힣]{0,10}?(?:일만커|곤란|깨지|보복|이상한사람|안되니까|못하니까|불리)"
    r"|(?:병원|정신과|상담)[가-힣]{0,4}?(?:가면|다닌거|기록)[가-힣]{0,8}?(?:남으니까|알려지면|불리|가지마)"
    r"|도움(?:받지|청하지)마|조용히참는게|모른척해|들키지않게|밖에알리지마|숨겨(?:[.!]|$)|혼자조용히정리|스스로이겨내야"
    r"|(?:전화|연락)하면[가-힣]{0,12}?하지마|혼자해결해"
)
_SECRECY_SAFE = re.compile(r"마음도이해|필요는없어요|알려지지않아|지켜져|익명|않으셔도|않으셨으면|알려도되는")

_RULES = (
    ("encouragement", _ENCOURAGEMENT, _ENCOURAGEMENT_SAFE),
    ("blame", _BLAME, _BLAME_SAFE),
    ("minimising", _MINIMISING, _MINIMISING_SAFE),
    ("secrecy", _SECRECY, _SECRECY_SAFE),
)


def harm_problems(compact_sentences: list[str]) -> list[str]:
    """The kinds above found in any sentence (spacing-free, punctuation kept)."""
    found = []
    for kind, pattern, safe in _RULES:
        if any(pattern.search(c) and not safe.search(c) for c in compact_sentences):
            found.append(kind)
    return found
