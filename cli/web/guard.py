"""The guard: host, cross-site requests, token and body size, checked before any route sees a request."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import anyio
from fastapi import Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...errors import Problem, ScrError
from .errors import error_response, is_api, web_error
from .forms import login_page
from .limits import BODY_TIMEOUT
from .tokens import CSRF_COOKIE, SESSION_COOKIE, CsrfTokens, same, session_value

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an address, the port filled in from the scheme; None if it has none."""
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    scheme = scheme.lower()
    if not parts.hostname or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS[scheme]


def _parse_origin(origin: str) -> tuple[str, str, int] | None:
    """An Origin header (``http://127.0.0.1:8000``) as ``(scheme, host, port)``; None for ``null`` or garbage."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    return origin_of(parts.scheme, parts.netloc)


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
    * Cross-site requests: ``Sec-Fetch-Site: cross-site`` is refused, except a top-level
      navigation to a page (a link to the form from elsewhere); a POST whose Origin is not this
      server's own (scheme, host and port) or one of ``origins`` is refused. Browsers send
      both on a cross-site POST; the form's CSRF token (checked by the routes) does not rely
      on either.
    * CSRF: a form page gets a signed token, in a cookie (HttpOnly, SameSite=Strict) and in the
      request's state for the page's hidden field; the routes refuse a form post whose field
      does not match the cookie (double submit).
    * Token: with a token, every request but the login page must carry it.
    * Body: read with a cap of ``max_body`` bytes whatever Content-Length says, and within
      ``body_timeout`` seconds (408 after), then handed on.
    * Headers: every response gets a Content-Security-Policy and is marked not to be cached,
      because pages and downloads hold case facts.
    """

    def __init__(self, app: ASGIApp, *, token: str | None, max_body: int, allowed_hosts: frozenset[str] | None,
                 csp: str, origins: Iterable[str] = (), body_timeout: float = BODY_TIMEOUT):
        self.app = app
        self.token = token
        self.session = session_value(token) if token else None
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts
        self.csp = csp
        self.csrf = CsrfTokens(token)
        self.body_timeout = body_timeout
        self.origins = frozenset(o for o in (_parse_origin(origin) for origin in origins) if o is not None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = scope["path"]
        new_csrf = None
        if not is_api(path):
            cookie = request.cookies.get(CSRF_COOKIE, "")
            if not self.csrf.valid(cookie):
                cookie = new_csrf = self.csrf.issue()
            scope.setdefault("state", {})["csrf"] = cookie
        send = self._with_headers(send, new_csrf)
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        body = bytearray()
        length = request.headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_body:
            await error_response(path, self._too_large(int(length)))(scope, receive, send)
            return
        try:
            # The whole body within the time limit: a client trickling a byte at a time must not hold a
            # connection (and its buffer) for hours.
            with anyio.fail_after(self.body_timeout):
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
        except TimeoutError:
            await error_response(path, web_error("request_timeout", "the request body came too slowly", [Problem(
                "body", f"{len(body):,} bytes in {self.body_timeout:g} seconds",
                f"the whole body within {self.body_timeout:g} seconds", "send the request again")]))(
                scope, receive, send)
            return
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
        safe = request.method in ("GET", "HEAD", "OPTIONS")
        site = request.headers.get("sec-fetch-site")
        if site == "cross-site" and not (safe and request.headers.get("sec-fetch-mode") == "navigate"):
            return error_response(path, web_error("forbidden", "a request from another web site was refused", [
                Problem("Sec-Fetch-Site header", repr(site), "same-origin, same-site or none",
                        "open the form from the address scr serve printed")]))
        if not safe:
            origin = request.headers.get("origin")
            if origin is not None and not self._own_origin(origin, request.url.scheme, host):
                return error_response(path, web_error("forbidden", "a request from another web site was refused", [
                    Problem("Origin header", repr(origin), f"this server's own address ({request.url.scheme}://{host})",
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
            return login_page(wrong=header is not None or SESSION_COOKIE in request.cookies, csrf=request.state.csrf)
        found = "no Authorization header" if header is None else "a token that does not match"
        return error_response(path, web_error("unauthorized", "this server needs a token", [Problem(
            "Authorization header", found, "Bearer TOKEN, the token the server was started with",
            "send the header Authorization: Bearer TOKEN")]), headers={"WWW-Authenticate": "Bearer"})

    def _own_origin(self, origin: str, scheme: str, host: str) -> bool:
        """Whether ``origin`` is this server's (scheme, host and port compared) or one it was told to accept."""
        given = _parse_origin(origin)
        return given is not None and (given == origin_of(scheme, host) or given in self.origins)

    def _with_headers(self, send: Send, csrf: str | None) -> Send:
        cookie = f"{CSRF_COOKIE}={csrf}; Path=/; HttpOnly; SameSite=Strict".encode("ascii") if csrf else None

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if cookie is not None:
                    headers.append((b"set-cookie", cookie))
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


__all__ = ["Guard", "host_name", "origin_of"]
