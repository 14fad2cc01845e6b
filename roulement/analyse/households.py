"""How close a couple could be on their own: the fewest days apart their rules and fair shares allow.

The household is planned alone: every rule in force for its members, minimum cover dropped (nobody else
stands in the way), hours held near target as the guided search holds them, and each member at least a
given number of nights and Sundays. Dropping the rest of the plant only adds freedom, so what the couple
alone cannot reach, no roster of the whole plant reaches with the same shares: the limit is in their own
rules and shares, not in the planner's roster. Lowering the nights floor step by step shows what a lighter
night load would buy them, which is the trade-off a works council weighs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from roulement.analyse.people import HouseholdOutcome, household_outcomes
from roulement.model.costs import least_whole_cost
from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import Household, Scenario
from roulement.rules.contract import ContractHours
from roulement.rules.packs import build_rules
from roulement.rules.people import FairShare, counts_toward, judged_days
from roulement.solve.builder import BuildOptions, ModelBuilder
from roulement.solve.guides import Guides
from roulement.solve.runtime import Settings, new_solver, run

FLOORED = ("nights", "sundays")


class HouseholdError(ValueError):
    """The household asked about cannot be judged this way (unknown, or not a couple asking for days off)."""


@dataclass(frozen=True)
class Trial:
    """One what-if: the couple alone with these floors, and the closest roster CP-SAT found in its time."""

    nights: dict[str, int]
    sundays: dict[str, int]
    apart: int | None  # fewest days apart found; None when no roster was found in time
    proven_at_least: int  # no roster with these floors is closer than this
    together: int | None  # in the roster found: days off together, and the most there could be
    possible: int | None
    roster: Roster | None = None  # the couple's roster found (on `alone(scenario, household)`)

    @property
    def optimal(self) -> bool:
        return self.apart is not None and self.apart == self.proven_at_least

    @property
    def share(self) -> float | None:
        return None if not self.possible or self.together is None else self.together / self.possible


@dataclass(frozen=True)
class Togetherness:
    household: str
    members: tuple[str, str]
    in_roster: HouseholdOutcome
    apart_in_roster: int
    trials: list[Trial] = field(default_factory=list)


def fair_floors(timeline: Timeline) -> dict[tuple[str, str], int]:
    """(category, employee) -> the floor of their fair share of what their peer group carries in the roster:
    where the guided search's band starts."""
    floors = {}
    for category, _, counts, weights in FairShare(list(FLOORED)).groups(timeline):
        total, weight = sum(counts.values()), sum(weights.values())
        for employee in counts:
            floors[(category, employee)] = math.floor(weights[employee] * total / weight)
    return floors


def alone(scenario: Scenario, household: Household) -> Scenario:
    """The scenario with only the household's members, its own declaration, and no minimum cover."""
    return scenario.replaced(
        employees=[scenario.employee(m) for m in household.members], households=[household],
        demand=[d.model_copy(update={"min": 0, "preferred": 0, "max": None}) for d in scenario.demand],
        safety_minimums=[])


def couple_alone(scenario: Scenario, household: Household, nights: dict[str, int], sundays: dict[str, int],
                 time_limit: float, workers: int, max_apart: int | None = None, hold_hours: bool = True) -> Trial:
    """The fewest days apart for the household planned alone with these floors of nights and Sundays.

    `max_apart` asks only for rosters that close; `hold_hours=False` leaves hours free within the contract's
    hard bounds instead of the guided search's band."""
    first, second = household.members
    alone_scenario = alone(scenario, household)
    rules = build_rules(alone_scenario)
    builder = ModelBuilder(alone_scenario, rules, BuildOptions())
    model = builder.model
    hours = next((r for r in rules if isinstance(r, ContractHours)), None)
    if hours is not None and hold_hours:
        held = Guides(builder, model.new_bool_var("hours held"))
        held.hold_hours(hours)
        held.switch(True)
    for member in household.members:
        for category, floor in (("nights", nights.get(member, 0)), ("sundays", sundays.get(member, 0))):
            if floor:
                model.add(sum(lit for o, lit in builder.shifts_of(member) if counts_toward(category, o)) >= floor)
    judged = judged_days(alone_scenario, household, builder.calendar.days)
    # The same exact indicators the shared-days-off rule prices (the builder makes one per pair and day).
    apart = [indicator for day in judged if (indicator := builder.apart(first, second, day)) is not None]
    if max_apart is not None:
        model.add(sum(apart) <= max_apart)
    model.minimize(sum(apart))
    solver = new_solver(Settings(workers=workers), time_limit)
    status = run(solver, model).status
    bound = least_whole_cost(solver.best_objective_bound) if status != cp_model.INFEASIBLE else len(judged) + 1
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Trial(dict(nights), dict(sundays), None, bound, None, None)
    found = builder.roster(solver.boolean_value)
    outcome = household_outcomes(Timeline(alone_scenario, found))[0]
    return Trial(dict(nights), dict(sundays), round(solver.objective_value), bound,
                 outcome.shared_days_off_got, outcome.shared_days_off_asked, found)


def togetherness(scenario: Scenario, roster: Roster, household_id: str, time_limit: float = 20.0,
                 workers: int = 2, target: float = 0.9) -> Togetherness:
    """The couple in the roster, then alone with their fair shares of nights and Sundays, then alone with
    the nights floor lowered one at a time until a roster reaches `target` of days off together."""
    household = next((h for h in scenario.households if h.id == household_id), None)
    if household is None:
        raise HouseholdError(f"--household: unknown household {household_id!r}")
    if household.shared_days_off is None or len(household.members) != 2:
        raise HouseholdError(f"--household: {household_id} is not a couple asking for days off together")
    timeline = Timeline(scenario, roster)
    outcome = next(o for o in household_outcomes(timeline) if o.id == household_id)
    first, second = household.members
    apart_in_roster = sum(1 for d in judged_days(scenario, household, timeline.calendar.days)
                          if (d in timeline.days_worked(first)) != (d in timeline.days_worked(second)))
    floors = fair_floors(timeline)
    nights = {m: floors.get(("nights", m), 0) for m in household.members}
    sundays = {m: floors.get(("sundays", m), 0) for m in household.members}
    trials = [couple_alone(scenario, household, nights, sundays, time_limit, workers)]
    for cap in range(max(nights.values()) - 1, -1, -1):
        share = trials[-1].share
        if share is not None and share >= target:
            break
        lowered = {m: min(n, cap) for m, n in nights.items()}
        trials.append(couple_alone(scenario, household, lowered, sundays, time_limit, workers))
    return Togetherness(household_id, (first, second), outcome, apart_in_roster, trials)
