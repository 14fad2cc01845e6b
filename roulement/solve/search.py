"""Runs CP-SAT on a built model: time limit, workers, seed, live progress, and a clean stop on Ctrl-C.

The solve runs in a worker thread so the main thread stays free to take Ctrl-C (Python only delivers signals
there); on interruption the search is asked to stop and its best roster so far is returned, never lost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve.builder import BuildOptions, ModelBuilder


@dataclass
class SolveOptions:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    allow_shortfall: bool = True
    hint: Roster | None = None
    frozen_days: set[int] = field(default_factory=set)
    frozen: Roster | None = None
    log_search: bool = False
    # Stop once the roster is proven within this relative gap of the bound (0 = prove optimality).
    relative_gap: float = 0.0
    # One presolve round: on KOS it halves the time to the first full roster (docs/benchmarks.md).
    presolve_iterations: int = 1


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

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "wall_time": round(self.wall_time, 3),
            "build_time": round(self.build_time, 3),
            "time_to_best": None if self.time_to_best is None else round(self.time_to_best, 3),
            "solutions": self.solutions,
            "interrupted": self.interrupted,
            "variables": self.variables,
            "strategy": self.strategy,
            "note": self.note,
            "terms": self.terms,
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
    always comes out.
    """
    options = options or SolveOptions()
    started = time.monotonic()
    builder = ModelBuilder(
        scenario,
        list(rules) if rules is not None else build_rules(scenario),
        BuildOptions(allow_shortfall=options.allow_shortfall, hint=options.hint,
                     frozen_days=options.frozen_days, frozen=options.frozen),
    )
    build_time = time.monotonic() - started
    if not builder.shortfalls:
        return _search(builder, options, options.time_limit - build_time, None, on_progress, stop, started)
    builder.allow_shortfalls(False)
    give_up = build_time + HARD_PHASE_SHARE * (options.time_limit - build_time)
    first = _search(builder, options, options.time_limit - build_time, give_up, on_progress, stop, started)
    if first.roster is not None or first.interrupted:
        return first
    builder.allow_shortfalls(True)
    remaining = options.time_limit - (time.monotonic() - started)
    second = _search(builder, options, remaining, None, on_progress, stop, started)
    second.strategy = "priced-shortfall"
    proven = "proven" if first.status == "INFEASIBLE" else "none found in time"
    second.note = f"no roster meets every minimum ({proven}); shortfalls are priced and reported"
    return second


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
) -> SolveResult:
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_time_in_seconds = max(time_limit, 1.0)
    parameters.num_workers = options.workers
    parameters.random_seed = options.seed
    parameters.log_search_progress = options.log_search
    parameters.relative_gap_limit = options.relative_gap
    parameters.max_presolve_iterations = options.presolve_iterations
    watcher = _Watcher(started, on_progress)
    solver.best_bound_callback = watcher.on_bound

    outcome: dict[str, object] = {}

    def run() -> None:
        outcome["status"] = solver.solve(builder.model, watcher)

    worker = threading.Thread(target=run, name="cp-sat", daemon=True)
    worker.start()
    interrupted = gave_up = False
    while worker.is_alive():
        try:
            worker.join(0.1)
        except KeyboardInterrupt:
            interrupted = True
            solver.stop_search()
            continue
        if stop is not None and stop.is_set() and not interrupted:
            interrupted = True
            solver.stop_search()
        if (give_up_without_roster is not None and not gave_up and watcher.solutions == 0
                and time.monotonic() - started > give_up_without_roster):
            gave_up = True
            solver.stop_search()
    status = outcome["status"]
    has_roster = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return SolveResult(
        roster=builder.roster(solver.boolean_value) if has_roster else None,
        status=solver.status_name(status),
        objective=solver.objective_value if has_roster else None,
        bound=solver.best_objective_bound if has_roster else None,
        wall_time=time.monotonic() - started,
        build_time=builder.build_time,
        time_to_best=watcher.time_to_best,
        solutions=watcher.solutions,
        interrupted=interrupted,
        terms=builder.term_values(solver.value) if has_roster else {},
        variables=builder.variable_count,
    )
