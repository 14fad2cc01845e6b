"""A lower bound sought in a thread beside another planner (plan by exception), on the terms that decompose by
person; kept apart from `bound.py`, which the engine itself uses."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.solve.colgen.bound import covered_cost
from roulement.solve.colgen.engine import lower_bound
from roulement.solve.options import SolveResult


class BoundAlongside:
    """A lower bound sought in a thread while another planner works (plan by exception, whose own CP-SAT
    bound is over a neighbourhood and never reported): column generation over the terms that decompose by
    person and walk day by day (`engine.lower_bound`), within the same time limit."""

    def __init__(self, scenario: Scenario, rules: Sequence[Rule], seconds: float,
                 stop: threading.Event | None = None) -> None:
        self.scenario = scenario
        self.rules = list(rules)
        self.found: Any = None
        self.error: str | None = None

        def work() -> None:
            try:
                self.found = lower_bound(scenario, self.rules, seconds, stop=stop)
            except Exception as problem:  # a bound is a bonus: its failure must not fail the plan
                self.error = f"{type(problem).__name__}: {problem}"

        self.thread = threading.Thread(target=work, name="colgen-bound", daemon=True)
        self.thread.start()

    def attach(self, result: SolveResult) -> None:
        """Wait for the bound and put it on `result` when it is one: positive, and not above the roster's cost
        on the terms it covers (which the checker prices). Leaves a bound the result already has alone."""
        self.thread.join()
        bound = self.found
        if result.roster is None or result.bound is not None:
            return
        if bound is None:
            note = "no lower bound: no exact pricing round finished in time"
            if self.error is not None:
                note = f"no lower bound ({self.error})"
            result.note = "; ".join(part for part in (result.note, note) if part)
            return
        whole = bound.whole
        if bound.value < -1e-3:  # (a converged LP's bound allows EPSILON per person below its value)
            # True (no cost is negative) but it says nothing: the Lagrangian bound was still below zero.
            result.note = "; ".join(part for part in (result.note, "no lower bound above 0 within the time limit "
                                                      f"({bound.rounds} rounds of column generation)") if part)
            return
        covered = covered_cost(self.scenario, result.roster, self.rules, bound.excludes)
        if whole > covered + 1e-6:
            result.note = "; ".join(part for part in (result.note, f"bound {whole} discarded: above the roster's "
                                                      f"cost {covered:,.0f} on the terms it covers") if part)
            return
        result.bound = float(whole)
        result.bound_kind = bound.kind
        result.bound_excludes = list(bound.excludes)
        result.bound_covered_cost = covered if bound.excludes else None
