"""Where to get help: always one click away, and in plain sight after a crisis turn.

The texts and numbers come from `serving.safety` (one source for the reply, the CLI and
the app); nothing here is a phone number of its own.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from serving.app.text import escape_markdown

NOT_A_SUBSTITUTE = "마음은 AI 대화 상대예요. 전문 상담이나 치료를 대신할 수 없어요."


def _get(item: Any, name: str) -> str:
    if isinstance(item, dict):
        return str(item.get(name) or "")
    return str(getattr(item, name, "") or "")


def hotlines() -> list:
    from serving.safety import HOTLINES

    return list(HOTLINES)


def help_banner() -> str:
    from serving.safety import HELP_BANNER

    return str(HELP_BANNER)


def hotline_markdown(items=None) -> str:
    lines = []
    for item in hotlines() if items is None else items:
        number = _get(item, "number")
        digits = re.sub(r"[^0-9+]", "", number)
        name = _get(item, "name")
        shown = escape_markdown(number)
        call = f"[{shown}](tel:{digits})" if digits else shown
        line = f"- **{call}**"
        if name and name != number:
            line += f" {escape_markdown(name)}"
        description = _get(item, "description")
        if description:
            line += f" — {escape_markdown(description)}"
        lines.append(line)
    return "\n".join(lines)


def short_numbers(items=None, limit: int = 2) -> str:
    """'109 · 1577-0199' — the first hotlines, for a one-line note."""
    return " · ".join(_get(i, "number") for i in (hotlines() if items is None else items)[:limit])


def help_popover() -> None:
    """The always-visible button that opens the crisis numbers."""
    with st.popover("도움받을 곳", icon="☎️", help="24시간 상담 전화 번호를 보여 줘요"):
        st.markdown("**지금 힘들다면 혼자 견디지 마세요.** 24시간 연결돼요.")
        st.markdown(hotline_markdown())
        st.caption(NOT_A_SUBSTITUTE)


def crisis_banner() -> None:
    """Under the conversation, just above the input, for the rest of a conversation with a
    crisis turn (so it stays in view however long the conversation gets)."""
    with st.container(border=True, key="maeum_crisis_banner"):
        st.error(help_banner(), icon="💗")
        st.markdown(hotline_markdown())


def crisis_sidebar_note() -> None:
    """The same, short, at the top of the sidebar."""
    st.error(f"**지금 바로 도움받기** · {short_numbers()} (24시간)", icon="☎️")


def footer_note() -> None:
    st.caption(f"⚠️ {NOT_A_SUBSTITUTE} 위급할 땐 바로 전화하세요: {short_numbers()}")
