"""One run of the app script: door, sidebar, header, conversation, input."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from serving.app import after_stop, auth, chat, mood, safety_ui, sidebar
from serving.app import runtime as rt
from serving.app.text import escape_markdown, josa

log = logging.getLogger("maeum.app")

STATIC = Path(__file__).resolve().parent / "static"
# Read once per process: the page helpers (Korean labels, copy buttons) and their style.
PAGE_SCRIPT = f"<script>{(STATIC / 'page.js').read_text(encoding='utf-8')}</script>"
PAGE_STYLE = f"<style>{(STATIC / 'page.css').read_text(encoding='utf-8')}</style>"


def _page_config() -> None:
    st.set_page_config(page_title="마음 · 상담 챗봇", page_icon="💗", layout="centered",
                       initial_sidebar_state="auto")
    st.html(PAGE_STYLE)
    st.html(PAGE_SCRIPT, unsafe_allow_javascript=True)


def _startup_failed(exc: Exception) -> None:
    log.exception("the app could not start")
    st.title("마음 💗")
    st.error("앱을 시작하지 못했어요. 설정을 확인해 주세요.", icon="⚠️")
    from maeum.errors import MaeumError

    if isinstance(exc, MaeumError):  # written for people (no secrets); others stay in the log
        st.caption(str(exc))


def header(settings, persona, store, personas) -> None:
    left, right = st.columns([4, 2], vertical_alignment="center")
    with left:
        icon = sidebar.text_icon(sidebar.persona_icon(persona))
        st.subheader(escape_markdown(f"{icon + ' ' if icon else ''}{josa(persona.name, '와/과')} 이야기하기"),
                     anchor=False)
    with right:
        safety_ui.help_popover()
    sidebar.phone_persona_picker(store, personas, persona)
    if settings.offline_mode:
        st.badge("오프라인 모드", icon="📴", color="gray",
                 help="언어 모델 없이, 준비된 상담 대화에서 골라 규칙으로 말투를 입혀 답해요.")
    safety_ui.footer_note()


def main() -> None:
    after_stop.install()  # once per process: a stop ends on a freshly drawn page
    _page_config()
    try:
        settings = rt.get_settings()
        store = rt.start_pipeline(settings)  # builds in the background while people sign in
    except Exception as exc:  # noqa: BLE001 — show it in Korean instead of a traceback
        _startup_failed(exc)
        return

    user_id = auth.gate(store, settings)
    if user_id is None:
        safety_ui.footer_note()
        return
    try:
        pipeline = rt.get_pipeline(settings)
        personas = rt.personas_of(pipeline)
    except Exception as exc:  # noqa: BLE001
        _startup_failed(exc)
        return

    # The input comes first in the script (it is pinned to the bottom of the page anyway),
    # and a new message is stored before anything else is drawn. Its on_submit keeps the
    # message in the session before the run starts: a run stopped before this point leaves
    # it to the next run (the redraw after a stop), which stores it with its reply stopped.
    chosen = rt.persona_or_default(personas, st.session_state.get(rt.PERSONA))
    text = st.chat_input(f"{chosen.name}에게 마음을 이야기해 보세요",
                         max_chars=settings.max_message_chars, key=chat.CHAT_INPUT,
                         submit_mode="stop", on_submit=chat.keep_submitted)
    submitted = chat.take_submitted()
    stop_at_once = st.session_state.pop(after_stop.STOP_AT_ONCE, False) or (submitted is not None and text is None)
    pending = chat.accept(pipeline, user_id, chosen, submitted, stop_at_once=stop_at_once) if submitted else None
    rt.show_flash()
    conversations = list(store.list_conversations(user_id))
    conversation_id = st.session_state.get(rt.CONVERSATION)
    current = next((c for c in conversations if c.id == conversation_id), None)
    if current is None and conversation_id is not None:
        # deleted in another tab, or not this user's: start afresh
        st.session_state[rt.CONVERSATION] = conversation_id = None
    flagged = current is not None and store.is_flagged(current.id)

    with st.sidebar:
        st.markdown("### 마음 💗")
        if flagged:
            safety_ui.crisis_sidebar_note()
        sidebar.user_box()
        persona = sidebar.persona_picker(store, personas)
        sidebar.conversation_list(conversations, personas, conversation_id)
        if current is not None:
            sidebar.conversation_tools(store, user_id, current)
        sidebar.my_data(store, user_id)

    header(settings, persona, store, personas)

    turns = []
    if conversation_id is not None:
        turns = list(store.conversation_turns(conversation_id, user_id))
        with st.expander("감정 흐름", icon="📈", expanded=False):
            mood.mood_chart(conversation_id, store.emotion_series(conversation_id, user_id))

    chat.greeting(chat.opening_persona(personas, turns, persona))  # stays at the top
    regen = st.session_state.pop(rt.PENDING_REGEN, None)
    chat.history(pipeline, personas, turns, regen, skip=pending.turn_id if pending else None)
    if flagged:
        safety_ui.crisis_banner()

    chat.unsent_notice(pipeline, user_id, persona)
    if pending is not None:
        chat.send(pending, persona)
