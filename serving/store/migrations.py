"""Schema versions and the ordered migrations between them.

`schema_version` holds one row per applied migration. `upgrade(engine)` applies, in order,
every migration newer than the database, each in its own transaction together with its
version row, under a lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so two
processes starting at once cannot both migrate. A new database runs every migration from 1:
the upgrade path is exercised on every test run, not only on old databases.

Migrations use frozen copies of the tables as they were at that version (never the live
models), so a later model change cannot change what an old migration does.

History:
    1  users, conversations, turns (one reply column pair per turn), feedback per turn.
    2  reply versions (`replies`, for regenerate), feedback per reply, emotion_log,
       conversation crisis flag, per-turn safety level and truncation.
    3  accounts: users get a look-alike name key, a secret hash, an OIDC subject, a token
       version and a reset code; `auth_events` (audit log); `app_secrets`; replies get
       `incomplete` / `stop_reason`. Nickname-only users keep their data and get a NULL
       secret: they sign in again after an operator reset code (docs/privacy.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import (Boolean, Column, Connection, DateTime, Engine, Float, ForeignKey, Index, Integer, MetaData,
                        SmallInteger, String, Table, Text, UniqueConstraint, inspect, text)

from .errors import StoreError
from .models import SCHEMA_VERSION, utcnow

logger = logging.getLogger(__name__)

VERSION_TABLE = "schema_version"
_PG_LOCK_KEY = 0x6D6165756D  # "maeum"


def _version_table(metadata: MetaData) -> Table:
    return Table(VERSION_TABLE, metadata,
                 Column("version", Integer, primary_key=True, autoincrement=False),
                 Column("applied_at", DateTime(timezone=True), nullable=False))


# --- version 1 (frozen) --------------------------------------------------------------------
def _v1_tables() -> MetaData:
    md = MetaData()
    _version_table(md)
    Table("users", md,
          Column("id", Integer, primary_key=True),
          Column("name", String(100), nullable=False, unique=True),
          Column("created_at", DateTime(timezone=True), nullable=False))
    Table("conversations", md,
          Column("id", Integer, primary_key=True),
          Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
          Column("title", String(200)),
          Column("persona_id", String(64), nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Column("updated_at", DateTime(timezone=True), nullable=False),
          Index("ix_conversations_user_id", "user_id"))
    Table("turns", md,
          Column("id", Integer, primary_key=True),
          Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
          Column("user_text", Text, nullable=False),
          Column("raw_reply", Text),
          Column("styled_reply", Text),
          Column("persona_id", String(64)),
          Column("emotion_label", String(32)),
          Column("emotion_score", Float),
          Column("latency_ms", Float),
          Column("error", Text),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Index("ix_turns_conversation_id", "conversation_id"))
    Table("feedback", md,
          Column("id", Integer, primary_key=True),
          Column("turn_id", Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False),
          Column("rating", SmallInteger, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False))
    return md


def _migrate_1(conn: Connection) -> None:
    md = _v1_tables()
    md.create_all(conn, tables=[t for name, t in md.tables.items() if name != VERSION_TABLE])


# --- version 2 (frozen) --------------------------------------------------------------------
def _v2_new_tables() -> MetaData:
    md = MetaData()
    # stubs so the foreign keys resolve; they already exist
    Table("users", md, Column("id", Integer, primary_key=True))
    Table("conversations", md, Column("id", Integer, primary_key=True))
    Table("turns", md, Column("id", Integer, primary_key=True))
    Table("replies", md,
          Column("id", Integer, primary_key=True),
          Column("turn_id", Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False),
          Column("raw", Text, nullable=False),
          Column("styled", Text, nullable=False),
          Column("persona_id", String(64), nullable=False),
          Column("style_engine", String(32)),
          Column("generator", String(32)),
          Column("latency_ms", Float),
          Column("first_sentence_ms", Float),
          Column("problems", Text),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Index("ix_replies_turn_id", "turn_id"))
    Table("feedback", md,
          Column("id", Integer, primary_key=True),
          Column("reply_id", Integer, ForeignKey("replies.id", ondelete="CASCADE"), nullable=False),
          Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
          Column("rating", SmallInteger, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Column("updated_at", DateTime(timezone=True), nullable=False),
          UniqueConstraint("reply_id", name="uq_feedback_reply"),
          Index("ix_feedback_user_id", "user_id"))
    Table("emotion_log", md,
          Column("id", Integer, primary_key=True),
          Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
          Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
          Column("turn_id", Integer, ForeignKey("turns.id", ondelete="CASCADE"), nullable=False),
          Column("label", String(32), nullable=False),
          Column("score", Float, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Index("ix_emotion_log_user_id", "user_id"),
          Index("ix_emotion_log_conversation_id", "conversation_id"),
          Index("ix_emotion_log_turn_id", "turn_id"))
    return md


def _add_column(conn: Connection, table: str, column: str, type_sql: str, default_sql: str | None = None,
                not_null: bool = False) -> None:
    sql = f"ALTER TABLE {table} ADD COLUMN {column} {type_sql}"
    if default_sql is not None:
        sql += f" DEFAULT {default_sql}"
    if not_null:
        sql += " NOT NULL"
    conn.exec_driver_sql(sql)


def _migrate_2(conn: Connection) -> None:
    dialect = conn.dialect
    false = "false" if dialect.name == "postgresql" else "0"
    ts = DateTime(timezone=True).compile(dialect=dialect)
    _add_column(conn, "conversations", "flagged", Boolean().compile(dialect=dialect), false, not_null=True)
    _add_column(conn, "conversations", "flagged_at", ts)
    _add_column(conn, "turns", "truncated", Boolean().compile(dialect=dialect), false, not_null=True)
    _add_column(conn, "turns", "safety_level", "VARCHAR(16)", "'none'", not_null=True)
    _add_column(conn, "turns", "safety_reasons", "TEXT")

    # feedback moves from turns to reply versions: keep the old rows in memory (few), rebuild.
    old_feedback = conn.execute(text(
        "SELECT f.turn_id, f.rating, f.created_at, c.user_id FROM feedback f "
        "JOIN turns t ON t.id = f.turn_id JOIN conversations c ON c.id = t.conversation_id ORDER BY f.id"
    ).columns(turn_id=Integer, rating=Integer, created_at=DateTime(timezone=True), user_id=Integer)).all()
    conn.exec_driver_sql("DROP TABLE feedback")
    md = _v2_new_tables()
    md.create_all(conn, tables=[md.tables[n] for n in ("replies", "feedback", "emotion_log")])

    conn.execute(text(
        "INSERT INTO replies (turn_id, raw, styled, persona_id, latency_ms, created_at) "
        "SELECT t.id, t.raw_reply, COALESCE(t.styled_reply, t.raw_reply), COALESCE(t.persona_id, c.persona_id), "
        "t.latency_ms, t.created_at FROM turns t JOIN conversations c ON c.id = t.conversation_id "
        "WHERE t.raw_reply IS NOT NULL ORDER BY t.id"))
    conn.execute(text(
        "INSERT INTO emotion_log (user_id, conversation_id, turn_id, label, score, created_at) "
        "SELECT c.user_id, t.conversation_id, t.id, t.emotion_label, COALESCE(t.emotion_score, 0), t.created_at "
        "FROM turns t JOIN conversations c ON c.id = t.conversation_id "
        "WHERE t.emotion_label IS NOT NULL ORDER BY t.id"))
    reply_of_turn = dict(conn.execute(text("SELECT turn_id, MIN(id) FROM replies GROUP BY turn_id")).all())
    seen: set[int] = set()
    for turn_id, rating, created_at, user_id in old_feedback:
        reply_id = reply_of_turn.get(turn_id)
        if reply_id is None or reply_id in seen or rating not in (1, -1):
            continue  # feedback on a turn that never got a reply, or a duplicate: nothing to keep
        seen.add(reply_id)
        conn.execute(md.tables["feedback"].insert().values(
            reply_id=reply_id, user_id=user_id, rating=rating, created_at=created_at, updated_at=created_at))

    for column in ("raw_reply", "styled_reply", "persona_id", "latency_ms"):
        conn.exec_driver_sql(f"ALTER TABLE turns DROP COLUMN {column}")
    conn.exec_driver_sql("CREATE INDEX ix_conversations_user_updated ON conversations (user_id, updated_at)")


# --- version 3 (frozen) --------------------------------------------------------------------
def _v3_new_tables() -> MetaData:
    md = MetaData()
    Table("users", md, Column("id", Integer, primary_key=True))
    Table("auth_events", md,
          Column("id", Integer, primary_key=True),
          Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
          Column("name_key", String(200), nullable=False),
          Column("kind", String(32), nullable=False),
          Column("detail", String(200)),
          Column("created_at", DateTime(timezone=True), nullable=False),
          Index("ix_auth_events_user_id", "user_id"),
          Index("ix_auth_events_key_time", "name_key", "created_at"))
    Table("app_secrets", md,
          Column("name", String(64), primary_key=True),
          Column("value", Text, nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False))
    return md


def _migrate_3(conn: Connection) -> None:
    from serving.accounts.names import name_key

    dialect = conn.dialect
    false = "false" if dialect.name == "postgresql" else "0"
    ts = DateTime(timezone=True).compile(dialect=dialect)
    _add_column(conn, "users", "name_key", "VARCHAR(200)")
    _add_column(conn, "users", "secret_hash", "VARCHAR(255)")
    _add_column(conn, "users", "oidc_subject", "VARCHAR(255)")
    _add_column(conn, "users", "token_version", "INTEGER", "0", not_null=True)
    _add_column(conn, "users", "reset_hash", "VARCHAR(255)")
    _add_column(conn, "users", "reset_expires_at", ts)
    _add_column(conn, "replies", "incomplete", Boolean().compile(dialect=dialect), false, not_null=True)
    _add_column(conn, "replies", "stop_reason", "VARCHAR(32)")
    # Existing nicknames get their look-alike key; a later look-alike of an earlier name keeps a
    # unique key with its id (it still signs in by its exact name).
    seen: set[str] = set()
    for uid, name in conn.execute(text("SELECT id, name FROM users ORDER BY id")).all():
        key = name_key(name)
        if key in seen or not key:
            key = f"{key}#{uid}"
        seen.add(key)
        conn.execute(text("UPDATE users SET name_key = :k WHERE id = :i"), {"k": key, "i": uid})
    conn.exec_driver_sql("CREATE UNIQUE INDEX ix_users_name_key ON users (name_key)")
    conn.exec_driver_sql("CREATE UNIQUE INDEX ix_users_oidc_subject ON users (oidc_subject)")
    md = _v3_new_tables()
    md.create_all(conn, tables=[md.tables[n] for n in ("auth_events", "app_secrets")])


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "users, conversations, turns, feedback", _migrate_1),
    (2, "reply versions, feedback per reply, emotion log, crisis flag", _migrate_2),
    (3, "accounts (secrets, look-alike keys, tokens, resets), audit log, incomplete replies", _migrate_3),
]
assert [v for v, _, _ in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def current_version(conn: Connection) -> int:
    """The database's schema version (0: empty database)."""
    insp = inspect(conn)
    tables = set(insp.get_table_names())
    if VERSION_TABLE in tables:
        return conn.execute(text(f"SELECT MAX(version) FROM {VERSION_TABLE}")).scalar() or 0
    if not tables & {"users", "conversations", "turns"}:
        return 0
    raise StoreError("this database has maeum-looking tables but no schema_version table; "
                     "it was not created by maeum. Use another database URL (MAEUM_DATABASE_URL).")


def upgrade(engine: Engine) -> tuple[int, int]:
    """Bring the database to `SCHEMA_VERSION`. Returns (version before, version after)."""
    with engine.connect() as conn:
        before = current_version(conn)
        conn.rollback()
    if before > SCHEMA_VERSION:
        raise StoreError(f"the database schema is version {before}, newer than this maeum knows "
                         f"({SCHEMA_VERSION}); upgrade maeum, or use another database")
    version = before
    for target, name, migrate in MIGRATIONS:
        if target <= version:
            continue
        with engine.execution_options(maeum_write=True).begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            now = current_version(conn)  # another process may have migrated while we waited
            if now >= target:
                version = now
                continue
            if now == 0:
                _version_table(MetaData()).create(conn)
            logger.info("database schema: migrating %s -> %s (%s)", now, target, name)
            migrate(conn)
            conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version, applied_at) VALUES (:v, :t)"),
                         {"v": target, "t": utcnow()})
            version = target
    return before, version
