"""The web form and the HTTP API (`scr serve`), through FastAPI's TestClient, and the serve command itself."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import re
import socket
import threading
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():  # Starlette warns that its TestClient will move off httpx; it still works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from scr_eligibility.cli import serve as serve_module
from scr_eligibility.cli import web
from scr_eligibility.cli.main import main
from scr_eligibility.cli.render import render_json
from scr_eligibility.criteria import latest_editions
from scr_eligibility.engine import evaluate, load_case

from scr_eligibility.facts import FACT_NAMES, GROUPS, Facts, allowed_values

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TOKEN = "correct-horse-battery-staple-42"
# A 2017 case is judged by Working Together 2015, whose LSCB decides for a child normally resident in its area.
DIED = {"case_reference": "BT-2017-014", "outcome": "died", "abuse_or_neglect": "known", "age": 10,
        "awareness_date": "2017-05-02", "normally_resident": True}
M1_CITATION = ("LSCB Regulations 2006 (SI 2006/90) reg 5(2)(a),(b)(i); Working Together 2015 ch4, as quoted by an SCR "
               "sub-group's terms of reference (paperzz.com/doc/6772253)")
M1_WORDS = "abuse or neglect of a child is known or suspected"


class Browser(TestClient):
    """A client that posts a form as a browser posts a page's form: with the CSRF token the page carries.

    The token is the form cookie's value (double submit), so it is read from the cookie the
    server set on the first page. JSON and raw bodies (the API) are sent as given.
    """

    def post(self, url: Any, *args: Any, data: Any = None, **kwargs: Any) -> Any:
        if not {"json", "content", "files"} & set(kwargs) and (data is None or "csrf" not in data):
            data = {**(data or {}), "csrf": self.csrf_token()}
        return super().post(url, *args, data=data, **kwargs)

    def csrf_token(self) -> str:
        if "scr_csrf" not in self.cookies:
            self.get("/")
        return str(self.cookies["scr_csrf"])


@pytest.fixture(scope="module")
def client() -> TestClient:
    return Browser(web.create_app())


@pytest.fixture(scope="module")
def guarded() -> TestClient:
    return Browser(web.create_app(token=TOKEN))


def _form(facts: dict[str, Any]) -> dict[str, str]:
    """Facts as the form sends them (yes/no for booleans, text for the rest)."""
    return {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in facts.items()}


def _error_shape(body: Any) -> None:
    assert set(body) == {"error", "message", "source", "problems"}
    for problem in body["problems"]:
        assert set(problem) == {"location", "found", "expected", "suggestion"}


# ---- the form ----------------------------------------------------------------------------------

def test_form_has_a_labelled_control_for_every_fact_grouped_in_rapid_review_order(client: TestClient) -> None:
    """GET /?all=1 ("Show all questions") asks every Facts field, by its question, in a fieldset per group in GROUPS
    order."""
    page = client.get("/?all=1").text
    for name in FACT_NAMES:
        question = Facts.model_fields[name].json_schema_extra["question"]  # type: ignore[index]
        assert html.escape(question, quote=True) in page, name
        assert f'name="{name}"' in page, name
        assert re.search(rf'<label[^>]* for="f-{name}(-[a-z_]+)?"', page), name
    legends = re.findall(r'<fieldset class="group"><legend>([^<]+)</legend>', page)
    assert legends[:len(GROUPS)] == [html.escape(g) for g in GROUPS]


def test_every_fixed_answer_question_offers_unknown_and_starts_on_it(client: TestClient) -> None:
    """Yes/no and enumerated questions are radio buttons with Unknown checked; their values are the model's."""
    page = client.get("/?all=1").text
    for name in FACT_NAMES:
        values = allowed_values(name)
        if values is None:
            continue
        assert re.search(rf'id="f-{name}-unknown" name="{name}" value="unknown" checked', page), name
        offered = set(re.findall(rf'name="{name}" value="([^"]+)"', page)) - {"unknown"}
        expected = {"yes", "no"} if values == (True, False) else set(values)
        assert offered == expected, name


def test_dates_age_and_reference_use_fitting_inputs(client: TestClient) -> None:
    """Dates are text inputs that say DD/MM/YYYY (issue 14.5), the age a number input, the reference a text input."""
    page = client.get("/?all=1").text
    for name in ("incident_date", "awareness_date", "date_of_birth"):
        assert f'<input type="text" id="f-{name}" name="{name}" value="" placeholder="DD/MM/YYYY"' in page
    assert '<input type="number" id="f-age" name="age"' in page
    assert '<input type="text" id="f-case_reference" name="case_reference"' in page


def test_pages_need_no_other_request_and_their_style_is_allowed_by_the_policy(client: TestClient) -> None:
    """Nothing is loaded from elsewhere (no src, no external href), and the inline style's hash is in the CSP."""
    response = client.get("/")
    page = response.text
    assert " src=" not in page
    assert not re.search(r'href="(https?:)?//', page)
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


def test_submitted_form_shows_the_outcome_first_with_the_law_quoted_and_cited(client: TestClient) -> None:
    """POST /decide shows "SCR required" in the first outcome card, M1's words in a blockquote and its citation."""
    response = client.post("/decide", data=_form(DIED))
    assert response.status_code == 200
    page = response.text
    first_card = re.search(r'<div class="outcome [^"]+">.*?<p class="big">([^<]+)</p>', page)
    assert first_card is not None and first_card.group(1) == "SCR required"
    assert re.search(rf"<blockquote>[^<]*{re.escape(html.escape(M1_WORDS))}", page)
    assert f"<cite>{html.escape(M1_CITATION)}</cite>" in page
    assert "Tuesday 9 May 2017" in page  # the report to Ofsted and the LSCB: five working days after 2 May
    assert "the rules in force on 2017-05-02, the date the authority became aware" in page


def test_open_case_shows_what_each_unknown_answer_would_change(client: TestClient) -> None:
    """With facts missing, each possible outcome is listed with when it would follow and the facts deciding it."""
    facts = {"outcome": "seriously_harmed", "abuse_or_neglect": "suspected", "awareness_date": "2017-05-02"}
    decision = evaluate(facts)
    primary = decision.editions[0].primary
    assert not primary.decided
    page = client.post("/decide", data=_form(facts)).text
    assert "Still unknown, and could change an answer" in page
    for possible in primary.possible:
        assert html.escape(possible.label) in page
        assert html.escape(possible.when[:1].upper() + possible.when[1:]) in page
    for name in decision.deciding_facts():
        assert f"({name})" in page


def test_an_answer_resting_on_a_presumption_says_so(client: TestClient) -> None:
    """M2 met while inter-agency working is unknown: the page shows the engine's caveat beside the answer."""
    facts = {"outcome": "seriously_harmed", "abuse_or_neglect": "suspected", "age": 9, "awareness_date": "2017-03-04",
             "normally_resident": True}
    caveats = evaluate(facts).editions[0].primary.caveats
    assert caveats
    page = client.post("/decide", data=_form(facts)).text
    assert page.count(html.escape(caveats[0])) == 2  # in the outcome card and under the determination
    assert "Rests on a presumption" in page


def test_bad_form_answers_are_shown_beside_their_questions_and_kept(client: TestClient) -> None:
    """A misspelt answer gets its suggestion next to the question (status 400), and the other answers are kept."""
    response = client.post("/decide", data={"outcome": "dyed", "abuse_or_neglect": "known", "age": "12"})
    assert response.status_code == 400
    block = re.search(r'<fieldset class="q field-error" id="q-outcome".*?</fieldset>', response.text, re.DOTALL)
    assert block is not None and "Did you mean died?" in block.group(0)
    assert 'id="f-abuse_or_neglect-known" name="abuse_or_neglect" value="known" checked' in response.text
    assert 'id="f-age" name="age" value="12"' in response.text
    assert 'role="alert"' in response.text


def test_contradictory_form_answers_name_the_field_to_correct(client: TestClient) -> None:
    """Aware before the incident: the message sits beside the awareness date."""
    response = client.post("/decide", data={"incident_date": "2018-01-10", "awareness_date": "2018-01-05"})
    assert response.status_code == 400
    block = re.search(r'id="q-awareness_date".*?</div>', response.text, re.DOTALL)
    assert block is not None and "cannot become aware of an incident before it happens" in block.group(0)


def test_decimal_age_in_the_form_gets_the_cli_message(client: TestClient) -> None:
    """An age typed 12.0 is refused with the same suggestion the CLI gives for 12.0 in a case file."""
    response = client.post("/decide", data={"age": "12.0"})
    assert response.status_code == 400
    assert "Write 12 without a decimal point" in response.text


def test_a_field_that_is_not_a_fact_is_reported_with_a_suggestion(client: TestClient) -> None:
    """Posting outcom= is an unknown fact, reported with "did you mean outcome?"."""
    response = client.post("/decide", data={"outcom": "died"})
    assert response.status_code == 400
    assert "did you mean outcome?" in response.text


def test_form_edition_and_date_overrides_choose_the_rules(client: TestClient) -> None:
    """Ticking an edition applies it alone; a bad "as of" date is shown beside its field."""
    page = client.post("/decide", data={"outcome": "died", "edition": "lscb-scr-2006"}).text
    assert "editions named by the caller: lscb-scr-2006@1" in page
    bad = client.post("/decide", data={"outcome": "died", "as_of": "03/31/2019"})  # month first: refused
    assert bad.status_code == 400
    block = re.search(r'id="q-as_of".*?</div>', bad.text, re.DOTALL)
    assert block is not None and "dates are written like 2019-03-31".capitalize() in block.group(0)
    unknown = client.post("/decide", data={"outcome": "died", "edition": "lscb-scr-2007"})
    assert unknown.status_code == 404 and "lscb-scr-2006" in unknown.text


def test_change_answers_shows_the_form_filled_in(client: TestClient) -> None:
    """POST /edit (the "Change the answers" button) re-shows the form with the answers selected."""
    page = client.post("/edit", data=_form(DIED) | {"edition": "lscb-scr-2006"}).text
    assert 'id="f-outcome-died" name="outcome" value="died" checked' in page
    assert 'value="BT-2017-014"' in page
    assert 'id="f-edition-lscb-scr-2006" name="edition" value="lscb-scr-2006" checked' in page


def test_nothing_submitted_is_kept_for_the_next_visitor(client: TestClient) -> None:
    """After a decision, a fresh GET / shows none of its answers."""
    client.post("/decide", data=_form(DIED))
    page = client.get("/").text
    assert "BT-2017-014" not in page
    assert 'value="died" checked' not in page


def test_yaml_download_round_trips_through_load_case_and_scr_check(client: TestClient, tmp_path: Path) -> None:
    """The case file download loads back to the same facts, and `scr check` decides it the same way."""
    facts = DIED | {"looked_after": False, "custody": "none"}
    response = client.post("/download/case.yaml", data=_form(facts))
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="case-BT-2017-014.yaml"'
    path = tmp_path / "case.yaml"
    path.write_bytes(response.content)
    assert load_case(str(path)) == Facts.model_validate(facts)
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == evaluate(facts).model_dump(mode="json")


def test_decision_download_is_what_scr_check_prints(client: TestClient) -> None:
    """The JSON download is byte for byte render_json of the same decision."""
    response = client.post("/download/decision.json", data=_form(DIED))
    assert response.status_code == 200
    assert response.text == render_json(evaluate(DIED)) + "\n"


def test_download_of_bad_answers_shows_the_form_with_the_problem(client: TestClient) -> None:
    """Downloads re-evaluate the fields; bad fields give the form back, not a file."""
    response = client.post("/download/case.yaml", data={"age": "-1"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "an age cannot be negative".capitalize() in response.text


# ---- the API -----------------------------------------------------------------------------------

def test_evaluate_returns_exactly_what_scr_check_json_prints(client: TestClient, tmp_path: Path) -> None:
    """POST /v1/evaluate gives the same JSON as `scr check --format json` on the same facts."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(DIED))
    cli = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    response = client.post("/v1/evaluate", json=DIED)
    assert response.status_code == 200
    assert response.json() == json.loads(cli.output)
    assert response.json()["editions"][0]["determinations"][0]["outcome"] == "scr_required"


def test_evaluate_applies_the_as_of_date_and_named_editions(client: TestClient) -> None:
    """?as_of= chooses the rules of that day; ?edition= (repeatable) names editions outright."""
    facts = {"outcome": "died", "abuse_or_neglect": "known", "age": 10}
    by_date = client.post("/v1/evaluate?as_of=2017-05-02", json=facts).json()
    assert [e["edition"] for e in by_date["editions"]] == ["wt2015"]  # lscb-scr-2006 is superseded
    assert by_date == evaluate(facts, as_of=__import__("datetime").date(2017, 5, 2)).model_dump(mode="json")
    named = client.post("/v1/evaluate?edition=lscb-scr-2006&edition=wt2023", json=facts).json()
    assert [e["edition"] for e in named["editions"]] == ["lscb-scr-2006", "wt2023"]


@pytest.mark.parametrize(("body", "location", "words"), [
    ({"outcom": "died"}, "outcom", "did you mean outcome?"),
    ({"age": "ten"}, "age", "a whole number of years"),
    ({"age": True}, "age", "a whole number of years"),
    ({"outcome": "dyed"}, "outcome", "did you mean died?"),
    ({"incident_date": "2018-01-10", "awareness_date": "2018-01-05"}, "awareness_date",
     "cannot become aware of an incident before it happens"),
    ({"sexual_abuse": True, "abuse_or_neglect": "not_known_or_suspected"}, "abuse_or_neglect", "sexual abuse is abuse"),
])
def test_bad_facts_give_400_with_the_cli_problem(client: TestClient, body: dict[str, Any], location: str,
                                                words: str) -> None:
    """Unknown fields, wrong types and contradictions: 400, the error shape, the field and the CLI's words."""
    response = client.post("/v1/evaluate", json=body)
    assert response.status_code == 400
    data = response.json()
    _error_shape(data)
    assert data["error"] == "input_error" and data["source"] == "request"
    problem = next(p for p in data["problems"] if p["location"] == location)
    assert words in json.dumps(problem)


@pytest.mark.parametrize(("content", "message"), [
    (b'{"outcome": "died",', "the file is not valid JSON"),
    (b"", "the file is empty"),
    (b"[1, 2]", "a case must be a mapping of fact names to values"),
    (b'{"age": NaN}', "the file has a number JSON does not allow"),
    (b'{"age": 1, "age": 2}', "the file has a duplicate key"),
    (b"\xff\xfe", "the file is not UTF-8 text"),
])
def test_unreadable_bodies_give_400_with_the_loader_message(client: TestClient, content: bytes, message: str) -> None:
    """Malformed, empty, non-mapping, NaN, duplicate-key and non-UTF-8 bodies: 400 with the loader's message."""
    response = client.post("/v1/evaluate", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 400
    _error_shape(response.json())
    assert response.json()["message"] == message


def test_body_over_the_limit_is_refused_by_its_declared_length(client: TestClient) -> None:
    """A body over 64 KiB is refused with 413 in the error shape."""
    response = client.post("/v1/evaluate", content=b" " * (web.MAX_BODY + 1))
    assert response.status_code == 413
    _error_shape(response.json())
    assert response.json()["error"] == "request_too_large"


def test_body_over_the_limit_is_refused_even_without_a_content_length(client: TestClient) -> None:
    """A chunked body (no Content-Length) is counted as it is read, and refused past the limit."""
    def chunks() -> Any:  # an iterator: httpx sends it chunked, with no Content-Length header
        for _ in range(40):
            yield b" " * 4096

    response = client.post("/v1/evaluate", content=chunks())
    assert response.status_code == 413
    assert response.json()["error"] == "request_too_large"


def test_body_at_the_limit_is_read(client: TestClient) -> None:
    """A body of exactly 64 KiB (a fact set padded with spaces) is accepted and decided."""
    text = json.dumps(DIED).encode()
    response = client.post("/v1/evaluate", content=text + b" " * (web.MAX_BODY - len(text)),
                           headers={"content-type": "application/json"})
    assert response.status_code == 200


def test_query_parameters_are_checked(client: TestClient) -> None:
    """A misspelt parameter is refused with a suggestion; a bad date is 400; an unknown edition 404."""
    misspelt = client.post("/v1/evaluate?asof=2017-05-02", json=DIED)
    assert misspelt.status_code == 400
    assert misspelt.json()["problems"][0]["suggestion"] == "did you mean as_of?"
    bad_date = client.post("/v1/evaluate?as_of=2017-13-01", json=DIED)
    assert bad_date.status_code == 400 and bad_date.json()["problems"][0]["location"] == "as_of"
    unknown = client.post("/v1/evaluate?edition=lscb-scr-2007", json=DIED)
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "edition_not_found"


def test_fastapi_validation_errors_come_in_the_same_shape_as_400(client: TestClient) -> None:
    """FastAPI's own 422 (a bad boolean query value) is converted to a 400 input_error."""
    response = client.get("/v1/editions?all_versions=maybe")
    assert response.status_code == 400
    _error_shape(response.json())
    assert response.json()["error"] == "input_error"
    assert response.json()["problems"][0]["location"] == "query.all_versions"


def test_editions_lists_every_edition_with_its_hash(client: TestClient) -> None:
    """GET /v1/editions lists the newest version of each edition with in-force dates and content hash."""
    data = client.get("/v1/editions").json()
    assert [e["ref"] for e in data] == [e.ref for e in latest_editions()]
    assert all(e["content_hash"].startswith("sha256:") for e in data)
    assert data[0]["in_force_from"] == "2006-04-01"


def test_criteria_of_an_edition_are_what_scr_criteria_prints(client: TestClient) -> None:
    """GET /v1/criteria/{edition} equals `scr criteria EDITION --format json` (its one element)."""
    cli = CliRunner().invoke(main, ["criteria", "lscb-scr-2006", "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert client.get("/v1/criteria/lscb-scr-2006").json() == json.loads(cli.output)[0]


def test_unknown_edition_is_404_with_a_suggestion(client: TestClient) -> None:
    """GET /v1/criteria/wt2019 is 404 edition_not_found naming the editions there are."""
    response = client.get("/v1/criteria/wt2019")
    assert response.status_code == 404
    _error_shape(response.json())
    assert response.json()["error"] == "edition_not_found"
    assert "wt2018" in json.dumps(response.json()["problems"])


def test_schema_is_the_facts_json_schema(client: TestClient) -> None:
    """GET /v1/schema is what `scr schema` prints."""
    cli = CliRunner().invoke(main, ["schema"])
    assert client.get("/v1/schema").json() == json.loads(cli.output) == Facts.model_json_schema()


def test_openapi_is_served_and_cdn_pages_are_not(client: TestClient) -> None:
    """/openapi.json describes the API with the facts schema (and the optional readings) as the request body;
    /docs and /redoc are off."""
    spec = client.get("/openapi.json").json()
    assert {"/v1/evaluate", "/v1/editions", "/v1/criteria/{edition}", "/v1/schema"} <= set(spec["paths"])
    body = spec["paths"]["/v1/evaluate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == set(FACT_NAMES) | {"readings"}
    assert "/" not in spec["paths"]
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_wrong_path_and_wrong_method_use_the_error_shape(client: TestClient) -> None:
    """404 for no such path and 405 for a wrong method come in the documented shape."""
    missing = client.get("/v2/evaluate")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = client.get("/v1/evaluate")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
    _error_shape(wrong.json())


def test_engine_failure_is_500_engine_error_and_decides_nothing(monkeypatch: pytest.MonkeyPatch,
                                                               client: TestClient) -> None:
    """An exception inside the engine becomes 500 engine_error, with no decision in the body."""
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("segfault imminent")

    monkeypatch.setattr("scr_eligibility.engine.faults.evaluate", broken)  # the fault policy the server calls
    response = client.post("/v1/evaluate", json=DIED)
    assert response.status_code == 500
    _error_shape(response.json())
    assert response.json()["error"] == "engine_error"
    assert "segfault" not in response.text
    page = client.post("/decide", data=_form(DIED))
    assert page.status_code == 500 and "nothing was decided" in page.text


_fact_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 40), st.floats(allow_nan=False),
                         st.text(max_size=12), st.sampled_from(["unknown", "yes", "died", "2019-02-30",
                                                                "2019-03-31", "known", "by_adult"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FACT_NAMES + ("outcom", "")), _fact_values, max_size=8))
def test_any_json_fact_set_is_decided_or_refused_never_a_server_error(client: TestClient,
                                                                     facts: dict[str, Any]) -> None:
    """Whatever fact set is posted, the API answers 200 with a decision or 400/404 in the error shape."""
    response = client.post("/v1/evaluate", content=json.dumps(facts), headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 404), response.text
    if response.status_code == 200:
        assert response.json() == evaluate(facts).model_dump(mode="json")
    else:
        _error_shape(response.json())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FACT_NAMES + web.OPTION_FIELDS), st.text(max_size=12), max_size=8))
def test_any_form_is_shown_as_a_decision_or_as_the_form_with_problems(client: TestClient,
                                                                     values: dict[str, str]) -> None:
    """Whatever the form sends, /decide answers a decision page (200) or the form with its problems (400/404)."""
    response = client.post("/decide", data=values)
    assert response.status_code in (200, 400, 404), response.text
    assert ('class="outcomes"' in response.text) == (response.status_code == 200)


# ---- tokens, hosts and origins -----------------------------------------------------------------

def test_api_without_the_token_is_401(guarded: TestClient) -> None:
    """With a token, API requests without it or with a wrong one get 401 in the error shape."""
    for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": TOKEN}):
        response = guarded.post("/v1/evaluate", json=DIED, headers=headers)
        assert response.status_code == 401, headers
        _error_shape(response.json())
        assert response.json()["error"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    for path in ("/v1/editions", "/v1/schema", "/openapi.json", "/v1/criteria/wt2023"):
        assert guarded.get(path).status_code == 401, path


def test_api_with_the_token_answers(guarded: TestClient) -> None:
    """The right bearer token is accepted."""
    response = guarded.post("/v1/evaluate", json=DIED, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert guarded.get("/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_form_asks_for_the_token_once_and_keeps_a_proof_not_the_token() -> None:
    """Without the token the form shows a token page (401); after /login a cookie (not the token) lets it through."""
    browser = Browser(web.create_app(token=TOKEN))
    first = browser.get("/")
    assert first.status_code == 401 and 'type="password"' in first.text and 'name="outcome"' not in first.text
    assert browser.post("/decide", data=_form(DIED)).status_code == 401
    wrong = browser.post("/login", data={"token": "not-the-token-at-all"}, follow_redirects=False)
    assert wrong.status_code == 401 and "not the one" in wrong.text
    right = browser.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert right.status_code == 303
    cookie = right.headers["set-cookie"]
    assert TOKEN not in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert browser.get("/").status_code == 200
    assert "SCR required" in browser.post("/decide", data=_form(DIED)).text
    # The cookie is for the form; the API still needs the header.
    assert browser.post("/v1/evaluate", json=DIED).status_code == 401
    # Signing out forgets the proof.
    assert browser.post("/logout", follow_redirects=False).status_code == 303
    assert browser.get("/").status_code == 401


def test_cross_site_posts_are_refused(client: TestClient) -> None:
    """A POST whose Origin is another site (or null) is refused with 403; the server's own origin is accepted."""
    for origin in ("http://evil.example", "null"):
        response = client.post("/v1/evaluate", json=DIED, headers={"Origin": origin})
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
        assert client.post("/decide", data=_form(DIED), headers={"Origin": origin}).status_code == 403
    assert client.post("/decide", data=_form(DIED), headers={"Origin": "http://testserver"}).status_code == 200


def test_other_host_names_are_refused_when_hosts_are_limited() -> None:
    """With allowed_hosts (loopback without a token), a request for another Host gets 403: no DNS rebinding."""
    local = TestClient(web.create_app(allowed_hosts=("127.0.0.1", "localhost")), base_url="http://127.0.0.1:8123")
    assert local.get("/v1/schema").status_code == 200
    response = local.get("/v1/schema", headers={"Host": "rebound.example:8123"})
    assert response.status_code == 403 and response.json()["error"] == "forbidden"


# ---- cross-site requests: CSRF token, Sec-Fetch-Site, Origin, media types ------------------------

def _recording(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Browser, list[Any]]:
    """A logged app whose log records calls instead of writing."""
    calls: list[Any] = []
    monkeypatch.setattr("scr_eligibility.engine.audit.records.append_to_log", lambda path, d: calls.append(d))
    return Browser(web.create_app(log_path=str(tmp_path / "log.sqlite"))), calls


def test_a_form_post_without_the_pages_csrf_token_is_refused_and_decides_nothing(monkeypatch: pytest.MonkeyPatch,
                                                                                 tmp_path: Path) -> None:
    """/decide, /edit, the downloads, /login and /logout need the token of a page this server showed.

    Missing, wrong, and a forged pair (cookie and field alike but not signed by the server):
    403, nothing decided or logged, and the form shown again with the answers and a fresh token.
    """
    app, calls = _recording(monkeypatch, tmp_path)
    app.get("/")
    real = app.csrf_token()
    for path in ("/decide", "/edit", "/download/case.yaml", "/download/decision.json", "/login", "/logout"):
        for fields in ({}, {"csrf": "x" + real}, {"csrf": [real, real]}):
            response = TestClient.post(app, path, data=_form(DIED) | fields)
            assert response.status_code == 403, (path, fields)
            assert "attachment" not in response.headers.get("content-disposition", "")
    forged = TestClient(web.create_app(log_path=str(tmp_path / "log.sqlite")), cookies={"scr_csrf": "abc.def"})
    response = forged.post("/decide", data=_form(DIED) | {"csrf": "abc.def"})
    assert response.status_code == 403 and 'class="outcomes"' not in response.text
    assert 'value="BT-2017-014"' in response.text  # the answers are kept, to send again
    assert "scr_csrf=" in response.headers["set-cookie"] and "abc.def" not in response.headers["set-cookie"]
    assert calls == []


def test_the_form_carries_its_token_in_a_hidden_field_matching_its_cookie() -> None:
    """GET / sets an HttpOnly SameSite=Strict cookie and puts the same token in the form; posting it decides."""
    app = TestClient(web.create_app())
    page = app.get("/")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = re.search(r'<input type="hidden" name="csrf" value="([^"]+)">', page.text)
    assert token is not None and token.group(1) == app.cookies["scr_csrf"]
    decided = app.post("/decide", data=_form(DIED) | {"csrf": token.group(1)})
    assert decided.status_code == 200 and 'class="outcomes"' in decided.text
    assert f'name="csrf" value="{token.group(1)}"' in decided.text  # its buttons carry it on
    assert "set-cookie" not in decided.headers  # a valid cookie is kept, not replaced


def test_the_login_page_carries_a_token_and_login_needs_it() -> None:
    """With a server token, the token page's form has a CSRF token; a login post without it is refused."""
    app = TestClient(web.create_app(token=TOKEN))
    page = app.get("/")
    assert page.status_code == 401 and 'name="csrf"' in page.text
    assert app.post("/login", data={"token": TOKEN}, follow_redirects=False).status_code == 403
    right = app.post("/login", data={"token": TOKEN, "csrf": app.cookies["scr_csrf"]}, follow_redirects=False)
    assert right.status_code == 303


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/json-patch+json"])
def test_evaluate_accepts_only_a_json_body(client: TestClient, content_type: str | None) -> None:
    """A body a browser may send cross-site without asking (text/plain, a form) is 415, even if it holds JSON."""
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/v1/evaluate", content=json.dumps(DIED).encode(), headers=headers)
    assert response.status_code == 415, content_type
    _error_shape(response.json())
    assert response.json()["error"] == "unsupported_media_type"
    assert response.json()["problems"][0]["expected"] == "application/json"
    fine = client.post("/v1/evaluate", content=json.dumps(DIED).encode(),
                       headers={"content-type": "Application/JSON; charset=utf-8"})
    assert fine.status_code == 200


def test_a_cross_site_request_is_refused_by_its_fetch_metadata(client: TestClient) -> None:
    """Sec-Fetch-Site: cross-site is 403 for the API and the form alike, whatever Origin says (or if it is absent);
    only a top-level navigation to a page (a link to the form) is let through."""
    cross = {"Sec-Fetch-Site": "cross-site"}
    response = client.post("/v1/evaluate", json=DIED, headers=cross)
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert client.post("/decide", data=_form(DIED), headers=cross | {"Origin": "http://testserver"}).status_code == 403
    assert client.get("/v1/editions", headers=cross | {"Sec-Fetch-Mode": "cors"}).status_code == 403
    assert client.get("/", headers=cross | {"Sec-Fetch-Mode": "no-cors"}).status_code == 403
    assert client.get("/", headers=cross | {"Sec-Fetch-Mode": "navigate"}).status_code == 200
    assert client.post("/decide", data=_form(DIED), headers=cross | {"Sec-Fetch-Mode": "navigate"}).status_code == 403
    for site in ("same-origin", "none"):
        assert client.post("/decide", data=_form(DIED), headers={"Sec-Fetch-Site": site}).status_code == 200


@pytest.mark.parametrize("origin", ["https://testserver", "http://testserver:8080", "http://testserver.evil.example",
                                    "http://evil.example", "http://testserver/path", "null", "testserver"])
def test_an_origin_of_another_scheme_host_or_port_is_refused(client: TestClient, origin: str) -> None:
    """The Origin check compares scheme, host and port (it compared host:port only, so https:// passed)."""
    assert client.post("/v1/evaluate", json=DIED, headers={"Origin": origin}).status_code == 403, origin
    assert client.post("/decide", data=_form(DIED), headers={"Origin": origin}).status_code == 403, origin


def test_the_own_origin_and_origins_given_are_accepted() -> None:
    """http://testserver and http://testserver:80 are the server's own; --origin adds one (behind a TLS proxy)."""
    app = Browser(web.create_app(origins=["https://scr.example.org"]))
    for origin in ("http://testserver", "http://TestServer:80", "https://scr.example.org", "https://scr.example.org:443"):
        assert app.post("/decide", data=_form(DIED), headers={"Origin": origin}).status_code == 200, origin
    assert app.post("/decide", data=_form(DIED), headers={"Origin": "http://scr.example.org"}).status_code == 403


def test_a_json_body_posted_to_the_form_is_refused_not_logged_as_an_empty_case(monkeypatch: pytest.MonkeyPatch,
                                                                               tmp_path: Path) -> None:
    """JSON sent to /decide was read as a form with no fields, decided and logged as an empty case: now 415."""
    app, calls = _recording(monkeypatch, tmp_path)
    app.get("/")
    for path in ("/decide", "/download/decision.json"):
        response = app.post(path, json=DIED | {"csrf": app.csrf_token()})
        assert response.status_code == 415, path
        assert response.headers["content-type"].startswith("text/html")
        assert "application/x-www-form-urlencoded" in response.text
    assert calls == []


@pytest.mark.parametrize("origin", ["scr.example.org", "ftp://scr.example.org", "https://", "https://x/path"])
def test_serve_refuses_an_origin_that_is_not_one(origin: str, no_binding: None, no_serving: list[Any]) -> None:
    """`scr serve --origin` takes a scheme and a host (and a port): anything else is a usage error, nothing bound."""
    result = CliRunner().invoke(main, ["serve", "--origin", origin])
    assert result.exit_code == 2 and "--origin" in result.output
    assert no_serving == []


# ---- work off the event loop, bounded ----------------------------------------------------------

class _Gate:
    """A stand-in for the engine that holds every evaluation until released, counting how many run at once."""

    def __init__(self, real: Any = evaluate) -> None:
        self.real = real
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.running = self.most = self.entered = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.entered += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            self.release.wait(timeout=30)  # bounded: a loop that never comes back fails the test, not the run
            return self.real(*args, **kwargs)
        finally:
            with self.lock:
                self.running -= 1


async def _until(condition: Any) -> None:
    for _ in range(3000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


@pytest.mark.parametrize("held", ["validation", "evaluation"])
def test_a_slow_request_never_delays_get_editions(monkeypatch: pytest.MonkeyPatch, held: str) -> None:
    """While a request is held in validation or in the engine, GET /v1/editions (and the form) are answered.

    Both run in worker threads: on the event loop, the held request would stop every other
    until it returned (validation used to run there).
    """
    from scr_eligibility.cli.web import app as app_module

    if held == "evaluation":
        gate = _Gate()
        monkeypatch.setattr("scr_eligibility.engine.faults.evaluate", gate)
    else:
        gate = _Gate(app_module.parse_facts)
        monkeypatch.setattr(app_module, "parse_facts", gate)

    async def scenario() -> tuple[int, int, bool, int]:
        transport = httpx.ASGITransport(app=web.create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            slow = asyncio.create_task(http.post("/v1/evaluate", json=DIED))
            await _until(lambda: gate.entered == 1)
            editions = await asyncio.wait_for(http.get("/v1/editions"), 60)
            form = await asyncio.wait_for(http.get("/"), 60)
            still_held = gate.running == 1
            gate.release.set()
            return editions.status_code, form.status_code, still_held, (await slow).status_code

    assert asyncio.run(scenario()) == (200, 200, True, 200)


def test_evaluations_beyond_the_limit_wait_their_turn_and_beyond_the_queue_are_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """At most max_evaluations run at once; max_waiting more wait; the next gets 503 server_busy at once."""
    gate = _Gate()
    monkeypatch.setattr("scr_eligibility.engine.faults.evaluate", gate)

    async def scenario() -> tuple[list[int], int, int]:
        app = web.create_app(max_evaluations=2, max_waiting=1)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            held = [asyncio.create_task(http.post("/v1/evaluate", json=DIED)) for _ in range(3)]
            await _until(lambda: gate.entered == 2)
            await asyncio.sleep(0.2)  # give the third request every chance to start too, if it could
            entered = gate.entered
            busy = await asyncio.wait_for(http.post("/v1/evaluate", json=DIED), 60)
            gate.release.set()
            return [r.status_code for r in await asyncio.gather(*held)], entered, busy.status_code

    statuses, entered, busy = asyncio.run(scenario())
    assert statuses == [200, 200, 200] and entered == 2 and busy == 503 and gate.most == 2
    assert web.limits.MAX_EVALUATIONS >= 1 and web.limits.MAX_WAITING >= 1  # the documented defaults


def test_a_request_body_that_arrives_too_slowly_times_out() -> None:
    """A body still incomplete after body_timeout seconds gets 408 request_timeout instead of holding the server."""
    app = web.create_app(body_timeout=0.2)
    sent: list[dict[str, Any]] = []

    async def scenario() -> None:
        chunks = [{"type": "http.request", "body": b'{"outcome": ', "more_body": True}]

        async def receive() -> dict[str, Any]:
            if chunks:
                return chunks.pop()
            await asyncio.sleep(3600)  # the rest never comes
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "http", "path": "/v1/evaluate", "raw_path": b"/v1/evaluate", "query_string": b"",
                 "root_path": "", "server": ("testserver", 80), "client": ("127.0.0.1", 1234),
                 "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                             (b"content-length", b"100")]}
        await asyncio.wait_for(app(scope, receive, send), 60)

    asyncio.run(scenario())
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 408
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert body["error"] == "request_timeout" and body["problems"][0]["location"] == "body"


# ---- the decision log --------------------------------------------------------------------------

def test_each_decision_made_is_logged_once_and_downloads_are_not(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    """With a log, /v1/evaluate and /decide append their decision; downloads re-evaluate without logging."""
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr("scr_eligibility.engine.audit.records.append_to_log", lambda path, d: calls.append((path, d)))
    logged = Browser(web.create_app(log_path=str(tmp_path / "log.sqlite")))
    logged.post("/v1/evaluate", json=DIED)
    logged.post("/decide", data=_form(DIED))
    logged.post("/download/case.yaml", data=_form(DIED))
    logged.post("/download/decision.json", data=_form(DIED))
    logged.post("/decide", data={"age": "x"})
    assert [path for path, _ in calls] == [str(tmp_path / "log.sqlite")] * 2
    assert all(d.outcomes["wt2015"] == "scr_required" for _, d in calls)


def test_decisions_reach_a_real_decision_log_and_nothing_else_is_written(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    """Two decisions make two entries in the log file; without --log the working folder stays empty."""
    from scr_eligibility.engine.audit.ledger import Ledger

    monkeypatch.chdir(tmp_path)
    plain = Browser(web.create_app())
    plain.post("/v1/evaluate", json=DIED)
    plain.post("/decide", data=_form(DIED))
    assert list(tmp_path.iterdir()) == []
    path = tmp_path / "decisions.sqlite"
    logged = Browser(web.create_app(log_path=str(path)))
    assert logged.post("/v1/evaluate", json=DIED).status_code == 200
    assert logged.post("/decide", data=_form(DIED)).status_code == 200
    assert Ledger(str(path)).head()[0] == 2


def test_a_log_that_cannot_be_written_is_500_log_error(tmp_path: Path) -> None:
    """A log path inside a missing folder: 500 log_error, in the error shape."""
    logged = Browser(web.create_app(log_path=str(tmp_path / "missing" / "log.sqlite")))
    response = logged.post("/v1/evaluate", json=DIED)
    assert response.status_code == 500
    _error_shape(response.json())
    assert response.json()["error"] == "log_error"


# ---- scr serve ---------------------------------------------------------------------------------

@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record what `scr serve` would serve instead of serving it."""
    served: list[Any] = []
    monkeypatch.setattr(serve_module, "run", lambda app, sock: served.append((app, sock.getsockname())))
    return served


@pytest.fixture
def no_binding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything binds a socket."""
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a socket was bound")

    monkeypatch.setattr(socket.socket, "bind", refuse)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serve_refuses_a_non_loopback_address_without_a_token(host: str, no_binding: None,
                                                             no_serving: list[Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`scr serve --host 0.0.0.0` without --token exits 2 with the reason, before binding anything."""
    monkeypatch.delenv("SCR_SERVE_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--host", host])
    assert result.exit_code == 2
    assert "--token" in result.output and "other machines" in result.output
    assert no_serving == []


def test_serve_refuses_a_short_token(no_binding: None, no_serving: list[Any]) -> None:
    """A token under 16 characters is a usage error (exit 2) and nothing is bound."""
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--token", "short"])
    assert result.exit_code == 2 and "too short" in result.output
    assert no_serving == []


def test_serve_on_loopback_prints_the_free_port_it_bound(no_serving: list[Any],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without options `scr serve` binds 127.0.0.1 on a free port and prints that port."""
    monkeypatch.delenv("SCR_SERVE_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    (app, (host, port)), = no_serving
    assert host == "127.0.0.1" and port > 0
    assert result.output.splitlines()[0] == f"Serving on http://127.0.0.1:{port} — press Ctrl-C to stop"
    assert TestClient(app, base_url=f"http://127.0.0.1:{port}").get("/").status_code == 200
    assert TestClient(app).get("/").status_code == 403  # Host "testserver" is not a loopback name


def test_serve_with_a_token_from_the_environment_requires_it(no_serving: list[Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """SCR_SERVE_TOKEN works like --token: the served app needs it, and the token is not printed."""
    monkeypatch.setenv("SCR_SERVE_TOKEN", TOKEN)
    result = CliRunner().invoke(main, ["serve", "--host", "127.0.0.1"])
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    (app, _), = no_serving
    assert TestClient(app).get("/v1/schema").status_code == 401
    assert TestClient(app).get("/v1/schema", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_serve_reports_a_port_in_use(no_serving: list[Any]) -> None:
    """A port already taken is an error message with exit 1, not a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert "cannot listen" in result.output and "Traceback" not in result.output
    assert no_serving == []


@pytest.mark.parametrize(("host", "expected"), [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
                                                ("localhost", True), ("0.0.0.0", False), ("::", False),
                                                ("192.0.2.1", False), ("no-such-host.invalid", False)])
def test_loopback_detection(host: str, expected: bool) -> None:
    """Only loopback addresses (and names resolving only to them) count as this machine."""
    assert serve_module.is_loopback(host) is expected
