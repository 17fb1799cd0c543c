"""The learned style engine: one persona-conditioned KoBART rewriter.

Input format (the ONE format; `training/style.py` builds its training pairs with
`encode_source` too, so training and serving cannot drift)::

    <s> <style=seonbi> [previous sentence <ctx>] sentence </s>   →   styled sentence </s>

The control token names the SmileStyle label a persona uses (``persona.style.smilestyle``).
The checkpoint folder holds the model, its tokenizer (with the control tokens added) and
``maeum_style.json`` (the styles it was trained for, whether it uses context, lengths).

`KoBARTEngine.rewrite` rewrites all sentences of a reply in one batched ``generate`` (greedy
or beam search), then checks each output (`serving.style.checks`) and falls back to the rule
engine, logging why, for a sentence that fails, for every sentence when the model is missing,
and when the persona's style is not one the model was trained for.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .checks import OutputCheck
from .learned_engine import LearnedEngineBase

if TYPE_CHECKING:
    from serving.personas.schema import Persona

logger = logging.getLogger(__name__)

KOBART_HUB_ID = "hyunwoongko/kobart"
META_FILE = "maeum_style.json"
CONTEXT_TOKEN = "<ctx>"
KOBART_SPECIAL = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
                  "mask_token": "<mask>"}


def control_token(style: str) -> str:
    return f"<style={style}>"


def persona_style(persona: Any) -> str | None:
    """The SmileStyle label a persona asks the learned model for (None: it has none)."""
    style = getattr(persona, "style", None)
    return getattr(style, "smilestyle", None) if style is not None else None


def load_kobart(name_or_path: str):
    """(tokenizer, model) for KoBART by hub id (via kobart-transformers) or a local folder.

    KoBART's tokenizer is a plain `PreTrainedTokenizerFast`: some releases of
    kobart-transformers do not set its special tokens and it has no `model_max_length`,
    so we set the tokens here and always pass truncation/max_length ourselves.
    """
    if name_or_path == KOBART_HUB_ID:
        from kobart_transformers import get_kobart_for_conditional_generation, get_kobart_tokenizer

        tokenizer = get_kobart_tokenizer()
        model = get_kobart_for_conditional_generation()
    else:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        model = AutoModelForSeq2SeqLM.from_pretrained(name_or_path)
    missing = {k: v for k, v in KOBART_SPECIAL.items() if getattr(tokenizer, k, None) is None
               and v in tokenizer.get_vocab()}
    if missing:
        tokenizer.add_special_tokens(missing)
    return tokenizer, model


def add_control_tokens(tokenizer, model, styles: list[str], with_context: bool) -> int:
    """Add `<style=…>` (and `<ctx>`) as special tokens; resize the embeddings. Returns how many were new."""
    tokens = [control_token(s) for s in sorted(styles)] + ([CONTEXT_TOKEN] if with_context else [])
    new = [t for t in tokens if t not in tokenizer.get_vocab()]
    if new:
        try:  # transformers 5 name, then 4.x
            tokenizer.add_special_tokens({"additional_special_tokens": new}, replace_extra_special_tokens=False)
        except TypeError:
            tokenizer.add_special_tokens({"additional_special_tokens": new}, replace_additional_special_tokens=False)
    if len(tokenizer) > model.get_input_embeddings().weight.shape[0]:
        model.resize_token_embeddings(len(tokenizer))
    return len(new)


def encode_source(tokenizer, sentence: str, style: str, context: str | None = None,
                  max_length: int = 128) -> list[int]:
    """``<s> <style=X> [context <ctx>] sentence </s>``, truncated to `max_length` tokens.

    The sentence keeps priority: the context is cut (from its start) before the sentence is.
    """
    style_id = tokenizer.convert_tokens_to_ids(control_token(style))
    body = tokenizer(sentence, add_special_tokens=False)["input_ids"]
    fixed = 3  # <s>, <style=X>, </s>
    body = body[: max(1, max_length - fixed)]
    ids = [tokenizer.bos_token_id, style_id]
    if context:
        budget = max_length - fixed - len(body) - 1
        if budget > 0:
            ctx = tokenizer(context, add_special_tokens=False)["input_ids"][-budget:]
            ids += ctx + [tokenizer.convert_tokens_to_ids(CONTEXT_TOKEN)]
    return ids + body + [tokenizer.eos_token_id]


def encode_target(tokenizer, sentence: str, max_length: int = 128) -> list[int]:
    """Labels: ``sentence </s>`` (the model shifts them right behind ``</s>`` as decoder start)."""
    ids = tokenizer(sentence, add_special_tokens=False)["input_ids"][: max_length - 1]
    return ids + [tokenizer.eos_token_id]


@dataclass
class StyleModelMeta:
    """What a trained checkpoint knows about itself (saved as maeum_style.json)."""

    styles: list[str]
    with_context: bool = False
    max_source_length: int = 128
    max_target_length: int = 128
    base_model: str = ""
    extra: dict = field(default_factory=dict)

    def save(self, folder: str | Path) -> None:
        data = {"styles": self.styles, "with_context": self.with_context,
                "max_source_length": self.max_source_length, "max_target_length": self.max_target_length,
                "base_model": self.base_model, **self.extra}
        Path(folder, META_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> StyleModelMeta:
        data = json.loads(Path(folder, META_FILE).read_text(encoding="utf-8"))
        known = {k: data.pop(k) for k in ("styles", "with_context", "max_source_length", "max_target_length",
                                           "base_model") if k in data}
        return cls(**known, extra=data)


class KoBARTEngine(LearnedEngineBase):
    """Persona-conditioned KoBART rewriter with checked outputs and a rule-engine fallback.

    After each `rewrite`, `last_fallbacks` (index, reason) and `last_raw` (the model's own
    outputs, None where it did not run) describe that call, per thread.
    """

    name = "kobart"

    def __init__(self, model_path: str | Path | None = None, *, model=None, tokenizer=None,
                 meta: StyleModelMeta | None = None, num_beams: int = 1, max_new_tokens: int = 64,
                 check: OutputCheck | None = None, fallback=None, device: str | None = None,
                 max_batch: int = 64, generation_kwargs: dict | None = None):
        self.model_path = str(model_path) if model_path else None
        self.model, self.tokenizer, self.meta = model, tokenizer, meta
        self.num_beams = int(num_beams)
        self.max_new_tokens = int(max_new_tokens)
        self.check = check or OutputCheck()
        self._fallback = fallback
        self.device = device
        self.max_batch = int(max_batch)
        # Extra `generate` arguments (no_repeat_ngram_size, repetition_penalty, min_new_tokens, ...).
        self.generation_kwargs = dict(generation_kwargs or {})
        self.unavailable: str | None = None  # why the model cannot be used, once known
        self._diag = threading.local()
        self._load_lock = threading.Lock()
        self._loaded = model is not None

    # -- loading --------------------------------------------------------------------------
    def _load(self) -> bool:
        import torch

        path = Path(self.model_path) if self.model_path else None
        if path is None:
            self.unavailable = "no style model configured"
        elif not path.is_dir() or not (path / "config.json").exists():
            self.unavailable = f"style model not found at {path}"
        else:
            try:
                self.tokenizer, self.model = load_kobart(str(path))
                if (path / META_FILE).exists():
                    self.meta = StyleModelMeta.load(path)
                else:
                    self.unavailable = f"{path} has no {META_FILE}: not a maeum style checkpoint"
            except Exception as exc:  # noqa: BLE001 - a broken checkpoint must not break serving
                self.unavailable = f"style model at {path} could not be loaded: {exc}"
        if self.unavailable:
            logger.warning("kobart style engine: %s; using the %s engine instead", self.unavailable,
                           getattr(self.fallback, "name", "fallback"))
            return False
        if self.device is None:
            self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(self.device).eval()
        return True

    def _ready(self) -> bool:
        if self.model is not None and self.meta is None:
            # An in-memory model without meta: trust the tokenizer's control tokens.
            styles = [t[len("<style="):-1] for t in self.tokenizer.get_vocab() if t.startswith("<style=")]
            self.meta = StyleModelMeta(styles=sorted(styles),
                                       with_context=CONTEXT_TOKEN in self.tokenizer.get_vocab())
        if self.model is not None and self.device is None:
            self.device = str(next(self.model.parameters()).device)
        return self.load()

    # -- rewriting ------------------------------------------------------------------------
    def rewrite(self, sentences: list[str], persona: "Persona", context=None) -> list[str]:
        self.last_fallbacks = []
        self.last_raw = [None] * len(sentences)  # the model's own outputs, before checks
        if not sentences:
            return []
        out = list(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return out
        style = persona_style(persona)
        reason = None
        if not self._ready():
            reason = self.unavailable
        elif not style:
            reason = f"persona {getattr(persona, 'id', '?')!r} names no SmileStyle style for the learned model"
        elif style not in self.meta.styles:
            reason = f"the style model was not trained for style {style!r} (it knows {', '.join(self.meta.styles)})"
        if reason:
            return self._fall_back(out, sentences, todo, persona, reason, context)
        generated = self.generate([sentences[i] for i in todo], style,
                                  contexts=[sentences[i - 1] if i > 0 else None for i in todo])
        return self._accept_checked(out, sentences, todo, generated, persona, context)

    def generate(self, sentences: list[str], style: str, contexts: list[str | None] | None = None) -> list[str]:
        """Raw model outputs for `sentences` in `style`: one batched generate per `max_batch` sentences."""
        import torch

        if not self._ready():
            raise RuntimeError(self.unavailable)
        tok, meta = self.tokenizer, self.meta
        contexts = contexts if (contexts is not None and meta.with_context) else [None] * len(sentences)
        outputs: list[str] = []
        for start in range(0, len(sentences), self.max_batch):
            chunk = [encode_source(tok, s, style, c, meta.max_source_length)
                     for s, c in zip(sentences[start:start + self.max_batch], contexts[start:start + self.max_batch])]
            width = max(len(ids) for ids in chunk)
            input_ids = torch.full((len(chunk), width), tok.pad_token_id, dtype=torch.long)
            attention = torch.zeros((len(chunk), width), dtype=torch.long)
            for row, ids in enumerate(chunk):  # right padding: the encoder attends only to real tokens
                input_ids[row, : len(ids)] = torch.tensor(ids)
                attention[row, : len(ids)] = 1
            with torch.no_grad():
                generated = self.model.generate(
                    input_ids=input_ids.to(self.device), attention_mask=attention.to(self.device),
                    num_beams=self.num_beams, do_sample=False, max_new_tokens=self.max_new_tokens,
                    early_stopping=self.num_beams > 1, pad_token_id=tok.pad_token_id,
                    eos_token_id=tok.eos_token_id,
                    decoder_start_token_id=self.model.config.decoder_start_token_id,
                    **self.generation_kwargs,
                )
            outputs += [t.strip() for t in tok.batch_decode(generated, skip_special_tokens=True)]
        return outputs
