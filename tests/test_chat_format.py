"""The one chat format: prefix property, exact assistant masks, role rules, per format."""

from __future__ import annotations

import pytest

from maeum.chat_format import (COUNSELLOR_SYSTEM_PROMPT, ChatFormatError, chat_template, eos_token_ids,
                               format_for_model, render_for_generation, render_for_training, render_text)

CONVERSATIONS = [
    [{"role": "user", "content": "요즘 잠을 잘 못 자요."},
     {"role": "assistant", "content": "잠을 설치면 하루가 길게 느껴지죠. 언제부터 그랬나요?"}],
    [{"role": "user", "content": "회사에서 또 실수했어요 ㅠㅠ"},
     {"role": "assistant", "content": "또 실수했다는 생각에 마음이 무거우셨겠어요."},
     {"role": "user", "content": "팀장님이 한숨을 쉬더라고요. Excel 파일 2개를 잘못 보냈어요 😢"},
     {"role": "assistant", "content": "한숨 소리가 오래 남으셨겠어요. 그때 어떤 생각이 드셨어요?"}],
    [{"role": "system", "content": "짧게 답하세요."},
     {"role": "user", "content": "안녕"},
     {"role": "assistant", "content": "안녕하세요!"},
     {"role": "user", "content": "\"괜찮아\"라고 말해 줘"},
     {"role": "assistant", "content": "\"괜찮아요.\" 지금 마음은 어떤가요?"}],
]
FORMATS = ["eeve", "kullm3", "auto"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("conv", CONVERSATIONS, ids=["one-turn", "two-turn", "system+quotes"])
def test_generation_prompt_is_token_prefix_of_training_text(tiny_tokenizer, fmt, conv):
    full = render_for_training(conv, tiny_tokenizer, fmt)
    for i, message in enumerate(conv):
        if message["role"] != "assistant":
            continue
        prompt = render_for_generation(conv[:i], tiny_tokenizer, fmt)
        assert full.text.startswith(prompt.text)
        assert full.input_ids[: len(prompt.input_ids)] == prompt.input_ids
        # ...and the model's first target token is the first assistant token.
        assert full.assistant_mask[len(prompt.input_ids)] == 1
        assert full.assistant_mask[len(prompt.input_ids) - 1] == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_mask_marks_exactly_the_assistant_turns(tiny_tokenizer, fmt):
    conv = CONVERSATIONS[1]
    ex = render_for_training(conv, tiny_tokenizer, fmt)
    assert len(ex.input_ids) == len(ex.assistant_mask)
    masked = [t for t, m in zip(ex.input_ids, ex.assistant_mask) if m]
    decoded = tiny_tokenizer.decode(masked)
    end = "<|im_end|>" if fmt != "kullm3" else "</s>"
    assistant_texts = [m["content"] for m in conv if m["role"] == "assistant"]
    assert decoded.replace(" ", "") == "".join(t + end for t in assistant_texts).replace(" ", "")
    # No user text leaks into the loss.
    assert "팀장님" not in decoded and "실수했어요" not in decoded
    # Each assistant turn ends on its end token, which carries loss (the model learns to stop).
    end_id = tiny_tokenizer.convert_tokens_to_ids(end)
    assert sum(1 for t, m in zip(ex.input_ids, ex.assistant_mask) if m and t == end_id) == 2
    labels = ex.labels()
    assert all(l == -100 for l, m in zip(labels, ex.assistant_mask) if not m)


def test_eeve_layout_follows_the_published_prompt():
    text = render_text(CONVERSATIONS[1], "eeve", add_generation_prompt=False)
    assert text.startswith("<s>" + COUNSELLOR_SYSTEM_PROMPT + "\nHuman: 회사에서 또 실수했어요 ㅠㅠ\nAssistant:\n")
    assert "<|im_end|>\nHuman: 팀장님" in text
    assert text.endswith("어떤 생각이 드셨어요?<|im_end|>")
    prompt = render_text(CONVERSATIONS[1][:3], "eeve", add_generation_prompt=True)
    assert prompt.endswith("\nHuman: 팀장님이 한숨을 쉬더라고요. Excel 파일 2개를 잘못 보냈어요 😢\nAssistant:\n")


def test_kullm3_layout_has_system_block_in_first_inst():
    text = render_text(CONVERSATIONS[0], "kullm3")
    assert text == (f"<s>[INST] <<SYS>>\n{COUNSELLOR_SYSTEM_PROMPT}\n<</SYS>>\n\n요즘 잠을 잘 못 자요. [/INST] "
                    "잠을 설치면 하루가 길게 느껴지죠. 언제부터 그랬나요? </s>")


@pytest.mark.parametrize("fmt", ["kullm3", "eeve"])
def test_roles_must_alternate(tiny_tokenizer, fmt):
    bad = [{"role": "user", "content": "하나"}, {"role": "user", "content": "둘"},
           {"role": "assistant", "content": "셋"}]
    with pytest.raises(ChatFormatError, match="alternate"):
        render_for_training(bad, tiny_tokenizer, fmt)
    with pytest.raises(ChatFormatError, match="alternate"):
        render_text([{"role": "assistant", "content": "먼저 말함"}], fmt)


def test_generation_needs_a_final_user_message(tiny_tokenizer):
    with pytest.raises(ChatFormatError, match="end with a user"):
        render_for_generation(CONVERSATIONS[0], tiny_tokenizer, "eeve")


def test_empty_message_is_rejected(tiny_tokenizer):
    with pytest.raises(ValueError, match="empty"):
        render_for_training([{"role": "user", "content": "  "}, {"role": "assistant", "content": "네"}],
                            tiny_tokenizer, "eeve")


def test_unknown_format_and_auto_without_template():
    with pytest.raises(ChatFormatError, match="unknown chat format"):
        render_text(CONVERSATIONS[0], "chatml")
    with pytest.raises(ChatFormatError, match="needs a tokenizer"):
        render_text(CONVERSATIONS[0], "auto")


def test_tokenizer_carries_the_same_template_and_eos(tiny_tokenizer):
    # The tiny tokenizer's own template *is* the eeve template, so 'auto' == 'eeve' token for token.
    assert tiny_tokenizer.chat_template == chat_template("eeve")
    a = render_for_training(CONVERSATIONS[1], tiny_tokenizer, "auto")
    e = render_for_training(CONVERSATIONS[1], tiny_tokenizer, "eeve")
    assert a.input_ids == e.input_ids and a.assistant_mask == e.assistant_mask
    im_end = tiny_tokenizer.convert_tokens_to_ids("<|im_end|>")
    assert eos_token_ids(tiny_tokenizer, "eeve")[0] == im_end


def test_auto_stops_at_the_templates_end_of_turn_not_only_eos(tiny_tokenizer):
    # A base model's tokenizer (Gemma 3): eos is <eos>, but its template ends a reply with
    # <end_of_turn>. `auto` must stop there too, or chat runs on past the end of the reply.
    import copy

    tok = copy.deepcopy(tiny_tokenizer)
    tok.eos_token = "</s>"
    tok.chat_template = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
                         "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
    im_end, eos = tok.convert_tokens_to_ids("<|im_end|>"), tok.convert_tokens_to_ids("</s>")
    assert eos_token_ids(tok, "auto") == [im_end, eos]
    tok.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"  # no end token: eos only
    assert eos_token_ids(tok, "auto") == [eos]


def test_gemma_format_is_gemma3s_own_turn_layout():
    # Gemma 3's chat_template: <bos>, the system text opens the first user turn, the assistant is "model".
    messages = [{"role": "system", "content": "짧게 답하세요."}, {"role": "user", "content": "안녕 "},
                {"role": "assistant", "content": "안녕하세요!"}, {"role": "user", "content": "잘 자"}]
    assert render_text(messages, "gemma", add_generation_prompt=True) == (
        "<bos><start_of_turn>user\n짧게 답하세요.\n\n안녕<end_of_turn>\n"
        "<start_of_turn>model\n안녕하세요!<end_of_turn>\n"
        "<start_of_turn>user\n잘 자<end_of_turn>\n<start_of_turn>model\n")
    assert render_text(messages[1:2], "gemma", no_system=True) == "<bos><start_of_turn>user\n안녕<end_of_turn>\n"
    assert format_for_model("/root/.cache/maeum/gemma3-270m") == "gemma"


def test_format_for_model_ids():
    assert format_for_model("yanolja/EEVE-Korean-Instruct-10.8B-v1.0") == "eeve"
    assert format_for_model("nlpai-lab/KULLM3") == "kullm3"
    assert format_for_model("/models/some-llama") == "auto"


# --- system_prompt: null means none; "native" is the base model's own trained prompt ----------------


@pytest.mark.parametrize("fmt", ["eeve", "kullm3"])
def test_null_system_prompt_renders_no_system_prompt(tiny_tokenizer, fmt):
    full = render_for_training(CONVERSATIONS[1], tiny_tokenizer, fmt, system_prompt=None)
    assert COUNSELLOR_SYSTEM_PROMPT not in full.text and "<<SYS>>" not in full.text
    prompt = render_for_generation(CONVERSATIONS[1][:1], tiny_tokenizer, fmt, system_prompt=None)
    assert COUNSELLOR_SYSTEM_PROMPT not in prompt.text
    assert full.input_ids[: len(prompt.input_ids)] == prompt.input_ids  # still prefix-stable
    if fmt == "eeve":
        assert full.text.startswith("<s>Human: 회사에서 또 실수했어요 ㅠㅠ\nAssistant:\n")
    else:
        assert full.text.startswith("<s>[INST] 회사에서 또 실수했어요 ㅠㅠ [/INST]")


def test_native_system_prompt_is_the_base_models_own():
    from maeum.chat_format import EEVE_NATIVE_SYSTEM_PROMPT, KULLM3_NATIVE_SYSTEM_PROMPT

    kullm = render_text(render_conv := CONVERSATIONS[0], "kullm3")  # default: the counsellor prompt
    assert COUNSELLOR_SYSTEM_PROMPT in kullm
    from maeum.chat_format import Conversation

    native = render_text(Conversation.of(render_conv).with_system(KULLM3_NATIVE_SYSTEM_PROMPT), "kullm3")
    assert "당신은 고려대학교 NLP&AI 연구실에서 만든 AI 챗봇입니다." in native and COUNSELLOR_SYSTEM_PROMPT not in native
    assert EEVE_NATIVE_SYSTEM_PROMPT.startswith("A chat between a curious user")


@pytest.mark.parametrize("fmt, marker", [("kullm3", "KULLM"), ("eeve", "A chat between a curious user")])
def test_native_value_resolves_per_format(tiny_tokenizer, fmt, marker):
    prompt = render_for_generation(CONVERSATIONS[0][:1], tiny_tokenizer, fmt, system_prompt="native")
    assert marker in prompt.text and COUNSELLOR_SYSTEM_PROMPT not in prompt.text


def test_null_system_prompt_in_a_training_config_reaches_the_rendered_data(tmp_path):
    from training.config import load_config
    from training.modeling import load_tokenizer, resolve_model_path
    from training.prepare import tokenize_sft

    setup = load_config("sft", None, {"model_name_or_path": "maeum:tiny-eeve", "output_dir": str(tmp_path),
                                      "datasets": ["data/seed_conversations.jsonl"], "system_prompt": None})
    assert setup.data.system_prompt is None
    tokenizer = load_tokenizer(resolve_model_path("maeum:tiny-eeve"), "eeve")
    rows = [{"messages": CONVERSATIONS[0]}]
    from datasets import Dataset

    ids = tokenize_sft(Dataset.from_list(rows), tokenizer, "eeve", setup.data.system_prompt)["input_ids"][0]
    assert COUNSELLOR_SYSTEM_PROMPT not in tokenizer.decode(ids)
