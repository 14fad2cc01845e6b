"""The CP-SAT part of finding why cover is impossible: a small set of constraint groups that cannot all hold.

Every hard constraint is put in a group (a rule, or the coverage of one post on one shift, or one safety
minimum) switched on by an assumption literal. CP-SAT proves the model infeasible and returns a subset of
assumptions that is already infeasible (`sufficient_assumptions_for_infeasibility`); it is then shrunk by
deletion (drop a group, re-check) into a small set of conflicting groups. `analyse.explain` states them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from ortools.sat.python import cp_model

from roulement.model.scenario import RuleMode, Scenario
from roulement.rules.base import Literal, Rule, Terms
from roulement.rules.packs import build_rules
from roulement.solve.builder import BuildOptions, ModelBuilder
from roulement.solve.runtime import SOLVED, Settings, new_solver, run

Group = tuple[str, ...]


class _GroupedBuilder(ModelBuilder):
    """A ModelBuilder whose hard constraints are each switched on by the assumption literal of their group."""

    def __init__(self, scenario: Scenario, rules: Sequence[Rule]) -> None:
        self.groups: dict[Group, Any] = {}
        super().__init__(scenario, rules, BuildOptions(allow_shortfall=False))

    def group(self, rule: Rule, label: str) -> Any:
        words = label.split()
        if rule.id == "core.coverage" and len(words) >= 3:
            key: Group = (rule.id, words[1], words[2])  # "cover POST SHIFT DAY"
        elif rule.id == "core.safety-minimum" and len(words) >= 2:
            key = (rule.id, words[1])  # "safety ID START"
        else:
            key = (rule.id,)
        if key not in self.groups:
            self.groups[key] = self.model.new_bool_var(f"group {' '.join(key)}")
        return self.groups[key]

    def at_most(self, rule: Rule, terms: Terms, bound: int, label: str, only_if: Sequence[Literal] = (),
                unit: int = 1) -> None:
        if rule.mode is not RuleMode.HARD:
            return
        expression = sum(c * lit for c, lit in terms)
        self.model.add(expression <= bound).only_enforce_if([*only_if, self.group(rule, label)])

    def at_least(self, rule: Rule, terms: Terms, bound: int, label: str, shortfall_term: str | None = None,
                 unit: int = 1) -> None:
        if rule.mode is not RuleMode.HARD:
            return
        expression = sum(c * lit for c, lit in terms)
        self.model.add(expression >= bound).only_enforce_if(self.group(rule, label))

    def forbid_all(self, rule: Rule, literals: Sequence[Literal], label: str, amount: int = 1) -> None:
        if rule.mode is not RuleMode.HARD:
            return
        self.model.add_bool_or([literal.Not() for literal in literals]).only_enforce_if(self.group(rule, label))

    def add_cost(self, term: str, terms: Terms, constant: int = 0) -> None:
        """Costs do not matter to feasibility."""


def _infeasible(builder: _GroupedBuilder, groups: Sequence[Group], seconds: float, workers: int) -> bool | None:
    """True: proven infeasible with these groups on; False: feasible; None: unknown in time."""
    model = builder.model
    model.clear_assumptions()
    model.add_assumptions([builder.groups[g] for g in groups])
    status = run(new_solver(Settings(workers=workers), seconds, interleave=False), model).status
    if status == cp_model.INFEASIBLE:
        return True
    return False if status in SOLVED else None


def conflicting_groups(scenario: Scenario, rules: Sequence[Rule] | None = None, time_limit: float = 20.0,
                       workers: int = 1) -> list[Group] | None:
    """A small set of constraint groups that cannot all hold; None if none was found (feasible or no time)."""
    started = time.monotonic()
    builder = _GroupedBuilder(scenario, list(rules) if rules is not None else build_rules(scenario))
    builder.model.clear_objective()  # type: ignore[no-untyped-call]
    every = sorted(builder.groups)
    builder.model.add_assumptions([builder.groups[g] for g in every])
    # Cores come from the single-thread search, not from an interleaved portfolio.
    solver = new_solver(Settings(workers=1), max(time_limit / 2, 1.0), interleave=False)
    if run(solver, builder.model).status != cp_model.INFEASIBLE:
        return None
    index = {builder.groups[g].Index(): g for g in every}
    core = [index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index] or every
    # Shrink by deletion: try without each group (coverage last, so rules are dropped first when they can be).
    core.sort(key=lambda g: (g[0] == "core.coverage", g))
    for group in list(core):
        remaining = time_limit - (time.monotonic() - started)
        if remaining <= 0.5 or len(core) == 1:
            break
        trial = [g for g in core if g != group]
        if _infeasible(builder, trial, min(remaining, max(time_limit / 8, 1.0)), workers) is True:
            core = trial
    return sorted(core)
