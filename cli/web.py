"""The web form for subgroup members and the HTTP API for other systems (``scr serve``).

:func:`create_app` builds a FastAPI application. Nothing about a case is kept between
requests: every page and every download is computed from the fields the browser sends,
and the only file written is the decision log, when one is given.

The form (no JavaScript, no external assets)
--------------------------------------------
``GET /`` is generated from the :class:`~scr_eligibility.facts.Facts` model: one fieldset per
group of :data:`~scr_eligibility.facts.GROUPS`, one question per field (its ``question`` and
``description``), "Unknown" the default answer of every question. ``POST /decide`` shows the
decision; ``POST /download/case.yaml`` and ``POST /download/decision.json`` re-evaluate the
submitted fields and return a case file (which ``scr check`` accepts) or the decision
(byte for byte what ``scr check --format json`` prints). ``POST /edit`` shows the form
again with the submitted answers. The stylesheet is inline in every page and allowed by a
hash in the Content-Security-Policy, so the pages need no other request and no internet.

The API
-------
``POST /v1/evaluate`` (facts as JSON in the body; query ``as_of=YYYY-MM-DD`` and
``edition=ID``, repeatable) returns the decision as ``scr check --format json`` prints it.
``GET /v1/editions``, ``GET /v1/criteria/{edition}`` and ``GET /v1/schema`` describe the
editions, their criteria (as ``scr criteria ID --format json``) and the fact set. The OpenAPI
description is at ``/openapi.json``. FastAPI's ``/docs`` and ``/redoc`` pages are switched
off: they load Swagger UI / ReDoc scripts and styles from a CDN, which a server without
internet access cannot serve; ``/openapi.json`` can be opened in any OpenAPI viewer.

Every API error has one JSON shape, :meth:`ScrError.to_dict
<scr_eligibility.errors.ScrError.to_dict>`::

    {"error": KIND, "message": TEXT, "source": TEXT or null,
     "problems": [{"location": ..., "found": ..., "expected": ..., "suggestion": ... or null}]}

========================  ======  =====================================================
``error``                 status  when
========================  ======  =====================================================
``input_error``           400     the body or the query is not a valid fact set (FastAPI's
                                  own 422 validation errors are converted to this)
``unauthorized``          401     a token is required and the request has none or a wrong one
``forbidden``             403     a cross-site POST (Origin differs from Host), or a Host
                                  header the server does not answer to
``edition_not_found``     404     an unknown edition or edition version
``not_found``             404     no such path
``method_not_allowed``    405     the path exists but not with that method
``request_too_large``     413     the body is over :data:`MAX_BODY` bytes (counted while
                                  reading, whatever Content-Length says)
``engine_error``          500     the rule engine failed; nothing was decided
``log_error``             500     the decision could not be recorded in the decision log
``criteria_error``        500     a shipped criteria file is not valid
========================  ======  =====================================================

Tokens
------
With a token, every request must carry it: the API in the header ``Authorization: Bearer
TOKEN``; the form asks for it once (``POST /login``) and keeps, in an HttpOnly SameSite=Strict
cookie, an HMAC of it (not the token itself), so no session is kept on the server either.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
import html
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, get_args
from urllib.parse import urlsplit

import yaml
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._version import __version__
from ..criteria import criteria_json, get_edition, latest_editions, release_status
from ..engine import evaluate
from ..engine.decision import (
    CriterionResult,
    Decision,
    DeterminationResult,
    DutyResult,
    EditionResult,
)
from ..dates import DATE_FORMATS, EXAMPLE, parse_date, today
from ..errors import EditionNotFound, EngineError, InputError, Problem, ScrError
from ..facts import (
    DATE_FACTS,
    FACT_NAMES,
    GROUPS,
    MAX_AGE,
    MAX_TEXT,
    Facts,
    allowed_values,
    label,
    parse_facts,
)
from ..parsing import decode, parse_text

#: The largest request body accepted. A fact set is under 2 KiB; the form sends less than that.
MAX_BODY = 64 * 1024
#: The form fields that are not facts.
OPTION_FIELDS = ("as_of", "edition")
#: The query parameters of ``POST /v1/evaluate``.
EVALUATE_QUERY = ("as_of", "edition")

_COOKIE = "scr_session"
_SESSION_CONTEXT = b"scr-eligibility form session v1"
_HTML_PATHS = frozenset({"/", "/decide", "/edit", "/login", "/logout", "/download/case.yaml",
                         "/download/decision.json"})
_STATUS_OF_KIND = {"input_error": 400, "unauthorized": 401, "forbidden": 403, "edition_not_found": 404,
                   "not_found": 404, "method_not_allowed": 405, "request_too_large": 413,
                   "engine_error": 500, "log_error": 500, "criteria_error": 500}


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

class ProblemBody(BaseModel):
    """One thing wrong with a request (documentation of the error shape)."""

    location: str
    found: str
    expected: str
    suggestion: str | None = None


class ErrorBody(BaseModel):
    """Every API error: ``ScrError.to_dict()``."""

    error: str
    message: str
    source: str | None = None
    problems: list[ProblemBody] = []


_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input (input_error)"},
    401: {"model": ErrorBody, "description": "Missing or wrong token (unauthorized)"},
    413: {"model": ErrorBody, "description": f"Body over {MAX_BODY} bytes (request_too_large)"},
    500: {"model": ErrorBody, "description": "The engine or the decision log failed (engine_error, log_error)"},
}


def _status(error: ScrError) -> int:
    return _STATUS_OF_KIND.get(error.kind, 500 if error.exit_code == 3 else 400)


def _error(kind: str, message: str, problems: Iterable[Problem] = (), source: str | None = "request") -> ScrError:
    return ScrError(message, list(problems), source, exit_code=1, kind=kind)


def _is_api(path: str) -> bool:
    return path not in _HTML_PATHS


def _error_response(path: str, error: ScrError, headers: Mapping[str, str] | None = None) -> Response:
    """The error as the API's JSON shape, or as a short page for the form's paths."""
    status = _status(error)
    if _is_api(path):
        return JSONResponse(error.to_dict(), status_code=status, headers=dict(headers or {}))
    body = (f"<h1>{_e(error.message[:1].upper() + error.message[1:])}</h1>" + _problem_list(error.problems)
            + '<p><a href="/">Back to the form</a></p>')
    return _page("Error", body, status=status, headers=headers)


# --------------------------------------------------------------------------------------------
# The guard: host, origin, token and body size, before any route sees the request
# --------------------------------------------------------------------------------------------

def _session_value(token: str) -> str:
    """What the form's cookie holds: an HMAC of the token, so the cookie never carries the token itself."""
    return hmac.new(token.encode("utf-8"), _SESSION_CONTEXT, hashlib.sha256).hexdigest()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogateescape"), b.encode("utf-8", "surrogateescape"))


class _Guard:
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
        self.session = _session_value(token) if token else None
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
            await _error_response(path, self._too_large(int(length)))(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await _error_response(path, self._too_large(None))(scope, receive, send)
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
        return _error("request_too_large", "the request body is too large", [Problem(
            "body", found, f"at most {self.max_body:,} bytes", "a fact set is well under 2 KiB")])

    def _refusal(self, request: Request) -> Response | None:
        path = request.url.path
        host = request.headers.get("host", "")
        if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
            return _error_response(path, _error("forbidden", "this server does not answer to that host name", [
                Problem("Host header", repr(host), "one of " + ", ".join(sorted(self.allowed_hosts)),
                        "open the address scr serve printed")]))
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            if origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != host.lower()):
                return _error_response(path, _error("forbidden", "a request from another web site was refused", [
                    Problem("Origin header", repr(origin), f"this server's own address (http://{host})",
                            "submit the form from the page this server shows")]))
        if self.token is None or path == "/login":
            return None
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, given = header.partition(" ")
            if scheme.lower() == "bearer" and _same(given.strip(), self.token):
                return None
        elif not _is_api(path) and _same(request.cookies.get(_COOKIE, ""), self.session or ""):
            return None
        if not _is_api(path):
            return _login_page(wrong=header is not None or _COOKIE in request.cookies)
        found = "no Authorization header" if header is None else "a token that does not match"
        return _error_response(path, _error("unauthorized", "this server needs a token", [Problem(
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


def _host_name(host: str) -> str:
    """The name part of a Host header (``[::1]:8000`` -> ``::1``, ``localhost:80`` -> ``localhost``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


# --------------------------------------------------------------------------------------------
# From the request to facts and options
# --------------------------------------------------------------------------------------------

def _parse_date_option(text: str, where: str) -> _dt.date:
    try:
        return parse_date(text)
    except ValueError:
        raise InputError("the date of the rules to apply is not valid", [Problem(
            where, repr(text)[:60], DATE_FORMATS, f"dates are written like {EXAMPLE}")],
            "request") from None


def _check_editions(ids: Iterable[str], where: str) -> list[str]:
    """The edition ids as given, after checking each exists (EditionNotFound names the unknown one)."""
    chosen = []
    for edition in ids:
        edition = edition.strip()
        if edition:
            try:
                get_edition(edition)
            except EditionNotFound as error:
                error.problems = [Problem(where, p.found, p.expected, p.suggestion) for p in error.problems]
                error.source = "request"
                raise
            chosen.append(edition)
    return chosen


def _number(text: str) -> Any:
    """The age as typed: an int when it is one, a float when it is one (so the message can say so), else text."""
    if re.fullmatch(r"[+-]?\d{1,20}", text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


_INT_FACTS = frozenset(n for n, f in Facts.model_fields.items() if int in get_args(f.annotation) and n not in DATE_FACTS)


def form_to_data(values: Mapping[str, list[str]]) -> dict[str, Any]:
    """The form's fact fields as the mapping :func:`parse_facts` reads.

    Blank and "unknown" answers are left out (unknown); yes/no and enumerated answers are
    passed on as typed, so :func:`parse_facts` checks them and words the messages exactly as
    the CLI does. Fields that are not facts are passed on too, to be reported as unknown facts.
    """
    data: dict[str, Any] = {}
    problems = []
    for name, items in values.items():
        if name in OPTION_FIELDS:
            continue
        if len(items) != 1:
            problems.append(Problem(name, f"{len(items)} answers", "one answer"))
            continue
        text = items[0].strip()
        if text == "":
            continue
        data[name] = _number(text) if name in _INT_FACTS else text
    if problems:
        raise InputError("the case has facts that are not valid", problems, "form")
    return data


def form_options(values: Mapping[str, list[str]]) -> tuple[_dt.date | None, list[str] | None]:
    """The form's "as of" date and edition override."""
    as_of_text = (values.get("as_of") or [""])[0]
    as_of = _parse_date_option(as_of_text, "as_of") if as_of_text.strip() else None
    editions = _check_editions(values.get("edition", []), "edition")
    return as_of, editions or None


def decide_form(values: Mapping[str, list[str]]) -> Decision:
    """Evaluate the submitted form (raises :class:`ScrError` naming every problem)."""
    facts = parse_facts(form_to_data(values), "form")
    as_of, editions = form_options(values)
    return _evaluate(facts, as_of, editions)


def _evaluate(facts: Facts, as_of: _dt.date | None, editions: list[str] | None) -> Decision:
    try:
        return evaluate(facts, as_of=as_of, editions=editions)
    except ScrError:
        raise
    except Exception as error:  # a fault of the engine, not of the input: say so, decide nothing
        raise EngineError("the engine failed while evaluating the case; nothing was decided", [Problem(
            "engine", type(error).__name__, "a decision", "report this with the facts that caused it")]) from error


async def _form_values(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        values.setdefault(key, []).append(value if isinstance(value, str) else "")
    return values


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

CSS = """
:root{--ink:#1d2125;--muted:#50575e;--line:#c9ced3;--bg:#f4f5f6;--card:#fff;--accent:#1d4f91;
--strong:#8a1c1c;--strong-bg:#fbeaea;--some:#7a4b00;--some-bg:#fff4dc;--none:#2f5d34;--none-bg:#e9f3ea;
--open:#1d4f91;--open-bg:#e8eff9;--error:#b00020}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;background:var(--bg);color:var(--ink);line-height:1.5;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif}
header.top{background:var(--accent);color:#fff;padding:.75rem 1rem}
header.top p{margin:0;max-width:60rem;margin-inline:auto;font-weight:600}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;line-height:1.2;margin:.5rem 0 1rem}
h2{font-size:1.35rem;margin:1.75rem 0 .5rem}
h3{font-size:1.1rem;margin:1.25rem 0 .5rem}
h4{font-size:1rem;margin:0 0 .25rem}
h5{font-size:1rem;margin:0 0 .25rem}
a{color:var(--accent)}
.lead{font-size:1.05rem;color:var(--muted);margin-top:0}
fieldset{border:0;margin:0;padding:0;min-width:0}
fieldset.group{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.5rem 1rem 1rem;margin:0 0 1.25rem}
fieldset.group>legend{font-size:1.25rem;font-weight:700;padding:.5rem 0 0;float:left;width:100%}
fieldset.group>legend+*{clear:both}
.q{padding:.85rem 0}
.q+.q{border-top:1px solid #e6e8ea}
.q>legend,.q>label.question{display:block;font-weight:600;padding:0;margin-bottom:.2rem}
.q>legend{float:left;width:100%}
.q>legend+*{clear:both}
.hint{color:var(--muted);font-size:.92rem;margin:0 0 .45rem}
.opts{display:flex;flex-wrap:wrap;gap:.35rem .5rem}
.opt{display:flex;align-items:center;gap:.4rem;border:1px solid var(--line);border-radius:.4rem;
padding:.35rem .7rem .35rem .5rem;background:#fafbfc}
.opt input{width:1.15rem;height:1.15rem;margin:0;accent-color:var(--accent)}
.opt label{cursor:pointer}
input[type=date],input[type=number],input[type=text],input[type=password]{font:inherit;padding:.4rem .5rem;
border:1px solid #8a9096;border-radius:.3rem;background:#fff;max-width:100%}
input[type=number]{width:7rem}
input[type=text]{width:22rem}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #ffbf47;outline-offset:1px}
.field-error{border-left:4px solid var(--error);padding-left:.75rem}
.field-error input[type=date],.field-error input[type=number],.field-error input[type=text]{border-color:var(--error)}
.error-text{color:var(--error);font-weight:600;margin:.2rem 0 .4rem}
.error-text span{display:block;font-weight:400}
.summary-box{border:3px solid var(--error);background:#fff;padding:.75rem 1rem;margin:0 0 1.25rem;border-radius:.4rem}
.summary-box h2{margin-top:0;font-size:1.2rem}
.summary-box ul{margin:0;padding-left:1.2rem}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin:1.25rem 0}
button,.button{font:inherit;font-size:.95rem;font-weight:600;border:0;border-radius:.35rem;padding:.5rem .9rem;
cursor:pointer;
background:var(--accent);color:#fff;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#e3e6e9;color:var(--ink)}
.outcomes{display:grid;gap:.75rem;margin:0 0 1rem}
.outcome{border-radius:.5rem;padding:.75rem 1rem;border:2px solid;background:var(--card)}
.outcome .edition{margin:0;font-size:.9rem;color:var(--muted);font-weight:600}
.outcome .big{margin:.1rem 0 .2rem;font-size:1.6rem;font-weight:800;line-height:1.2}
.outcome .by{margin:0;font-size:.92rem}
.outcome ul{margin:.4rem 0 0;padding-left:1.1rem}
.caveat{border-left:4px solid var(--some);background:var(--some-bg);padding:.4rem .75rem;margin:.5rem 0;font-size:.95rem}
.caveat ul{margin:.2rem 0 0;padding-left:1.1rem}
.tone-strong{border-color:var(--strong);background:var(--strong-bg)}.tone-strong .big{color:var(--strong)}
.tone-some{border-color:var(--some);background:var(--some-bg)}.tone-some .big{color:var(--some)}
.tone-none{border-color:var(--none);background:var(--none-bg)}.tone-none .big{color:var(--none)}
.tone-open{border-color:var(--open);background:var(--open-bg)}.tone-open .big{color:var(--open)}
.badge{display:inline-block;font-size:.8rem;font-weight:700;border-radius:1rem;padding:.05rem .55rem;
margin-left:.35rem;vertical-align:middle;border:1px solid}
.badge.tone-strong,.badge.tone-some,.badge.tone-none,.badge.tone-open{border-width:1px}
section.edition{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.25rem 1rem 1rem;margin:1.25rem 0}
section.edition>h2{margin-top:.75rem}
.meta{color:var(--muted);font-size:.9rem;margin:.1rem 0}
.determination{border-top:1px solid #e6e8ea;margin-top:1rem;padding-top:.25rem}
.answer{font-size:1.2rem;font-weight:700;margin:.1rem 0 .4rem}
.criterion{border-left:4px solid var(--line);padding:.25rem 0 .25rem .85rem;margin:.85rem 0}
.criterion.met{border-left-color:var(--strong)}
.criterion.not_met{border-left-color:var(--none)}
.criterion.unknown{border-left-color:var(--open)}
blockquote{margin:.4rem 0;padding:.5rem .8rem;background:#f7f7f4;border-left:3px solid #b5b09a;font-family:Georgia,
"Times New Roman",serif;font-size:1.02rem}
cite{font-style:normal;font-weight:600}
.source{margin:.2rem 0;font-size:.95rem}
.reading{margin:.2rem 0;font-size:.92rem;color:var(--muted)}
ul.evidence{margin:.3rem 0 0;padding-left:1.2rem;font-size:.95rem}
.card{border:1px solid var(--line);border-radius:.4rem;padding:.6rem .85rem;margin:.6rem 0;background:#fcfcfd}
.card h4{margin-bottom:.3rem}
.card>h2:first-child{margin-top:.25rem;font-size:1.15rem}
dl.pairs{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .9rem;margin:.2rem 0}
dl.pairs dt{font-weight:600;color:var(--muted)}
dl.pairs dd{margin:0}
.due{font-weight:800}
details{margin:.75rem 0}
summary{cursor:pointer;font-weight:600;color:var(--accent)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.93rem}
th,td{text-align:left;border-bottom:1px solid #e6e8ea;padding:.3rem .4rem;vertical-align:top}
.facts-given dd{margin:0 0 .35rem}
.facts-given dt{font-weight:600}
footer{color:var(--muted);font-size:.85rem;max-width:60rem;margin:0 auto;padding:1rem}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono",monospace;font-size:.88em;
overflow-wrap:anywhere}
@media (max-width:40rem){
main{padding:.6rem}
h1{font-size:1.45rem}
fieldset.group{padding:.25rem .7rem .75rem}
.opt{flex:1 1 100%}
input[type=text]{width:100%}
dl.pairs{grid-template-columns:1fr}
dl.pairs dt{margin-top:.3rem}
.outcome .big{font-size:1.35rem}
button,.button{flex:1 1 100%;text-align:center}
}
@media print{
body{background:#fff;font-size:11pt}
header.top,.actions,button,.button,.no-print,footer .no-print{display:none!important}
main{max-width:none;padding:0}
section.edition,fieldset.group,.card,.outcome{break-inside:avoid;border-color:#888;background:#fff}
.outcome .big{color:#000}
a{color:#000;text-decoration:none}
}
"""

_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
CSP = (f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _page(title: str, body: str, *, status: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    document = (
        '<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{_e(title)} – scr-eligibility</title><style>{CSS}</style></head><body>"
        '<header class="top"><p>Safeguarding review thresholds</p></header>'
        f"<main>{body}</main>"
        f'<footer>scr-eligibility {_e(__version__)}. Nothing you enter is stored by this page'
        '<span class="no-print">; use your browser\'s Print to keep a copy</span>.</footer></body></html>')
    return HTMLResponse(document, status_code=status, headers=dict(headers or {}))


def _problem_list(problems: Iterable[Problem]) -> str:
    items = []
    for problem in problems:
        text = f"<strong>{_e(problem.location)}</strong>: found {_e(problem.found)}; expected {_e(problem.expected)}"
        if problem.suggestion:
            text += f" ({_e(problem.suggestion)})"
        items.append(f"<li>{text}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _login_page(wrong: bool) -> Response:
    message = ('<p class="error-text" role="alert">That token is not the one this server was started with.</p>'
               if wrong else "")
    body = (
        "<h1>Enter the access token</h1>"
        '<p class="lead">This server was started with a token. Enter it once; your browser keeps a proof of it '
        "until you close it or sign out.</p>"
        f'{message}<form method="post" action="/login" class="card">'
        '<div class="q"><label class="question" for="token">Access token</label>'
        '<p class="hint" id="token-hint">Ask the person who started the server (scr serve --token).</p>'
        '<input type="password" id="token" name="token" autocomplete="current-password" '
        'aria-describedby="token-hint" required></div>'
        '<div class="actions"><button type="submit">Continue</button></div></form>')
    return _page("Access token", body, status=401)


#: Each fact's field, question and description, in the order of GROUPS (then any group not listed).
def _questions() -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {group: [] for group in GROUPS}
    for name, field in Facts.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        groups.setdefault(str(extra.get("group") or "Other facts"), []).append(name)
    return [(group, names) for group, names in groups.items() if names]


def _question(name: str) -> str:
    extra = Facts.model_fields[name].json_schema_extra
    return str(extra.get("question", name)) if isinstance(extra, dict) else name


def _choices(name: str) -> list[tuple[str, str]] | None:
    """The answers of a question with fixed answers, Unknown first; None for free answers."""
    values = allowed_values(name)
    if values is None:
        return None
    if values == (True, False):
        return [("unknown", "Unknown"), ("yes", "Yes"), ("no", "No")]
    return [("unknown", "Unknown")] + [(str(v), _sentence(label(v))) for v in values]


def _first(values: Mapping[str, list[str]], name: str) -> str:
    items = values.get(name) or [""]
    return items[0]


def _field_errors(name: str, problems: Mapping[str, list[Problem]]) -> str:
    out = []
    for problem in problems.get(name, []):
        detail = f"Found {problem.found}; expected {problem.expected}."
        if problem.suggestion:
            detail += f" {_sentence(problem.suggestion)}."
        out.append(f'<span>{_e(detail)}</span>')
    if not out:
        return ""
    return f'<p class="error-text" id="err-{_e(name)}">There is a problem with this answer{"".join(out)}</p>'


def _render_question(name: str, values: Mapping[str, list[str]], problems: Mapping[str, list[Problem]]) -> str:
    field = Facts.model_fields[name]
    question = _question(name)
    hint = field.description or ""
    errors = _field_errors(name, problems)
    css = "q field-error" if errors else "q"
    described = f"hint-{name}" + (f" err-{name}" if errors else "")
    hint_html = f'<p class="hint" id="hint-{_e(name)}">{_e(hint)}</p>'
    current = _first(values, name).strip()
    choices = _choices(name)
    if choices is not None:
        offered = {v for v, _ in choices}
        # Blank is unknown; an answer the form does not offer is shown unselected, beside its error.
        chosen = "unknown" if not current else current.lower() if current.lower() in offered else ""
        options = "".join(
            f'<div class="opt"><input type="radio" id="f-{_e(name)}-{_e(v)}" name="{_e(name)}" value="{_e(v)}"'
            f'{" checked" if v == chosen else ""}><label for="f-{_e(name)}-{_e(v)}">{_e(text)}</label></div>'
            for v, text in choices)
        return (f'<fieldset class="{css}" id="q-{_e(name)}" aria-describedby="{_e(described)}">'
                f'<legend>{_e(question)}</legend>{hint_html}{errors}<div class="opts">{options}</div></fieldset>')
    if name in DATE_FACTS:
        control = (f'<input type="date" id="f-{_e(name)}" name="{_e(name)}" value="{_e(current)}" '
                   f'min="1900-01-01" max="{today().isoformat()}" aria-describedby="{_e(described)}">')
    elif name in _INT_FACTS:
        control = (f'<input type="number" id="f-{_e(name)}" name="{_e(name)}" value="{_e(current)}" min="0" '
                   f'max="{MAX_AGE}" step="1" inputmode="numeric" aria-describedby="{_e(described)}">')
    else:
        control = (f'<input type="text" id="f-{_e(name)}" name="{_e(name)}" value="{_e(current)}" '
                   f'maxlength="{MAX_TEXT}" autocomplete="off" spellcheck="false" '
                   f'aria-describedby="{_e(described)}">')
    blank = ' <span class="hint">(leave empty if unknown)</span>'
    return (f'<div class="{css}" id="q-{_e(name)}"><label class="question" for="f-{_e(name)}">{_e(question)}'
            f'{blank}</label>{hint_html}{errors}{control}</div>')


def render_form(values: Mapping[str, list[str]] | None = None, error: ScrError | None = None) -> str:
    """The form page's body, generated from the Facts model; with ``error``, its problems beside the fields."""
    values = values or {}
    by_field: dict[str, list[Problem]] = {}
    problems = list(error.problems) if error else []
    for problem in problems:
        key = problem.location if problem.location in FACT_NAMES or problem.location in OPTION_FIELDS else ""
        by_field.setdefault(key, []).append(problem)
    out = ["<h1>Does the case meet the review thresholds?</h1>",
           ('<p class="lead">Answer what the rapid review knows. Leave a question as <strong>Unknown</strong> when '
            "it is not known: unknown is never read as no, and the decision shows what each unknown answer could "
            "change. No names are needed.</p>")]
    if error is not None:
        links = []
        for problem in problems:
            target = f"q-{problem.location}" if problem.location in FACT_NAMES or problem.location in OPTION_FIELDS \
                else "facts"
            where = _question(problem.location) if problem.location in FACT_NAMES else problem.location
            text = f"{where}: found {problem.found}; expected {problem.expected}"
            if problem.suggestion:
                text += f" ({problem.suggestion})"
            links.append(f'<li><a href="#{_e(target)}">{_e(text)}</a></li>')
        out.append(f'<div class="summary-box" role="alert" tabindex="-1" id="problems"><h2>'
                   f'{_e(_sentence(error.message))}</h2><ul>{"".join(links)}</ul></div>')
    out.append('<form method="post" action="/decide" id="facts" novalidate>')
    for group, names in _questions():
        out.append(f'<fieldset class="group"><legend>{_e(group)}</legend>')
        out.extend(_render_question(name, values, by_field) for name in names)
        out.append("</fieldset>")
    out.append(_render_options(values, by_field))
    out.append('<div class="actions"><button type="submit">Decide</button>'
               '<a class="button secondary" href="/">Clear all answers</a></div></form>')
    return "".join(out)


def _render_options(values: Mapping[str, list[str]], problems: Mapping[str, list[Problem]]) -> str:
    as_of = _first(values, "as_of").strip()
    ticked = {v.strip() for v in values.get("edition", [])}
    as_of_errors = _field_errors("as_of", problems)
    edition_errors = _field_errors("edition", problems)
    boxes = []
    for edition in latest_editions():
        content = edition.content
        until = content.in_force.until.isoformat() if content.in_force.until else "now"
        boxes.append(
            f'<div class="opt"><input type="checkbox" id="f-edition-{_e(edition.id)}" name="edition" '
            f'value="{_e(edition.id)}"{" checked" if edition.id in ticked else ""}>'
            f'<label for="f-edition-{_e(edition.id)}">{_e(content.short_title)} '
            f'<span class="hint">({_e(edition.id)}, {content.in_force.from_.isoformat()} to {until})</span></label></div>')
    return (
        '<fieldset class="group"><legend>Which rules to apply (optional)</legend>'
        f'<div class="q{" field-error" if as_of_errors else ""}" id="q-as_of">'
        '<label class="question" for="f-as_of">Apply the rules in force on this date '
        '<span class="hint">(leave empty if unknown)</span></label>'
        '<p class="hint" id="hint-as_of">Normally the date the authority became aware decides which rules apply '
        "(else the incident date, else today's rules). Give a date only to apply the rules of another day.</p>"
        f'{as_of_errors}<input type="date" id="f-as_of" name="as_of" value="{_e(as_of)}" '
        'aria-describedby="hint-as_of"></div>'
        f'<fieldset class="q{" field-error" if edition_errors else ""}" id="q-edition" '
        'aria-describedby="hint-edition"><legend>Apply only these editions of the guidance</legend>'
        '<p class="hint" id="hint-edition">Leave all unticked to let the date decide.</p>'
        f'{edition_errors}<div class="opts">{"".join(boxes)}</div></fieldset></fieldset>')


_STATUS_WORDS = {"met": "Met", "not_met": "Not met", "unknown": "Unknown"}


def _tone(edition: EditionResult, determination: DeterminationResult) -> str:
    """How strongly an answer calls for action: the first outcome (strong), a middle one, the default (none)."""
    if not determination.decided:
        return "open"
    try:
        definition = next(d for d in get_edition(edition.ref).content.determinations if d.id == determination.id)
        ids = [o.id for o in definition.outcomes]
    except (ScrError, StopIteration):
        return "some"
    if determination.outcome == ids[-1]:
        return "none"
    return "strong" if determination.outcome == ids[0] else "some"


def _fact_words(name: str) -> str:
    return f"{_question(name)} <span class=\"mono\">({_e(name)})</span>" if name in FACT_NAMES else _e(name)


def _evidence_item(item: Any) -> str:
    if item.status == "unknown":
        return f"<li>Not yet known: {_e(item.condition)} ({_e(_question(item.fact))} unknown)</li>"
    if item.presumed:
        return f"<li>Presumed: {_e(item.condition)} (the answer is unknown, and the text presumes it)</li>"
    verdict = "Yes" if item.status == "met" else "No"
    return f"<li>{verdict}: {_e(item.condition)} (answer: {_e(item.value_label)})</li>"


def _criterion_html(criterion: CriterionResult, *, level: int = 4) -> str:
    """A criterion: its words (quoted) and source, how it is read, and what the case showed.

    A criterion not met is shown compactly (its words folded away): the conditions that
    failed are what a reader of a "not met" answer needs first.
    """
    status = criterion.status
    tone = {"met": "strong", "not_met": "none", "unknown": "open"}[status]
    heading = (f'<h{level}>{_e(criterion.id)} – {_e(criterion.title)}'
               f'<span class="badge tone-{tone}">{_STATUS_WORDS[status]}</span></h{level}>')
    words = f"<blockquote>{_e(' '.join(criterion.text.split()))}</blockquote>"
    if criterion.reading:
        words += f'<p class="reading">How this tool reads it: {_e(" ".join(criterion.reading.split()))}</p>'
    source = f'<p class="source">Source: <cite>{_e(criterion.citation)}</cite></p>'
    evidence = (f'<ul class="evidence">{"".join(_evidence_item(i) for i in criterion.evidence)}</ul>'
                if criterion.evidence else "")
    if status == "not_met":
        body = f"{evidence}{source}<details><summary>The words of the law</summary>{words}</details>"
    else:
        body = f"{source}{words}{evidence}"
    return f'<article class="criterion {status}">{heading}{body}</article>'


def _long_date(day: _dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _duty_html(duty: DutyResult) -> str:
    if duty.due:
        due = f'<span class="due">{_long_date(duty.due)}</span> <span class="mono">({duty.due.isoformat()})</span>'
    elif duty.deadline:
        due = "Not worked out: the date it counts from is not known (see the rule)"
    else:
        due = "No deadline is set"
    rows = [("Who", _e(duty.by)), ("Due", due)]
    if duty.deadline:
        rows.append(("Rule", _e(_sentence(duty.deadline))))
    if duty.skipped:
        rows.append(("Days skipped", _e("; ".join(duty.skipped))))
    rows.append(("Basis", f"{_e(_sentence(duty.basis))}: <cite>{_e(duty.source)}</cite>"))
    if duty.note:
        rows.append(("Note", _e(duty.note)))
    pairs = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<div class="card"><h4>{_e(duty.action)}</h4><dl class="pairs">{pairs}</dl></div>'


def _determination_html(edition: EditionResult, determination: DeterminationResult) -> str:
    by_id = {c.id: c for c in edition.criteria}
    tone = _tone(edition, determination)
    parts = [f'<div class="determination"><h3>{_e(determination.title)}</h3>',
             (f'<p class="answer">{_e(determination.label) if determination.decided else "Undetermined"}'
              f'<span class="badge tone-{tone}">{"Decided" if determination.decided else "Still open"}</span></p>')]
    if determination.who_decides:
        parts.append(f'<p class="meta">Who decides: {_e(determination.who_decides)}</p>')
    parts.append(_caveats(determination))
    if determination.decided:
        deciding = [by_id[c] for c in determination.decided_by if c in by_id]
        if deciding:
            met = any(c.status == "met" for c in deciding)
            heading = "Why: the criteria met" if met else "Why: none of these criteria is met"
            parts.append(f"<h4>{heading}</h4>")
            parts.extend(_criterion_html(c, level=5) for c in deciding)
    else:
        parts.append("<h4>What would decide it</h4>")
        for possible in determination.possible:
            facts = "".join(f"<li>{_fact_words(f)}</li>" for f in possible.deciding_facts)
            facts_html = (f'<dt>Facts that decide</dt><dd><ul class="evidence">{facts}</ul></dd>' if facts else "")
            parts.append(f'<div class="card"><h5>{_e(possible.label)}</h5><dl class="pairs">'
                         f"<dt>When</dt><dd>{_e(_sentence(possible.when))}</dd>{facts_html}</dl></div>")
        open_criteria = {c for p in determination.possible for c in _criteria_named(p.when, by_id)}
        if open_criteria:
            parts.append("<details><summary>The criteria still open, in the words of the law</summary>"
                         + "".join(_criterion_html(by_id[c], level=5) for c in sorted(open_criteria)) + "</details>")
    if determination.duties:
        parts.append("<h4>Duties and deadlines</h4>")
        parts.extend(_duty_html(d) for d in determination.duties)
    parts.append("</div>")
    return "".join(parts)


def _criteria_named(when: str, by_id: Mapping[str, CriterionResult]) -> list[str]:
    """The criterion ids a "when" text names in brackets (``... (M2)``)."""
    return [c for c in re.findall(r"\(([^()\s]+)\)", when) if c in by_id]


def _edition_html(edition: EditionResult) -> str:
    until = edition.in_force_until.isoformat() if edition.in_force_until else "now"
    parts = [f'<section class="edition" id="edition-{_e(edition.edition)}"><h2>{_e(edition.short_title)}</h2>',
             f'<p class="meta">{_e(edition.title)}</p>',
             (f'<p class="meta">Edition <span class="mono">{_e(edition.ref)}</span>, in force '
              f"{edition.in_force_from.isoformat()} to {until}</p>")]
    parts.extend(_determination_html(edition, d) for d in edition.determinations)
    rows = "".join(f"<tr><td class=\"mono\">{_e(c.id)}</td><td>{_e(c.title)}</td><td>{_STATUS_WORDS[c.status]}</td>"
                   f"<td>{_e(c.citation)}</td></tr>" for c in edition.criteria)
    parts.append("<details><summary>Every criterion of this edition and its status</summary>"
                 '<div class="table-wrap"><table><thead><tr><th>Id</th><th>Criterion</th><th>Status</th>'
                 f"<th>Source</th></tr></thead><tbody>{rows}</tbody></table></div></details>")
    parts.append(f'<p class="meta">Content hash <span class="mono">{_e(edition.content_hash)}</span></p></section>')
    return "".join(parts)


def _hidden_fields(values: Mapping[str, list[str]]) -> str:
    return "".join(f'<input type="hidden" name="{_e(name)}" value="{_e(v)}">'
                   for name, items in values.items() for v in items)


def render_decision(decision: Decision, values: Mapping[str, list[str]]) -> str:
    """The decision page's body: outcomes first, then why, what is open, the duties, the facts given."""
    reference = decision.case_reference or "(no case reference)"
    out = [f"<h1>Decision: case {_e(reference)}</h1>",
           f'<p class="lead">Rules applied: {_e(decision.editions_applied)}.</p>']
    if not decision.editions:
        out.append('<div class="outcome tone-open"><p class="big">No edition of the rules applied</p>'
                   '<p class="by">Give the date the authority became aware, or choose an edition.</p></div>')
    cards = []
    for edition in decision.editions:
        primary = edition.primary
        tone = _tone(edition, primary)
        others = "".join(f"<li>{_e(d.title)}: {_answer_words(d)}</li>"
                         for d in edition.determinations[1:])
        met = [c for c in edition.criteria if c.id in primary.decided_by and c.status == "met"]
        if not primary.decided:
            by = f'<p class="by">It depends on facts still unknown. Still possible: {_possible_words(primary)}.</p>'
        elif met:
            by = '<p class="by">Because of ' + "; ".join(f"{_e(c.id)}: {_e(c.title)}" for c in met) + "</p>"
            by += _caveats(primary)
        else:
            by = '<p class="by">None of its criteria is met.</p>'
        title = edition.short_title if primary.title.lower() in edition.short_title.lower() else (
            f"{edition.short_title} – {primary.title}")
        big = primary.label if primary.decided else "Undetermined"
        cards.append(f'<div class="outcome tone-{tone}"><p class="edition">{_e(title)}</p>'
                     f'<p class="big">{_e(big)}</p>{by}{f"<ul>{others}</ul>" if others else ""}</div>')
    out.append(f'<div class="outcomes">{"".join(cards)}</div>')
    deciding = decision.deciding_facts()
    if deciding:
        items = "".join(f"<li>{_fact_words(f)}</li>" for f in deciding)
        out.append(f'<div class="card"><h2>Still unknown, and could change an answer</h2><ul>{items}</ul></div>')
    out.append(_actions(values))
    out.extend(_edition_html(e) for e in decision.editions)
    known = decision.facts.known()
    given = "".join(f"<dt>{_e(_question(n))}</dt><dd>{_e(_given(n, getattr(decision.facts, n)))}</dd>"
                    for n in FACT_NAMES if n in known)
    out.append('<section class="edition facts-given"><h2>The facts given</h2>'
               + (f"<dl>{given}</dl>" if given else "<p>None: every fact was unknown.</p>")
               + f'<p class="meta">Every other fact was unknown. Engine version {_e(decision.engine_version)}.</p>'
               "</section>")
    out.append(_actions(values))
    return "".join(out)


def _caveats(determination: DeterminationResult) -> str:
    """What a decided answer rests on that is presumed rather than known."""
    if not determination.caveats:
        return ""
    items = "".join(f"<li>{_e(c)}</li>" for c in determination.caveats)
    return f'<div class="caveat"><strong>Rests on a presumption:</strong><ul>{items}</ul></div>'


def _possible_words(determination: DeterminationResult) -> str:
    return " or ".join(f"<strong>{_e(p.label)}</strong>" for p in determination.possible)


def _answer_words(determination: DeterminationResult) -> str:
    """A determination's answer; an open one as "undetermined (A or B)"."""
    if determination.decided:
        return f"<strong>{_e(determination.label)}</strong>"
    return "<strong>undetermined</strong> (" + " or ".join(_e(p.label) for p in determination.possible) + ")"


def _given(name: str, value: Any) -> str:
    """A known fact's value in words (free text, such as the case reference, as given)."""
    if isinstance(value, _dt.date):
        return f"{_long_date(value)} ({value.isoformat()})"
    return _sentence(label(value)) if allowed_values(name) is not None else str(value)


def _actions(values: Mapping[str, list[str]]) -> str:
    return (f'<form method="post" action="/edit" class="actions no-print">{_hidden_fields(values)}'
            '<button type="submit">Change the answers</button>'
            '<button type="submit" class="secondary" formaction="/download/case.yaml">Download the case (YAML)</button>'
            '<button type="submit" class="secondary" formaction="/download/decision.json">Download the decision (JSON)'
            '</button><a class="button secondary" href="/">New case</a></form>')


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------

def case_yaml(decision: Decision, as_of: _dt.date | None, editions: list[str] | None) -> str:
    """The facts as a case file ``scr check`` reads: every fact, unknown ones written ``unknown``."""
    facts = decision.facts
    data = {name: (getattr(facts, name) if getattr(facts, name) is not None else "unknown") for name in FACT_NAMES}
    head = [f"# Case file written by scr serve (scr-eligibility {__version__}).",
            "# Check it again with: scr check THIS-FILE"]
    if as_of or editions:
        options = ([f"--as-of {as_of.isoformat()}"] if as_of else []) + [f"--edition {e}" for e in editions or []]
        head.append("# It was decided with: " + " ".join(options))
    body: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return "\n".join(head) + "\n" + body


def _filename(decision: Decision, suffix: str) -> str:
    reference = re.sub(r"[^A-Za-z0-9._-]+", "-", decision.case_reference or "").strip("-.")[:60]
    return f"case-{reference}{suffix}" if reference else f"case{suffix}"


# --------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------

def _editions_json(all_versions: bool) -> list[dict[str, Any]]:
    from ..criteria import all_editions

    out = []
    for edition in all_editions() if all_versions else latest_editions():
        content = edition.content
        out.append({"id": content.id, "version": content.version, "ref": edition.ref, "title": content.title,
                    "short_title": content.short_title, "summary": content.summary,
                    "in_force_from": content.in_force.from_.isoformat(),
                    "in_force_until": content.in_force.until.isoformat() if content.in_force.until else None,
                    "content_hash": edition.content_hash, "status": release_status(edition)})
    return out


def _validation_problems(error: RequestValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        location = ".".join(str(p) for p in item.get("loc", ())) or "request"
        found = repr(item.get("input"))
        problems.append(Problem(location, found if len(found) <= 60 else found[:57] + "...", str(item.get("msg"))))
    return problems


def create_app(token: str | None = None, log_path: str | None = None, *,
               allowed_hosts: Iterable[str] | None = None, max_body: int = MAX_BODY) -> FastAPI:
    """The web form and the API.

    ``token``: every request must carry it (see the module documentation). ``log_path``:
    every decision made by ``POST /v1/evaluate`` and ``POST /decide`` is appended to this
    decision log (the downloads re-evaluate a decision already shown, and are not logged
    again). ``allowed_hosts``: the only Host header names answered (``scr serve`` gives the
    loopback names when it runs without a token). Nothing else is kept or written.
    """
    record: Callable[[str, Decision], Any] | None = None
    if log_path:
        try:
            from ..engine.audit.records import append_to_log
        except ImportError:  # pragma: no cover - the record module ships with the decision log
            from ..errors import LogError

            raise LogError("this installation cannot write decision logs (scr_eligibility.engine.audit is missing)",
                           [Problem("--log", log_path, "an installation with the decision log")]) from None
        record = append_to_log

    app = FastAPI(
        title="scr-eligibility",
        version=__version__,
        description="Decides whether a child safeguarding case meets the Serious Case Review / Panel notification "
                    "thresholds, and explains why in the words of the law. Errors: "
                    '{"error", "message", "source", "problems": [{"location", "found", "expected", "suggestion"}]}.',
        docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None,
    )
    app.add_middleware(_Guard, token=token, max_body=max_body, csp=CSP,
                       allowed_hosts=frozenset(h.lower() for h in allowed_hosts) if allowed_hosts else None)

    async def decide_and_record(facts: Facts, as_of: _dt.date | None, editions: list[str] | None) -> Decision:
        decision = await run_in_threadpool(_evaluate, facts, as_of, editions)
        if record is not None and log_path:
            await run_in_threadpool(record, log_path, decision)
        return decision

    @app.exception_handler(ScrError)
    async def scr_error(request: Request, error: ScrError) -> Response:
        return _error_response(request.url.path, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        return _error_response(request.url.path, InputError(
            "the request is not valid", _validation_problems(error), "request"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            problem = Problem("path", request.url.path, "one of the paths in /openapi.json")
            return _error_response(request.url.path, _error("not_found", "there is nothing at this address", [problem]))
        if error.status_code == 405:
            problem = Problem("method", request.method, "a method this path accepts (see /openapi.json)")
            return _error_response(request.url.path, _error("method_not_allowed", "this path does not accept that "
                                                            "method", [problem]))
        return _error_response(request.url.path, _error("http_error", str(error.detail)))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        return _error_response(request.url.path, EngineError(
            "the server failed while handling the request; nothing was decided", [Problem(
                "server", type(error).__name__, "a response", "report this with the request that caused it")]))

    # ---- the form ----

    @app.get("/", include_in_schema=False)
    async def form_page() -> Response:
        return _page("Case facts", render_form())

    @app.post("/edit", include_in_schema=False)
    async def edit(request: Request) -> Response:
        return _page("Case facts", render_form(await _form_values(request)))

    @app.post("/decide", include_in_schema=False)
    async def decide(request: Request) -> Response:
        values = await _form_values(request)
        try:
            facts = parse_facts(form_to_data(values), "form")
            as_of, editions = form_options(values)
            decision = await decide_and_record(facts, as_of, editions)
        except ScrError as error:
            return _page("Please check the answers", render_form(values, error), status=_status(error))
        return _page(f"Decision {decision.case_reference or ''}".strip(), render_decision(decision, values))

    async def _download(request: Request, build: Callable[[Decision, _dt.date | None, list[str] | None], Response]
                        ) -> Response:
        values = await _form_values(request)
        try:
            facts = parse_facts(form_to_data(values), "form")
            as_of, editions = form_options(values)
            decision = await run_in_threadpool(_evaluate, facts, as_of, editions)
        except ScrError as error:
            return _page("Please check the answers", render_form(values, error), status=_status(error))
        return build(decision, as_of, editions)

    @app.post("/download/case.yaml", include_in_schema=False)
    async def download_case(request: Request) -> Response:
        return await _download(request, lambda d, a, e: Response(
            case_yaml(d, a, e), media_type="application/yaml; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{_filename(d, ".yaml")}"'}))

    @app.post("/download/decision.json", include_in_schema=False)
    async def download_decision(request: Request) -> Response:
        from .render import render_json

        return await _download(request, lambda d, a, e: Response(
            render_json(d) + "\n", media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{_filename(d, "-decision.json")}"'}))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        if token is None:
            return RedirectResponse("/", status_code=303)
        given = _first(await _form_values(request), "token").strip()
        if not _same(given, token):
            return _login_page(wrong=True)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(_COOKIE, _session_value(token), httponly=True, samesite="strict", path="/")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout() -> Response:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(_COOKIE, path="/")
        return response

    # ---- the API ----

    @app.post("/v1/evaluate", tags=["decide"], response_model=Decision, responses={
        **_ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "Unknown edition (edition_not_found)"}},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": Facts.model_json_schema()}}}})
    async def evaluate_endpoint(
        request: Request,
        as_of: Annotated[str | None, Query(description="Apply the rules in force on this date (YYYY-MM-DD).")] = None,
        edition: Annotated[list[str] | None, Query(
            description="Apply this edition (id or id@version); repeat for several.")] = None,
    ) -> Response:
        """Decide a case: the facts as a JSON object in, the decision out (as `scr check --format json`)."""
        unknown = [k for k in request.query_params if k not in EVALUATE_QUERY]
        if unknown:
            import difflib

            raise InputError("the request has query parameters this endpoint does not read", [Problem(
                k, repr(request.query_params.get(k))[:60], "as_of or edition",
                (f"did you mean {m[0]}?" if (m := difflib.get_close_matches(k, EVALUATE_QUERY, n=1)) else None))
                for k in unknown], "request")
        options_as_of = _parse_date_option(as_of, "as_of") if as_of is not None and as_of.strip() else None
        editions = _check_editions(edition or [], "edition") or None
        text = decode(await request.body(), "request")
        facts = parse_facts(parse_text(text, "request", "json"), "request")
        decision = await decide_and_record(facts, options_as_of, editions)
        return JSONResponse(decision.model_dump(mode="json"))

    @app.get("/v1/editions", tags=["describe"], responses={400: _ERROR_RESPONSES[400], 401: _ERROR_RESPONSES[401]})
    async def editions_endpoint(
        all_versions: Annotated[bool, Query(description="Every version, not only the newest of each edition.")] = False,
    ) -> list[dict[str, Any]]:
        """The editions of the rules: ids, versions, in-force dates, content hashes and release status."""
        return _editions_json(all_versions)

    @app.get("/v1/criteria/{edition}", tags=["describe"], responses={
        401: _ERROR_RESPONSES[401], 404: {"model": ErrorBody, "description": "Unknown edition (edition_not_found)"}})
    async def criteria_endpoint(edition: str) -> dict[str, Any]:
        """An edition's criteria with their verbatim text and citation (as `scr criteria ID --format json`)."""
        return criteria_json(get_edition(edition))

    @app.get("/v1/schema", tags=["describe"], responses={401: _ERROR_RESPONSES[401]})
    async def schema_endpoint() -> dict[str, Any]:
        """The JSON Schema of a fact set (as `scr schema`)."""
        return Facts.model_json_schema()

    return app


__all__ = ["CSP", "MAX_BODY", "create_app", "decide_form", "form_options", "form_to_data", "render_decision",
           "render_form"]
