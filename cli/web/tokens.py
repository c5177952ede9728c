"""The form's tokens: the proof of the server's token that the session cookie holds, and the CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

#: The form's cookie: an HMAC of the token, never the token itself.
SESSION_COOKIE = "scr_session"
#: The cookie holding the form's CSRF token (the same value every form page carries in a hidden field).
CSRF_COOKIE = "scr_csrf"
_SESSION_CONTEXT = b"scr-eligibility form session v1"
_CSRF_CONTEXT = b"scr-eligibility form csrf v1"


def session_value(token: str) -> str:
    """What the form's cookie holds: an HMAC of the token, so the cookie never carries the token itself."""
    return hmac.new(token.encode("utf-8"), _SESSION_CONTEXT, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """``a == b`` in constant time."""
    return hmac.compare_digest(a.encode("utf-8", "surrogateescape"), b.encode("utf-8", "surrogateescape"))


class CsrfTokens:
    """Form tokens a server signs: ``NONCE.SIGNATURE``. A forged one does not verify.

    With a server token the key is derived from it (so a restart keeps open pages valid);
    without one it is random per process.
    """

    def __init__(self, token: str | None):
        self.key = hmac.new(token.encode("utf-8"), _CSRF_CONTEXT, hashlib.sha256).digest() if token else os.urandom(32)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.key, nonce.encode("ascii"), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._sign(nonce)}"

    def valid(self, value: str) -> bool:
        nonce, _, signature = value.rpartition(".")
        return bool(nonce) and nonce.isascii() and same(signature, self._sign(nonce))


__all__ = ["CSRF_COOKIE", "SESSION_COOKIE", "CsrfTokens", "same", "session_value"]
