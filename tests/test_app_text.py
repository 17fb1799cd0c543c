"""The app's small pure helpers: escaping, particles, emotion labels, stream chunks."""

from __future__ import annotations

import json

from types import SimpleNamespace

import pytest

from serving.app.text import emotion_info, escape_markdown, josa, shorten, unescape_markdown

MARKUP = [
    "**굵게** __밑줄__ *기울임*",
    "<b>태그</b> <script>alert(1)</script> &amp;",
    "[링크](http://example.com) ![그림](x.png)",
    "~~취소~~ 그랬구나~~ ^^",
    "$x^2$ :red[빨강] :smile:",
    "# 제목\n- 목록\n1. 번호\n> 인용\n    코드",
    "`코드` | 표 | --- |",
]


@pytest.mark.parametrize("text", MARKUP)
def test_escaped_markdown_renders_literally(text):
    """Rendered by a CommonMark parser (with tables and strikethrough), the escaped text is
    one paragraph of plain text: no tags but <p> and <br />, every character still there."""
    markdown_it = pytest.importorskip("markdown_it")
    import html
    import re

    escaped = escape_markdown(text)
    rendered = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(escaped)
    tags = set(re.findall(r"<\s*/?\s*([a-zA-Z]+)", rendered))
    assert tags <= {"p", "br"}, rendered
    plain = html.unescape(re.sub(r"<br />\n|</?p>\n?", "", rendered))
    assert plain == "".join(line.lstrip() for line in text.split("\n"))
    assert unescape_markdown(escaped).replace("\n", "") == plain


def test_line_breaks_are_kept():
    assert escape_markdown("첫 줄\n둘째 줄") == "첫 줄  \n둘째 줄"
    assert escape_markdown("") == ""


def test_korean_particles():
    assert josa("곰돌이", "와/과") == "곰돌이와"
    assert josa("선생님", "와/과") == "선생님과"
    assert josa("상담사", "가/이") == "상담사가"
    assert josa("할아버지", "가/이") == "할아버지가"
    assert josa("마음 선생님", "가/이") == "마음 선생님이"
    assert josa("Mia", "가/이") == "Mia가(이)"


def test_emotions_known_and_unknown():
    for label in ("기쁨", "당황", "분노", "불안", "상처", "슬픔", "중립"):
        name, colour, emoji, valence = emotion_info(label)
        assert name == label and emoji and -1 <= valence <= 1
    assert emotion_info("기쁨")[3] > 0 > emotion_info("슬픔")[3]
    assert emotion_info("새로운감정")[0] == "새로운감정"  # shown as itself, never an error
    assert emotion_info(None)[0] == "알 수 없음"


def test_shorten():
    assert shorten("짧은 제목") == "짧은 제목"
    assert shorten("가" * 40, 10) == "가" * 9 + "…"


def test_stream_chunks_are_escaped_and_in_order():
    from serving.app.chat import StreamResult, sentence_chunks

    events = [
        SimpleNamespace(kind="accepted", turn_id=1, emotion=("슬픔", 0.9), notice=None),
        SimpleNamespace(kind="sentence", text="많이 **힘들었죠**."),
        SimpleNamespace(kind="sentence", text="<b>괜찮아요</b>"),
        SimpleNamespace(kind="done", turn_id=1, reply_id=7, reply="..."),
    ]
    result = StreamResult()
    chunks = list(sentence_chunks(iter(events), result))
    assert chunks == [escape_markdown("많이 **힘들었죠**."), " " + escape_markdown("<b>괜찮아요</b>")]
    assert result.accepted.turn_id == 1 and result.done.reply_id == 7 and not result.failed


def test_stream_turns_an_exception_into_a_korean_message():
    from serving.app.chat import StreamResult, sentence_chunks

    def broken():
        yield SimpleNamespace(kind="sentence", text="첫 문장.")
        raise RuntimeError("boom")

    result = StreamResult()
    assert list(sentence_chunks(broken(), result)) == [escape_markdown("첫 문장.")]
    assert result.failed and "다시 시도" in result.failed


def _mood_script():
    import streamlit as st

    from serving.app import mood

    mood.mood_chart(7, st.session_state["series"])


def test_mood_chart_is_valid_vega_lite_drawn_without_altair():
    import altair as alt
    from streamlit.testing.v1 import AppTest

    from serving.app.mood import chart_spec, mood_rows

    rows = mood_rows([(1, "슬픔", 0.8), (2, "기쁨", 0.6), (3, "불안", None)])
    spec = chart_spec(rows)
    alt.LayerChart.from_dict(spec, validate=True)  # Altair's own Vega-Lite schema check
    x = spec["layer"][1]["encoding"]["x"]
    assert x["scale"]["domain"] == [0.5, 3.5] and x["axis"]["values"] == [1, 2, 3]  # edge points whole
    assert "보통" in spec["layer"][1]["encoding"]["y"]["axis"]["labelExpr"]  # the middle label
    assert spec["layer"][2]["data"]["values"][2] == {"차례": 3, "마음": -0.6, "감정": "😟 불안", "확신도": None}

    app = AppTest.from_function(_mood_script, default_timeout=60)
    app.session_state["series"] = [(1, "슬픔", 0.8), (2, "기쁨", 0.6)]
    app.run()
    assert not app.exception
    [chart] = app.get("vega_lite_chart")
    sent = json.loads(chart.proto.spec)
    assert len(sent["layer"]) == 3 and len(sent["layer"][1]["data"]["values"]) == 2  # inline: no Arrow


def test_persona_emoji_in_text_asks_for_the_colour_glyph():
    # Source Sans has a tiny monochrome 🤖 of its own: without U+FE0F it wins over the emoji font
    from serving.app.sidebar import persona_label, text_icon

    assert persona_label(SimpleNamespace(avatar="🤖", name="안드로이드")) == "🤖\ufe0f 안드로이드"
    assert text_icon("☎️") == "☎️" and text_icon("👨‍👩‍👧") == "👨‍👩‍👧" and text_icon(None) is None
