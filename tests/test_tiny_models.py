"""The tiny models are real transformers models of the EEVE / KoBART families."""

from __future__ import annotations

import torch
from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

from maeum.chat_format import eos_token_ids, render_for_generation, render_for_training


def test_tokenizer_has_eeve_special_tokens_and_byte_fallback(tiny_tokenizer):
    tok = tiny_tokenizer
    assert tok.bos_token == "<s>" and tok.convert_tokens_to_ids("<s>") == 1
    assert tok.pad_token == "</s>" and tok.pad_token_id == 2
    assert tok.eos_token == "<|im_end|>"
    # Byte fallback: text never seen in training round-trips instead of becoming <unk>.
    text = "낯선 글자 뷁 and 😀 2024년"
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert tok.unk_token_id not in ids
    assert tok.decode(ids) == text
    # The tokenizer learned Korean pieces from our bundled text (not only bytes).
    assert len(tok) > 1000


def test_llama_is_eeve_family(tiny_models):
    model = AutoModelForCausalLM.from_pretrained(tiny_models["llama"])
    cfg = model.config
    assert cfg.model_type == "llama"
    assert cfg.num_key_value_heads < cfg.num_attention_heads  # GQA like EEVE (32 heads / 8 KV heads)
    assert cfg.tie_word_embeddings is False
    assert model.get_input_embeddings().weight.data_ptr() != model.get_output_embeddings().weight.data_ptr()
    assert cfg.rope_parameters["rope_theta"] == 10000.0 if hasattr(cfg, "rope_parameters") else True


def test_llama_forward_and_generate_through_chat_format(tiny_models):
    tok = AutoTokenizer.from_pretrained(tiny_models["llama"])
    model = AutoModelForCausalLM.from_pretrained(tiny_models["llama"])
    conv = [{"role": "user", "content": "요즘 너무 외로워요."},
            {"role": "assistant", "content": "외로움이 크게 느껴지시는군요. 언제 가장 그런가요?"}]
    example = render_for_training(conv, tok, "eeve")
    ids = torch.tensor([example.input_ids])
    out = model(input_ids=ids, labels=torch.tensor([example.labels()]))
    assert out.logits.shape == (1, ids.shape[1], len(tok))
    assert torch.isfinite(out.loss)
    prompt = render_for_generation(conv[:1], tok, "eeve")
    gen = model.generate(torch.tensor([prompt.input_ids]), max_new_tokens=8, do_sample=False,
                         eos_token_id=eos_token_ids(tok, "eeve"), pad_token_id=tok.pad_token_id)
    assert gen.shape[1] > len(prompt.input_ids)
    assert gen[0, : len(prompt.input_ids)].tolist() == prompt.input_ids


def test_bart_is_kobart_family(tiny_models):
    tok = AutoTokenizer.from_pretrained(tiny_models["bart"])
    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_models["bart"])
    cfg = model.config
    assert cfg.model_type == "bart" and cfg.encoder_layers == cfg.decoder_layers
    assert cfg.decoder_start_token_id == tok.convert_tokens_to_ids("</s>") == cfg.eos_token_id
    assert tok.pad_token == "<pad>"
    batch = tok(["안녕하세요. 오늘 기분은 어때요?"], return_tensors="pt")
    labels = tok(["안녕하시오. 오늘 기분은 어떠하오?"], return_tensors="pt")["input_ids"]
    out = model(**batch, labels=labels)
    assert torch.isfinite(out.loss)
    gen = model.generate(**batch, max_new_tokens=6, do_sample=False)
    assert gen.shape[0] == 1 and gen.shape[1] >= 2
