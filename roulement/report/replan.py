"""The re-plan page: the planner's report of the new roster, with what the re-plan changed."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.html import render_html


def render_replan_html(scenario: Scenario, roster: Roster, report: dict[str, Any], first: dt.date) -> str:
    """The report page of the re-planned roster, closed by the re-plan's own section (from `report["replan"]`)."""
    replan = report["replan"]
    items = [f"<li>{escape(d)}</li>" for d in replan["disruptions"]]
    section = [f"<section><h2>Re-plan from {first}</h2><p>{escape(replan['summary'])}.</p>"]
    if items:
        section.append("<ul>" + "".join(items) + "</ul>")
    if replan["full_resolve_changes"] is not None:
        section.append(f"<p>A full re-solve from scratch would change {replan['full_resolve_changes']} shifts.</p>")
    section.append("</section>")
    return render_html(scenario, roster, report, sections=["".join(section)])
