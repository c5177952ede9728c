"""The timeliness report as one self-contained, printable HTML page: its charts are inline SVG, its style inline,
and it loads nothing from anywhere (no CDN, no script), so it can be mailed, archived and printed as it is."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

_TEMPLATES = Path(__file__).resolve().parent / "render" / "templates"

#: The parts of a duty's bar, in order, with their colours (chosen to stay apart in greyscale print too).
PARTS = (("on_time", "On time", "#1b7837"), ("late", "Late", "#e08214"),
         ("met_no_due_date", "Met, no due date", "#7fbf7b"), ("outstanding_overdue", "Outstanding, overdue", "#b2182b"),
         ("outstanding_other", "Outstanding, not yet due or due date unknown", "#bababa"))

_BAR_W, _ROW_H, _LABEL_W = 420, 26, 250


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def duty_chart(report: Any) -> Markup:
    """One stacked horizontal bar per duty: how its owed cases split, with a legend; inline SVG."""
    rows = [(d.duty, {"on_time": d.on_time, "late": d.late, "met_no_due_date": d.met_no_due_date,
                      "outstanding_overdue": d.outstanding_overdue,
                      "outstanding_other": d.outstanding_not_yet_due + d.outstanding_no_due_date})
            for d in report.duties if d.owed]
    if not rows:
        return Markup("<p>No duties are owed by the cases of the period.</p>")
    most = max(sum(parts.values()) for _, parts in rows) or 1
    height = _ROW_H * len(rows) + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_LABEL_W + _BAR_W + 60}" height="{height}" '
           f'aria-label="Each duty: cases on time, late, met without a due date, outstanding">']
    for i, (duty, parts) in enumerate(rows):
        y = i * _ROW_H + 4
        out.append(f'<text x="{_LABEL_W - 8}" y="{y + 15}" text-anchor="end" font-size="12">{_esc(duty)}</text>')
        x = float(_LABEL_W)
        for key, label, colour in PARTS:
            width = _BAR_W * parts[key] / most
            if width:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{_ROW_H - 8}" fill="{colour}">'
                           f'<title>{_esc(label)}: {parts[key]}</title></rect>')
            x += width
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}" font-size="12">{sum(parts.values())}</text>')
    y = _ROW_H * len(rows) + 20
    x = 0.0
    for _key, label, colour in PARTS:
        out.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16:.1f}" y="{y + 11}" font-size="11">{_esc(label)}</text>')
        x += 16 + 6.2 * len(label) + 14
        if x > _LABEL_W + _BAR_W - 100:
            x, y = 0.0, y + 18
    out.append("</svg>")
    return Markup("".join(out))


def outcome_chart(report: Any) -> Markup:
    """One bar per (edition, outcome): how many cases; inline SVG."""
    rows = [(f"{o.edition}: {o.outcome}", o.cases) for o in report.by_outcome]
    if not rows:
        return Markup("<p>No cases in the period.</p>")
    most = max(n for _, n in rows) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_LABEL_W + _BAR_W + 60}" '
           f'height="{_ROW_H * len(rows) + 8}" aria-label="Cases by edition and outcome">']
    for i, (label, n) in enumerate(rows):
        y = i * _ROW_H + 4
        width = _BAR_W * n / most
        out.append(f'<text x="{_LABEL_W - 8}" y="{y + 15}" text-anchor="end" font-size="12">{_esc(label)}</text>'
                   f'<rect x="{_LABEL_W}" y="{y}" width="{width:.1f}" height="{_ROW_H - 8}" fill="#2166ac"/>'
                   f'<text x="{_LABEL_W + width + 6:.1f}" y="{y + 15}" font-size="12">{n}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def render_html(report: Any, duty_headers: list[str], duty_rows: list[list[Any]]) -> str:
    """The page; the duties' table has the same columns and cells as `scr log report` prints."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    return environment.get_template("audit_report.html").render(
        report=report, duty_chart=duty_chart(report), outcome_chart=outcome_chart(report),
        duty_headers=duty_headers, duty_rows=duty_rows)
