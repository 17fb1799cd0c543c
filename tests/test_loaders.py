"""Every loader layout, with good rows and each kind of bad row."""

from __future__ import annotations

import json

import pytest

from maeum.errors import DataError
from training.loaders import (SMILESTYLE_STYLES, load_dpo, load_dpo_rows, load_sft, load_sft_rows,
                              read_smilestyle, split_by_dialogue, style_pairs)

GOOD_CONV = {"messages": [{"role": "user", "content": "시험이 걱정돼요"},
                          {"role": "assistant", "content": "걱정이 크시군요. 어떤 과목이 제일 마음에 걸려요?"}]}


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_canonical_jsonl_drops_and_counts_bad_rows(tmp_path):
    rows = [
        GOOD_CONV,
        {"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "네"}]},  # empty
        {"messages": [{"role": "assistant", "content": "먼저"}, {"role": "user", "content": "응"}]},  # order
        {"text": "no messages"},  # missing field / unknown layout
        {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": 3}]},  # wrong type
    ]
    path = write_jsonl(tmp_path / "conv.jsonl", rows)
    ds, (report,) = load_sft(str(path))
    assert len(ds) == 1 and ds[0]["messages"] == GOOD_CONV["messages"]
    assert report.rows_read == 5 and report.rows_kept == 1 and len(report.dropped) == 4
    reasons = [d.reason for d in report.dropped]
    assert [d.row for d in report.dropped] == [2, 3, 4, 5]
    assert reasons[0].startswith("empty text") and reasons[1].startswith("wrong role order")
    assert reasons[2].startswith("unknown layout") and reasons[3].startswith("wrong type")
    assert "dropped 4" in report.summary()
    report.save(tmp_path / "report.json")
    assert json.loads((tmp_path / "report.json").read_text())["dropped"][0]["row"] == 2


def test_raise_mode_names_file_row_and_reason(tmp_path):
    path = write_jsonl(tmp_path / "conv.jsonl", [GOOD_CONV, {"messages": [{"role": "user", "content": " "}]}])
    with pytest.raises(DataError, match=r"conv\.jsonl, row 2: empty text: messages\[1\]\.content"):
        load_sft(str(path), on_bad_row="raise")


def test_invalid_json_line_is_an_error_with_line_number(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(GOOD_CONV, ensure_ascii=False) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"broken\.jsonl, line 2: invalid JSON"):
        load_sft(str(path))


def test_json_csv_parquet_in_canonical_shape(tmp_path):
    (tmp_path / "conv.json").write_text(json.dumps([GOOD_CONV], ensure_ascii=False), encoding="utf-8")
    assert len(load_sft(str(tmp_path / "conv.json"))[0]) == 1
    import pandas as pd

    pd.DataFrame([{"prompt": "헤어졌어요", "chosen": "많이 아프시겠어요. 어떻게 지내세요?",
                   "rejected": "다른 사람 만나면 돼요."}]).to_parquet(tmp_path / "prefs.parquet")
    ds, _ = load_dpo(str(tmp_path / "prefs.parquet"))
    assert ds[0]["prompt"] == [{"role": "user", "content": "헤어졌어요"}]
    assert ds[0]["chosen"][0]["role"] == "assistant"
    (tmp_path / "alpaca.csv").write_text("instruction,input,output\n잠이 안 와요,,몸이 많이 지치셨겠어요.\n"
                                         ",빈 지시,출력\n", encoding="utf-8")
    ds, (report,) = load_sft(str(tmp_path / "alpaca.csv"))
    assert len(ds) == 1 and report.dropped[0].row == 3 and "empty text: instruction" in report.dropped[0].reason


def test_empathetic_dialogues_ko_single_and_multi(tmp_path):
    rows = [
        {"instruction": "친구랑 싸웠어", "output": "속상했겠다. 무슨 일이 있었어?", "type": "single"},
        {"instruction": "질문: 요즘 너무 지쳐요\n답변: 많이 힘드셨군요.\n질문: 회사 일이 끝이 없어요",
         "output": "끝이 안 보이면 더 지치죠. 요즘 가장 버거운 일은 뭐예요?", "type": "multi"},
        {"instruction": "마커 없는 멀티턴", "output": "응답", "type": "multi"},
        {"instruction": "x", "output": "y", "type": "triple"},
    ]
    ds, (report,) = load_sft(str(write_jsonl(tmp_path / "emp.jsonl", rows)))
    assert len(ds) == 2
    assert [m["role"] for m in ds[1]["messages"]] == ["user", "assistant", "user", "assistant"]
    assert ds[1]["messages"][2]["content"] == "회사 일이 끝이 없어요"
    assert {d.reason.split(":")[0] for d in report.dropped} == {"multi-turn instruction has no speaker markers (질문",
                                                                 "unknown type"}


def test_alpaca_joins_instruction_and_input(tmp_path):
    rows = [{"instruction": "다음 고민에 답해 주세요.", "input": "발표가 무서워요", "output": "떨리는 마음이 크시군요."}]
    ds, _ = load_sft(str(write_jsonl(tmp_path / "alpaca.jsonl", rows)))
    assert ds[0]["messages"][0]["content"] == "다음 고민에 답해 주세요.\n\n발표가 무서워요"


def test_string_preferences_and_bad_pairs(tmp_path):
    rows = [
        {"prompt": "시험 망쳤어", "chosen": "많이 속상하겠다. 어떤 부분이 제일 아쉬워?", "rejected": "다음에 잘 보면 돼."},
        {"prompt": "시험 망쳤어", "chosen": "같은 답", "rejected": "같은 답"},
        {"prompt": "시험 망쳤어", "chosen": "답"},
        {"prompt": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}],
         "chosen": "c", "rejected": "d"},
    ]
    rows_out, (report,) = load_dpo_rows(str(write_jsonl(tmp_path / "prefs.jsonl", rows)))
    assert len(rows_out) == 1
    assert [d.reason.split(":")[0] for d in report.dropped] == ["chosen == rejected", "missing field",
                                                                 "wrong role order"]


def test_chatbotdata_from_shared(shared_data):
    ds, (report,) = load_sft(str(shared_data / "chatbot_data" / "ChatbotData.csv"))
    assert report.rows_read == 11823 and len(ds) == report.rows_kept == 11823
    assert set(ds["topic"]) == {"everyday", "breakup_negative", "love_positive"}


def test_chatbotdata_bad_rows(tmp_path):
    (tmp_path / "cb.csv").write_text("Q,A,label\n안녕,안녕하세요,0\n질문만,,1\n라벨,답,7\n", encoding="utf-8")
    ds, (report,) = load_sft(str(tmp_path / "cb.csv"))
    assert len(ds) == 1 and [d.row for d in report.dropped] == [3, 4]


def test_smilestyle_keeps_dialogues(shared_data):
    rows = read_smilestyle(shared_data / "smilestyle" / "smilestyle_train.tsv")
    assert len(rows) == 3110 and rows[0].turn == 0 and rows[1].dialogue == 0
    assert len({r.dialogue for r in rows}) == 212
    assert set(rows[0].styles) <= set(SMILESTYLE_STYLES)
    pairs = style_pairs(rows[:3], ("formal",), ("seonbi",), with_context=True)
    assert pairs[0]["context"] == "" and pairs[1]["context"] == rows[0].styles["formal"]
    train, valid = split_by_dialogue(rows, 0.1)
    assert not {r.dialogue for r in train} & {r.dialogue for r in valid}


def test_smilestyle_bad_rows(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text("formal\tseonbi\n안녕하세요.\t안녕하시오.\n혼자만\t\n\n다음 대화\t다음 대화요\n", encoding="utf-8")
    from training.loaders import LoadReport

    report = LoadReport(str(path), "style")
    rows = read_smilestyle(path, report)
    assert [r.dialogue for r in rows] == [0, 1] and report.dropped[0].row == 3
    (tmp_path / "bad.tsv").write_text("formal\tpirate\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown style column"):
        read_smilestyle(tmp_path / "bad.tsv")


def test_hub_id_without_internet_gives_advice(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    with pytest.raises(DataError, match="pass the local file path"):
        load_sft("Smoked-Salmon-s/empathetic_dialogues_ko-not-cached")


def test_missing_file_and_empty_result(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_sft(str(tmp_path / "nope.jsonl"))
    path = write_jsonl(tmp_path / "all_bad.jsonl", [{"messages": []}])
    with pytest.raises(DataError, match="no usable rows"):
        load_sft(str(path))


def test_mixed_sources_get_uniform_columns(tmp_path, shared_data):
    path = write_jsonl(tmp_path / "conv.jsonl", [GOOD_CONV])
    rows, reports = load_sft_rows([str(path), {"path": str(shared_data / "chatbot_data" / "ChatbotData.csv"),
                                               "max_rows": 10}])
    assert len(rows) == 11 and all(set(r) == set(rows[0]) for r in rows)
    assert reports[1].rows_read == 10
