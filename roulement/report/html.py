"""A self-contained HTML report (no network, no script): roster grid, coverage, totals, violations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from html import escape
from typing import Any

from roulement.model.roster import Roster
from roulement.model.scenario import Scenario

PALETTE = ["#f6c85f", "#6f9ed4", "#5b4a8b", "#9dd866", "#ca472f", "#ffa056", "#8dddd0", "#a0a0a0"]
WEEKDAYS = "LMMJVSD"

STYLE = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d232b;background:#fafafa}
h1{margin:0 0 4px}h2{margin:28px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
.sub{color:#5a6270}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.ok{color:#1f7a3a}.bad{color:#b3261e}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #e2e2e2;padding:2px 5px;text-align:center}
th{background:#f0f2f5;position:sticky;top:0}.left{text-align:left}
.grid td{width:20px;height:18px;font-size:11px;padding:0;color:#fff;font-weight:600}
.grid td.off{background:#fff}
.grid td.abs{background:repeating-linear-gradient(45deg,#eee,#eee 3px,#fff 3px,#fff 6px)}
.grid th.we,.grid td.we.off{background:#eef1f6}.short{background:#f8d7d4;color:#b3261e;font-weight:700}
.full{background:#e3f4e8}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:4px;color:#fff}
.scroll{overflow:auto;max-height:70vh;border:1px solid #ddd}
"""


def _colors(scenario: Scenario) -> dict[str, str]:
    return {s.id: s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(scenario.shifts)}


def render_html(scenario: Scenario, roster: Roster, report: dict[str, Any], sections: Sequence[str] = ()) -> str:
    """The planner's report page; `sections` (HTML) come after the figures, before the footer."""
    colors = _colors(scenario)
    dates = scenario.horizon.dates()
    summary = report["summary"]
    status_class = "ok" if summary["coverage_complete"] and not summary["violations"] else "bad"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>roulement – {escape(scenario.site.name)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(scenario.site.name)}</h1>",
        f"<div class='sub'>{report['horizon']['start']} to {report['horizon']['end']} · "
        f"{escape(scenario.site.jurisdiction.value)} law · {escape(scenario.site.timezone)}</div>",
        "<div class='cards'>",
        _card("People", summary["employees"]),
        _card("Shifts worked", summary["assignments"]),
        _card("Coverage", "complete" if summary["coverage_complete"]
              else f"{summary['shortfall_person_shifts']} short", "ok" if summary["coverage_complete"] else "bad"),
        _card("Violations", summary["violations"], "ok" if not summary["violations"] else "bad"),
        _card("Cost", report["objective"]["total"]),
    ]
    solver = report.get("solver")
    if solver:
        parts.append(_card("Solver", f"{solver['status']} · {solver['wall_time']:.0f} s"))
    parts.append("</div>")
    parts.append(f"<p class='{status_class}'>" + escape(_verdict(summary)) + "</p>")
    parts += _objective(report)
    parts += _violations(report)
    parts += _coverage(scenario, report, dates)
    parts += _people(report)
    parts += _grid(scenario, roster, dates, colors)
    parts += _totals(report)
    parts += sections
    parts.append("<p class='sub'>Made by roulement " + escape(str(report["roulement"])) + " on "
                 + escape(report["generated"]) + ". Every figure is recomputed from the roster itself.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _card(label: str, value: object, css: str = "") -> str:
    return f"<div class='card'>{escape(label)}<b class='{css}'>{escape(str(value))}</b></div>"


def _verdict(summary: dict[str, Any]) -> str:
    if summary["coverage_complete"] and not summary["violations"]:
        return "Every post is covered and no rule of law, plant or contract is broken."
    text = []
    if not summary["coverage_complete"]:
        text.append(f"{summary['shortfall_person_shifts']} person-shifts are missing.")
    if summary["violations"]:
        rules = ", ".join(f"{k} ×{v}" for k, v in summary["violations_by_rule"].items())
        text.append(f"{summary['violations']} violations: {rules}.")
    return " ".join(text)


def _objective(report: dict[str, Any]) -> list[str]:
    rows = "".join(f"<tr><td class='left'>{escape(k)}</td><td>{v}</td></tr>"
                   for k, v in report["objective"]["terms"].items())
    return ["<h2>Cost of the roster, by term</h2>",
            f"<table><tr><th class='left'>term</th><th>cost</th></tr>{rows}</table>"]


def _violations(report: dict[str, Any]) -> list[str]:
    if not report["violations"]:
        return []
    rows = "".join(
        f"<tr><td class='left'>{escape(v['rule'])}</td><td class='left'>{escape(v['reference'])}</td>"
        f"<td>{escape(v['employee'] or '')}</td><td>{escape(', '.join(v['dates']))}</td>"
        f"<td class='left'>{escape(v['message'])}</td></tr>"
        for v in report["violations"][:500]
    )
    more = len(report["violations"]) - 500
    return ["<h2>Violations</h2>",
            "<table><tr><th>rule</th><th>reference</th><th>employee</th><th>dates</th><th>what</th></tr>"
            f"{rows}</table>" + (f"<p>… and {more} more in report.json</p>" if more > 0 else "")]


def _coverage(scenario: Scenario, report: dict[str, Any], dates: list[dt.date]) -> list[str]:
    needed: dict[tuple[str, str], int] = defaultdict(int)
    got: dict[tuple[str, str], int] = defaultdict(int)
    short_posts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in report["coverage"]:
        key = (row["date"], row["shift"])
        needed[key] += row["required"]
        got[key] += min(row["assigned"], row["required"])
        if row["assigned"] < row["required"]:
            short_posts[key].append(f"{row['post']} {row['assigned']}/{row['required']}")
    head = "".join(f"<th class='{_we(d)}'>{WEEKDAYS[d.weekday()]}<br>{d.day}</th>" for d in dates)
    rows = []
    for shift in scenario.shifts:
        cells = []
        for date in dates:
            key = (date.isoformat(), shift.id)
            if key not in needed:
                cells.append("<td></td>")
                continue
            css = "short" if short_posts.get(key) else "full"
            title = escape("; ".join(short_posts.get(key, [])) or "all posts covered")
            cells.append(f"<td class='{css}' title='{title}'>{got[key]}/{needed[key]}</td>")
        rows.append(f"<tr><th class='left'>{escape(shift.id)} {escape(shift.name)}</th>{''.join(cells)}</tr>")
    return ["<h2>Coverage per day and shift</h2>",
            "<p class='sub'>Filled / required minimum, over all posts; red cells name the posts short.</p>",
            f"<div class='scroll'><table><tr><th></th>{head}</tr>{''.join(rows)}</table></div>"]


def _we(date: dt.date) -> str:
    return "we" if date.weekday() >= 5 else ""


def _grid(scenario: Scenario, roster: Roster, dates: list[dt.date], colors: dict[str, str]) -> list[str]:
    worked = {(a.employee, a.date): a for a in roster}
    legend = "".join(f"<span style='background:{colors[s.id]}'>{escape(s.id)} {escape(s.name)} "
                     f"{s.start:%H:%M}–{s.end:%H:%M}</span>" for s in scenario.shifts)
    head = "".join(f"<th class='{_we(d)}'>{WEEKDAYS[d.weekday()]}<br>{d.day}</th>" for d in dates)
    rows = []
    for employee in scenario.employees:
        cells = []
        for date in dates:
            assignment = worked.get((employee.id, date))
            if assignment is not None:
                title = escape(f"{assignment.shift} · {assignment.post}")
                cells.append(f"<td style='background:{colors.get(assignment.shift, '#777')}' "
                             f"title='{title}'>{escape(assignment.shift)}</td>")
            elif employee.absent_on(date):
                cells.append("<td class='abs' title='absent'></td>")
            else:
                cells.append(f"<td class='off {_we(date)}'></td>")
        label = escape(employee.name or employee.id)
        rows.append(f"<tr><th class='left'>{label}</th>{''.join(cells)}</tr>")
    return ["<h2>Roster</h2>", f"<div class='legend'>{legend}</div>",
            f"<div class='scroll'><table class='grid'><tr><th></th>{head}</tr>{''.join(rows)}</table></div>"]


def _totals(report: dict[str, Any]) -> list[str]:
    rows = "".join(
        f"<tr><td class='left'>{escape(t['name'])}</td><td>{t['hours']:g}</td><td>{t['contract_hours']:g}</td>"
        f"<td>{t['shifts']}</td><td>{t['nights']}</td><td>{t['sundays']}</td><td>{t['weekend_days']}</td>"
        f"<td>{t['public_holidays']}</td></tr>"
        for t in report["employees"]
    )
    return ["<h2>Per person</h2>",
            "<div class='scroll'><table><tr><th class='left'>person</th><th>hours</th><th>contract</th>"
            f"<th>shifts</th><th>nights</th><th>Sundays</th><th>weekend days</th><th>public holidays</th></tr>{rows}"
            "</table></div>"]


def _people(report: dict[str, Any]) -> list[str]:
    people = report.get("people")
    if not people:
        return []
    parts = ["<h2>People</h2>"]
    price = people["price"]
    if price["objective_with_people"] is not None:
        line = f"Coverage and contracts cost {price['objective_with_people']:,} with households and fairness"
        if price["objective_ignoring_people"] is not None:
            line += (f", {price['objective_ignoring_people']:,} with them ignored"
                     f" ({price['extra_percent']:+g} %)" if price["extra_percent"] is not None else "")
        else:
            line += " (run plan --price for the comparison with people ignored)"
        parts.append(f"<p>{escape(line)}.</p>")
    households = people["households"]
    if isinstance(households, dict):  # the council's totals
        parts.append("<table>" + "".join(f"<tr><td class='left'>{escape(k.replace('_', ' '))}</td><td>{v}</td></tr>"
                                         for k, v in households.items()) + "</table>")
    elif households:
        rows = "".join(
            f"<tr><td class='left'>{escape(h['id'])}</td><td class='left'>{escape(', '.join(h['members']))}</td>"
            f"<td>{h['shared_days_off_got']} / {h['shared_days_off_asked']}</td>"
            f"<td class='{'bad' if h['childcare_uncovered_hours'] else 'ok'}'>"
            f"{h['childcare_uncovered_hours']:g} h</td></tr>" for h in households)
        parts.append("<table><tr><th class='left'>household</th><th class='left'>members</th>"
                     "<th>days off together / possible</th><th>childcare uncovered</th></tr>" + rows + "</table>")
        apart = [h["id"] for h in households
                 if h["shared_days_off_asked"] and h["shared_days_off_got"] < 0.9 * h["shared_days_off_asked"]]
        if apart and "employee" not in report:  # a planner's pointer; an employee reads only their own figures
            parts.append(f"<p>Below 90 % of days off together: {escape(', '.join(apart))}. "
                         "<code>roulement explain-household SCENARIO ROSTER --household ID</code> shows how close "
                         "each couple could be on their own with their fair share of nights and Sundays, and with "
                         "fewer nights.</p>")
    fairness = people["fairness"]
    for category, label in (("nights", "Nights"), ("sundays", "Sundays"), ("weekend_days", "Weekend days"),
                            ("public_holidays", "Public holidays")):
        values = [r[category] for r in fairness if category != "nights" or r["night_eligible"]]
        if values and (category != "public_holidays" or any(values)):
            parts.append(_distribution(label, values))
    if len(fairness) == 1:
        row = fairness[0]
        parts.append(f"<p>Your fair share: {row['fair_nights'] if row['fair_nights'] is not None else '–'} nights, "
                     f"{row['fair_sundays'] if row['fair_sundays'] is not None else '–'} Sundays "
                     f"(pro rata your contract, among colleagues who can hold the same posts).</p>")
    return parts


def _distribution(label: str, values: list[int]) -> str:
    """An inline SVG bar chart: how many people worked each count (no script, no network)."""
    counts: dict[int, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    low, high = min(counts), max(counts)
    bars = list(range(low, high + 1))
    tallest = max(counts.values())
    width, height, bar = 40 + 28 * len(bars), 150, 22
    shapes = []
    for index, value in enumerate(bars):
        size = round(100 * counts.get(value, 0) / tallest)
        x = 30 + 28 * index
        shapes.append(f"<rect x='{x}' y='{120 - size}' width='{bar}' height='{size}' fill='#6f9ed4'>"
                      f"<title>{counts.get(value, 0)} people with {value}</title></rect>"
                      f"<text x='{x + bar / 2}' y='135' font-size='10' text-anchor='middle'>{value}</text>"
                      f"<text x='{x + bar / 2}' y='{115 - size}' font-size='9' text-anchor='middle'>"
                      f"{counts.get(value, 0) or ''}</text>")
    return (f"<h3>{escape(label)} per person: min {low}, max {high}</h3>"
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
            f"aria-label='{escape(label)} per person'>{''.join(shapes)}</svg>")
