"""Large-neighbourhood search around CP-SAT, for scenarios too big to close in one solve.

One model is built, once. A first CP-SAT run finds a roster; then, until the time is up, most of the roster
is frozen (the `works` variables outside a neighbourhood get their current value as their domain) and CP-SAT
re-plans the rest, starting from the current roster as a hint. Neighbourhoods follow the shape of rostering:
every person over a window of days (swaps of cover between people), a few people over the whole horizon
(their runs, weekends and hours), and a few people over a wider window. The neighbourhood grows while the
sub-problems close fast and shrinks when they do not. Works for any scenario; nothing here knows a benchmark.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
from roulement.solve.search import Progress, SolveOptions, SolveResult

# Share of the time the first, whole-model run may use before the neighbourhoods take over.
FIRST_SHARE = 0.25
# Models with fewer decisions than this are left to one CP-SAT run. Curtois-Qu, 60 s, 1 worker: CP-SAT alone
# is best on Instances 1-5 (Instance5: 1,239 against 1,446 with the start and neighbourhoods), the start and
# neighbourhoods on 6-12 (Instance8: 2,161 -> 1,937; Instance12: 7,254 -> 5,613; docs/benchmarks.md).
LNS_FROM_DECISIONS = 1_000
# Below this many decisions a neighbourhood gets SHORT_SLICE_SECONDS: many quick re-plans beat a few long ones
# there (Instance7, 30 s: 1,379 with 3 s slices, 1,182 with 0.5 s). Bigger models keep SLICE_SECONDS, since
# presolving the whole frozen model alone takes a good part of a short slice.
SHORT_SLICES_BELOW = 30_000
SHORT_SLICE_SECONDS = 0.5
# Share of the time a big model's person-by-person start may take.
GREEDY_SHARE = 0.6
# The whole model is built after the person-by-person start only if this share of the time is left.
WHOLE_MODEL_SHARE = 0.25
# Models with more decisions than this are never built whole: on Instance24 (1.7 M) the whole model took 2.4 GB
# and its neighbourhoods found nothing better than the start in 600 s; people are re-walked instead.
WALKS_ONLY_FROM_DECISIONS = 1_000_000
# Share of the time left after the start that re-walking people may take before the whole model is built.
REWALK_SHARE = 0.0
# Seconds a single neighbourhood may take.
SLICE_SECONDS = 3.0


class _Clock(cp_model.CpSolverSolutionCallback):
    """Notes when each improving roster is found (the solver itself only tells when it stops)."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.last: float | None = None

    def on_solution_callback(self) -> None:
        self.last = time.monotonic() - self.started


@dataclass
class _Incumbent:
    values: list[int]
    objective: float
    found_at: float


def _decisions(scenario: Scenario) -> int:
    """An upper bound on the work variables: people x days x shift types."""
    return len(scenario.employees) * scenario.horizon.days * len(scenario.shifts)


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
        alone = Scenario.model_construct(**{**{name: getattr(self.scenario, name) for name in Scenario.model_fields},
                                            "employees": [employee], "demand": []})
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


# Walks tried per person when re-walking (all cleared ones are priced; the cheapest is kept).
REWALK_ATTEMPTS = 6


# Walks tried per person before CP-SAT plans them (each a few milliseconds on a year); the last ones pack.
WALK_ATTEMPTS = 16
PACKING_ATTEMPTS = 4
# Up to this horizon each cleared walk is then priced by CP-SAT for the person alone (from the walk).
PRICED_ALONE_MAX_DAYS = 100
# Days CP-SAT may re-plan at once when mending a walk's hours (the rest of the walk stays as it is).
MEND_WINDOW = 56


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
        alone = Scenario.model_construct(**{**{name: getattr(scenario, name) for name in Scenario.model_fields},
                                            "employees": [employee], "demand": demand})
        # Requests are left out: this is about a lawful roster, and they slow the proof of each window.
        in_force = [rule for rule in build_rules(alone) if not isinstance(rule, Requests)]
        for rule in in_force:
            if isinstance(rule, ContractHours):
                rule.mode, rule.weight = RuleMode.SOFT, 1_000
        frozen_days = set(range(days)) - set(window)
        builder = ModelBuilder(alone, in_force, BuildOptions(
            allow_shortfall=False, hint=Roster(current), frozen_days=frozen_days, frozen=Roster(current)))
        solver = _solver(options, min(MEND_SLICE, deadline - time.monotonic()), options.seed)
        status = solver.solve(builder.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        current = list(builder.roster(solver.boolean_value))
        timeline = Timeline(alone.model_copy(update={"demand": []}), current, calendar)
        if not any(v.employee == employee.id for rule in rules for v in rule.check(timeline)):
            return current
    return None


MEND_SLICE = 5.0


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
    alone = Scenario.model_construct(**{**{name: getattr(scenario, name) for name in Scenario.model_fields},
                                        "employees": [employee], "demand": demand})
    builder = ModelBuilder(alone, build_rules(alone), BuildOptions(allow_shortfall=True, hint=hint))
    # Any lawful roster of this person's own, cover aside, searched from the walk: the walk already chose
    # where the open cover is, and pricing cover here (measured) made a year's tight hours window much slower.
    if priced:
        # A lawful walk is the hint: CP-SAT starts from it and trades cover and requests within the share.
        solver = _solver(options, share, options.seed)
        status = solver.solve(builder.model)
        return list(builder.roster(solver.boolean_value)) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    builder.model.clear_objective()  # type: ignore[no-untyped-call]
    status = cp_model.UNKNOWN
    for attempt in range(3):
        solver = _solver(options, share * (attempt + 1), options.seed + attempt)
        solver.parameters.stop_after_first_solution = True
        status = solver.solve(builder.model)
        if status != cp_model.UNKNOWN:
            break
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(builder.roster(solver.boolean_value))


def _solver(options: SolveOptions, seconds: float, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.2)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = options.log_search
    solver.parameters.relative_gap_limit = options.relative_gap
    solver.parameters.max_presolve_iterations = options.presolve_iterations
    # On one thread, CP-SAT's default is a single search strategy; interleaving runs its whole portfolio (LNS
    # included) in turn on that thread. Curtois-Qu, 30 s, 1 worker: Instance5 2,866 -> 1,251, Instance7
    # 3,138 -> 1,701, Instance9 3,234 -> 794 (docs/benchmarks.md).
    solver.parameters.interleave_search = options.workers == 1
    return solver


def plan_best(
    scenario: Scenario,
    options: SolveOptions | None = None,
    rules: Sequence[Rule] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> SolveResult:
    """Plan with one whole-model CP-SAT run and, if it does not prove optimality, neighbourhood search."""
    options = options or SolveOptions()
    in_force = list(rules) if rules is not None else build_rules(scenario)
    started = time.monotonic()
    deadline = started + options.time_limit
    hint = options.hint
    start_roster: Roster | None = None
    if hint is None and not options.frozen_days and _decisions(scenario) >= LNS_FROM_DECISIONS:
        # A big model takes long to build and to find a first roster in; person by person is quick.
        start_roster = person_by_person(scenario, options, GREEDY_SHARE * options.time_limit, in_force)
        huge = _decisions(scenario) >= WALKS_ONLY_FROM_DECISIONS
        if start_roster is not None and (huge or deadline - time.monotonic() < WHOLE_MODEL_SHARE * options.time_limit):
            # Too big, or too little time left, to build and search the whole model: re-walk people instead.
            found_at = time.monotonic() - started
            roster, improved = improve_by_walks(scenario, start_roster, options, deadline, in_force)
            if improved:
                found_at = time.monotonic() - started
            return SolveResult(roster, "FEASIBLE", None, None, time.monotonic() - started, 0.0, found_at, 1, False,
                               {}, 0, strategy="person-by-person",
                               note=f"whole model not built; {improved} people re-walked for the better")
        if start_roster is not None and REWALK_SHARE > 0:
            start_roster, _ = improve_by_walks(scenario, start_roster, options,
                                               time.monotonic() + REWALK_SHARE * (deadline - time.monotonic()),
                                               in_force)
        hint = start_roster
    builder = ModelBuilder(scenario, in_force, BuildOptions(
        allow_shortfall=options.allow_shortfall, hint=hint,
        frozen_days=options.frozen_days, frozen=options.frozen))
    build_time = time.monotonic() - started
    rng = random.Random(options.seed)
    solutions = 0

    def report(incumbent: _Incumbent, bound: float | None) -> None:
        if on_progress is not None:
            on_progress(Progress(time.monotonic() - started, solutions, incumbent.objective, bound))

    # The first run gets a share of the time, but keeps going until it has a roster. As in `solve`, minimum
    # cover is hard first (CP-SAT propagates it); only if no roster meets it are shortfalls priced.
    small = len(builder.work_literals()) < LNS_FROM_DECISIONS
    builder.allow_shortfalls(False)
    status = cp_model.UNKNOWN
    solver = _solver(options, 0, options.seed)
    clock = _Clock(started)
    if start_roster is not None:
        # The whole model, with every decision pinned to the person-by-person roster, only has to work out
        # the prices: that gives the neighbourhood search a complete starting point at once.
        builder.allow_shortfalls(True)
        solver, status = _priced(builder, options, start_roster, deadline - time.monotonic())
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            builder.allow_shortfalls(False)
            status = cp_model.UNKNOWN
        else:
            status = cp_model.FEASIBLE  # optimal only for the pinned roster, not for the scenario
    for attempt in range(0 if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 3):
        remaining = deadline - time.monotonic()
        if remaining < 0.5 and attempt:
            break
        limit = remaining if small or attempt else max(remaining * FIRST_SHARE, min(remaining, 5.0))
        if attempt and builder.shortfalls and status in (cp_model.INFEASIBLE, cp_model.UNKNOWN):
            builder.allow_shortfalls(True)
        solver = _solver(options, limit, options.seed + attempt)
        clock = _Clock(started)
        status = solver.solve(builder.model, clock)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # The whole model found nothing in time: the person-by-person roster (judged by the caller) is it.
        return SolveResult(start_roster, "FEASIBLE" if start_roster is not None else solver.status_name(status),
                           None, None, time.monotonic() - started, build_time, None, 0, False, {},
                           builder.variable_count, strategy="person-by-person" if start_roster else "lns",
                           note="the whole model found no roster in time")
    incumbent = _Incumbent(list(solver.response_proto.solution), solver.objective_value,
                           clock.last if clock.last is not None else time.monotonic() - started)
    bound = solver.best_objective_bound if start_roster is None else None
    solutions += 1
    report(incumbent, bound)
    iterations = improved = 0
    if status != cp_model.OPTIMAL and time.monotonic() < deadline - 1.0:
        iterations, improved, solutions = _neighbourhood_search(builder, options, rng, incumbent, deadline, started,
                                                                report, bound)
        status = cp_model.FEASIBLE
    values = incumbent.values

    def is_true(literal: Any) -> bool:
        index = literal.index
        return bool(values[index]) if index >= 0 else not values[-index - 1]

    def value(expression: Any) -> int:
        if isinstance(expression, int):
            return expression
        index = expression.index
        return int(values[index] if index >= 0 else 1 - values[-index - 1])

    optimal = status == cp_model.OPTIMAL or (bound is not None and incumbent.objective <= bound)
    builder.model.clear_hints()  # type: ignore[no-untyped-call]
    return SolveResult(
        roster=builder.roster(is_true),
        status="OPTIMAL" if optimal else "FEASIBLE",
        objective=incumbent.objective,
        bound=bound,
        wall_time=time.monotonic() - started,
        build_time=build_time,
        time_to_best=incumbent.found_at,
        solutions=solutions,
        interrupted=False,
        terms=builder.term_values(value),
        variables=builder.variable_count,
        strategy="lns",
        note=f"{iterations} neighbourhoods, {improved} improving",
    )


def _priced(
    builder: ModelBuilder, options: SolveOptions, roster: Roster, seconds: float
) -> tuple[cp_model.CpSolver, Any]:
    """Solve the model with every work variable fixed to `roster` (then freed again)."""
    proto = builder.model.proto
    start = builder.scenario.horizon.start
    worked = {(a.employee, (a.date - start).days, a.shift) for a in roster}
    saved = {}
    for key, literal in builder.work_literals().items():
        domain = proto.variables[literal.index].domain
        saved[literal.index] = (domain[0], domain[1])
        value = int(key in worked)
        if not domain[0] <= value <= domain[1]:
            break
        domain[0] = domain[1] = value
    solver = _solver(options, max(seconds, 1.0), options.seed)
    status = solver.solve(builder.model)
    for index, (low, high) in saved.items():
        proto.variables[index].domain[0] = low
        proto.variables[index].domain[1] = high
    return solver, status


def _neighbourhood_search(
    builder: ModelBuilder,
    options: SolveOptions,
    rng: random.Random,
    incumbent: _Incumbent,
    deadline: float,
    started: float,
    report: Callable[[_Incumbent, float | None], None],
    bound: float | None,
) -> tuple[int, int, int]:
    proto = builder.model.proto
    works = builder.work_literals()
    employees = sorted({key[0] for key in works})
    days = builder.calendar.days
    # (employee, day) -> indexes of that person's work variables on that day.
    cells: dict[tuple[str, int], list[int]] = {}
    for (employee, day, _), literal in works.items():
        cells.setdefault((employee, day), []).append(literal.index)
    per_cell = max(1.0, len(works) / max(len(cells), 1))
    # Work variables are Booleans: a domain is exactly [low, high].
    domains = {index: tuple(proto.variables[index].domain) for indexes in cells.values() for index in indexes}
    # Start with neighbourhoods of a fifth of the decisions, at most 600 free variables; adapt from there.
    size = float(min(600, max(60, len(works) // 5)))
    slice_limit = SHORT_SLICE_SECONDS if len(works) < SHORT_SLICES_BELOW else SLICE_SECONDS
    iterations = improved = solutions = 0
    slots = [(slot, [lit.index for _, lit in builder.post_holders(slot.day, slot.shift, slot.post)])
             for slot in demand_slots(builder.scenario) if slot.under_weight or slot.over_weight]
    focus = _costly_days(slots, incumbent.values)
    while time.monotonic() < deadline - 0.3:
        iterations += 1
        free_cells = max(2, int(size / per_cell))
        free = _choose(rng, employees, days, free_cells, iterations, focus)
        for (employee, day), indexes in cells.items():
            chosen = (employee, day) in free
            for index in indexes:
                domain = proto.variables[index].domain
                low, high = domains[index] if chosen else (incumbent.values[index], incumbent.values[index])
                domain[0] = low
                domain[1] = high
        builder.model.clear_hints()  # type: ignore[no-untyped-call]
        proto.solution_hint.vars.extend(range(len(incumbent.values)))
        proto.solution_hint.values.extend(incumbent.values)
        slice_seconds = min(slice_limit, deadline - time.monotonic())
        solver = _solver(options, slice_seconds, options.seed + iterations)
        clock = _Clock(started)
        status = solver.solve(builder.model, clock)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < incumbent.objective - 1e-6:
            incumbent.values = list(solver.response_proto.solution)
            incumbent.objective = solver.objective_value
            incumbent.found_at = clock.last if clock.last is not None else time.monotonic() - started
            improved += 1
            solutions += 1
            focus = _costly_days(slots, incumbent.values)
            report(incumbent, bound)
            if bound is not None and incumbent.objective <= bound:
                break
        # Grow while sub-problems close, shrink when they time out.
        size = min(size * 1.15, 20_000.0) if status == cp_model.OPTIMAL else max(size * 0.8, 60.0)
    for index, (low, high) in domains.items():
        proto.variables[index].domain[0] = low
        proto.variables[index].domain[1] = high
    return iterations, improved, solutions


def _costly_days(slots: list[tuple[Slot, list[int]]], values: list[int]) -> list[tuple[int, int]]:
    """(day, what its cover costs beyond the preferred level) for every day the incumbent pays cover on."""
    cost: dict[int, int] = {}
    for slot, holders in slots:
        staffed = sum(values[index] for index in holders)
        paid = (slot.under_weight * max(slot.preferred - staffed, 0)
                + slot.over_weight * max(staffed - slot.preferred, 0))
        if paid:
            cost[slot.day] = cost.get(slot.day, 0) + paid
    return sorted(cost.items())


def _choose(
    rng: random.Random, employees: list[str], days: int, cells: int, iteration: int,
    focus: Sequence[tuple[int, int]] = (),
) -> set[tuple[str, int]]:
    """Pick about `cells` (employee, day) cells to re-plan, in one of the rostering shapes: every other time
    around a day whose cover the incumbent pays for, picked by what it pays."""
    shape = iteration % 3
    if focus and iteration % 2 == 0:
        centre = rng.choices([day for day, _ in focus], weights=[paid for _, paid in focus])[0]
        if shape != 1:
            width = max(1, min(days, cells // max(len(employees), 1)))
            first = min(max(centre - rng.randrange(width), 0), days - width)
            return {(e, d) for e in employees for d in range(first, first + width)}
        count = max(2, min(len(employees), int((cells / days) ** 0.5 * len(employees) ** 0.5) or 2))
        width = max(1, min(days, cells // count))
        first = min(max(centre - rng.randrange(width), 0), days - width)
        return {(e, d) for e in rng.sample(employees, count) for d in range(first, first + width)}
    if shape == 0:  # everybody, over a window of days
        width = max(1, min(days, cells // max(len(employees), 1)))
        first = rng.randrange(days - width + 1)
        return {(e, d) for e in employees for d in range(first, first + width)}
    if shape == 1:  # a few people, the whole horizon
        count = max(1, min(len(employees), cells // days))
        return {(e, d) for e in rng.sample(employees, count) for d in range(days)}
    # a few more people over a wider window
    count = max(2, min(len(employees), int((cells / days) ** 0.5 * len(employees) ** 0.5) or 2))
    width = max(1, min(days, cells // count))
    first = rng.randrange(days - width + 1)
    return {(e, d) for e in rng.sample(employees, count) for d in range(first, first + width)}
