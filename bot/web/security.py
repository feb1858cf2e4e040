"""The dashboard's security pieces: signed cookies, CSRF tokens, login links, rate limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections import deque
from pathlib import Path
from typing import Any

SECRET_FILE = "web-secret"  # noqa: S105 (a file name)
# next to the database, when RETE_WEB_SECRET is not set
ONE_TIME_LINK_TTL_S = 600.0

# Sent with every answer. No inline script or style anywhere, so none is allowed; htmx's
# indicator styles are turned off in base.html's meta config for the same reason.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The OAuth2 code and the one-time link are in URLs: never send them on as a referrer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def load_secret(configured: str | None, db_path: Path) -> bytes:
    """RETE_WEB_SECRET, or a random secret generated once and kept beside the database."""
    if configured:
        return configured.encode("utf-8")
    path = db_path.parent / SECRET_FILE
    try:
        return path.read_text("ascii").strip().encode("ascii")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return value.encode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """HMAC-SHA256-signed JSON for cookies: a client can read its cookie, never forge one."""

    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"rete-web-cookie:" + secret).digest()

    def _mac(self, purpose: str, body: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}:{body}".encode(), hashlib.sha256).digest())

    def sign(self, purpose: str, data: dict[str, Any], *, now: float | None = None) -> str:
        payload = dict(data, iat=time.time() if now is None else now)
        body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        return f"{body}.{self._mac(purpose, body)}"

    def unsign(
        self, purpose: str, value: str | None, *, max_age: float, now: float | None = None
    ) -> dict[str, Any] | None:
        """The data, or None when the value is missing, forged, for another purpose or old."""
        if not value or value.count(".") != 1:
            return None
        body, mac = value.split(".")
        if not hmac.compare_digest(mac, self._mac(purpose, body)):
            return None
        try:
            data = json.loads(_unb64(body))
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        issued = data.get("iat")
        now = time.time() if now is None else now
        if not isinstance(issued, int | float) or not 0 <= now - issued <= max_age:
            return None
        return data


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


class OneTimeLinks:
    """Login links for `rete web` offline: each works once, for ten minutes."""

    def __init__(self, ttl_s: float = ONE_TIME_LINK_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._issued: dict[str, float] = {}

    def issue(self, now: float | None = None) -> str:
        token = secrets.token_urlsafe(24)
        self._issued[token] = time.monotonic() if now is None else now
        return token

    def redeem(self, token: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        issued = self._issued.pop(token, None)
        return issued is not None and now - issued <= self.ttl_s


class RateLimiter:
    """At most `limit` attempts per `per` seconds for each key (a client address)."""

    def __init__(self, limit: int, per: float) -> None:
        self.limit = limit
        self.per = per
        self._seen: dict[str, deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        window = self._seen.setdefault(key, deque())
        while window and now - window[0] > self.per:
            window.popleft()
        if len(window) >= self.limit:
            return False
        window.append(now)
        if len(self._seen) > 10_000:  # forget idle clients rather than grow without end
            for stale in [k for k, w in self._seen.items() if not w or now - w[-1] > self.per]:
                del self._seen[stale]
        return True
