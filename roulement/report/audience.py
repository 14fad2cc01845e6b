"""Who reads a report decides what it shows (GDPR art. 5(1)(c) minimisation, art. 88; BetrVG §87, CSE L2312-8).

- planner: everything, households included (the people who plan hold the declarations' purpose);
- council: the roster's law, coverage and fairness per person under pseudonyms, households only as totals;
- employee: their own shifts, totals, fair share and household figures, and the plant's aggregates.
"""

from __future__ import annotations

import copy
from enum import StrEnum
from typing import Any

from roulement.analyse.cycle_following import cycle_for_council, cycle_for_employee
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario


class Audience(StrEnum):
    PLANNER = "planner"
    EMPLOYEE = "employee"
    COUNCIL = "council"


class AudienceError(ValueError):
    """An audience asked for without what it needs (an employee report without a known employee)."""


def pseudonyms(scenario: Scenario) -> dict[str, str]:
    """Stable pseudonyms in roster order, so a council can follow one person without knowing who it is."""
    width = len(str(len(scenario.employees)))
    return {e.id: f"P{index:0{width}d}" for index, e in enumerate(scenario.employees, start=1)}


def _household_totals(households: list[dict[str, Any]]) -> dict[str, Any]:
    asked = sum(h["shared_days_off_asked"] for h in households)
    got = sum(h["shared_days_off_got"] for h in households)
    return {
        "households": len(households),
        "asking_shared_days_off": sum(1 for h in households if h["shared_days_off_asked"]),
        "shared_days_off_asked": asked,
        "shared_days_off_got": got,
        "with_childcare": sum(1 for h in households if h["childcare_mode"] is not None),
        "childcare_uncovered_hours": round(sum(h["childcare_uncovered_hours"] for h in households), 2),
    }


def _people_rules(violation: dict[str, Any]) -> bool:
    return str(violation["rule"]).startswith("people.")


def for_audience(
    scenario: Scenario, roster: Roster, report: dict[str, Any], audience: Audience, employee: str | None = None
) -> tuple[Scenario, Roster, dict[str, Any]]:
    """The scenario, roster and report an audience may see; HTML and JSON are both rendered from these."""
    if audience is Audience.PLANNER:
        return scenario, roster, report
    shown = copy.deepcopy(report)
    shown["audience"] = audience.value
    people = shown["people"]
    if audience is Audience.COUNCIL:
        names = pseudonyms(scenario)
        people["households"] = _household_totals(people["households"])
        for row in people["fairness"]:
            row["employee"] = names[row["employee"]]
        for row in shown["employees"]:
            row["employee"] = row["name"] = names[row["employee"]]
        kept = []
        for violation in shown["violations"]:
            if _people_rules(violation):
                continue  # counted in the summary; the household behind it is not named
            if violation["employee"] is not None:
                violation["employee"] = names.get(violation["employee"], "?")
            kept.append(violation)
        shown["violations"] = kept
        shown["rotation"] = cycle_for_council(shown.get("rotation"), names)
        people_ids = {e.id for e in scenario.employees}
        renamed = [e.model_copy(update={"id": names[e.id], "name": names[e.id]}) for e in scenario.employees]
        visible = scenario.replaced(employees=renamed, households=[])
        return visible, Roster([Assignment(names[a.employee], a.date, a.shift, a.post)
                                for a in roster if a.employee in people_ids]), shown
    if employee is None or not scenario.has_employee(employee):
        raise AudienceError(f"--employee must name an employee of the scenario (got {employee!r})")
    household = scenario.household_of(employee)
    own = [h for h in people["households"] if household is not None and h["id"] == household.id]
    for h in own:
        h["members"] = [employee]  # the figures are theirs; the others' names stay with the planner
    people["households"] = own
    people["fairness"] = [row for row in people["fairness"] if row["employee"] == employee]
    shown["employees"] = [row for row in shown["employees"] if row["employee"] == employee]
    shown["violations"] = [v for v in shown["violations"] if v["employee"] == employee]
    shown["employee"] = employee
    shown["rotation"] = cycle_for_employee(shown.get("rotation"), employee)
    me = scenario.employee(employee)
    visible = scenario.replaced(employees=[me], households=[])
    return visible, Roster([a for a in roster if a.employee == employee]), shown
