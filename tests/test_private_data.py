"""Private data: the tool runs on records about children, so it must neither ask for nor leak identities.

A fact set identifies its case by a pseudonymous case reference only: no field asks for a
name, a name typed in anyway is refused (and so never reaches the decision log), and a
redacted export of the log leaves the facts out.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from scr_eligibility.engine.audit.ledger import Ledger

from scr_eligibility.cli import main
from scr_eligibility.facts import BOOL_FACTS, DATE_FACTS, FACT_NAMES, INT_FACTS, Facts, allowed_values

CASE_YAML = """\
case_reference: PRIV-7
outcome: died
abuse_or_neglect: known
age: 9
date_of_birth: 2009-05-17
incident_date: 2019-03-01
awareness_date: 2019-03-02
"""


#: Wording that asks for a person's name ("name of the child", "child's name", "surname", "full name"...).
ASKS_FOR_A_NAME = re.compile(
    r"\bnames? of\b|\b(child|parent|mother|father|carer|relative|sibling|full|first|last|family|given|middle)"
    r"(?:'s|s'|s)?\s+names?\b|\bsurname|\bforename|\bwhat is (?:the|their|his|her) name", re.IGNORECASE)


def test_the_name_pattern_recognises_a_question_asking_for_a_name() -> None:
    """The pattern used below does catch the ways a form asks for a name (so the test below can fail)."""
    for asking in ("Child's name", "Name of the child", "Mother's full name", "Surname", "What is their name?"):
        assert ASKS_FOR_A_NAME.search(asking), asking
    assert not ASKS_FOR_A_NAME.search("WT2023 names children's homes, secure children's homes")


def template_text() -> str:
    result = CliRunner().invoke(main, ["template"], catch_exceptions=False)
    assert result.exit_code == 0
    return result.output


def test_no_field_of_the_template_asks_for_a_name() -> None:
    """`scr template` has only fact-model fields, none named or asking for a name; 'name' appears only to say
    that no names are needed."""
    text = template_text()
    fields = yaml.safe_load(text)
    assert set(fields) == set(FACT_NAMES)
    assert not [f for f in fields if "name" in f.lower()]
    assert re.search(r"\bno names\b", text, re.IGNORECASE), "the template should say that no names are needed"
    asking = [line for line in text.splitlines() if ASKS_FOR_A_NAME.search(line)
              and not re.search(r"\bno names?\b", line, re.IGNORECASE)]
    assert not asking
    for name, field in Facts.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        assert not ASKS_FOR_A_NAME.search(str(extra.get("question", ""))), name


def test_the_case_reference_and_the_deciding_body_are_the_only_free_text_facts() -> None:
    """Every other fact is a date, an age, yes/no or one of a fixed list: nowhere else can a name be typed.
    The deciding body is named by its title (a public body, not a person), and its meaning says so."""
    free_text = [n for n in FACT_NAMES
                 if n not in DATE_FACTS and n not in BOOL_FACTS and n not in INT_FACTS and not allowed_values(n)]
    assert free_text == ["case_reference", "deciding_authority"]
    assert "never a person" in (Facts.model_fields["deciding_authority"].description or "")


def test_a_name_typed_into_a_case_is_refused_and_never_logged(tmp_path: Path) -> None:
    """A case with child_name added: exit 1 naming the unknown field; no log file is created, nothing recorded."""
    case = tmp_path / "case.yaml"
    case.write_text(CASE_YAML + "child_name: Alice Example\n")
    log = tmp_path / "decisions.db"
    result = CliRunner().invoke(main, ["check", str(case), "--log", str(log)], catch_exceptions=False)
    assert result.exit_code == 1 and "child_name" in result.output and "Traceback" not in result.output
    assert not log.exists()


def test_the_decision_record_holds_only_facts_of_the_model(tmp_path: Path) -> None:
    """What `scr check --log` records as facts is the case's known facts, all fields of the fact model."""
    case = tmp_path / "case.yaml"
    case.write_text(CASE_YAML)
    log = tmp_path / "decisions.db"
    assert CliRunner().invoke(main, ["check", str(case), "--log", str(log)]).exit_code == 0
    (record,) = [body for _seq, body in Ledger(log).numbered_entries()]
    assert set(record["facts"]) <= set(FACT_NAMES)
    assert record["facts"]["case_reference"] == "PRIV-7"


#: Dates of CASE_YAML that only the facts (and what is computed from them) carry.
PRIVATE_DATES = ("2009-05-17", "2019-03-01", "2019-03-02")


def logged_case(tmp_path: Path) -> Path:
    """A log holding the decision `scr check --log` made for CASE_YAML."""
    case = tmp_path / "case.yaml"
    case.write_text(CASE_YAML)
    log = tmp_path / "decisions.db"
    assert CliRunner().invoke(main, ["check", str(case), "--log", str(log)]).exit_code == 0
    return log


def assert_no_facts(line: str) -> None:
    """One exported record: no facts, in the record or in its decision, no evidence values, no case dates."""
    record = json.loads(line)
    assert record["facts"] is None and record["facts_redacted"] is True
    assert record["decision"].get("facts") is None
    values = [e.get("value") for ed in record["decision"]["editions"] for c in ed["criteria"] for e in c["evidence"]]
    assert values and all(v is None for v in values)
    for day in PRIVATE_DATES:  # the date of birth, the incident and awareness dates (and so the due dates)
        assert day not in line, day


def test_a_redacted_export_of_a_real_decision_leaves_the_facts_out(tmp_path: Path) -> None:
    """A log written by `scr check --log`, exported with redaction: no fact values anywhere in it.
    (The pseudonymous case reference is kept by design: see engine/audit/redaction.py.)"""
    from scr_eligibility.engine.audit.redaction import redact

    log = logged_case(tmp_path)
    out = io.StringIO()
    assert Ledger(log).export_jsonl(out, redact=redact) == 1
    assert_no_facts(out.getvalue())
    plain = io.StringIO()
    Ledger(log).export_jsonl(plain)
    assert "2009-05-17" in plain.getvalue()  # the unredacted export does hold them: the check above can fail


def test_scr_log_export_redact_leaves_the_facts_out(tmp_path: Path) -> None:
    """`scr log export FILE --redact`: every line without facts; the log itself is unchanged."""
    log = logged_case(tmp_path)
    before = log.read_bytes()
    result = CliRunner().invoke(main, ["log", "export", str(log), "--redact"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    assert_no_facts(lines[0])
    assert log.read_bytes() == before


# --------------------------------------------------------------------------- owner-only files


@pytest.fixture
def umask_000():
    """A umask that takes nothing away: a file made without care would be readable and writable by all."""
    import os

    old = os.umask(0o000)
    try:
        yield
    finally:
        os.umask(old)


def test_open_private_makes_a_new_file_and_tightens_an_old_one_to_0600(tmp_path: Path, umask_000: None) -> None:
    """The one helper for files holding facts: 0600 under umask 000, over a file that was 0666, text or bytes."""
    from scr_eligibility.files import open_private

    new = tmp_path / "new.txt"
    with open_private(new) as out:
        out.write("facts\n")
    old = tmp_path / "old.bin"
    old.write_bytes(b"readable by all")
    old.chmod(0o666)
    with open_private(old, "wb") as out:
        out.write(b"facts")
    assert (new.stat().st_mode & 0o777, old.stat().st_mode & 0o777) == (0o600, 0o600)
    assert (new.read_text(), old.read_bytes()) == ("facts\n", b"facts")
    with pytest.raises(FileExistsError):
        open_private(new, exclusive=True)
    assert new.read_text() == "facts\n"  # exclusive: an existing file is neither adopted nor emptied


def test_every_file_written_with_facts_is_owner_only_under_umask_000(tmp_path: Path, umask_000: None) -> None:
    """Regression (issue 18: owner-only files): `scr batch -o` made its output with the umask's mode (0666 under
    umask 000, or kept an older file's 0644). It, the log and `scr log export -o` are 0600 whatever the umask."""
    case = tmp_path / "cases.jsonl"
    case.write_text(json.dumps(yaml.safe_load(CASE_YAML), default=str) + "\n")
    decisions, log, export = tmp_path / "decisions.jsonl", tmp_path / "decisions.db", tmp_path / "export.jsonl"
    decisions.write_text("an older file, readable by all\n")
    decisions.chmod(0o644)
    result = CliRunner().invoke(main, ["batch", str(case), "-o", str(decisions), "--log", str(log)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["log", "export", str(log), "-o", str(export)])
    assert result.exit_code == 0, result.output
    for path in (decisions, log, export):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert "2009-05-17" in decisions.read_text() and "2009-05-17" in export.read_text()  # they do hold the facts
