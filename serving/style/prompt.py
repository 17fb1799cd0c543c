"""The prompt style engine: the LLM itself rewrites sentences in the persona's voice.

When the generator is an LLM, the persona's voice can come from that LLM instead of a
separate model: each sentence becomes one small conversation in the model's own chat
format (`maeum.chat_format.render_for_generation`, the one module every prompt goes
through) — an instruction naming the persona and its speech level as the system prompt,
the persona's example pairs as few-shot turns (neutral sentence → persona sentence), then
the sentence to rewrite. All sentences of a reply go through one batched, left-padded
``generate``; outputs get the same checks and rule-engine fallback as the KoBART engine.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .checks import OutputCheck
from .learned_engine import LearnedEngineBase

if TYPE_CHECKING:
    from serving.personas.schema import Persona

logger = logging.getLogger(__name__)

INSTRUCTION = (
    "당신은 문장의 말투만 바꾸는 편집자입니다. 사용자가 주는 문장을 '{name}'의 말투({level})로 바꿔 "
    "쓰세요. {description} 뜻, 숫자, 이름은 그대로 두고, 바꾼 문장 하나만 답하세요."
)


def build_messages(sentence: str, persona: Any, n_examples: int = 6) -> tuple[str, list[dict]]:
    """(system prompt, few-shot conversation ending with the sentence to rewrite)."""
    style = getattr(persona, "style", None)
    level = getattr(getattr(style, "speech_level", None), "value", getattr(style, "speech_level", None))
    system = INSTRUCTION.format(name=getattr(persona, "name", getattr(persona, "id", "persona")),
                                level=level or "페르소나의 말투",
                                description=(getattr(persona, "description", "") or "").strip()).replace("  ", " ")
    messages: list[dict] = []
    for ex in (getattr(persona, "examples", None) or [])[:n_examples]:
        messages += [{"role": "user", "content": ex.neutral}, {"role": "assistant", "content": ex.persona}]
    messages.append({"role": "user", "content": sentence})
    return system, messages


class PromptEngine(LearnedEngineBase):
    """Few-shot persona rewriting by a causal LM (a path, or a model + tokenizer pair)."""

    name = "prompt"

    def __init__(self, model_path: str | Path | None = None, *, model=None, tokenizer=None,
                 chat_format: str | None = None, n_examples: int = 6, num_beams: int = 1,
                 max_new_tokens: int = 64, check: OutputCheck | None = None, fallback=None,
                 device: str | None = None, max_batch: int = 32):
        self.model_path = str(model_path) if model_path else None
        self.model, self.tokenizer = model, tokenizer
        self.chat_format = chat_format
        self.n_examples = n_examples
        self.num_beams = int(num_beams)
        self.max_new_tokens = int(max_new_tokens)
        self.check = check or OutputCheck()
        self._fallback = fallback
        self.device = device
        self.max_batch = max_batch
        self.unavailable: str | None = None
        self._diag = threading.local()
        self._load_lock = threading.Lock()
        self._loaded = False

    def _load(self) -> bool:
        import torch

        from maeum.chat_format import format_for_model, get_format

        if self.model is None:
            if not self.model_path or not Path(self.model_path).exists():
                self.unavailable = f"prompt engine model not found at {self.model_path}"
            else:
                try:
                    from transformers import AutoModelForCausalLM, AutoTokenizer

                    self.tokenizer = AutoTokenizer.from_pretrained(self.model_path)
                    self.model = AutoModelForCausalLM.from_pretrained(self.model_path)
                except Exception as exc:  # noqa: BLE001
                    self.unavailable = f"prompt engine model at {self.model_path} could not be loaded: {exc}"
        if self.unavailable:
            logger.warning("prompt style engine: %s; using the %s engine instead", self.unavailable,
                           getattr(self.fallback, "name", "fallback"))
            return False
        if self.chat_format is None:
            name = self.model_path or getattr(self.model, "name_or_path", "") or ""
            fmt = format_for_model(name)
            if fmt == "auto" and not getattr(self.tokenizer, "chat_template", None):
                fmt = "eeve"
            self.chat_format = fmt
        self._fmt = get_format(self.chat_format)
        if self.device is None:
            self.device = str(next(self.model.parameters()).device) if self.model_path is None else (
                "cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()
        return True

    def _eos_ids(self) -> list[int]:
        from maeum.chat_format import eos_token_ids

        try:
            return eos_token_ids(self.tokenizer, self._fmt)
        except Exception:  # noqa: BLE001 - 'auto' format has no eos of its own
            return [self.tokenizer.eos_token_id]

    def prompts(self, sentences: list[str], persona) -> list[list[int]]:
        from maeum.chat_format import render_for_generation

        out = []
        for sentence in sentences:
            system, messages = build_messages(sentence, persona, self.n_examples)
            out.append(render_for_generation(messages, self.tokenizer, self._fmt, system_prompt=system).input_ids)
        return out

    def generate(self, sentences: list[str], persona) -> list[str]:
        """Raw outputs: one batched generate (left padding) per `max_batch` sentences."""
        import torch

        tok = self.tokenizer
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        outputs: list[str] = []
        for start in range(0, len(sentences), self.max_batch):
            prompts = self.prompts(sentences[start:start + self.max_batch], persona)
            width = max(len(p) for p in prompts)
            ids = torch.full((len(prompts), width), pad, dtype=torch.long)
            mask = torch.zeros((len(prompts), width), dtype=torch.long)
            for row, p in enumerate(prompts):  # left padding: every prompt ends where generation starts
                ids[row, width - len(p):] = torch.tensor(p)
                mask[row, width - len(p):] = 1
            with torch.no_grad():
                generated = self.model.generate(
                    input_ids=ids.to(self.device), attention_mask=mask.to(self.device), do_sample=False,
                    num_beams=self.num_beams, max_new_tokens=self.max_new_tokens, pad_token_id=pad,
                    eos_token_id=self._eos_ids(),
                )
            for row in generated[:, width:]:
                outputs.append(self._clean(tok.decode(row, skip_special_tokens=False)))
        return outputs

    def _clean(self, text: str) -> str:
        """Cut at the first stop string (the model starting a new turn) and keep the first line."""
        stops = list(self._fmt.stop_strings) + [t for t in (self.tokenizer.eos_token, self.tokenizer.pad_token) if t]
        for stop in stops:
            if stop and stop in text:
                text = text[: text.index(stop)]
        for special in self.tokenizer.all_special_tokens:
            text = text.replace(special, "")
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        return lines[0] if lines else ""

    def rewrite(self, sentences: list[str], persona: "Persona", context=None) -> list[str]:
        self.last_fallbacks = []
        self.last_raw = [None] * len(sentences)  # the model's own outputs, before checks
        out = list(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo:
            return out
        if not self.load():
            return self._fall_back(out, sentences, todo, persona, {i: self.unavailable for i in todo}, context)
        if not getattr(persona, "examples", None):
            return self._fall_back(out, sentences, todo, persona,
                                   {i: f"persona {getattr(persona, 'id', '?')!r} has no examples" for i in todo}, context)
        try:
            generated = self.generate([sentences[i] for i in todo], persona)
        except Exception as exc:  # noqa: BLE001 - never raise on odd text
            failed = {i: f"generation failed: {exc}" for i in todo}
            return self._fall_back(out, sentences, todo, persona, failed, context)
        return self._accept_checked(out, sentences, todo, generated, persona, context)
