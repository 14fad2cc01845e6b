"""The group's page: one line per site (coverage, violations, cost, fairness, time) linking to its report."""

from __future__ import annotations

from html import escape
from typing import Any

from roulement.report.html import STYLE


def render_group_html(document: dict[str, Any]) -> str:
    totals, run = document["totals"], document["run"]
    rows = []
    for line in document["sites"]:
        site = escape(str(line["site_id"]))
        if line["outcome"] != "planned":
            detail = escape(str(line.get("error", line.get("status", ""))))
            rows.append(f"<tr><td class='left'>{site}</td><td class='left bad' colspan='11'>"
                        f"{escape(line['outcome'])}{': ' + detail if detail else ''}</td></tr>")
            continue
        fair = line["fairness"]
        covered = ("<td class='ok'>complete</td>" if line["coverage_complete"]
                   else f"<td class='bad'>{line['shortfall']} short</td>")
        violations = f"<td class='{'ok' if not line['violations'] else 'bad'}'>{line['violations']}</td>"
        rows.append(
            f"<tr><td class='left'><a href='{escape(line['report'])}'>{site}</a></td>"
            f"<td class='left'>{escape(line['name'])}</td><td>{escape(line['law'])}</td><td>{line['people']:,}</td>"
            f"{covered}{violations}<td>{line['cost']:,}</td>"
            f"<td>{fair['nights_largest_deviation']:g}</td><td>{fair['sundays_largest_deviation']:g}</td>"
            f"<td>{fair['nights_widest_full_time_gap']:g} / {fair['sundays_widest_full_time_gap']:g}</td>"
            f"<td>{line['wall_time']:.1f} s</td><td>{escape(line['status'])}</td></tr>")
    failed = run["failed"]
    stopped = ("<p class='bad'>Stopped before the end: the sites not planned are listed as such.</p>"
               if run["interrupted"] else "")
    return "".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>roulement – {escape(document['group'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(document['group'])}</h1>",
        f"<div class='sub'>{totals['sites']} sites · {totals['people']:,} people planned · "
        f"{escape(run['engine'])} with {run['workers']} workers</div>",
        "<div class='cards'>",
        _card("Sites planned", f"{totals['planned'] - totals['no_roster']} / {totals['sites']}",
              "ok" if totals["planned"] - totals["no_roster"] == totals["sites"] else "bad"),
        _card("Covered and lawful", f"{totals['fully_covered_and_lawful']} / {totals['planned']}",
              "ok" if totals["fully_covered_and_lawful"] == totals["planned"] else "bad"),
        _card("Failed", len(failed), "ok" if not failed else "bad"),
        _card("Wall time", f"{run['wall_time']:.0f} s"),
        _card("Sum of site times", f"{totals['sum_of_site_times']:.0f} s"),
        "</div>", stopped,
        "<h2>Sites</h2><table><tr><th>site</th><th>name</th><th>law</th><th>people</th><th>coverage</th>"
        "<th>violations</th><th>cost</th><th title='largest |nights − fair share|'>nights vs fair</th>"
        "<th title='largest |Sundays − fair share|'>Sundays vs fair</th>"
        "<th title='widest gap between full-timers of one peer group: nights / Sundays'>full-time gap</th>"
        "<th>time</th><th>solver</th></tr>",
        *rows, "</table>",
        "<p class='sub'>Cost, coverage and violations are the independent checker's, recomputed from each "
        "roster. Fairness: how far anyone is from their fair share of nights and Sundays among the colleagues "
        "who can hold the same posts.</p></body></html>",
    ])


def _card(label: str, value: object, tone: str = "") -> str:
    return f"<div class='card'>{escape(label)}<b class='{tone}'>{escape(str(value))}</b></div>"
