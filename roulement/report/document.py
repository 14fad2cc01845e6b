"""The report as data: what `report.json` holds and what every page renders from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from roulement import __version__
from roulement.analyse.coverage import coverage_rows
from roulement.analyse.totals import person_totals
from roulement.check.checker import CheckResult
from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import Scenario


def build_report(
    scenario: Scenario,
    roster: Roster,
    checked: CheckResult,
    solver: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything a planner, an employee or a works council needs to judge a roster, recomputed from it."""
    timeline = Timeline(scenario, roster)
    rows = coverage_rows(timeline)
    coverage = [row.as_dict() for row in rows]
    shortfall = sum(row.short for row in rows)
    objective = checked.objective
    return {
        "roulement": __version__,
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "site": {"name": scenario.site.name, "jurisdiction": scenario.site.jurisdiction.value,
                 "timezone": scenario.site.timezone},
        "horizon": {"start": scenario.horizon.start.isoformat(), "end": scenario.horizon.end.isoformat(),
                    "days": scenario.horizon.days},
        "summary": {
            "employees": len(scenario.employees),
            "assignments": len(roster),
            "coverage_complete": shortfall == 0,
            "shortfall_person_shifts": shortfall,
            "violations": len(checked.violations),
            "violations_by_rule": checked.by_rule(),
        },
        "coverage": coverage,
        "violations": [v.as_dict() for v in checked.violations],
        "objective": {"terms": objective, "total": sum(objective.values())},
        "solver": solver,
        "employees": [t.as_dict() for t in person_totals(timeline)],
        "shifts": [{"id": s.id, "name": s.name, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M"),
                    "color": s.color} for s in scenario.shifts],
    }
