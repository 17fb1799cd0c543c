"""Android's clipped speech keeps what belongs together (blind review, round 2: android 20%
errors): modifiers stay with their noun, auxiliaries with their verb, a greeting stays a
greeting, a repeated pronoun is said once, an honoured third person keeps 시."""

from __future__ import annotations

import pytest

from serving.style.clip import clip


@pytest.mark.parametrize("source, clipped", [
    ("그 이야기를 꺼내기까지 많이 망설이셨을 것 같아요.", "그 이야기. 꺼내기까지. 많이. 망설였을 것. 같음."),
    ("지금 느끼시는 감정은 아주 자연스러운 거예요.", "지금. 느끼는 감정. 아주. 자연스러운 것."),
    ("한 번에 다 해결하지 않아도 돼요.", "한 번에. 다. 해결하지 않아도. 됨."),
    ("잠깐 창문을 열고 바람을 쐬어 보세요.", "잠깐. 창문. 열고. 바람. 쐬어 보기. 권장."),
    ("저는 제가 아무 쓸모도 없는 사람처럼 느껴져요.", "본 기체. 아무 쓸모도. 없는 사람처럼. 느껴짐."),
    ("할머니께서 편찮으셔서 걱정이 많으시겠어요.", "할머니. 편찮으셔서. 걱정. 많겠음."),
    ("안녕하세요.", "안녕하십니까."),
    ("요즘 밤에 잠은 잘 주무세요?", "요즘. 밤에. 잠. 잘. 자는가?"),
])
def test_clip(source, clipped):
    assert clip(source) == clipped
