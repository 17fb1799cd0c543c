"""The sidebar: who is here, which persona answers, the conversation list and its tools."""

from __future__ import annotations

import streamlit as st

from serving.app import auth
from serving.app import runtime as rt
from serving.app.text import escape_markdown, josa, shorten


def open_conversation(conversation_id: int, persona_id: str | None) -> None:
    st.session_state[rt.CONVERSATION] = conversation_id
    st.session_state[rt.CONFIRM_DELETE] = False
    st.session_state.pop(rt.PENDING_REGEN, None)
    if persona_id:
        st.session_state[rt.PERSONA] = persona_id


def new_conversation() -> None:
    st.session_state[rt.CONVERSATION] = None
    st.session_state[rt.CONFIRM_DELETE] = False
    st.session_state.pop(rt.PENDING_REGEN, None)


def _persona_changed(store, personas) -> None:
    persona = rt.persona_or_default(personas, st.session_state.get(rt.PERSONA))
    conversation_id = st.session_state.get(rt.CONVERSATION)
    if conversation_id is not None:
        # The open conversation switches now, so "다시 답변" also answers in the new voice
        # (run_turn would switch it with the next message anyway).
        store.set_persona(conversation_id, persona.id)
        rt.flash(escape_markdown(f"이제부터 {josa(persona.name, '가/이')} 대답해요."), icon=persona_icon(persona))


def persona_icon(persona) -> str | None:
    """An emoji avatar for icons (toasts, badges); None when the avatar is an image."""
    avatar = getattr(persona, "avatar", None) or ""
    if avatar and len(avatar) <= 8 and "/" not in avatar and "." not in avatar:
        return avatar
    return None


EMOJI_PRESENTATION = "\ufe0f"


def text_icon(icon: str | None) -> str | None:
    """`icon` for use inside text: a lone emoji gets the emoji-presentation selector, because the
    page font (Source Sans) has its own tiny monochrome glyphs for some emoji (🤖) and would
    otherwise win over the colour emoji font."""
    if icon and len(icon) == 1 and ord(icon) > 0x2000:
        return icon + EMOJI_PRESENTATION
    return icon


def persona_label(persona) -> str:
    icon = text_icon(persona_icon(persona))
    name = " ".join(str(persona.name).split())  # one line in the picker, whatever the file says
    return f"{icon} {name}" if icon else name


def persona_picker(store, personas) -> object:
    """Selectbox of every persona in the persona files, with the chosen one described."""
    all_personas = list(personas.all())
    ids = [p.id for p in all_personas]
    by_id = {p.id: p for p in all_personas}
    if st.session_state.get(rt.PERSONA) not in by_id:
        st.session_state[rt.PERSONA] = personas.default.id
    st.selectbox(
        "대화 상대",
        ids,
        key=rt.PERSONA,
        format_func=lambda pid: persona_label(by_id[pid]),
        on_change=_persona_changed,
        args=(store, personas),
        help="대화 도중에 바꾸면 다음 답변부터 새 상대의 말투로 대답해요.",
    )
    persona = by_id[st.session_state[rt.PERSONA]]
    with st.container(border=True):
        # designers' and card authors' text: shown literally (no links, images or markup)
        if persona.description:
            st.caption(escape_markdown(persona.description))
        tags = [t for t in (getattr(persona, "tags", None) or []) if t]
        if tags:
            st.caption(escape_markdown(" ".join(f"#{t}" for t in tags)))
    return persona


def _pick(store, personas, persona_id: str) -> None:
    st.session_state[rt.PERSONA] = persona_id
    _persona_changed(store, personas)


def phone_persona_picker(store, personas, current) -> None:
    """The persona picker again, in the header: shown only on narrow screens (page.css),
    where the sidebar starts closed behind its toggle."""
    with st.container(key="maeum_phone_persona"):
        with st.popover(f"대화 상대: {persona_label(current)}", icon="🔁", width="stretch",
                        help="누구와 이야기할지 골라요"):
            for persona in personas.all():
                st.button(persona_label(persona), key=f"maeum_phone_pick_{persona.id}", width="stretch",
                          type="primary" if persona.id == current.id else "tertiary",
                          on_click=_pick, args=(store, personas, persona.id))


def _rename(store, user_id: int, conversation_id: int) -> None:
    title = " ".join((st.session_state.get(f"maeum_rename_input_{conversation_id}") or "").split())[:80]
    if not title:
        rt.flash("새 이름을 입력해 주세요.", icon="✏️")
        return
    store.rename_conversation(conversation_id, user_id, title)
    rt.flash("대화 이름을 바꿨어요.", icon="✏️")


def _ask_delete() -> None:
    st.session_state[rt.CONFIRM_DELETE] = True


def _cancel_delete() -> None:
    st.session_state[rt.CONFIRM_DELETE] = False


def _delete(store, user_id: int, conversation_id: int) -> None:
    store.delete_conversation(conversation_id, user_id)
    new_conversation()
    rt.flash("대화를 삭제했어요.", icon="🗑️")


def conversation_list(conversations: list, personas, current: int | None) -> None:
    """`conversations` are this user's (store.list_conversations(user_id)), newest first."""
    st.button("＋ 새 대화", key="maeum_new_conversation", on_click=new_conversation,
              type="primary" if current is None else "secondary", width="stretch")
    if not conversations:
        st.caption("아직 대화가 없어요. 아래 입력창에 첫 마음을 적어 보세요.")
        return
    st.markdown("**지난 대화**")
    for conv in conversations:
        persona = rt.persona_or_default(personas, getattr(conv, "persona_id", None))
        icon = text_icon(persona_icon(persona)) or "💬"
        title = escape_markdown(shorten(getattr(conv, "title", None) or "새 대화", 22))
        st.button(
            f"{icon} {title}",
            key=f"maeum_conv_{conv.id}",
            on_click=open_conversation,
            args=(conv.id, getattr(conv, "persona_id", None)),
            type="primary" if conv.id == current else "tertiary",
            width="stretch",
            help=_when(getattr(conv, "updated_at", None)),
        )


def conversation_tools(store, user_id: int, conversation) -> None:
    """Rename and delete for the open conversation."""
    with st.expander("대화 관리", icon="⚙️"):
        st.text_input("대화 이름", value=getattr(conversation, "title", "") or "",
                      key=f"maeum_rename_input_{conversation.id}", max_chars=80)
        st.button("이름 바꾸기", key="maeum_rename", on_click=_rename,
                  args=(store, user_id, conversation.id))
        if not st.session_state.get(rt.CONFIRM_DELETE):
            st.button("대화 삭제", key="maeum_delete", icon="🗑️", on_click=_ask_delete)
        else:
            st.warning("이 대화의 모든 메시지가 지워지고 되돌릴 수 없어요. 삭제할까요?")
            left, right = st.columns(2)
            left.button("삭제", key="maeum_delete_confirm", type="primary", on_click=_delete,
                        args=(store, user_id, conversation.id))
            right.button("취소", key="maeum_delete_cancel", on_click=_cancel_delete)


def _when(value) -> str | None:
    if value is None:
        return None
    try:
        return f"마지막 대화: {value:%Y-%m-%d %H:%M}"
    except (TypeError, ValueError):
        return f"마지막 대화: {value}"


def user_box() -> None:
    nickname = st.session_state.get(rt.NICKNAME, "")
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(f"**{_plain(nickname)}** 님")
    right.button("나가기", key="maeum_logout", on_click=auth.logout, type="tertiary")


def _delete_account(store, user_id: int) -> None:
    auth.accounts_of(store).delete_account(user_id)
    auth.logout()
    rt.flash("계정과 모든 대화를 지웠어요.", icon="🗑️")


def my_data(store, user_id: int) -> None:
    """Export or delete everything stored about this account."""
    import json

    with st.expander("내 데이터", icon="🔒"):
        st.caption("저장된 대화, 감정 기록, 평가를 내려받거나 모두 지울 수 있어요.")
        data = json.dumps(auth.accounts_of(store).export_account(user_id), ensure_ascii=False, indent=2)
        st.download_button("내 데이터 내려받기 (JSON)", data, file_name="maeum-my-data.json",
                           mime="application/json", key="maeum_export_mine", icon="⬇️")
        if not st.session_state.get("maeum_confirm_account_delete"):
            st.button("계정 삭제", key="maeum_account_delete", icon="🗑️",
                      on_click=lambda: st.session_state.update(maeum_confirm_account_delete=True))
        else:
            st.warning("계정과 모든 대화가 지워지고 되돌릴 수 없어요. 삭제할까요?")
            left, right = st.columns(2)
            left.button("모두 삭제", key="maeum_account_delete_confirm", type="primary",
                        on_click=_delete_account, args=(store, user_id))
            right.button("취소", key="maeum_account_delete_cancel",
                         on_click=lambda: st.session_state.update(maeum_confirm_account_delete=False))


def _plain(text: str) -> str:
    return escape_markdown(text)
