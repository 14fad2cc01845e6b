"""Column generation on a plant with a crew cycle: a deviation from the published cycle is priced on one
person's own day, so the walk carries it (`rotation.follow-cycle`) and the bound covers it."""

from __future__ import annotations

import random
from functools import cache

from roulement import service
from roulement.model.calendar import Calendar
from roulement.model.roster import Assignment, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.follow_cycle import FollowCycle, crew_of, pool_members
from roulement.rules.packs import build_rules
from roulement.solve.colgen.decompose import decompose, demanded_posts, permitted, walk_spec


@cache
def kos() -> Scenario:
    return service.example("kos")


def test_the_walk_prices_each_deviation_from_the_cycle_as_the_rule_does() -> None:
    plant = kos()
    calendar = Calendar(plant)
    follow = next(rule for rule in build_rules(plant) if isinstance(rule, FollowCycle))
    crews, pool = crew_of(plant), pool_members(plant)
    absent = [e for e in plant.employees if e.id in crews and e.absences]
    chosen = [plant.employee(sorted(crews)[0]), plant.employee(sorted(pool)[0]), *absent[:1]]
    day_post = next(e for e in plant.employees if e.id not in crews and e.id not in pool)
    assert absent and len(chosen) == 3
    wanted = demanded_posts(plant)
    draw = random.Random(7)
    priced = 0
    for employee in [*chosen, day_post]:
        allowed = permitted(plant, calendar, [follow], employee, wanted)
        spec = walk_spec(plant, calendar, [follow], employee, allowed)
        alone = plant.replaced(employees=[employee], demand=[], safety_minimums=[])
        for _ in range(30):
            cells = []
            for day, today in enumerate(allowed):
                if today and draw.random() < 0.6:
                    cells.append((day, *draw.choice(today)))
            walked = sum(spec.own_work[day][spec.shifts.index(shift)] for day, shift, _ in cells)
            working = {day for day, _, _ in cells}
            walked += sum(spec.own_off[day] for day in range(calendar.days) if day not in working)
            roster = [Assignment(employee.id, calendar.dates[day], shift, post) for day, shift, post in cells]
            judged = sum(cost.amount for cost in follow.cost(Timeline(alone, roster, Calendar(alone))))
            assert walked == judged, (employee.id, cells)
            priced += judged > 0
    # The day-post person follows no cycle: nothing to price; the others deviate in most draws.
    assert priced >= 60


def test_the_cycle_is_a_personal_term_inside_the_bound() -> None:
    decomposition = decompose(build_rules(kos()))
    assert any(isinstance(rule, FollowCycle) for rule in decomposition.personal)
    assert FollowCycle.id not in decomposition.excluded
    assert FollowCycle.id not in decomposition.relaxed().excluded


def test_plan_by_exception_reports_a_bound_on_the_cycles_deviations_with_column_generation() -> None:
    from roulement.check import check_roster
    from roulement.solve.colgen.bound import covered_cost
    from roulement.solve.options import SolveOptions
    from tests.test_crews import _plant_with_absence

    plant = _plant_with_absence()
    outcome = service.plan(plant, SolveOptions(time_limit=10, workers=1, engine="colgen"))
    assert outcome.result.roster is not None and check_roster(plant, outcome.result.roster).ok
    solver = outcome.report["solver"]
    # a0 is off sick two days of their crew's mornings: someone must deviate from the cycle (the pool, at
    # its price, is the cheapest), so the bound is above 0 and, on the terms it covers, below the roster.
    assert solver["bound"] is not None and solver["bound"] > 0
    rules = build_rules(plant)
    covered = covered_cost(plant, outcome.result.roster, rules, solver["bound_excludes"])
    assert solver["bound"] <= covered + 1e-6 and FollowCycle.id not in solver["bound_excludes"]
    # By default the plan's CPU goes to the plan alone (docs/benchmarks.md): no bound is sought.
    assert service.plan(plant, SolveOptions(time_limit=10, workers=1)).report["solver"]["bound"] is None
