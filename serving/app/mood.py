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


def mood_chart(series) -> None:
    rows = mood_rows(series)
    if not rows:
        st.caption("대화를 나누면 마음의 흐름이 여기에 그려져요.")
        return
    import altair as alt
    import pandas as pd

    data = pd.DataFrame(rows)
    base = alt.Chart(data).encode(
        x=alt.X("차례:Q", axis=alt.Axis(tickMinStep=1, format="d", title="대화 차례")),
        y=alt.Y("마음:Q", scale=alt.Scale(domain=[-1, 1]),
                axis=alt.Axis(values=[-1, 0, 1], title=None,
                              labelExpr="datum.value == 1 ? '편안' : datum.value == -1 ? '힘듦' : '보통'")),
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#cccccc", strokeDash=[4, 4]).encode(y="y:Q")
    line = base.mark_line(color="#D9687A", interpolate="monotone")
    points = base.mark_circle(size=90).encode(
        color=alt.Color("감정:N", legend=alt.Legend(orient="bottom", title=None)),
        tooltip=["차례:Q", "감정:N", "확신도:Q"],
    )
    st.altair_chart((zero + line + points).properties(height=200), width="stretch")
