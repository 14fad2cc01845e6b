"""A self-contained HTML report (no network, no script): roster grid, coverage, totals, violations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from html import escape
from typing import Any

from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.bound import describe as describe_bound

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
.grid td.dev{outline:2px solid #d62828;outline-offset:-2px}.grid td.off.dev{outline-style:dashed}
.grid td.crew{color:#1d232b;font-weight:400;background:#f0f2f5;width:auto;padding:0 4px}
.grid th.we,.grid td.we.off{background:#eef1f6}.short{background:#f8d7d4;color:#b3261e;font-weight:700}
.full{background:#e3f4e8}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:4px;color:#fff}
.scroll{overflow:auto;max-height:70vh;border:1px solid #ddd}
"""


def _colors(scenario: Scenario) -> dict[str, str]:
    return {s.id: s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(scenario.shifts)}


def render_html(scenario: Scenario, roster: Roster, report: dict[str, Any], sections: Sequence[str] = (),
                lead: Sequence[str] = (), lang: str = "en") -> str:
    """The planner's report page; `lead` sections (HTML) come right after the verdict, `sections` after the
    figures, before the footer. The rules' findings are written in `lang` (the page's frame stays English)."""
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
        if solver.get("bound") is not None:
            parts.append(_card("Lower bound", f"{solver['bound']:,.0f}"))
    parts.append("</div>")
    bound_line = describe_bound(solver, report["objective"]["total"])
    if bound_line is not None:
        parts.append(f"<p class='sub'>{escape(bound_line[0].upper() + bound_line[1:])}. The bound is proven: no "
                     f"roster can cost less ({escape(str(solver['bound_kind'] if solver else ''))}).</p>")
    parts.append(f"<p class='{status_class}'>" + escape(_verdict(summary)) + "</p>")
    parts += lead
    parts += _objective(report)
    parts += _violations(report, lang)
    parts += _coverage(scenario, report, dates)
    parts += _people(report)
    parts += _cycle(report.get("rotation"))
    parts += _grid(scenario, roster, dates, colors, report.get("rotation"))
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


def _violations(report: dict[str, Any], lang: str = "en") -> list[str]:
    if not report["violations"]:
        return []
    rows = "".join(
        f"<tr><td class='left'>{escape(v['rule'])}</td><td class='left'>{escape(v['reference'])}</td>"
        f"<td>{escape(v['employee'] or '')}</td><td>{escape(', '.join(v['dates']))}</td>"
        f"<td class='left'>{escape(v.get('text', {}).get(lang, v['message']))}</td></tr>"
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


def _cycle(section: dict[str, Any] | None) -> list[str]:
    """How far the roster follows the published cycle, and each person's deviations."""
    if not section:
        return []
    kinds = "".join(f"<tr><td class='left'>{escape(kind)}</td><td>{count}</td></tr>"
                    for kind, count in section["by_kind"].items())

    def described(deviation: dict[str, str | None]) -> str:
        return (f"{str(deviation['date'])[5:]} {deviation['kind']} "
                f"({deviation['planned'] or 'off'} → {deviation['worked'] or 'off'})")

    people = "".join(
        f"<tr><td class='left'>{escape(row['employee'])}</td><td>{escape(str(row['crew'] or ''))}</td>"
        f"<td class='left'>{escape(', '.join(described(d) for d in row['deviations']))}</td></tr>"
        for row in section["per_person"])
    evaluation = section.get("evaluation")
    year: list[str] = []
    if evaluation:
        criteria = "".join(
            f"<tr><td class='left'>{escape(c['label'])}</td><td>{escape(str(c['value']))} {escape(c['unit'])}</td>"
            f"<td class='left'>{escape(c['target'])}</td><td class='{'ok' if c['ok'] else 'bad'}'>"
            f"{'yes' if c['ok'] else 'no'}</td></tr>" for c in evaluation["criteria"])
        broken = ", ".join(f"{rule} ({count})" for rule, count in evaluation["violations_by_rule"].items())
        which = f": {escape(broken)}" if broken else ""
        year = ["<h3>The cycle over a year</h3>",
                f"<p>{evaluation['violations']} hard rule(s) broken over the year{which}"
                ". " + escape(" ".join(f"{rule}: {reading}." for rule, reading in evaluation["readings"].items()))
                + "</p>",
                f"<table><tr><th>criterion</th><th>value</th><th>target</th><th>met</th></tr>{criteria}</table>"]
    return ["<h2>Published cycle</h2>", *year, "<h3>This month</h3>", f"<p>{escape(section['summary'])}.</p>",
            f"<table><tr><th>deviation</th><th>count</th></tr>{kinds}</table>",
            "<h3>Deviations per person</h3>",
            f"<div class='scroll'><table><tr><th>person</th><th>crew</th><th>deviations</th></tr>{people}"
            "</table></div>"]


def _grid(scenario: Scenario, roster: Roster, dates: list[dt.date], colors: dict[str, str],
          cycle: dict[str, Any] | None = None) -> list[str]:
    worked = {(a.employee, a.date): a for a in roster}
    # With a published cycle: each person's crew beside the name, each deviation outlined in red.
    crews: dict[str, str] = cycle["crew_of"] if cycle else {}
    deviations = {(row["employee"], d["date"]): d for row in (cycle or {}).get("per_person", [])
                  for d in row["deviations"]}
    legend = "".join(f"<span style='background:{colors[s.id]}'>{escape(s.id)} {escape(s.name)} "
                     f"{s.start:%H:%M}–{s.end:%H:%M}</span>" for s in scenario.shifts)
    head = "".join(f"<th class='{_we(d)}'>{WEEKDAYS[d.weekday()]}<br>{d.day}</th>" for d in dates)
    rows = []
    for employee in scenario.employees:
        cells = []
        for date in dates:
            assignment = worked.get((employee.id, date))
            deviation = deviations.get((employee.id, date.isoformat()))
            dev = " dev" if deviation else ""
            why = (f" · {deviation['kind']} (cycle: {deviation['planned'] or 'off'})" if deviation else "")
            if assignment is not None:
                title = escape(f"{assignment.shift} · {assignment.post}{why}")
                cells.append(f"<td class='{dev.strip()}' style='background:{colors.get(assignment.shift, '#777')}' "
                             f"title='{title}'>{escape(assignment.shift)}</td>")
            elif employee.absent_on(date):
                cells.append("<td class='abs' title='absent'></td>")
            else:
                cells.append(f"<td class='off {_we(date)}{dev}' title='{escape(why.lstrip(' ·'))}'></td>")
        label = escape(employee.name or employee.id)
        crew = f"<td class='crew'>{escape(crews.get(employee.id, ''))}</td>" if cycle else ""
        rows.append(f"<tr><th class='left'>{label}</th>{crew}{''.join(cells)}</tr>")
    crew_head = "<th>crew</th>" if cycle else ""
    return ["<h2>Roster</h2>", f"<div class='legend'>{legend}</div>",
            f"<div class='scroll'><table class='grid'><tr><th></th>{crew_head}{head}</tr>{''.join(rows)}"
            "</table></div>"]


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
        # The council's rows carry counts only (no eligibility): its nights include the night-exempt.
        values = [r[category] for r in fairness if category != "nights" or r.get("night_eligible", True)]
        if values and (category != "public_holidays" or any(values)):
            parts.append(_distribution(label, values))
    if "groups" in people:  # the council's fairness per peer group
        parts.append(_council_groups(people["groups"]))
    if len(fairness) == 1 and "fair_nights" in fairness[0]:
        row = fairness[0]
        parts.append(f"<p>Your fair share: {row['fair_nights'] if row['fair_nights'] is not None else '–'} nights, "
                     f"{row['fair_sundays'] if row['fair_sundays'] is not None else '–'} Sundays "
                     f"(pro rata your contract, among colleagues who can hold the same posts).</p>")
    return parts


def _council_groups(groups: dict[str, Any]) -> str:
    def span(figures: dict[str, float] | None) -> str:
        return "–" if figures is None else f"{figures['min']:g}–{figures['max']:g} (mean {figures['mean']:g})"

    rows = "".join(f"<tr><td>{g['people']}</td><td>{escape(str(g['not_night_eligible']))}</td>"
                   f"<td>{span(g['nights_of_night_eligible'])}</td><td>{span(g['sundays'])}</td>"
                   f"<td>{span(g['hours'])}</td></tr>" for g in groups["groups"])
    small = groups["people_in_groups_too_small"]
    note = f"<p>{small} people in peer groups under {groups['min_group']} are not shown.</p>" if small else ""
    return (f"<h3>Per peer group (groups of {groups['min_group']} or more)</h3><table><tr><th>people</th>"
            "<th>not night-eligible</th><th>nights (eligible)</th><th>Sundays</th><th>hours</th></tr>"
            f"{rows}</table>{note}")


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
