"""Tiny real models, built offline in seconds, for tests, smoke runs and CPU benchmarks.

- a Korean BPE tokenizer with byte fallback, trained on our bundled Korean text, carrying
  EEVE's special tokens (<s>=1, </s>=2 as pad, <|im_end|> as eos) and the EEVE chat template;
- a tiny ``LlamaForCausalLM`` of EEVE's family (GQA, untied embeddings, rope 10000);
- a tiny ``BartForConditionalGeneration`` of KoBART's family (KoBART's special tokens,
  ``</s>`` as decoder start), with its own char-level BPE tokenizer.

They are random-weight models: they test the plumbing, not the quality.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from maeum import paths
from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT, EEVE_TEMPLATE

BYTE_TOKENS = [f"<0x{i:02X}>" for i in range(256)]
LLAMA_SPECIALS = ["<unk>", "<s>", "</s>"]  # ids 0, 1, 2 as in EEVE / Llama
EEVE_ADDED = ["<|im_start|>", "<|im_end|>"]
# KoBART's special tokens, in its vocabulary order.
KOBART_SPECIALS = ["<s>", "</s>", "<usr>", "<pad>", "<sys>", "<unk>", "<mask>"]

# EEVE-family shape, scaled down (EEVE: hidden 4096, 48 layers, 32 heads, 8 KV heads).
TINY_LLAMA = dict(hidden_size=64, intermediate_size=176, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, head_dim=16, max_position_embeddings=2048, rope_theta=10000.0,
                  rms_norm_eps=1e-5, tie_word_embeddings=False, hidden_act="silu")
# KoBART-family shape, scaled down (KoBART: d_model 768, 6+6 layers, 16 heads, 1024 positions).
TINY_BART = dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                 decoder_attention_heads=4, encoder_ffn_dim=128, decoder_ffn_dim=128,
                 max_position_embeddings=256, scale_embedding=False, dropout=0.0, attention_dropout=0.0)


def korean_corpus() -> Iterator[str]:
    """Every Korean string we ship: seed dialogues, preference pairs, persona examples."""
    yield COUNSELLOR_SYSTEM_PROMPT
    yield "Human: Assistant: [INST] [/INST] <<SYS>> <</SYS>>"
    data = paths.data_dir()
    if data is not None:
        for file in sorted(data.glob("*.jsonl")):
            for line in file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    yield from _strings(json.loads(line))
        for file in sorted(data.glob("*.tsv")):
            yield from file.read_text(encoding="utf-8").splitlines()
    personas = paths.bundled_personas_dir()
    if personas is not None:
        for file in sorted(personas.glob("*.yaml")):
            yield from file.read_text(encoding="utf-8").splitlines()


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _train_bpe(texts: list[str], vocab_size: int, specials: list[str], *, metaspace: bool):
    """A BPE model with byte fallback (Llama style) trained on `texts`."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    def fresh(vocab=None, merges=None):
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", byte_fallback=True,
                                   fuse_unk=True))
        if metaspace:
            # Newlines are their own pieces so a turn boundary never merges with the text after it.
            tok.pre_tokenizer = pre_tokenizers.Sequence([
                pre_tokenizers.Split("\n", behavior="isolated"),
                pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first"),
            ])
            tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(),
                                             decoders.Fuse(), decoders.Strip(" ", 1, 0)])
        else:
            tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
            tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(),
                                             decoders.Fuse(), decoders.Strip(" ", 1, 0)])
        return tok

    tok = fresh()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials, min_frequency=2,
                                  show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    # Byte tokens go into the model vocabulary (not as added tokens) so byte fallback finds them.
    data = json.loads(tok.to_str())["model"]
    vocab = {t: i for t, i in sorted(data["vocab"].items(), key=lambda kv: kv[1])}
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["merges"]]
    base = {t: i for i, t in enumerate(specials)}
    for t in BYTE_TOKENS:
        base.setdefault(t, len(base))
    for t in vocab:
        base.setdefault(t, len(base))
    tok = fresh(base, merges)
    return tok


def build_tiny_tokenizer(out_dir: str | Path, vocab_size: int = 2000):
    """EEVE-like tokenizer: Llama BPE with byte fallback, <s>/</s>/<|im_end|>, EEVE chat template."""
    from transformers import PreTrainedTokenizerFast

    texts = list(korean_corpus())
    backend = _train_bpe(texts, vocab_size, LLAMA_SPECIALS, metaspace=True)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token="<s>", eos_token="<|im_end|>", unk_token="<unk>", pad_token="</s>",
        additional_special_tokens=EEVE_ADDED, model_max_length=2048, padding_side="right",
        clean_up_tokenization_spaces=False,
    )
    tokenizer.chat_template = EEVE_TEMPLATE
    out_dir = Path(out_dir)
    tokenizer.save_pretrained(out_dir)
    return tokenizer


def build_tiny_llama(out_dir: str | Path, tokenizer, seed: int = 0):
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    config = LlamaConfig(vocab_size=len(tokenizer), bos_token_id=1, eos_token_id=im_end,
                         pad_token_id=tokenizer.pad_token_id, **TINY_LLAMA)
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(bos_token_id=1, eos_token_id=im_end,
                                               pad_token_id=tokenizer.pad_token_id)
    out_dir = Path(out_dir)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return model


def build_tiny_bart(out_dir: str | Path, seed: int = 0, vocab_size: int = 1500):
    """KoBART-like: char-level BPE with KoBART's special tokens, tiny BART, </s> as decoder start."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    texts = list(korean_corpus())
    shared = paths.shared_data_dir()
    smile = shared / "smilestyle" / "smilestyle_train.tsv" if shared else None
    if smile is not None and smile.exists():
        texts += smile.read_text(encoding="utf-8").splitlines()
    backend = _train_bpe(texts, vocab_size, KOBART_SPECIALS, metaspace=False)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
        mask_token="<mask>", model_max_length=256, clean_up_tokenization_spaces=False,
    )
    torch.manual_seed(seed)
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in KOBART_SPECIALS}
    config = BartConfig(vocab_size=len(tokenizer), pad_token_id=ids["<pad>"], bos_token_id=ids["<s>"],
                        eos_token_id=ids["</s>"], decoder_start_token_id=ids["</s>"],
                        forced_eos_token_id=ids["</s>"], **TINY_BART)
    model = BartForConditionalGeneration(config)
    out_dir = Path(out_dir)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return model, tokenizer


def build_tiny_models(out_dir: str | Path, seed: int = 0) -> dict[str, Path]:
    """Tokenizer, tiny Llama (with the tokenizer beside it) and tiny BART under `out_dir`."""
    out_dir = Path(out_dir)
    tokenizer = build_tiny_tokenizer(out_dir / "tokenizer")
    build_tiny_llama(out_dir / "llama", tokenizer, seed=seed)
    build_tiny_bart(out_dir / "bart", seed=seed)
    return {"tokenizer": out_dir / "tokenizer", "llama": out_dir / "llama", "bart": out_dir / "bart"}
