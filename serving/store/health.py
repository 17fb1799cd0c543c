"""`maeum doctor --database URL`: can this database take a turn now, and is its schema current?

Read-only apart from one empty write transaction (to time the write lock); it never migrates.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from maeum.doctor import Check

LOCK_PROBE_TIMEOUT_S = 2.0


def database_checks(url: str) -> list[Check]:
    from serving.store import Store, StoreError
    from serving.store.migrations import MIGRATIONS, current_version
    from serving.store.models import SCHEMA_VERSION

    try:
        store = Store(url, migrate=False)
    except StoreError as exc:
        return [Check("database", "missing", str(exc), "check the URL and the driver", required=True)]
    checks: list[Check] = []
    try:
        try:
            with store.engine.connect() as conn:
                version = current_version(conn)
        except (DBAPIError, StoreError) as exc:
            return [Check("database", "missing", f"{store.safe_url}: {getattr(exc, 'orig', exc)}",
                          "is the server up, the file readable?", required=True)]
        checks.append(Check("database", "ok", f"{store.safe_url} ({store.dialect})", required=True))
        pending = [f"v{v} {name}" for v, name, _ in MIGRATIONS if v > version]
        if version > SCHEMA_VERSION:
            checks.append(Check("schema", "missing", f"v{version}, newer than this maeum (v{SCHEMA_VERSION})",
                                "upgrade maeum", required=True))
        elif pending:
            checks.append(Check("schema", "info", f"v{version}; the app will migrate on start: {'; '.join(pending)}",
                                "back the database up first (docs/privacy.md, 'Backups')"))
        else:
            checks.append(Check("schema", "ok", f"v{version} (current)"))
        checks.append(_lock_check(store))
        if version >= 3:
            checks += _account_checks(store)
    finally:
        store.close()
    return checks


def _lock_check(store) -> Check:
    """Time taken to get (and release) the write lock, as a turn's first write would."""
    started = time.perf_counter()
    try:
        if store.dialect == "sqlite":
            raw = store.engine.raw_connection()  # autocommit (isolation_level None): our own BEGIN
            try:
                cur = raw.cursor()
                cur.execute(f"PRAGMA busy_timeout={int(LOCK_PROBE_TIMEOUT_S * 1000)}")
                mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
                cur.execute("BEGIN IMMEDIATE")
                cur.execute("ROLLBACK")
                extra = f"; journal {mode}"
            finally:
                raw.close()
        else:
            with store.engine.connect() as conn:
                read_only = conn.execute(text("SHOW transaction_read_only")).scalar()
                conn.rollback()
            if read_only == "on":
                return Check("write lock", "missing", "the server is read-only (a standby?)",
                             "point MAEUM_DATABASE_URL at the primary", required=True)
            extra = ""
    except Exception as exc:  # sqlite3.OperationalError from the raw connection, or DBAPIError
        exc = getattr(exc, "orig", exc)
        waited = time.perf_counter() - started
        return Check("write lock", "missing", f"no write after {waited:.1f}s: {exc}",
                     "another process holds the lock, the disk is full or read-only", required=True)
    waited_ms = (time.perf_counter() - started) * 1000
    status = "ok" if waited_ms < 500 else "info"
    return Check("write lock", status, f"taken in {waited_ms:.0f} ms{extra}",
                 "" if status == "ok" else "writers are queueing: many users, a slow disk, or a long transaction")


def _account_checks(store) -> list[Check]:
    from serving.store.models import AuthEvent, User, utcnow

    with store.session() as s:
        users = s.scalar(select(func.count()).select_from(User))
        legacy = s.scalar(select(func.count()).select_from(User)
                          .where(User.secret_hash.is_(None), User.oidc_subject.is_(None)))
        since = utcnow() - timedelta(hours=1)
        failed = s.scalar(select(func.count()).select_from(AuthEvent)
                          .where(AuthEvent.kind.in_(("signin_failed", "reset_failed", "refused_wait")),
                                 AuthEvent.created_at >= since))
    return [
        Check("accounts", "ok" if not legacy else "info",
              f"{users} account(s), {legacy} nickname-only from before v3",
              "" if not legacy else "they sign in after `maeum accounts reset NICKNAME` (docs/privacy.md)"),
        Check("sign-in failures (1 h)", "ok" if failed < 50 else "info", str(failed),
              "" if failed < 50 else "many failures: someone may be guessing; see the auth_events table"),
    ]
