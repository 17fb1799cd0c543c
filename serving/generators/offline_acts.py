"""Replies for messages that are not a problem told: each act has its own strategy.

greeting → a greeting and an invitation; farewell → thanks and a door left open; bot_question
→ who maeum is (an AI companion: not a counsellor, not a person); good_news → shared joy and
curiosity; small_talk → a light answer and an opening. Written by us; no user detail is ever
asserted. The persona's voice comes later (style stage).
"""

from __future__ import annotations

ACT_REPLIES: dict[str, list[str]] = {
    "greeting": ["안녕하세요, 반가워요. 오늘 하루는 어떠셨어요?", "안녕하세요! 와 주셔서 반가워요. 요즘 마음은 어떻게 지내세요?",
                 "반가워요. 편하게 이야기 나눠요. 오늘은 어떤 이야기를 하고 싶으세요?"],
    "farewell": ["이야기 나눠 주셔서 고마워요. 언제든 다시 찾아와 주세요.", "함께 이야기할 수 있어서 좋았어요. 편안한 시간 보내세요.",
                 "오늘 이야기해 주셔서 고마워요. 필요할 때 또 이야기해요."],
    "bot_question": ["저는 마음이에요. 이야기를 들어 드리는 AI 친구예요. 사람도 상담사도 아니지만, 편하게 마음을 털어놓으셔도 괜찮아요.",
                     "저는 AI 대화 상대 마음이에요. 전문 상담사나 사람은 아니지만 이야기는 언제든 들을 수 있어요. 요즘 어떻게 지내세요?"],
    "good_news": ["정말 좋은 소식이네요! 저까지 기뻐요. 그 순간 기분이 어떠셨어요?",
                  "와, 축하해요! 그동안 애쓰신 게 느껴져요. 어떻게 그렇게 되었는지 더 들려주실래요?",
                  "기쁜 소식을 나눠 주셔서 고마워요! 지금 가장 먼저 누구에게 알리고 싶으세요?"],
    "small_talk": ["그렇군요, 이야기해 주셔서 좋아요. 오늘 하루는 어떻게 보내고 계세요?",
                   "소소한 이야기도 반가워요. 요즘 즐거운 일은 어떤 게 있어요?"],
}


def act_reply(act: str | None, avoid: set[str], normalise) -> str | None:
    """A reply for `act` this conversation has not had yet; None when the act has no bank or all were said."""
    bank = ACT_REPLIES.get(act or "")
    if not bank:
        return None
    for reply in bank:
        if normalise(reply) not in avoid:
            return reply
    return None  # every one was said: compose instead of repeating
