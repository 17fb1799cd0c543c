"""The style evaluation harness: known numbers on a hand-made case, the classifier, the CLI."""

from __future__ import annotations

import json
import math

import pytest

from training.evaluation.style import harness, metrics
from training.evaluation.style.classifier import StyleClassifier, train_on_rows

# Two dialogues, three styles. A blank line separates dialogues (SmileStyle layout).
TSV = """formal\tseonbi\tinformal
안녕하세요 오늘 날씨가 참 좋네요.\t안녕하시오 오늘 날씨가 참 좋소.\t안녕 오늘 날씨가 참 좋아.
저녁에 밥은 맛있게 드셨어요?\t저녁에 밥은 맛있게 자셨소?\t저녁에 밥은 맛있게 먹었어?

도와주셔서 정말 고마워요.\t도와주어서 정말 고맙소.\t도와줘서 정말 고마워.
"""
S1, S2, S3 = "안녕하세요 오늘 날씨가 참 좋네요.", "저녁에 밥은 맛있게 드셨어요?", "도와주셔서 정말 고마워요."


class EndingClassifier:
    """A stand-in classifier with obvious rules, so every number below can be worked out by hand."""

    labels = ["formal", "informal", "seonbi"]

    def predict(self, texts):
        out = []
        for t in texts:
            t = t.rstrip(".?!")
            if t.endswith(("오", "소")):
                out.append("seonbi")
            elif t.endswith(("어", "아")):
                out.append("informal")
            else:
                out.append("formal")  # "고마워." is misread: the ceiling is below 1
        return out


class Lookup:
    """Engine that answers from a table (target style, source) → output, else copies."""

    def __init__(self, name, table):
        self.name, self.table = name, table

    def rewrite(self, sentences, persona):
        return [self.table.get((persona.style.smilestyle, s), s) for s in sentences]


@pytest.fixture()
def tsv(tmp_path):
    path = tmp_path / "tiny.tsv"
    path.write_text(TSV, encoding="utf-8")
    return path


def references(path):
    from training.loaders.smilestyle import read_smilestyle

    return {(style, row.styles["formal"]): row.styles[style]
            for row in read_smilestyle(path) for style in ("seonbi", "informal")}


def run(engine, tsv, tmp_path, **kw):
    return harness.evaluate_engine(engine, tsv, tmp_path / engine.name, split="all", source_style="formal",
                                   target_styles=["seonbi", "informal"], classifier=EndingClassifier(),
                                   quiet=True, **kw)


def test_identity_is_the_floor(tsv, tmp_path):
    from serving.style.base import IdentityEngine

    r = run(IdentityEngine(), tsv, tmp_path)
    o = r["overall"]
    assert o["n"] == 6
    assert o["style_acc"] == 0.0 and o["J"] == 0.0
    assert o["chrf_src"] == pytest.approx(100.0) and o["bleu_src"] == pytest.approx(100.0)
    assert o["ceiling"] == pytest.approx(5 / 6)
    assert r["per_style"]["seonbi"]["ceiling"] == 1.0
    assert r["per_style"]["informal"]["ceiling"] == pytest.approx(2 / 3)
    assert o["ppl"] is None and o["fallback_rate"] is None  # no LM given; identity never falls back


def test_oracle_and_half_right_engines_give_known_numbers(tsv, tmp_path):
    refs = references(tsv)
    oracle = run(Lookup("oracle", refs), tsv, tmp_path)["overall"]
    assert oracle["chrf"] == pytest.approx(100.0) and oracle["bleu"] == pytest.approx(100.0)
    assert oracle["style_acc"] == pytest.approx(5 / 6) and oracle["J"] == pytest.approx(5 / 6)

    # Right for seonbi, a character the references never use for informal (sentence chrF 0).
    half = {k: (v if k[0] == "seonbi" else "ㅋ") for k, v in refs.items()}
    r = run(Lookup("half", half), tsv, tmp_path)
    assert r["overall"]["J"] == pytest.approx(0.5)
    assert r["overall"]["style_acc"] == pytest.approx(0.5)
    assert r["per_style"]["seonbi"]["J"] == pytest.approx(1.0)
    assert r["per_style"]["informal"]["J"] == 0.0 and r["per_style"]["informal"]["style_acc"] == 0.0
    assert metrics.sentence_chrf("ㅋ", "안녕 오늘 날씨가 참 좋아.") == 0.0

    # Files: results.json (strict JSON with an overall object), the table, the predictions.
    saved = json.loads((tmp_path / "half" / "results.json").read_text(encoding="utf-8"))
    assert set(saved["overall"]) >= {"style_acc", "chrf", "J"}
    table = (tmp_path / "half" / "results.md").read_text(encoding="utf-8")
    assert "| **overall** |" in table and "| seonbi |" in table
    rows = (tmp_path / "half" / "predictions.tsv").read_text(encoding="utf-8").strip().splitlines()
    assert len(rows) == 1 + 6


def test_sentences_of_a_dialogue_reach_the_engine_together(tsv, tmp_path):
    calls = []

    class Recorder(Lookup):
        def rewrite(self, sentences, persona):
            calls.append((persona.style.smilestyle, list(sentences)))
            return list(sentences)

    run(Recorder("rec", {}), tsv, tmp_path)
    assert ("seonbi", [S1, S2]) in calls and ("seonbi", [S3]) in calls
    assert len(calls) == 4


def test_fluency_multiplies_j_by_relative_perplexity(tsv, tmp_path, tiny_models):
    refs = references(tsv)
    lm = metrics.Perplexity(str(tiny_models["llama"]))
    oracle = run(Lookup("oracle", refs), tsv, tmp_path, fluency=lm)["overall"]
    assert math.isfinite(oracle["ppl"]) and oracle["ppl"] > 1
    assert oracle["J"] == pytest.approx(5 / 6)  # the references themselves: fluency factor 1
    assert metrics.fluency_factor(20.0, 10.0) == 0.5 and metrics.fluency_factor(5.0, 10.0) == 1.0
    assert metrics.j_score(True, 0.8, 0.5) == pytest.approx(0.4) and metrics.j_score(False, 1.0) == 0.0


def test_classifier_learns_from_the_training_split_only(shared_data):
    from training.loaders.smilestyle import read_smilestyle, split_by_dialogue

    rows = read_smilestyle(shared_data / "smilestyle" / "smilestyle_train.tsv")
    train, valid = split_by_dialogue(rows, 0.1, 0)
    assert not {r.dialogue for r in train} & {r.dialogue for r in valid}
    clf, info = harness.train_classifier(shared_data / "smilestyle" / "smilestyle_train.tsv")
    assert info["train_dialogues"] == len({r.dialogue for r in train})
    texts = [s for r in valid for s in r.styles.values()]
    labels = [k for r in valid for k in r.styles]
    assert clf.accuracy(texts, labels) > 0.75  # 17 styles; chance is about 0.06


def test_classifier_save_and_load(tmp_path):
    from training.loaders.smilestyle import read_smilestyle

    path = tmp_path / "t.tsv"
    path.write_text(TSV, encoding="utf-8")
    clf = train_on_rows(read_smilestyle(path))
    clf.save(tmp_path / "clf")
    again = StyleClassifier.load(tmp_path / "clf")
    texts = ["안녕하시오.", "고마워.", "밥 먹었어요?"]
    assert again.predict(texts) == clf.predict(texts)
    assert clf.predict(["점심은 자셨소?"]) == ["seonbi"]


def test_cli_compares_engines_on_the_held_out_split(shared_data, tmp_path, capsys):
    from maeum.cli import main

    out = tmp_path / "eval"
    code = main(["eval", "style", "--engine", "identity,rules", "--out", str(out), "--limit", "6",
                 "--target-styles", "seonbi,informal,king"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "overall:" in printed and "| identity |" in printed and "| rules |" in printed
    for engine in ("identity", "rules"):
        result = json.loads((out / engine / "results.json").read_text(encoding="utf-8"))
        assert result["split"] == "valid" and result["overall"]["n"] == 18
        assert "training split" in result["classifier"]["trained_on"]
    assert (out / "comparison.md").exists()


def test_cli_needs_a_model_for_learned_engines(tmp_path, capsys):
    from maeum.cli import main

    assert main(["eval", "style", "--engine", "kobart", "--out", str(tmp_path), "--target-styles", "seonbi",
                 "--data", str(tmp_path / "x.tsv")]) == 1
    assert "--kobart-model" in capsys.readouterr().err
