"""SQLAlchemy models of the current schema (version `SCHEMA_VERSION`).

    users ─< conversations ─< turns ─< replies ─< feedback
      │                   └─< emotion_log (one row per turn, for the mood chart)
      └─< auth_events (sign-ins, failures, resets: the audit log)
    app_secrets (the token-signing key when MAEUM_SECRET_KEY is not set)

A turn is one user message; each reply is one version of the answer to it (regenerating
adds a version, the latest is the one shown and used as history). Raw reply = what the
generator wrote; styled reply = what the user saw after the persona's style engine.

Changing the schema: add a migration in `migrations.py`, bump `SCHEMA_VERSION`, update
these models; `tests/test_store_migrations.py` checks the two agree.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (Boolean, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SCHEMA_VERSION = 3


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)  # the display name
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    # since schema v3 (accounts): None secret = a nickname-only account from before v3
    name_key: Mapped[str | None] = mapped_column(String(200), unique=True)  # look-alike-folded name
    secret_hash: Mapped[str | None] = mapped_column(String(255))  # argon2id
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)  # "issuer|sub" from st.login
    token_version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)  # bump = sign out everywhere
    reset_hash: Mapped[str | None] = mapped_column(String(255))  # one-time operator reset code (argon2id)
    reset_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    persona_id: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)  # a crisis was detected
    flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    turns: Mapped[list[Turn]] = relationship(back_populates="conversation", order_by="Turn.id",
                                             cascade="all, delete-orphan", passive_deletes=True)


class Turn(Base):
    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    user_text: Mapped[str] = mapped_column(Text, nullable=False)
    emotion_label: Mapped[str | None] = mapped_column(String(32))
    emotion_score: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)  # the last failed generation, cleared by a reply
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    # since schema v2
    truncated: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    safety_level: Mapped[str] = mapped_column(String(16), default="none", nullable=False)
    safety_reasons: Mapped[str | None] = mapped_column(Text)  # JSON list

    conversation: Mapped[Conversation] = relationship(back_populates="turns")
    replies: Mapped[list[Reply]] = relationship(back_populates="turn", order_by="Reply.id",
                                                cascade="all, delete-orphan", passive_deletes=True)


class Reply(Base):
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), nullable=False, index=True)
    raw: Mapped[str] = mapped_column(Text, nullable=False)
    styled: Mapped[str] = mapped_column(Text, nullable=False)
    persona_id: Mapped[str] = mapped_column(String(64), nullable=False)
    style_engine: Mapped[str | None] = mapped_column(String(32))
    generator: Mapped[str | None] = mapped_column(String(32))  # offline | transformers | openai | crisis
    latency_ms: Mapped[float | None] = mapped_column(Float)
    first_sentence_ms: Mapped[float | None] = mapped_column(Float)
    problems: Mapped[str | None] = mapped_column(Text)  # JSON list from the output checks
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    # since schema v3: the stream was cut (deadline, length cap, no end marker); never a chosen reply
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    stop_reason: Mapped[str | None] = mapped_column(String(32))  # deadline | length | unterminated

    turn: Mapped[Turn] = relationship(back_populates="replies")
    feedback: Mapped[Feedback | None] = relationship(back_populates="reply", cascade="all, delete-orphan",
                                                     passive_deletes=True, uselist=False)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("reply_id", name="uq_feedback_reply"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    rating: Mapped[int] = mapped_column(SmallInteger, nullable=False)  # +1 / -1
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    reply: Mapped[Reply] = relationship(back_populates="feedback")


class EmotionLog(Base):
    __tablename__ = "emotion_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 nullable=False, index=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), nullable=False, index=True)
    label: Mapped[str] = mapped_column(String(32), nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class AuthEvent(Base):
    """One sign-in attempt, sign-up, reset or deletion (the audit log; never a secret)."""

    __tablename__ = "auth_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name_key: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)  # signin_ok | signin_failed | refused_wait | ...
    detail: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class AppSecret(Base):
    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


Index("ix_auth_events_key_time", AuthEvent.name_key, AuthEvent.created_at)
Index("ix_conversations_user_updated", Conversation.user_id, Conversation.updated_at)
