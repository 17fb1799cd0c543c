"""`maeum chat` (the pipeline in a terminal) and the `maeum ui` flags."""

from __future__ import annotations

import os
import subprocess
import sys

from maeum.cli import build_parser


def test_ui_command_takes_the_serving_flags():
    args = build_parser().parse_args(["ui", "--port", "8600", "--generator", "openai", "--model", "m", "--adapter", "a",
                                      "--database", "x.db", "--chatbotdata", "../shared/data/chatbot_data/"])
    assert (args.port, args.generator, args.model, args.adapter, args.database, args.chatbotdata) == \
        (8600, "openai", "m", "a", "x.db", "../shared/data/chatbot_data/")


def test_terminal_chat_runs_the_pipeline(tmp_path):
    env = dict(os.environ, MAEUM_CACHE_DIR=str(tmp_path / "cache"), PYTHONIOENCODING="utf-8")
    db = tmp_path / "chat.db"
    result = subprocess.run([sys.executable, "-m", "maeum", "chat", "--database", str(db), "--persona", "friend"],
                            input="요즘 잠이 안 와요\n\n", capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "나: " in result.stdout and result.stdout.count("\n") >= 2
    # quiet unless -v: no library's log lines inside the conversation (bm25s logs at DEBUG)
    assert not [line for line in result.stderr.splitlines() if line.startswith(("DEBUG", "INFO"))], result.stderr

    from serving.store import Store

    store = Store(f"sqlite:///{db}")
    uid = store.get_or_create_user("terminal")
    [conversation] = store.list_conversations(uid)
    [turn] = store.conversation_turns(conversation.id, uid)
    assert turn.user_text == "요즘 잠이 안 와요" and turn.reply.persona_id == "friend"
    assert turn.reply.styled in result.stdout.replace("\n", " ") or turn.reply.styled.split()[0] in result.stdout
    store.close()
