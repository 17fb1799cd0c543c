"""The one chat format: how a conversation becomes model input, for training AND serving.

Every prompt the system ever builds goes through this module, so a model is served in
exactly the format it was trained in. Formats are Jinja chat templates (the same kind
`transformers` and vLLM use), which lets us save them into a tokenizer for serving:

- ``eeve``   EEVE-Korean-Instruct's published prompt, extended to many turns (below);
- ``kullm3`` the Llama-2 ``[INST]`` template with a ``<<SYS>>`` system block (KULLM3);
- ``auto``   the tokenizer's own ``chat_template``.

EEVE multi-turn convention (EEVE publishes a single-turn prompt only; we define this and
use it everywhere)::

    <s>{system}
    Human: {user 1}
    Assistant:
    {assistant 1}<|im_end|>
    Human: {user 2}
    Assistant:
    {generation starts here}

Training marks as loss-bearing exactly the tokens of each assistant turn plus its end
token (``<|im_end|>`` for EEVE, ``</s>`` for KULLM3), so the model learns to stop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, field_validator

from maeum.errors import MaeumError

Role = Literal["system", "user", "assistant"]

COUNSELLOR_SYSTEM_PROMPT = (
    "당신은 '마음'의 상담 동반자입니다. 사용자의 이야기를 따뜻하게 경청하고, 들은 내용과 감정을 "
    "구체적으로 되짚어 공감해 주세요. 인지행동치료(CBT)의 관점에서 생각과 감정을 부드럽게 살펴보도록 "
    "돕되, 진단을 내리거나 약물이나 복용량에 대해 조언하지 마세요. 답변은 2~4문장으로 하고, 열린 질문은 "
    "많아야 하나만 하세요."
)


# The prompts the base models were trained with (their model cards), for a fair "base" row in
# `maeum eval prefs` and for researchers who want the model's own behaviour: system_prompt: native.
EEVE_NATIVE_SYSTEM_PROMPT = (
    "A chat between a curious user and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the user's questions."
)
KULLM3_NATIVE_SYSTEM_PROMPT = (
    "당신은 고려대학교 NLP&AI 연구실에서 만든 AI 챗봇입니다.\n"
    "당신의 이름은 'KULLM'으로, 한국어로는 '구름'을 뜻합니다.\n"
    "당신은 비도덕적이거나, 성적이거나, 불법적이거나 또는 사회 통념적으로 허용되지 않는 발언은 하지 않습니다.\n"
    "사용자와 즐겁게 대화하며, 사용자의 응답에 가능한 정확하고 친절하게 응답함으로써 최대한 도와주려고 노력합니다.\n"
    "질문이 이상하다면, 어떤 부분이 이상한지 설명합니다. 거짓 정보를 발언하지 않도록 주의합니다."
)
NATIVE = "native"  # system_prompt value: the base model's own trained system prompt


class ChatFormatError(MaeumError):
    """A conversation or tokenizer that cannot be rendered in the chosen format."""


class Message(BaseModel):
    role: Role
    content: str

    @field_validator("content")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message content is empty")
        return value


class Conversation(BaseModel):
    """System/user/assistant messages. Order rules are checked per format when rendering."""

    messages: list[Message]

    @classmethod
    def of(cls, messages: list[dict[str, Any]] | Conversation) -> Conversation:
        if isinstance(messages, Conversation):
            return messages
        return cls(messages=[Message(**m) for m in messages])

    def with_system(self, system_prompt: str = COUNSELLOR_SYSTEM_PROMPT) -> Conversation:
        """The same conversation with a system message first (kept if it already has one)."""
        if self.messages and self.messages[0].role == "system":
            return self
        return Conversation(messages=[Message(role="system", content=system_prompt), *self.messages])

    def as_dicts(self) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.content} for m in self.messages]


def check_turn_order(messages: list[Message] | list[dict], *, allow_trailing_assistant: bool = True) -> None:
    """Optional system first, then user/assistant strictly alternating, starting with user."""
    roles = [m.role if isinstance(m, Message) else m.get("role") for m in messages]
    body = roles[1:] if roles and roles[0] == "system" else roles
    if "system" in body:
        raise ChatFormatError(f"a system message may only come first (message {roles.index('system', 1) + 1})")
    for i, role in enumerate(body):
        expected = "user" if i % 2 == 0 else "assistant"
        if role != expected:
            position = i + 1 + (len(roles) - len(body))
            raise ChatFormatError(
                f"conversation roles must alternate user/assistant starting with user: "
                f"message {position} is {role!r}, expected {expected!r}"
            )
    if body and body[-1] == "assistant" and not allow_trailing_assistant:
        raise ChatFormatError("the conversation must end with a user message to generate a reply")


def _jinja_literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# The system prompt is baked in as the default so a tokenizer saved with this template
# (and a vLLM server using it) behaves the same when a client sends no system message.
# `default_system` (a render variable maeum passes for `system_prompt: null`) replaces it; an
# empty system text renders no system part at all. Shared by the templates, with the role check
# inside their message loops.
_SYSTEM_MESSAGE = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}"
    "{% else %}{% set loop_messages = messages %}" + "{% set system_message = default_system if default_system "
    "is defined else " + _jinja_literal(COUNSELLOR_SYSTEM_PROMPT) + " %}"
    "{% endif %}"
)
_ALTERNATION_CHECK = (
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}"
)

EEVE_TEMPLATE = (
    "{{ bos_token }}"
    + _SYSTEM_MESSAGE +
    "{{ system_message }}"
    "{% for message in loop_messages %}"
    + _ALTERNATION_CHECK +
    "{% if message['role'] == 'user' %}{{ ('\\n' if (system_message or not loop.first) else '') + 'Human: ' "
    "+ message['content'] }}"
    "{% else %}{{ '\\nAssistant:\\n' + message['content'] + eos_token }}{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '\\nAssistant:\\n' }}{% endif %}"
)

KULLM3_TEMPLATE = (
    _SYSTEM_MESSAGE +
    "{% for message in loop_messages %}"
    + _ALTERNATION_CHECK +
    "{% if loop.index0 == 0 and system_message %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' "
    "+ message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% else %}{{ ' ' + content.strip() + ' ' + eos_token }}{% endif %}"
    "{% endfor %}"
)

# Google's Gemma 3 turn markup (its chat_template: the system text opens the first user turn;
# the assistant's role is "model"). The base model's GGUF carries no template, so it is defined here.
GEMMA_TEMPLATE = (
    "{{ bos_token }}"
    + _SYSTEM_MESSAGE +
    "{% for message in loop_messages %}"
    + _ALTERNATION_CHECK +
    "{% if loop.index0 == 0 and system_message %}{% set content = system_message + '\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% set role = 'model' if message['role'] == 'assistant' else 'user' %}"
    "{{ '<start_of_turn>' + role + '\\n' + (content | trim) + '<end_of_turn>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)


@dataclass(frozen=True)
class ChatFormat:
    name: str
    template: str | None  # None: use the tokenizer's own chat_template ("auto")
    bos_token: str | None = None
    eos_token: str | None = None
    # Text that means the model started a new turn on its own: cut generation there.
    stop_strings: tuple[str, ...] = field(default_factory=tuple)
    strict_alternation: bool = True
    native_system_prompt: str | None = None  # what the base model was trained with (`system_prompt: native`)


FORMATS: dict[str, ChatFormat] = {
    "eeve": ChatFormat("eeve", EEVE_TEMPLATE, "<s>", "<|im_end|>", ("<|im_end|>", "\nHuman:"),
                       native_system_prompt=EEVE_NATIVE_SYSTEM_PROMPT),
    "kullm3": ChatFormat("kullm3", KULLM3_TEMPLATE, "<s>", "</s>", ("</s>", "[INST]"),
                         native_system_prompt=KULLM3_NATIVE_SYSTEM_PROMPT),
    "gemma": ChatFormat("gemma", GEMMA_TEMPLATE, "<bos>", "<end_of_turn>", ("<end_of_turn>", "<start_of_turn>")),
    "auto": ChatFormat("auto", None, strict_alternation=False),
}


def get_format(name: str | ChatFormat) -> ChatFormat:
    if isinstance(name, ChatFormat):
        return name
    try:
        return FORMATS[name]
    except KeyError:
        raise ChatFormatError(f"unknown chat format {name!r}; choose one of {', '.join(FORMATS)}") from None


def format_for_model(model_name_or_path: str) -> str:
    """The format a model id implies (EEVE and KULLM3 by name; anything else: auto)."""
    lowered = model_name_or_path.lower()
    if "eeve" in lowered:
        return "eeve"
    if "kullm" in lowered:
        return "kullm3"
    if "gemma" in lowered:
        return "gemma"
    return "auto"


@lru_cache(maxsize=8)
def _compile(template: str):
    def raise_exception(message: str):
        raise TemplateError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    return env.from_string(template)


def resolve_system_prompt(value: str | None, fmt: str | ChatFormat) -> str | None:
    """What a `system_prompt` setting means: text as given; "native": the base model's own trained
    prompt (KULLM3's card says it is weaker without it); None: no system prompt at all."""
    if value != NATIVE:
        return value
    spec = get_format(fmt)
    if spec.native_system_prompt is None:
        raise ChatFormatError(f"chat format {spec.name!r} has no known native system prompt; write the text instead")
    return spec.native_system_prompt


def render_text(messages: list[dict] | Conversation, fmt: str | ChatFormat = "eeve", tokenizer=None,
                add_generation_prompt: bool = False, no_system: bool = False) -> str:
    """The conversation as one string in `fmt`. `auto` needs the tokenizer.

    `no_system`: a conversation without a system message renders with no system prompt at
    all, instead of the counsellor prompt the templates default to.
    """
    fmt = get_format(fmt)
    conv = Conversation.of(messages)
    if fmt.strict_alternation:
        check_turn_order(conv.messages)
    dicts = conv.as_dicts()
    try:
        if fmt.template is None:
            if tokenizer is None or not getattr(tokenizer, "chat_template", None):
                raise ChatFormatError("chat format 'auto' needs a tokenizer that has a chat_template; "
                                      "choose 'eeve' or 'kullm3' instead")
            return tokenizer.apply_chat_template(dicts, tokenize=False, add_generation_prompt=add_generation_prompt)
        extra = {"default_system": ""} if no_system else {}
        return _compile(fmt.template).render(messages=dicts, add_generation_prompt=add_generation_prompt,
                                             bos_token=fmt.bos_token, eos_token=fmt.eos_token, **extra)
    except TemplateError as exc:
        raise ChatFormatError(f"cannot render the conversation in format {fmt.name!r}: {exc}") from exc


def _encode(tokenizer, text: str) -> list[int]:
    # The template writes <s> itself, so the tokenizer must not add another.
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def check_tokenizer(tokenizer, fmt: str | ChatFormat) -> None:
    """The format's special tokens must be single tokens of this tokenizer."""
    fmt = get_format(fmt)
    for token in (fmt.bos_token, fmt.eos_token):
        if token is None:
            continue
        ids = _encode(tokenizer, token)
        if len(ids) != 1 or ids[0] == tokenizer.unk_token_id:
            raise ChatFormatError(
                f"format {fmt.name!r} needs {token!r} as one special token, but this tokenizer splits it "
                f"into {ids}; use the model's own tokenizer or add the token"
            )


def _template_end_of_turn(tokenizer) -> list[int]:
    """`auto`: the special token the tokenizer's own template writes right after an assistant reply
    (Gemma's <end_of_turn>, ChatML's <|im_end|>), which is often not the tokenizer's eos token."""
    marker = "MAEUM_REPLY_END"
    try:
        text = tokenizer.apply_chat_template([{"role": "user", "content": "hi"},
                                              {"role": "assistant", "content": marker}], tokenize=False)
    except Exception:  # a template that refuses this shape: nothing to learn from it
        return []
    if not isinstance(text, str) or marker not in text:
        return []
    after = _encode(tokenizer, text.split(marker, 1)[1])
    added = getattr(tokenizer, "added_tokens_decoder", {}) or {}
    special = set(tokenizer.all_special_ids) | {i for i, token in added.items() if getattr(token, "special", False)}
    return after[:1] if after and after[0] in special else []


def eos_token_ids(tokenizer, fmt: str | ChatFormat) -> list[int]:
    """Token ids that end an assistant turn in `fmt` (for generate's eos_token_id)."""
    fmt = get_format(fmt)
    ids = []
    if fmt.eos_token:
        ids += _encode(tokenizer, fmt.eos_token)
    elif fmt.template is None and getattr(tokenizer, "chat_template", None):
        ids += _template_end_of_turn(tokenizer)
    if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in ids:
        ids.append(tokenizer.eos_token_id)
    return ids


@dataclass
class GenerationPrompt:
    text: str
    input_ids: list[int]


@dataclass
class TrainingExample:
    text: str
    input_ids: list[int]
    assistant_mask: list[int]  # 1 where the token belongs to an assistant turn (content + end token)

    def labels(self, ignore_index: int = -100) -> list[int]:
        return [t if m else ignore_index for t, m in zip(self.input_ids, self.assistant_mask)]


def render_for_generation(messages: list[dict] | Conversation, tokenizer, fmt: str | ChatFormat = "eeve",
                          system_prompt: str | None = COUNSELLOR_SYSTEM_PROMPT) -> GenerationPrompt:
    """The prompt up to the start of the assistant's next turn (`system_prompt`: see resolve_system_prompt)."""
    conv = Conversation.of(messages)
    system_prompt = resolve_system_prompt(system_prompt, fmt)
    if system_prompt:
        conv = conv.with_system(system_prompt)
    check_turn_order(conv.messages, allow_trailing_assistant=False)
    text = render_text(conv, fmt, tokenizer, add_generation_prompt=True, no_system=not system_prompt)
    return GenerationPrompt(text=text, input_ids=_encode(tokenizer, text))


def render_for_training(messages: list[dict] | Conversation, tokenizer, fmt: str | ChatFormat = "eeve",
                        system_prompt: str | None = COUNSELLOR_SYSTEM_PROMPT) -> TrainingExample:
    """The whole conversation as token ids, with a mask of exactly the assistant tokens.

    Each assistant turn's tokens are located as (prompt before it) .. (conversation through
    it), both rendered by the same template and checked to be token prefixes of the whole,
    so the training input can never drift from what generation produces.
    """
    fmt = get_format(fmt)
    conv = Conversation.of(messages)
    system_prompt = resolve_system_prompt(system_prompt, fmt)
    if system_prompt:
        conv = conv.with_system(system_prompt)
    no_system = not system_prompt
    check_turn_order(conv.messages)
    msgs = conv.as_dicts()
    if not any(m["role"] == "assistant" for m in msgs):
        raise ChatFormatError("a training conversation needs at least one assistant message")
    text = render_text(msgs, fmt, tokenizer, no_system=no_system)
    input_ids = _encode(tokenizer, text)
    mask = [0] * len(input_ids)
    for i, message in enumerate(msgs):
        if message["role"] != "assistant":
            continue
        before = _prefix_ids(msgs[:i], True, text, input_ids, fmt, tokenizer, no_system)
        through = _prefix_ids(msgs[: i + 1], False, text, input_ids, fmt, tokenizer, no_system)
        for j in range(before, through):
            mask[j] = 1
    return TrainingExample(text=text, input_ids=input_ids, assistant_mask=mask)


def _prefix_ids(msgs, add_generation_prompt, full_text, full_ids, fmt, tokenizer, no_system=False) -> int:
    prefix = render_text(msgs, fmt, tokenizer, add_generation_prompt=add_generation_prompt, no_system=no_system)
    if not full_text.startswith(prefix):
        raise ChatFormatError(f"format {fmt.name!r} is not prefix-stable: the rendering of the first "
                              f"{len(msgs)} messages is not a prefix of the whole conversation")
    ids = _encode(tokenizer, prefix)
    if full_ids[: len(ids)] != ids:
        raise ChatFormatError(f"format {fmt.name!r} with this tokenizer is not token-prefix-stable after "
                              f"{len(msgs)} messages: the tokens at the turn boundary merge differently")
    return len(ids)


def chat_template(fmt: str | ChatFormat, tokenizer=None) -> str:
    """The Jinja template for `fmt`, to save into a tokenizer or pass to vLLM (--chat-template)."""
    fmt = get_format(fmt)
    if fmt.template is not None:
        return fmt.template
    if tokenizer is None or not getattr(tokenizer, "chat_template", None):
        raise ChatFormatError("format 'auto' has no template of its own without a tokenizer")
    return tokenizer.chat_template
