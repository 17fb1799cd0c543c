"""Message acts: the rule floor, the encoder head on the real USE-m3 encoder, and the composer's
act strategies through the real offline generator."""

import pytest

from serving.acts import ACTS, classify_act
from serving.acts.data import read_rows
from serving.acts.rules import rule_act
from serving.generators.base import GenerationRequest
from serving.turn_context import TurnContext


@pytest.mark.parametrize("text,act", [("안녕하세요", "greeting"), ("안녕~", "greeting"), ("너는 누구야?", "bot_question"),
                                      ("너 사람이야?", "bot_question"), ("고마워요!", "farewell")])
def test_rules_catch_unmistakable_messages(text, act):
    assert rule_act(text) == act


def test_rules_leave_problems_to_the_head():
    assert rule_act("요즘 회사에서 매일 혼나서 출근하기가 싫어요") is None


def test_data_is_labelled_and_split_honestly():
    rows = read_rows()
    assert {r["act"] for r in rows} == set(ACTS)
    test_texts = {r["text"] for r in rows if r["split"] == "test"}
    assert len(test_texts) > 300
    assert not test_texts & {r["text"] for r in rows if r["split"] != "test"}


def test_head_reads_good_news_and_venting():
    assert classify_act("오늘 드디어 시험 합격했어요!!").act == "good_news"
    assert classify_act("상사가 매일 소리를 질러서 회사 가기가 너무 무서워요").act in ("venting", "advice")


def test_offline_generator_answers_acts_as_such():
    from serving.generators.offline import OfflineGenerator

    gen = OfflineGenerator()
    def reply(text, act):
        return gen.choose(GenerationRequest([{"role": "user", "content": text}], context=TurnContext(act=act)))
    assert "AI" in reply("너는 누구야?", "bot_question")
    assert "안녕" in reply("안녕", "greeting") or "반가" in reply("안녕", "greeting")
    assert "축하" in reply("합격했어요!", "good_news") or "기뻐" in reply("합격했어요!", "good_news")
    first = reply("안녕", "greeting")
    again = gen.choose(GenerationRequest([{"role": "user", "content": "안녕"}], avoid=[first],
                                         context=TurnContext(act="greeting")))
    assert again != first
