"""Checked properties of the offline composer over many generated turns (our seed conversations'
user messages, real Kiwi, the real emotion and act classifiers): no sentence said twice in a
conversation, nothing invented, no "본인", no fragment, openings that vary."""

from __future__ import annotations

import json
import re

import pytest

from maeum import paths
from serving.acts import classify_act
from serving.emotion import classify
from serving.generators.base import GenerationRequest
from serving.generators.offline import OfflineGenerator
from serving.generators.offline_eval import invented_nouns
from serving.generators.offline_compose import reflect
from serving.turn_context import TurnContext

_SENTENCES = re.compile(r"(?<=[.!?~])\s+")


@pytest.fixture(scope="module")
def generator():
    return OfflineGenerator()


def _user_dialogues(limit: int = 40) -> list[list[str]]:
    out = []
    with open(paths.data_file("seed_conversations.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            messages = json.loads(line)["messages"]
            out.append([m["content"] for m in messages if m["role"] == "user"])
    return out[:limit]


def _converse(generator, users: list[str]) -> list[str]:
    messages, replies = [], []
    for text in users:
        messages.append({"role": "user", "content": text})
        emotion = classify(text).label
        context = TurnContext(act=classify_act(text).act, emotion=emotion)
        reply = generator.choose(GenerationRequest(list(messages), emotion=emotion, context=context,
                                                   avoid=list(replies)))
        replies.append(reply)
        messages.append({"role": "assistant", "content": reply})
    return replies


@pytest.fixture(scope="module")
def conversations(generator):
    return [(users, _converse(generator, users)) for users in _user_dialogues()]


def test_many_turns_were_generated(conversations):
    assert sum(len(replies) for _, replies in conversations) >= 120


def test_no_sentence_is_said_twice_in_a_conversation(conversations):
    for users, replies in conversations:
        sentences = [s for reply in replies for s in _SENTENCES.split(reply)]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, (users, replies)


def test_replies_invent_nothing(conversations):
    """No content noun the user never said, unless it is generic or carried by a line of ours."""
    for users, replies in conversations:
        for turn, reply in enumerate(replies):
            assert invented_nouns(users[:turn + 1], reply) == [], (users[:turn + 1], reply)


def test_no_bonin_and_no_fragments(conversations):
    for _, replies in conversations:
        for reply in replies:
            assert "본인" not in reply
            for sentence in _SENTENCES.split(reply):
                assert not re.match(r"^(라는|이라는|는|은|을|를|이|가|에|에게|도|만)\s", sentence), reply


def test_openings_vary_and_rarely_restate(conversations):
    """At most a third of replies open with the user's statement said back."""
    firsts = [reply.split(". ")[0] for _, replies in conversations for reply in replies]
    restated = sum(1 for (users, replies) in conversations for text, reply in zip(users, replies)
                   if (reflect(text) or "\0")[:-1] in reply.split(". ")[0])
    assert restated <= len(firsts) / 3
    assert len(set(firsts)) >= 0.6 * len(firsts)


def test_a_question_goes_back_to_two_turns_ago(generator):
    users = ["디자인 공부를 하고 싶은데 집에서 반대해요", "돈도 없고 시간도 없어요", "어떻게 해야 할지 모르겠어요"]
    replies = _converse(generator, users)
    assert "디자인 공부" in replies[2] and replies[2].endswith("?")


def test_another_reply_opens_differently(generator):
    """'다시 답변': the earlier reply is in `avoid`, so no sentence of it comes back."""
    text = "요즘 회사에서 상사한테 매일 혼나서 출근하기가 너무 싫어요"
    request = dict(emotion="슬픔", context=TurnContext(act="venting", emotion="슬픔"))
    first = generator.choose(GenerationRequest([{"role": "user", "content": text}], **request))
    again = generator.choose(GenerationRequest([{"role": "user", "content": text}], avoid=[first], **request))
    assert not set(_SENTENCES.split(first)) & set(_SENTENCES.split(again)), (first, again)


def test_advice_is_given_where_asked(generator):
    text = "요즘 잠을 잘 못 자요. 어떻게 하면 좋을까요?"
    reply = generator.choose(GenerationRequest([{"role": "user", "content": text}], emotion="불안",
                                               context=TurnContext(act="advice", emotion="불안")))
    assert any(line in reply for line in ("화면을 멀리하고", "잠깐 일어나", "작은 것 하나부터", "종이에 적어", "이야기해 보는"))
