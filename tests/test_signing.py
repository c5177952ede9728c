"""Signed checkpoints (issue 18: "a log that cannot be rewritten unnoticed").

Without a key, anyone who can write the log file can rewrite the chain with every hash
recomputed, and an entry appended after a noted head passes. A writer with a key from
`scr log keygen` signs the head as it appends; `scr log verify --public-key` then finds a
rewrite and an append made without the private key. Tampering is done as an intruder would:
raw SQL on the file, or a writer that has the file but not the key.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from scr_eligibility.engine.audit.ledger import Ledger, entry_hash
from scr_eligibility.engine.audit.signing import generate, load_public_key, load_signing_key

from scr_eligibility.cli import main
from tampering import rewrite_chain_from

ROOT = Path(__file__).resolve().parent.parent
M1 = ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml"
D2 = ROOT / "examples" / "d2-sexual-abuse-harm.scr_may_be_undertaken.yaml"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def key(tmp_path: Path) -> Path:
    """A private key made by `scr log keygen` (its public key is beside it, .pub)."""
    path = tmp_path / "writer.key"
    assert run("log", "keygen", str(path)).exit_code == 0
    return path


@pytest.fixture
def signed_log(tmp_path: Path, key: Path) -> Path:
    """A log of four decisions, each appended by `scr check --log --sign-key` or `scr batch --log --sign-key`."""
    log = tmp_path / "decisions.db"
    for case in (M1, D2):
        assert run("check", str(case), "--log", str(log), "--sign-key", str(key)).exit_code == 0
    cases = tmp_path / "cases"
    cases.mkdir()
    for case in (M1, D2):
        (cases / case.name).write_bytes(case.read_bytes())
    assert run("batch", str(cases), "--log", str(log), "--sign-key", str(key), "-o", str(tmp_path / "o")).exit_code == 0
    return log


def verify(log: Path, key: Path | None) -> Any:
    return run("log", "verify", str(log), *(("--public-key", f"{key}.pub") if key else ()))


# --------------------------------------------------------------------------- keys


def test_keygen_makes_an_owner_only_private_key_and_a_public_key_and_overwrites_neither(tmp_path: Path) -> None:
    """Under umask 000 the private key is still 0600; a second keygen to the same name is refused, keys unchanged."""
    path = tmp_path / "k"
    old = os.umask(0)
    try:
        result = run("log", "keygen", str(path))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o777 == 0o600
    public = tmp_path / "k.pub"
    assert load_public_key(public).key_id == load_signing_key(path).key_id in result.stdout
    before = (path.read_bytes(), public.read_bytes())
    again = CliRunner().invoke(main, ["log", "keygen", str(path)])
    assert again.exit_code == 1 and "already there" in again.output
    assert (path.read_bytes(), public.read_bytes()) == before


def test_keys_given_the_wrong_way_round_are_clear_errors(tmp_path: Path, key: Path) -> None:
    """--sign-key with the public key, --public-key with the private one, a key without --log: named, no traceback."""
    log = tmp_path / "d.db"
    result = CliRunner().invoke(main, ["check", str(M1), "--log", str(log), "--sign-key", f"{key}.pub"])
    assert result.exit_code == 1 and "not a signing key" in result.output and "KEY.pub" in result.output
    assert not log.exists()
    result = CliRunner().invoke(main, ["check", str(M1), "--sign-key", str(key)])
    assert result.exit_code == 2 and "--log" in result.output
    assert run("check", str(M1), "--log", str(log)).exit_code == 0
    result = CliRunner().invoke(main, ["log", "verify", str(log), "--public-key", str(key)])
    assert result.exit_code == 1 and "not a public key" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- signed logs verify; tampering is found


def test_a_signed_log_verifies_with_its_public_key(signed_log: Path, key: Path) -> None:
    """Every append by check and batch signed the head: all 4 checkpoints verify and the head is signed."""
    result = verify(signed_log, key)
    assert result.exit_code == 0, result.output
    assert "4 entries verified" in result.stdout and "Signed: 4 checkpoints verified" in result.stdout
    assert "the head (entry 4) is signed" in result.stdout


def test_a_rewritten_chain_passes_plain_verify_but_not_the_signatures(signed_log: Path, key: Path) -> None:
    """Entry 2 changed and every later hash and the head recomputed: the chain verifies, the signatures do not."""
    rewrite_chain_from(signed_log, 2, {"outcomes": {"lscb-scr-2006": "not_met"}})
    assert verify(signed_log, None).exit_code == 0  # what write access alone can do
    result = verify(signed_log, key)
    assert result.exit_code == 1
    assert "entry 2 was changed after it was signed" in result.stdout
    assert "Entry 1 is covered by good signatures." in result.stdout


def test_a_rewrite_that_also_re_signs_the_checkpoints_with_another_key_is_found(signed_log: Path, key: Path,
                                                                                tmp_path: Path) -> None:
    """The intruder rewrites the chain and signs the new heads with a key of their own: another key, refused."""
    rewrite_chain_from(signed_log, 3, {"case_reference": "EX-FORGED"})
    intruder = generate(tmp_path / "intruder.key")
    conn = sqlite3.connect(signed_log, isolation_level=None)
    from scr_eligibility.engine.audit import checkpoints

    for seq, hash_ in conn.execute("SELECT seq, entry_hash FROM entries WHERE seq >= 3").fetchall():
        checkpoints.write(conn, intruder, seq, hash_)
    conn.close()
    result = verify(signed_log, key)
    assert result.exit_code == 1 and "signed with another key" in result.stdout


def test_a_checkpoint_forged_under_the_writers_key_id_is_found(signed_log: Path, key: Path, tmp_path: Path) -> None:
    """An intruder's signature stored under the writer's key id: the signature does not verify."""
    rewrite_chain_from(signed_log, 4, {"case_reference": "EX-FORGED"})
    intruder = generate(tmp_path / "intruder.key")
    real_id = load_signing_key(key).key_id
    conn = sqlite3.connect(signed_log, isolation_level=None)
    (hash_,) = conn.execute("SELECT entry_hash FROM entries WHERE seq = 4").fetchone()
    from scr_eligibility.engine.audit import checkpoints

    conn.execute("UPDATE checkpoints SET entry_hash = ?, signature = ? WHERE seq = 4",
                 (hash_, intruder.sign(checkpoints.message(4, hash_)).hex()))
    conn.close()
    assert load_public_key(f"{key}.pub").key_id == real_id
    result = verify(signed_log, key)
    assert result.exit_code == 1 and "signature of the checkpoint of entry 4 is not valid" in result.stdout


def test_an_entry_appended_without_the_private_key_is_found(signed_log: Path, key: Path) -> None:
    """A writer with the file but not the key appends a decision: the chain verifies, the head is not signed."""
    assert run("check", str(M1), "--log", str(signed_log)).exit_code == 0  # no --sign-key
    assert verify(signed_log, None).exit_code == 0
    result = verify(signed_log, key)
    assert result.exit_code == 1
    assert "entry 5 is not covered by a signed checkpoint: appended without the signing key" in result.stdout
    assert "Entries 1 to 4 are covered by good signatures." in result.stdout


def test_an_entry_forged_in_sql_with_a_valid_hash_and_head_is_found(signed_log: Path, key: Path) -> None:
    """A raw INSERT with a correct hash and an updated head (what passed `--expect-head` before): unsigned, found."""
    conn = sqlite3.connect(signed_log, isolation_level=None)
    (prev,) = conn.execute("SELECT entry_hash FROM entries WHERE seq = 4").fetchone()
    body = json.dumps({"forged": True})
    forged = entry_hash(prev, 5, body)
    conn.execute("INSERT INTO entries VALUES (5, ?, ?, ?)", (body, prev, forged))
    conn.execute("UPDATE meta SET value = '5' WHERE key = 'head_seq'")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (forged,))
    conn.close()
    assert verify(signed_log, None).exit_code == 0
    result = verify(signed_log, key)
    assert result.exit_code == 1 and "entry 5 is not covered by a signed checkpoint" in result.stdout


def test_removing_every_checkpoint_is_found(signed_log: Path, key: Path) -> None:
    """Dropping the checkpoints table leaves the head unsigned: found."""
    conn = sqlite3.connect(signed_log, isolation_level=None)
    conn.execute("DROP TABLE checkpoints")
    conn.close()
    result = verify(signed_log, key)
    assert result.exit_code == 1 and "entries 1 to 4 are not covered by a signed checkpoint" in result.stdout


def test_an_unsigned_log_keeps_working_as_before(tmp_path: Path, key: Path) -> None:
    """A log written without a key: verify, show, export, import and replay as before; no key is needed to read it.
    Only a check with --public-key says it is not signed."""
    log = tmp_path / "plain.db"
    assert run("check", str(M1), "--log", str(log)).exit_code == 0
    result = verify(log, None)
    assert result.exit_code == 0 and "1 entry verified" in result.stdout and "checkpoint" not in result.stdout
    assert run("log", "show", str(log)).exit_code == 0
    assert run("replay", str(log)).exit_code == 0
    sqlite = sqlite3.connect(log)
    assert "checkpoints" not in {r[0] for r in sqlite.execute("SELECT name FROM sqlite_master")}
    sqlite.close()
    result = verify(log, key)
    assert result.exit_code == 1 and "entry 1 is not covered by a signed checkpoint" in result.stdout


def test_plain_verify_of_a_signed_log_says_how_to_check_its_signatures(signed_log: Path, key: Path) -> None:
    """Without --public-key, verify checks the chain and names the key that signed it."""
    result = verify(signed_log, None)
    assert result.exit_code == 0
    assert f"signed with key {load_signing_key(key).key_id}: give --public-key" in result.stdout


def test_library_appends_and_imports_are_signed_in_their_own_transaction(tmp_path: Path, key: Path) -> None:
    """Ledger(signer=...): append, append_many and import_jsonl each leave a signed head; the log verifies."""
    signer, public = load_signing_key(key), load_public_key(f"{key}.pub")
    log = Ledger(tmp_path / "lib.db", signer=signer)
    log.append({"n": 1})
    log.append_many([{"n": 2}, {"n": 3}])
    log.import_jsonl('{"n": 4}\n{"n": 5}\n')
    report = log.verify(public)
    assert (report.ok, report.entries_checked, report.signatures_checked) == (True, 5, 4)  # the import signs once
    assert Ledger(tmp_path / "lib.db").verify().ok


def test_scr_serve_signs_what_the_web_app_records(tmp_path: Path, key: Path) -> None:
    """`scr serve --log FILE --sign-key KEY` hands the app the signing log: a decision made on the API is signed."""
    from fastapi.testclient import TestClient

    from scr_eligibility.cli import web
    from scr_eligibility.cli.params import log_for_writing

    log = tmp_path / "served.db"
    app = web.create_app(log_path=log_for_writing(str(log), str(key)))
    response = TestClient(app).post("/v1/evaluate", json={"case_reference": "W-1", "outcome": "died", "age": 3,
                                                          "abuse_or_neglect": "known", "awareness_date": "2016-01-05"})
    assert response.status_code == 200, response.text
    result = verify(log, key)
    assert result.exit_code == 0 and "Signed: 1 checkpoint verified" in result.stdout


# --------------------------------------------------------------------------- an edited released edition


def test_scr_check_and_batch_warn_when_a_released_edition_file_was_edited(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The file of lscb-scr-2006@1 no longer has its released hash: check and batch warn on stderr (once a batch),
    and say nothing when the files are as released."""
    import scr_eligibility.criteria.catalogue as catalogue

    clean = CliRunner().invoke(main, ["check", str(M1), "--edition", "lscb-scr-2006"])
    assert clean.exit_code == 0 and "Warning" not in clean.stderr
    released = dict(catalogue.released_hashes())
    monkeypatch.setattr(catalogue, "released_hashes", lambda: released | {"lscb-scr-2006@1": "sha256:" + "0" * 64})
    result = CliRunner().invoke(main, ["check", str(M1), "--edition", "lscb-scr-2006"])
    assert result.exit_code == 0
    assert "Warning: the edition file of lscb-scr-2006@1" in result.stderr and "edited after" in result.stderr
    assert "Warning" not in result.stdout
    cases = tmp_path / "cases"
    cases.mkdir()
    for case in (M1, D2):
        (cases / case.name).write_bytes(case.read_bytes())
    result = CliRunner().invoke(main, ["batch", str(cases), "--edition", "lscb-scr-2006", "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0 and result.stderr.count("Warning: the edition file of lscb-scr-2006@1") == 1
