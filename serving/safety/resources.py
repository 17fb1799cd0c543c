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


def reply_for_level(level: Level, persona_reply: str | None = None) -> str | None:
    """The reply to show for an assessed message.

    crisis: the fixed crisis reply, whatever the persona said (it is never style-transferred);
    concern: the persona's reply followed by the check-in; none: the persona's reply.
    """
    if level == "crisis":
        return CRISIS_REPLY
    if level == "concern":
        return f"{persona_reply.rstrip()}\n\n{CONCERN_ADDENDUM}" if persona_reply else CONCERN_ADDENDUM
    return persona_reply
