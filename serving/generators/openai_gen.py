"""Any OpenAI-compatible chat server, in particular vLLM serving the base model with our
LoRA adapters (`vllm serve ... --enable-lora --lora-modules maeum-dpo=ADAPTER`; docs/serving.md).

Streaming chat completions. Before the first token arrives, connection errors, timeouts,
429 and 5xx are retried (`retries` extra attempts, backing off); once text has been shown
a failure is not retried (the user would see the reply twice) but reported. Unreachable
servers give a clear Korean message for the chat and an English one for the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from maeum.chat_format import get_format

from .base import BaseGenerator, GenerationError, GenerationRequest, GeneratorUnavailable, stream_with_stops

logger = logging.getLogger(__name__)

UNREACHABLE_MESSAGE = ("지금은 답변을 만드는 모델 서버에 연결할 수 없어요. 잠시 후 다시 시도해 주세요. "
                       "계속 이러면 관리자에게 알려 주세요.")
TIMEOUT_MESSAGE = "모델 서버의 응답이 너무 늦어요. 잠시 후 다시 시도해 주세요."
REJECTED_MESSAGE = "모델 서버가 요청을 거절했어요. 관리자에게 알려 주세요."
_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class OpenAIGenerator(BaseGenerator):
    name = "openai"

    def __init__(self, base_url: str, model: str, *, api_key: str = "EMPTY", timeout: float = 60.0,
                 retries: int = 2, chat_format: str | None = "auto", temperature: float = 0.7, top_p: float = 0.9,
                 max_new_tokens: int = 256, extra_body: dict[str, Any] | None = None,
                 context_window: int | None = None, backoff: float = 0.5):
        from openai import OpenAI

        self.base_url = base_url
        self.model = model
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.stop_strings = list(get_format(chat_format or "auto").stop_strings)
        self.sampling = dict(temperature=temperature, top_p=top_p, max_tokens=max_new_tokens)
        self.extra_body = dict(extra_body or {})
        self.context_window = context_window
        # our own retry loop (below) knows whether text was already shown; the client's does not
        self.client = OpenAI(base_url=base_url, api_key=api_key or "EMPTY", timeout=timeout, max_retries=0)

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # pragma: no cover
            pass

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        return stream_with_stops(self._stream(request), self.stop_strings)

    def _stream(self, request: GenerationRequest) -> Iterator[str]:
        import openai

        messages = self.full_messages(request)
        attempt = 0
        while True:
            shown = False
            stream = None
            try:
                kwargs: dict[str, Any] = dict(model=self.model, messages=messages, stream=True, **self.sampling)
                if self.stop_strings:
                    kwargs["stop"] = self.stop_strings[:4]
                if self.extra_body:
                    kwargs["extra_body"] = self.extra_body
                stream = self.client.chat.completions.create(**kwargs)
                finish = None
                for chunk in stream:
                    if not chunk.choices:
                        continue
                    finish = chunk.choices[0].finish_reason or finish
                    piece = chunk.choices[0].delta.content if chunk.choices[0].delta else None
                    if piece:
                        shown = True
                        yield piece
                if finish is None or finish == "length":  # cut by the token limit, or no end marker
                    request.stop_reason = "length" if finish == "length" else "unterminated"
                return
            except openai.APIStatusError as exc:
                status = exc.status_code
                if status in _RETRY_STATUS and not shown and attempt < self.retries:
                    attempt = self._wait(attempt, f"HTTP {status}")
                    continue
                if status in (401, 403):
                    raise GenerationError(f"{self.base_url}: HTTP {status} (check the API key)", REJECTED_MESSAGE) \
                        from exc
                if status == 404:
                    raise GenerationError(f"{self.base_url}: model {self.model!r} not found (HTTP 404); check "
                                          f"MAEUM_OPENAI__MODEL against the server's --lora-modules / "
                                          f"--served-model-name", REJECTED_MESSAGE) from exc
                if status in _RETRY_STATUS:
                    raise GeneratorUnavailable(f"{self.base_url}: HTTP {status} after {attempt + 1} attempts",
                                               UNREACHABLE_MESSAGE) from exc
                raise GenerationError(f"{self.base_url}: HTTP {status}: {exc.message}", REJECTED_MESSAGE) from exc
            except (openai.APITimeoutError, TimeoutError) as exc:
                if not shown and attempt < self.retries:
                    attempt = self._wait(attempt, "timeout")
                    continue
                raise GeneratorUnavailable(f"{self.base_url}: timed out after {self.timeout}s "
                                           f"({attempt + 1} attempts)", TIMEOUT_MESSAGE) from exc
            except openai.APIConnectionError as exc:
                if not shown and attempt < self.retries:
                    attempt = self._wait(attempt, "connection error")
                    continue
                raise GeneratorUnavailable(f"cannot reach the model server at {self.base_url} "
                                           f"({attempt + 1} attempts): {exc}", UNREACHABLE_MESSAGE) from exc
            except GenerationError:
                raise
            except Exception as exc:  # e.g. the connection dropped mid-stream (raw transport errors)
                if _is_timeout(exc):
                    raise GeneratorUnavailable(f"{self.base_url}: stream timed out: {exc!r}", TIMEOUT_MESSAGE) \
                        from exc
                if not shown and attempt < self.retries and _is_transport(exc):
                    attempt = self._wait(attempt, repr(exc))
                    continue
                raise GeneratorUnavailable(f"{self.base_url}: stream failed: {exc!r}", UNREACHABLE_MESSAGE) \
                    from exc
            finally:
                if stream is not None:
                    try:
                        stream.close()
                    except Exception:  # pragma: no cover
                        pass

    def _wait(self, attempt: int, why: str) -> int:
        delay = self.backoff * (2 ** attempt)
        logger.warning("model server %s: %s; retrying in %.1fs (attempt %d of %d)", self.base_url, why, delay,
                       attempt + 2, self.retries + 1)
        time.sleep(delay)
        return attempt + 1


def _is_timeout(exc: BaseException) -> bool:
    return "timeout" in type(exc).__name__.lower()


def _is_transport(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith(("httpx", "httpcore", "h11")) or isinstance(exc, (ConnectionError, OSError))
