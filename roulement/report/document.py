"""The report as data: what `report.json` holds and what every page renders from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from roulement import __version__
from roulement.analyse.coverage import coverage_rows
from roulement.analyse.cycle_following import cycle_section
from roulement.analyse.fairness import fairness_rows, gaps_by_work_pattern, price_on_common_terms, spread
from roulement.analyse.people import household_outcomes
from roulement.analyse.totals import person_totals
from roulement.check.checker import CheckResult
from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import Scenario
from roulement.report.messages import LANGS, finding_text


def build_report(
    scenario: Scenario,
    roster: Roster,
    checked: CheckResult,
    solver: dict[str, Any] | None = None,
    price: dict[str, int | None] | None = None,
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
        # Each finding in every language, so a report written in any of them never shows English inside.
        "violations": [{**v.as_dict(), "text": {lang: finding_text(v.message, lang) for lang in LANGS}}
                       for v in checked.violations],
        "objective": {"terms": objective, "total": sum(objective.values())},
        "solver": solver,
        "employees": [t.as_dict() for t in person_totals(timeline)],
        "people": people_section(timeline, price),
        "shifts": [{"id": s.id, "name": s.name, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M"),
                    "color": s.color} for s in scenario.shifts],
        # How far the roster follows the published cycle (null without a rotation).
        "rotation": cycle_section(scenario, roster),
    }


def people_section(timeline: Timeline, price: dict[str, int | None] | None) -> dict[str, Any]:
    """Households, fair shares and the price of both, from the roster (never from the solver).

    `price` holds the two objectives on coverage and contracts when a comparison solve ran; without one,
    this roster's own figure fills its side and the other stays null."""
    fairness = fairness_rows(timeline)
    own = price_on_common_terms(timeline.scenario, timeline.items_as_assignments())
    chosen = dict(price) if price is not None else {"objective_with_people": own, "objective_ignoring_people": None}
    with_people, without = chosen.get("objective_with_people"), chosen.get("objective_ignoring_people")
    extra = None if with_people is None or not without else round(100 * (with_people - without) / without, 2)
    return {
        "households": [h.as_dict() for h in household_outcomes(timeline)],
        "fairness": [r.as_dict() for r in fairness],
        "spread": {category: {**spread(fairness, category), "by_work_pattern": gaps_by_work_pattern(timeline, category)}
                   for category in ("nights", "sundays")},
        "price": {"objective_with_people": with_people, "objective_ignoring_people": without,
                  "extra_percent": extra, "terms": "coverage and contracts"},
    }
