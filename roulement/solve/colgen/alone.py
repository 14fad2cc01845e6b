"""Pricing by CP-SAT: one person alone, built from the same rule objects as every other model.

For people whose rules cannot all walk day by day (`decompose.py`), the person's own model is built by the
ordinary `ModelBuilder` from the personal rules in force (their `encode`), cover left out (the master holds
it), and its objective is the person's own price minus the duals. Built once per person; each pricing round
only replaces the objective.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ortools.sat.python import cp_model

from roulement.model.roster import Assignment
from roulement.model.scenario import Demand, Employee, Scenario
from roulement.rules.base import Rule
from roulement.solve.builder import BuildOptions, ModelBuilder, weighted
from roulement.solve.runtime import Settings, new_solver

# Duals are real numbers, CP-SAT's objective is whole: prices are scaled by this much and rounded.
SCALE = 1000


class AlonePricer:
    def __init__(self, scenario: Scenario, employee: Employee, personal: Sequence[Rule]) -> None:
        demand = [Demand.model_construct(**{**{name: getattr(d, name) for name in Demand.model_fields},
                                            "min": 0, "max": None, "under_weight": 0, "over_weight": 0})
                  for d in scenario.demand]
        alone = Scenario.model_construct(**{**{name: getattr(scenario, name) for name in Scenario.model_fields},
                                            "employees": [employee], "demand": demand, "safety_minimums": []})
        self.employee = employee
        self.builder = ModelBuilder(alone, personal, BuildOptions(allow_shortfall=False))
        self.own = self.builder.objective_expression()
        calendar = self.builder.calendar
        self.cells = [((day, shift.id, post), literal)
                      for day in range(calendar.days) for shift in alone.shifts
                      for post in (p.id for p in alone.posts)
                      for literal in [self.builder.assigned(employee.id, day, shift.id, post)] if literal is not None]

        # day -> a literal that, when assumed, makes the person work that day (made when first needed).
        self._works: dict[int, cp_model.IntVar] = {}

    def _assumptions(self, fixed: dict[int, tuple[frozenset[str], bool]]) -> list[Any]:
        """Literals to assume for a dive's fixings: day -> (the shifts it may be, whether it may be off)."""
        assumed: list[Any] = []
        for (day, shift, _), literal in self.cells:
            if day in fixed and shift not in fixed[day][0]:
                assumed.append(literal.Not())
        for day, (_, off) in fixed.items():
            if off:
                continue
            if day not in self._works:
                works = self.builder.model.new_bool_var(f"works_{day}")
                self.builder.model.add(sum(literal for (at, _, _), literal in self.cells if at == day) >= 1
                                       ).only_enforce_if(works)
                self._works[day] = works
            assumed.append(self._works[day])
        return assumed

    def cheapest(
        self, value: dict[tuple[int, str, str], float], seconds: float, workers: int = 1, seed: int = 0,
        fixed: dict[int, tuple[frozenset[str], bool]] | None = None,
    ) -> tuple[list[Assignment] | None, float | None, bool]:
        """(the cheapest schedule, its lowest possible price, proven) under `value[(day, shift, post)]`, the
        dual value of one person holding that post; the price is own cost minus values. `fixed[day]`: the shifts
        that day may be and whether it may be off (a dive's fixings, assumed for this solve only). Proven with
        no schedule: (None, None, True)."""
        terms = []
        for (day, shift, post), literal in self.cells:
            worth = round(SCALE * value.get((day, shift, post), 0.0))
            if worth:
                terms.append((-worth, literal))
        model = self.builder.model
        model.minimize(SCALE * self.own + weighted(terms))
        model.clear_assumptions()
        if fixed:
            model.add_assumptions(self._assumptions(fixed))
        # One worker, no interleaving: a person alone is a small model, solved many times.
        solver = new_solver(Settings(workers=workers, seed=seed), max(seconds, 0.05), interleave=False)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, None, status == cp_model.INFEASIBLE
        roster = list(self.builder.roster(solver.boolean_value))
        # Rounding moves each value by at most half a unit: the bound allows for it.
        slack = 0.5 * len(terms) / SCALE
        return roster, solver.best_objective_bound / SCALE - slack, status == cp_model.OPTIMAL
