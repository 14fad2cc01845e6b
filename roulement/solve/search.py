"""Runs CP-SAT on a built model: time limit, workers, seed, live progress, and a clean stop on Ctrl-C.

The solve runs in a worker thread so the main thread stays free to watch for a stop: Ctrl-C (turned into a
stop event while solving) or the caller's event. On a stop the search is asked to end and its best roster so
far is returned, never lost.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve.builder import BuildOptions, ModelBuilder
from roulement.solve.guides import Guides


@dataclass
class SolveOptions:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    allow_shortfall: bool = True
    hint: Roster | None = None
    frozen_days: set[int] = field(default_factory=set)
    frozen: Roster | None = None
    frozen_cells: set[tuple[str, int]] = field(default_factory=set)
    log_search: bool = False
    # Stop once the roster is proven within this relative gap of the bound (0 = prove optimality).
    relative_gap: float = 0.0
    # One presolve round: on KOS it halves the time to the first full roster (docs/benchmarks.md).
    presolve_iterations: int = 1
    # Try hard coverage first (fast when it holds); False goes straight to priced shortfalls: what a
    # re-plan from a nearly feasible hint wants.
    hard_first: bool = True
    # When hard coverage is proven impossible, look for a small set of conflicting facts (seconds; 0 = don't).
    explain_time_limit: float = 20.0
    # Turn a hint of who works when into a complete solution first (every auxiliary variable valued), so the
    # search starts from it: worth it when the hint is a whole feasible roster (re-planning), not otherwise.
    complete_hint: bool = False
    # A fresh plan is guided (solve/guides.py): fair-share bands, hours near target and couples' days off steer
    # the search. Only without a hint or frozen days: a re-plan wants few changes, not a new spread.
    guided: bool = True
    # Share of the time after the first lawful roster that the guided step (couples' days off) gets.
    guided_share: float = 0.3
    # auto, cpsat or colgen (solve/colgen/choice.py): auto takes column generation where it prices exactly.
    engine: str = "auto"


@dataclass
class Progress:
    elapsed: float
    solutions: int
    objective: float | None
    bound: float | None


@dataclass
class SolveResult:
    roster: Roster | None
    status: str
    objective: float | None
    bound: float | None
    wall_time: float
    build_time: float
    time_to_best: float | None
    solutions: int
    interrupted: bool
    terms: dict[str, int]
    variables: int
    strategy: str = "hard-coverage"
    note: str = ""
    # Why the minimums cannot all be met (analyse.explain.Explanation), when that was proven.
    explanations: list[Any] = field(default_factory=list)
    # Which terms `bound` covers ("whole objective", or which rules it leaves out); None: no bound.
    bound_kind: str | None = None
    bound_excludes: list[str] = field(default_factory=list)
    # The roster's cost on the terms the bound covers (the checker's), when they are not the whole objective.
    bound_covered_cost: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            # CP-SAT's bound is on its whole objective, whose price for a lawful roster is the checker's.
            "bound_kind": (self.bound_kind or "whole objective") if self.bound is not None else None,
            "bound_excludes": self.bound_excludes if self.bound is not None else [],
            "bound_covered_cost": self.bound_covered_cost if self.bound is not None else None,
            "wall_time": round(self.wall_time, 3),
            "build_time": round(self.build_time, 3),
            "time_to_best": None if self.time_to_best is None else round(self.time_to_best, 3),
            "solutions": self.solutions,
            "interrupted": self.interrupted,
            "variables": self.variables,
            "strategy": self.strategy,
            "note": self.note,
            "terms": self.terms,
            "explanations": [e.as_dict() for e in self.explanations],
        }


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, report: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.started = started
        self.report = report
        self.solutions = 0
        self.objective: float | None = None
        self.bound: float | None = None
        self.time_to_best: float | None = None

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.objective = self.objective_value
        self.bound = self.best_objective_bound
        self.time_to_best = time.monotonic() - self.started
        self._send()

    def on_bound(self, bound: float) -> None:
        self.bound = bound
        self._send()

    def _send(self) -> None:
        if self.report is not None:
            self.report(Progress(time.monotonic() - self.started, self.solutions, self.objective, self.bound))


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    rules: Sequence[Rule] | None = None,
    stop: threading.Event | None = None,
) -> SolveResult:
    """Plan `scenario`; returns the best roster found (None only if none was found at all).

    Minimum coverage is first imposed as hard, which lets CP-SAT propagate it and find full rosters fast.
    If that is proven impossible, or yields nothing within `HARD_PHASE_SHARE` of the time, shortfalls are
    priced instead (on the same model) and the rest of the time plans the best incomplete roster, so a roster
    always comes out. Ctrl-C, or `stop`, ends the search with the best roster in hand.
    """
    stop = stop if stop is not None else threading.Event()
    options = options or SolveOptions()
    from roulement.solve.colgen.choice import Engine, choose_engine  # colgen builds on this module

    in_force = list(rules) if rules is not None else build_rules(scenario)
    fresh = options.hint is None and options.frozen is None and not options.frozen_days and not options.frozen_cells
    if choose_engine(in_force, options.engine, fresh) is Engine.COLGEN:
        from roulement.solve.colgen.engine import plan_colgen

        with _ctrl_c_stops(stop):
            return plan_colgen(scenario, options, in_force, on_progress, stop)
    with _ctrl_c_stops(stop):
        return _solve(scenario, options, on_progress, in_force, stop)


@contextlib.contextmanager
def _ctrl_c_stops(stop: threading.Event) -> Iterator[None]:
    """While solving in the main thread, Ctrl-C sets `stop` instead of raising KeyboardInterrupt.

    A KeyboardInterrupt surfaces wherever the main thread happens to be, between two searches as well as in
    one, and would lose the roster in hand; an event is looked at where the solve can act on it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda number, frame: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _solve(
    scenario: Scenario,
    options: SolveOptions,
    on_progress: Callable[[Progress], None] | None,
    rules: Sequence[Rule] | None,
    stop: threading.Event,
) -> SolveResult:
    started = time.monotonic()
    in_force = list(rules) if rules is not None else build_rules(scenario)
    builder = ModelBuilder(
        scenario,
        in_force,
        BuildOptions(allow_shortfall=options.allow_shortfall, hint=options.hint,
                     frozen_days=options.frozen_days, frozen=options.frozen, frozen_cells=options.frozen_cells),
    )
    build_time = time.monotonic() - started
    if options.complete_hint and options.hint is not None:
        _complete_hint(builder, options, max(0.2 * (options.time_limit - build_time), 1.0))
    if not builder.shortfalls or not options.hard_first:
        left = options.time_limit - (time.monotonic() - started)
        result = _search(builder, options, left, None, on_progress, stop, started, in_force)
        if builder.shortfalls:
            result.strategy = "priced-shortfall"
        return result
    builder.allow_shortfalls(False)
    give_up = build_time + HARD_PHASE_SHARE * (options.time_limit - build_time)
    first = _search(builder, options, options.time_limit - build_time, give_up, on_progress, stop, started, in_force)
    if first.roster is not None or first.interrupted:
        return first
    builder.allow_shortfalls(True)
    remaining = options.time_limit - (time.monotonic() - started)
    second = _search(builder, options, remaining, None, on_progress, stop, started, in_force)
    second.strategy = "priced-shortfall"
    proven = "proven" if first.status == "INFEASIBLE" else "none found in time"
    second.note = f"no roster meets every minimum ({proven}); shortfalls are priced and reported"
    if first.status == "INFEASIBLE" and options.explain_time_limit > 0 and not second.interrupted:
        from roulement.analyse.explain import explain_infeasibility  # analyse builds on solve, not the reverse

        second.explanations = explain_infeasibility(scenario, in_force, options.explain_time_limit)
    return second


def _complete_hint(builder: ModelBuilder, options: SolveOptions, seconds: float) -> bool:
    """Solve with every hinted variable fixed to its hint; if that works, hint every variable with the result."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = options.workers
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(builder.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    _hint_everything(builder.model, solver)
    return True


# Share of the search time the hard-coverage phase may spend without finding any roster. Feasible plants
# find one well before; infeasible ones are usually proven so quickly that the share rarely matters.
HARD_PHASE_SHARE = 0.7


def _search(
    builder: ModelBuilder,
    options: SolveOptions,
    time_limit: float,
    give_up_without_roster: float | None,
    on_progress: Callable[[Progress], None] | None,
    stop: threading.Event | None,
    started: float,
    rules: Sequence[Rule] = (),
) -> SolveResult:
    phase_started = time.monotonic()
    warm = _warm_start(builder, options, time_limit, give_up_without_roster, stop, started)

    def show_roster_in_hand() -> None:
        # The display shows the roster in hand, at its price, while the next search starts from it.
        if warm is None or not warm.found:
            return
        if on_progress is not None:
            price = float(sum(builder.term_values(warm.solver.value).values()))
            try:
                on_progress(Progress(time.monotonic() - started, 1, price, None))
            except KeyboardInterrupt:
                warm.interrupted = True  # Ctrl-C right now: keep the lawful roster in hand
        if stop is not None and stop.is_set():
            warm.interrupted = True

    show_roster_in_hand()
    note = ""
    if warm is not None and warm.found and not warm.interrupted and _guided(builder, options):
        note = _guided_steps(builder, rules, options, warm, phase_started + time_limit, stop, started)
        show_roster_in_hand()
    solver = _solver(options, time_limit - (time.monotonic() - phase_started))
    watcher = _Watcher(started, on_progress)
    solver.best_bound_callback = watcher.on_bound
    status: Any = cp_model.UNKNOWN
    if warm is None:
        status, interrupted = _run(solver, builder.model, watcher, stop, started, give_up_without_roster)
    elif warm.found and not warm.interrupted:
        status, interrupted = _run(solver, builder.model, watcher, stop, started, None)
    else:
        interrupted = warm.interrupted
    reader = solver
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and warm is not None and warm.found:
        # Stopped before the priced search reported anything: the lawful roster in hand is the answer.
        reader, status = warm.solver, cp_model.FEASIBLE
    elif warm is not None and not warm.found:
        status = warm.status
    has_roster = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    terms = builder.term_values(reader.value) if has_roster else {}
    priced = reader is solver
    return SolveResult(
        roster=builder.roster(reader.boolean_value) if has_roster else None,
        status=solver.status_name(status),
        objective=(solver.objective_value if priced else float(sum(terms.values()))) if has_roster else None,
        bound=(solver.best_objective_bound if priced else None) if has_roster else None,
        wall_time=time.monotonic() - started,
        build_time=builder.build_time,
        time_to_best=watcher.time_to_best if priced and watcher.solutions else (
            warm.time_found if warm is not None and warm.found else None),
        solutions=watcher.solutions + (1 if warm is not None and warm.found else 0),
        interrupted=interrupted,
        terms=terms,
        variables=builder.variable_count,
        note=note,
    )


def _guided(builder: ModelBuilder, options: SolveOptions) -> bool:
    """A fresh plan: no roster to stay close to, nothing frozen."""
    return (options.guided and options.hint is None and options.frozen is None and not options.frozen_days
            and not options.frozen_cells and bool(builder.costs))


def _guided_steps(
    builder: ModelBuilder,
    rules: Sequence[Rule],
    options: SolveOptions,
    warm: _WarmStart,
    deadline: float,
    stop: threading.Event | None,
    started: float,
) -> str:
    """Step 2 of the guided search (solve/guides.py) from the warm start's lawful roster, and step 3's guides.

    Leaves the model's hints, and `warm.solver`, on the best lawful roster in hand; returns a note for the
    result. Interrupted here, the search stops with that roster, as anywhere else."""
    guides = Guides.for_model(builder, rules)
    if guides is None:
        return ""
    model = builder.model
    guides.band_fair_shares(warm.solver.value)
    guides.switch(True)
    if guides.apart:
        model.minimize(guides.couples_apart())
    else:
        model.clear_objective()  # type: ignore[no-untyped-call]
    solver = _solver(options, options.guided_share * (deadline - time.monotonic()))
    solver.parameters.stop_after_first_solution = not guides.apart
    status, interrupted = _run(solver, model, None, stop, started, None)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found:
        warm.solver = solver
        _hint_everything(model, solver)
        if guides.apart and not interrupted:
            warm.solver = _mend_couples(builder, guides, options, deadline, stop, started) or solver
        guides.keep_couples(lambda variable: model.proto.solution_hint.values[variable.index])
        held = [name for name, present in (("fair-share bands", guides.groups),
                                           (f"hours of {guides.hours_held} people near target", guides.hours_held))
                if present]
        note = f"guided search: {' and '.join(held) or 'no bands'} kept"
        if guides.apart:
            hinted = model.proto.solution_hint.values
            apart = sum(hinted[lit.index] for indicators in guides.apart for lit in indicators)
            note += f"; couples apart on {apart} days, kept at most"
    else:
        guides.switch(False)
        note = "guided search: no roster within the guides in time; searched without them"
    warm.interrupted = warm.interrupted or interrupted
    model.minimize(builder.objective_expression())
    return note


# Seconds one re-plan around a couple may take.
MEND_SECONDS = 5.0


def _mend_couples(
    builder: ModelBuilder, guides: Guides, options: SolveOptions, deadline: float, stop: threading.Event | None,
    started: float,
) -> cp_model.CpSolver | None:
    """Re-plan around each couple still apart, one at a time: only the couple and their peers may move, and
    the sub-search minimises that couple's days apart, then the other couples'. The model's hints follow every
    improvement."""
    model, proto = builder.model, builder.model.proto
    works = builder.work_literals()
    saved = {lit.index: (proto.variables[lit.index].domain[0], proto.variables[lit.index].domain[1])
             for lit in works.values()}
    finish = time.monotonic() + options.guided_share * (deadline - time.monotonic())
    mended = None
    # Couples left as they are: their neighbourhood proven to hold them no closer, or a slice without progress.
    settled: set[int] = set()
    while time.monotonic() < finish - 1.0 and not (stop is not None and stop.is_set()):
        hinted = proto.solution_hint.values
        apart = {number: sum(hinted[lit.index] for lit in indicators)
                 for number, indicators in enumerate(guides.apart) if number not in settled}
        apart = {number: days for number, days in apart.items() if days}
        if not apart:
            break
        number = max(apart, key=lambda n: apart[n])
        free = guides.around(guides.couples[number])
        for (employee, _, _), literal in works.items():
            low, high = saved[literal.index]
            if employee not in free:
                low = high = hinted[literal.index]
            proto.variables[literal.index].domain[0], proto.variables[literal.index].domain[1] = low, high
        # This couple first, but no other couple pushed further apart for it.
        everyone = sum(lit for indicators in guides.apart for lit in indicators)
        weight = 1 + sum(len(indicators) for indicators in guides.apart)
        model.minimize(weight * sum(guides.apart[number]) + everyone)
        before = weight * apart[number] + sum(hinted[lit.index] for indicators in guides.apart for lit in indicators)
        solver = _solver(options, min(finish - time.monotonic(), MEND_SECONDS))
        status, _ = _run(solver, model, None, stop, started, None)
        if status == cp_model.OPTIMAL:
            settled.add(number)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < before:
            _hint_everything(model, solver)
            mended = solver
        elif status != cp_model.OPTIMAL:
            settled.add(number)  # no progress in a whole slice: leave the time to the others
    for index, (low, high) in saved.items():
        proto.variables[index].domain[0], proto.variables[index].domain[1] = low, high
    return mended


def _solver(options: SolveOptions, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_time_in_seconds = max(time_limit, 1.0)
    parameters.num_workers = options.workers
    parameters.random_seed = options.seed
    parameters.log_search_progress = options.log_search
    parameters.relative_gap_limit = options.relative_gap
    parameters.max_presolve_iterations = options.presolve_iterations
    # On one thread CP-SAT's default is a single strategy, which found no lawful KOS roster in 60 s; its
    # portfolio taken in turn on that thread found one in 11 s (docs/benchmarks.md, "One worker").
    parameters.interleave_search = options.workers == 1
    # CP-SAT's own SIGINT handler aborts the process from Python; Ctrl-C is handled by our main thread instead.
    parameters.catch_sigint_signal = False
    return solver


@dataclass
class _WarmStart:
    found: bool
    status: Any
    interrupted: bool
    solver: cp_model.CpSolver
    time_found: float | None


def _warm_start(
    builder: ModelBuilder,
    options: SolveOptions,
    time_limit: float,
    give_up_without_roster: float | None,
    stop: threading.Event | None,
    started: float,
) -> _WarmStart | None:
    """Find any roster that keeps every hard rule with the objective set aside, and hint the priced search with it.

    Branching on a rich objective (fair shares, households, hours) slows the first roster a lot on a large
    plant; a pure feasibility search finds one several times faster (KOS: about 7 CPU-seconds against more
    than 50 with the objective), and the priced search then starts from a complete, lawful roster.
    None when there is no objective to set aside."""
    if not builder.costs:
        return None
    model = builder.model
    model.clear_objective()  # type: ignore[no-untyped-call]
    solver = _solver(options, time_limit)
    solver.parameters.stop_after_first_solution = True
    status, interrupted = _run(solver, model, None, stop, started, give_up_without_roster)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found:
        _hint_everything(model, solver)
    model.minimize(builder.objective_expression())
    return _WarmStart(found, status, interrupted, solver, time.monotonic() - started if found else None)


def _hint_everything(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with its value in the solver's roster: the next search starts from it, complete."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index in range(len(model.proto.variables)):
        variable = model.get_int_var_from_proto_index(index)
        model.add_hint(variable, solver.value(variable))


def _run(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    watcher: _Watcher | None,
    stop: threading.Event | None,
    started: float,
    give_up_without_roster: float | None,
) -> tuple[Any, bool]:
    """CP-SAT in a worker thread, so Ctrl-C and the stop event reach it; returns (status, interrupted)."""
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["status"] = solver.solve(model, watcher) if watcher is not None else solver.solve(model)
        except BaseException as error:  # surfaced in the caller's thread below
            outcome["error"] = error
        finally:
            finished.set()

    worker = threading.Thread(target=run, name="cp-sat", daemon=True)
    worker.start()
    interrupted = gave_up = False
    # Wait on an Event, not on join(): a KeyboardInterrupt inside Thread.join() can leave the thread looking
    # finished while CP-SAT still runs (a CPython quirk), and the process would then die under it.
    while not finished.is_set():
        try:
            finished.wait(0.1)
        except KeyboardInterrupt:
            interrupted = True
            solver.stop_search()
            continue
        if stop is not None and stop.is_set() and not interrupted:
            interrupted = True
            solver.stop_search()
        solutions = watcher.solutions if watcher is not None else 0
        if (give_up_without_roster is not None and not gave_up and solutions == 0
                and time.monotonic() - started > give_up_without_roster):
            gave_up = True
            solver.stop_search()
    worker.join()
    if "error" in outcome:
        raise RuntimeError("the CP-SAT search failed") from outcome["error"]
    return outcome["status"], interrupted
