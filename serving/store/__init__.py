"""Conversation storage: users, conversations, turns, reply versions, feedback, emotion log.

    store = Store("sqlite:///maeum.db")          # or any SQLAlchemy URL (PostgreSQL: postgresql+psycopg://...)
    uid = store.get_or_create_user("민지")
    cid = store.create_conversation(uid, "counselor")
    store.conversation_turns(cid, uid)            # -> [TurnView(... replies=[ReplyView, ...])]

Every method the UI calls takes the `user_id` and only ever touches that user's rows: asking
for someone else's conversation raises `NotFound`, exactly as for a missing one. The
pipeline's own methods (`add_turn`, `add_reply`, ...) work by conversation/turn id.

SQLite (the default) runs in WAL mode with a busy timeout, and every write transaction
starts with ``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing with
"database is locked". The schema is versioned and upgraded on open (`migrations.py`).
"""

from __future__ import annotations

import collections
import functools
import json
import logging
import os
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, delete, event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from .errors import NotFound, StoreError, StoreUnavailable
from .models import SCHEMA_VERSION, Conversation, EmotionLog, Feedback, Reply, Turn, User, utcnow

logger = logging.getLogger(__name__)

__all__ = ["Store", "StoreError", "NotFound", "ConversationSummary", "TurnView", "ReplyView", "EmotionPoint",
           "ConversationInfo", "TurnInfo", "HistoryItem", "TurnInputs", "SCHEMA_VERSION"]

TITLE_CHARS = 40
SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_ATTEMPTS = 3  # a write that meets a lock error is tried again, after a jittered pause
RETRY_BASE_S = 0.05


def _clean(text: str | None) -> str | None:
    """No NUL in stored text (PostgreSQL refuses it; SQLite would cut some readers short)."""
    return text.replace("\x00", "") if isinstance(text, str) else text


def _is_lock_error(exc: DBAPIError) -> bool:
    message = str(getattr(exc, "orig", exc)).lower()
    code = getattr(getattr(exc, "orig", None), "sqlstate", None) or getattr(getattr(exc, "orig", None), "pgcode", None)
    return "locked" in message or "busy" in message or code in ("40001", "40P01", "55P03")


def _retry_write(method):
    """Retry on lock errors (bounded, with jitter); any database failure becomes StoreUnavailable."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return method(self, *args, **kwargs)
            except IntegrityError:
                raise
            except DBAPIError as exc:  # locked, disk full, read-only, connection lost
                if _is_lock_error(exc) and attempt + 1 < WRITE_ATTEMPTS:
                    pause = RETRY_BASE_S * (2 ** attempt) * (0.5 + random.random())
                    logger.warning("%s: database locked; retrying in %.2fs", method.__name__, pause)
                    time.sleep(pause)
                    continue
                raise StoreUnavailable(f"{method.__name__}: the database did not take the write: "
                                       f"{getattr(exc, 'orig', exc)}") from exc
        raise AssertionError("unreachable")

    return wrapper


class _FairLock:
    """A first-come, first-served, re-entrant lock (threading.Lock makes no promise of order)."""

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiters: collections.deque[threading.Lock] = collections.deque()
        self._owner: int | None = None
        self._depth = 0

    def __enter__(self):
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return self
            if self._owner is None and not self._waiters:
                self._owner, self._depth = me, 1
                return self
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()  # released by the holder before us, which hands the lock over
        with self._mutex:
            self._owner, self._depth = me, 1
        return self

    def __exit__(self, *exc):
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return False
            self._owner = None
            if self._waiters:
                # handed over: no newcomer can take it between this release and the waiter's wake-up
                self._owner = -1
                self._waiters.popleft().release()
        return False


def _aware(dt: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; everything we store is UTC."""
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


@dataclass(frozen=True)
class ConversationSummary:
    id: int
    title: str | None
    persona_id: str
    updated_at: datetime
    flagged: bool
    created_at: datetime | None = None


@dataclass(frozen=True)
class ReplyView:
    id: int
    styled: str
    raw: str
    persona_id: str
    rating: int | None  # +1, -1 or None
    created_at: datetime
    generator: str | None = None
    latency_ms: float | None = None
    incomplete: bool = False  # cut at the deadline or length cap, or the stream never ended
    stop_reason: str | None = None


@dataclass(frozen=True)
class TurnView:
    id: int
    user_text: str
    emotion_label: str | None
    emotion_score: float | None
    safety_level: str
    error: str | None
    replies: list[ReplyView] = field(default_factory=list)  # oldest first; the last one is shown
    created_at: datetime | None = None
    truncated: bool = False

    @property
    def reply(self) -> ReplyView | None:
        """The reply version shown (the latest)."""
        return self.replies[-1] if self.replies else None


@dataclass(frozen=True)
class EmotionPoint:
    turn_id: int
    label: str
    score: float
    created_at: datetime


@dataclass(frozen=True)
class ConversationInfo:
    id: int
    user_id: int
    persona_id: str
    title: str | None
    flagged: bool


@dataclass(frozen=True)
class TurnInfo:
    id: int
    conversation_id: int
    user_id: int
    user_text: str
    emotion_label: str | None
    emotion_score: float | None
    safety_level: str
    persona_id: str  # the conversation's current persona


@dataclass(frozen=True)
class HistoryItem:
    turn_id: int
    user_text: str
    reply: str  # the raw text of the shown (latest) reply version


@dataclass(frozen=True)
class TurnInputs:
    """Everything the pipeline reads before a reply, from one read transaction."""

    conversation: ConversationInfo
    recent: list[tuple[str, str]]  # (user text, safety level) of the last user turns, oldest first
    history: list[HistoryItem]  # earlier turns with a reply, oldest first
    replies: list[str]  # raw text of every reply version in the conversation


def _is_memory_sqlite(url) -> bool:
    return url.get_backend_name() == "sqlite" and (url.database in (None, "", ":memory:")
                                                   or "mode=memory" in str(url))


class Store:
    """All database access. Thread-safe; share one per process."""

    def __init__(self, url: str, *, migrate: bool = True, echo: bool = False):
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StoreError(f"invalid database URL {url!r}: {exc}") from None
        self.url = parsed
        self.dialect = parsed.get_backend_name()
        kwargs: dict = {"echo": echo}
        self._lock = nullcontext()
        # SQLite takes one writer at a time; threads of this process queue here (in order of
        # arrival, no polling) instead of meeting SQLite's busy handler, whose sleeps made
        # multi-second tails with 16 concurrent writers. Other processes still meet the busy timeout.
        self._write_queue = nullcontext()
        if self.dialect == "sqlite":
            if _is_memory_sqlite(parsed):
                # one shared connection: serialise access to it
                kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
                self._lock = threading.RLock()
            else:
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
                kwargs.update(connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
                self._write_queue = _FairLock()
        else:
            kwargs.update(pool_pre_ping=True)
        try:
            self.engine = create_engine(parsed, **kwargs)
        except ModuleNotFoundError as exc:
            raise StoreError(f"the database driver for {parsed.drivername} is not installed ({exc.name}); "
                             f"for PostgreSQL: pip install 'maeum[postgres]'") from None
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine, memory=_is_memory_sqlite(parsed))
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(maeum_write=True), expire_on_commit=False)
        if migrate:
            from .migrations import upgrade

            try:
                before, after = upgrade(self.engine)
            except OperationalError as exc:
                raise StoreError(f"cannot open the database {self.safe_url}: {exc.orig}") from None
            if before not in (0, after):
                logger.info("database %s upgraded from schema v%s to v%s", self.safe_url, before, after)

    @property
    def safe_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def schema_version(self) -> int:
        from .migrations import current_version

        with self.engine.connect() as conn:
            return current_version(conn)

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        maker = self._write if write else self._read
        with self._write_queue if write else nullcontext(), self._lock, maker.begin() as session:
            yield session

    def session(self, write: bool = False):
        """A transaction for other modules of the store's tables (`serving.accounts`)."""
        return self._session(write)

    # --- users -------------------------------------------------------------------------
    def get_or_create_user(self, name: str) -> int:
        """A nickname-only user (the CLI and tests; the app signs people in through `serving.accounts`)."""
        name = (_clean(name) or "").strip()
        if not name:
            raise StoreError("a user name must not be empty")
        if len(name) > 100:
            raise StoreError("a user name may have at most 100 characters")
        for _ in range(3):
            with self._session() as s:
                uid = s.scalar(select(User.id).where(User.name == name))
            if uid is not None:
                return uid
            try:
                with self._session(write=True) as s:
                    uid = s.scalar(select(User.id).where(User.name == name))
                    if uid is None:
                        user = User(name=name)
                        s.add(user)
                        s.flush()
                        uid = user.id
                return uid
            except IntegrityError:  # another process created it between our select and insert
                continue
        raise StoreError(f"could not create the user {name!r}")

    # --- conversations (user-scoped) ----------------------------------------------------
    @_retry_write
    def create_conversation(self, user_id: int, persona_id: str, title: str | None = None) -> int:
        with self._session(write=True) as s:
            if s.get(User, user_id) is None:
                raise NotFound(f"no user {user_id}")
            now = utcnow()
            conv = Conversation(user_id=user_id, persona_id=persona_id, title=_clean(title), created_at=now, updated_at=now)
            s.add(conv)
            s.flush()
            return conv.id

    def list_conversations(self, user_id: int) -> list[ConversationSummary]:
        """The user's conversations, most recently active first."""
        with self._session() as s:
            rows = s.execute(select(Conversation).where(Conversation.user_id == user_id)
                             .order_by(Conversation.updated_at.desc(), Conversation.id.desc())).scalars().all()
            return [ConversationSummary(c.id, c.title, c.persona_id, _aware(c.updated_at), c.flagged,
                                        _aware(c.created_at)) for c in rows]

    def _owned(self, s: Session, conversation_id: int, user_id: int) -> Conversation:
        conv = s.get(Conversation, conversation_id)
        if conv is None or conv.user_id != user_id:
            raise NotFound(f"no conversation {conversation_id} for this user")
        return conv

    @_retry_write
    def rename_conversation(self, conversation_id: int, user_id: int, title: str) -> None:
        from serving.accounts.names import strip_invisible

        title = " ".join(strip_invisible(title or "").split())[:200]
        if not title:
            raise StoreError("a conversation title must not be empty")
        with self._session(write=True) as s:
            self._owned(s, conversation_id, user_id).title = title

    @_retry_write
    def delete_conversation(self, conversation_id: int, user_id: int) -> None:
        """Remove the conversation and every row that belongs to it."""
        with self._session(write=True) as s:
            self._owned(s, conversation_id, user_id)
            turn_ids = select(Turn.id).where(Turn.conversation_id == conversation_id).scalar_subquery()
            reply_ids = select(Reply.id).where(Reply.turn_id.in_(turn_ids)).scalar_subquery()
            s.execute(delete(Feedback).where(Feedback.reply_id.in_(reply_ids)))
            s.execute(delete(Reply).where(Reply.turn_id.in_(turn_ids)))
            s.execute(delete(EmotionLog).where(EmotionLog.conversation_id == conversation_id))
            s.execute(delete(Turn).where(Turn.conversation_id == conversation_id))
            s.execute(delete(Conversation).where(Conversation.id == conversation_id))

    def conversation_turns(self, conversation_id: int, user_id: int) -> list[TurnView]:
        """Every turn, oldest first, each with its reply versions (oldest first) and ratings."""
        with self._session() as s:
            self._owned(s, conversation_id, user_id)
            turns = s.execute(select(Turn).where(Turn.conversation_id == conversation_id)
                              .order_by(Turn.id)).scalars().all()
            replies: dict[int, list[ReplyView]] = {t.id: [] for t in turns}
            rows = s.execute(
                select(Reply, Feedback.rating).outerjoin(Feedback, Feedback.reply_id == Reply.id)
                .join(Turn, Turn.id == Reply.turn_id).where(Turn.conversation_id == conversation_id)
                .order_by(Reply.id)).all()
            for reply, rating in rows:
                replies[reply.turn_id].append(_reply_view(reply, rating))
            return [TurnView(t.id, t.user_text, t.emotion_label, t.emotion_score, t.safety_level, t.error,
                             replies[t.id], _aware(t.created_at), t.truncated) for t in turns]

    def emotion_series(self, conversation_id: int, user_id: int) -> list[EmotionPoint]:
        """The detected emotion of each user message, in order (for the mood chart)."""
        with self._session() as s:
            self._owned(s, conversation_id, user_id)
            rows = s.execute(select(EmotionLog).where(EmotionLog.conversation_id == conversation_id)
                             .order_by(EmotionLog.id)).scalars().all()
            return [EmotionPoint(r.turn_id, r.label, r.score, _aware(r.created_at)) for r in rows]

    def is_flagged(self, conversation_id: int) -> bool:
        with self._session() as s:
            return bool(s.scalar(select(Conversation.flagged).where(Conversation.id == conversation_id)))

    # --- pipeline side -------------------------------------------------------------------
    def get_conversation(self, conversation_id: int, user_id: int | None = None) -> ConversationInfo:
        with self._session() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None or (user_id is not None and conv.user_id != user_id):
                raise NotFound(f"no conversation {conversation_id}")
            return ConversationInfo(conv.id, conv.user_id, conv.persona_id, conv.title, conv.flagged)

    @_retry_write
    def set_persona(self, conversation_id: int, persona_id: str) -> None:
        with self._session(write=True) as s:
            s.execute(update(Conversation).where(Conversation.id == conversation_id).values(persona_id=persona_id))

    @_retry_write
    def add_turn(self, conversation_id: int, user_text: str, *, truncated: bool = False,
                 emotion: tuple[str, float] | None = None, safety_level: str = "none",
                 safety_reasons: list[str] | None = None) -> int:
        """Store the user's message (before any generation). A crisis flags the conversation."""
        user_text = _clean(user_text)
        with self._session(write=True) as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound(f"no conversation {conversation_id}")
            now = utcnow()
            turn = Turn(conversation_id=conversation_id, user_text=user_text, truncated=truncated,
                        emotion_label=emotion[0] if emotion else None,
                        emotion_score=float(emotion[1]) if emotion else None,
                        safety_level=safety_level,
                        safety_reasons=json.dumps(safety_reasons, ensure_ascii=False) if safety_reasons else None,
                        created_at=now)
            s.add(turn)
            s.flush()
            if emotion:
                s.add(EmotionLog(user_id=conv.user_id, conversation_id=conversation_id, turn_id=turn.id,
                                 label=emotion[0], score=float(emotion[1]), created_at=now))
            conv.updated_at = now
            if not conv.title:
                conv.title = _title_from(user_text)
            if safety_level == "crisis" and not conv.flagged:
                conv.flagged, conv.flagged_at = True, now
            return turn.id

    def get_turn(self, turn_id: int, user_id: int | None = None) -> TurnInfo:
        with self._session() as s:
            row = s.execute(select(Turn, Conversation.user_id, Conversation.persona_id)
                            .join(Conversation, Conversation.id == Turn.conversation_id)
                            .where(Turn.id == turn_id)).first()
            if row is None or (user_id is not None and row[1] != user_id):
                raise NotFound(f"no turn {turn_id}")
            t, uid, persona_id = row
            return TurnInfo(t.id, t.conversation_id, uid, t.user_text, t.emotion_label, t.emotion_score,
                            t.safety_level, persona_id)

    def history(self, conversation_id: int, before_turn_id: int | None = None) -> list[HistoryItem]:
        """Earlier turns that have a reply, oldest first, each with its shown reply's raw text."""
        with self._session() as s:
            return _history(s, conversation_id, before_turn_id)

    def recent_user_turns(self, conversation_id: int, before_turn_id: int | None = None,
                          limit: int = 3) -> list[tuple[str, str]]:
        """(user text, safety level) of the last `limit` user turns, oldest first (for safety's window)."""
        with self._session() as s:
            return _recent_user_turns(s, conversation_id, before_turn_id, limit)

    def conversation_replies(self, conversation_id: int) -> list[str]:
        """Raw text of every reply version in the conversation (so retrieval never repeats one)."""
        with self._session() as s:
            return _conversation_replies(s, conversation_id)

    def turn_inputs(self, conversation_id: int, before_turn_id: int | None = None, recent: int = 3) -> TurnInputs:
        """The conversation, its last `recent` user turns, its history and its replies in one read
        (a turn used to open five read transactions for these)."""
        with self._session() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound(f"no conversation {conversation_id}")
            return TurnInputs(ConversationInfo(conv.id, conv.user_id, conv.persona_id, conv.title, conv.flagged),
                              _recent_user_turns(s, conversation_id, before_turn_id, recent),
                              _history(s, conversation_id, before_turn_id), _conversation_replies(s, conversation_id))

    @_retry_write
    def add_reply(self, turn_id: int, *, raw: str, styled: str, persona_id: str, style_engine: str | None = None,
                  generator: str | None = None, latency_ms: float | None = None,
                  first_sentence_ms: float | None = None, problems: list[str] | None = None,
                  incomplete: bool = False, stop_reason: str | None = None) -> int:
        """Store one reply version; clears the turn's recorded error."""
        raw, styled = _clean(raw), _clean(styled)
        with self._session(write=True) as s:
            turn = s.get(Turn, turn_id)
            if turn is None:
                raise NotFound(f"no turn {turn_id} (was the conversation deleted?)")
            now = utcnow()
            reply = Reply(turn_id=turn_id, raw=raw, styled=styled, persona_id=persona_id, style_engine=style_engine,
                          generator=generator, latency_ms=latency_ms, first_sentence_ms=first_sentence_ms,
                          problems=json.dumps(problems, ensure_ascii=False) if problems else None, created_at=now,
                          incomplete=incomplete, stop_reason=stop_reason)
            s.add(reply)
            turn.error = None
            s.execute(update(Conversation).where(Conversation.id == turn.conversation_id).values(updated_at=now))
            s.flush()
            return reply.id

    @_retry_write
    def set_turn_error(self, turn_id: int, message: str) -> None:
        with self._session(write=True) as s:
            s.execute(update(Turn).where(Turn.id == turn_id).values(error=_clean(message)))

    @_retry_write
    def flag_conversation(self, conversation_id: int) -> None:
        with self._session(write=True) as s:
            s.execute(update(Conversation).where(Conversation.id == conversation_id, Conversation.flagged.is_(False))
                      .values(flagged=True, flagged_at=utcnow()))

    @_retry_write
    def rate_reply(self, reply_id: int, rating: int, user_id: int | None = None) -> None:
        """+1 / -1 on a reply version (replacing an earlier rating); 0 removes it."""
        if rating not in (-1, 0, 1):
            raise StoreError(f"a rating is +1, -1 or 0 (to clear), not {rating!r}")
        with self._session(write=True) as s:
            owner = s.scalar(select(Conversation.user_id).join(Turn, Turn.conversation_id == Conversation.id)
                             .join(Reply, Reply.turn_id == Turn.id).where(Reply.id == reply_id))
            if owner is None or (user_id is not None and owner != user_id):
                raise NotFound(f"no reply {reply_id}")
            existing = s.scalar(select(Feedback).where(Feedback.reply_id == reply_id))
            if rating == 0:
                if existing is not None:
                    s.delete(existing)
                return
            now = utcnow()
            if existing is None:
                s.add(Feedback(reply_id=reply_id, user_id=owner, rating=rating, created_at=now, updated_at=now))
            else:
                existing.rating, existing.updated_at = rating, now

    def rated_turns(self) -> Iterator[tuple[TurnInfo, list[HistoryItem], list[ReplyView]]]:
        """Turns with at least one rated reply or several versions: (turn, history before it, replies).

        The raw material of preference export; walks every user's data (an operator tool).
        """
        with self._session() as s:
            rated = select(Reply.turn_id).join(Feedback, Feedback.reply_id == Reply.id)
            multi = select(Reply.turn_id).group_by(Reply.turn_id).having(func.count(Reply.id) > 1)
            turn_ids = list(s.scalars(select(Turn.id).where(Turn.id.in_(rated.union(multi).subquery().select()))
                                      .order_by(Turn.id)))
        for turn_id in turn_ids:
            turn = self.get_turn(turn_id)
            with self._session() as s:
                rows = s.execute(select(Reply, Feedback.rating).outerjoin(Feedback, Feedback.reply_id == Reply.id)
                                 .where(Reply.turn_id == turn_id).order_by(Reply.id)).all()
                replies = [_reply_view(r, rating) for r, rating in rows]
            yield turn, self.history(turn.conversation_id, before_turn_id=turn_id), replies

    def counts(self) -> dict[str, int]:
        """Rows per table (tests, `maeum doctor`-style checks)."""
        with self._session() as s:
            return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                    for m in (User, Conversation, Turn, Reply, Feedback, EmotionLog)}


def _history(s: Session, conversation_id: int, before_turn_id: int | None) -> list[HistoryItem]:
    latest = (select(Reply.turn_id, func.max(Reply.id).label("rid"))
              .join(Turn, Turn.id == Reply.turn_id).where(Turn.conversation_id == conversation_id)
              .group_by(Reply.turn_id).subquery())
    q = (select(Turn.id, Turn.user_text, Reply.raw)
         .join(latest, latest.c.turn_id == Turn.id).join(Reply, Reply.id == latest.c.rid)
         .where(Turn.conversation_id == conversation_id).order_by(Turn.id))
    if before_turn_id is not None:
        q = q.where(Turn.id < before_turn_id)
    return [HistoryItem(*row) for row in s.execute(q).all()]


def _recent_user_turns(s: Session, conversation_id: int, before_turn_id: int | None,
                       limit: int) -> list[tuple[str, str]]:
    q = select(Turn.user_text, Turn.safety_level).where(Turn.conversation_id == conversation_id)
    if before_turn_id is not None:
        q = q.where(Turn.id < before_turn_id)
    rows = s.execute(q.order_by(Turn.id.desc()).limit(limit)).all()
    return [(text, level) for text, level in reversed(rows)]


def _conversation_replies(s: Session, conversation_id: int) -> list[str]:
    return list(s.scalars(select(Reply.raw).join(Turn, Turn.id == Reply.turn_id)
                          .where(Turn.conversation_id == conversation_id).order_by(Reply.id)))


def _reply_view(reply: Reply, rating: int | None) -> ReplyView:
    return ReplyView(reply.id, reply.styled, reply.raw, reply.persona_id, rating, _aware(reply.created_at),
                     reply.generator, reply.latency_ms, bool(reply.incomplete), reply.stop_reason)


def _title_from(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= TITLE_CHARS else one_line[: TITLE_CHARS - 1] + "…"


def _sqlite_setup(engine, *, memory: bool) -> None:
    """WAL, busy timeout, foreign keys; our own BEGIN (IMMEDIATE for writes)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A deferred transaction that reads and then writes can fail at once with SQLITE_BUSY
        # (its snapshot is stale), whatever the busy timeout; IMMEDIATE takes the write lock first.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("maeum_write") else "BEGIN")


def database_url_from_path(path: str | os.PathLike) -> str:
    """`--database` accepts a URL or a plain file path (an SQLite file)."""
    value = str(path)
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"
