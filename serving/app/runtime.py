"""What the app shares per server process (the pipeline) and keeps per browser session.

One `ChatPipeline` per server process, built by `st.cache_resource` and keyed on the
settings, so a second app in the same process (tests) with another database gets its
own. Conversation state lives in `st.session_state` only: never in module globals,
which every user of the server would share.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

log = logging.getLogger("maeum.app")

# Keys of st.session_state this app owns.
AUTHED = "maeum_authed"
USER_ID = "maeum_user_id"
NICKNAME = "maeum_nickname"
CONVERSATION = "maeum_conversation_id"
PERSONA = "maeum_persona"          # the persona picker's widget key
PENDING_REGEN = "maeum_pending_regen"
CONFIRM_DELETE = "maeum_confirm_delete"
NOTICE = "maeum_notice"
UNSENT = "maeum_unsent"            # a message the database did not take: kept to resend
RESEND = "maeum_resend"


def load_settings():
    """ServingSettings from $MAEUM_CONFIG and the MAEUM_* environment (read on every run)."""
    from serving.config import ServingSettings

    return ServingSettings.load()


def _settings_key(settings) -> str:
    return settings.model_dump_json()


@st.cache_resource(show_spinner="마음을 준비하고 있어요…")
def _pipeline_for(settings_key: str, _settings) -> Any:
    from serving.pipeline import ChatPipeline

    log.info("building the chat pipeline")
    return ChatPipeline(_settings)


def get_settings():
    return load_settings()


def get_pipeline(settings=None):
    settings = settings if settings is not None else load_settings()
    return _pipeline_for(_settings_key(settings), settings)


def personas_of(pipeline):
    personas = getattr(pipeline, "personas", None)
    if personas is None:
        from serving.personas import load_personas

        personas = load_personas()
    return personas


def persona_or_default(personas, persona_id: str | None):
    if persona_id:
        try:
            found = personas.get(persona_id)
        except (KeyError, LookupError, ValueError):
            found = None
        if found is not None:
            return found
    return personas.default


def flash(message: str, icon: str = "💬") -> None:
    """A short notice shown once at the top of the next run (toasts vanish in reruns)."""
    st.session_state[NOTICE] = (message, icon)


def show_flash() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.toast(notice[0], icon=notice[1])
