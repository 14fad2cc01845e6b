"""Which engine plans: column generation where its pricing is exact and the plan is fresh, else the CP-SAT
search (`--engine auto|cpsat|colgen`, solve/colgen/choice.py). Both engines sit below this module, so neither
imports the other's entry point to hand over."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve import search
from roulement.solve.colgen.choice import Engine, choose_engine
from roulement.solve.colgen.engine import plan_colgen, wants_compact_bound, with_compact_bound
from roulement.solve.options import SolveOptions, SolveResult
from roulement.solve.runtime import Progress


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    rules: Sequence[Rule] | None = None,
    stop: threading.Event | None = None,
) -> SolveResult:
    """Plan `scenario` with the engine `options.engine` names, or the stronger one for it under `auto`."""
    options = options or SolveOptions()
    in_force = list(rules) if rules is not None else build_rules(scenario)
    fresh = (options.hint is None and options.frozen is None and not options.frozen_days
             and not options.frozen_cells)
    decisions = len(scenario.employees) * scenario.horizon.days * len(scenario.shifts)
    hard_minimums = bool(scenario.safety_minimums) or any(demand.min > 0 for demand in scenario.demand)
    if choose_engine(in_force, options.engine, fresh, decisions, hard_minimums) is Engine.COLGEN:
        return plan_colgen(scenario, options, in_force, on_progress, stop)
    if options.engine == Engine.AUTO and wants_compact_bound(in_force, fresh, hard_minimums):
        # Column generation's kind of plan, too large for it: a bound from the compact relaxation first.
        return with_compact_bound(scenario, options, in_force, lambda left: search.solve(
            scenario, left, on_progress=on_progress, rules=in_force, stop=stop))
    return search.solve(scenario, options, on_progress=on_progress, rules=in_force, stop=stop)
