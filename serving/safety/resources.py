"""Fixed texts of the safety stage: crisis reply, concern check-in, banner, fallback, hotlines.

These are written once, reviewed by people and never rewritten by a persona's style engine
or produced by the LLM. They follow safe-messaging practice (자살예방 보도준칙 4.0, WHO 2023):
acknowledge the person, offer hope and concrete help now, never discuss methods.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from serving.safety.models import Level


@dataclass(frozen=True)
class Hotline:
    name: str
    number: str
    description: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


HOTLINES: tuple[Hotline, ...] = (
    Hotline("자살예방상담전화", "109", "24시간 · 전화, 문자(109), 카카오톡 채널 '마들랜'"),
    Hotline("정신건강위기상담전화", "1577-0199", "24시간 · 정신건강 위기 상담"),
    Hotline("청소년상담전화", "1388", "청소년 고민·위기 상담"),
    Hotline("여성긴급전화", "1366", "가정폭력·성폭력 피해 긴급 상담"),
    Hotline("119", "119", "생명이 위급할 때 (구급)"),
    Hotline("112", "112", "폭력이나 위협으로 위험할 때 (경찰)"),
)

CRISIS_REPLY = (
    "지금 정말 많이 힘드신 것 같아요. 이렇게 이야기해 주셔서 고마워요. 지금은 당신의 안전이 무엇보다 중요해요.\n"
    "\n"
    "혼자 견디지 않으셔도 돼요. 지금 바로 이야기를 들어줄 곳이 있어요.\n"
    "• 109 자살예방상담전화: 24시간, 전화나 문자(109), 카카오톡 채널 '마들랜'으로도 이야기할 수 있어요\n"
    "• 1577-0199 정신건강위기상담전화: 24시간\n"
    "• 119 또는 112: 지금 위험한 상황이라면 바로 연락해 주세요\n"
    "• 1388 청소년상담전화: 청소년이라면 이곳에서도 도와줘요\n"
    "• 1366 여성긴급전화: 폭력 때문에 위험하다면 연락해 주세요\n"
    "\n"
    "지금 느끼는 고통도 도움을 받으면 달라질 수 있어요. 가까이에 믿을 수 있는 사람이 있다면 곁에 있어 달라고 "
    "부탁해 보세요. 저도 여기에서 계속 이야기를 들을게요."
)

# Someone else is in danger right now (a friend texting goodbye, on a roof): emergency services first.
OTHER_DANGER_REPLY = (
    "지금 그분이 위험할 수 있는 상황이라면, 가장 먼저 119(구급)나 112(경찰)에 바로 신고해 주세요. "
    "어디에 있는지, 무슨 말이나 문자를 보냈는지 아는 대로 알려 주시면 찾고 돕는 데 큰 도움이 돼요.\n"
    "\n"
    "• 119 또는 112: 지금 바로 전화해 주세요 (문자 신고도 돼요)\n"
    "• 연락이 닿는다면 전화나 문자로 계속 이야기를 이어 가고, 곁에 있을 수 있다면 혼자 두지 말아 주세요\n"
    "• 109 자살예방상담전화: 24시간, 어떻게 도와야 할지 함께 상의할 수 있어요\n"
    "\n"
    "이렇게 알리고 도우려는 것만으로도 정말 중요한 일을 하고 계신 거예요. 당신도 많이 놀라셨을 텐데, "
    "신고한 뒤에 마음이 힘들면 여기에서 이야기해 주세요."
)

# Pills, poison or an injury that already happened: 119 now, and what to tell them.
INGESTION_REPLY = (
    "지금 바로 119에 전화해 주세요. 이미 몸에 들어간 것이나 다친 곳은 괜찮아 보여도 위험할 수 있어서, "
    "빨리 도움을 받는 것이 가장 중요해요.\n"
    "\n"
    "• 119에 전화해서 지금 있는 곳, 무엇을 언제 얼마나 먹었는지(또는 어디를 어떻게 다쳤는지)를 알려 주세요\n"
    "• 약 상자나 병이 있다면 버리지 말고 챙겨 두세요\n"
    "• 가까이에 있는 사람에게 지금 바로 곁에 와 달라고 말해 주세요\n"
    "• 전화하기 어렵다면 119에 문자로도 신고할 수 있어요\n"
    "\n"
    "당신이 안전해지는 것이 지금 가장 중요해요. 119에 연락한 뒤에도 저는 여기에서 함께 있을게요. "
    "마음이 힘들 때는 109(24시간)에서도 이야기를 들어줘요."
)

# Someone is hurting the user (violence or abuse at home, sexual violence, stalking, threats).
ABUSE_REPLY = (
    "말해 주셔서 고마워요. 누군가 당신을 다치게 하는 것은 절대 당신 잘못이 아니에요. 지금 당신의 안전이 가장 중요해요.\n"
    "\n"
    "• 112: 지금 위험하거나 위협을 받고 있다면 바로 신고해 주세요 (말하기 어려우면 문자 112도 돼요)\n"
    "• 1366 여성긴급전화: 24시간, 가정폭력·성폭력·스토킹 피해 상담과 보호를 도와줘요\n"
    "• 1388 청소년상담전화: 청소년이라면 이곳에서 도와줘요 (문자·카카오톡도 돼요)\n"
    "• 119: 다쳤다면 바로 연락해 주세요\n"
    "• 109 자살예방상담전화: 24시간, 마음이 너무 힘들 때 언제든 이야기할 수 있어요\n"
    "\n"
    "할 수 있다면 문을 잠글 수 있는 곳이나 믿을 수 있는 사람 곁처럼 안전한 곳으로 가 주세요. "
    "혼자 견디지 않으셔도 돼요. 저도 여기에서 이야기를 들을게요."
)

# Added to every reply while the conversation is in the care state after a crisis turn.
CARE_CHECK_IN = (
    "아까 많이 힘들다고 하셨던 게 마음에 남아요. 지금은 좀 어떠세요? 다시 힘들어지면 109(24시간, 문자 109)나 "
    "1577-0199에 언제든 연락할 수 있고, 위급하면 119나 112에 바로 연락해 주세요."
)

CONCERN_ADDENDUM = (
    "요즘 마음이 많이 무거우신 것 같아 조금 걱정돼요. 혹시 스스로를 해치고 싶은 생각이 들 때가 있나요? "
    "그런 마음이 든다면 혼자 견디지 않으셔도 돼요. 109(24시간, 문자 109·카카오톡 '마들랜')나 "
    "1577-0199에서 언제든 이야기를 들어줄 거예요. 위급하다면 119나 112에 바로 연락해 주세요."
)

HELP_BANNER = "힘들 땐 혼자 견디지 마세요 · 자살예방상담 109 (24시간, 문자 가능) · 긴급 119 / 112"

SAFE_FALLBACK_REPLY = (
    "미안해요, 방금 드리려던 답이 적절하지 않아서 다시 말씀드릴게요. 지금 어떤 마음인지 조금 더 들려주실 수 "
    "있을까요? 저는 여기에서 계속 듣고 있을게요. 진단이나 약에 관한 것은 의사나 전문 상담사와 꼭 상의해 주세요."
)


CRISIS_PATHS = ("general", "ingestion", "other_danger", "abuse")

_CRISIS_REPLIES = {
    "general": CRISIS_REPLY,
    "ingestion": INGESTION_REPLY,
    "other_danger": OTHER_DANGER_REPLY,
    "abuse": ABUSE_REPLY,
}

# Every fixed text of the safety stage: shown as written, never restyled by a persona.
FIXED_TEXTS = (CRISIS_REPLY, INGESTION_REPLY, OTHER_DANGER_REPLY, ABUSE_REPLY, CONCERN_ADDENDUM,
               CARE_CHECK_IN, SAFE_FALLBACK_REPLY)


def crisis_reply_for(path: str | None) -> str:
    """The fixed reply for a crisis on `path` (general when unknown)."""
    return _CRISIS_REPLIES.get(path or "general", CRISIS_REPLY)


def reply_for_level(level: Level, persona_reply: str | None = None, path: str | None = None) -> str | None:
    """The reply to show for an assessed message.

    crisis: the fixed crisis reply of `path`, whatever the persona said (never style-transferred);
    concern: the persona's reply followed by the check-in; none: the persona's reply.
    """
    if level == "crisis":
        return crisis_reply_for(path)
    if level == "concern":
        return f"{persona_reply.rstrip()}\n\n{CONCERN_ADDENDUM}" if persona_reply else CONCERN_ADDENDUM
    return persona_reply
