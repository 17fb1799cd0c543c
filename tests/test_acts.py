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
    def reply(text, act, emotion=None):
        return gen.choose(GenerationRequest([{"role": "user", "content": text}], emotion=emotion,
                                            context=TurnContext(act=act, emotion=emotion)))
    assert "AI" in reply("너는 누구야?", "bot_question")
    assert "안녕" in reply("안녕", "greeting") or "반가" in reply("안녕", "greeting")
    assert "축하" in reply("합격했어요!", "good_news", "기쁨") or "기뻐" in reply("합격했어요!", "good_news", "기쁨")
    # good news read from a sad message is not answered with joy
    assert "기뻐" not in reply("혼자 산 지 2년 됐어요", "good_news", "슬픔")
    first = reply("안녕", "greeting")
    again = gen.choose(GenerationRequest([{"role": "user", "content": "안녕"}], avoid=[first],
                                         context=TurnContext(act="greeting")))
    assert again != first


def test_a_misread_act_never_answers_pain_with_a_stock_reply(tmp_path):
    """A widow's "혼자 산 지 2년" once got "정말 좋은 소식이네요!": stock act replies need a calm feeling."""
    from serving.config import ServingSettings
    from serving.pipeline import ChatPipeline

    pipe = ChatPipeline(ServingSettings(database_url=f"sqlite:///{tmp_path}/acts.db"))
    user = pipe.store.get_or_create_user("acts")
    conversation = pipe.start_conversation(user, "counselor")
    replies = []
    for message in ["안녕하세요", "남편 먼저 보내고 혼자 산 지 2년 됐어요"]:
        replies += [e.reply for e in pipe.run_turn(conversation, message) if e.kind == "done"]
    assert "좋은 소식" not in replies[1] and "반가워요" not in replies[1]
    good = pipe.start_conversation(user, "counselor")
    [reply] = [e.reply for e in pipe.run_turn(good, "오늘 시험 합격했어요!") if e.kind == "done"]
    assert "좋은 소식" in reply or "축하" in reply or "기뻐" in reply
    pipe.close()


def test_heads_on_the_held_out_split():
    """The `test` split of data/emotion_acts.tsv is never trained on; each writer's part is scored
    on its own. First writer (`ea`), before the character n-grams (and the lexicon weights for
    emotion) beside the embedding: acts 76.8%, emotion 63.6% with 6 distress lines read as 중립.
    Second writer (`e6`, added 2026-12-02, many misleading surfaces: calm bad news, "ㅋㅋ" on sad
    facts): measured acts 82.3%, emotion 67.6%, 17 distress lines read as 중립 (open; floors only)."""
    from serving.acts.data import read_rows
    from serving.emotion import classify

    test = [r for r in read_rows() if r["split"] == "test"]
    floors = {"ea": (0.83, 0.67, 5), "e6": (0.80, 0.65, 20)}
    for writer, (min_acts, min_emotion, max_distress_neutral) in floors.items():
        rows = [r for r in test if r["id"].startswith(writer)]
        acts = sum(classify_act(r["text"]).act == r["act"] for r in rows) / len(rows)
        emotions = [classify(r["text"]).label for r in rows]
        emotion = sum(p == r["emotion"] for p, r in zip(emotions, rows)) / len(rows)
        distress_neutral = sum(p == "중립" for p, r in zip(emotions, rows) if r["emotion"] not in ("중립", "기쁨"))
        assert acts >= min_acts and emotion >= min_emotion and distress_neutral <= max_distress_neutral, \
            (writer, acts, emotion, distress_neutral)
    assert classify_act("요즘 회사 일이 너무 많아서 힘들어요").act == "venting"
