"""The chat app, driven through `streamlit.testing.v1.AppTest` with the real pipeline.

Offline generator, rule style engine, a temporary SQLite file per test module (one
pipeline build) or per test where the test counts every row. Assertions look at the
database through a second `Store` on the same file, not only at the widgets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")

from streamlit.testing.v1 import AppTest  # noqa: E402

from serving.app import APP_SCRIPT  # noqa: E402
from serving.app import runtime as rt  # noqa: E402
from serving.app.text import unescape_markdown  # noqa: E402

TIMEOUT = 90  # seconds per script run: the first run builds the pipeline (Kiwi, retrieval index)

CLEARED = ("MAEUM_PASSWORD", "MAEUM_CONFIG", "MAEUM_MODEL", "MAEUM_ADAPTER", "MAEUM_PERSONA",
           "MAEUM_GENERATOR", "MAEUM_CHATBOTDATA", "MAEUM_CHATBOTDATA_PATH", "MAEUM_PERSONAS_DIR")


def _use_database(monkeypatch, path: Path) -> str:
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("MAEUM_DATABASE_URL", url)
    monkeypatch.setenv("MAEUM_GENERATOR", "offline")
    return url


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    """One database (so one pipeline build) for the tests that tell users apart by nickname."""
    mp = pytest.MonkeyPatch()
    url = _use_database(mp, tmp_path_factory.mktemp("app") / "shared.db")
    yield url
    mp.undo()


@pytest.fixture
def shared_env(shared_db, monkeypatch):
    _use_database(monkeypatch, Path(shared_db.removeprefix("sqlite:///")))
    return shared_db


@pytest.fixture
def own_db(tmp_path, monkeypatch):
    return _use_database(monkeypatch, tmp_path / "own.db")


def store_for(url: str):
    from serving.store import Store

    return Store(url)


def personas():
    from serving.personas import load_personas

    return load_personas()


# --- helpers -----------------------------------------------------------------------------
def new_app() -> AppTest:
    return AppTest.from_file(str(APP_SCRIPT), default_timeout=TIMEOUT)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


SECRET = "밤하늘 별빛"


def login(at: AppTest, nickname: str, secret: str = SECRET) -> AppTest:
    """Sign up with `nickname`, or sign in when the account exists (another device)."""
    ok(at.run())
    at.text_input(key="maeum_new_nickname_input").input(nickname)
    at.text_input(key="maeum_new_secret_input").input(secret)
    at.text_input(key="maeum_new_secret_again").input(secret)
    ok(button(at, "시작하기").click().run())
    if rt.NICKNAME not in at.session_state:
        at.text_input(key="maeum_nickname_input").input(nickname)
        at.text_input(key="maeum_secret_input").input(secret)
        ok(button(at, "들어가기").click().run())
    assert at.session_state[rt.NICKNAME] == nickname
    return at


def send(at: AppTest, text: str) -> AppTest:
    at.chat_input(key="maeum_chat_input").set_value(text)
    return ok(at.run())


def messages(at: AppTest) -> list[tuple[str, str]]:
    """(role, text) of every chat message on the page, in order."""
    out = []
    for message in at.chat_message:
        texts = [t.value for t in message.text]
        if not texts:
            texts = [unescape_markdown(m.value) for m in message.markdown if "-badge[" not in m.value]
        out.append((message.name, texts[0] if texts else ""))
    return out


def badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def user_id(url: str, nickname: str) -> int:
    return store_for(url).get_or_create_user(nickname)


def only_conversation(url: str, nickname: str):
    store = store_for(url)
    uid = store.get_or_create_user(nickname)
    conversations = store.list_conversations(uid)
    assert len(conversations) == 1, conversations
    return store, uid, conversations[0]


# --- tests -------------------------------------------------------------------------------
def test_full_conversation_flow(own_db):
    """Persona, messages, styled reply, switch persona, regenerate, feedback, rename, delete."""
    registry = personas()
    default, other = registry.default, next(p for p in registry.all() if p.id != registry.default.id)

    at = login(new_app(), "새벽별")
    # the persona picker lists exactly the persona files, the default chosen
    picker = at.selectbox(key=rt.PERSONA)
    assert list(picker.options) == [p.id for p in registry.all()] or \
        len(picker.options) == len(registry.all())
    assert picker.value == default.id
    # offline mode is said, the greeting of the persona opens the conversation
    assert any("오프라인 모드" in b for b in badges(at))
    assert messages(at) == [("assistant", default.greeting)]
    assert at.chat_message[0].avatar == default.avatar

    # first message: user text, emotion badge, a styled reply
    first = "요즘 회사 일이 너무 많아서 잠을 잘 못 자요. 많이 지쳤어요."
    send(at, first)
    shown = messages(at)
    assert shown[0] == ("assistant", default.greeting)  # the greeting stays at the top
    shown = shown[1:]
    assert shown[0] == ("user", first)
    assert shown[1][0] == "assistant" and shown[1][1]
    assert len(badges(at)) >= 2  # offline + the message's emotion
    store, uid, conv = only_conversation(own_db, "새벽별")
    assert conv.persona_id == default.id
    turns = store.conversation_turns(conv.id, uid)
    assert [t.user_text for t in turns] == [first]
    assert turns[0].emotion_label
    (reply,) = turns[0].replies
    assert reply.persona_id == default.id
    assert shown[1][1] == reply.styled
    assert store.emotion_series(conv.id, uid)[0].turn_id == turns[0].id

    # switch persona: the next reply comes from the other persona
    ok(at.selectbox(key=rt.PERSONA).select(other.id).run())
    second = "친구들한테도 이런 얘기를 못 하겠어요."
    send(at, second)
    turns = store.conversation_turns(conv.id, uid)
    assert [t.user_text for t in turns] == [first, second]
    assert turns[1].replies[-1].persona_id == other.id
    assert turns[0].replies[-1].persona_id == default.id  # earlier replies keep their voice
    assert at.chat_message[-1].avatar == other.avatar

    # regenerate the last reply: both versions stored, the new one shown
    before = turns[1].replies[-1]
    ok(button(at, "다시 답변").click().run())
    turns = store.conversation_turns(conv.id, uid)
    versions = turns[1].replies
    assert len(versions) == 2 and versions[0].id == before.id and versions[0].styled == before.styled
    assert versions[1].persona_id == other.id
    assert messages(at)[-1] == ("assistant", versions[1].styled)
    assert any(e.label.startswith("이전 답변 1개") for e in at.expander)

    # thumbs up, then down, on the shown version
    shown_reply = versions[-1]
    ok(at.feedback(key=f"fb_{shown_reply.id}").set_value(1).run())
    assert store.conversation_turns(conv.id, uid)[1].replies[-1].rating == 1
    ok(at.feedback(key=f"fb_{shown_reply.id}").set_value(0).run())
    assert store.conversation_turns(conv.id, uid)[1].replies[-1].rating == -1
    assert store.counts()["feedback"] == 1

    # rename
    at.text_input(key=f"maeum_rename_input_{conv.id}").input("잠 못 드는 밤")
    ok(button(at, "이름 바꾸기").click().run())
    assert store.list_conversations(uid)[0].title == "잠 못 드는 밤"

    # delete asks first, then removes every row of the conversation
    counts = store.counts()
    assert counts["turns"] == 2 and counts["replies"] == 3 and counts["emotion_log"] == 2
    ok(button(at, "대화 삭제").click().run())
    assert store.list_conversations(uid)  # not yet: a confirmation is shown
    ok(button(at, "삭제").click().run())
    assert store.list_conversations(uid) == []
    counts = store.counts()
    assert {k: counts[k] for k in ("conversations", "turns", "replies", "feedback", "emotion_log")} == \
        {"conversations": 0, "turns": 0, "replies": 0, "feedback": 0, "emotion_log": 0}
    assert counts["users"] == 1
    assert at.session_state[rt.CONVERSATION] is None
    assert messages(at) == [("assistant", other.greeting)]


def test_resume_an_older_conversation(shared_env):
    registry = personas()
    other = next(p for p in registry.all() if p.id != registry.default.id)
    at = login(new_app(), "이어보기")
    send(at, "어제 시험을 망쳐서 속상해요.")
    first_id = at.session_state[rt.CONVERSATION]
    ok(button(at, "＋ 새 대화").click().run())
    assert messages(at)[0][0] == "assistant" and len(messages(at)) == 1
    ok(at.selectbox(key=rt.PERSONA).select(other.id).run())
    send(at, "오늘은 좀 괜찮아졌어요.")
    second_id = at.session_state[rt.CONVERSATION]
    assert second_id != first_id

    ok(at.button(key=f"maeum_conv_{first_id}").click().run())
    assert at.session_state[rt.CONVERSATION] == first_id
    assert [m for m in messages(at) if m[0] == "user"] == [("user", "어제 시험을 망쳐서 속상해요.")]
    assert at.selectbox(key=rt.PERSONA).value == registry.default.id  # the conversation's persona

    # switching the persona of the resumed conversation: "다시 답변" answers in the new voice
    ok(at.selectbox(key=rt.PERSONA).select(other.id).run())
    ok(button(at, "다시 답변").click().run())
    store, uid = store_for(shared_env), user_id(shared_env, "이어보기")
    (turn,) = store.conversation_turns(first_id, uid)
    assert [r.persona_id for r in turn.replies] == [registry.default.id, other.id]
    assert at.chat_message[-1].avatar == other.avatar


def test_each_user_sees_only_their_own_conversations(shared_env):
    alice = login(new_app(), "하늘")
    send(alice, "하늘의 비밀 이야기예요.")
    alice_conv = alice.session_state[rt.CONVERSATION]

    bob = login(new_app(), "바다")
    assert not [b for b in bob.button if b.key == f"maeum_conv_{alice_conv}"]
    assert "하늘의 비밀 이야기예요." not in [t for _, t in messages(bob)]
    store = store_for(shared_env)
    assert store.list_conversations(user_id(shared_env, "바다")) == []
    # even a session that somehow holds another user's conversation id shows nothing of it
    bob.session_state[rt.CONVERSATION] = alice_conv
    ok(bob.run())
    assert "하늘의 비밀 이야기예요." not in [t for _, t in messages(bob)]

    # the same nickname again (another device) sees the conversation
    again = login(new_app(), "하늘")
    assert [b for b in again.button if b.key == f"maeum_conv_{alice_conv}"]


def test_password_gate(shared_env, monkeypatch):
    monkeypatch.setenv("MAEUM_PASSWORD", "열려라 참깨")
    at = ok(new_app().run())
    assert not at.chat_input and not at.text_input(key="maeum_password_input").value
    assert not [t for t in at.text_input if t.key == "maeum_nickname_input"]
    at.text_input(key="maeum_password_input").input("틀린 비밀번호")
    ok(button(at, "들어가기").click().run())
    assert at.error and "비밀번호" in at.error[0].value
    assert not [t for t in at.text_input if t.key == "maeum_nickname_input"]
    at.text_input(key="maeum_password_input").input("열려라 참깨")
    ok(button(at, "들어가기").click().run())
    login(at, "문지기")
    assert at.chat_input


def test_markup_in_messages_is_shown_as_text(shared_env):
    at = login(new_app(), "마크다운")
    text = "**굵게** <b>태그</b> [링크](http://example.com) ~~취소~~ $x^2$ :red[빨강]"
    send(at, text)
    user_blocks = [m for m in at.chat_message if m.name == "user"]
    assert [t.value for t in user_blocks[0].text] == [text]  # st.text: no Markdown, no HTML
    assert not [m for m in user_blocks[0].markdown if "-badge[" not in m.value]
    # replies are escaped Markdown: every ASCII punctuation mark is backslash-escaped
    reply_markdown = [m.value for m in at.chat_message[-1].markdown]
    assert reply_markdown and all("<" not in v.replace("\\<", "") for v in reply_markdown)


def test_crisis_keeps_the_help_banner(shared_env):
    from serving.safety import HELP_BANNER, HOTLINES

    at = login(new_app(), "위기")
    send(at, "더 이상 살고 싶지 않아요. 오늘 밤에 죽으려고 약을 모아 뒀어요.")
    conversation = at.session_state[rt.CONVERSATION]
    assert store_for(shared_env).is_flagged(conversation)

    def banner_shown(app):
        return any(str(HELP_BANNER).strip()[:20] in e.value for e in app.error)

    assert banner_shown(at)
    numbers = "".join(m.value for m in at.markdown)
    first_number = HOTLINES[0]["number"] if isinstance(HOTLINES[0], dict) else HOTLINES[0].number
    assert first_number.replace("-", "\\-") in numbers or first_number in numbers
    send(at, "고마워요. 조금 진정됐어요.")
    assert banner_shown(at)  # stays for the rest of the conversation
    # and when the conversation is reopened in a new session
    again = login(new_app(), "위기")
    ok(again.button(key=f"maeum_conv_{conversation}").click().run())
    assert banner_shown(again)


def test_help_is_always_one_click_away(shared_env):
    from serving.safety import HOTLINES

    at = login(new_app(), "도움")
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "대신할 수 없어요" in text
    for line in HOTLINES:
        number = line["number"] if isinstance(line, dict) else line.number
        assert number in text or number.replace("-", "\\-") in text


def test_failed_generation_shows_error_and_retry(shared_env, monkeypatch):
    """A generator that fails once: the Korean error and 다시 시도, which then works."""
    from serving.generators.base import GenerationError
    from serving.pipeline import ChatPipeline

    real = rt.get_pipeline(rt.load_settings())

    class FailsOnce:
        name = "flaky"
        context_window = None

        def __init__(self, inner):
            self.inner, self.failed = inner, False

        def stream(self, request):
            if not self.failed:
                self.failed = True
                raise GenerationError("test failure", "모델 서버에 연결하지 못했어요. 다시 시도해 주세요.")
            yield from self.inner.stream(request)

        def count_tokens(self, text):
            return self.inner.count_tokens(text)

        def close(self):
            pass

    flaky = ChatPipeline(real.settings if hasattr(real, "settings") else rt.load_settings(),
                         store=real.store, personas=real.personas, generator=FailsOnce(real.generator))
    monkeypatch.setattr(rt, "get_pipeline", lambda settings=None: flaky)

    at = login(new_app(), "재시도")
    send(at, "요즘 마음이 복잡해요.")
    assert any("연결하지 못했어요" in e.value for e in at.error)
    store, uid, conv = only_conversation(shared_env, "재시도")
    (turn,) = store.conversation_turns(conv.id, uid)
    assert turn.error and not turn.replies
    ok(button(at, "다시 시도").click().run())
    (turn,) = store.conversation_turns(conv.id, uid)
    assert turn.replies and not turn.error
    assert messages(at)[-1] == ("assistant", turn.replies[-1].styled)


def test_blank_message_creates_nothing(shared_env):
    at = login(new_app(), "빈칸")
    send(at, "   \n  ")
    assert at.session_state.get(rt.CONVERSATION) is None
    assert store_for(shared_env).list_conversations(user_id(shared_env, "빈칸")) == []


def test_the_server_builds_the_pipeline_before_the_first_page_view(own_db, monkeypatch):
    """What `maeum ui` starts before Streamlit (serve.prebuild) is the very pipeline the first
    page view uses: built once, not again by the script."""
    from serving.app import serve

    builds = []
    real = rt._build_pipeline
    monkeypatch.setattr(rt, "_build_pipeline", lambda settings, store: builds.append(1) or real(settings, store))
    serve.prebuild()
    settings = rt.load_settings()
    rt._pipeline_future(rt._settings_key(settings), settings).result(timeout=TIMEOUT)
    assert builds == [1]
    at = login(new_app(), "미리온손님")
    assert at.chat_input and builds == [1]
