"""The master problem: a linear programme over people's schedules, solved by HiGHS.

    minimise   sum of column costs + priced under-, over- and short-staffing
    subject to one schedule per person (convexity rows),
               cover rows: preferred levels (under and over priced), minimums and maximums, safety minimums.

A column is one person's whole schedule; its cost is that person's own terms as the checker prices them. The
row duals price each (day, shift, post) for the next round of pricing. The same programme with integral
columns picks one generated schedule per person (price-and-branch).
"""

from __future__ import annotations

import math
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.roster import Assignment
from roulement.model.scenario import RuleMode, Scenario
from roulement.rules.base import Rule
from roulement.rules.core import Coverage, SafetyMinimums
from roulement.solve.builder import SHORTFALL_WEIGHT

INF = highspy.kHighsInf
# The price of a person's stand-in column ("no schedule yet"): dearer than any schedule with all its cover.
STAND_IN_COST = 10 * SHORTFALL_WEIGHT
# HiGHS's duals are feasible to 1e-7: a dual this close to zero on the wrong side is read as zero.
DUAL_TOLERANCE = 1e-6


def _new_highs() -> highspy.Highs:
    """A silent HiGHS: its first construction in a process prints a banner on the C stdout, kept off ours."""
    sys.stdout.flush()
    saved = os.dup(1)
    sink = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(sink, 1)
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
        highs.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(sink)
        os.close(saved)
    return highs


@dataclass
class Column:
    employee: str
    # (day, shift, post) worked, in day order.
    cells: tuple[tuple[int, str, str], ...]
    cost: float


@dataclass
class _Source:
    """What `SafetyMinimums.segments` reads: the scenario and its calendar."""

    scenario: Scenario
    calendar: Calendar


class Master:
    def __init__(self, scenario: Scenario, calendar: Calendar, cover: Sequence[Rule]) -> None:
        self.scenario = scenario
        self.people = [e.id for e in scenario.employees]
        self.person_row = {person: number for number, person in enumerate(self.people)}
        self.highs = _new_highs()
        self.highs.setOptionValue("threads", 1)
        # Presolve would discard the basis each round and start again (Curtois-Qu 12: 1,492 simplex iterations
        # and 0.63 s a solve with it, 122 and 0.05 s without). The MIP turns it back on.
        self.highs.setOptionValue("presolve", "off")
        self.simplex("primal")
        self._rows = len(self.people)
        self._row_lower: list[float] = [1.0] * len(self.people)
        self._row_upper: list[float] = [1.0] * len(self.people)
        # (day, shift, post) -> rows one person holding it counts in.
        self.slot_rows: dict[tuple[int, str, str], list[int]] = defaultdict(list)
        # (day, shift) -> safety rows, with the skill a person needs to count.
        self.safety_rows: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
        # Slack columns: (cost, upper bound, row, coefficient).
        slacks: list[tuple[float, float, int, float]] = []
        coverage = next((rule for rule in cover if isinstance(rule, Coverage)), None)
        safety = next((rule for rule in cover if isinstance(rule, SafetyMinimums)), None)
        if coverage is not None:
            short_price = SHORTFALL_WEIGHT if coverage.mode is RuleMode.HARD else coverage.weight
            for slot in demand_slots(scenario):
                key = (slot.day, slot.shift, slot.post)
                if slot.under_weight or slot.over_weight:
                    row = self._row(slot.preferred, slot.preferred)
                    self.slot_rows[key].append(row)
                    if slot.preferred > 0:
                        slacks.append((slot.under_weight, slot.preferred, row, 1.0))
                    slacks.append((slot.over_weight, INF, row, -1.0))
                if slot.min > 0:
                    row = self._row(slot.min, INF)
                    self.slot_rows[key].append(row)
                    slacks.append((short_price, slot.min, row, 1.0))
                if slot.max is not None:
                    row = self._row(-INF, slot.max)
                    self.slot_rows[key].append(row)
                    if coverage.mode is not RuleMode.HARD:
                        slacks.append((coverage.weight, INF, row, -1.0))
        if safety is not None:
            short_price = SHORTFALL_WEIGHT if safety.mode is RuleMode.HARD else safety.weight
            segments = safety.segments(_Source(scenario, calendar))  # type: ignore[arg-type]
            for minimum, _, _, covering in segments:
                row = self._row(minimum.min, INF)
                slacks.append((short_price, minimum.min, row, 1.0))
                for occurrence in covering:
                    self.safety_rows[(occurrence.day, occurrence.shift)].append((row, minimum.skill))
        lower = np.array(self._row_lower, dtype=np.double)
        upper = np.array(self._row_upper, dtype=np.double)
        empty = np.zeros(self._rows, dtype=np.int32)
        self.highs.addRows(self._rows, lower, upper, 0, empty, np.array([], dtype=np.int32),
                           np.array([], dtype=np.double))
        for cost, bound, row, sign in slacks:
            self.highs.addCol(float(cost), 0.0, float(bound), 1, np.array([row], dtype=np.int32),
                              np.array([sign], dtype=np.double))
        self.slack_count = len(slacks)
        self.slacks = slacks
        # HiGHS's index of each generated column, in the order of `columns` (stand-ins sit between them).
        self._lp_index: list[int] = []
        self._lp_columns = len(slacks)
        # Per person left without a column when seeding ran out of time, a stand-in for "no schedule yet" on
        # their convexity row (`stand_in`), its HiGHS index. It only enlarges the LP, so the LP's value stays
        # a lower bound; it is no schedule, so no roster ever takes it. Added only when needed: a column held at
        # zero still changed HiGHS's path through the degenerate first LPs (Curtois-Qu 1's dive: 609, not 607).
        self._stand_ins: dict[str, int] = {}
        self.standing_in: set[str] = set()
        # Per row, the duals for which every constraint and every unlimited slack keeps the bound exact.
        self._dual_interval: list[tuple[float, float]] = []
        for row in range(self._rows):
            low = 0.0 if math.isinf(self._row_upper[row]) else -math.inf
            high = 0.0 if math.isinf(self._row_lower[row]) else math.inf
            self._dual_interval.append((low, high))
        for cost, bound, row, sign in slacks:
            if math.isinf(bound):  # cost - sign x dual must stay >= 0
                low, high = self._dual_interval[row]
                self._dual_interval[row] = (low, min(high, cost)) if sign > 0 else (max(low, -cost), high)
        self.columns: list[Column] = []
        # employee -> indexes of their columns in `columns`.
        self.by_person: dict[str, list[int]] = defaultdict(list)
        self._known: set[tuple[str, tuple[tuple[int, str, str], ...]]] = set()
        self.skills = {e.id: set(e.skills) for e in scenario.employees}
        self._duals: list[float] = [0.0] * self._rows
        self._slot_values: dict[tuple[int, str, str], float] | None = None
        self.value = 0.0

    @property
    def duals(self) -> list[float]:
        """The rows' duals pricing the next round (the LP's, or smoothed ones). Replace, never edit in place:
        the cells' values are computed once per list (`slot_values`)."""
        return self._duals

    @duals.setter
    def duals(self, duals: list[float]) -> None:
        self._duals = duals
        self._slot_values = None

    def slot_values(self) -> dict[tuple[int, str, str], float]:
        """What one person holding each (day, shift, post) is worth on its demand rows under the current duals
        (safety rows aside: they depend on the person's skills), computed once per set of duals: pricing every
        person summed the same rows again (a third of Curtois-Qu 12's pricing time)."""
        if self._slot_values is None:
            duals = self._duals
            self._slot_values = {cell: sum(duals[row] for row in rows) for cell, rows in self.slot_rows.items()}
        return self._slot_values

    def _row(self, lower: float, upper: float) -> int:
        self._row_lower.append(float(lower))
        self._row_upper.append(float(upper))
        self._rows += 1
        return self._rows - 1

    def rows_of(self, employee: str, day: int, shift: str, post: str) -> list[int]:
        skills = self.skills[employee]
        return [*self.slot_rows.get((day, shift, post), []),
                *(row for row, skill in self.safety_rows.get((day, shift), []) if skill in skills)]

    def add(self, column: Column) -> bool:
        """Add a column unless the same schedule is already there."""
        key = (column.employee, column.cells)
        if key in self._known:
            return False
        self._known.add(key)
        counts: dict[int, float] = defaultdict(float)
        counts[self.person_row[column.employee]] += 1.0
        for day, shift, post in column.cells:
            for row in self.rows_of(column.employee, day, shift, post):
                counts[row] += 1.0
        rows = np.array(list(counts), dtype=np.int32)
        values = np.array(list(counts.values()), dtype=np.double)
        self.highs.addCol(float(column.cost), 0.0, INF, len(rows), rows, values)
        self._lp_index.append(self._lp_columns)
        self._lp_columns += 1
        self.by_person[column.employee].append(len(self.columns))
        self.columns.append(column)
        if column.employee in self.standing_in:
            self.stand_in(column.employee, False)  # a schedule at last: the stand-in goes
        return True

    def solve(self) -> float:
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the master LP ended {status}")
        self.duals = self._signed(list(self.highs.getSolution().row_dual))
        self.value = float(self.highs.getInfo().objective_function_value)
        return self.value

    def _signed(self, duals: list[float]) -> list[float]:
        """HiGHS's duals, each moved into the interval where the Lagrangian bound holds exactly: at least 0 on
        a row with only a lower side, at most 0 with only an upper side, and no slack of unlimited size priced
        below zero. They are feasible to 1e-7 only, and the bound must never rest on a tolerance; a move of
        that size changes pricing by nothing that matters."""
        for row in range(len(self.people), self._rows):
            low, high = self._dual_interval[row]
            duals[row] = min(max(duals[row], low), high)
        return duals

    def simplex(self, kind: str) -> None:
        """"primal" while columns are added (the basis stays primal feasible), "dual" while a dive fixes them
        (it stays dual feasible): each re-solve then starts from the last basis, a few iterations away."""
        self.highs.setOptionValue("simplex_strategy", 4 if kind == "primal" else 1)

    def stand_in(self, employee: str, enabled: bool) -> None:
        """Let a person's stand-in column into the LP (they have no schedule yet), or hold it at zero."""
        if employee not in self._stand_ins:
            if not enabled:
                return
            self.highs.addCol(float(STAND_IN_COST), 0.0, 1.0, 1, np.array([self.person_row[employee]], dtype=np.int32),
                              np.array([1.0], dtype=np.double))
            self._stand_ins[employee] = self._lp_columns
            self._lp_columns += 1
        where = np.array([self._stand_ins[employee]], dtype=np.int32)
        upper = np.array([1.0 if enabled else 0.0], dtype=np.double)
        self.highs.changeColsBounds(1, where, np.zeros(1, dtype=np.double), upper)
        if enabled:
            self.standing_in.add(employee)
        else:
            self.standing_in.discard(employee)

    def column_values(self) -> list[float]:
        """Each generated column's value in the last LP solved, in the order of `columns`."""
        values = self.highs.getSolution().col_value
        return [values[index] for index in self._lp_index]

    def enable(self, indexes: Sequence[int], enabled: bool) -> None:
        """Let these columns (indexes into `columns`) into the LP, or hold them at zero (a dive's fixings)."""
        if not indexes:
            return
        where = np.array([self._lp_index[index] for index in indexes], dtype=np.int32)
        lower = np.zeros(len(indexes), dtype=np.double)
        upper = np.full(len(indexes), INF if enabled else 0.0, dtype=np.double)
        self.highs.changeColsBounds(len(indexes), where, lower, upper)

    def lagrangian_constant(self) -> float:
        """The part of the Lagrangian bound at the current duals that is not people's schedules: each cover
        row's dual times its bound, plus what a slack could gain (none: the duals are dual-feasible)."""
        total = 0.0
        people = len(self.people)
        for row in range(people, self._rows):
            dual = self.duals[row]
            if abs(dual) < 1e-12:
                continue
            side = self._row_lower[row] if dual > 0 else self._row_upper[row]
            if math.isinf(side):
                if abs(dual) < DUAL_TOLERANCE:
                    continue
                return -math.inf  # the dual points the wrong way: no bound from these duals
            total += dual * side
        for cost, bound, row, sign in self.slacks:
            gain = cost - self.duals[row] * sign
            if gain < 0:
                if math.isinf(bound):
                    if gain < -DUAL_TOLERANCE:
                        return -math.inf
                    continue  # LP duals are dual-feasible only up to the solver's tolerance
                total += gain * bound
        return total

    def reduced_cost(self, column: Column, duals: Sequence[float]) -> float:
        """The column's cost less what its rows are worth under `duals` (its person's convexity row too)."""
        worth = duals[self.person_row[column.employee]]
        for day, shift, post in column.cells:
            worth += sum(duals[row] for row in self.rows_of(column.employee, day, shift, post))
        return column.cost - worth

    def convexity_dual(self, employee: str) -> float:
        return self.duals[self.person_row[employee]]

    def cell_value(self, employee: str, day: int, shift: str, post: str) -> float:
        """What one person holding that post on that shift and day is worth under the current duals."""
        value = self.slot_values().get((day, shift, post), 0.0)
        safety = self.safety_rows.get((day, shift))
        if safety:
            skills = self.skills[employee]
            value += sum(self._duals[row] for row, skill in safety if skill in skills)
        return value

    def integer_roster(self, seconds: float, start: Sequence[Column] | None = None,
                       ) -> tuple[list[Column] | None, float | None, float | None]:
        """Price-and-branch: one generated schedule per person, by HiGHS's MIP over the columns in hand,
        from the roster `start` (one column per person, all in hand) when given. Returns (chosen columns,
        objective, the MIP's own bound); the LP is restored afterwards."""
        count = len(self.columns)
        indexes = np.array(self._lp_index, dtype=np.int32)
        integer = np.array([highspy.HighsVarType.kInteger] * count)
        self.highs.changeColsIntegrality(count, indexes, integer)
        self.highs.setOptionValue("time_limit", max(float(seconds), 0.1))
        self.highs.setOptionValue("presolve", "on")
        if start is not None:
            # Only the columns are given: HiGHS completes the slacks (a partial solution).
            taken = {(column.employee, column.cells) for column in start}
            given = list(self._lp_index)
            values = [1.0 if (column.employee, column.cells) in taken else 0.0 for column in self.columns]
            self.highs.setSolution(len(given), np.array(given, dtype=np.int32), np.array(values, dtype=np.double))
        try:
            self.highs.run()
            info = self.highs.getInfo()
            values = self.column_values()
            found = info.primal_solution_status == 2  # kSolutionStatusFeasible
            chosen: list[Column] | None = None
            if found:
                picked = [column for column, taken in zip(self.columns, values, strict=True)
                          if taken > 0.5]
                if len({column.employee for column in picked}) == len(self.people) == len(picked):
                    chosen = picked
            objective = float(info.objective_function_value) if chosen is not None else None
            mip_bound = float(info.mip_dual_bound) if chosen is not None else None
        finally:
            continuous = np.array([highspy.HighsVarType.kContinuous] * count)
            self.highs.changeColsIntegrality(count, indexes, continuous)
            self.highs.setOptionValue("time_limit", INF)
            self.highs.setOptionValue("presolve", "off")
        return chosen, objective, mip_bound

    def assignments(self, columns: Sequence[Column]) -> list[Assignment]:
        dates = self.scenario.horizon.dates()
        return sorted(Assignment(column.employee, dates[day], shift, post)
                      for column in columns for day, shift, post in column.cells)
