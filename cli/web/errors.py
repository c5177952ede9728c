"""Errors of the web layer: one JSON shape for the API, a short page for the form's paths."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from ...errors import Problem, ScrError
from ..render.html import page, render

#: The paths of the form (HTML); every other path is the API's (JSON).
HTML_PATHS = frozenset({"/", "/decide", "/edit", "/login", "/logout", "/download/case.yaml", "/download/decision.json",
                        "/questions", "/load", "/print", "/timeline", "/events"})
_STATUS_OF_KIND = {"input_error": 400, "unauthorized": 401, "forbidden": 403, "edition_not_found": 404,
                   "not_found": 404, "method_not_allowed": 405, "request_too_large": 413, "unsupported_media_type": 415,
                   "request_timeout": 408, "server_busy": 503,
                   "engine_error": 500, "log_error": 500, "criteria_error": 500}


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


def status(error: ScrError) -> int:
    """The HTTP status of an error, by its kind."""
    return _STATUS_OF_KIND.get(error.kind, 500 if error.exit_code == 3 else 400)


def web_error(kind: str, message: str, problems: Iterable[Problem] = (), source: str | None = "request") -> ScrError:
    """An error of the request itself (a refused host, a missing token, ...), of ``kind``."""
    return ScrError(message, list(problems), source, exit_code=1, kind=kind)


def is_api(path: str) -> bool:
    return path not in HTML_PATHS


def html_page(title: str, body: str, *, status: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(page(title, body), status_code=status, headers=dict(headers or {}))


def error_response(path: str, error: ScrError, headers: Mapping[str, str] | None = None) -> Response:
    """The error as the API's JSON shape, or as a short page for the form's paths."""
    code = status(error)
    if is_api(path):
        return JSONResponse(error.to_dict(), status_code=code, headers=dict(headers or {}))
    return html_page("Error", render("error.html", error=error), status=code, headers=headers)


__all__ = ["HTML_PATHS", "ErrorBody", "ProblemBody", "error_response", "html_page", "is_api",
           "status", "web_error"]
