"""Turn one raw record of each supported layout into the canonical shape.

Canonical SFT row:  {"messages": [{"role": ..., "content": ...}, ...]}
Canonical DPO row:  {"prompt": [... ending with a user message],
                     "chosen": [{"role": "assistant", ...}], "rejected": [{"role": "assistant", ...}]}

A converter raises `BadRow` with a short reason ("empty text: message 3") when a record
cannot be used; the loader decides whether that drops the row or stops the run.
"""

from __future__ import annotations

import re

from maeum.chat_format import ChatFormatError, check_turn_order


class BadRow(ValueError):
    """This record cannot become a training example; the message says why."""


SFT_FORMATS = ("messages", "empathetic_ko", "alpaca", "chatbotdata")
DPO_FORMATS = ("preference",)


def detect_sft_format(record: dict) -> str:
    keys = set(record)
    if "messages" in keys or "conversations" in keys:
        return "messages"
    if {"instruction", "output", "type"} <= keys:
        return "empathetic_ko"
    if {"instruction", "output"} <= keys:
        return "alpaca"
    if {"Q", "A"} <= keys:
        return "chatbotdata"
    raise BadRow(f"unknown layout: columns {sorted(keys)}; expected messages, instruction/output[/type|input] or Q/A")


def _text(value, where: str) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN from pandas/parquet
        raise BadRow(f"missing field: {where}")
    if not isinstance(value, str):
        raise BadRow(f"wrong type: {where} is {type(value).__name__}, expected text")
    if not value.strip():
        raise BadRow(f"empty text: {where}")
    return value.strip()


SHAREGPT_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
                  "bot": "assistant", "system": "system"}


def _messages(raw, where: str = "messages") -> list[dict]:
    if raw is None:
        raise BadRow(f"missing field: {where}")
    if not isinstance(raw, list) or not raw:
        raise BadRow(f"wrong type: {where} must be a non-empty list of messages")
    out = []
    for i, m in enumerate(raw, start=1):
        if not isinstance(m, dict):
            raise BadRow(f"wrong type: {where}[{i}] is not an object")
        if "role" in m:
            role, content = m.get("role"), m.get("content")
        elif "from" in m:  # ShareGPT layout
            role, content = SHAREGPT_ROLES.get(str(m.get("from")).lower()), m.get("value")
        else:
            raise BadRow(f"missing field: {where}[{i}].role")
        if role not in ("system", "user", "assistant"):
            raise BadRow(f"unknown role: {where}[{i}] has role {role!r}")
        out.append({"role": role, "content": _text(content, f"{where}[{i}].content")})
    return out


def _check_order(messages: list[dict], *, end_with: str) -> None:
    try:
        check_turn_order(messages)
    except ChatFormatError as exc:
        raise BadRow(f"wrong role order: {exc}") from None
    if messages[-1]["role"] != end_with:
        raise BadRow(f"wrong role order: must end with a {end_with} message")


def sft_from_messages(record: dict) -> dict:
    messages = _messages(record.get("messages", record.get("conversations")))
    _check_order(messages, end_with="assistant")
    return {"messages": messages}


# Speaker markers seen in Korean multi-turn instruction data ("질문:/답변:", "사용자:/챗봇:", ...).
_TURN_MARKER = re.compile(
    r"^\s*(?:###\s*)?(질문|답변|사용자|상담자|내담자|챗봇|상담사|user|assistant|human|bot|Q|A)\s*[:：]\s*",
    re.IGNORECASE | re.MULTILINE)
_USER_MARKERS = {"질문", "사용자", "내담자", "user", "human", "q"}


def sft_from_empathetic_ko(record: dict) -> dict:
    """`Smoked-Salmon-s/empathetic_dialogues_ko`: instruction/output/type (single|multi).

    `single`: instruction is the user's message. `multi`: instruction holds the dialogue
    so far with speaker markers (질문:/답변:, 사용자:/챗봇:, ...); output is the reply.
    """
    instruction = _text(record.get("instruction"), "instruction")
    output = _text(record.get("output"), "output")
    kind = str(record.get("type", "single")).strip().lower()
    if kind not in ("single", "multi"):
        raise BadRow(f"unknown type: {kind!r} (expected single or multi)")
    messages: list[dict] = []
    if kind == "multi":
        parts = _TURN_MARKER.split(instruction)
        if len(parts) < 3:
            raise BadRow("multi-turn instruction has no speaker markers (질문:/답변:, 사용자:/챗봇:)")
        for marker, content in zip(parts[1::2], parts[2::2]):
            if content.strip():
                role = "user" if marker.lower() in _USER_MARKERS else "assistant"
                messages.append({"role": role, "content": content.strip()})
    else:
        messages.append({"role": "user", "content": instruction})
    messages.append({"role": "assistant", "content": output})
    _check_order(messages, end_with="assistant")
    return {"messages": messages}


def sft_from_alpaca(record: dict) -> dict:
    instruction = _text(record.get("instruction"), "instruction")
    extra = record.get("input") or ""
    user = f"{instruction}\n\n{extra.strip()}" if isinstance(extra, str) and extra.strip() else instruction
    return {"messages": [{"role": "user", "content": user},
                         {"role": "assistant", "content": _text(record.get("output"), "output")}]}


CHATBOTDATA_LABELS = {"0": "everyday", "1": "breakup_negative", "2": "love_positive"}


def sft_from_chatbotdata(record: dict) -> dict:
    label = str(record.get("label", "")).strip()
    if label and label not in CHATBOTDATA_LABELS:
        raise BadRow(f"unknown label: {label!r} (expected 0, 1 or 2)")
    return {"messages": [{"role": "user", "content": _text(record.get("Q"), "Q")},
                         {"role": "assistant", "content": _text(record.get("A"), "A")}],
            "topic": CHATBOTDATA_LABELS.get(label, "")}


SFT_CONVERTERS = {"messages": sft_from_messages, "empathetic_ko": sft_from_empathetic_ko,
                  "alpaca": sft_from_alpaca, "chatbotdata": sft_from_chatbotdata}


def _completion(value, where: str) -> list[dict]:
    if isinstance(value, str):
        return [{"role": "assistant", "content": _text(value, where)}]
    messages = _messages(value, where)
    if len(messages) != 1 or messages[0]["role"] != "assistant":
        raise BadRow(f"wrong role order: {where} must be exactly one assistant message")
    return messages


def dpo_from_preference(record: dict) -> dict:
    """prompt/chosen/rejected, each either a string or a list of messages (TRL's two shapes)."""
    for key in ("prompt", "chosen", "rejected"):
        if key not in record:
            raise BadRow(f"missing field: {key}")
    prompt = record["prompt"]
    if isinstance(prompt, str):
        prompt = [{"role": "user", "content": _text(prompt, "prompt")}]
    else:
        prompt = _messages(prompt, "prompt")
    _check_order(prompt, end_with="user")
    chosen = _completion(record["chosen"], "chosen")
    rejected = _completion(record["rejected"], "rejected")
    if chosen[0]["content"] == rejected[0]["content"]:
        raise BadRow("chosen == rejected: the pair teaches nothing")
    return {"prompt": prompt, "chosen": chosen, "rejected": rejected}
