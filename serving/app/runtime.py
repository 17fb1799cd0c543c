"""What the app shares per server process (the pipeline) and keeps per browser session.

One `ChatPipeline` per server process, built by `st.cache_resource` and keyed on the
settings, so a second app in the same process (tests) with another database gets its
own. Conversation state lives in `st.session_state` only: never in module globals,
which every user of the server would share.
"""

from __future__ import annotations

import gc
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
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


WARM_TEXT = "요즘 잠이 잘 안 와서 조금 힘들어요."


def warm_up(pipeline) -> dict[str, float]:
    """Load every lazy part now (Kiwi, safety, emotion, the encoder, the default persona's
    style engine, what Streamlit's streaming imports), so the first message costs what a warm
    one does. Returns seconds per part."""
    seconds: dict[str, float] = {}

    def timed(name: str, step) -> None:
        started = time.perf_counter()
        try:
            step()
        except Exception:  # noqa: BLE001 — a part that cannot warm still works (or fails) on use
            log.warning("warming %s failed", name, exc_info=True)
        seconds[name] = time.perf_counter() - started

    def encoder() -> None:
        from serving.semantic import EncoderUnavailable, embed_one

        try:
            embed_one(WARM_TEXT)
        except EncoderUnavailable:
            pass

    def safety() -> None:
        from serving.safety import assess, check_reply, warm_up as warm_safety

        warm_safety()
        assess(WARM_TEXT)
        check_reply(WARM_TEXT)  # the output check's rules are compiled on first use

    def act() -> None:
        from serving.acts.classifier import warm_up as warm_act

        warm_act()

    def emotion() -> None:
        from serving.emotion import classify

        classify(WARM_TEXT)

    def style() -> None:
        from serving.streaming import sentence_stream

        sentences = list(sentence_stream(iter([WARM_TEXT + " 오늘은 일찍 쉬어 볼게요."])))
        engine = pipeline._engine(pipeline.personas.default)  # noqa: SLF001 — the engine cache
        engine.rewrite(sentences, pipeline.personas.default)

    def generator() -> None:
        if not pipeline.settings.offline_mode:
            return  # a model's first token is not worth a start-up delay
        from serving.generators.base import GenerationRequest

        request = GenerationRequest([{"role": "user", "content": WARM_TEXT}], emotion="sad")
        for _ in pipeline.generator.stream(request):
            pass

    timed("encoder", encoder)
    timed("safety", safety)
    timed("emotion", emotion)
    timed("act", act)
    timed("style", style)
    timed("generator", generator)
    return seconds


def _build_pipeline(settings, store) -> Any:
    from serving.pipeline import ChatPipeline

    started = time.perf_counter()
    pipeline = ChatPipeline(settings, store=store)
    seconds = warm_up(pipeline)
    # Everything built so far lives as long as the process: move it out of the
    # collector's view, so the collections during each rerun walk only the new objects.
    gc.collect()
    gc.freeze()
    log.info("chat pipeline ready in %.1fs (warm-up %s)", time.perf_counter() - started,
             ", ".join(f"{k} {v:.2f}s" for k, v in seconds.items()))
    return pipeline


@st.cache_resource(show_spinner=False)
def _store_for(settings_key: str, _settings) -> Any:
    from serving.store import Store

    return Store(_settings.database_url)


@st.cache_resource(show_spinner=False)
def _pipeline_future(settings_key: str, _settings) -> Future:
    """The pipeline, building in the background from the first page view on: the sign-in
    form is on screen (and typed into) while Kiwi, safety, emotion and the encoder load."""
    store = _store_for(settings_key, _settings)
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="maeum-build").submit(
        _build_pipeline, _settings, store)


def get_settings():
    return load_settings()


def start_pipeline(settings=None) -> Any:
    """Start building the pipeline (once per process) and return the store, which is ready now."""
    settings = settings if settings is not None else load_settings()
    key = _settings_key(settings)
    _pipeline_future(key, settings)
    return _store_for(key, settings)


def get_pipeline(settings=None):
    settings = settings if settings is not None else load_settings()
    future = _pipeline_future(_settings_key(settings), settings)
    if not future.done():
        with st.spinner("마음을 준비하고 있어요… 서버를 켠 뒤 처음 한 번만 걸려요."):
            return future.result()
    return future.result()


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

