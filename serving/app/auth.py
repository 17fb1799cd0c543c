"""The door: an optional shared password (`MAEUM_PASSWORD`), then a nickname.

The password keeps a deployment from being open to everyone; the nickname picks whose
conversations this browser session sees (`store.get_or_create_user`). The nickname is
not a secret: anyone past the password who types the same nickname sees the same
conversations, which is the point for one person on two devices.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

from serving.app import runtime as rt

MAX_NICKNAME = 30


def required_password(settings=None) -> str | None:
    value = getattr(settings, "password", None) if settings is not None else None
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    value = value or os.environ.get("MAEUM_PASSWORD")
    return value or None


def clean_nickname(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_NICKNAME]


def _check_password(expected: str) -> None:
    given = st.session_state.get("maeum_password_input") or ""
    if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        st.session_state[rt.AUTHED] = True
        st.session_state.pop("maeum_password_error", None)
    else:
        st.session_state["maeum_password_error"] = True
    st.session_state["maeum_password_input"] = ""


def _login(store) -> None:
    nickname = clean_nickname(st.session_state.get("maeum_nickname_input"))
    if not nickname:
        st.session_state["maeum_nickname_error"] = True
        return
    st.session_state.pop("maeum_nickname_error", None)
    st.session_state[rt.USER_ID] = int(store.get_or_create_user(nickname))
    st.session_state[rt.NICKNAME] = nickname


def logout() -> None:
    """Forget who this browser session is (and its open conversation), keep nothing."""
    for key in list(st.session_state.keys()):
        if str(key).startswith("maeum_") or str(key).startswith("fb_"):
            del st.session_state[key]


def gate(store, settings=None) -> int | None:
    """Draw the password / nickname forms as needed; the user id once someone is in."""
    password = required_password(settings)
    if password and not st.session_state.get(rt.AUTHED):
        _door_header("들어오려면 비밀번호가 필요해요.")
        with st.form("maeum_password_form", border=True):
            st.text_input("비밀번호", type="password", key="maeum_password_input",
                          placeholder="이 공간의 비밀번호를 입력해 주세요")
            st.form_submit_button("들어가기", type="primary", on_click=_check_password,
                                  args=(password,))
        if st.session_state.get("maeum_password_error"):
            st.error("비밀번호가 맞지 않아요. 다시 입력해 주세요.")
        return None

    if st.session_state.get(rt.USER_ID) is None:
        _door_header("어떤 이름으로 불러 드릴까요?")
        with st.form("maeum_nickname_form", border=True):
            st.text_input("닉네임", key="maeum_nickname_input", max_chars=MAX_NICKNAME,
                          placeholder="예: 새벽별",
                          help="같은 닉네임으로 들어오면 이전 대화를 이어서 볼 수 있어요.")
            st.form_submit_button("시작하기", type="primary", on_click=_login, args=(store,))
        if st.session_state.get("maeum_nickname_error"):
            st.warning("닉네임을 입력해 주세요.")
        return None
    return int(st.session_state[rt.USER_ID])


def _door_header(line: str) -> None:
    st.title("마음 💗")
    st.write("마음 편히 이야기 나눌 수 있는 상담 챗봇이에요. " + line)
