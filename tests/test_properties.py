"""Property: on any small plant, the solver's roster passes the independent checker, at the solver's price.

Hypothesis draws FR and DE plants (2-8 people, 7-14 days, random skills, demand, absences and requests; some
cannot be fully staffed) and checks that:
- the only violations are coverage or safety-minimum shortfalls, and the people missing add up to the
  solver's `coverage_shortfall` term / 100 000 (none at all when the solver met every minimum);
- the checker's total cost equals the solver's objective when every minimum was met.
Equalities are exact when CP-SAT proves optimality (its slack variables are then tight); a roster that is only
FEASIBLE when time runs out may carry slack, so the checker's figures are then bounded by the solver's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from roulement.check import check_roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Violation
from roulement.solve import SolveOptions, solve
from roulement.solve.builder import SHORTFALL_WEIGHT
from tests.factory import scenario

SHORTFALL_RULES = {"core.coverage", "core.safety-minimum"}
STARTS = [dt.date(2026, 1, 5), dt.date(2026, 1, 8), dt.date(2026, 10, 19), dt.date(2026, 3, 23)]
SKILL_SETS = [["op"], ["op"], ["op", "lead"], ["op", "lead"], ["op", "esi"], ["op", "lead", "esi"], ["esi"]]


@st.composite
def plants(draw: st.DrawFn) -> Scenario:
    jurisdiction = draw(st.sampled_from(["FR", "DE"]))
    days = draw(st.integers(7, 14))
    start = draw(st.sampled_from(STARTS))
    people = draw(st.integers(2, 8))

    def date(offset: int) -> str:
        return (start + dt.timedelta(days=offset)).isoformat()

    employees: list[dict[str, Any]] = []
    for index in range(people):
        employee: dict[str, Any] = {
            "id": f"p{index}",
            "skills": draw(st.sampled_from(SKILL_SETS)),
            "night_eligible": draw(st.booleans() | st.just(True)),
            # Tolerance at or above the weekly hours: no hard floor, but a soft pull towards the target.
            "contract": {
                "weekly_hours": 35,
                "tolerance_hours": draw(st.sampled_from([35, 40])),
                "hours_target": draw(st.booleans()),
            },
        }
        if draw(st.integers(0, 3)) == 0:
            first = draw(st.integers(0, days - 1))
            length = draw(st.integers(0, 3))
            employee["absences"] = [
                {
                    "start": date(first),
                    "end": date(min(first + length, days - 1)),
                    "strict": draw(st.booleans()),
                }
            ]
        requests = []
        for _ in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(["day_off", "day_on", "shift_on", "shift_off"]))
            request: dict[str, Any] = {
                "kind": kind,
                "date": date(draw(st.integers(0, days - 1))),
                "weight": draw(st.integers(1, 20)),
            }
            if kind.startswith("shift"):
                request["shift"] = draw(st.sampled_from(["M", "A", "N"]))
            requests.append(request)
        employee["requests"] = requests
        employees.append(employee)

    demand = []
    for post in ("line", "chef"):
        # Mostly staffable: about one shift type per three people, so shortfalls stay the exception.
        shifts = draw(
            st.lists(st.sampled_from(["M", "A", "N"]), min_size=0, max_size=max(1, people // 3), unique=True)
        )
        if shifts:
            low = draw(st.sampled_from([0, 1, 1, 1, 2]))
            demand.append(
                {
                    "post": post,
                    "shifts": shifts,
                    "days": draw(st.sampled_from(["all", "weekdays"])),
                    "min": low,
                    "preferred": low + draw(st.integers(0, 1)),
                }
            )
    if not demand:
        demand.append({"post": "line", "shifts": ["M"], "min": 1})
    safety = []
    if draw(st.integers(0, 3)) == 0:
        safety.append({"id": "responders", "skill": "esi", "min": 1, "shifts": ["M", "A"]})
    return scenario(
        jurisdiction,
        days=days,
        start=start,
        employees=employees,
        demand=demand,
        safety_minimums=safety,
        timezone="Europe/Paris" if jurisdiction == "FR" else "Europe/Berlin",
    )


def _missing(violation: Violation) -> int:
    details = violation.details
    return int(details["required"]) - int(details.get("assigned", details.get("present", 0)))


@settings(max_examples=18, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plant=plants(), workers=st.sampled_from([1, 2]))
def test_solved_rosters_pass_the_independent_checker(plant: Scenario, workers: int) -> None:
    result = solve(plant, SolveOptions(time_limit=4, workers=workers))
    assert result.roster is not None, result.status
    checked = check_roster(plant, result.roster)
    event(f"{result.strategy} {result.status}")
    assert {v.rule for v in checked.violations} <= SHORTFALL_RULES, [v.message for v in checked.violations]
    # A maximum is never broken: only minimums may fall short.
    assert all("required" in v.details for v in checked.violations)
    missing = sum(_missing(v) for v in checked.violations)
    priced = result.terms.get("coverage_shortfall", 0)
    assert priced % SHORTFALL_WEIGHT == 0
    if result.strategy == "hard-coverage":
        assert missing == priced == 0
    else:
        assert result.strategy == "priced-shortfall"
        assert missing == priced // SHORTFALL_WEIGHT if result.status == "OPTIMAL" else missing <= priced
    if result.strategy == "hard-coverage":
        objective = round(result.objective or 0)
        assert checked.total == objective if result.status == "OPTIMAL" else checked.total <= objective
        # Term by term, too: the solver's named terms are the checker's.
        solver_terms = {name: value for name, value in result.terms.items() if value}
        if result.status == "OPTIMAL":
            assert solver_terms == {name: value for name, value in checked.objective.items() if value}
