"""Serving commands: `maeum ui`, `maeum chat`, `maeum data fetch|export-preferences|chat-template`."""

from __future__ import annotations

import argparse
import sys

CHATBOTDATA_URL = "https://raw.githubusercontent.com/songys/Chatbot_data/master/ChatbotData.csv"


def _serving_flags(parser: argparse.ArgumentParser) -> None:
    """Flags shared by `ui` and `chat`; each overrides the config file and MAEUM_* variables."""
    parser.add_argument("--config", help="serving settings YAML (default: $MAEUM_CONFIG)")
    parser.add_argument("--generator", choices=("offline", "transformers", "openai"),
                        help="where replies come from (default: offline retrieval)")
    parser.add_argument("--model", help="transformers: base model id or path")
    parser.add_argument("--adapter", help="transformers: LoRA adapter folder (SFT or DPO output)")
    parser.add_argument("--database", help="SQLAlchemy URL or SQLite file path (default: MAEUM_DATABASE_URL or "
                                           "~/.local/share/maeum/maeum.db)")
    parser.add_argument("--chatbotdata",
                        help="offline: ChatbotData.csv or its folder, e.g. ../shared/data/chatbot_data/")
    parser.add_argument("--personas-dir", dest="personas_dir", help="persona YAML folder (default: bundled)")


def register(groups) -> None:
    # --- `maeum ui`: the Streamlit app -------------------------------------------------------
    ui = groups.command("ui", "run the chat app in the browser (Streamlit)", _ui)
    ui.add_argument("--port", type=int, help="port to listen on (default 8501)")
    ui.add_argument("--address", help="address to listen on (default 127.0.0.1; 0.0.0.0 for everyone)")
    _serving_flags(ui)
    # >>> UI-specific flags belong to serving/app (the UI engineer's room): it may define
    # >>> `add_arguments(parser)`; launch(args) receives everything parsed here.
    try:
        from serving import app as _app

        if hasattr(_app, "add_arguments"):
            _app.add_arguments(ui)
    except ImportError:
        pass

    # --- `maeum chat`: the same pipeline in a terminal --------------------------------------------
    chat = groups.command("chat", "chat in the terminal through the serving pipeline (no browser)", _chat)
    _serving_flags(chat)
    chat.add_argument("--persona", help="persona id (default: the settings' default persona)")
    chat.add_argument("--user", default="terminal", help="user name the conversation is stored under")

    # --- data ------------------------------------------------------------------------------------
    fetch = groups.command("fetch", "download a public dataset the app can use (needs internet)", _fetch,
                           group="data")
    fetch.add_argument("dataset", choices=("chatbotdata",), help="chatbotdata: ChatbotData.csv (11.8k Q/A, MIT)")
    fetch.add_argument("--out", help="folder to save into (default: ~/.local/share/maeum/chatbot_data, "
                                     "which the offline generator finds by itself)")
    fetch.add_argument("--url", default=CHATBOTDATA_URL, help="download address")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds before giving up")

    export = groups.command("export-preferences", "turn stored 👍/👎 and regenerations into DPO pairs (JSONL)",
                            _export_preferences, group="data")
    export.add_argument("--out", required=True, help="JSONL file to write")
    export.add_argument("--database", help="SQLAlchemy URL or SQLite file (default: the serving settings')")
    export.add_argument("--config", help="serving settings YAML (for the database URL)")
    export.add_argument("--text", choices=("raw", "styled"), default="raw",
                        help="raw: what the model wrote (for DPO, default); styled: what the user saw")
    export.add_argument("--max-history-turns", type=int, default=8,
                        help="earlier turns kept in each prompt (default 8)")
    export.add_argument("--drop-identifiers", action="store_true",
                        help="no turn/reply ids in the rows (they could link a pair back to a conversation)")

    template = groups.command("chat-template", "print a chat format's Jinja template (for vllm --chat-template)",
                              _chat_template, group="data")
    template.add_argument("--format", default="eeve", help="eeve | kullm3 | gemma")
    template.add_argument("--out", help="file to write (default: stdout)")


def _settings(args: argparse.Namespace):
    from serving.config import ServingSettings
    from serving.store import database_url_from_path

    return ServingSettings.load(
        getattr(args, "config", None),
        generator=getattr(args, "generator", None),
        model_name_or_path=getattr(args, "model", None),
        adapter_path=getattr(args, "adapter", None),
        database_url=database_url_from_path(args.database) if getattr(args, "database", None) else None,
        chatbotdata_path=getattr(args, "chatbotdata", None),
        personas_dir=getattr(args, "personas_dir", None),
    )


def _ui(args: argparse.Namespace) -> int:
    from serving.store import database_url_from_path

    _settings(args)  # fail here, clearly, on bad settings rather than inside the browser
    if args.database:
        args.database = database_url_from_path(args.database)
    # >>> the app itself is serving/app (UI engineer): launch(args) -> exit status
    from serving.app import launch

    return int(launch(args) or 0)


def _chat(args: argparse.Namespace) -> int:
    import logging

    from serving.pipeline import ChatPipeline

    if not getattr(args, "verbose", False):
        logging.getLogger().setLevel(logging.WARNING)  # log lines would land inside the conversation
    settings = _settings(args)
    print(f"maeum chat — {settings.describe()}; an empty line or Ctrl-D ends", file=sys.stderr)
    pipeline = ChatPipeline(settings)
    try:
        user_id = pipeline.store.get_or_create_user(args.user)
        persona = pipeline.personas.get(args.persona or settings.default_persona)
        conversation_id = pipeline.start_conversation(user_id, persona.id)
        greeting = getattr(persona, "greeting", None)
        if greeting:
            print(f"{persona.name}: {greeting}")
        while True:
            try:
                text = input("나: ")
            except EOFError:
                break
            if not text.strip():
                break
            print(f"{persona.name}: ", end="", flush=True)
            for event in pipeline.run_turn(conversation_id, text):
                if event.kind == "accepted" and event.notice:
                    print(f"({event.notice})", end=" ", flush=True)
                elif event.kind == "sentence":
                    print(event.text, end=" ", flush=True)
                elif event.kind == "error":
                    print(f"[{event.message}]", end="", flush=True)
            print()
    finally:
        pipeline.close()
    return 0


def _fetch(args: argparse.Namespace) -> int:
    import os
    import tempfile
    import urllib.error
    import urllib.request
    from pathlib import Path

    from maeum.errors import MaeumError
    from serving.generators.offline import CHATBOTDATA_FILE, fetched_chatbotdata_dir

    out_dir = Path(args.out).expanduser() if args.out else fetched_chatbotdata_dir()
    target = out_dir / CHATBOTDATA_FILE
    how = ("Without internet, use a copy you already have instead: pass its folder or file with "
           "`--chatbotdata PATH` (maeum ui / maeum chat) or set MAEUM_CHATBOTDATA_PATH=PATH, "
           "e.g. --chatbotdata ../shared/data/chatbot_data/")
    print(f"downloading ChatbotData (MIT licence, Youngsook Song 2018) from {args.url} ...", file=sys.stderr)
    try:
        with urllib.request.urlopen(args.url, timeout=args.timeout) as response:
            data = response.read()
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise MaeumError(f"could not download ChatbotData from {args.url}: {reason}.\n{how}") from None
    text = data.decode("utf-8-sig", errors="replace")
    header = text.splitlines()[0] if text else ""
    if [c.strip() for c in header.split(",")][:2] != ["Q", "A"]:
        raise MaeumError(f"{args.url} did not return ChatbotData (first line {header[:80]!r}); {how}")
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)
    rows = max(0, text.count("\n") - 1)
    print(f"saved {target} ({rows:,} rows). The offline generator uses it from now on; elsewhere pass "
          f"--chatbotdata {out_dir}")
    return 0


def _export_preferences(args: argparse.Namespace) -> int:
    from serving.store import Store, database_url_from_path
    from serving.store.preferences import export_preferences

    if args.database:
        url = database_url_from_path(args.database)
    else:
        url = _settings(args).database_url
    store = Store(url)
    try:
        report = export_preferences(store, args.out, text=args.text, max_history_turns=args.max_history_turns,
                                    drop_identifiers=args.drop_identifiers)
    finally:
        store.close()
    print(f"{report.summary()} -> {args.out}")
    if report.total == 0:
        print("no pairs yet: they come from 👍/👎 on replies and from regenerated replies rated 👍",
              file=sys.stderr)
    return 0


def _chat_template(args: argparse.Namespace) -> int:
    from maeum.chat_format import chat_template

    template = chat_template(args.format)
    if args.out:
        from pathlib import Path

        Path(args.out).write_text(template, encoding="utf-8")
        print(f"wrote the {args.format} chat template to {args.out}", file=sys.stderr)
    else:
        print(template)
    return 0
