"""Sign-up, sign-in with attempt limits, the audit log, resets, tokens, export and deletion.

Attempt limits (per look-alike name key, counted in the audit log so every server process
sees the same count): after `MAX_FAILURES` failures in a row, each further attempt within
the back-off is refused without checking the secret. The back-off starts at `BACKOFF_S`
and doubles with every further failure, up to `MAX_BACKOFF_S`: short enough that a person in
distress who mistyped is not shut out for long, long enough to make guessing useless
(an operator can always issue a reset code: docs/privacy.md, "Operator reset").
"""

from __future__ import annotations

import os
import secrets as _random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update

from maeum.errors import MaeumError
from serving.accounts import secrets as sec
from serving.accounts import tokens
from serving.accounts.names import NameError_, clean_name, name_key
from serving.store.models import AppSecret, AuthEvent, User, utcnow

MAX_FAILURES = 5
BACKOFF_S = 60.0
MAX_BACKOFF_S = 15 * 60.0
RESET_LIFETIME = timedelta(hours=24)
SECRET_KEY_ENV = "MAEUM_SECRET_KEY"

WRONG = "닉네임이나 비밀 문구가 맞지 않아요. 다시 확인해 주세요."
LEGACY = ("이 닉네임은 비밀 문구가 없던 예전 계정이에요. 운영자에게 재설정 코드를 받아 "
          "'비밀 문구를 잊었어요'에서 새 비밀 문구를 정해 주세요.")
TAKEN = "이미 쓰이고 있거나 아주 비슷한 닉네임이 있어요. 다른 닉네임을 골라 주세요."


class AccountError(MaeumError):
    """Refused (taken name, weak secret, bad reset code); the message is Korean."""


@dataclass(frozen=True)
class SignInResult:
    user_id: int | None
    name: str | None = None
    message: str | None = None  # Korean, when refused
    wait_s: float = 0.0  # > 0: refused for this long without checking the secret

    @property
    def ok(self) -> bool:
        return self.user_id is not None


def _aware(dt: datetime | None) -> datetime | None:
    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt


class Accounts:
    """Account operations on a `serving.store.Store` (tables since schema v3)."""

    def __init__(self, store, *, token_lifetime_s: float = tokens.DEFAULT_LIFETIME_S):
        self.store = store
        self.token_lifetime_s = token_lifetime_s
        self._key: bytes | None = None

    # --- audit and limits ----------------------------------------------------------------
    def _audit(self, s, key: str, kind: str, user_id: int | None = None, detail: str | None = None) -> None:
        s.add(AuthEvent(user_id=user_id, name_key=key[:200], kind=kind, detail=detail, created_at=utcnow()))

    def audit(self, key: str, kind: str, user_id: int | None = None, detail: str | None = None) -> None:
        with self.store.session(write=True) as s:
            self._audit(s, key, kind, user_id, detail)

    def wait_seconds(self, key: str, now: datetime | None = None) -> float:
        """How long attempts for `key` are refused now (0: an attempt may be checked)."""
        now = now or utcnow()
        with self.store.session() as s:
            rows = s.execute(select(AuthEvent.kind, AuthEvent.created_at)
                             .where(AuthEvent.name_key == key,
                                    AuthEvent.kind.in_(("signin_ok", "signin_failed", "reset_ok", "reset_failed")))
                             .order_by(AuthEvent.id.desc()).limit(MAX_FAILURES + 12)).all()
        failures, last = 0, None
        for kind, at in rows:
            if kind in ("signin_ok", "reset_ok"):
                break
            failures += 1
            last = last or _aware(at)
        if failures < MAX_FAILURES or last is None:
            return 0.0
        backoff = min(BACKOFF_S * 2 ** (failures - MAX_FAILURES), MAX_BACKOFF_S)
        return max(0.0, (last + timedelta(seconds=backoff) - now).total_seconds())

    # --- sign-up / sign-in ---------------------------------------------------------------
    def sign_up(self, nickname: str, secret: str) -> int:
        try:
            name = clean_name(nickname)
        except NameError_ as exc:
            raise AccountError(str(exc)) from None
        problem = sec.secret_problem(secret)
        if problem:
            raise AccountError(problem)
        key = name_key(name)
        hashed = sec.hash_secret(secret)
        with self.store.session(write=True) as s:
            taken = s.scalar(select(User.id).where((User.name_key == key) | (User.name == name)))
            if taken is not None:
                self._audit(s, key, "signup_refused", detail="name taken or look-alike")
                raise AccountError(TAKEN)
            user = User(name=name, name_key=key, secret_hash=hashed, created_at=utcnow())
            s.add(user)
            s.flush()
            self._audit(s, key, "signup", user.id)
            return user.id

    def _find(self, s, name: str, key: str) -> User | None:
        return (s.scalar(select(User).where(User.name == name))
                or s.scalar(select(User).where(User.name_key == key)))

    def sign_in(self, nickname: str, secret: str) -> SignInResult:
        try:
            name = clean_name(nickname)
        except NameError_ as exc:
            return SignInResult(None, message=str(exc))
        key = name_key(name)
        wait = self.wait_seconds(key)
        if wait > 0:
            self.audit(key, "refused_wait", detail=f"{wait:.0f}s")
            return SignInResult(None, message=wait_message(wait), wait_s=wait)
        with self.store.session() as s:
            user = self._find(s, name, key)
            uid, display, stored = (user.id, user.name, user.secret_hash) if user else (None, None, None)
        ok = sec.verify_secret(stored, secret)  # same cost whether or not the name exists
        if uid is not None and stored is None:
            self.audit(key, "signin_legacy", uid)
            return SignInResult(None, message=LEGACY)
        if not ok:
            self.audit(key, "signin_failed", uid)
            wait = self.wait_seconds(key)
            return SignInResult(None, message=wait_message(wait) if wait > 0 else WRONG, wait_s=wait)
        with self.store.session(write=True) as s:
            if sec.needs_rehash(stored):
                s.execute(update(User).where(User.id == uid).values(secret_hash=sec.hash_secret(secret)))
            self._audit(s, key, "signin_ok", uid)
        return SignInResult(uid, display)

    # --- single sign-on (st.login) -------------------------------------------------------
    def oidc_user(self, issuer: str, subject: str, display: str | None) -> tuple[int, str]:
        """The account of an OIDC identity, created on first sign-in; (user id, display name)."""
        ident = f"{issuer}|{subject}"[:255]
        with self.store.session(write=True) as s:
            user = s.scalar(select(User).where(User.oidc_subject == ident))
            if user is None:
                try:
                    base = clean_name(display or "")
                except NameError_:
                    base = "손님"
                name = base
                while s.scalar(select(User.id).where((User.name == name) | (User.name_key == name_key(name)))):
                    name = f"{base[:24]}-{_random.randbelow(10_000):04d}"
                user = User(name=name, name_key=name_key(name), oidc_subject=ident, created_at=utcnow())
                s.add(user)
                s.flush()
                self._audit(s, name_key(name), "signup_oidc", user.id)
            self._audit(s, user.name_key or name_key(user.name), "signin_oidc", user.id)
            return user.id, user.name

    # --- operator reset ------------------------------------------------------------------
    def issue_reset(self, nickname: str) -> str:
        """A one-time code (24 h) that lets the owner of `nickname` choose a new secret."""
        name = clean_name(nickname)
        key = name_key(name)
        code = sec.new_reset_code()
        with self.store.session(write=True) as s:
            user = self._find(s, name, key)
            if user is None:
                raise AccountError(f"no account named {name!r}")
            user.reset_hash = sec.hash_secret(code)
            user.reset_expires_at = utcnow() + RESET_LIFETIME
            self._audit(s, user.name_key or key, "reset_issued", user.id)
        return code

    def reset_with_code(self, nickname: str, code: str, new_secret: str) -> SignInResult:
        try:
            name = clean_name(nickname)
        except NameError_ as exc:
            return SignInResult(None, message=str(exc))
        problem = sec.secret_problem(new_secret)
        if problem:
            return SignInResult(None, message=problem)
        key = name_key(name)
        wait = self.wait_seconds(key)
        if wait > 0:
            self.audit(key, "refused_wait", detail=f"{wait:.0f}s")
            return SignInResult(None, message=wait_message(wait), wait_s=wait)
        with self.store.session() as s:
            user = self._find(s, name, key)
            uid, stored, expires = (user.id, user.reset_hash, _aware(user.reset_expires_at)) if user \
                else (None, None, None)
        ok = sec.verify_secret(stored, sec.normalise_code(code)) and expires is not None and expires > utcnow()
        if not ok:
            self.audit(key, "reset_failed", uid)
            return SignInResult(None, message="재설정 코드가 맞지 않거나 만료됐어요. 운영자에게 다시 받아 주세요.")
        with self.store.session(write=True) as s:
            user = s.get(User, uid)
            user.secret_hash = sec.hash_secret(new_secret)
            user.reset_hash, user.reset_expires_at = None, None
            user.name_key = user.name_key or key
            user.token_version += 1  # every older sign-in token stops working
            self._audit(s, user.name_key, "reset_ok", uid)
            return SignInResult(uid, user.name)

    # --- tokens ----------------------------------------------------------------------------
    def _signing_key(self) -> bytes:
        if self._key is None:
            env = os.environ.get(SECRET_KEY_ENV)
            if env:
                self._key = env.encode("utf-8")
            else:
                with self.store.session() as s:  # a read first: no write lock on every page run
                    row = s.get(AppSecret, "token_key")
                if row is not None:
                    self._key = bytes.fromhex(row.value)
                    return self._key
                with self.store.session(write=True) as s:
                    row = s.get(AppSecret, "token_key")
                    if row is None:
                        row = AppSecret(name="token_key", value=_random.token_hex(32), created_at=utcnow())
                        s.add(row)
                    self._key = bytes.fromhex(row.value)
        return self._key

    def token_for(self, user_id: int) -> str:
        with self.store.session() as s:
            version = s.scalar(select(User.token_version).where(User.id == user_id))
        if version is None:
            raise AccountError(f"no user {user_id}")
        return tokens.sign(self._signing_key(), user_id, version, self.token_lifetime_s)

    def user_from_token(self, token: str | None) -> tuple[int, str] | None:
        """(user id, display name) for a genuine, current token; None otherwise."""
        claims = tokens.verify(self._signing_key(), token)
        if claims is None:
            return None
        with self.store.session() as s:
            row = s.execute(select(User.id, User.name, User.token_version).where(User.id == claims.user_id)).first()
        if row is None or row[2] != claims.version:
            return None
        return row[0], row[1]

    def sign_out_everywhere(self, user_id: int) -> None:
        with self.store.session(write=True) as s:
            s.execute(update(User).where(User.id == user_id).values(token_version=User.token_version + 1))
            self._audit(s, f"#{user_id}", "signout_all", user_id)

    # --- privacy ---------------------------------------------------------------------------
    def delete_account(self, user_id: int) -> None:
        """Every row of this user (conversations, turns, replies, feedback, emotions), then the user."""
        for conv in self.store.list_conversations(user_id):
            self.store.delete_conversation(conv.id, user_id)
        with self.store.session(write=True) as s:
            s.execute(update(AuthEvent).where(AuthEvent.user_id == user_id).values(user_id=None))
            s.execute(delete(User).where(User.id == user_id))
            self._audit(s, "(deleted)", "account_deleted")

    def export_account(self, user_id: int) -> dict:
        """Everything stored about this user, as JSON-ready data (no hashes)."""
        with self.store.session() as s:
            user = s.get(User, user_id)
            if user is None:
                raise AccountError(f"no user {user_id}")
            profile = {"nickname": user.name, "created_at": _aware(user.created_at).isoformat(),
                       "single_sign_on": user.oidc_subject is not None}
            events = [{"kind": e.kind, "at": _aware(e.created_at).isoformat()}
                      for e in s.scalars(select(AuthEvent).where(AuthEvent.user_id == user_id)
                                         .order_by(AuthEvent.id))]
        conversations = []
        for conv in self.store.list_conversations(user_id):
            turns = self.store.conversation_turns(conv.id, user_id)
            conversations.append({
                "title": conv.title, "persona_id": conv.persona_id, "flagged": conv.flagged,
                "created_at": conv.created_at.isoformat() if conv.created_at else None,
                "turns": [{"at": t.created_at.isoformat() if t.created_at else None, "message": t.user_text,
                           "emotion": t.emotion_label, "safety": t.safety_level,
                           "replies": [{"text": r.styled, "persona_id": r.persona_id, "rating": r.rating,
                                        "at": r.created_at.isoformat()} for r in t.replies]}
                          for t in turns]})
        return {"format": "maeum-account-export/1", "account": profile, "sign_in_events": events,
                "conversations": conversations}


def wait_message(wait_s: float) -> str:
    minutes, seconds = divmod(int(wait_s + 0.999), 60)
    when = f"{minutes}분 {seconds}초" if minutes else f"{seconds}초"
    return f"잘못된 시도가 여러 번 있었어요. {when} 뒤에 다시 시도해 주세요. 급하면 운영자에게 재설정을 요청할 수 있어요."
