"""The constructive start: a first roster built one person at a time, each planned alone against the cover
still open, and re-walking people for the better when the whole model is too big to search.

Each person's horizon is walked day by day (`construct.Walk`); the checker judges each walk for that person.
CP-SAT only plans a person alone (a few weeks at a time when mending hours), through `solve.runtime`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from roulement.model.calendar import Calendar
from roulement.model.demand import Slot, demand_slots
from roulement.model.roster import Assignment, Roster, Timeline
from roulement.model.scenario import Demand, Employee, RequestKind, RuleMode, Scenario
from roulement.rules.base import Rule
from roulement.rules.contract import ContractHours, MaxWeekends
from roulement.rules.core import Requests
from roulement.rules.packs import build_rules
from roulement.solve.builder import BuildOptions, ModelBuilder
from roulement.solve.construct import Option, Walk, faults, limits_of, repair_hours, score_of
from roulement.solve.options import SolveOptions
from roulement.solve.runtime import new_solver, run

# Walks tried per person before CP-SAT plans them (each a few milliseconds on a year); the last ones pack.
WALK_ATTEMPTS = 16
PACKING_ATTEMPTS = 4
# Walks tried per person when re-walking (all cleared ones are priced; the cheapest is kept).
REWALK_ATTEMPTS = 6
# Up to this horizon each cleared walk is then priced by CP-SAT for the person alone (from the walk).
PRICED_ALONE_MAX_DAYS = 100
# Days CP-SAT may re-plan at once when mending a walk's hours (the rest of the walk stays as it is).
MEND_WINDOW = 56
# Seconds one window of a person's hours may take to mend.
MEND_SLICE = 5.0
# The least time a CP-SAT run for one person gets.
MIN_SECONDS = 0.2


class _Walker:
    """What walking people through the horizon needs, worked out once per scenario."""

    def __init__(self, scenario: Scenario, rules: Sequence[Rule], seed: int) -> None:
        self.scenario = scenario
        self.rules = list(rules)
        self.calendar = Calendar(scenario)
        self.slots = demand_slots(scenario)
        self.levels = {(s.day, s.shift, s.post): (s.preferred, s.under_weight, s.over_weight) for s in self.slots}
        self.posts_wanted: dict[tuple[int, str], list[str]] = {}
        for slot in self.slots:
            wanted = self.posts_wanted.setdefault((slot.day, slot.shift), [])
            if slot.post not in wanted:
                wanted.append(slot.post)
        self.permitting = [rule for rule in self.rules if type(rule).permits is not Rule.permits]
        weekend_rule = next((rule for rule in self.rules if isinstance(rule, MaxWeekends)), MaxWeekends())
        self.weekend_of = {day: index for index, group in enumerate(weekend_rule.weekends(self.calendar.dates))
                           for day in group}
        self.weekend_count = len(set(self.weekend_of.values()))
        self.rng = random.Random(seed)
        self._options: dict[str, list[list[Option]]] = {}

    def options_of(self, employee: Employee) -> list[list[Option]]:
        known = self._options.get(employee.id)
        if known is None:
            calendar, scenario = self.calendar, self.scenario
            known = self._options[employee.id] = [
                [Option(shift.id, post, occurrence.worked)
                 for shift in scenario.shifts
                 for occurrence in [calendar.occurrence(day, shift.id)]
                 for post in self.posts_wanted.get((day, shift.id), [])
                 if all(rule.permits(employee, occurrence, scenario.post(post)) for rule in self.permitting)]
                for day in range(calendar.days)
            ]
        return known

    def lawful(self, employee: Employee, assignments: list[Assignment]) -> bool:
        """The checker finds no hard violation of this person's own (cover is between people: not judged)."""
        alone = self.scenario.replaced(employees=[employee], demand=[])
        timeline = Timeline(alone, assignments, self.calendar)
        return not any(v.employee == employee.id for rule in self.rules for v in rule.check(timeline))

    def walks(
        self, employee: Employee, open_cover: dict[tuple[int, str, str], tuple[int, int, int]], attempts: int,
        keep_all: bool = False,
    ) -> tuple[list[list[Assignment]], list[Assignment] | None]:
        """(the walks the checker clears, the walk closest to the hours window among those keeping every other
        limit). Stops at the first cleared walk unless `keep_all`."""
        calendar = self.calendar
        limits = limits_of(self.scenario, calendar, self.rules, employee)
        walk = Walk(self.options_of(employee), limits, self.weekend_of, self.weekend_count,
                    score_of(self.scenario, calendar, employee, open_cover))
        cleared: list[list[Assignment]] = []
        closest: tuple[int, list[Assignment]] | None = None
        lean = 0.0
        for attempt in range(attempts):
            if attempt == attempts // 2:
                lean = 0.0  # second half: on pace alone, whatever the cover
            # The last tries, if none cleared yet, pack the hours in: rest only while the minimum stays reachable.
            packing = attempt >= attempts - PACKING_ATTEMPTS and not cleared
            if packing:
                lean = 1.5 * (attempt - attempts + PACKING_ATTEMPTS)  # 0, 1.5, 3, 4.5 shifts of margin
            chosen = walk.run(self.rng, lean, cover_blind=attempt >= attempts // 2, packing=packing)
            broken, outside = faults(chosen, limits, self.weekend_of, calendar.days)
            if outside and not broken:
                chosen = repair_hours(chosen, walk, self.rng)
                broken, outside = faults(chosen, limits, self.weekend_of, calendar.days)
            proposal = [Assignment(employee.id, calendar.dates[day], o.shift, o.post)
                        for day, o in sorted(chosen.items())]
            if not broken and outside and (closest is None or outside < closest[0]):
                closest = (outside, proposal)
            if broken or outside:
                # Short of hours: lean further ahead of pace next time; over: behind; else another random walk.
                if outside:
                    lean += 0.5 if sum(o.minutes for o in chosen.values()) < limits.low else -0.5
                continue
            if self.lawful(employee, proposal):
                cleared.append(proposal)
                if not keep_all:
                    break
        return cleared, None if closest is None else closest[1]

    def open_cover(self, filled: dict[tuple[int, str, str], int]) -> dict[tuple[int, str, str], tuple[int, int, int]]:
        return {key: (preferred - filled.get(key, 0), under, over)
                for key, (preferred, under, over) in self.levels.items()}

    def price(self, employee: Employee, assignments: list[Assignment],
              filled: dict[tuple[int, str, str], int]) -> int:
        """What this person's roster adds to the objective, everybody else's being `filled`: cover it closes or
        overfills, requests it refuses."""
        start = self.scenario.horizon.start
        total = 0
        worked: dict[object, str] = {}
        for a in assignments:
            key = ((a.date - start).days, a.shift, a.post)
            worked[a.date] = a.shift
            preferred, under, over = self.levels.get(key, (0, 0, 1))
            total += -under if filled.get(key, 0) < preferred else over
        for request in employee.requests:
            shift = worked.get(request.date)
            granted = {
                RequestKind.DAY_OFF: shift is None,
                RequestKind.DAY_ON: shift is not None,
                RequestKind.SHIFT_ON: shift == request.shift,
                RequestKind.SHIFT_OFF: shift != request.shift,
            }[request.kind]
            total += 0 if granted else request.weight
        return total


def person_by_person(
    scenario: Scenario, options: SolveOptions, seconds: float, rules: Sequence[Rule] | None = None
) -> Roster | None:
    """A first roster built one person at a time, each planned alone against the cover still open.

    Each person's horizon is first walked day by day (`construct.Walk`, a few tries with the pace leaning
    ahead or behind); the first walk the checker clears of hard violations for that person is kept. A person
    whose best walk misses only the hours window has it mended by CP-SAT a few weeks at a time; whoever is
    still not cleared is planned alone by CP-SAT (same model and rules as always, the walk as hint). Rules
    between people (cover, safety minimums) only see what earlier people left open. None if some person has
    no roster of their own in the time.
    """
    in_force = list(rules) if rules is not None else build_rules(scenario)
    walker = _Walker(scenario, in_force, options.seed)
    filled: dict[tuple[int, str, str], int] = {}
    assignments: list[Assignment] = []
    deadline = time.monotonic() + seconds
    people = scenario.employees
    for employee in people:
        cleared, closest = walker.walks(employee, walker.open_cover(filled), WALK_ATTEMPTS)
        mine: list[Assignment] | None = cleared[0] if cleared else None
        if mine is not None and scenario.horizon.days <= PRICED_ALONE_MAX_DAYS:
            # Short horizons: a person alone is quick for CP-SAT, which prices cover far better than a walk.
            share = max((deadline - time.monotonic()) / (len(people) - people.index(employee)), 0.2)
            mine = _plan_alone(scenario, employee, walker.slots, filled, options, share, Roster(mine),
                               priced=True) or mine
        # The few people no walk clears may take a good part of what is left: most take milliseconds.
        if mine is None and closest is not None:
            mine = _mend_hours(scenario, in_force, employee, walker.calendar, walker.posts_wanted, closest, options,
                               time.monotonic() + 0.25 * max(deadline - time.monotonic(), 2.0))
        if mine is None:
            share = max((deadline - time.monotonic()) / 12, 0.5)
            mine = _plan_alone(scenario, employee, walker.slots, filled, options, share, Roster(closest or []))
            if mine is None:
                return None
        for assignment in mine:
            key = ((assignment.date - scenario.horizon.start).days, assignment.shift, assignment.post)
            filled[key] = filled.get(key, 0) + 1
            assignments.append(assignment)
    return Roster(sorted(assignments))


def improve_by_walks(
    scenario: Scenario, roster: Roster, options: SolveOptions, deadline: float, rules: Sequence[Rule] | None = None
) -> tuple[Roster, int]:
    """Re-walk people one at a time against everybody else's roster; keep a walk the checker clears when it
    prices lower (cover closed, requests granted). Pure Python, no model: for scenarios too big to search
    whole. Returns the roster and how many people's rosters improved."""
    in_force = list(rules) if rules is not None else build_rules(scenario)
    walker = _Walker(scenario, in_force, options.seed + 1)
    start = scenario.horizon.start
    mine: dict[str, list[Assignment]] = {e.id: [] for e in scenario.employees}
    filled: dict[tuple[int, str, str], int] = {}
    for a in roster:
        mine.setdefault(a.employee, []).append(a)
        key = ((a.date - start).days, a.shift, a.post)
        filled[key] = filled.get(key, 0) + 1
    improved = 0
    people = list(scenario.employees)
    while time.monotonic() < deadline:
        walker.rng.shuffle(people)
        for employee in people:
            if time.monotonic() >= deadline:
                break
            for a in mine[employee.id]:
                filled[((a.date - start).days, a.shift, a.post)] -= 1
            best = mine[employee.id]
            best_price = walker.price(employee, best, filled)
            cleared, _ = walker.walks(employee, walker.open_cover(filled), REWALK_ATTEMPTS, keep_all=True)
            for walk in cleared:
                price = walker.price(employee, walk, filled)
                if price < best_price:
                    best, best_price = walk, price
            if best is not mine[employee.id]:
                improved += 1
                mine[employee.id] = best
            for a in best:
                key = ((a.date - start).days, a.shift, a.post)
                filled[key] = filled.get(key, 0) + 1
    return Roster(sorted(a for assignments in mine.values() for a in assignments)), improved


def _mend_hours(
    scenario: Scenario,
    rules: Sequence[Rule],
    employee: Employee,
    calendar: Calendar,
    posts_wanted: dict[tuple[int, str], list[str]],
    walk: list[Assignment],
    options: SolveOptions,
    deadline: float,
) -> list[Assignment] | None:
    """A walk that keeps every limit but hours, mended window by window by CP-SAT: the person alone, days
    outside the window frozen, hours priced (everything else hard) so each window closes what it can of the
    gap. A year's tight hours window is slow for CP-SAT as a whole and quick over eight weeks."""
    dates = calendar.dates
    current = list(walk)
    days = calendar.days
    firsts = list(range(max(days - MEND_WINDOW, 0), -1, -MEND_WINDOW // 2))
    for first in firsts * 2:
        if time.monotonic() > deadline:
            break
        window = range(first, min(first + MEND_WINDOW, days))
        demand = [Demand.model_construct(post=post, shifts=[shift], days="all", dates=[dates[day]], min=0,
                                         preferred=0, max=None, under_weight=0, over_weight=0)
                  for day in window for (d, shift), posts in posts_wanted.items() if d == day for post in posts]
        alone = scenario.replaced(employees=[employee], demand=demand)
        # Requests are left out: this is about a lawful roster, and they slow the proof of each window.
        in_force = [rule for rule in build_rules(alone) if not isinstance(rule, Requests)]
        for rule in in_force:
            if isinstance(rule, ContractHours):
                rule.mode, rule.weight = RuleMode.SOFT, 1_000
        frozen_days = set(range(days)) - set(window)
        builder = ModelBuilder(alone, in_force, BuildOptions(
            allow_shortfall=False, hint=Roster(current), frozen_days=frozen_days, frozen=Roster(current)))
        solver = new_solver(options, max(min(MEND_SLICE, deadline - time.monotonic()), MIN_SECONDS))
        if not run(solver, builder.model).solved:
            continue
        current = list(builder.roster(solver.boolean_value))
        timeline = Timeline(alone.replaced(demand=[]), current, calendar)
        if not any(v.employee == employee.id for rule in rules for v in rule.check(timeline)):
            return current
    return None


def _plan_alone(
    scenario: Scenario,
    employee: Employee,
    slots: list[Slot],
    filled: dict[tuple[int, str, str], int],
    options: SolveOptions,
    share: float,
    hint: Roster,
    priced: bool = False,
) -> list[Assignment] | None:
    """One person planned by CP-SAT against the cover still open (None if no roster of theirs was found)."""
    dates = scenario.horizon.dates()
    demand = []
    for slot in slots:
        taken = filled.get((slot.day, slot.shift, slot.post), 0)
        demand.append(Demand.model_construct(
            post=slot.post, shifts=[slot.shift], days="all", dates=[dates[slot.day]],
            min=max(slot.min - taken, 0), preferred=max(slot.preferred - taken, 0),
            max=None if slot.max is None else max(slot.max - taken, 0),
            under_weight=slot.under_weight, over_weight=slot.over_weight))
    alone = scenario.replaced(employees=[employee], demand=demand)
    builder = ModelBuilder(alone, build_rules(alone), BuildOptions(allow_shortfall=True, hint=hint))
    # Any lawful roster of this person's own, cover aside, searched from the walk: the walk already chose
    # where the open cover is, and pricing cover here (measured) made a year's tight hours window much slower.
    if priced:
        # A lawful walk is the hint: CP-SAT starts from it and trades cover and requests within the share.
        solver = new_solver(options, max(share, MIN_SECONDS))
        return list(builder.roster(solver.boolean_value)) if run(solver, builder.model).solved else None
    builder.model.clear_objective()  # type: ignore[no-untyped-call]
    for attempt in range(3):
        solver = new_solver(options, max(share * (attempt + 1), MIN_SECONDS), seed=options.seed + attempt,
                            first_solution_only=True)
        outcome = run(solver, builder.model)
        if outcome.status != cp_model.UNKNOWN:
            return list(builder.roster(solver.boolean_value)) if outcome.solved else None
    return None
