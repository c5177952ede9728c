"""Readings chosen and shown everywhere (issue 11.1): `scr check --reading`, the record and replay, `scr criteria`,
the text outputs, the web form and the HTTP API, and the README's section generated from the editions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from scr_eligibility import evaluate
from scr_eligibility.cli.main import main as cli
from scr_eligibility.cli.render.listings import readings_markdown
from scr_eligibility.criteria.catalogue import latest_editions
from scr_eligibility.engine.audit.records import make_record, record_dict
from scr_eligibility.engine.audit.replay import replay

ROOT = Path(__file__).resolve().parents[1]

#: Working Together 2010 para 8.11: concern about how services worked together, but no listed situation of serious
#: harm. Under the guidance's words ("seriously harmed in any of the following situations ... and the case gives rise
#: to concerns") no SCR is to be considered; under the seed page's stand-alone bullet it may be.
CONCERN_ONLY: dict[str, Any] = {
    "case_reference": "RD-1", "incident_date": "2011-10-14", "awareness_date": "2011-10-17", "age": 14,
    "outcome": "seriously_harmed", "abuse_or_neglect": "not_known_or_suspected", "violent_assault": "none",
    "inter_agency_concerns": "concerns", "normally_resident": True, "sexual_abuse": False,
    "life_threatening_injury": False, "serious_permanent_impairment": False, "parent_murdered": False,
    "domestic_homicide_review": False, "looked_after": False, "killed_by_parent_with_mental_illness": False}
SEED = "lscb-discretionary-list=seed"


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture()
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(CONCERN_ONLY))
    return path


def test_check_reading_changes_the_outcome_where_the_alternative_differs(case_file: Path) -> None:
    """WT2010 para 8.11 "seriously harmed in any of the following situations ... and the case gives rise to concerns":
    the default (the guidance's words) gives no SCR; `--reading lscb-discretionary-list=seed` (the seed page's list)
    gives "SCR may be undertaken", and the decision records the option chosen."""
    default = json.loads(run("check", str(case_file), "--format", "json").output)
    chosen = json.loads(run("check", str(case_file), "--format", "json", "--reading", SEED).output)
    assert default["editions"][0]["determinations"][0]["outcome"] == "not_met"
    assert chosen["editions"][0]["determinations"][0]["outcome"] == "scr_may_be_undertaken"
    assert chosen["readings"] == {"lscb-discretionary-list": "seed"} and "readings" not in default
    reading, = chosen["editions"][0]["readings"]
    assert reading["chosen_by"] == "caller" and reading["applied"] == "seed"


def test_the_readings_chosen_are_named_at_the_top_of_every_text_output() -> None:
    """A reader of the table, the Markdown or the web page sees at once that a reading other than the default was
    applied, and which."""
    from scr_eligibility.cli.render import render_markdown, render_table
    from scr_eligibility.cli.render.html import render_decision

    decision = evaluate(CONCERN_ONLY, readings={"lscb-discretionary-list": "seed"})
    for text in (render_table(decision), render_markdown(decision), render_decision(decision, {}, csrf="x")):
        flat = " ".join(re.sub(r"<[^>]+>", " ", text).replace("`", "").replace("*", "").split())
        assert "Readings chosen (the others take their defaults): lscb-discretionary-list=seed" in flat
    assert "Readings chosen" not in render_table(evaluate(CONCERN_ONLY))


def test_an_unknown_reading_or_option_is_a_clear_error_listing_the_choices(case_file: Path) -> None:
    """Bad input: a clear error naming the field, the value and what is expected, never a traceback."""
    unknown = CliRunner().invoke(cli, ["check", str(case_file), "--reading", "lscb-list=seed"])
    assert unknown.exit_code == 1
    assert "found 'lscb-list'" in unknown.output and "lscb-discretionary-list" in unknown.output
    option = CliRunner().invoke(cli, ["check", str(case_file), "--reading", "lscb-discretionary-list=seeds"])
    assert option.exit_code == 1 and "guidance, seed" in option.output
    malformed = CliRunner().invoke(cli, ["check", str(case_file), "--reading", "seed"])
    assert malformed.exit_code == 2 and "is not ID=OPTION" in malformed.output


def test_the_record_keeps_the_options_and_replay_applies_them(case_file: Path, tmp_path: Path) -> None:
    """"the decision record stores the options used, and `scr replay` replays under them": a record made with a
    non-default reading replays the same, and the same record without its options would not."""
    log = tmp_path / "decisions.db"
    assert run("check", str(case_file), "--reading", SEED, "--log", str(log)).exit_code == 0
    replayed = run("replay", str(log), "--format", "jsonl")
    assert replayed.exit_code == 0, replayed.output
    assert [json.loads(line)["status"] for line in replayed.output.splitlines() if line.strip()] == ["same"]
    record = record_dict(make_record(evaluate(CONCERN_ONLY, readings={"lscb-discretionary-list": "seed"})))
    assert record["readings"] == {"lscb-discretionary-list": "seed"}
    assert replay(record).status == "same"
    assert replay({k: v for k, v in record.items() if k != "readings"}).status == "different"
    plain = record_dict(make_record(evaluate(CONCERN_ONLY)))
    assert "readings" not in plain  # a record under the default readings is as before


def test_scr_criteria_lists_each_editions_readings_with_their_options() -> None:
    """`scr criteria` lists each edition's readings, each option, and which is the default."""
    table = run("criteria", "wt2010").output
    assert "Readings (choose an option with --reading ID=OPTION):" in table
    assert "lscb-discretionary-list:" in table and "guidance (default):" in table and "seed:" in table
    markdown = run("criteria", "wt2010", "--format", "markdown").output
    assert "- **`lscb-discretionary-list`**" in markdown and "`guidance` (default)" in markdown


def test_every_text_output_shows_the_readings_section() -> None:
    """Table, Markdown and the web page show the reading applied and what the other would give."""
    from scr_eligibility.cli.render import render_markdown, render_table
    from scr_eligibility.cli.render.html import render_decision

    decision = evaluate(CONCERN_ONLY)
    for text in (render_table(decision), render_markdown(decision), render_decision(decision, {}, csrf="x")):
        flat = " ".join(re.sub(r"<[^>]+>", " ", text).split())
        assert "Readings of the law" in flat
        assert "Under the reading that the discretionary list stands on its own" in flat
        assert "SCR may be undertaken" in flat


def test_the_http_api_accepts_readings_and_refuses_bad_ones() -> None:
    """POST /v1/evaluate: "readings" in the body chooses options; a bad option is a 400 naming the choices."""
    from scr_eligibility.cli.web.app import create_app

    client = TestClient(create_app())
    chosen = client.post("/v1/evaluate", json={**CONCERN_ONLY, "readings": {"lscb-discretionary-list": "seed"}})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["editions"][0]["determinations"][0]["outcome"] == "scr_may_be_undertaken"
    assert chosen.json()["readings"] == {"lscb-discretionary-list": "seed"}
    bad = client.post("/v1/evaluate", json={**CONCERN_ONLY, "readings": {"lscb-discretionary-list": "nope"}})
    assert bad.status_code == 400 and "guidance, seed" in bad.text
    wrong = client.post("/v1/evaluate", json={**CONCERN_ONLY, "readings": ["seed"]})
    assert wrong.status_code == 400 and "readings" in wrong.text


def test_the_web_form_offers_each_reading_and_applies_the_one_chosen() -> None:
    """The form has a labelled choice per declared reading (default first); the decision page applies the choice."""
    from scr_eligibility.cli.web.app import create_app

    client = TestClient(create_app())
    page = client.get("/")
    assert 'name="reading.lscb-discretionary-list"' in page.text
    form = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in CONCERN_ONLY.items()}
    posted = client.post("/decide", data={**form, "csrf": str(client.cookies["scr_csrf"]),
                                          "reading.lscb-discretionary-list": "seed"})
    assert posted.status_code == 200, posted.text[:500]
    assert "Applied (chosen)" in posted.text and "SCR may be undertaken" in posted.text


def test_the_readme_section_on_readings_is_generated_from_the_editions() -> None:
    """The README's readings are the editions' own (question, options, default and why, sources), regenerated with
    `python -c "from scr_eligibility.cli.render.listings import readings_markdown; ..."` (see the markers)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- readings: generated from the edition files; do not edit -->\n", "<!-- readings: end -->"
    assert start in readme and end in readme
    shown = readme.split(start, 1)[1].split(end, 1)[0]
    assert shown == readings_markdown(latest_editions()), "regenerate the README's readings section"


def test_a_suite_case_may_choose_readings_and_a_bad_choice_is_named(tmp_path: Path) -> None:
    """`scr test` cases (and the golden cases) may say `readings: {id: option}`; anything else is refused by name."""
    from scr_eligibility.engine.suite import load_suite_case, run_case
    from scr_eligibility.errors import InputError

    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump({"name": "seed", "readings": {"lscb-discretionary-list": "seed"},
                                    "facts": CONCERN_ONLY, "expect": {"wt2010": {"outcome": "scr_may_be_undertaken"}}}))
    assert run_case(good).passed
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"name": "bad", "readings": ["seed"], "facts": CONCERN_ONLY,
                                   "expect": {"wt2010": {"outcome": "not_met"}}}))
    with pytest.raises(InputError) as caught:
        load_suite_case(bad)
    assert [p.location for p in caught.value.problems] == ["readings"]
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(yaml.safe_dump({"name": "x", "readings": {"lscb-discretionary-list": "nope"},
                                       "facts": CONCERN_ONLY, "expect": {"wt2010": {"outcome": "not_met"}}}))
    result = run_case(unknown)
    assert not result.passed and "guidance, seed" in str(result.error)


def test_the_schema_and_the_template_show_the_new_facts_values_and_decision_fields() -> None:
    """The JSON Schema of a fact set and of a decision, and the template, show what issue 12 and 11.1 added."""
    facts_schema = json.loads(run("schema").output)
    props = facts_schema["properties"]
    for fact in ("responsible_authority", "death_location", "abuse_or_neglect_awareness_date", "notification_date"):
        assert fact in props
    assert "this_authority" in json.dumps(props["responsible_authority"])
    decision_schema = json.dumps(json.loads(run("schema", "--decision").output))
    for field in ("owed_by", "next_steps", "started", "readings"):
        assert f'"{field}"' in decision_schema
    record_schema = json.dumps(json.loads(run("schema", "--record").output))
    assert '"readings"' in record_schema
    template = run("template").output
    assert "responsible_authority: unknown" in template
    assert "notify_panel (unless abuse_or_neglect_awareness_date is given)" in " ".join(template.split())
    assert "LAC-death-other-authority" in template


def test_batch_applies_the_readings_to_every_case_in_one_or_more_processes(tmp_path: Path) -> None:
    """`scr batch --reading ID=OPTION` decides every case under the option (and its decision says so), in one
    process or several; an unknown option fails before any case is read."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(CONCERN_ONLY) + "\n" + json.dumps({**CONCERN_ONLY, "case_reference": "RD-2"}) + "\n")
    for jobs in ("1", "2"):
        result = CliRunner().invoke(cli, ["batch", str(cases), "--reading", SEED, "-j", jobs, "-o",
                                          str(tmp_path / f"out{jobs}.jsonl")])
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in (tmp_path / f"out{jobs}.jsonl").read_text().splitlines()]
        assert [d["editions"][0]["determinations"][0]["outcome"] for d in lines] == ["scr_may_be_undertaken"] * 2
        assert all(d["readings"] == {"lscb-discretionary-list": "seed"} for d in lines)
    bad = CliRunner().invoke(cli, ["batch", str(cases), "--reading", "lscb-discretionary-list=nope"])
    assert bad.exit_code == 1 and "guidance, seed" in bad.output
