"""`maeum eval replies`: conversations through the real pipeline (offline generator, real store,
Kiwi, safety, emotion, acts, personas) into JSONL."""

from __future__ import annotations

import json

import pytest

from maeum.cli import main
from maeum.errors import DataError
from serving.reply_eval import read_dialogues


def test_text_paragraphs_are_conversations_and_lines_are_messages(tmp_path):
    file = tmp_path / "in.txt"
    file.write_text("안녕\n요즘 잠을 못 자요\n\n\n너는 누구야?\n", encoding="utf-8")
    assert [(d.id, d.messages) for d in read_dialogues(file)] == [("1", ["안녕", "요즘 잠을 못 자요"]),
                                                                  ("2", ["너는 누구야?"])]
    assert [d.messages for d in read_dialogues(file, "lines")] == [["안녕"], ["요즘 잠을 못 자요"], ["너는 누구야?"]]


def test_jsonl_dialogues_keep_their_ids_and_only_user_messages(tmp_path):
    file = tmp_path / "in.jsonl"
    file.write_text(json.dumps({"id": "d7", "messages": ["안녕", {"role": "assistant", "content": "반가워요"},
                                                         {"role": "user", "content": "고마워"}]}) + "\n",
                    encoding="utf-8")
    assert [(d.id, d.messages) for d in read_dialogues(file)] == [("d7", ["안녕", "고마워"])]


@pytest.mark.parametrize("content, where", [("{not json\n", "in.jsonl:1"), ('{"id": 1}\n', "in.jsonl:1"),
                                            ('\n{"messages": [3]}\n', "in.jsonl:2")])
def test_bad_jsonl_names_the_file_and_line(tmp_path, content, where):
    file = tmp_path / "in.jsonl"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=where):
        read_dialogues(file)


def test_eval_replies_writes_one_record_per_message_through_the_pipeline(tmp_path):
    file = tmp_path / "in.txt"
    file.write_text("안녕하세요\n요즘 회사 일이 너무 많아서 힘들어요\n\n너는 누구야?\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["eval", "replies", str(file), "--persona", "friend", "--out", str(out), "--again",
                 "--database", str(tmp_path / "ignored.db")]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["conversation"], r["turn"], r["user"]) for r in rows] == [
        ("1", 1, "안녕하세요"), ("1", 2, "요즘 회사 일이 너무 많아서 힘들어요"), ("2", 1, "너는 누구야?")]
    for row in rows:
        assert row["persona"] == "friend" and row["safety"] == "none"
        assert row["reply"] and row["raw_reply"] and row["again"] and row["emotion"]
        assert row["again"] != row["reply"]  # 다시 답변 gives another reply
    assert rows[0]["act"] == "greeting" and rows[2]["act"] == "bot_question"
    assert "AI" in rows[2]["raw_reply"]  # who maeum is, before the friend's voice
    assert rows[1]["act"] == "venting" and rows[1]["emotion"] != "중립"


def test_eval_replies_unknown_persona_is_a_clear_error(tmp_path, capsys):
    file = tmp_path / "in.txt"
    file.write_text("안녕\n", encoding="utf-8")
    assert main(["eval", "replies", str(file), "--persona", "nobody", "--out", str(tmp_path / "o.jsonl")]) == 1
    assert "nobody" in capsys.readouterr().err
