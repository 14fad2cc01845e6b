"""Large-neighbourhood search around CP-SAT, for scenarios too big to close in one solve (`plan_best`).

One model is built, once. A first CP-SAT run finds a roster (on models of `LNS_FROM_DECISIONS` decisions or
more, the whole model starts from the constructive start of `solve.walker`); then, until the time is up,
most of the roster is pinned (the `works` variables outside a neighbourhood get their current value as their
domain) and CP-SAT re-plans the rest, starting from the current roster as a hint. Neighbourhoods follow the
shape of rostering: every person over a window of days (swaps of cover between people), a few people over the
whole horizon (their runs, weekends and hours), and a few people over a wider window. The neighbourhood grows
while the sub-problems close fast and shrinks when they do not. Nothing here knows a benchmark; the figures
behind the constants are in docs/benchmarks.md (Curtois-Qu).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ortools.sat.python import cp_model

from roulement.model.demand import Slot, demand_slots
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve.builder import ModelBuilder
from roulement.solve.options import SolveOptions, SolveResult
from roulement.solve.runtime import (
    SOLVED,
    Progress,
    Watcher,
    domains_of,
    hint_values,
    new_solver,
    pinned,
    run,
    status_name,
)
from roulement.solve.walker import improve_by_walks, person_by_person

# Models with fewer decisions than this are left to one CP-SAT run: there CP-SAT alone does best.
LNS_FROM_DECISIONS = 1_000
# Models with more decisions than this are never built whole (the whole model's memory and time outgrow what
# its neighbourhoods win); people are re-walked instead.
WALKS_ONLY_FROM_DECISIONS = 1_000_000
# Share of the time a big model's person-by-person start may take.
GREEDY_SHARE = 0.6
# The whole model is built after the person-by-person start only if this share of the time is left.
WHOLE_MODEL_SHARE = 0.25
# Share of the time the first, whole-model run may use before the neighbourhoods take over.
FIRST_SHARE = 0.25
# Below this many decisions a neighbourhood gets SHORT_SLICE_SECONDS: many quick re-plans beat a few long
# ones there. Bigger models keep SLICE_SECONDS, since presolving the whole pinned model alone takes a good part
# of a short slice.
SHORT_SLICES_BELOW = 30_000
SHORT_SLICE_SECONDS = 0.5
SLICE_SECONDS = 3.0
# The least time one CP-SAT run gets.
MIN_SECONDS = 0.2


@dataclass
class _Incumbent:
    values: list[int]
    objective: float
    found_at: float


def _decisions(scenario: Scenario) -> int:
    """An upper bound on the work variables: people x days x shift types."""
    return len(scenario.employees) * scenario.horizon.days * len(scenario.shifts)


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
        hint = start_roster
    builder = ModelBuilder(scenario, in_force, replace(options, hint=hint))
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
    solver: cp_model.CpSolver | None = None
    clock = Watcher(started)
    if start_roster is not None:
        # The whole model, with every decision pinned to the person-by-person roster, only has to work out
        # the prices: that gives the neighbourhood search a complete starting point at once.
        builder.allow_shortfalls(True)
        solver, status = _priced(builder, options, start_roster, deadline - time.monotonic())
        if status not in SOLVED:
            builder.allow_shortfalls(False)
            status = cp_model.UNKNOWN
        else:
            status = cp_model.FEASIBLE  # optimal only for the pinned roster, not for the scenario
    for attempt in range(0 if status in SOLVED else 3):
        remaining = deadline - time.monotonic()
        if remaining < 0.5 and attempt:
            break
        limit = remaining if small or attempt else max(remaining * FIRST_SHARE, min(remaining, 5.0))
        if attempt and builder.shortfalls and status in (cp_model.INFEASIBLE, cp_model.UNKNOWN):
            builder.allow_shortfalls(True)
        solver = new_solver(options, max(limit, MIN_SECONDS), seed=options.seed + attempt)
        clock = Watcher(started)
        status = run(solver, builder.model, clock).status
        if status in SOLVED:
            break
    if solver is None or status not in SOLVED:
        # The whole model found nothing in time: the person-by-person roster (judged by the caller) is it.
        return SolveResult(start_roster, "FEASIBLE" if start_roster is not None else status_name(status),
                           None, None, time.monotonic() - started, build_time, None, 0, False, {},
                           builder.variable_count, strategy="person-by-person" if start_roster else "lns",
                           note="the whole model found no roster in time")
    incumbent = _Incumbent(list(solver.response_proto.solution), solver.objective_value,
                           clock.time_to_best if clock.time_to_best is not None else time.monotonic() - started)
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
    start = builder.scenario.horizon.start
    worked = {(a.employee, (a.date - start).days, a.shift) for a in roster}
    works = builder.work_literals()
    free = domains_of(builder.model, [literal.index for literal in works.values()])
    pins: dict[int, tuple[int, int]] = {}
    for key, literal in works.items():
        value = int(key in worked)
        low, high = free[literal.index]
        if not low <= value <= high:
            break  # the roster is not one of this model's: what is pinned so far still helps
        pins[literal.index] = (value, value)
    solver = new_solver(options, max(seconds, 1.0))
    with pinned(builder.model, list(pins)) as pin:
        pin(pins)
        status = run(solver, builder.model).status
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
    works = builder.work_literals()
    employees = sorted({key[0] for key in works})
    days = builder.calendar.days
    # (employee, day) -> indexes of that person's work variables on that day.
    cells: dict[tuple[str, int], list[int]] = {}
    for (employee, day, _), literal in works.items():
        cells.setdefault((employee, day), []).append(literal.index)
    per_cell = max(1.0, len(works) / max(len(cells), 1))
    domains = domains_of(builder.model, [index for indexes in cells.values() for index in indexes])
    # Start with neighbourhoods of a fifth of the decisions, at most 600 free variables; adapt from there.
    size = float(min(600, max(60, len(works) // 5)))
    slice_limit = SHORT_SLICE_SECONDS if len(works) < SHORT_SLICES_BELOW else SLICE_SECONDS
    iterations = improved = solutions = 0
    slots = [(slot, [lit.index for _, lit in builder.post_holders(slot.day, slot.shift, slot.post)])
             for slot in demand_slots(builder.scenario) if slot.under_weight or slot.over_weight]
    focus = _costly_days(slots, incumbent.values)
    with pinned(builder.model, list(domains)) as pin:
        while time.monotonic() < deadline - 0.3:
            iterations += 1
            free_cells = max(2, int(size / per_cell))
            free = _choose(rng, employees, days, free_cells, iterations, focus)
            pin({index: domains[index] if (employee, day) in free else (incumbent.values[index],) * 2
                 for (employee, day), indexes in cells.items() for index in indexes})
            hint_values(builder.model, incumbent.values)
            slice_seconds = min(slice_limit, deadline - time.monotonic())
            solver = new_solver(options, max(slice_seconds, MIN_SECONDS), seed=options.seed + iterations)
            clock = Watcher(started)
            outcome = run(solver, builder.model, clock)
            status = outcome.status
            if outcome.interrupted:
                break  # Ctrl-C: the incumbent is the answer
            if status in SOLVED and solver.objective_value < incumbent.objective - 1e-6:
                incumbent.values = list(solver.response_proto.solution)
                incumbent.objective = solver.objective_value
                found = clock.time_to_best
                incumbent.found_at = found if found is not None else time.monotonic() - started
                improved += 1
                solutions += 1
                focus = _costly_days(slots, incumbent.values)
                report(incumbent, bound)
                if bound is not None and incumbent.objective <= bound:
                    break
            # Grow while sub-problems close, shrink when they time out.
            size = min(size * 1.15, 20_000.0) if status == cp_model.OPTIMAL else max(size * 0.8, 60.0)
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
