"""Issue 14.5: the web form follows the case, loads and saves case files, and prints a one-page summary."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from test_web import DIED, Browser, _form

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from scr_eligibility.cli import web

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parents[1]
#: Facts only the LSCB editions read: a 2024 case must not be asked them.
LSCB_ONLY = ("parent_murdered", "domestic_homicide_review", "mental_health_act_detention")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return Browser(web.create_app())


def _asked(page: str) -> set[str]:
    """The facts the page asks (a visible control, not a hidden carried value)."""
    return set(re.findall(r'<input type="(?:radio|text|number)" id="f-([a-z_]+?)(?:-[a-z_0-9]+)?" name="\1"', page))


def test_the_first_page_asks_the_dates_and_offers_all_questions(client: TestClient) -> None:
    page = client.get("/").text
    assert _asked(page) == {"case_reference", "deciding_nation", "incident_date", "awareness_date", "as_of"}
    assert "Next: the questions for these dates" in page and "Show all questions" in page
    assert "Load the case" in page and 'enctype="multipart/form-data"' in page


def test_a_2024_case_is_not_asked_the_lscb_only_questions(client: TestClient) -> None:
    """After the dates, only what can matter under Working Together 2023; the rest folded away or left out."""
    page = client.post("/questions", data={"awareness_date": "04/03/2024"}).text
    now = page.split('<details class="more">')[0]
    asked = _asked(now)
    assert {"outcome", "abuse_or_neglect", "location"} <= asked
    assert not set(LSCB_ONLY) & _asked(page)
    assert 'value="04/03/2024"' in page  # the date as typed is kept
    every = client.post("/questions", data={"awareness_date": "04/03/2024", "show_all": "1"}).text
    assert set(LSCB_ONLY) <= _asked(every)


def test_a_2017_case_is_asked_the_lscb_questions(client: TestClient) -> None:
    page = client.post("/questions", data={"awareness_date": "2017-05-02"}).text
    assert {"age", "outcome", "normally_resident"} <= _asked(page.split('<details class="more">')[0])


def test_an_answer_given_is_never_hidden(client: TestClient) -> None:
    page = client.post("/questions", data={"awareness_date": "04/03/2024", "parent_murdered": "yes"}).text
    assert "parent_murdered" in _asked(page)


def test_a_date_written_dd_mm_yyyy_is_decided_as_that_day(client: TestClient) -> None:
    page = client.post("/decide", data=_form({**DIED, "awareness_date": "02/05/2017"})).text
    assert "Tuesday 9 May 2017" in page and "SCR required" in page


def test_a_saved_case_file_loads_into_the_form(client: TestClient) -> None:
    case = (ROOT / "examples" / "wt2023-death-abuse-suspected.notify_panel.yaml").read_bytes()
    page = client.post("/load", data={"csrf": client.csrf_token()},
                       files={"case_file": ("case.yaml", case, "text/yaml")}).text
    assert 'value="EX-WT23"' in page
    assert re.search(r'id="f-outcome-died" name="outcome" value="died" checked', page)


def test_a_bad_case_file_is_refused_beside_the_form(client: TestClient) -> None:
    page = client.post("/load", data={"csrf": client.csrf_token()},
                       files={"case_file": ("case.yaml", b"age: fourteen\n", "text/yaml")})
    assert page.status_code == 400 and "age" in page.text and "fourteen" in page.text


def test_a_load_without_the_pages_token_is_refused(client: TestClient) -> None:
    response = client.post("/load", data={"csrf": "not-the-token"}, files={"case_file": ("c.yaml", b"age: 4\n")})
    assert response.status_code == 403


def test_save_these_answers_downloads_the_case_as_yaml(client: TestClient) -> None:
    page = client.post("/questions", data={"awareness_date": "04/03/2024"}).text
    assert 'formaction="/download/case.yaml">Save these answers</button>' in page
    saved = client.post("/download/case.yaml", data={"awareness_date": "04/03/2024", "outcome": "died"})
    assert saved.status_code == 200 and "outcome: died" in saved.text and "attachment" in saved.headers[
        "content-disposition"]


def test_the_result_summary_shows_the_deadlines(client: TestClient) -> None:
    page = client.post("/decide", data=_form(DIED)).text
    summary = page.split('<div class="outcomes">')[1].split("</div></div>")[0]
    assert "Due Tuesday 9 May 2017" in summary


def test_the_printable_summary_holds_what_to_do_the_outcome_and_the_criteria_met(client: TestClient) -> None:
    page = client.post("/print", data=_form(DIED)).text
    assert page.index("What to do now") < page.index("Outcome") < page.index("Criteria met")
    assert "Abuse or neglect known or suspected and the child has died (M1)" in page
    assert "LSCB Regulations 2006 (SI 2006/90) reg 5(2)(a),(b)(i)" in page
    assert "@page" in page  # the print stylesheet
    assert "<strong>SCR required</strong>. Notifiable incident (report to Ofsted and the LSCB): " in page
