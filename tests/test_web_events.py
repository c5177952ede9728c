"""The web form's timeline page and its event form (issue 17.4): the same checks as `scr event add`, CSRF as
every form post."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from scr_eligibility.cli import web
from scr_eligibility.cli.main import main
from scr_eligibility.engine.audit.ledger import Ledger
from scr_eligibility.engine.audit.stored import is_event

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wt2023-death-abuse-suspected.notify_panel.yaml"


class Browser(TestClient):
    """Posts forms with the page's CSRF token, as a browser does (see tests/test_web.py)."""

    def post(self, url: Any, *args: Any, data: Any = None, **kwargs: Any) -> Any:
        if data is None or "csrf" not in data:
            if "scr_csrf" not in self.cookies:
                self.get("/")
            data = {**(data or {}), "csrf": str(self.cookies["scr_csrf"])}
        return super().post(url, *args, data=data, **kwargs)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "log.db"
    assert CliRunner().invoke(main, ["check", str(EXAMPLE), "--log", str(path)]).exit_code == 0
    return path


def entries(path: Path) -> list[dict[str, Any]]:
    return [b for _, b in Ledger(path, read_only=True).numbered_entries()]


def record_id(path: Path) -> str:
    return next(b["record_id"] for b in entries(path) if not is_event(b))


def test_the_cases_page_links_each_case_and_its_timeline_shows_the_duties(log: Path) -> None:
    browser = Browser(web.create_app(log_path=str(log)))
    listing = browser.get("/timeline")
    assert listing.status_code == 200 and 'href="/timeline?case=EX-WT23"' in listing.text
    page = browser.get("/timeline", params={"case": "EX-WT23"})
    assert page.status_code == 200
    assert "notify_panel" in page.text and "2024-12-31" in page.text and 'action="/events"' in page.text
    assert f'name="record_id" value="{record_id(log)}"' in page.text


def test_an_event_added_on_the_form_is_in_the_log_and_on_the_timeline(log: Path) -> None:
    browser = Browser(web.create_app(log_path=str(log)))
    response = browser.post("/events", data={"case": "EX-WT23", "record_id": record_id(log), "kind": "notified_panel",
                                             "on": "23/12/2024", "note": "Sent by secure email"},
                            follow_redirects=False)
    assert response.status_code == 303, response.text
    [event] = [b for b in entries(log) if is_event(b)]
    assert (event["kind"], event["on"], event["note"]) == ("notified_panel", "2024-12-23", "Sent by secure email")
    assert Ledger(log, read_only=True).verify().ok
    page = browser.get(response.headers["location"])
    assert "Recorded the notified_panel event" in page.text and "on time" in page.text


def test_a_refused_event_shows_every_problem_keeps_the_answers_and_writes_nothing(log: Path) -> None:
    browser = Browser(web.create_app(log_path=str(log)))
    response = browser.post("/events", data={"case": "EX-WT23", "record_id": record_id(log), "kind": "notified_panel",
                                             "on": "2024-12-01", "note": "Told Alice Smith"})
    assert response.status_code == 400
    assert "on or after the incident (2024-12-18)" in response.text and "person&#x27;s name" in response.text
    assert 'value="2024-12-01"' in response.text and "Traceback" not in response.text
    assert not [b for b in entries(log) if is_event(b)]
    bad_date = browser.post("/events", data={"case": "EX-WT23", "record_id": record_id(log), "kind": "notified_panel",
                                             "on": "soon"})
    assert bad_date.status_code == 400 and "soon" in bad_date.text


def test_an_event_post_without_the_pages_csrf_token_is_refused(log: Path) -> None:
    browser = Browser(web.create_app(log_path=str(log)))
    browser.get("/")
    response = browser.post("/events", data={"csrf": "forged", "case": "EX-WT23", "record_id": record_id(log),
                                             "kind": "notified_panel", "on": "2024-12-23"})
    assert response.status_code == 403
    assert not [b for b in entries(log) if is_event(b)]


def test_without_a_log_the_pages_say_there_is_none() -> None:
    browser = Browser(web.create_app())
    response = browser.get("/timeline")
    assert response.status_code == 404 and "keeps no decision log" in response.text


def test_an_unknown_case_is_refused_in_words(log: Path) -> None:
    response = Browser(web.create_app(log_path=str(log))).get("/timeline", params={"case": "NOPE"})
    assert response.status_code == 400 and "no such case" in response.text
