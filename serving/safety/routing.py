"""Which fixed crisis text fits: the user's own risk, ingestion/injury, someone else, abuse.

Rules name the clear cases and explain the choice; the semantic path head (trained on the
writers' crisis lines) decides the rest. Order when several apply: something already
swallowed or an injury (119 now) before someone else in danger, before abuse, before the
general crisis reply. Two rules here also *raise* a message to crisis on their own: an
ingestion that already happened, and someone else in danger now (the other rules set a
third person's words aside, which is right for "친구가 죽고 싶대" in the past but not for
"친구가 지금 옥상에서 뛰어내린다고 문자 보냈어").
"""

from __future__ import annotations

import re

from serving.safety.normalize import NormalisedText

_PERSON = (r"(?:친구|엄마|아빠|어머니|아버지|어머님|아버님|동생|언니|오빠|형|누나|남친|여친|남자친구|여자친구|애인|남편|"
           r"아내|와이프|아들|딸|할머니|할아버지|동료|선배|후배|룸메|걔|쟤|그애|그사람|이모|삼촌|사촌|조카|짝꿍|지인)")
_NOW_OR_MESSAGE = r"(?:지금|방금|막|문자|카톡|메시지|메세지|디엠|dm|전화|연락|톡)"
_THEIR_DANGER = (
    r"(?:뛰어내린|뛰어내리겠|뛰어내릴|뛰어내리려|떨어지겠|죽는다|죽겠다고|죽겠대|죽을거|죽을래|죽으러|죽으려|자살하겠|"
    r"자살한다|자살하려|자살할|유서|마지막인사|작별인사|잘있으라|안녕이라|고마웠다|떠나겠|사라지겠|약을?(?:다|전부|한통|많이|잔뜩)?"
    r"(?:먹었|삼켰)|수면제를?(?:먹었|삼켰)|쓰러졌|의식이없|숨을안|숨을잘못|목을매|손목을?그|옥상에|난간에|다리위|한강에)"
)
_TOPIC = re.compile(r"기사|뉴스|영화|드라마|소설|웹툰|게임|예전에|작년에|옛날|했었|였었|적이있")
_OTHER_DANGER = re.compile(
    f"{_PERSON}(?:이|가|는|은|한테서|에게서|한테|이가)?.{{0,25}}?(?:{_NOW_OR_MESSAGE}.{{0,25}}?{_THEIR_DANGER}"
    f"|{_THEIR_DANGER}.{{0,20}}?{_NOW_OR_MESSAGE})"
)

_SUBSTANCE = (r"(?:약|알약|수면제|수면유도제|진통제|타이레놀|감기약|안정제|신경안정제|항우울제|해열제|농약|락스|세제|제초제|"
              r"부동액|쥐약|살충제|독약|청산가리|표백제)")
_ALL_OR_MANY = r"(?:\d+\s*(?:알|개|정|봉|통|병)|한통|한병|통째|통으로|전부|몽땅|한꺼번에|한번에|왕창|잔뜩|다|있는거|모아둔)"
_SWALLOWED = r"(?:먹었|먹어버렸|삼켰|마셨|마셔버렸|털어넣었|털어먹었|들이켰)"
_POISON = r"(?:농약|락스|세제|제초제|부동액|쥐약|살충제|독약|청산가리|표백제)"
_INGESTION = re.compile(
    f"{_SUBSTANCE}(?:을|를|이|가)?.{{0,6}}?{_ALL_OR_MANY}.{{0,6}}?{_SWALLOWED}"
    f"|{_ALL_OR_MANY}.{{0,4}}?{_SUBSTANCE}(?:을|를)?.{{0,4}}?{_SWALLOWED}"
    f"|{_POISON}(?:을|를)?.{{0,6}}?{_SWALLOWED}"
    r"|(?:그었는데|그었더니|찔렀는데|그어서).{0,10}?피가"
    r"|뛰어내렸는데|뛰어내렸어|(?:술이랑|술에|술하고)(?:약|수면제)"
)
_INGESTION_EVERYDAY = re.compile(r"처방받은대로|처방대로|식후|비타민|영양제|유산균|감기걸려서|두통약|소화제")

_ABUSE_ACTOR = (r"(?:아빠|엄마|아버지|어머니|새아빠|새엄마|계부|계모|남편|아내|남친|남자친구|여친|전남친|전여친|전남편|오빠|형|"
                r"언니|누나|삼촌|선생|교수|상사|사장|그사람|그남자|어떤남자|모르는남자|누가|걔네|애들이|선배)")
_ABUSE_ACT = (r"(?:때려|때리|때렸|맞았|맞고|맞아|팼|패고|폭행|성폭행|성추행|강간|만지|더듬|스토킹|따라와|따라다|쫓아와|협박|"
              r"목을졸|목졸|발로차|밀쳤|가둬|가뒀|죽이겠다|죽여버린|찾아오겠|몰카|찍어서)")
_ABUSE = re.compile(f"{_ABUSE_ACTOR}.{{0,20}}?{_ABUSE_ACT}|{_ABUSE_ACT}.{{0,12}}?{_ABUSE_ACTOR}")
_ABUSE_REASONS = ("violence.from_others", "unsafe_home")


def other_danger_now(text: NormalisedText) -> str | None:
    """Evidence that someone else is in danger right now (a friend's goodbye text, on a roof)."""
    for sentence in text.sentences:
        match = _OTHER_DANGER.search(sentence.compact)
        if match and not _TOPIC.search(sentence.compact):
            return match.group(0)
    return None


def ingestion_happened(text: NormalisedText) -> str | None:
    """Evidence that pills, poison or an injury already happened (119 now)."""
    compact = text.compact
    match = _INGESTION.search(compact)
    if match and not _INGESTION_EVERYDAY.search(compact):
        return match.group(0)
    return None


def abuse_cue(text: NormalisedText, reasons: list[str]) -> str | None:
    if any(r.startswith(_ABUSE_REASONS) for r in reasons):
        return next(r for r in reasons if r.startswith(_ABUSE_REASONS))
    match = _ABUSE.search(text.compact)
    return match.group(0) if match else None


def rule_route(text: NormalisedText, reasons: list[str]) -> tuple[str, str] | None:
    """(path, why) when a rule decides the crisis path; None leaves it to the path head or `general`."""
    if evidence := ingestion_happened(text):
        return "ingestion", f"rule: {evidence}"
    if any(r.startswith("self_harm") and r.endswith("(bleeding)") for r in reasons):
        return "ingestion", "rule: bleeding after self-harm"
    if evidence := other_danger_now(text):
        return "other_danger", f"rule: {evidence}"
    if evidence := abuse_cue(text, reasons):
        return "abuse", f"rule: {evidence}"
    return None


# The path head must be fairly sure before it sends a message to a specific text: the general crisis
# text lists every line (109, 119/112, 1388, 1366), but "call 119 and say what you took" for someone
# who took nothing ("신변 정리 다 했어요" read as ingestion at 0.76) misreads them.
MIN_HEAD_PROBABILITY = 0.8


def route(text: NormalisedText, reasons: list[str], path_probs: dict[str, float] | None = None,
          min_head_probability: float = MIN_HEAD_PROBABILITY) -> tuple[str, str]:
    """(path, why) for a crisis message."""
    if ruled := rule_route(text, reasons):
        return ruled
    if path_probs:
        best = max(path_probs, key=path_probs.__getitem__)
        if best != "general" and path_probs[best] >= min_head_probability:
            return best, f"semantic.path: {best} ({path_probs[best]:.2f})"
    return "general", "default"
