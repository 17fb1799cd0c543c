"""The door: an optional shared site password (`MAEUM_PASSWORD`), then an account.

An account is a nickname plus a secret the person chooses (`serving.accounts`), or single
sign-on through `st.login` when `[auth]` is configured in `.streamlit/secrets.toml`. After
sign-in the page URL carries a signed, expiring token (`?s=...`, no nickname, no secret), so
a reload stays signed in; every run checks that the token still names the session's account,
so a replayed session id without it gets the sign-in page.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

from serving.accounts import Accounts
from serving.accounts.names import MAX_NAME
from serving.app import runtime as rt

TOKEN_PARAM = "s"
ACCOUNTS = "maeum_accounts_token"  # the token this session signed in with


def required_password(settings=None) -> str | None:
    value = getattr(settings, "password", None) if settings is not None else None
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    value = value or os.environ.get("MAEUM_PASSWORD")
    return value or None


def accounts_of(store) -> Accounts:
    """One `Accounts` per store (it caches the signing key), shared by every session."""
    accounts = getattr(store, "maeum_accounts", None)
    if accounts is None:
        accounts = store.maeum_accounts = Accounts(store)
    return accounts


def _check_password(expected: str) -> None:
    given = st.session_state.get("maeum_password_input") or ""
    if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        st.session_state[rt.AUTHED] = True
        st.session_state.pop("maeum_password_error", None)
    else:
        st.session_state["maeum_password_error"] = True
    st.session_state["maeum_password_input"] = ""


def _enter(accounts: Accounts, user_id: int, name: str) -> None:
    token = accounts.token_for(user_id)
    st.session_state[rt.USER_ID] = int(user_id)
    st.session_state[rt.NICKNAME] = name
    st.session_state[ACCOUNTS] = token
    st.query_params[TOKEN_PARAM] = token


def _take(key: str) -> str:
    value = st.session_state.get(key) or ""
    st.session_state[key] = ""  # never keep a secret in the session after use
    return value


def _sign_in(accounts: Accounts) -> None:
    result = accounts.sign_in(st.session_state.get("maeum_nickname_input") or "", _take("maeum_secret_input"))
    if result.ok:
        st.session_state.pop("maeum_door_error", None)
        _enter(accounts, result.user_id, result.name)
    else:
        st.session_state["maeum_door_error"] = result.message


def _sign_up(accounts: Accounts) -> None:
    from serving.accounts import AccountError

    nickname = st.session_state.get("maeum_new_nickname_input") or ""
    secret, again = _take("maeum_new_secret_input"), _take("maeum_new_secret_again")
    if secret != again:
        st.session_state["maeum_door_error"] = "두 번 입력한 비밀 문구가 달라요. 다시 입력해 주세요."
        return
    try:
        user_id = accounts.sign_up(nickname, secret)
    except AccountError as exc:
        st.session_state["maeum_door_error"] = str(exc)
        return
    st.session_state.pop("maeum_door_error", None)
    result = accounts.user_from_token(accounts.token_for(user_id))
    _enter(accounts, user_id, result[1] if result else nickname)


def _reset(accounts: Accounts) -> None:
    result = accounts.reset_with_code(st.session_state.get("maeum_reset_nickname") or "",
                                      _take("maeum_reset_code"), _take("maeum_reset_secret"))
    if result.ok:
        st.session_state.pop("maeum_door_error", None)
        _enter(accounts, result.user_id, result.name)
    else:
        st.session_state["maeum_door_error"] = result.message


def logout(store=None) -> None:
    """Forget who this browser session is (and its open conversation); the URL token goes too."""
    for key in list(st.session_state.keys()):
        if str(key).startswith("maeum_") or str(key).startswith("fb_"):
            del st.session_state[key]
    st.query_params.pop(TOKEN_PARAM, None)


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def _bound_user(accounts: Accounts) -> int | None:
    """The session's account, if the request still carries its token; else sign the session out."""
    url_token = st.query_params.get(TOKEN_PARAM)
    session_user = st.session_state.get(rt.USER_ID)
    if session_user is not None:
        if url_token and hmac.compare_digest(url_token, st.session_state.get(ACCOUNTS) or ""):
            found = accounts.user_from_token(url_token)  # also ends sessions signed out everywhere
            if found is not None and found[0] == int(session_user):
                return int(session_user)
        logout()  # a session id replayed without this account's token
        return None
    found = accounts.user_from_token(url_token) if url_token else None
    if found is None:
        if url_token:
            st.query_params.pop(TOKEN_PARAM, None)  # expired or forged: ask again
        return None
    st.session_state[rt.USER_ID], st.session_state[rt.NICKNAME] = found
    st.session_state[ACCOUNTS] = url_token
    return found[0]


def gate(store, settings=None) -> int | None:
    """Draw the password / sign-in forms as needed; the user id once someone is in."""
    password = required_password(settings)
    accounts = accounts_of(store)
    if password and not st.session_state.get(rt.AUTHED):
        if st.query_params.get(TOKEN_PARAM) and accounts.user_from_token(st.query_params.get(TOKEN_PARAM)):
            st.session_state[rt.AUTHED] = True  # a genuine sign-in token implies the password was given
        else:
            _door_header("들어오려면 비밀번호가 필요해요.")
            with st.form("maeum_password_form", border=True):
                st.text_input("비밀번호", type="password", key="maeum_password_input",
                              placeholder="이 공간의 비밀번호를 입력해 주세요")
                st.form_submit_button("들어가기", type="primary", on_click=_check_password, args=(password,))
            if st.session_state.get("maeum_password_error"):
                st.error("비밀번호가 맞지 않아요. 다시 입력해 주세요.")
            return None

    user_id = _bound_user(accounts)
    if user_id is None and _oidc_configured() and getattr(st.user, "is_logged_in", False):
        uid, name = accounts.oidc_user(str(st.user.get("iss", "oidc")), str(st.user.get("sub", "")),
                                       st.user.get("name") or st.user.get("email"))
        _enter(accounts, uid, name)
        user_id = uid
    if user_id is not None:
        return user_id

    _door_header("어떤 이름으로 불러 드릴까요?")
    if _oidc_configured():
        st.button("간편 로그인", icon="🔑", on_click=st.login, type="primary")
    signin, signup = st.tabs(["들어가기", "처음 왔어요"])
    with signin:
        with st.form("maeum_signin_form", border=True):
            st.text_input("닉네임", key="maeum_nickname_input", max_chars=MAX_NAME, placeholder="예: 새벽별")
            st.text_input("비밀 문구", type="password", key="maeum_secret_input",
                          help="처음 올 때 정한 비밀 문구예요. 다른 사람은 이 닉네임으로 대화를 볼 수 없어요.")
            st.form_submit_button("들어가기", type="primary", on_click=_sign_in, args=(accounts,))
        with st.expander("비밀 문구를 잊었어요"):
            st.caption("운영자에게 받은 재설정 코드로 새 비밀 문구를 정할 수 있어요.")
            with st.form("maeum_reset_form", border=False):
                st.text_input("닉네임", key="maeum_reset_nickname", max_chars=MAX_NAME)
                st.text_input("재설정 코드", key="maeum_reset_code")
                st.text_input("새 비밀 문구", type="password", key="maeum_reset_secret")
                st.form_submit_button("새 비밀 문구로 들어가기", on_click=_reset, args=(accounts,))
    with signup:
        with st.form("maeum_signup_form", border=True):
            st.text_input("닉네임", key="maeum_new_nickname_input", max_chars=MAX_NAME, placeholder="예: 새벽별")
            st.text_input("비밀 문구", type="password", key="maeum_new_secret_input",
                          help="4자 이상. 다음에 들어올 때 필요해요.")
            st.text_input("비밀 문구 확인", type="password", key="maeum_new_secret_again")
            st.form_submit_button("시작하기", type="primary", on_click=_sign_up, args=(accounts,))
    if st.session_state.get("maeum_door_error"):
        st.warning(st.session_state["maeum_door_error"])
    return None


def _door_header(line: str) -> None:
    st.title("마음 💗")
    st.write("마음 편히 이야기 나눌 수 있는 상담 챗봇이에요. " + line)
