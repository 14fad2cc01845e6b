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

from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Demand, Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve.builder import BuildOptions, ModelBuilder
from roulement.solve.search import Progress, SolveOptions, SolveResult

# Share of the time the first, whole-model run may use before the neighbourhoods take over.
FIRST_SHARE = 0.25
# Models with fewer decisions than this are left to one CP-SAT run: measured on the Curtois-Qu instances 1-12,
# CP-SAT's own search beat our neighbourhoods there (Instance5, 30 s: 1,457 against 2,146).
LNS_FROM_DECISIONS = 30_000
# Share of the time a big model's person-by-person start may take.
GREEDY_SHARE = 0.35
# The whole model is built after the person-by-person start only if this share of the time is left.
WHOLE_MODEL_SHARE = 0.25
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


def person_by_person(scenario: Scenario, options: SolveOptions, seconds: float) -> Roster | None:
    """A first roster built one person at a time, each planned alone against the demand still open.

    Each person's own rules (hours, runs, weekends, successions) are solved exactly by the same model and
    rules as always; rules between people (cover, safety minimums) only see what earlier people left open.
    None if some person has no roster of their own in the time.
    """
    slots = demand_slots(scenario)
    filled: dict[tuple[int, str, str], int] = {}
    dates = scenario.horizon.dates()
    assignments: list[Assignment] = []
    deadline = time.monotonic() + seconds
    people = scenario.employees
    for index, employee in enumerate(people):
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
        share = max((deadline - time.monotonic()) / (len(people) - index), 0.1)
        builder = ModelBuilder(alone, build_rules(alone), BuildOptions(allow_shortfall=True))
        status = cp_model.UNKNOWN
        # Past the share only if this person has no roster yet (a tight contract can take a moment).
        for attempt in range(3):
            solver = _solver(options, share * (attempt + 1), options.seed)
            status = solver.solve(builder.model)
            if status != cp_model.UNKNOWN:
                break
            # No roster of this person's own yet: look for any lawful one, cover aside (a tight contract,
            # such as Instance24's 720-minute window on a year's hours, can hide it from the priced search).
            builder.model.clear_objective()  # type: ignore[no-untyped-call]
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        for assignment in builder.roster(solver.boolean_value):
            key = ((assignment.date - scenario.horizon.start).days, assignment.shift, assignment.post)
            filled[key] = filled.get(key, 0) + 1
            assignments.append(assignment)
    return Roster(sorted(assignments))


def _solver(options: SolveOptions, seconds: float, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.2)
    solver.parameters.num_workers = options.workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = options.log_search
    solver.parameters.relative_gap_limit = options.relative_gap
    solver.parameters.max_presolve_iterations = options.presolve_iterations
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
        start_roster = person_by_person(scenario, options, GREEDY_SHARE * options.time_limit)
        hint = start_roster
        if start_roster is not None and deadline - time.monotonic() < WHOLE_MODEL_SHARE * options.time_limit:
            # Too little time left to build and search the whole model: the start is the answer.
            return SolveResult(start_roster, "FEASIBLE", None, None, time.monotonic() - started, 0.0,
                               time.monotonic() - started, 1, False, {}, 0, strategy="person-by-person",
                               note="no time left for the whole model")
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
    iterations = improved = solutions = 0
    while time.monotonic() < deadline - 0.3:
        iterations += 1
        free_cells = max(2, int(size / per_cell))
        free = _choose(rng, employees, days, free_cells, iterations)
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
        slice_seconds = min(SLICE_SECONDS, deadline - time.monotonic())
        solver = _solver(options, slice_seconds, options.seed + iterations)
        clock = _Clock(started)
        status = solver.solve(builder.model, clock)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < incumbent.objective - 1e-6:
            incumbent.values = list(solver.response_proto.solution)
            incumbent.objective = solver.objective_value
            incumbent.found_at = clock.last if clock.last is not None else time.monotonic() - started
            improved += 1
            solutions += 1
            report(incumbent, bound)
            if bound is not None and incumbent.objective <= bound:
                break
        # Grow while sub-problems close, shrink when they time out.
        size = min(size * 1.15, 20_000.0) if status == cp_model.OPTIMAL else max(size * 0.8, 60.0)
    for index, (low, high) in domains.items():
        proto.variables[index].domain[0] = low
        proto.variables[index].domain[1] = high
    return iterations, improved, solutions


def _choose(
    rng: random.Random, employees: list[str], days: int, cells: int, iteration: int
) -> set[tuple[str, int]]:
    """Pick about `cells` (employee, day) cells to re-plan, in one of three rostering shapes."""
    shape = iteration % 3
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
