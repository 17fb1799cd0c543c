"""Local generation with `transformers`: base model + LoRA adapter, streamed token by token.

- The prompt is built by `maeum.chat_format.render_for_generation` in the model's format
  (the one it was trained in), ends at the assistant turn, and generation stops at the
  format's end token (`eos_token_ids`) or stop strings.
- `load_in_4bit` loads the base in NF4 with bitsandbytes (CUDA only).
- One lock per model: concurrent users queue for `generate` instead of interleaving on
  one model (and one GPU). The text streams through `TextIteratorStreamer` from a worker
  thread; closing the stream (the user left) stops generation at the next token.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from maeum.chat_format import eos_token_ids, format_for_model, get_format, render_for_generation
from maeum.errors import ConfigError

from .base import BaseGenerator, GenerationError, GenerationRequest, stream_with_stops

logger = logging.getLogger(__name__)

BUSY_MESSAGE = "지금 다른 분들의 답변을 만드느라 바빠요. 잠시 후 다시 시도해 주세요."


def _adapter_base(adapter_path: str) -> str | None:
    config = Path(adapter_path) / "adapter_config.json"
    if not config.exists():
        raise ConfigError(f"{adapter_path} is not a LoRA adapter folder (no adapter_config.json)")
    try:
        return json.loads(config.read_text(encoding="utf-8")).get("base_model_name_or_path")
    except ValueError as exc:
        raise ConfigError(f"{config}: invalid JSON ({exc})") from None


def _has_tokenizer(folder: str) -> bool:
    p = Path(folder)
    return p.is_dir() and any((p / name).exists() for name in ("tokenizer.json", "tokenizer.model",
                                                                "tokenizer_config.json"))


class TransformersGenerator(BaseGenerator):
    name = "transformers"

    def __init__(self, model_name_or_path: str | None, adapter_path: str | None = None, *,
                 chat_format: str | None = None, load_in_4bit: bool = False, device: str | None = None,
                 temperature: float = 0.7, top_p: float = 0.9, max_new_tokens: int = 256,
                 repetition_penalty: float = 1.1, queue_timeout: float = 300.0, model=None, tokenizer=None):
        """`model` + `tokenizer` (both) serve an already loaded model instead of loading one (benchmarks)."""
        import torch

        if adapter_path and not model_name_or_path:
            model_name_or_path = _adapter_base(adapter_path)
        if not model_name_or_path:
            raise ConfigError("the transformers generator needs a model: --model ID_OR_PATH (or MAEUM_MODEL)")
        if adapter_path:
            base = _adapter_base(adapter_path)
            if base and Path(base).name != Path(model_name_or_path).name:
                logger.warning("adapter %s was trained on %s, but the base model is %s", adapter_path, base,
                               model_name_or_path)
        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if load_in_4bit and not device.startswith("cuda"):
            raise ConfigError("load_in_4bit needs a CUDA GPU (bitsandbytes); on this machine leave it off")
        self.model_name_or_path = model_name_or_path
        self.adapter_path = adapter_path
        self.device = device
        self.format = get_format(chat_format or format_for_model(model_name_or_path))
        if model is not None:
            if tokenizer is None:
                raise ConfigError("a preloaded model needs its tokenizer too")
            self.tokenizer = tokenizer
        else:
            model = self._load(model_name_or_path, adapter_path, load_in_4bit, device)
        model.eval()
        self.model = model
        self.context_window = int(getattr(model.config, "max_position_embeddings", 0) or 0) or None
        self.eos_ids = eos_token_ids(self.tokenizer, self.format)
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.eos_ids[0]
        self.sampling = dict(temperature=temperature, top_p=top_p, max_new_tokens=max_new_tokens,
                             repetition_penalty=repetition_penalty)
        self.max_new_tokens = max_new_tokens
        self.queue_timeout = queue_timeout
        self._lock = threading.Lock()  # one generate() at a time on this model
        self._in_flight: dict[threading.Thread, threading.Event] = {}  # generate threads and their cancel flags
        logger.info("transformers generator: %s%s on %s (%s format)", model_name_or_path,
                    f" + {adapter_path}" if adapter_path else "", device, self.format.name)

    def _load(self, model_name_or_path: str, adapter_path: str | None, load_in_4bit: bool, device: str):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer_source = adapter_path if adapter_path and _has_tokenizer(adapter_path) else model_name_or_path
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(tokenizer_source)
            kwargs: dict = {}
            if load_in_4bit:
                from transformers import BitsAndBytesConfig

                kwargs["quantization_config"] = BitsAndBytesConfig(
                    load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                    bnb_4bit_compute_dtype=torch.bfloat16)
                kwargs["device_map"] = {"": torch.device(device).index or 0}
            elif device.startswith("cuda"):
                kwargs["dtype"] = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
            model = AutoModelForCausalLM.from_pretrained(model_name_or_path, **kwargs)
        except OSError as exc:
            raise ConfigError(f"cannot load the model {model_name_or_path!r}: {exc}") from None
        if not load_in_4bit:
            model.to(device)
        if adapter_path:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, adapter_path)
        return model

    @property
    def model_lock(self) -> threading.Lock:
        """Held while this model generates; anything else running `generate` on it takes it too."""
        return self._lock

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def prompt_tokens(self, request: GenerationRequest) -> int:
        return len(render_for_generation(request.messages, self.tokenizer, self.format,
                                         system_prompt=request.system_prompt).input_ids)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        return stream_with_stops(self._stream_tokens(request), self.format.stop_strings)

    def _stream_tokens(self, request: GenerationRequest) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        prompt = render_for_generation(request.messages, self.tokenizer, self.format,
                                       system_prompt=request.system_prompt)
        if self.context_window and len(prompt.input_ids) >= self.context_window:
            raise GenerationError(f"prompt of {len(prompt.input_ids)} tokens does not fit the model's context "
                                  f"of {self.context_window}", "대화가 너무 길어졌어요. 새 대화를 시작해 주세요.")
        cancel = threading.Event()

        class _Cancelled(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return torch.full((input_ids.shape[0],), cancel.is_set(), dtype=torch.bool, device=input_ids.device)

        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        max_new = self.max_new_tokens
        if self.context_window:
            max_new = max(1, min(max_new, self.context_window - len(prompt.input_ids)))
        do_sample = self.sampling["temperature"] > 0
        gen_kwargs = dict(
            input_ids=torch.tensor([prompt.input_ids], device=self.model.device),
            attention_mask=torch.ones((1, len(prompt.input_ids)), dtype=torch.long, device=self.model.device),
            streamer=streamer, max_new_tokens=max_new, do_sample=do_sample,
            repetition_penalty=self.sampling["repetition_penalty"], eos_token_id=self.eos_ids,
            pad_token_id=self.pad_id, stopping_criteria=StoppingCriteriaList([_Cancelled()]),
        )
        if do_sample:
            gen_kwargs.update(temperature=self.sampling["temperature"], top_p=self.sampling["top_p"])
        if self.format.stop_strings:
            gen_kwargs.update(stop_strings=list(self.format.stop_strings), tokenizer=self.tokenizer)

        if not self._lock.acquire(timeout=self.queue_timeout):
            raise GenerationError("timed out waiting for the model lock", BUSY_MESSAGE)
        failure: list[BaseException] = []

        def work():
            try:
                with torch.inference_mode():
                    self.model.generate(**gen_kwargs)
            except BaseException as exc:  # surfaced to the reader below
                failure.append(exc)
                streamer.end()
            finally:
                self._lock.release()

        thread = threading.Thread(target=work, name="maeum-generate", daemon=True)
        try:
            thread.start()
        except BaseException:
            self._lock.release()
            raise
        self._in_flight[thread] = cancel
        try:
            for piece in streamer:
                if failure:
                    break
                if piece:
                    yield piece
        finally:
            cancel.set()  # no-op when generation already ended; stops it when the reader left early
            thread.join(timeout=60)
            self._in_flight.pop(thread, None)
        if failure:
            exc = failure[0]
            logger.error("generation failed: %r", exc)
            raise GenerationError(f"generation failed: {exc!r}") from exc

    def close(self) -> None:
        """Stop and wait for generation still running: a reply cut at the deadline leaves its stream
        unclosed until the next piece, and a daemon thread inside torch at exit aborts the process."""
        for thread, cancel in list(self._in_flight.items()):
            cancel.set()
            thread.join(timeout=60)
            self._in_flight.pop(thread, None)


def wait_idle(generator: TransformersGenerator, timeout: float = 10.0) -> bool:
    """True once no generation holds the model (tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if generator._lock.acquire(timeout=0.05):
            generator._lock.release()
            return True
    return False
