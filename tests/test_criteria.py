"""Criteria as data: every criterion quoted and cited, criteria files validated, released editions immutable."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scr_eligibility.criteria import all_editions, get_edition, load_edition_file, released_hashes
from scr_eligibility.criteria.loader import EDITIONS_DIR, content_hash
from scr_eligibility.errors import CriteriaError, EditionNotFound

EDITION_1 = EDITIONS_DIR / "lscb-scr-2006.v1.yaml"


def test_every_criterion_of_every_edition_carries_its_text_and_citation() -> None:
    """No criterion ships without its verbatim source text and citation."""
    for edition in all_editions():
        for criterion in edition.content.criteria:
            assert criterion.text.strip() and criterion.citation.strip(), (edition.ref, criterion.id)


def test_edition_one_has_the_seed_criteria() -> None:
    """Edition 1 holds M1-M5, D1-D5 and the WT2015 notifiable incident, with their kinds."""
    edition = get_edition("lscb-scr-2006")
    kinds = {c.id: c.kind for c in edition.content.criteria}
    assert kinds == {**{f"M{i}": "mandatory" for i in range(1, 6)}, **{f"D{i}": "discretionary" for i in range(1, 6)},
                     "N1": "notification"}
    assert "Mental Capacity Act 2005" in edition.criterion("M5").text
    assert "Mental Health Act 2005" in (edition.criterion("M5").variant or "")


def _broken(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(EDITION_1.read_text())
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_a_criteria_file_with_an_unknown_fact_name_is_refused(tmp_path: Path) -> None:
    """An unknown fact in a condition is refused with the nearest fact suggested."""
    def change(data):  # type: ignore[no-untyped-def]
        data["criteria"][3]["condition"]["all"][2]["fact"] = "mental_health_act_detained"
    with pytest.raises(CriteriaError) as caught:
        load_edition_file(_broken(tmp_path, change))
    assert "mental_health_act_detained" in str(caught.value)
    assert "did you mean mental_health_act_detention?" in str(caught.value)


def test_a_criteria_file_with_a_bad_operator_is_refused(tmp_path: Path) -> None:
    """An operator the language does not have is refused, naming it."""
    def change(data):  # type: ignore[no-untyped-def]
        data["criteria"][3]["condition"]["all"][2]["op"] = "equals"
    with pytest.raises(CriteriaError, match="equals"):
        load_edition_file(_broken(tmp_path, change))


def test_a_criteria_file_with_a_missing_citation_is_refused(tmp_path: Path) -> None:
    """A criterion without its citation cannot be loaded."""
    def change(data):  # type: ignore[no-untyped-def]
        del data["criteria"][0]["citation"]
    with pytest.raises(CriteriaError, match="citation"):
        load_edition_file(_broken(tmp_path, change))


def test_a_criteria_file_with_a_value_the_fact_cannot_take_is_refused(tmp_path: Path) -> None:
    """A condition comparing a fact with a value it can never have is refused."""
    def change(data):  # type: ignore[no-untyped-def]
        data["definitions"][2]["condition"]["value"] = "dead"
    with pytest.raises(CriteriaError, match="dead"):
        load_edition_file(_broken(tmp_path, change))


def test_a_criteria_file_with_a_reference_cycle_is_refused(tmp_path: Path) -> None:
    """A criterion that refers to itself (through refs) is refused rather than looping."""
    def change(data):  # type: ignore[no-untyped-def]
        data["criteria"][0]["condition"] = {"ref": "M1"}
    with pytest.raises(CriteriaError, match="cycle"):
        load_edition_file(_broken(tmp_path, change))


def test_every_edition_has_id_title_dates_version_and_content_hash() -> None:
    """The hash is of the file's exact bytes."""
    for edition in all_editions():
        assert edition.id and edition.content.title and edition.content.in_force.from_ and edition.version >= 1
        assert edition.content_hash == content_hash(Path(edition.path).read_bytes())


def test_released_editions_have_not_changed_since_release() -> None:
    """Every released edition version's file still has its pinned hash: change means a new version."""
    released = released_hashes()
    shipped = {e.ref: e.content_hash for e in all_editions()}
    assert released, "criteria/released.json pins no edition"
    for ref, pinned in released.items():
        assert ref in shipped, f"released edition {ref} is no longer shipped (old versions must stay loadable)"
        assert shipped[ref] == pinned, f"{ref} changed after release: ship a new version instead"


def test_every_shipped_edition_with_a_release_date_is_released_and_only_those() -> None:
    """A released edition file that is not pinned would escape the immutability check; a draft (a new version
    not yet released, which says so by having no release date) is not pinned until it is released."""
    released = set(released_hashes())
    assert {e.ref for e in all_editions() if e.content.released is not None} <= released
    assert {e.ref for e in all_editions() if e.content.released is None}.isdisjoint(released)


def test_an_unknown_edition_is_a_clear_error() -> None:
    """Asking for an edition that does not exist names the ones that do."""
    with pytest.raises(EditionNotFound, match="lscb-scr-2006"):
        get_edition("lscb-scr-2007")
    with pytest.raises(EditionNotFound, match="does not have"):
        get_edition("lscb-scr-2006", 99)


def test_releasing_refuses_when_a_released_edition_file_has_changed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The release step pins new versions but never re-pins a changed released file."""
    from scr_eligibility.criteria import release

    fake = tmp_path / "released.json"
    fake.write_text('{"lscb-scr-2006@1": "sha256:0000"}')
    monkeypatch.setattr(release, "RELEASED_FILE", fake)
    monkeypatch.setattr(release, "released_hashes", lambda: {"lscb-scr-2006@1": "sha256:0000"})
    with pytest.raises(SystemExit, match="lscb-scr-2006@1"):
        release.pin()
    assert fake.read_text() == '{"lscb-scr-2006@1": "sha256:0000"}'
