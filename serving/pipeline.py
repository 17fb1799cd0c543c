"""One chat turn, end to end:

    sanitise → safety → emotion → store the user's message → history window → generate
    → split into sentences (as tokens arrive) → style each sentence → output checks → store

`ChatPipeline` holds only shared, read-only things (settings, store, generator, personas,
style engines); everything about a conversation lives in the store, keyed by its id, so
one pipeline serves any number of users and threads at once.

`run_turn` and `regenerate` are generators of `TurnEvent`s, in this order::

    ignored                                    (empty input: nothing stored)
    accepted, sentence*, done                  (success)
    accepted, sentence*, error                 (generation failed: the user's message and
                                                the error are stored; offer `regenerate`)
    error (extra["unsaved"] is True)           (the database did not take the message: nothing
                                                stored; the UI keeps the text and offers to resend)

`run_turn` never raises for a store failure. A reply cut at the deadline or the length cap,
or whose stream ended without its end marker, is stored with ``incomplete`` (``done.extra``
has ``incomplete`` and ``stop_reason``) and is never exported as a chosen reply.

The UI shows "sentence" events as they come and then replaces the streamed text with
``done.reply`` (the final, checked text; it differs from the streamed sentences only when
the whole-reply output check changed something).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from serving.config import ServingSettings

if TYPE_CHECKING:
    from serving.generators.base import Generator
    from serving.store import HistoryItem, Store, TurnInputs

logger = logging.getLogger(__name__)

EventKind = Literal["accepted", "sentence", "done", "error", "ignored"]


@dataclass
class TurnEvent:
    """One step of a turn, for the UI.

    - ``accepted``: ``turn_id``, ``emotion`` (label, score), ``safety`` ("none"|"concern"|"crisis"),
      ``notice`` (Korean text when the message was truncated or cleaned, else None), ``extra["act"]``
      (the message act, serving.acts);
    - ``sentence``: ``text``, one styled sentence, in order;
    - ``done``: ``turn_id``, ``reply_id``, ``reply`` (styled full text), ``raw_reply``,
      ``latency_ms``, ``crisis``;
    - ``error``: ``turn_id`` and a Korean ``message`` (the UI offers `regenerate(turn_id)`);
      ``turn_id`` is None when nothing was stored (the conversation no longer exists);
    - ``ignored``: empty or whitespace-only input; nothing was stored.
    """

    kind: EventKind
    turn_id: int | None = None
    text: str | None = None
    emotion: tuple[str, float] | None = None
    safety: str | None = None
    notice: str | None = None
    reply_id: int | None = None
    reply: str | None = None
    raw_reply: str | None = None
    latency_ms: float | None = None
    crisis: bool = False
    message: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # first_sentence_ms, problems, ...


ERROR_MESSAGE = "답변을 만드는 중에 문제가 생겼어요. 잠시 후 다시 시도해 주세요."
EMPTY_REPLY_MESSAGE = "이번에는 답변을 만들지 못했어요. 다시 시도해 주세요."
INTERRUPTED_MESSAGE = "답변이 중간에 멈췄어요. 다시 시도해 주세요."
GONE_MESSAGE = "이 대화를 더 이상 찾을 수 없어요. 새 대화를 시작해 주세요."
UNSAVED_MESSAGE = "지금은 메시지를 저장하지 못해서 보내지 않았어요. 적은 글은 그대로 있으니 잠시 후 다시 보내 주세요."


class _TimedPieces:
    """Wraps the generator's stream: measures the time spent waiting on it, and ends it at the
    deadline (a `time.perf_counter()` value) or after `max_chars` characters (`stop_reason`).

    With a finite deadline the stream is read on a helper thread, so a generator that stalls
    between pieces (a server that stops sending) is still cut at the deadline, not at its next piece.
    """

    def __init__(self, pieces: Iterator[str], deadline: float = float("inf"), max_chars: int | None = None):
        self._pieces = pieces
        self.waiting = 0.0
        self.first_piece_at: float | None = None
        self.deadline, self.max_chars = deadline, max_chars
        self.chars = 0
        self.stop_reason: str | None = None
        self._reader: _StreamReader | None = _StreamReader(pieces) if deadline != float("inf") else None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.stop_reason is None and time.perf_counter() >= self.deadline:
            self._cut("deadline")
        if self.stop_reason is not None:
            raise StopIteration
        start = time.perf_counter()
        try:
            if self._reader is None:
                piece = next(self._pieces)
            else:
                piece = self._reader.next_before(self.deadline)
                if piece is None:  # nothing came before the deadline
                    self._cut("deadline")
                    raise StopIteration
        finally:
            self.waiting += time.perf_counter() - start
        if self.first_piece_at is None:
            self.first_piece_at = time.perf_counter()
        if self.max_chars is not None and self.chars + len(piece) > self.max_chars:
            piece = piece[: self.max_chars - self.chars]
            self._cut("length")
        elif time.perf_counter() >= self.deadline:
            self._cut("deadline")
        self.chars += len(piece)
        return piece

    def _cut(self, reason: str) -> None:
        self.stop_reason = reason
        self.close()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.stop()
            return
        close = getattr(self._pieces, "close", None)
        if close is not None:
            close()


_END = object()


class _StreamReader:
    """Reads a piece iterator on a daemon thread into a queue. `stop()` asks the thread to close
    the iterator as soon as its current `next()` returns (a generator cannot be closed from
    another thread while it runs)."""

    def __init__(self, pieces: Iterator[str]):
        self._pieces = pieces
        self._queue: queue.Queue = queue.Queue()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="maeum-stream-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for piece in self._pieces:
                if self._stopped.is_set():
                    break
                self._queue.put(("piece", piece))
            self._queue.put(("end", _END))
        except BaseException as exc:  # handed to the reader's thread, raised there
            self._queue.put(("error", exc))
        finally:
            if self._stopped.is_set():
                close = getattr(self._pieces, "close", None)
                if close is not None:
                    close()

    def next_before(self, deadline: float) -> str | None:
        """The next piece; None at the deadline; StopIteration at the end; the stream's own error."""
        try:
            kind, value = self._queue.get(timeout=max(0.0, deadline - time.perf_counter()))
        except queue.Empty:
            return None
        if kind == "piece":
            return value
        if kind == "end":
            raise StopIteration
        raise value

    def stop(self) -> None:
        self._stopped.set()


class ChatPipeline:
    """The serving core the UI (and the CLI, and the benchmark) drive.

    Args:
        settings: `ServingSettings`.
        store: a `serving.store.Store`; default `Store(settings.database_url)`.
        generator: a generator object; default built from `settings.generator`.
        personas: a `PersonaRegistry`; default `load_personas(settings.personas_dir)`.

    Thread-safe: one instance serves every user of the process. It holds no conversation
    state (that is all in the store), only shared read-only parts.
    """

    def __init__(self, settings: ServingSettings, *, store: Store | None = None,
                 generator: Generator | None = None, personas=None):
        self.settings = settings
        if store is None:
            from serving.store import Store

            store = Store(settings.database_url)
        self.store = store
        if personas is None:
            from serving.personas import load_personas

            personas = load_personas(settings.personas_dir)
        self.personas = personas
        if generator is None:
            from serving.generators import build_generator

            generator = build_generator(settings)
        self.generator = generator
        from serving.safety.judge import judge_for

        self._judge = judge_for(generator) if settings.safety_judge else None  # raise-only second opinion
        self._engines: dict[str, Any] = {}
        self._engines_lock = threading.Lock()

    def close(self) -> None:
        self.generator.close()
        self.store.close()

    # --- conversations ---------------------------------------------------------------------
    def start_conversation(self, user_id: int, persona_id: str) -> int:
        """A new, empty conversation for `user_id` with `persona_id`; returns its id."""
        persona = self._persona(persona_id)
        return self.store.create_conversation(user_id, persona.id)

    def feedback(self, reply_id: int, rating: int, user_id: int | None = None) -> None:
        """Thumbs up (+1) or down (-1) on a reply; 0 clears it. With `user_id`, only on that user's replies."""
        self.store.rate_reply(reply_id, rating, user_id=user_id)

    # --- turns --------------------------------------------------------------------------------
    def run_turn(self, conversation_id: int, user_text: str, persona_id: str | None = None) -> Iterator[TurnEvent]:
        """Answer `user_text` in `conversation_id` (optionally switching the persona first).

        The persona only ever changes through `persona_id` (the UI's picker): text in the
        message ("지금부터 너는 ...") is the user's words in a user message, nothing more.
        """
        from serving.text_input import sanitize

        started = time.perf_counter()
        clean = sanitize(user_text, self.settings.max_message_chars)
        if clean.empty:
            yield TurnEvent("ignored")
            return
        from serving.store.errors import NotFound

        try:
            inputs = self.store.turn_inputs(conversation_id, recent=_SAFETY_WINDOW)  # the turn's one read
            conversation = inputs.conversation
            persona = self._persona(persona_id or conversation.persona_id)
            if persona.id != conversation.persona_id:
                self.store.set_persona(conversation_id, persona.id)
            # Safety reads everything the user sent (truncation is for the model's context only) and
            # the earlier user messages of this conversation.
            full_text = sanitize(user_text, len(user_text) + 1).text if clean.truncated else clean.text
            earlier = [text for text, _ in inputs.recent]
            level, reasons, path = _assess(full_text, earlier, self._judge)
            emotion = _classify(clean.text)
            turn_id = self.store.add_turn(conversation_id, clean.text, truncated=clean.truncated, emotion=emotion,
                                          safety_level=level, safety_reasons=reasons)
        except NotFound:
            yield TurnEvent("error", message=GONE_MESSAGE)
            return
        except Exception:  # the database did not take the message: say so, lose nothing
            logger.exception("conversation %s: the user's message could not be stored", conversation_id)
            yield TurnEvent("error", message=UNSAVED_MESSAGE, extra={"unsaved": True})
            return
        act = _act(clean.text)
        yield TurnEvent("accepted", turn_id=turn_id, emotion=emotion, safety=level, notice=clean.notice,
                        extra={"act": act})
        yield from self._reply(turn_id, conversation_id, clean.text, emotion, level, persona, started, path, act,
                               inputs)

    def regenerate(self, turn_id: int) -> Iterator[TurnEvent]:
        """Another reply for an existing turn (also the retry after an error).

        The earlier replies stay stored: the user's choice between versions becomes
        preference data (`maeum data export-preferences`). A crisis turn gets the fixed
        crisis reply again, never a generated one.
        """
        from serving.store.errors import NotFound

        started = time.perf_counter()
        try:
            turn = self.store.get_turn(turn_id)
        except NotFound:
            yield TurnEvent("error", turn_id=turn_id, message=GONE_MESSAGE)
            return
        persona = self._persona(turn.persona_id)
        emotion = (turn.emotion_label, turn.emotion_score or 0.0) if turn.emotion_label else None
        act = _act(turn.user_text)
        yield TurnEvent("accepted", turn_id=turn_id, emotion=emotion, safety=turn.safety_level, extra={"act": act})
        path = _assess(turn.user_text)[2] if turn.safety_level == "crisis" else None
        yield from self._reply(turn_id, turn.conversation_id, turn.user_text, emotion, turn.safety_level, persona,
                               started, path, act)

    # --- internals ------------------------------------------------------------------------------
    def _persona(self, persona_id: str | None):
        return self.personas.get(persona_id or self.settings.default_persona)

    def _reply(self, turn_id: int, conversation_id: int, user_text: str, emotion: tuple[str, float] | None,
               safety: str, persona, started: float, path: str | None = None,
               act: str | None = None, inputs: TurnInputs | None = None) -> Iterator[TurnEvent]:
        """The reply events; a reader that leaves early (GeneratorExit) stops generation and is recorded."""
        inner = self._reply_events(turn_id, conversation_id, user_text, emotion, safety, persona, started, path, act,
                                   inputs)
        finished = False
        try:
            for event in inner:
                finished = finished or event.kind in ("done", "error")
                yield event
        except GeneratorExit:
            inner.close()
            if not finished:
                self._record_error(turn_id, INTERRUPTED_MESSAGE)
            raise

    def _reply_events(self, turn_id: int, conversation_id: int, user_text: str, emotion: tuple[str, float] | None,
                      safety: str, persona, started: float, path: str | None = None,
                      act: str | None = None, inputs: TurnInputs | None = None) -> Iterator[TurnEvent]:
        """`inputs`: what run_turn read before storing the turn (the same as reading now, without the
        new turn); None (regenerate) reads them here."""
        if safety == "crisis":
            yield from self._crisis_reply(turn_id, conversation_id, persona, started, path)
            return
        try:
            from serving.generators.base import GenerationRequest
            from serving.safety.care import in_care
            from serving.turn_context import TurnContext

            if inputs is None:
                inputs = self.store.turn_inputs(conversation_id, before_turn_id=turn_id, recent=_SAFETY_WINDOW)
            earlier_levels = [lv for _, lv in inputs.recent]
            context = TurnContext(act=act, emotion=emotion[0] if emotion else None, safety=safety,
                                  care=in_care(earlier_levels))

            window = self._window(inputs.history, user_text)
            request = GenerationRequest(window.messages, emotion=context.emotion, context=context,
                                        avoid=inputs.replies)
            engine = self._engine(persona)
        except Exception as exc:  # store or engine trouble before generating
            yield self._fail(turn_id, exc)
            return

        from serving.streaming import join_sentences, sentence_stream

        raw_sentences: list[str] = []
        styled_sentences: list[str] = []
        problems: list[str] = []
        first_sentence_at: float | None = None
        generator_first_sentence_at: float | None = None
        style_seconds = 0.0
        fallback: str | None = None
        pieces = sentences = None
        try:
            pieces = _TimedPieces(iter(self.generator.stream(request)), started + self.settings.reply_deadline_s,
                                  self.settings.max_reply_chars)
            sentences = sentence_stream(pieces)
            for raw in sentences:
                if generator_first_sentence_at is None:
                    generator_first_sentence_at = time.perf_counter()
                check = _check(raw)
                if not check.ok:
                    # unsafe content: stop generating, show the safe reply instead
                    problems += check.problems
                    fallback = check.text
                    raw_sentences.append(raw)  # stored as written (raw), never shown
                    sentences.close()
                    break
                raw_sentences.append(raw)
                t = time.perf_counter()
                styled = self._style(engine, raw, persona, context)
                if styled != raw and not _check(styled).ok:
                    problems.append("style: the styled sentence failed the output check; raw text used")
                    styled = raw
                style_seconds += time.perf_counter() - t
                styled_sentences.append(styled)
                if first_sentence_at is None:
                    first_sentence_at = time.perf_counter()
                yield TurnEvent("sentence", turn_id=turn_id, text=styled)
        except GeneratorExit:  # the reader left (browser closed): stop generating (recorded by _reply)
            if sentences is not None:
                sentences.close()
            elif pieces is not None:
                pieces.close()
            raise
        except Exception as exc:
            yield self._fail(turn_id, exc)
            return

        raw_reply = join_sentences(raw_sentences)
        if fallback is None and not raw_reply.strip():
            self._record_error(turn_id, EMPTY_REPLY_MESSAGE)
            yield TurnEvent("error", turn_id=turn_id, message=EMPTY_REPLY_MESSAGE)
            return
        if fallback is None:
            final = _check(raw_reply)  # the whole generated reply
            if not final.ok:
                problems += final.problems
                fallback = final.text
        if fallback is not None:
            # the safe reply is shown as written, in no persona's voice
            styled_reply = fallback
            raw_reply = raw_reply or fallback
            yield TurnEvent("sentence", turn_id=turn_id, text=fallback)
        else:
            styled_reply = join_sentences(styled_sentences)
            styled_check = _check(styled_reply)  # the whole styled reply
            if not styled_check.ok:
                problems += [f"style: {p}" for p in styled_check.problems]
                styled_reply = raw_reply
        addendum = _addendum(safety, earlier_levels)
        if addendum:  # fixed texts, after the styled reply and never restyled
            styled_reply = f"{styled_reply}\n\n{addendum}"
            yield TurnEvent("sentence", turn_id=turn_id, text=addendum)
        latency_ms = (time.perf_counter() - started) * 1000
        first_ms = (first_sentence_at - started) * 1000 if first_sentence_at else None
        stop_reason = None if fallback is not None else (pieces.stop_reason or request.stop_reason)
        if stop_reason:
            logger.warning("turn %s: reply cut (%s) after %d characters", turn_id, stop_reason, pieces.chars)
        try:
            reply_id = self.store.add_reply(turn_id, raw=raw_reply, styled=styled_reply, persona_id=persona.id,
                                            style_engine=getattr(engine, "name", None),
                                            generator=getattr(self.generator, "name", None), latency_ms=latency_ms,
                                            first_sentence_ms=first_ms, problems=problems or None,
                                            incomplete=stop_reason is not None, stop_reason=stop_reason)
        except Exception as exc:
            yield self._fail(turn_id, exc)
            return
        generation_ms = pieces.waiting * 1000 if pieces else 0.0
        extra = {
            "first_sentence_ms": first_ms,
            "generator_first_sentence_ms": ((generator_first_sentence_at - started) * 1000
                                            if generator_first_sentence_at else None),
            "generator_first_piece_ms": ((pieces.first_piece_at - started) * 1000
                                         if pieces and pieces.first_piece_at else None),
            "generation_ms": generation_ms,
            "style_ms": style_seconds * 1000,
            "overhead_ms": latency_ms - generation_ms,
            "problems": problems,
            "incomplete": stop_reason is not None,
            "stop_reason": stop_reason,
        }
        yield TurnEvent("done", turn_id=turn_id, reply_id=reply_id, reply=styled_reply, raw_reply=raw_reply,
                        latency_ms=latency_ms, crisis=False, extra=extra)

    def _crisis_reply(self, turn_id: int, conversation_id: int, persona, started: float,
                      path: str | None = None) -> Iterator[TurnEvent]:
        from serving.safety.resources import crisis_reply_for

        reply = crisis_reply_for(path)  # the fixed text for this path: never generated, never styled
        yield TurnEvent("sentence", turn_id=turn_id, text=reply)
        latency_ms = (time.perf_counter() - started) * 1000
        try:
            self.store.flag_conversation(conversation_id)
            reply_id = self.store.add_reply(turn_id, raw=reply, styled=reply, persona_id=persona.id,
                                            style_engine=None, generator="crisis", latency_ms=latency_ms,
                                            first_sentence_ms=latency_ms)
        except Exception as exc:
            yield self._fail(turn_id, exc)
            return
        yield TurnEvent("done", turn_id=turn_id, reply_id=reply_id, reply=reply, raw_reply=reply,
                        latency_ms=latency_ms, crisis=True,
                        extra={"first_sentence_ms": latency_ms, "generation_ms": 0.0, "overhead_ms": latency_ms})

    def _window(self, history: list[HistoryItem], user_text: str):
        from serving.history import build_window, drop_oldest, effective_budget

        g = self.generator
        system_tokens = g.count_tokens(_system_prompt()) if g.context_window else 0
        budget = effective_budget(self.settings.history_token_budget, context_window=g.context_window,
                                  max_new_tokens=self.settings.sampling.max_new_tokens, system_tokens=system_tokens)
        window = build_window(history, user_text, budget=budget, count_tokens=g.count_tokens)
        exact = getattr(g, "prompt_tokens", None)
        if exact is not None and g.context_window:
            from serving.generators.base import GenerationRequest

            limit = g.context_window - min(self.settings.sampling.max_new_tokens, g.context_window // 4)
            while exact(GenerationRequest(window.messages)) > limit:
                smaller = drop_oldest(window)
                if smaller is None:
                    break
                window = smaller
        return window

    def _engine(self, persona):
        name = getattr(getattr(persona, "style", None), "engine", None) or "identity"
        with self._engines_lock:
            if name in self._engines:
                return self._engines[name]
            engine = None
            for candidate in (name, "rules", "identity"):
                try:
                    from serving.style import get_engine

                    options = dict(self.settings.style_options.get(candidate, {}))
                    shared_lock = None
                    if candidate == "prompt" and not options.get("model_path") and hasattr(self.generator, "model"):
                        # the prompt engine rewrites with the generator's own model: share it, and its lock
                        g = self.generator
                        options.update(model=g.model, tokenizer=g.tokenizer, chat_format=g.format.name,
                                       device=str(g.model.device))
                        shared_lock = g.model_lock
                    engine = get_engine(candidate, **options)
                    if shared_lock is not None:
                        engine = _SharedModelEngine(engine, shared_lock)
                    break
                except Exception as exc:
                    logger.warning("style engine %r unavailable (%s); falling back", candidate, exc)
            if engine is None:
                from serving.style.base import IdentityEngine

                engine = IdentityEngine()
            self._engines[name] = engine
            return engine

    @staticmethod
    def _style(engine, sentence: str, persona, context=None) -> str:
        try:
            if context is not None and _takes_context(engine):
                out = engine.rewrite([sentence], persona, context=context)
            else:
                out = engine.rewrite([sentence], persona)
            if context is not None and context.care and isinstance(out, list):
                from serving.safety.care import undecorate  # whatever the engine still adds

                out = [undecorate(x) if isinstance(x, str) else x for x in out]
            if isinstance(out, list) and len(out) == 1 and isinstance(out[0], str) and out[0].strip():
                return out[0].strip()
            logger.warning("style engine %s returned %r for one sentence; using the raw text",
                           getattr(engine, "name", engine), out)
        except Exception:
            logger.exception("style engine %s failed; using the raw sentence", getattr(engine, "name", engine))
        return sentence

    def _record_error(self, turn_id: int, message: str) -> None:
        try:
            self.store.set_turn_error(turn_id, message)
        except Exception:
            logger.exception("could not record the error of turn %s", turn_id)

    def _fail(self, turn_id: int, exc: BaseException) -> TurnEvent:
        from serving.generators.base import GenerationError
        from serving.store.errors import NotFound

        if isinstance(exc, GenerationError):
            message = exc.user_message
            logger.warning("turn %s: generation failed: %s", turn_id, exc)
        elif isinstance(exc, NotFound):
            message = GONE_MESSAGE
            logger.warning("turn %s: %s", turn_id, exc)
        else:
            message = ERROR_MESSAGE
            logger.error("turn %s failed", turn_id, exc_info=exc)
        self._record_error(turn_id, message)
        return TurnEvent("error", turn_id=turn_id, message=message)


class _SharedModelEngine:
    """A style engine that runs `generate` on the generator's model: one generate at a time.

    While the reply is still being generated the model is busy, so with the `prompt` engine on
    the same model sentences are styled as soon as the generation has finished.
    """

    def __init__(self, engine, lock: threading.Lock):
        self.engine, self.lock = engine, lock
        self.name = getattr(engine, "name", "prompt")

    def rewrite(self, sentences: list[str], persona, context=None) -> list[str]:
        with self.lock:
            if context is not None and _takes_context(self.engine):
                return self.engine.rewrite(sentences, persona, context=context)
            return self.engine.rewrite(sentences, persona)


def _system_prompt() -> str:
    from maeum.chat_format import COUNSELLOR_SYSTEM_PROMPT

    return COUNSELLOR_SYSTEM_PROMPT


_SAFETY_WINDOW = 3  # earlier user turns safety reads (window and care state)


def _assess(text: str, earlier: list[str] | None = None, judge=None) -> tuple[str, list[str], str | None]:
    """Safety level, reasons and crisis path. A failing assessor must not wave a message through as safe."""
    from serving.safety import assess

    try:
        result = assess(text, earlier or (), judge)
        return result.level, list(result.reasons), result.path
    except Exception:
        logger.exception("safety assessment failed; treating the message as a concern")
        return "concern", ["assessment failed"], None


def _takes_context(engine) -> bool:
    import inspect

    try:
        return "context" in inspect.signature(engine.rewrite).parameters
    except (TypeError, ValueError):
        return False


def _classify(text: str) -> tuple[str, float] | None:
    try:
        from serving.emotion import classify

        result = classify(text)
        return result.label, float(result.score)
    except Exception:
        logger.exception("emotion classification failed; continuing without an emotion")
        return None


def _act(text: str) -> str | None:
    try:
        from serving.acts import classify_act

        return classify_act(text).act
    except Exception:
        logger.exception("message act failed; continuing without one")
        return None


def _check(text: str):
    from serving.safety import check_reply

    return check_reply(text)


def _addendum(safety: str, earlier_levels: list[str]) -> str | None:
    """The fixed check-in after a reply, once per care period: the care one on the first reply after
    a crisis turn, the concern one on a concern turn when none of the last `CARE_TURNS` earlier
    turns already had a check-in (or the crisis reply). Said on every turn it read as nagging."""
    from serving.safety.care import CARE_TURNS
    from serving.safety.resources import CARE_CHECK_IN, CONCERN_ADDENDUM

    recent = list(earlier_levels)[-CARE_TURNS:]
    if recent and recent[-1] == "crisis":
        return CARE_CHECK_IN
    if safety == "concern" and not {"concern", "crisis"} & set(recent):
        return CONCERN_ADDENDUM
    return None
