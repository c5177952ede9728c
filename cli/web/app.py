"""The application: the form's routes, the API's routes, and how errors become responses."""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..._version import __version__
from ...criteria import all_editions, criteria_json, get_edition, latest_editions, release_status
from ...engine import faults
from ...engine.decision import Decision
from ...errors import EngineError, InputError, Problem, ScrError
from ...facts import Facts, parse_facts
from ...parsing import decode, parse_text
from ..render.html import CSP, render_decision, render_summary
from .adaptive import ALL, Relevance, case_values, relevance
from .downloads import case_download, decision_download
from .errors import ErrorBody, error_response, html_page, status, web_error
from .events import add_event_routes
from .forms import (api_readings, check_editions, first, follow_case, form_options, form_readings, form_to_data,
                    login_page, media_type, parse_date_option, posted_form, render_form)
from .guard import Guard
from .limits import BODY_TIMEOUT, MAX_EVALUATIONS, MAX_WAITING, Evaluations
from .tokens import SESSION_COOKIE, same, session_value

#: The largest request body accepted. A fact set is under 2 KiB; the form sends less than that.
MAX_BODY = 64 * 1024
#: The query parameters of ``POST /v1/evaluate``.
EVALUATE_QUERY = ("as_of", "edition")

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input (input_error)"},
    401: {"model": ErrorBody, "description": "Missing or wrong token (unauthorized)"},
    413: {"model": ErrorBody, "description": f"Body over {MAX_BODY} bytes (request_too_large)"},
    415: {"model": ErrorBody, "description": "A body that is not application/json (unsupported_media_type)"},
    503: {"model": ErrorBody, "description": "Too many requests in progress (server_busy)"},
    500: {"model": ErrorBody, "description": "The engine or the decision log failed (engine_error, log_error)"},
}


def _request_schema() -> dict[str, Any]:
    """The body of ``POST /v1/evaluate``: a fact set, and optionally ``readings`` (options of declared readings)."""
    schema = Facts.model_json_schema()
    schema["properties"] = {**schema["properties"], "readings": {
        "type": "object", "additionalProperties": {"type": "string"},
        "description": "Options of the editions' declared readings, reading id -> option id (GET /v1/criteria/"
                       "{edition} lists them); the others take their defaults. Not a fact."}}
    return schema


def _editions_json(all_versions: bool) -> list[dict[str, Any]]:
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
               allowed_hosts: Iterable[str] | None = None, max_body: int = MAX_BODY,
               origins: Iterable[str] = (), max_evaluations: int = MAX_EVALUATIONS,
               max_waiting: int = MAX_WAITING, body_timeout: float = BODY_TIMEOUT) -> FastAPI:
    """The web form and the API.

    ``token``: every request must carry it (see the package documentation). ``log_path``:
    every decision made by ``POST /v1/evaluate`` and ``POST /decide`` is appended to this
    decision log (the downloads re-evaluate a decision already shown, and are not logged
    again). ``allowed_hosts``: the only Host header names answered (``scr serve`` gives the
    loopback names when it runs without a token). ``origins``: addresses besides the server's
    own from which browsers may post (``https://scr.example.org`` behind a TLS proxy).
    ``max_evaluations``, ``max_waiting``, ``body_timeout``: see :mod:`.limits`. Nothing else is
    kept or written.
    """
    record: Callable[[str, Decision], Any] | None = None
    if log_path:
        from ...engine.audit.records import append_to_log

        record = append_to_log

    app = FastAPI(
        title="scr-eligibility",
        version=__version__,
        description="Decides whether a child safeguarding case meets the Serious Case Review / Panel notification "
                    "thresholds, and explains why in the words of the law. Errors: "
                    '{"error", "message", "source", "problems": [{"location", "found", "expected", "suggestion"}]}.',
        docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None,
    )
    app.add_middleware(Guard, token=token, max_body=max_body, csp=CSP, origins=tuple(origins),
                       body_timeout=body_timeout,
                       allowed_hosts=frozenset(h.lower() for h in allowed_hosts) if allowed_hosts else None)
    work = Evaluations(max_evaluations, max_waiting)

    # The functions below run in a worker thread (work.run), never on the event loop.

    def decided(facts: Any, as_of: _dt.date | None, editions: list[str] | None, log: bool,
                readings: dict[str, str] | None = None) -> Decision:
        decision = faults.decide(facts, as_of=as_of, editions=editions, readings=readings)
        if log and record is not None and log_path:
            record(log_path, decision)
        return decision

    def from_form(values: dict[str, list[str]], log: bool) -> tuple[Decision, _dt.date | None, list[str] | None]:
        facts = parse_facts(form_to_data(values), "form")
        as_of, editions = form_options(values)
        return decided(facts, as_of, editions, log, form_readings(values)), as_of, editions

    def decision_page(values: dict[str, list[str]], csrf: str) -> Response:
        decision, _, _ = from_form(values, log=True)
        title = f"Decision {decision.case_reference or ''}".strip()
        return html_page(title, render_decision(decision, values, csrf=csrf))

    def from_json(body: bytes, as_of: _dt.date | None, editions: list[str] | None) -> Response:
        data, readings = api_readings(parse_text(decode(body, "request"), "request", "json"))
        facts = parse_facts(data, "request")
        return JSONResponse(decided(facts, as_of, editions, log=True, readings=readings).model_dump(mode="json"))

    @app.exception_handler(ScrError)
    async def scr_error(request: Request, error: ScrError) -> Response:
        return error_response(request.url.path, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        return error_response(request.url.path, InputError(
            "the request is not valid", _validation_problems(error), "request"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            problem = Problem("path", request.url.path, "one of the paths in /openapi.json")
            return error_response(request.url.path, web_error("not_found", "there is nothing at this address",
                                                              [problem]))
        if error.status_code == 405:
            problem = Problem("method", request.method, "a method this path accepts (see /openapi.json)")
            return error_response(request.url.path, web_error("method_not_allowed", "this path does not accept "
                                                              "that method", [problem]))
        return error_response(request.url.path, web_error("http_error", str(error.detail)))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        return error_response(request.url.path, EngineError(
            "the server failed while handling the request; nothing was decided", [Problem(
                "server", type(error).__name__, "a response", "report this with the request that caused it")]))

    # ---- the form ----

    def form_page(request: Request, values: dict[str, list[str]] | None = None,
                  error: ScrError | None = None, shown: Relevance = ALL) -> Response:
        body = render_form(values, error, csrf=request.state.csrf, shown=shown)
        if error is None:
            return html_page("Case facts", body)
        return html_page("Please check the answers", body, status=status(error))

    async def following(request: Request, values: dict[str, list[str]]) -> Response:
        """The form asking what can matter for ``values`` (worked out in a worker thread: it evaluates)."""
        shown = await work.run(follow_case, values)
        return form_page(request, values, shown=shown)

    @app.get("/", include_in_schema=False)
    async def blank_form(request: Request, all: str = "") -> Response:
        return form_page(request, shown=ALL if all == "1" else relevance({}, Facts(), None, None))

    @app.post("/edit", include_in_schema=False)
    @app.post("/questions", include_in_schema=False)
    async def questions(request: Request) -> Response:
        values, refused = await posted_form(request)
        if refused is not None:
            return form_page(request, values, refused)
        return await following(request, values)

    @app.post("/load", include_in_schema=False)
    async def load(request: Request) -> Response:
        values, refused = await posted_form(request)
        if refused is not None:
            return form_page(request, {}, refused)
        upload = (await request.form()).get("case_file")
        if upload is None or isinstance(upload, str):
            return form_page(request, {}, InputError("no case file was sent", [Problem(
                "case_file", "nothing", "a case file (YAML or JSON)", "choose a file, then press Load the case")],
                "form"))
        try:
            loaded = await work.run(case_values, await upload.read(), upload.filename or "")
        except ScrError as error:
            return form_page(request, {}, error)
        return await following(request, loaded)

    @app.post("/print", include_in_schema=False)
    async def printable(request: Request) -> Response:
        # Made like a download (decided, never logged); shown as a page.
        return await download(request, lambda decision, _as_of, _editions: html_page(
            f"Summary {decision.case_reference or ''}".strip(), render_summary(decision)))

    @app.post("/decide", include_in_schema=False)
    async def decide(request: Request) -> Response:
        values, refused = await posted_form(request)
        if refused is not None:
            return form_page(request, values, refused)
        try:
            return await work.run(decision_page, values, request.state.csrf)
        except ScrError as error:
            return form_page(request, values, error)

    async def download(request: Request, build: Callable[[Decision, _dt.date | None, list[str] | None], Response]
                       ) -> Response:
        values, refused = await posted_form(request)
        if refused is not None:
            return form_page(request, values, refused)
        try:
            decision, as_of, editions = await work.run(from_form, values, log=False)
        except ScrError as error:
            return form_page(request, values, error)
        return build(decision, as_of, editions)

    @app.post("/download/case.yaml", include_in_schema=False)
    async def download_case(request: Request) -> Response:
        return await download(request, case_download)

    @app.post("/download/decision.json", include_in_schema=False)
    async def download_decision(request: Request) -> Response:
        return await download(request, decision_download)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        values, refused = await posted_form(request)
        if refused is not None:
            return error_response(request.url.path, refused)
        if token is None:
            return RedirectResponse("/", status_code=303)
        if not same(first(values, "token").strip(), token):
            return login_page(wrong=True, csrf=request.state.csrf)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(SESSION_COOKIE, session_value(token), httponly=True, samesite="strict", path="/")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        _, refused = await posted_form(request)
        if refused is not None:
            return error_response(request.url.path, refused)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # ---- the case after the decision: timelines and events (cli/web/events.py) ----

    add_event_routes(app, log_path, work)

    # ---- the API ----

    @app.post("/v1/evaluate", tags=["decide"], response_model=Decision, responses={
        **_ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "Unknown edition (edition_not_found)"}},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": _request_schema()}}}})
    async def evaluate_endpoint(
        request: Request,
        as_of: Annotated[str | None, Query(description="Apply the rules in force on this date (YYYY-MM-DD).")] = None,
        edition: Annotated[list[str] | None, Query(
            description="Apply this edition (id or id@version); repeat for several.")] = None,
    ) -> Response:
        """Decide a case: the facts as a JSON object in, the decision out (as `scr check --format json`).

        The object may also hold ``readings``: options of the editions' declared readings, as
        ``{"lscb-discretionary-list": "seed"}`` (`GET /v1/criteria/{edition}` lists them); the others take
        their defaults.
        """
        if media_type(request) != "application/json":
            found = request.headers.get("content-type")
            # A browser can send text/plain or a form to another site without asking it first: JSON only.
            raise web_error("unsupported_media_type", "the request body must be JSON", [Problem(
                "Content-Type header", repr(found) if found is not None else "none", "application/json",
                "send the header Content-Type: application/json")])
        unknown = [k for k in request.query_params if k not in EVALUATE_QUERY]
        if unknown:
            raise InputError("the request has query parameters this endpoint does not read", [Problem(
                k, repr(request.query_params.get(k))[:60], "as_of or edition",
                (f"did you mean {m[0]}?" if (m := difflib.get_close_matches(k, EVALUATE_QUERY, n=1)) else None))
                for k in unknown], "request")
        options_as_of = parse_date_option(as_of, "as_of") if as_of is not None and as_of.strip() else None
        editions = check_editions(edition or [], "edition") or None
        return await work.run(from_json, await request.body(), options_as_of, editions)

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


__all__ = ["EVALUATE_QUERY", "MAX_BODY", "create_app"]
