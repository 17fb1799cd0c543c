"""The mood chart: the emotion of each user message in one conversation, over its turns."""

from __future__ import annotations

from typing import Any

import streamlit as st

from serving.app.text import emotion_info


def _field(item: Any, name: str, index: int) -> Any:
    if isinstance(item, dict):
        return item.get(name)
    if hasattr(item, name):
        return getattr(item, name)
    if isinstance(item, (tuple, list)) and len(item) > index:
        return item[index]
    return None


def mood_rows(series) -> list[dict[str, Any]]:
    """Rows for the chart from `store.emotion_series` items (objects, dicts or tuples)."""
    rows = []
    for number, item in enumerate(series or [], start=1):
        label = _field(item, "label", 1)
        score = _field(item, "score", 2)
        name, _colour, emoji, valence = emotion_info(label)
        rows.append({
            "차례": number,
            "마음": valence,
            "감정": f"{emoji} {name}",
            "확신도": round(float(score), 2) if isinstance(score, (int, float)) else None,
        })
    return rows


def mood_chart(conversation_id: int, series) -> None:
    rows = mood_rows(series)
    if not rows:
        st.caption("대화를 나누면 마음의 흐름이 여기에 그려져요.")
        return
    st.vega_lite_chart(spec=chart_spec(rows), width="stretch")


VALENCE_LABELS = "datum.value == 1 ? '편안' : datum.value == -1 ? '힘듦' : datum.value == 0 ? '보통' : ''"
LINE_COLOUR = "#D9687A"


def chart_spec(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The Vega-Lite spec of the chart, written as a plain dict: Altair and pandas took 80-130 ms
    of CPU per new message to produce the same spec (and a second to import on the first one).
    The data is inline in the layers, so Streamlit sends it as JSON without converting to Arrow."""
    last = max(r["차례"] for r in rows)
    x = {"field": "차례", "type": "quantitative",
         # half a step of room on each side, so the first and last points are not cut in half
         "scale": {"domain": [0.5, last + 0.5], "nice": False},
         "axis": {"values": list(range(1, last + 1)), "format": "d", "title": "대화 차례"}}
    y = {"field": "마음", "type": "quantitative", "scale": {"domain": [-1.3, 1.3], "nice": False},
         "axis": {"values": [-1, 0, 1], "title": None, "labelExpr": VALENCE_LABELS, "labelOverlap": False}}
    values = {"values": [dict(r) for r in rows]}
    return {
        "height": 220,
        "layer": [
            {"data": {"values": [{"y": 0}]}, "mark": {"type": "rule", "color": "#cccccc", "strokeDash": [4, 4]},
             "encoding": {"y": {"field": "y", "type": "quantitative"}}},
            {"data": values, "mark": {"type": "line", "color": LINE_COLOUR, "interpolate": "monotone"},
             "encoding": {"x": x, "y": y}},
            {"data": values, "mark": {"type": "circle", "size": 90, "opacity": 1},
             "encoding": {"x": x, "y": y,
                          "color": {"field": "감정", "type": "nominal", "legend": {"orient": "bottom", "title": None}},
                          "tooltip": [{"field": "차례", "type": "quantitative"}, {"field": "감정", "type": "nominal"},
                                      {"field": "확신도", "type": "quantitative"}]}},
        ],
    }
