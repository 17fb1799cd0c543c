"""`maeum eval replies INPUT --persona ID --out OUT.jsonl`: conversations through the real pipeline.

INPUT is either
- a text file: each paragraph (lines separated by a blank line) is one conversation, each line
  one user message (`--conversations lines` makes every line a conversation of its own), or
- a JSONL file (`.jsonl`): one dialogue a line, `{"id": ..., "messages": [...]}`, where a message
  is a string or `{"role": "user", "content": ...}` (other roles are skipped: the pipeline writes
  the replies).

Each conversation is new (a fresh conversation in a throw-away SQLite store). OUT gets one JSON
object per user message: persona, conversation (= id), turn, user (= message), reply (what the
user saw), raw_reply (before the persona's voice), act, emotion, safety and, with `--again`, the
reply "다시 답변" gives. Researchers compare generators by running the same INPUT with another
`--generator`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from maeum.errors import ConfigError, DataError


@dataclass(frozen=True)
class Dialogue:
    id: str
    messages: list[str]


def read_dialogues(path: str | Path, conversations: str = "paragraphs") -> list[Dialogue]:
    """The conversations in `path` (see the module docstring); bad input names the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read it as UTF-8 text ({exc})") from None
    if path.suffix == ".jsonl":
        return _jsonl_dialogues(path, text)
    dialogues: list[Dialogue] = []
    current: list[str] = []
    for line in text.splitlines() + [""]:
        message = line.strip()
        if message and conversations == "lines":
            dialogues.append(Dialogue(str(len(dialogues) + 1), [message]))
        elif message:
            current.append(message)
        elif current:
            dialogues.append(Dialogue(str(len(dialogues) + 1), current))
            current = []
    if not dialogues:
        raise DataError(f"{path}: no messages (one user message a line, a blank line between conversations)")
    return dialogues


def _jsonl_dialogues(path: Path, text: str) -> list[Dialogue]:
    dialogues = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise DataError(f"{path}:{number}: not JSON ({exc.args[0]})") from None
        if not isinstance(row, dict) or not isinstance(row.get("messages"), list):
            raise DataError(f"{path}:{number}: expected an object with a `messages` list")
        messages = []
        for i, message in enumerate(row["messages"]):
            if isinstance(message, dict):
                if message.get("role", "user") != "user":
                    continue
                message = message.get("content")
            if not isinstance(message, str):
                raise DataError(f"{path}:{number}: messages[{i}] is neither a string nor a user message object")
            if message.strip():
                messages.append(message.strip())
        if not messages:
            raise DataError(f"{path}:{number}: no user messages")
        dialogues.append(Dialogue(str(row.get("id", len(dialogues) + 1)), messages))
    if not dialogues:
        raise DataError(f"{path}: no dialogues")
    return dialogues


def run_dialogues(pipeline, dialogues: list[Dialogue], persona_id: str, *, again: bool = False):
    """Yield one record per user message, each dialogue in a new conversation."""
    user_id = pipeline.store.get_or_create_user("eval-replies")
    persona = pipeline.personas.get(persona_id)
    for dialogue in dialogues:
        conversation_id = pipeline.start_conversation(user_id, persona.id)
        for turn, message in enumerate(dialogue.messages, start=1):
            record = {"persona": persona.id, "conversation": dialogue.id, "id": dialogue.id, "turn": turn,
                      "user": message, "message": message}
            record.update(_outcome(pipeline.run_turn(conversation_id, message)))
            if again and record.get("turn_id") is not None:
                record["again"] = _outcome(pipeline.regenerate(record["turn_id"])).get("reply")
            yield record


def _outcome(events) -> dict:
    out: dict = {"reply": None, "raw_reply": None, "act": None, "emotion": None, "safety": None}
    for event in events:
        if event.kind == "accepted":
            out["turn_id"] = event.turn_id
            out["emotion"] = event.emotion[0] if event.emotion else None
            out["safety"] = event.safety
            out["act"] = event.extra.get("act") if event.extra else None
        elif event.kind == "done":
            out["reply"], out["raw_reply"] = event.reply, event.raw_reply
        elif event.kind == "error":
            out["error"] = event.message
    return out


def register(groups) -> None:
    from serving.cli import _serving_flags

    parser = groups.command("replies", "run conversations through the real pipeline and write every reply (JSONL)",
                            _main, group="eval")
    parser.add_argument("input", help="text (one message a line, a blank line between conversations) or JSONL "
                                      "dialogues {\"id\", \"messages\"}")
    parser.add_argument("--persona", required=True, help="persona id, e.g. counselor or friend")
    parser.add_argument("--out", required=True, help="JSONL file to write, one object per user message")
    parser.add_argument("--conversations", choices=("paragraphs", "lines"), default="paragraphs",
                        help="text input: a paragraph is a conversation (default) or every line is one")
    parser.add_argument("--again", action="store_true", help="also record the reply '다시 답변' gives")
    _serving_flags(parser)


def _main(args: argparse.Namespace) -> int:
    import logging

    from serving.cli import _settings
    from serving.pipeline import ChatPipeline

    dialogues = read_dialogues(args.input, args.conversations)
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="maeum-eval-") as tmp:
        args.database = args.database or str(Path(tmp) / "eval.db")  # each run starts from an empty store
        pipeline = ChatPipeline(_settings(args))
        count = 0
        try:
            if args.persona not in pipeline.personas:  # fail before any work, not on the default persona
                raise ConfigError(f"--persona {args.persona}: no such persona; one of "
                                  f"{', '.join(pipeline.personas.ids())}")
            out = Path(args.out)
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", encoding="utf-8") as fh:
                for record in run_dialogues(pipeline, dialogues, args.persona, again=args.again):
                    record.pop("turn_id", None)
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
        finally:
            pipeline.close()
    print(f"{len(dialogues)} conversations, {count} replies ({args.persona}, {pipeline.generator.name}) -> {args.out}",
          file=sys.stderr)
    return 0
