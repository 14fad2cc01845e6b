"""A lower bound from the compact model's linear relaxation: x[person, day, shift, post] in [0, 1], solved by HiGHS.

Column generation's bound needs the master LP near its optimum, and on a year (Curtois-Qu 21-24) pricing one
person takes seconds, so few rounds fit and the bound stays 0. This relaxation needs no pricing at all: one LP,
built from the same walk (`decompose.walk_spec`: the person's rules as they walk day by day) and the same cover
rows (`master.Master`) as column generation, so no rule is written twice.

Rows (each holds for every lawful roster, with work[p, d] = the shifts person p works on day d):
- work[p, d] <= 1 (one shift a day), as the column bound of `work`;
- the hours window: low <= sum of minutes worked <= high;
- per capped type, the shifts of that type <= cap; weekends: worked[p, k] >= work on each day of weekend k, and
  sum_k worked[p, k] <= the person's maximum;
- runs: any max_on + 1 consecutive days hold at most max_on worked; a run of work (of rest) that starts after
  day 0 and ends before the horizon's end lasts at least min_on (min_off) days (the walk's edge exemption);
- successions: per set C of shifts some shift forbids the next day, the shifts forbidding all of C today plus
  the shifts of C tomorrow <= 1;
- cover: the master's rows, with the same priced under-, over- and short-staffing slacks.

Its cost is each person's own price of working a shift or resting (requests, changes, the crew cycle), linear in
x, plus the slacks; the own price of the total minutes (an hours target) is left out (never negative).

**Why its value is a bound.** Every lawful roster, written as x in {0, 1} with its slacks, meets every row, and
its cost is at least the relaxation's objective at that point (equal, less the minutes' price): the relaxation's
minimum is at most every roster's cost. The value printed does not rest on HiGHS's optimality tolerances: it is
the dual bound at HiGHS's row duals, computed here (`dual_bound`), which holds for *any* duals: every column has a
finite upper bound (an over-staffing slack at most the number of people), so for duals y,

    cost(x) >= sum_r y_r (A x)_r + sum_j (c_j - a_j . y) x_j
            >= sum_r min(y_r L_r, y_r U_r) + sum_j min(0, c_j - a_j . y) u_j   (for L <= Ax <= U, 0 <= x <= u)

with a row's infinite side met by setting its dual to 0 when it points there.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from roulement.model.calendar import Calendar
from roulement.model.costs import least_whole_cost
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.solve.colgen.decompose import WalkSpec, decompose, demanded_posts, permitted, walk_spec
from roulement.solve.colgen.master import INF, Master, _new_highs

# Up to this many decisions (people x days x shift types) the relaxation has the rows of runs and successions;
# above, it is solved without them: on Curtois-Qu 21 (145,600) they raised the bound from 11,156 to 11,948
# (7 %) and the interior point's time from 43 s to 136 s (one core, machine shared).
RICH_UP_TO = 100_000


@dataclass
class CompactBound:
    """The relaxation's bound (the dual bound at HiGHS's duals), what it covers, and the duals of the master's
    rows (in the master's order, 0 on its convexity rows), so column generation can start from them."""

    value: float
    kind: str
    excludes: list[str]
    seconds: float
    # HiGHS's own objective (for the record: `value` is what is proven); NaN when it stopped before the optimum.
    lp_value: float
    cover_duals: list[float]
    rows: int
    columns: int

    @property
    def whole(self) -> int:
        return least_whole_cost(self.value)


class CompactRelaxation:
    """The linear relaxation of the whole model over people, days, shifts and posts (see the module's text)."""

    def __init__(self, scenario: Scenario, rules: Sequence[Rule], runs: bool = True, successions: bool = True,
                 deadline: float = math.inf,
                 walks: Sequence[tuple[list[list[tuple[str, str]]], WalkSpec]] | None = None) -> None:
        """`runs` and `successions`: whether those rows are written (leaving rows out keeps a bound, weaker).
        Past `deadline` (building a year's model takes seconds per person), raises `TimeoutError`. `walks`: each
        person's permitted cells and walk, in the scenario's order, when column generation has them already
        (from the same relaxed rules)."""
        decomposition = decompose(rules).relaxed()
        self.kind = decomposition.bound_kind
        self.excludes = decomposition.excluded
        calendar = Calendar(scenario)
        self.master = master = Master(scenario, calendar, decomposition.cover)
        self.cover_rows = master._rows
        people = len(master.people)
        posts_wanted = demanded_posts(scenario)
        # Rows: the master's (its convexity rows first, left empty with sides [0, 0] so the indexes match), then
        # the people's.
        lower: list[float] = [0.0] * people + master._row_lower[people:]
        upper: list[float] = [0.0] * people + master._row_upper[people:]
        costs: list[float] = []
        col_upper: list[float] = []
        # Entries (column, row, value).
        entry_col: list[int] = []
        entry_row: list[int] = []
        entry_value: list[float] = []
        constant = 0.0

        def column(cost: float, bound: float) -> int:
            costs.append(cost)
            col_upper.append(bound)
            return len(costs) - 1

        def row(low: float, high: float) -> int:
            lower.append(low)
            upper.append(high)
            return len(lower) - 1

        def enter(col: int, at: int, value: float) -> None:
            entry_col.append(col)
            entry_row.append(at)
            entry_value.append(value)

        # The master's slacks, an unlimited one bounded by the people who could fill it.
        for cost, bound, at, sign in master.slacks:
            enter(column(float(cost), float(bound) if math.isfinite(bound) else float(people)), at, sign)
        for number, employee in enumerate(scenario.employees):
            if time.monotonic() > deadline:
                raise TimeoutError("the compact relaxation was not built in time")
            if walks is not None:
                allowed, spec = walks[number]
            else:
                allowed = permitted(scenario, calendar, decomposition.personal, employee, posts_wanted)
                spec = walk_spec(scenario, calendar, decomposition.personal, employee, allowed)
            index = {shift: number for number, shift in enumerate(spec.shifts)}
            days = spec.days
            # work[d]: 1 when the person works day d; linked to the day's cells by sum x - work = 0.
            work = [column(0.0, 1.0) for _ in range(days)]
            minutes_row = row(float(spec.low), float(spec.high) if spec.high is not None else INF) \
                if spec.low or spec.high is not None else None
            cap_rows = {number: row(-INF, float(cap)) for number, cap in spec.caps.items()}
            # (shift index, day) -> its cells' columns (one per post).
            cells: dict[tuple[int, int], list[int]] = {}
            for day in range(days):
                constant += spec.own_off[day]
                link = row(0.0, 0.0)
                enter(work[day], link, -1.0)
                minutes_of = dict(spec.options[day])
                for shift, post in allowed[day]:
                    number = index[shift]
                    if spec.caps.get(number) == 0:
                        continue
                    col = column(spec.own_work[day][number] - spec.own_off[day], 1.0)
                    enter(col, link, 1.0)
                    for at in master.rows_of(employee.id, day, shift, post):
                        enter(col, at, 1.0)
                    if minutes_row is not None:
                        enter(col, minutes_row, float(minutes_of[number]))
                    if number in cap_rows:
                        enter(col, cap_rows[number], 1.0)
                    cells.setdefault((number, day), []).append(col)
            if spec.max_weekends is not None:
                weekends: dict[int, list[int]] = {}
                for day, weekend in spec.weekend_of.items():
                    weekends.setdefault(weekend, []).append(day)
                total = row(-INF, float(spec.max_weekends))
                for weekend_days in weekends.values():
                    worked = column(0.0, 1.0)
                    enter(worked, total, 1.0)
                    for day in weekend_days:
                        at = row(-INF, 0.0)  # work[day] - worked <= 0
                        enter(work[day], at, 1.0)
                        enter(worked, at, -1.0)
            if spec.max_on is not None and runs:
                for first in range(0, days - spec.max_on):
                    at = row(-INF, float(spec.max_on))
                    for day in range(first, first + spec.max_on + 1):
                        enter(work[day], at, 1.0)
            # A run starting on day d >= 1 that has not reached the end by day d + j (j < its minimum) goes on:
            # work[d] - work[d-1] - work[d+j] <= 0; for rest, work[d-1] - work[d] + work[d+j] <= 1.
            for least, resting in ((spec.min_on or 0, False), (spec.min_off or 0, True)) if runs else ():
                for day in range(1, days):
                    for ahead in range(1, least):
                        if day + ahead >= days:
                            break
                        if resting:
                            at = row(-INF, 1.0)
                            enter(work[day - 1], at, 1.0)
                            enter(work[day], at, -1.0)
                            enter(work[day + ahead], at, 1.0)
                        else:
                            at = row(-INF, 0.0)
                            enter(work[day], at, 1.0)
                            enter(work[day - 1], at, -1.0)
                            enter(work[day + ahead], at, -1.0)
            for banned in sorted(set(spec.forbidden), key=sorted) if successions else ():
                if not banned:
                    continue
                before = [number for number, after in enumerate(spec.forbidden) if banned <= after]
                for day in range(days - 1):
                    today = [col for number in before for col in cells.get((number, day), ())]
                    tomorrow = [col for number in banned for col in cells.get((number, day + 1), ())]
                    if not today or not tomorrow:
                        continue
                    at = row(-INF, 1.0)
                    for col in (*today, *tomorrow):
                        enter(col, at, 1.0)
        self.constant = constant
        self.costs = np.array(costs, dtype=np.double)
        self.col_upper = np.array(col_upper, dtype=np.double)
        self.lower = np.array(lower, dtype=np.double)
        self.upper = np.array(upper, dtype=np.double)
        order = np.lexsort((np.array(entry_row), np.array(entry_col)))
        self.entry_col = np.array(entry_col, dtype=np.int64)[order]
        self.entry_row = np.array(entry_row, dtype=np.int32)[order]
        self.entry_value = np.array(entry_value, dtype=np.double)[order]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.lower), len(self.costs)

    def dual_bound(self, duals: np.ndarray) -> float:
        """The Lagrangian (dual) bound at any row duals (see the module's text): a lower bound on every roster's
        cost on the terms covered, whatever `duals` are. A dual pointing at an infinite side counts as 0."""
        y = np.array(duals, dtype=np.double)
        y = np.where((y > 0) & np.isinf(self.lower), 0.0, y)
        y = np.where((y < 0) & np.isinf(self.upper), 0.0, y)
        side = np.where(y > 0, self.lower, self.upper)
        rows_part = float(np.sum(np.where(y != 0, y * np.where(np.isinf(side), 0.0, side), 0.0)))
        worth = np.bincount(self.entry_col, weights=self.entry_value * y[self.entry_row], minlength=len(self.costs))
        reduced = self.costs - worth
        columns_part = float(np.sum(np.minimum(reduced, 0.0) * self.col_upper))
        return self.constant + rows_part + columns_part

    def solve(self, seconds: float, method: str = "ipm") -> CompactBound | None:
        """Solve the relaxation within `seconds` (interior point by default, without crossover: only the duals
        matter); None when HiGHS has no duals at all."""
        started = time.monotonic()
        highs = _new_highs()
        highs.setOptionValue("threads", 1)
        highs.setOptionValue("time_limit", max(float(seconds), 1.0))
        highs.setOptionValue("solver", method)
        if method == "ipm":
            highs.setOptionValue("run_crossover", "off")
        rows, cols = self.shape
        highs.addRows(rows, self.lower, self.upper, 0, np.zeros(rows, dtype=np.int32), np.array([], dtype=np.int32),
                      np.array([], dtype=np.double))
        starts = np.searchsorted(self.entry_col, np.arange(cols)).astype(np.int32)
        highs.addCols(cols, self.costs, np.zeros(cols, dtype=np.double), self.col_upper, len(self.entry_col), starts,
                      self.entry_row, self.entry_value)
        highs.run()
        solution = highs.getSolution()
        # Whatever duals HiGHS has, even stopped by its time limit before optimality: the bound holds at any.
        if len(solution.row_dual) != rows:
            return None
        duals = np.array(solution.row_dual, dtype=np.double)
        value = self.dual_bound(duals)
        optimal = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        lp_value = float(highs.getInfo().objective_function_value) + self.constant if optimal else math.nan
        return CompactBound(value, self.kind, self.excludes, time.monotonic() - started, lp_value,
                            [float(dual) for dual in duals[:self.cover_rows]], rows, cols)


def compact_bound(scenario: Scenario, rules: Sequence[Rule], seconds: float,
                  walks: Sequence[tuple[list[list[tuple[str, str]]], WalkSpec]] | None = None,
                  ) -> CompactBound | None:
    """The compact relaxation's bound within about `seconds` (building it counts), or None. Above
    `RICH_UP_TO` decisions the rows of runs and successions are left out (a weaker bound, sooner)."""
    started = time.monotonic()
    rich = len(scenario.employees) * scenario.horizon.days * len(scenario.shifts) <= RICH_UP_TO
    try:
        relaxation = CompactRelaxation(scenario, rules, runs=rich, successions=rich, deadline=started + seconds,
                                        walks=walks)
    except TimeoutError:
        return None
    left = seconds - (time.monotonic() - started)
    if left <= 0:
        return None
    found = relaxation.solve(left)
    if found is not None:
        found.seconds = time.monotonic() - started
    return found
