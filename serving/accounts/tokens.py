"""The sign-in token: `<payload>.<HMAC-SHA256>` (base64url), signed with the server's key.

The payload holds the user id, the account's `token_version` (bumped by sign-out-everywhere,
a reset or deletion, which voids every older token) and an expiry. It carries no nickname
and no secret. The key is $MAEUM_SECRET_KEY when set (share it between replicas), else a
random key kept in the database (`app_secrets`), created on first use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

DEFAULT_LIFETIME_S = 7 * 24 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    version: int
    expires_at: float


def sign(key: bytes, user_id: int, version: int, lifetime_s: float = DEFAULT_LIFETIME_S,
         now: float | None = None) -> str:
    now = time.time() if now is None else now
    payload = json.dumps({"u": int(user_id), "v": int(version), "e": int(now + lifetime_s)},
                         separators=(",", ":")).encode()
    mac = hmac.new(key, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def verify(key: bytes, token: str | None, now: float | None = None) -> TokenClaims | None:
    """The claims of a genuine, unexpired token; None for anything else (never raises)."""
    if not token or len(token) > 512 or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    try:
        payload = _unb64(body)
        expected = hmac.new(key, payload, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            return None
        data = json.loads(payload)
        claims = TokenClaims(int(data["u"]), int(data["v"]), float(data["e"]))
    except (ValueError, KeyError, TypeError):
        return None
    if claims.expires_at < (time.time() if now is None else now):
        return None
    return claims
