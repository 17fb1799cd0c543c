"""The mood chart: the emotion of each user message in one conversation, over its turns."""

from __future__ import annotations

import copy
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
    # The rows are the conversation's version: the chart's Vega-Lite spec is built (by Altair,
    # 50-90 ms with its schema check) only when they change; every other run sends the spec.
    spec = _chart_spec(conversation_id, tuple(tuple(sorted(r.items())) for r in rows))
    st.vega_lite_chart(spec=copy.deepcopy(spec), width="stretch")


VALENCE_LABELS = "datum.value == 1 ? '편안' : datum.value == -1 ? '힘듦' : datum.value == 0 ? '보통' : ''"


@st.cache_resource(max_entries=256, show_spinner=False)
def _chart_spec(conversation_id: int, frozen_rows: tuple) -> dict:
    spec = chart(frozen_rows).to_dict()
    spec.pop("config", None)  # Altair's default 300x300 view: the page decides the width
    return spec


def chart(frozen_rows: tuple):
    """The Altair chart of the rows (`mood_rows`, frozen as tuples of sorted items)."""
    import altair as alt
    import pandas as pd

    data = pd.DataFrame([dict(r) for r in frozen_rows])
    last = int(data["차례"].max())
    base = alt.Chart(data).encode(
        # half a step of room on each side, so the first and last points are not cut in half
        x=alt.X("차례:Q", scale=alt.Scale(domain=[0.5, last + 0.5], nice=False),
                axis=alt.Axis(values=list(range(1, last + 1)), format="d", title="대화 차례")),
        y=alt.Y("마음:Q", scale=alt.Scale(domain=[-1.3, 1.3], nice=False),
                axis=alt.Axis(values=[-1, 0, 1], title=None, labelExpr=VALENCE_LABELS, labelOverlap=False)),
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#cccccc", strokeDash=[4, 4]).encode(y="y:Q")
    line = base.mark_line(color="#D9687A", interpolate="monotone")
    points = base.mark_circle(size=90, opacity=1).encode(
        color=alt.Color("감정:N", legend=alt.Legend(orient="bottom", title=None)),
        tooltip=["차례:Q", "감정:N", "확신도:Q"],
    )
    return (zero + line + points).properties(height=220)
