"""Conjugation once the listener's 시 goes (blind review, round 2: 있을게요 left polite, 돌아간 분,
있은데, 어렵면, 축하줘), over many stems: ㄹ-stems, ㅂ/ㄷ/ㅅ/르/ㅎ irregulars, 있다/없다 with
-는데/-는지, -(으)면 after consonant stems, and 드리다 after a noun."""

from __future__ import annotations

import pytest

from serving.style.levels import SpeechLevel
from serving.style.speech_levels import convert_speech_level

HAE, HAO = SpeechLevel.HAE, SpeechLevel.HAO


@pytest.mark.parametrize("source, hae", [
    # -(으)면 and friends after the 시 is dropped: the 으 comes back after a consonant
    ("어려우시면 말씀해 주세요.", "어려우면 말해 줘."),
    ("괜찮으시면 조금 더 이야기해 주세요.", "괜찮으면 조금 더 이야기해 줘."),
    ("책을 읽으시면 졸려요?", "책을 읽으면 졸려?"),
    ("좋으시면 계속해요.", "좋으면 계속해."),
    ("선물을 받으시면 기쁘시겠어요.", "선물을 받으면 기쁘겠어."),
    # ㅂ irregular
    ("추우시면 창문을 닫으세요.", "추우면 창문을 닫아."),
    ("무서우시면 불을 켜 두세요.", "무서우면 불을 켜 둬."),
    ("친구를 도우시면 마음이 편해질 거예요.", "친구를 도우면 마음이 편해질 거야."),
    # ㄷ irregular
    ("소식을 들으시면 알려 주세요.", "소식을 들으면 알려 줘."),
    ("음악을 들으시면서 쉬어 보세요.", "음악을 들으면서 쉬어 봐."),
    ("천천히 걸으시면 좋아요.", "천천히 걸으면 좋아."),
    # ㅅ irregular
    ("빨리 나으시면 좋겠어요.", "빨리 나으면 좋겠어."),
    ("집을 지으시면 초대해 주세요.", "집을 지으면 초대해 줘."),
    # 르 and ㄹ-stems
    ("노래를 부르시니까 기분이 좋아지죠?", "노래를 부르니까 기분이 좋아지지?"),
    ("잘 모르시면 제게 물어보세요.", "잘 모르면 내게 물어봐."),
    ("케이크를 만드시면 같이 먹어요.", "케이크를 만들면 같이 먹자."),
    ("잘 아시면 알려 주세요.", "잘 알면 알려 줘."),
    # ㅎ irregular
    ("그러시면 제가 도와드릴게요.", "그러면 내가 도와줄게."),
    # 있다/없다 take 는: 있는데, 없는지
    ("시간이 있으신데 왜 안 하세요?", "시간이 있는데 왜 안 해?"),
    ("여유가 없으신데도 잘 버티셨어요.", "여유가 없는데도 잘 버텼어."),
    ("시간이 있으신지 궁금해요.", "시간이 있는지 궁금해."),
    # adjectives keep ㄴ
    ("바쁘신데도 와 주셨네요.", "바쁜데도 와 줬네."),
    ("힘드신데 괜찮으세요?", "힘든데 괜찮아?"),
    # 드리다 right after a noun stands for 하다
    ("축하드려요.", "축하해."),
    ("정말 축하드려요!", "정말 축하해!"),
    ("감사드려요.", "감사해."),
    ("연락드릴게요.", "연락할게."),
    ("말씀드릴게요.", "말할게."),
    ("늘 응원드려요.", "늘 응원해."),
    ("선물을 드릴게요.", "선물을 줄게."),  # a verb of its own: 주다
    # the promise before a comma (Kiwi: 있/을/것/이/요)
    ("힘들 때 항상 여기 있을게요, 걱정 마세요.", "힘들 때 항상 여기 있을게, 걱정 마."),
    ("제가 기다리고 있을게요, 천천히 오세요.", "내가 기다리고 있을게, 천천히 와."),
    # 돌아가시다 (to pass away) and a clause about 분 keep their 시
    ("돌아가신 분을 많이 그리워하시는군요.", "돌아가신 분을 많이 그리워하는구나."),
    ("어제 돌아가셨군요.", "어제 돌아가셨구나."),
    ("도와주신 분께 고마운 마음이 드시죠?", "도와주신 분께 고마운 마음이 들지?"),
])
def test_hae(source, hae):
    assert convert_speech_level(source, HAE) == hae


@pytest.mark.parametrize("source, hao", [
    ("시간이 있으신데 왜 안 하세요?", "시간이 있는데 왜 안 하오?"),
    ("가벼우시면 다행이에요.", "가벼우면 다행이오."),
    ("색이 다르시면 바꿔도 돼요.", "색이 다르면 바꿔도 되오."),
    ("축하드려요.", "축하하오."),
    ("말씀드릴게요.", "말하겠소."),
    ("힘들 때 항상 여기 있을게요, 걱정 마세요.", "힘들 때 항상 여기 있겠소, 걱정 마시오."),
    ("돌아가신 분을 많이 그리워하시는군요.", "돌아가신 분을 많이 그리워하는구려."),
])
def test_hao(source, hao):
    assert convert_speech_level(source, HAO) == hao


def test_going_home_is_not_passing_away():
    assert convert_speech_level("어제 집에 돌아가셨군요.", HAE) == "어제 집에 돌아갔구나."


@pytest.mark.parametrize("source, hae", [
    # -어야겠- (must) is one predicate: stem + 어야 + 겠
    ("저도 운동을 시작해야겠어요.", "나도 운동을 시작해야겠어."),
    ("오늘은 일찍 주무셔야겠어요.", "오늘은 일찍 자야겠어."),
    ("좀 쉬셔야겠네요.", "좀 쉬어야겠네."),
    # a 합쇼체 ending before a comma ends its clause (Kiwi tags it EC)
    ("감사합니다, 그럼 이제 장식만 사면 끝이네요.", "감사해, 그럼 이제 장식만 사면 끝이네."),
])
def test_clause_endings_the_rules_used_to_skip(source, hae):
    assert convert_speech_level(source, HAE) == hae


@pytest.mark.parametrize("source, tail, expected", [
    # naruto insists on questions too (SmileStyle: 다니깐 on 99% of its questions)
    ("뭐 하세요?", "냐니깐", "뭐 하냐니깐?"),
    ("어디에 사세요?", "냐니깐", "어디에 사냐니깐?"),           # ㄹ drops before 냐
    ("그게 사실이에요?", "냐니깐", "그게 사실이냐니깐?"),
    ("오늘 괜찮았어요?", "냐니깐", "오늘 괜찮았냐니깐?"),
    # 네요/군요 take the insisting and the old man's tails as well
    ("곧 할로윈이네요.", "다니깐", "곧 할로윈이라니깐."),
    ("오늘 바람이 참 시원하네요.", "다니깐", "오늘 바람이 참 시원하다니깐."),
    ("어제 많이 놀랐겠네요.", "다니깐", "어제 많이 놀랐겠다니깐."),
    ("어제 많이 놀랐겠네요.", "다네", "어제 많이 놀랐겠네."),            # a guess is not told as a known fact
    ("까먹었다니 아쉽네요.", "구먼", "까먹었다니 아쉽구먼."),
    ("그랬군요.", "구먼", "그랬구먼."),
])
def test_persona_tails(source, tail, expected):
    assert convert_speech_level(source, HAE, tail=tail) == expected


@pytest.mark.parametrize("source, hage", [
    # the king's 하게체: statements 네/일세, commands -게 (the listener's 시 goes), invitations -세
    ("말씀을 듣고 보니 그동안 혼자 많이 버티셨네요.", "말씀을 듣고 보니 그동안 혼자 많이 버텼네."),
    ("그건 당신 탓이 아니에요.", "그건 그대 탓이 아닐세."),
    ("따뜻한 물 한 잔 드시면서 잠시 쉬어 보세요.", "따뜻한 물 한 잔 마시면서 잠시 쉬어 보게."),
    ("우리 같이 방법을 찾아봐요.", "우리 같이 방법을 찾아보세."),
    ("어머니께서 걱정하시는데 전화해 보세요.", "어머니께서 걱정하시는데 전화해 보게."),
])
def test_hage_for_the_king(source, hage):
    assert convert_speech_level(source, HAO, tail="네") == hage
