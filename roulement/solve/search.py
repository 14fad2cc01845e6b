"""The path every plan takes: hard cover first, then priced; each phase a lawful start, then the priced search.

`solve` builds the model once. Minimum coverage is first imposed as hard, which lets CP-SAT propagate it and
find full rosters fast. If that is proven impossible, or yields nothing within `HARD_PHASE_SHARE` of the time,
shortfalls are priced instead (on the same model) and the rest of the time plans the best incomplete roster, so
a roster always comes out; the result then says the cover was proven impossible, and the service asks
`analyse` why.

Each phase (`_phase`) first finds any lawful roster with the objective set aside (`_lawful_start`), then, on a
fresh plan, takes the guided people-first steps (`solve.guided`), then runs the priced search from there.

The search runs in a worker thread (`solve.runtime`) so the main thread stays free to watch for a stop: Ctrl-C
(turned into a stop event while solving) or the caller's event. On a stop the best roster so far is returned.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve.builder import ModelBuilder
from roulement.solve.guided import guided_steps
from roulement.solve.options import Explains, SearchContext, SolveOptions, SolveResult
from roulement.solve.runtime import SOLVED, Progress, Watcher, ctrl_c_stops, hint_solution, new_solver, run

__all__ = ["HARD_PHASE_SHARE", "Explains", "Progress", "SolveOptions", "SolveResult", "solve"]

# Share of the search time the hard-coverage phase may spend without finding any roster. Feasible plants
# find one well before; infeasible ones are usually proven so quickly that the share rarely matters.
HARD_PHASE_SHARE = 0.7


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    rules: Sequence[Rule] | None = None,
    stop: threading.Event | None = None,
) -> SolveResult:
    """Plan `scenario`; returns the best roster found (None only if none was found at all).

    Hard cover first, then priced (see the module's doc). Ctrl-C, or `stop`, ends the search with the best
    roster in hand."""
    stop = stop if stop is not None else threading.Event()
    options = options or SolveOptions()
    with ctrl_c_stops(stop):
        started = time.monotonic()
        in_force = list(rules) if rules is not None else build_rules(scenario)
        search = SearchContext(ModelBuilder(scenario, in_force, options), options, in_force, on_progress, stop,
                               started)
        return _hard_then_priced(search)


def _hard_then_priced(search: SearchContext) -> SolveResult:
    builder, options = search.builder, search.options
    build_time = search.elapsed()
    completed = None
    if options.complete_hint and (options.hint is not None or options.start is not None):
        completed = _complete_hint(search, max(0.2 * (options.time_limit - build_time), 1.0))
    if not builder.shortfalls or not options.hard_first:
        # A completed hint is already a lawful roster of this model: no need to search for one again.
        result = _phase(search, options.time_limit - search.elapsed(), None, completed)
        if builder.shortfalls:
            result.strategy = "priced-shortfall"
        return result
    # A completed hint with every minimum met starts the hard phase; one with gaps, the priced phase.
    covered = completed is not None and all(completed.value(slack) == 0 for slack, _ in builder.shortfalls)
    builder.allow_shortfalls(False)
    give_up = build_time + HARD_PHASE_SHARE * (options.time_limit - build_time)
    first = _phase(search, options.time_limit - build_time, give_up, completed if covered else None)
    if first.roster is not None or first.interrupted:
        return first
    builder.allow_shortfalls(True)
    second = _phase(search, options.time_limit - search.elapsed(), None, None if covered else completed)
    second.strategy = "priced-shortfall"
    proven = "proven" if first.status == "INFEASIBLE" else "none found in time"
    second.note = f"no roster meets every minimum ({proven}); shortfalls are priced and reported"
    second.cover_proven_impossible = first.status == "INFEASIBLE"
    return second


def _complete_hint(search: SearchContext, seconds: float) -> cp_model.CpSolver | None:
    """Solve with every hinted variable fixed to its hint; if that works, hint every variable with the result
    and return the solver holding it."""
    solver = new_solver(search.options, seconds)
    solver.parameters.fix_variables_to_their_hinted_value = True
    outcome = run(solver, search.model)
    if not outcome.solved:
        return None
    hint_solution(search.model, solver)
    return solver


@dataclass
class LawfulStart:
    """The first lawful roster of a phase (objective set aside): the priced search starts from it."""

    found: bool
    status: Any
    interrupted: bool
    solver: cp_model.CpSolver
    time_found: float | None


def _lawful_start(search: SearchContext, time_limit: float, give_up_without_roster: float | None
                  ) -> LawfulStart | None:
    """Find any roster that keeps every hard rule with the objective set aside, and hint the priced search with it.

    Branching on a rich objective (fair shares, households, hours) slows the first roster a lot on a large
    plant; a pure feasibility search finds one several times faster (docs/benchmarks.md), and the priced
    search then starts from a complete, lawful roster. None when there is no objective to set aside."""
    builder = search.builder
    if not builder.costs:
        return None
    model = builder.model
    model.clear_objective()  # type: ignore[no-untyped-call]
    solver = search.solver(time_limit, first_solution_only=True)
    outcome = search.run(solver, give_up_after=give_up_without_roster)
    if outcome.solved:
        hint_solution(model, solver)
    model.minimize(builder.objective_expression())
    return LawfulStart(outcome.solved, outcome.status, outcome.interrupted, solver,
                       search.elapsed() if outcome.solved else None)


def _fresh_plan(search: SearchContext) -> bool:
    """A fresh plan: no roster to stay close to, nothing frozen; the guided steps apply."""
    options = search.options
    return (options.guided and options.hint is None and options.frozen is None and not options.frozen_days
            and not options.frozen_cells and bool(search.builder.costs))


def _phase(search: SearchContext, time_limit: float, give_up_without_roster: float | None,
           known: cp_model.CpSolver | None = None) -> SolveResult:
    """A lawful start (`known`, when the caller has one), the guided steps on a fresh plan, then the priced
    search from the best roster in hand."""
    builder = search.builder
    phase_started = time.monotonic()
    start = (LawfulStart(True, cp_model.FEASIBLE, False, known, search.elapsed()) if known is not None and
             builder.costs else _lawful_start(search, time_limit, give_up_without_roster))

    def show_roster_in_hand() -> None:
        # The display shows the roster in hand, at its price, while the next search starts from it.
        if start is None or not start.found:
            return
        if search.on_progress is not None:
            price = float(sum(builder.term_values(start.solver.value).values()))
            covered = all(start.solver.value(short) == 0 for short, _ in builder.shortfalls)
            try:
                search.on_progress(Progress(search.elapsed(), 1, price, None, covered))
            except KeyboardInterrupt:
                start.interrupted = True  # Ctrl-C right now: keep the lawful roster in hand
        if search.stopped():
            start.interrupted = True

    show_roster_in_hand()
    note = ""
    if start is not None and start.found and not start.interrupted and _fresh_plan(search):
        steps = guided_steps(search, start.solver, phase_started + time_limit)
        if steps is not None:
            note = steps.note
            start.solver = steps.solver or start.solver
            start.interrupted = start.interrupted or steps.interrupted
        show_roster_in_hand()
    solver = search.solver(time_limit - (time.monotonic() - phase_started))
    watcher = Watcher(search.started, search.on_progress, [short for short, _ in builder.shortfalls])
    watcher.listen_to(solver)
    status: Any = cp_model.UNKNOWN
    if start is None:
        outcome = search.run(solver, watcher, give_up_without_roster)
        status, interrupted = outcome.status, outcome.interrupted
    elif start.found and not start.interrupted:
        outcome = search.run(solver, watcher)
        status, interrupted = outcome.status, outcome.interrupted
    else:
        interrupted = start.interrupted
    reader = solver
    if status not in SOLVED and start is not None and start.found:
        # Stopped before the priced search reported anything: the lawful roster in hand is the answer.
        reader, status = start.solver, cp_model.FEASIBLE
    elif start is not None and not start.found:
        status = start.status
    has_roster = status in SOLVED
    terms = builder.term_values(reader.value) if has_roster else {}
    priced = reader is solver
    return SolveResult(
        roster=builder.roster(reader.boolean_value) if has_roster else None,
        status=solver.status_name(status),
        objective=(solver.objective_value if priced else float(sum(terms.values()))) if has_roster else None,
        bound=(solver.best_objective_bound if priced else None) if has_roster else None,
        wall_time=search.elapsed(),
        build_time=builder.build_time,
        time_to_best=watcher.time_to_best if priced and watcher.solutions else (
            start.time_found if start is not None and start.found else None),
        solutions=watcher.solutions + (1 if start is not None and start.found else 0),
        interrupted=interrupted,
        terms=terms,
        variables=builder.variable_count,
        note=note,
    )
