"""What a solve is asked (`SolveOptions`), what it answers (`SolveResult`), and the context one search shares."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ortools.sat.python import cp_model

from roulement.model.roster import Roster
from roulement.rules.base import Rule
from roulement.solve.builder import BuildOptions, ModelBuilder
from roulement.solve.runtime import Progress, Run, Watcher, new_solver, run


@dataclass
class SolveOptions(BuildOptions):
    """How to search, on top of how to build the model (`BuildOptions`: shortfalls, hint, what is frozen)."""

    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    log_search: bool = False
    # Stop once the roster is proven within this relative gap of the bound (0 = prove optimality).
    relative_gap: float = 0.0
    # One presolve round: on KOS it halves the time to the first full roster (docs/benchmarks.md).
    presolve_iterations: int | None = 1
    # Try hard coverage first (fast when it holds); False goes straight to priced shortfalls: what a
    # re-plan from a nearly feasible hint wants.
    hard_first: bool = True
    # When hard coverage is proven impossible, the service looks for a small set of conflicting facts
    # (seconds; 0 = don't). Read by `service`, not here: solve only says the cover was proven impossible.
    explain_time_limit: float = 20.0
    # Turn a hint of who works when into a complete solution first (every auxiliary variable valued), so the
    # search starts from it: worth it when the hint is a whole feasible roster (re-planning), not otherwise.
    complete_hint: bool = False
    # A fresh plan is guided (solve/guided.py): fair-share bands, hours near target and couples' days off steer
    # the search. Only without a hint or frozen days: a re-plan wants few changes, not a new spread.
    guided: bool = True
    # Share of the time after the first lawful roster that the guided step (couples' days off) gets.
    guided_share: float = 0.3
    # A fresh plan first builds a roster slot by slot and searches from it as `start` (solve/first.py).
    first_roster: bool = True
    # auto, cpsat or colgen (solve/colgen/choice.py): auto takes column generation where it prices exactly.
    engine: str = "auto"
    # Plan by exception (solve/exception.py): the holders of a post or safety skill the cycle and the pool leave
    # short may deviate on every day, not only a day either side of the hole. A large plant's workshop whose
    # holes the narrow neighbourhood cannot close (proven) is then covered in seconds (docs/benchmarks.md).
    free_holders_of_holes: bool = False


class Explains(Protocol):
    """Why the minimums cannot all be met, as the service attaches it (`report.explanations.Explanation`)."""

    @property
    def rules(self) -> tuple[str, ...]: ...

    def as_dict(self) -> dict[str, Any]: ...


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
    # Hard coverage was proven impossible: shortfalls are priced, and the service may ask why.
    cover_proven_impossible: bool = False
    # Why the minimums cannot all be met, attached by the service when that was proven.
    explanations: list[Explains] = field(default_factory=list)
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


@dataclass
class SearchContext:
    """One search over one model: what every step of it shares, instead of values passed by hand."""

    builder: ModelBuilder
    options: SolveOptions
    rules: Sequence[Rule]
    on_progress: Callable[[Progress], None] | None
    stop: threading.Event
    started: float

    @property
    def model(self) -> cp_model.CpModel:
        return self.builder.model

    def stopped(self) -> bool:
        return self.stop.is_set()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def solver(self, seconds: float, first_solution_only: bool = False) -> cp_model.CpSolver:
        """A solver for one step of this search (at least a second: below that CP-SAT barely presolves)."""
        return new_solver(self.options, max(seconds, 1.0), first_solution_only=first_solution_only)

    def run(self, solver: cp_model.CpSolver, watcher: Watcher | None = None,
            give_up_after: float | None = None) -> Run:
        """Run `solver` on the model; stop when asked; give up if nothing is found `give_up_after` seconds
        into the whole search."""
        give_up = None if give_up_after is None else (self.started, give_up_after)
        return run(solver, self.model, watcher, self.stop, give_up)
