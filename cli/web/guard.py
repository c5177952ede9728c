"""The guard: host, origin, token and body size, checked before any route sees a request."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...errors import Problem, ScrError
from .errors import error_response, is_api, web_error
from .forms import login_page

#: The form's cookie: an HMAC of the token, never the token itself.
SESSION_COOKIE = "scr_session"
_SESSION_CONTEXT = b"scr-eligibility form session v1"


def session_value(token: str) -> str:
    """What the form's cookie holds: an HMAC of the token, so the cookie never carries the token itself."""
    return hmac.new(token.encode("utf-8"), _SESSION_CONTEXT, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """``a == b`` in constant time."""
    return hmac.compare_digest(a.encode("utf-8", "surrogateescape"), b.encode("utf-8", "surrogateescape"))


def host_name(host: str) -> str:
    """The name part of a Host header (``[::1]:8000`` -> ``::1``, ``localhost:80`` -> ``localhost``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """ASGI middleware run before routing.

    * Host: when ``allowed_hosts`` is given (``scr serve`` on loopback without a token), any
      other Host header is refused, so a web page cannot reach the server by DNS rebinding.
    * Origin: a POST from another origin is refused, so a web page cannot submit the form or
      the API from the user's browser (browsers always send Origin on a cross-origin POST).
    * Token: with a token, every request but the login page must carry it.
    * Body: read with a cap of ``max_body`` bytes whatever Content-Length says, then handed on.
    * Headers: every response gets a Content-Security-Policy and is marked not to be cached,
      because pages and downloads hold case facts.
    """

    def __init__(self, app: ASGIApp, *, token: str | None, max_body: int, allowed_hosts: frozenset[str] | None,
                 csp: str):
        self.app = app
        self.token = token
        self.session = session_value(token) if token else None
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts
        self.csp = csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(send)
        request = Request(scope)
        path = scope["path"]
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        body = bytearray()
        length = request.headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_body:
            await error_response(path, self._too_large(int(length)))(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await error_response(path, self._too_large(None))(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self, length: int | None) -> ScrError:
        found = f"{length:,} bytes" if length is not None else f"more than {self.max_body:,} bytes"
        return web_error("request_too_large", "the request body is too large", [Problem(
            "body", found, f"at most {self.max_body:,} bytes", "a fact set is well under 2 KiB")])

    def _refusal(self, request: Request) -> Response | None:
        path = request.url.path
        host = request.headers.get("host", "")
        if self.allowed_hosts is not None and host_name(host) not in self.allowed_hosts:
            return error_response(path, web_error("forbidden", "this server does not answer to that host name", [
                Problem("Host header", repr(host), "one of " + ", ".join(sorted(self.allowed_hosts)),
                        "open the address scr serve printed")]))
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            if origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != host.lower()):
                return error_response(path, web_error("forbidden", "a request from another web site was refused", [
                    Problem("Origin header", repr(origin), f"this server's own address (http://{host})",
                            "submit the form from the page this server shows")]))
        if self.token is None or path == "/login":
            return None
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, given = header.partition(" ")
            if scheme.lower() == "bearer" and same(given.strip(), self.token):
                return None
        elif not is_api(path) and same(request.cookies.get(SESSION_COOKIE, ""), self.session or ""):
            return None
        if not is_api(path):
            return login_page(wrong=header is not None or SESSION_COOKIE in request.cookies)
        found = "no Authorization header" if header is None else "a token that does not match"
        return error_response(path, web_error("unauthorized", "this server needs a token", [Problem(
            "Authorization header", found, "Bearer TOKEN, the token the server was started with",
            "send the header Authorization: Bearer TOKEN")]), headers={"WWW-Authenticate": "Bearer"})

    def _with_headers(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in ((b"content-security-policy", self.csp.encode()),
                                   (b"cache-control", b"no-store"),
                                   (b"x-content-type-options", b"nosniff"),
                                   (b"referrer-policy", b"same-origin"),  # no-referrer makes Chrome send Origin: null
                                   (b"x-frame-options", b"DENY")):
                    if key not in present:
                        headers.append((key, value))
                message = {**message, "headers": headers}
            await send(message)
        return wrapped


__all__ = ["SESSION_COOKIE", "Guard", "host_name", "same", "session_value"]
