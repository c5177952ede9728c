"""The form's pages for the case after the decision: a case's timeline, and a form to add an event to it.

``GET /timeline`` lists the cases of the server's decision log; ``GET /timeline?case=REF`` shows one
case's timeline (as `scr timeline LOG REF`) with a form that adds an event to its current record;
``POST /events`` adds it, checked exactly as `scr event add` checks it (the same
:func:`~scr_eligibility.engine.audit.events.add_event`), and with the page's CSRF token like every
other form post. A refused event shows the page again with every problem and the answers given.
Without a decision log (``scr serve`` without ``--log``) there is no case to show: the pages say so.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from ...errors import InputError, Problem, ScrError
from ..render.html import render
from .errors import error_response, html_page, status, web_error
from .forms import first, parse_date_option, posted_form
from .limits import Evaluations

#: The paths of these pages (HTML errors, not the API's JSON).
EVENT_PATHS = frozenset({"/timeline", "/events"})

_FIELDS = ("case", "record_id", "kind", "on", "note", "outcome", "replaced_by", "force")


def _no_log() -> ScrError:
    return web_error("not_found", "this server keeps no decision log, so it has no cases to show", [Problem(
        "server", "started without --log", "a server started with `scr serve --log FILE`")])


def add_event_routes(app: FastAPI, log: Any, work: Evaluations) -> None:
    """Add the timeline and event routes to ``app``; they read and append to ``log`` (the decision log's
    path, or the open :class:`~scr_eligibility.engine.audit.ledger.Ledger` `scr serve` made, signing with
    its key if it was given one), or say there is none."""

    def ledger(read_only: bool) -> Any:
        from ...engine.audit.ledger import Ledger

        if not log:
            raise _no_log()
        return log if isinstance(log, Ledger) else Ledger(log, read_only=read_only)

    def page(case: str | None, csrf: str, values: dict[str, list[str]] | None = None,
             error: ScrError | None = None, added: str | None = None) -> Response:
        from ...dates import today
        from ...engine.audit.events import KINDS, REVIEW_OUTCOMES
        from ...engine.audit.timeline import build_timeline, case_key
        from ..timeline import correction_lines, decision_lines, event_lines, heading, status_text

        log = ledger(read_only=True)
        if not case:
            cases = sorted({case_key(b) for _, b in log.numbered_entries()})
            return html_page("Cases", render("timeline.html", cases=cases, case=None, csrf=csrf))
        found = build_timeline(log.numbered_entries(), today(), case).cases
        if not found:
            raise InputError("there is no such case in the decision log", [Problem(
                "case", repr(case), "the reference of a case in the log", "choose it from the list of cases")])
        timeline = found[0]
        given = {name: first(values or {}, name) for name in _FIELDS}
        body = render("timeline.html", case=timeline, heading=heading(timeline), cases=None, csrf=csrf,
                      duties=[(d, status_text(d)) for d in timeline.duties], decisions=decision_lines(timeline),
                      corrections=correction_lines(timeline), events=event_lines(timeline), kinds=KINDS,
                      outcomes=REVIEW_OUTCOMES, given=given, error=error, added=added,
                      today=today().isoformat())
        code = status(error) if error is not None else 200
        return html_page(f"Timeline {timeline.case_reference}", body, status=code)

    def add(values: dict[str, list[str]]) -> str:
        from ...engine.audit.events import add_event

        problems: list[Problem] = []
        on: _dt.date | None = None
        try:
            on = parse_date_option(first(values, "on"), "on")
        except ScrError as error:
            problems += error.problems
        record_id = first(values, "record_id").strip()
        if problems or on is None:
            raise InputError("the event cannot be recorded; nothing was written", problems)
        _seq, event = add_event(
            ledger(read_only=False), record_id, first(values, "kind").strip(), on,
            note=first(values, "note").strip() or None, outcome=first(values, "outcome").strip() or None,
            force=first(values, "force") == "yes", replaced_by=first(values, "replaced_by").strip() or None)
        return str(event["kind"])

    @app.get("/timeline", include_in_schema=False)
    async def timeline_page(request: Request, case: str | None = None, added: str | None = None) -> Response:
        try:
            return await work.run(page, case, request.state.csrf, None, None, added)
        except ScrError as error:
            return error_response(request.url.path, error)

    @app.post("/events", include_in_schema=False)
    async def add_event_page(request: Request) -> Response:
        values, refused = await posted_form(request)
        case = first(values, "case")
        if refused is not None:
            return error_response(request.url.path, refused)
        try:
            kind = await work.run(add, values)
        except ScrError as error:
            if error.exit_code == 3 or not case:
                return error_response(request.url.path, error)
            try:
                return await work.run(page, case, request.state.csrf, values, error)
            except ScrError as again:
                return error_response(request.url.path, again)
        return RedirectResponse(f"/timeline?case={quote(case)}&added={quote(kind)}", status_code=303)


__all__ = ["EVENT_PATHS", "add_event_routes"]
