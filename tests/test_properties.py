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

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from roulement.check import check_roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Violation
from roulement.solve import SolveOptions, solve
from roulement.solve.builder import SHORTFALL_WEIGHT
from tests.factory import scenario

SHORTFALL_RULES = {"core.coverage", "core.safety-minimum"}
STARTS = [dt.date(2026, 1, 5), dt.date(2026, 1, 8), dt.date(2026, 10, 19), dt.date(2026, 3, 23)]
# Hypothesis starts from (and shrinks towards) the first choice: the versatile, night-fit person.
SKILL_SETS = [["op", "lead", "esi"], ["op"], ["op", "lead"], ["op", "esi"], ["op"], ["esi"]]


# Rules a planner may price instead of enforcing (coverage and safety keep their shortfall semantics here).
SOFTENABLE = {
    "FR": [
        "fr.daily-rest",
        "fr.daily-max",
        "fr.weekly-max",
        "fr.weekly-average",
        "fr.max-days-per-week",
        "fr.weekly-rest",
        "fr.break",
        "fr.night-daily-max",
        "fr.night-weekly-average",
    ],
    "DE": [
        "de.daily-rest",
        "de.daily-max",
        "de.average-hours",
        "de.breaks",
        "de.night-daily-max",
        "de.night-average-hours",
        "de.free-sundays",
    ],
    "any": [
        "plant.max-consecutive-nights",
        "plant.forward-rotation",
        "contract.hours",
        "contract.max-shifts",
        "contract.consecutive-days",
        "contract.max-weekends",
    ],
}


@st.composite
def plants(draw: st.DrawFn, soft: bool = False) -> Scenario:
    jurisdiction = draw(st.sampled_from(["FR", "DE"]))
    # Two weeks first: with a single Sunday, DE's pro-rata free Sunday (rounded up) bars all Sunday work.
    days = draw(st.sampled_from([14, 7, 10, 12, 9]))
    start = draw(st.sampled_from(STARTS))
    people = draw(st.integers(2, 8))

    def date(offset: int) -> str:
        return (start + dt.timedelta(days=offset)).isoformat()

    employees: list[dict[str, Any]] = []
    for index in range(people):
        employee: dict[str, Any] = {
            "id": f"p{index}",
            "skills": draw(st.sampled_from(SKILL_SETS)),
            "night_eligible": draw(st.sampled_from([True, True, True, False])),
            # Tolerance at or above the weekly hours: no hard floor, but a soft pull towards the target.
            "contract": {
                "weekly_hours": 35,
                "tolerance_hours": draw(st.sampled_from([35, 40])),
                "hours_target": draw(st.booleans()),
            },
        }
        if draw(st.integers(0, 3)) == 3:  # (rare draws are the high ones: Hypothesis starts from 0)
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
        shifts = draw(st.lists(st.sampled_from(["M", "A", "N"]), min_size=0, max_size=max(1, people // 3), unique=True))
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
    if draw(st.integers(0, 3)) == 3:
        # A minimum holds during its shifts' hours whether or not they are staffed: judge the staffed ones.
        staffed = sorted({shift for entry in demand for shift in entry["shifts"]})
        safety.append({"id": "responders", "skill": "esi", "min": 1, "shifts": staffed})
    settings: dict[str, Any] = {}
    if soft:
        chosen = draw(
            st.lists(
                st.sampled_from(SOFTENABLE[jurisdiction] + SOFTENABLE["any"]),
                min_size=1,
                max_size=6,
                unique=True,
            )
        )
        settings = {rule: {"mode": "soft", "weight": draw(st.integers(1, 30))} for rule in chosen}
        # Contract limits give the contract rules something to price.
        for employee in employees:
            employee["contract"].update(
                draw(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "max_consecutive_days": st.integers(2, 5),
                            "min_consecutive_days": st.integers(2, 3),
                            "min_consecutive_days_off": st.integers(2, 3),
                            "max_weekends": st.integers(0, 1),
                            "max_shifts": st.just({"N": 2}),
                            "max_minutes": st.integers(600, 3000),
                        },
                    )
                )
            )
    return scenario(
        jurisdiction,
        days=days,
        start=start,
        employees=employees,
        demand=demand,
        safety_minimums=safety,
        timezone="Europe/Paris" if jurisdiction == "FR" else "Europe/Berlin",
        rules={"settings": settings},
    )


def _missing(violation: Violation) -> int:
    details = violation.details
    return int(details["required"]) - int(details.get("assigned", details.get("present", 0)))


@settings(max_examples=18, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plant=plants(), workers=st.sampled_from([1, 2]))
def test_solved_rosters_pass_the_independent_checker(plant: Scenario, workers: int) -> None:
    result = solve(plant, SolveOptions(time_limit=4, workers=workers))
    # Out of time before any roster (a loaded machine): nothing to judge. Anything else must give a roster,
    # since the empty roster always keeps every hard rule but the minimums, which are priced.
    assume(result.status != "UNKNOWN")
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


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plant=plants(soft=True))
def test_soft_rules_cost_the_same_in_solver_and_checker(plant: Scenario) -> None:
    """With random rules made soft, every named term the solver minimised is the checker's, term by term."""
    result = solve(plant, SolveOptions(time_limit=4, workers=1))
    # Out of time before any roster (a loaded machine): nothing to judge. Anything else must give a roster,
    # since the empty roster always keeps every hard rule but the minimums, which are priced.
    assume(result.status != "UNKNOWN")
    assert result.roster is not None, result.status
    checked = check_roster(plant, result.roster)
    event(f"{result.strategy} {result.status}")
    assert {v.rule for v in checked.violations} <= SHORTFALL_RULES, [v.message for v in checked.violations]
    solver_terms = {name: value for name, value in result.terms.items() if value and name != "coverage_shortfall"}
    checker_terms = {name: value for name, value in checked.objective.items() if value}
    if result.status == "OPTIMAL":
        assert solver_terms == checker_terms
    else:  # slack may remain in a merely feasible roster: the checker never finds more than the solver paid
        assert all(checker_terms[name] <= solver_terms.get(name, 0) for name in checker_terms)
