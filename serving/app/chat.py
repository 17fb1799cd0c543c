"""The conversation: history from the store, the streamed new reply, feedback, regenerate."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

import streamlit as st

from serving.app import runtime as rt
from serving.app.text import clock, emotion_info, escape_markdown, josa

log = logging.getLogger("maeum.app")

CHAT_INPUT = "maeum_chat_input"  # the chat input's widget key
SUBMITTED = "maeum_submitted"  # the message sent, until a run has stored it
STOPPED = "maeum_stopped_text"  # turn id -> what was on screen when the reply stopped
GENERIC_ERROR = "답변을 만드는 중에 문제가 생겼어요. 잠시 후 다시 시도해 주세요."
UNSAVED = "메시지를 저장하지 못해서 보내지 못했어요. 적은 글은 아래에 그대로 있어요. 잠시 후 다시 보내 주세요."
INCOMPLETE = "답변이 길거나 오래 걸려서 중간에 끊겼어요. '다시 답변'으로 새 답변을 받아 보세요."

# st.feedback("thumbs") gives 0 (down) or 1 (up); the store keeps -1 / +1.
_TO_RATING = {0: -1, 1: 1}
_FROM_RATING = {-1: 0, 1: 1}


def avatar_of(persona) -> str | None:
    avatar = getattr(persona, "avatar", None)
    return avatar or None


def emotion_badge(label: str | None, score: float | None = None) -> None:
    if not label:
        return
    name, colour, emoji, _ = emotion_info(label)
    help_text = f"이 메시지에서 느껴진 감정: {name}"
    if isinstance(score, (int, float)):
        help_text += f" (확신도 {score:.0%})"
    st.badge(f"{emoji} {name}", color=colour, help=help_text)


def user_message(text: str, emotion: tuple[str | None, float | None] | None = None,
                 notice: str | None = None, when=None):
    """The user's words as plain text (never Markdown or HTML); returns the badge slot."""
    with st.chat_message("user"):
        st.text(text)
        slot = st.empty()
        if emotion and emotion[0]:
            with slot:
                emotion_badge(*emotion)
        if notice:
            st.caption(notice)
        _time(when)
    return slot


def _time(when) -> None:
    shown = clock(when)
    if shown:
        st.caption(shown)


def _rate(pipeline, reply_id: int) -> None:
    value = st.session_state.get(f"fb_{reply_id}")
    rating = _TO_RATING.get(value, 0)
    pipeline.feedback(reply_id, rating, user_id=st.session_state.get(rt.USER_ID))
    if rating > 0:
        rt.flash("고마워요! 더 좋은 대화를 위해 참고할게요.", icon="💗")
    elif rating < 0:
        rt.flash("알려 줘서 고마워요. '다시 답변'으로 다른 답을 받아 볼 수도 있어요.", icon="🙏")


def _request_regenerate(turn_id: int) -> None:
    st.session_state[rt.PENDING_REGEN] = turn_id


class StreamResult:
    """What a turn's events said besides the sentences (filled while streaming)."""

    def __init__(self) -> None:
        self.accepted = None
        self.turn_id = None
        self.done = None
        self.error = None
        self.ignored = False
        self.failed: str | None = None  # the pipeline raised: a bug, not a generation error
        self.shown = ""  # the text streamed so far (kept when the reply is stopped)


def sentence_chunks(events: Iterable[Any], result: StreamResult, badge_slot=None) -> Iterator[str]:
    """Escaped text chunks for the reply placeholder, one per "sentence" event, as they arrive."""
    first = True
    try:
        for event in events:
            kind = getattr(event, "kind", None)
            if kind == "accepted":
                result.accepted = event
                result.turn_id = getattr(event, "turn_id", None)
                if badge_slot is not None and event.emotion:
                    with badge_slot:
                        emotion_badge(*event.emotion)
            elif kind == "sentence" and event.text:
                result.shown += ("" if first else " ") + event.text
                yield ("" if first else " ") + escape_markdown(event.text)
                first = False
            elif kind == "done":
                result.done = event
            elif kind == "error":
                result.error = event
            elif kind == "ignored":
                result.ignored = True
    except Exception:  # noqa: BLE001 — the user sees a Korean message; the log keeps the trace
        log.exception("the chat pipeline failed")
        result.failed = GENERIC_ERROR


def stream_reply(events: Iterable[Any], persona, badge_slot=None) -> StreamResult:
    """Show a reply sentence by sentence as the pipeline styles it."""
    result = StreamResult()
    stream = sentence_chunks(events, result, badge_slot)
    try:
        with st.chat_message("assistant", avatar=avatar_of(persona)):
            with st.spinner(f"{josa(persona.name, '가/이')} 생각하고 있어요…"):
                # Start the stream inside the spinner so it shows until the first sentence.
                first = next(stream, None)
            if first is not None:
                # One placeholder rewritten per sentence: st.write_stream would import pandas and
                # pyarrow (1.6 s of CPU at start) only to learn that a generator is no dataframe.
                placeholder, text = st.empty(), ""
                for chunk in chain([first], stream):
                    text += chunk
                    placeholder.markdown(text)
            message = result.failed or (result.error.message if result.error else None)
            if message:
                st.error(message, icon="⚠️")
    finally:
        # Stopped half-way (stop button, another click): let the pipeline clean up now.
        # Nothing can be drawn after a stop, so what was streamed is kept for the next run.
        stream.close()
        close = getattr(events, "close", None)
        if callable(close):
            close()
        if result.done is None and result.error is None and result.turn_id is not None and result.shown:
            st.session_state.setdefault(STOPPED, {})[result.turn_id] = result.shown
    return result


def assistant_message(pipeline, personas, turn, *, is_last: bool) -> None:
    replies = list(getattr(turn, "replies", None) or [])
    if not replies:
        # A failed generation (turn.error), or one stopped half-way (the stop button, a
        # closed tab): either way the message has no answer yet, so offer another try.
        stopped = st.session_state.get(STOPPED, {}).get(turn.id)
        with st.chat_message("assistant", avatar="⚠️"):
            if stopped:
                st.markdown(escape_markdown(stopped))
                st.caption("⏹️ 답변을 여기서 멈췄어요.")
            elif getattr(turn, "error", None):
                st.error(turn.error, icon="⚠️")
            else:
                st.caption("답변이 중간에 멈췄어요.")
            st.button("다시 시도", key=f"maeum_retry_{turn.id}", icon="🔁",
                      on_click=_request_regenerate, args=(turn.id,))
        return
    reply = replies[-1]
    persona = rt.persona_or_default(personas, getattr(reply, "persona_id", None))
    with st.chat_message("assistant", avatar=avatar_of(persona)):
        st.markdown(escape_markdown(reply.styled))
        _time(getattr(reply, "created_at", None))
        if getattr(reply, "incomplete", False):
            st.caption(INCOMPLETE)
        if len(replies) > 1:
            with st.expander(f"이전 답변 {len(replies) - 1}개 보기"):
                for number, old in enumerate(replies[:-1], start=1):
                    old_persona = rt.persona_or_default(personas, getattr(old, "persona_id", None))
                    st.caption(f"{number}번째 답변 · {old_persona.name}")
                    st.markdown(escape_markdown(old.styled))
        if getattr(reply, "generator", None) == "crisis":
            return  # the fixed crisis reply: nothing to rate, nothing to regenerate
        left, right = st.columns([1, 1], vertical_alignment="center", width=260)
        with left:
            key = f"fb_{reply.id}"
            rating = getattr(reply, "rating", None)
            st.feedback("thumbs", key=key, default=_FROM_RATING.get(rating),
                        on_change=_rate, args=(pipeline, reply.id))
        with right:
            if is_last:
                st.button("다시 답변", key=f"maeum_regen_{turn.id}", icon="🔄", type="tertiary",
                          on_click=_request_regenerate, args=(turn.id,),
                          help="같은 메시지에 다른 답변을 받아요. 이전 답변도 저장돼요.")


def history(pipeline, personas, turns: list, pending_regen: int | None, skip: int | None = None) -> None:
    turns = [t for t in turns if t.id != skip]  # the message being answered in this run
    for index, turn in enumerate(turns):
        user_message(turn.user_text, (getattr(turn, "emotion_label", None), getattr(turn, "emotion_score", None)),
                     when=getattr(turn, "created_at", None))
        if turn.id == pending_regen:
            persona = rt.persona_or_default(personas, st.session_state.get(rt.PERSONA))
            result = stream_reply(pipeline.regenerate(turn.id), persona)
            if not result.failed:
                st.rerun()
            return
        assistant_message(pipeline, personas, turn, is_last=index == len(turns) - 1)


def opening_persona(personas, turns: list, fallback):
    """Who greeted: the persona of the first reply (a conversation may switch persona later)."""
    for turn in turns[:1]:
        for reply in getattr(turn, "replies", None) or []:
            return rt.persona_or_default(personas, getattr(reply, "persona_id", None))
    return fallback


def greeting(persona) -> None:
    if getattr(persona, "greeting", None):
        with st.chat_message("assistant", avatar=avatar_of(persona)):
            st.markdown(escape_markdown(persona.greeting))


class Pending:
    """A message already stored (its turn row written) whose reply is still to stream."""

    def __init__(self, text: str, events, first) -> None:
        self.text, self.events, self.first = text, events, first

    @property
    def turn_id(self) -> int | None:
        return getattr(self.first, "turn_id", None)

    def all_events(self):
        if self.first is not None:
            yield self.first
        yield from self.events


def keep_submitted() -> None:
    """on_submit of the chat input: runs before the script body, where no stop can interrupt,
    so a run stopped before it reached accept() leaves the message here for the next run."""
    value = st.session_state.get(CHAT_INPUT)
    text = getattr(value, "text", value)
    if isinstance(text, str):
        st.session_state[SUBMITTED] = text


def take_submitted() -> str | None:
    return st.session_state.pop(SUBMITTED, None)


def accept(pipeline, user_id: int, persona, text: str, *, stop_at_once: bool = False) -> Pending | None:
    """Store the message now, before anything is drawn: a stop clicked while the page is
    still drawing can then cut the reply short but never loses what the user wrote.
    `stop_at_once`: the user already pressed stop (the run carrying this message was cut
    before it got here): store the message, and leave its reply stopped (다시 시도)."""
    if not text.strip():
        return None  # nothing to say yet: no empty conversation, no empty turn
    conversation_id = st.session_state.get(rt.CONVERSATION)
    if conversation_id is None:
        try:
            conversation_id = pipeline.start_conversation(user_id, persona.id)
        except Exception:  # noqa: BLE001 — the database did not take it: keep the text to resend
            log.exception("could not start a conversation")
            _keep_unsent(text)
            return
        st.session_state[rt.CONVERSATION] = conversation_id
    events = pipeline.run_turn(conversation_id, text, persona_id=persona.id)
    first = next(events, None)
    if first is not None and first.kind == "error" and first.extra.get("unsaved"):
        _keep_unsent(text)  # the database did not take it: shown with 다시 보내기, nothing lost
        return None
    st.session_state.pop(rt.UNSENT, None)
    if stop_at_once:
        events.close()
        return None
    return Pending(text, events, first)


def send(pending: Pending, persona) -> None:
    """Show the accepted message, stream its reply, rerun."""
    slot = user_message(pending.text)
    result = stream_reply(pending.all_events(), persona, slot)
    close = getattr(pending.events, "close", None)
    if callable(close):
        close()
    if result.ignored:
        rt.flash("빈 메시지는 보내지 않았어요.", icon="✏️")
    if result.accepted is not None and result.accepted.notice:
        rt.flash(result.accepted.notice, icon="✂️")
    if not result.failed:
        st.rerun()




def _keep_unsent(text: str) -> None:
    st.session_state[rt.UNSENT] = text


def _resend() -> None:
    st.session_state[rt.RESEND] = st.session_state.get(rt.UNSENT)


def _discard_unsent() -> None:
    st.session_state.pop(rt.UNSENT, None)


def unsent_notice(pipeline, user_id: int, persona) -> None:
    """The message the database did not take, in plain sight with 다시 보내기 (nothing is lost)."""
    resend = st.session_state.pop(rt.RESEND, None)
    if resend:
        pending = accept(pipeline, user_id, persona, resend)
        if pending is not None:
            send(pending, persona)
        return
    text = st.session_state.get(rt.UNSENT)
    if not text:
        return
    with st.container(border=True, key="maeum_unsent_box"):
        st.warning(UNSAVED, icon="💾")
        st.text(text)
        left, right = st.columns(2)
        left.button("다시 보내기", key="maeum_resend", icon="📨", type="primary", on_click=_resend)
        right.button("지우기", key="maeum_discard_unsent", on_click=_discard_unsent)
