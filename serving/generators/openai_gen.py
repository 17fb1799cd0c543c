"""Any OpenAI-compatible chat server, in particular vLLM serving the base model with our
LoRA adapters (`vllm serve ... --enable-lora --lora-modules maeum-dpo=ADAPTER`; docs/serving.md),
or `transformers serve` (tested against it with the tiny model: tests/test_openai_serve.py).

Streaming chat completions. Before the first token arrives, connection errors, timeouts,
429 and 5xx are retried (`retries` extra attempts, backing off) within one deadline
(`timeout` seconds from the request to the first token), so a server that never answers costs the user that long, not
attempts × timeout; once text has been shown a failure is not retried (the user would see
the reply twice) but reported. HTTP 422 naming our `extra_body` fields (vLLM-only extras such
as `stop_token_ids` sent to another server) is retried once without them, and the server's
explanation is logged. An error event inside the stream is a `ServerStreamError` with the
server's message. `stream()` returns a `ReplyStream` whose `finish_reason` tells a complete
reply ("stop") from one cut by `max_tokens` ("length") or by a stream that just ended ("cut").
Stop strings come from the served model's chat format (`served_format`; the source is logged).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from .base import (BaseGenerator, GenerationError, GenerationRequest, GeneratorUnavailable, ReplyStream,
                   ServerStreamError)
from .served_format import FormatChoice, resolve_served_format

logger = logging.getLogger(__name__)

UNREACHABLE_MESSAGE = ("지금은 답변을 만드는 모델 서버에 연결할 수 없어요. 잠시 후 다시 시도해 주세요. "
                       "계속 이러면 관리자에게 알려 주세요.")
TIMEOUT_MESSAGE = "모델 서버의 응답이 너무 늦어요. 잠시 후 다시 시도해 주세요."
REJECTED_MESSAGE = "모델 서버가 요청을 거절했어요. 관리자에게 알려 주세요."
SERVER_ERROR_MESSAGE = "모델 서버가 답변을 만들다가 오류를 알렸어요. 잠시 후 다시 시도해 주세요."
_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}
_MODEL_LIST_READ_S = 5.0  # the /v1/models look-up for the chat format must not eat the user's wait


class OpenAIGenerator(BaseGenerator):
    name = "openai"

    def __init__(self, base_url: str, model: str, *, api_key: str = "EMPTY", timeout: float = 30.0,
                 connect_timeout: float = 5.0, retries: int = 2,
                 chat_format: str | None = None, adapter_path: str | None = None, model_path: str | None = None,
                 temperature: float = 0.7, top_p: float = 0.9, max_new_tokens: int = 256,
                 extra_body: dict[str, Any] | None = None, context_window: int | None = None, backoff: float = 0.5):
        from openai import OpenAI

        self.base_url = base_url
        self.model = model
        # One deadline for every attempt until the first token; also the longest gap between chunks.
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retries = retries
        self.backoff = backoff
        self.sampling = dict(temperature=temperature, top_p=top_p, max_tokens=max_new_tokens)
        self.extra_body = dict(extra_body or {})
        self.context_window = context_window
        self._format_hints = dict(explicit=chat_format, adapter_path=adapter_path, model_path=model_path)
        self._format: FormatChoice | None = None
        self._format_lock = threading.Lock()
        # our own retry loop (below) knows whether text was already shown; the client's does not
        self.client = OpenAI(base_url=base_url, api_key=api_key or "EMPTY", max_retries=0,
                             timeout=self._timeout(timeout))

    def _timeout(self, read: float):
        from openai import Timeout

        return Timeout(read, connect=min(self.connect_timeout, read))

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # pragma: no cover
            pass

    # ---- chat format (stop strings) ---------------------------------------------------------

    def chat_format(self, remaining: float | None = None) -> FormatChoice:
        """The served model's format and where it came from; looked up once, on first use."""
        with self._format_lock:
            if self._format is not None:
                return self._format
            served, answered = self._served_models(remaining)
            choice = resolve_served_format(self._format_hints["explicit"], model=self.model,
                                           adapter_path=self._format_hints["adapter_path"],
                                           model_path=self._format_hints["model_path"], served=served)
            if choice.stop_strings:
                logger.info("openai generator %s @ %s: chat format %s from %s; stop strings %r", self.model,
                            self.base_url, choice.name, choice.source, choice.stop_strings)
            else:
                logger.warning("openai generator %s @ %s: chat format %s from %s; no stop strings are sent "
                               "(set MAEUM_CHAT_FORMAT=eeve|kullm3 or MAEUM_ADAPTER to the adapter folder)",
                               self.model, self.base_url, choice.name, choice.source)
            if answered or choice.source.startswith(("the chat_format", "run card")):
                self._format = choice  # else: ask the server again next time (it may come up)
            return choice

    def _served_models(self, remaining: float | None) -> tuple[list[dict], bool]:
        """The server's /v1/models entries (vLLM adds `root`/`parent`), and whether it answered."""
        if self._format_hints["explicit"]:
            return [], False
        import openai

        read = min(_MODEL_LIST_READ_S, remaining if remaining is not None else _MODEL_LIST_READ_S)
        try:
            page = self.client.models.list(timeout=self._timeout(max(read, 0.1)))
            return [m.model_dump() for m in page.data], True
        except openai.APIStatusError:
            return [], True  # answered, just lists nothing useful
        except (openai.APIError, TimeoutError, OSError) as exc:
            logger.info("model server %s: cannot list models (%s)", self.base_url, exc)
            return [], False

    # ---- streaming --------------------------------------------------------------------------

    def stream(self, request: GenerationRequest) -> ReplyStream:
        deadline = time.monotonic() + self.timeout
        stops = self.chat_format(self.timeout).stop_strings
        return ReplyStream(lambda reply: self._stream(request, reply, stops, deadline), stops)

    def _request(self, messages, stops: list[str], extra_body: dict, read: float) -> Any:
        kwargs: dict[str, Any] = dict(model=self.model, messages=messages, stream=True, **self.sampling,
                                      timeout=self._timeout(read))
        if stops:
            kwargs["stop"] = stops[:4]
        if extra_body:
            kwargs["extra_body"] = extra_body
        return self.client.chat.completions.create(**kwargs)

    def _stream(self, request: GenerationRequest, reply: ReplyStream, stops: list[str],
                deadline: float) -> Iterator[str]:
        import openai

        messages = self.full_messages(request)
        extra_body = dict(self.extra_body)
        attempt = 0
        while True:
            shown = False
            stream = None
            try:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no first token before the deadline")
                stream = self._request(messages, stops, extra_body, remaining)
                finish = None
                for chunk in stream:
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    piece = choice.delta.content if choice.delta else None
                    if piece:
                        shown = True
                        yield piece
                    elif not shown and time.monotonic() > deadline:
                        raise TimeoutError("no first token before the deadline")
                    finish = choice.finish_reason or finish
                reply.finish_reason = finish or "cut"
                if reply.finish_reason != "stop":
                    logger.warning("model server %s: reply incomplete (finish_reason %s)", self.base_url,
                                   reply.finish_reason)
                if reply.finish_reason in ("length", "cut"):  # what the pipeline stores as incomplete
                    request.stop_reason = "length" if reply.finish_reason == "length" else "unterminated"
                return
            except openai.APIStatusError as exc:
                status, explanation = exc.status_code, _explanation(exc)
                refused = _refused_extras(explanation, extra_body) if status in (400, 422) and not shown else []
                if refused:
                    logger.warning("model server %s refused %s (HTTP %d: %s); retrying without them", self.base_url,
                                   ", ".join(refused), status, explanation)
                    for key in refused:
                        extra_body.pop(key)
                    self.extra_body = dict(extra_body)  # the server will not take them next time either
                    continue
                if status in _RETRY_STATUS and not shown and attempt < self.retries and _time_left(deadline):
                    attempt = self._wait(attempt, f"HTTP {status}: {explanation}", deadline)
                    continue
                if status in (401, 403):
                    raise GenerationError(f"{self.base_url}: HTTP {status} (check the API key): {explanation}",
                                          REJECTED_MESSAGE) from exc
                if status == 404:
                    raise GenerationError(f"{self.base_url}: model {self.model!r} not found (HTTP 404: "
                                          f"{explanation}); check MAEUM_OPENAI__MODEL against the server's "
                                          f"--lora-modules / --served-model-name", REJECTED_MESSAGE) from exc
                if status in _RETRY_STATUS:
                    raise GeneratorUnavailable(f"{self.base_url}: HTTP {status} after {attempt + 1} attempts: "
                                               f"{explanation}", UNREACHABLE_MESSAGE) from exc
                raise GenerationError(f"{self.base_url}: HTTP {status}: {explanation}", REJECTED_MESSAGE) from exc
            except (openai.APITimeoutError, TimeoutError) as exc:
                if not shown and attempt < self.retries and _time_left(deadline):
                    attempt = self._wait(attempt, "timeout", deadline)
                    continue
                waited = "between streamed chunks" if shown else "before the first token"
                raise GeneratorUnavailable(f"{self.base_url}: timed out {waited} ({attempt + 1} attempts; "
                                           f"timeout {self.timeout}s)", TIMEOUT_MESSAGE) from exc
            except openai.APIConnectionError as exc:
                if not shown and attempt < self.retries and _time_left(deadline):
                    attempt = self._wait(attempt, "connection error", deadline)
                    continue
                raise GeneratorUnavailable(f"cannot reach the model server at {self.base_url} "
                                           f"({attempt + 1} attempts): {exc}", UNREACHABLE_MESSAGE) from exc
            except openai.APIError as exc:  # an error event inside a 200 stream: the server failed, not the link
                explanation = _explanation(exc)
                raise ServerStreamError(f"{self.base_url}: the server reported an error mid-stream: {explanation}",
                                        SERVER_ERROR_MESSAGE, server_message=explanation, after_text=shown) from exc
            except GenerationError:
                raise
            except Exception as exc:  # e.g. the connection dropped mid-stream (raw transport errors)
                if _is_timeout(exc):
                    raise GeneratorUnavailable(f"{self.base_url}: stream timed out: {exc!r}", TIMEOUT_MESSAGE) \
                        from exc
                if not shown and attempt < self.retries and _is_transport(exc) and _time_left(deadline):
                    attempt = self._wait(attempt, repr(exc), deadline)
                    continue
                raise GeneratorUnavailable(f"{self.base_url}: stream failed: {exc!r}", UNREACHABLE_MESSAGE) \
                    from exc
            finally:
                if stream is not None:
                    try:
                        stream.close()
                    except Exception:  # pragma: no cover
                        pass

    def _wait(self, attempt: int, why: str, deadline: float) -> int:
        delay = min(self.backoff * (2 ** attempt), max(deadline - time.monotonic(), 0.0))
        logger.warning("model server %s: %s; retrying in %.1fs (attempt %d of %d)", self.base_url, why, delay,
                       attempt + 2, self.retries + 1)
        time.sleep(delay)
        return attempt + 1


def _time_left(deadline: float) -> bool:
    return deadline - time.monotonic() > 0.05


def _explanation(exc: Exception) -> str:
    """The server's own words: vLLM/OpenAI {"error": {"message"}}, FastAPI {"detail"}, a bare string."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            detail = error.get("message") or error.get("detail")
            if detail:
                return str(detail)
        elif error:
            return str(error)
    if isinstance(body, str) and body:
        return body
    return str(getattr(exc, "message", "") or exc)


def _refused_extras(explanation: str, extra_body: dict) -> list[str]:
    """Our extra_body keys the server's refusal names (all of them when it names none of our keys
    but complains about unexpected/extra fields)."""
    named = [key for key in extra_body if key in explanation]
    if named:
        return named
    lowered = explanation.lower()
    if extra_body and any(word in lowered for word in ("unexpected", "extra", "unrecognized", "not permitted")):
        return list(extra_body)
    return []


def _is_timeout(exc: BaseException) -> bool:
    return "timeout" in type(exc).__name__.lower()


def _is_transport(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith(("httpx", "httpcore", "h11")) or isinstance(exc, (ConnectionError, OSError))
