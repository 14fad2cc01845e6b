"""The one place CP-SAT is set up and run: every solve in the product goes through here.

* `new_solver`: a CpSolver from settings (workers, seed, time, logging, gap, presolve); with one worker the
  whole portfolio is interleaved on that thread; CP-SAT's own SIGINT handler is always off (Ctrl-C is ours).
* `run`: the search in a worker thread, so Ctrl-C and a stop event reach it; progress through a `Watcher`.
* `ctrl_c_stops`: while planning in the main thread, Ctrl-C sets the stop event instead of raising.
* `hint_solution`, `hint_values`: the next search starts from a complete solution.
* `pinned`: variable domains pinned for one search and restored after it, as a context manager.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ortools.sat.python import cp_model

from roulement.solve.signals import stop_on_signals

SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)
# Narrows variables (index -> (low, high)) inside `pinned`.
Pin = Callable[[Mapping[int, tuple[int, int]]], None]


class SolverSettings(Protocol):
    """What a CpSolver is made from (`SolveOptions` is one; `Settings` is the plain one)."""

    @property
    def workers(self) -> int: ...

    @property
    def seed(self) -> int: ...

    @property
    def log_search(self) -> bool: ...

    @property
    def relative_gap(self) -> float: ...

    @property
    def presolve_iterations(self) -> int | None: ...


@dataclass(frozen=True)
class Settings:
    workers: int = 2
    seed: int = 0
    log_search: bool = False
    relative_gap: float = 0.0
    presolve_iterations: int | None = None  # None: CP-SAT's default


def new_solver(settings: SolverSettings, seconds: float, *, seed: int | None = None,
               first_solution_only: bool = False, interleave: bool | None = None) -> cp_model.CpSolver:
    """A CpSolver for one search of `seconds` (the caller decides any floor); `seed` overrides the settings',
    `interleave` the default (interleave the portfolio on one worker)."""
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.max_time_in_seconds = seconds
    parameters.num_workers = settings.workers
    parameters.random_seed = settings.seed if seed is None else seed
    parameters.log_search_progress = settings.log_search
    parameters.relative_gap_limit = settings.relative_gap
    if settings.presolve_iterations is not None:
        parameters.max_presolve_iterations = settings.presolve_iterations
    # On one thread CP-SAT's default is a single strategy; its portfolio taken in turn on that thread finds
    # rosters far sooner (docs/benchmarks.md, "One worker").
    parameters.interleave_search = settings.workers == 1 if interleave is None else interleave
    parameters.stop_after_first_solution = first_solution_only
    # CP-SAT's own SIGINT handler aborts the process from Python; Ctrl-C is handled by our main thread instead.
    parameters.catch_sigint_signal = False
    return solver


@dataclass
class Progress:
    elapsed: float
    solutions: int
    objective: float | None
    bound: float | None
    # Whether the roster in hand meets every minimum (no shortfall); None when the search does not say. A covered
    # roster can cost more than one shortfall's price (a large plant's deviations), so the objective cannot tell.
    covered: bool | None = None


class Watcher(cp_model.CpSolverSolutionCallback):
    """Counts improving solutions, notes when the best was found, and passes progress on."""

    def __init__(self, started: float, report: Callable[[Progress], None] | None = None,
                 shortfalls: Sequence[Any] | None = None) -> None:
        """`shortfalls`: the model's shortfall variables, read at each solution to say whether it is covered."""
        super().__init__()
        self.started = started
        self.report = report
        self.shortfalls = None if shortfalls is None else list(shortfalls)
        self.covered: bool | None = None
        self.solutions = 0
        self.objective: float | None = None
        self.bound: float | None = None
        self.time_to_best: float | None = None

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.objective = self.objective_value
        self.bound = self.best_objective_bound
        self.time_to_best = time.monotonic() - self.started
        if self.shortfalls is not None:
            self.covered = all(self.value(short) == 0 for short in self.shortfalls)
        self._send()

    def on_bound(self, bound: float) -> None:
        self.bound = bound
        self._send()

    def listen_to(self, solver: cp_model.CpSolver) -> None:
        """Also report each improvement of the bound."""
        solver.best_bound_callback = self.on_bound

    def _send(self) -> None:
        if self.report is not None:
            self.report(Progress(time.monotonic() - self.started, self.solutions, self.objective, self.bound,
                                 self.covered))


def status_name(status: Any) -> str:
    """CP-SAT's name of a status (OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID)."""
    return str(status.name)


@dataclass
class Run:
    status: Any
    interrupted: bool

    @property
    def solved(self) -> bool:
        return self.status in SOLVED


def run(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    watcher: Watcher | None = None,
    stop: threading.Event | None = None,
    give_up: tuple[float, float] | None = None,
) -> Run:
    """CP-SAT in a worker thread, so Ctrl-C and the stop event reach it.

    `give_up` = (started, seconds): stop the search if it has found nothing `seconds` after `started`."""
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def search() -> None:
        try:
            outcome["status"] = solver.solve(model, watcher) if watcher is not None else solver.solve(model)
        except BaseException as error:  # surfaced in the caller's thread below
            outcome["error"] = error
        finally:
            finished.set()

    worker = threading.Thread(target=search, name="cp-sat", daemon=True)
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
        if (give_up is not None and not gave_up and solutions == 0
                and time.monotonic() - give_up[0] > give_up[1]):
            gave_up = True
            solver.stop_search()
    worker.join()
    if "error" in outcome:
        raise RuntimeError("the CP-SAT search failed") from outcome["error"]
    return Run(outcome["status"], interrupted)


@contextlib.contextmanager
def ctrl_c_stops(stop: threading.Event) -> Iterator[None]:
    """While solving in the main thread, Ctrl-C and SIGTERM set `stop` (solve/signals.py)."""
    with stop_on_signals(stop):
        yield


def hint_solution(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable with its value in the solver's solution: the next search starts from it, complete."""
    hint_values(model, list(solver.response_proto.solution))


def hint_values(model: cp_model.CpModel, values: Sequence[int]) -> None:
    """Hint every variable with `values` (one per variable, in model order)."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)


def narrow(model: cp_model.CpModel, index: int, low: int, high: int) -> None:
    """Set one variable's domain to [low, high] until set again (a domain change: nothing to rebuild)."""
    domain = model.proto.variables[index].domain
    domain[0], domain[1] = low, high


def fix(model: cp_model.CpModel, index: int, value: int) -> None:
    """Fix one variable to `value` until fixed again."""
    narrow(model, index, value, value)


@contextlib.contextmanager
def pinned(model: cp_model.CpModel, indexes: Sequence[int]) -> Iterator[Pin]:
    """Save the domains of `indexes`; yield a `pin` that narrows any of them to (low, high); restore on exit.

    Only for variables whose domain is one interval [low, high] (Booleans and bounded integers), as the
    product's are; the proto's repeated field takes no negative index, hence [1]."""
    saved = domains_of(model, indexes)

    def pin(bounds: Mapping[int, tuple[int, int]]) -> None:
        for index, (low, high) in bounds.items():
            narrow(model, index, low, high)

    try:
        yield pin
    finally:
        pin(saved)


def domains_of(model: cp_model.CpModel, indexes: Sequence[int]) -> dict[int, tuple[int, int]]:
    """The (low, high) of each variable of `indexes` as the model has it now."""
    domains = model.proto.variables
    return {index: (domains[index].domain[0], domains[index].domain[1]) for index in indexes}
