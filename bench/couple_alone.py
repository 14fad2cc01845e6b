"""Diagnostic: how few days apart a couple can be on their own, given their fair share of nights and Sundays.

    .venv/bin/roulement plan --out out                     # any KOS roster: it sets the fair-share floors
    nice -n 10 .venv/bin/python -m bench.couple_alone out/roster.csv --household foyer-01 --max-apart 2

The couple is planned alone: every rule in force for them, minimum cover dropped (so the plant never stands
in their way), hours held in the band the guided search holds them in (or only within the contract's hard
bounds with --free-hours), and each member at least the floor of the fair share of nights and Sundays their
peer group carries in the given roster (the guided search's band starts there). CP-SAT then minimises the
days on which one works and the other does not (people.shared-days-off). A bound here is a bound for the
whole plant too: dropping everyone else and the cover only adds freedom. --nights N replaces the nights
floor by N for both, to see what togetherness a lower night load would allow.
"""

from __future__ import annotations

import argparse
import math
import time

from ortools.sat.python import cp_model

from roulement.examples.kos import kos
from roulement.formats.roster_csv import load_roster
from roulement.model.roster import Timeline
from roulement.rules.contract import ContractHours
from roulement.rules.packs import build_rules
from roulement.rules.people import counts_toward, group_weights, judged_days, peer_groups
from roulement.solve.builder import BuildOptions, ModelBuilder

CATEGORIES = ("nights", "sundays")


def fair_floors(timeline: Timeline) -> dict[tuple[str, str], int]:
    """(category, employee) -> floor of their fair share of what their peer group carries in the roster."""
    scenario, calendar = timeline.scenario, timeline.calendar
    floors = {}
    for category in CATEGORIES:
        for people in peer_groups(scenario, calendar, category).values():
            weights = group_weights(scenario, people)
            counts = {e.id: sum(1 for item in timeline.by_employee.get(e.id, [])
                                if 0 <= item.day < calendar.days and counts_toward(category, item.occurrence))
                      for e in people}
            total, weight = sum(counts.values()), sum(weights.values())
            for e in people:
                floors[(category, e.id)] = math.floor(weights[e.id] * total / weight)
    return floors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roster", help="a KOS roster CSV (sets the fair-share floors)")
    parser.add_argument("--household", required=True)
    parser.add_argument("--max-apart", type=int, default=None, help="ask only for rosters this close")
    parser.add_argument("--nights", type=int, default=None, help="nights floor for both, instead of the fair one")
    parser.add_argument("--no-fair-floors", action="store_true")
    parser.add_argument("--free-hours", action="store_true")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    scenario = kos()
    timeline = Timeline(scenario, load_roster(args.roster, scenario))
    household = next(h for h in scenario.households if h.id == args.household)
    first, second = household.members
    alone = scenario.replaced(
        employees=[scenario.employee(first), scenario.employee(second)], households=[household],
        demand=[d.model_copy(update={"min": 0, "preferred": 0, "max": None}) for d in scenario.demand],
        safety_minimums=[])
    rules = build_rules(alone)
    builder = ModelBuilder(alone, rules, BuildOptions())
    model, calendar = builder.model, builder.calendar
    hours = next(r for r in rules if isinstance(r, ContractHours))
    floors = fair_floors(timeline)
    used = {}
    for member in household.members:
        _, _, target = hours.bounds(alone.employee(member), calendar.days, alone.horizon.start)
        terms = [(o.worked, lit) for o, lit in builder.shifts_of(member)]
        lengths = {minutes for minutes, _ in terms}
        if not args.free_hours and target is not None and len(lengths) == 1:
            length = lengths.pop()
            least = min(target % length, length - target % length)  # as Guides.hold_hours
            worked = sum(minutes * lit for minutes, lit in terms)
            model.add(worked >= target - least)
            model.add(worked <= target + least)
        for category in CATEGORIES:
            if args.no_fair_floors:
                continue
            floor = args.nights if category == "nights" and args.nights is not None else floors.get((category, member))
            if floor:
                model.add(sum(lit for o, lit in builder.shifts_of(member) if counts_toward(category, o)) >= floor)
                used[(member, category)] = floor
    apart = []
    for day in judged_days(alone, household, calendar.days):
        worked_a = sum(c * lit for c, lit in builder.works_day(first, day))
        worked_b = sum(c * lit for c, lit in builder.works_day(second, day))
        indicator = model.new_bool_var(f"apart {day}")
        model.add(indicator >= worked_a - worked_b)
        model.add(indicator >= worked_b - worked_a)
        model.add(indicator <= worked_a + worked_b)
        model.add(indicator <= 2 - worked_a - worked_b)
        apart.append(indicator)
    if args.max_apart is not None:
        model.add(sum(apart) <= args.max_apart)
    model.minimize(sum(apart))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = args.time_limit
    solver.parameters.num_workers = 1
    solver.parameters.interleave_search = True
    solver.parameters.linearization_level = 2
    started = time.monotonic()
    status = solver.solve(model)
    found = solver.objective_value if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    in_roster = sum(1 for d in judged_days(alone, household, calendar.days)
                    if (d in timeline.days_worked(first)) != (d in timeline.days_worked(second)))
    floors_text = ", ".join(f"{m} {c} >= {f}" for (m, c), f in used.items()) or "none"
    print(f"{household.id} ({first}, {second}); floors: {floors_text}; hours "
          f"{'free within the contract' if args.free_hours else 'held as the guide holds them'}; "
          f"max apart {args.max_apart}: {solver.status_name(status)} in {time.monotonic() - started:.1f} s, "
          f"fewest days apart found {found}, proven at least {solver.best_objective_bound:g}; "
          f"in the given roster {in_roster}")


if __name__ == "__main__":
    main()
