"""The form's downloads: the case file and the decision, made from the submitted fields, never stored."""

from __future__ import annotations

import datetime as _dt
import re

from fastapi.responses import Response

from ..._version import __version__
from ...engine.cases import case_file
from ...engine.decision import Decision
from ...facts import FACT_NAMES
from ..render.json import render_json


def case_yaml(decision: Decision, as_of: _dt.date | None, editions: list[str] | None) -> str:
    """The facts as a case file ``scr check`` reads: every fact, unknown ones written ``unknown``."""
    facts = decision.facts
    data = {name: (getattr(facts, name) if getattr(facts, name) is not None else "unknown") for name in FACT_NAMES}
    head = [f"# Case file written by scr serve (scr-eligibility {__version__}).",
            "# Check it again with: scr check THIS-FILE"]
    if as_of or editions:
        options = ([f"--as-of {as_of.isoformat()}"] if as_of else []) + [f"--edition {e}" for e in editions or []]
        head.append("# It was decided with: " + " ".join(options))
    return case_file(data, head)


def filename(decision: Decision, suffix: str) -> str:
    """``case-REFERENCE.yaml``: the case reference made safe for a file name (``case.yaml`` without one)."""
    reference = re.sub(r"[^A-Za-z0-9._-]+", "-", decision.case_reference or "").strip("-.")[:60]
    return f"case-{reference}{suffix}" if reference else f"case{suffix}"


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def case_download(decision: Decision, as_of: _dt.date | None, editions: list[str] | None) -> Response:
    return Response(case_yaml(decision, as_of, editions), media_type="application/yaml; charset=utf-8",
                    headers=_attachment(filename(decision, ".yaml")))


def decision_download(decision: Decision, as_of: _dt.date | None, editions: list[str] | None) -> Response:
    """The decision, byte for byte what ``scr check --format json`` prints."""
    return Response(render_json(decision) + "\n", media_type="application/json",
                    headers=_attachment(filename(decision, "-decision.json")))


__all__ = ["case_download", "case_yaml", "decision_download", "filename"]
