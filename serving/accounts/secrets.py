"""Hashing the secrets people choose (and operator reset codes) with argon2id.

Parameters: OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane), about 0.13 s per check
on a 2-core server; argon2-cffi's own default (64 MiB, 3 passes, 4 lanes) took 0.75 s
there, which a busy single-process app cannot afford per sign-in. `needs_rehash` lets a
sign-in upgrade an old hash when these change.
"""

from __future__ import annotations

import secrets as _random

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_SECRET = 4
MAX_SECRET = 200
RESET_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
RESET_CODE_LENGTH = 10

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A hash of nothing anyone knows: verifying against it for unknown nicknames takes as long
# as for known ones, so the answer time does not tell which nicknames exist.
_DUMMY_HASH = _hasher.hash(_random.token_hex(16))


def secret_problem(secret: str | None) -> str | None:
    """Korean reason a chosen secret is refused, or None."""
    secret = secret or ""
    if len(secret.strip()) < MIN_SECRET:
        return f"비밀 문구는 {MIN_SECRET}자 이상으로 정해 주세요."
    if len(secret) > MAX_SECRET:
        return f"비밀 문구는 {MAX_SECRET}자까지 쓸 수 있어요."
    return None


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """True when `secret` matches; a missing or damaged hash never matches (and costs the same)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, secret or "") and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def new_reset_code() -> str:
    return "".join(_random.choice(RESET_CODE_ALPHABET) for _ in range(RESET_CODE_LENGTH))


def normalise_code(code: str | None) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())
