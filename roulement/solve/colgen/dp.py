"""Pricing by dynamic programming: one person's cheapest schedule under given day prices, exactly.

A resource-constrained shortest path over the days. A label is a partial schedule up to a day; its state is
what the rules need to judge the rest: the last shift (successions), the length of the current run of work
or rest and whether it began on the first day (runs touching the horizon's edge are exempt from minimums),
whether this weekend is already counted, the minutes worked, and the shifts per capped type and weekends
worked. Labels with the same state and minutes are compared by price and resources: one that is no cheaper
and uses no less of every resource is dominated and dropped, so the search stays exact. A label whose price
plus the cheapest possible rest of the horizon cannot beat the threshold is dropped too.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from roulement.solve.colgen.decompose import WalkSpec

OFF = -1
_START = -2


@dataclass(frozen=True)
class Schedule:
    """One person's days (shift index or OFF per day) and its price under the prices it was searched with."""

    days: tuple[int, ...]
    price: float


class OutOfTime(RuntimeError):
    """The labelling passed its deadline: nothing it found so far is proven."""


def cheapest(
    spec: WalkSpec, work_price: list[dict[int, float]], threshold: float = float("inf"), count: int = 1,
    beam: bool = False, deadline: float = float("inf"), off_price: list[float] | None = None,
) -> list[Schedule]:
    """The cheapest schedules priced below `threshold` (at most `count`, cheapest first; [] if none).

    `work_price[day][shift]` is the full price of working that shift that day (the person's own price and
    the duals); a day off costs `spec.own_off[day]`; the total minutes add `spec.final_cost`. Exact unless
    `beam`, which keeps one label per state and minutes (fast, for early heuristic pricing)."""
    days = spec.days
    if off_price is None:
        off_price = spec.own_off
    capped = list(spec.caps)
    cap_slot = {shift: number for number, shift in enumerate(capped)}
    cap_limits = [spec.caps[shift] for shift in capped]
    # Shifts are told apart by what the state needs: the successions they forbid (their class), which
    # classes forbid them, and their minutes. Among interchangeable uncapped shifts only the cheapest of the
    # day can be on a cheapest path, so each day offers one per kind (capped shifts are kept one by one).
    sets = sorted(set(spec.forbidden), key=sorted)
    class_of = [sets.index(banned) for banned in spec.forbidden]
    banned_by = [frozenset(number for number, banned in enumerate(sets) if shift in banned)
                 for shift in range(len(spec.shifts))]
    options: list[list[tuple[int, int, int, float, frozenset[int], int]]] = []
    for day in range(days):
        kinds: dict[tuple[int, frozenset[int], int], tuple[int, int, int, float, frozenset[int], int]] = {}
        capped_today = []
        for shift, minutes in spec.options[day]:
            entry = (shift, class_of[shift], minutes, work_price[day][shift], banned_by[shift],
                     cap_slot.get(shift, -1))
            if entry[5] >= 0:
                capped_today.append(entry)
                continue
            group = (class_of[shift], banned_by[shift], minutes)
            if group not in kinds or entry[3] < kinds[group][3]:
                kinds[group] = entry
        options.append([*kinds.values(), *capped_today])
    # The cheapest rest of the horizon from each day, whatever the rules: prunes hopeless labels.
    rest = [0.0] * (days + 1)
    most_minutes = [0] * (days + 1)
    for day in range(days - 1, -1, -1):
        rest[day] = rest[day + 1] + min([off_price[day], *(entry[3] for entry in options[day])])
        most_minutes[day] = most_minutes[day + 1] + max([0, *(entry[2] for entry in options[day])])
    low = spec.low
    high = spec.high
    track = spec.tracks_minutes
    weekend_of = spec.weekend_of
    weekends_tracked = spec.max_weekends is not None
    max_weekends = spec.max_weekends if spec.max_weekends is not None else 0
    max_on = spec.max_on
    min_on = spec.min_on or 0
    min_off = spec.min_off or 0
    run_cap_on = max_on if max_on is not None else max(min_on, 1)
    run_cap_off = max(min_off, 1)
    resources = bool(capped) or weekends_tracked
    exact_resources = resources and not beam

    inf = float("inf")
    # The fast labelling keeps one label per state and minutes, blind to the resources: of two equally cheap
    # labels it keeps the one that used less of its caps and weekends (keeping the first, at zero prices it
    # kept one that had spent them all and lost every lawful schedule: Curtois-Qu 22's person D).
    tie_break = resources and not exact_resources
    limits = [*cap_limits, *([max_weekends] if weekends_tracked else [])]
    shares = [1.0 / limit if limit else 1e6 for limit in limits]

    def _pressure(used: tuple[int, ...]) -> float:
        return sum(count * share for count, share in zip(used, shares, strict=True))

    def moves(last: int, run: int, edge: bool) -> tuple[bool, tuple[int, int, bool], bool, int, bool]:
        """(off allowed, the off state, work allowed, the work run, its edge flag) from a state."""
        if last >= 0:
            return (not (min_on and not edge and run < min_on), (OFF, 1, False),
                    max_on is None or run < max_on, min(run + 1, run_cap_on), edge)
        if last == OFF:
            return (True, (OFF, min(run + 1, run_cap_off), edge),
                    not (min_off and not edge and run < min_off), 1, False)
        return True, (OFF, 1, True), True, 1, True

    # The cheapest completion from each state and minutes, caps and weekends set aside: a lower bound that
    # prunes the exact labelling, and proves at once that no schedule beats the threshold when none does.
    completion: dict[tuple[int, int, int, bool, int], float] = {}

    def complete(day: int, last: int, run: int, edge: bool, minutes: int) -> float:
        if track and high is not None and minutes > high:
            return inf
        if day == days:
            return inf if track and minutes < low else float(spec.final_cost(minutes))
        if track and minutes + most_minutes[day] < low:
            return inf
        key = (day, last, run, edge, minutes)
        known = completion.get(key)
        if known is not None:
            return known
        off_allowed, off_state, work_allowed, work_run, work_edge = moves(last, run, edge)
        best = inf
        if off_allowed:
            best = off_price[day] + complete(day + 1, *off_state, minutes)
        if work_allowed:
            for _, kind, worked, shift_price, banned_by_classes, _ in options[day]:
                if last >= 0 and last in banned_by_classes:
                    continue
                after = complete(day + 1, kind, work_run, work_edge, minutes + worked if track else 0)
                if shift_price + after < best:
                    best = shift_price + after
        completion[key] = best
        return best

    # With no threshold there is nothing to prune; otherwise the completion bound prunes both labellings.
    bounded = not math.isinf(threshold)
    if bounded and complete(0, _START, 0, True, 0) >= threshold:
        return []

    # state -> minutes (and, when exact, the resources used) -> (price, resources, node); node = (choice,
    # parent node). Exact labelling tells resources apart, so a label is only merged with the same state:
    # cheaper than Pareto sets in Python, and as exact.
    Labels = dict[tuple[int, int, bool, int], dict[Any, tuple[float, tuple[int, ...], Any]]]
    start_resources = (0,) * (len(capped) + (1 if weekends_tracked else 0))
    labels: Labels = {(_START, 0, True, -1): {(0, start_resources) if exact_resources else 0:
                                               (0.0, start_resources, None)}}
    for day in range(days):
        if time.monotonic() > deadline:
            raise OutOfTime(f"pricing {spec.employee} stopped at day {day} of {days}")
        nxt: Labels = {}
        week = weekend_of.get(day, -1)
        # Own prices of the total minutes are never negative: the rest costs at least `rest`.
        bound = threshold - rest[day + 1]
        remaining_minutes = most_minutes[day + 1]
        today = options[day]
        off_today = off_price[day]

        def add(key: tuple[int, int, bool, int], minutes: int, price: float, used: tuple[int, ...],
                node: Any, nxt: Labels = nxt) -> None:
            inner = (minutes, used) if exact_resources else minutes
            by_minutes = nxt.get(key)
            if by_minutes is None:
                nxt[key] = {inner: (price, used, node)}
                return
            known = by_minutes.get(inner)
            if known is None or price < known[0] - 1e-9 or (
                    tie_break and price <= known[0] + 1e-9 and _pressure(used) < _pressure(known[1])):
                by_minutes[inner] = (price, used, node)

        for (last, run, edge, counted), by_minutes in labels.items():
            counted_today = counted if counted == week and week >= 0 else -1
            # A day off.
            off_allowed = True
            if last >= 0:
                off_allowed = not (min_on and not edge and run < min_on)
                off_key = (OFF, 1, False, counted_today)
            elif last == OFF:
                off_key = (OFF, min(run + 1, run_cap_off), edge, counted_today)
            else:
                off_key = (OFF, 1, True, counted_today)
            # Work: which shifts may follow, and the run it makes.
            if last >= 0:
                work_allowed = max_on is None or run < max_on
                work_run, work_edge = min(run + 1, run_cap_on), edge
            elif last == OFF:
                work_allowed = not (min_off and not edge and run < min_off)
                work_run, work_edge = 1, False
            else:
                work_allowed, work_run, work_edge = True, 1, True
            for inner, (price, used, node) in by_minutes.items():
                minutes = inner[0] if exact_resources else inner
                if True:
                    if off_allowed:
                        total = price + off_today
                        if bounded:
                            fits = total + complete(day + 1, off_key[0], off_key[1], off_key[2], minutes) < threshold
                        else:
                            fits = total < bound and (not track or minutes + remaining_minutes >= low)
                        if fits:
                            add(off_key, minutes, total, used, (OFF, node))
                    if not work_allowed:
                        continue
                    for shift, kind, worked, shift_price, banned_by_classes, slot in today:
                        if last >= 0 and last in banned_by_classes:
                            continue
                        total = price + shift_price
                        if total >= bound:
                            continue
                        new_minutes = minutes + worked if track else 0
                        if bounded:
                            if total + complete(day + 1, kind, work_run, work_edge, new_minutes) >= threshold:
                                continue
                        elif track and ((high is not None and new_minutes > high)
                                        or new_minutes + remaining_minutes < low):
                            continue
                        new_used = used
                        new_counted = counted_today
                        if resources:
                            changed = list(used)
                            if slot >= 0:
                                changed[slot] += 1
                                if changed[slot] > cap_limits[slot]:
                                    continue
                            if weekends_tracked and week >= 0 and counted_today != week:
                                changed[-1] += 1
                                if changed[-1] > max_weekends:
                                    continue
                            new_used = tuple(changed)
                        if week >= 0:
                            new_counted = week
                        add((kind, work_run, work_edge, new_counted), new_minutes, total, new_used, (shift, node))
        labels = nxt
    finished: list[tuple[float, Any]] = []
    for by_minutes in labels.values():
        for inner, (price, _, node) in by_minutes.items():
            minutes = inner[0] if exact_resources else inner
            if track and (minutes < low or (high is not None and minutes > high)):
                continue
            total = price + spec.final_cost(minutes)
            if total < threshold:
                finished.append((total, node))
    finished.sort(key=lambda pair: pair[0])
    schedules = []
    for total, node in finished[:count]:
        chosen: list[int] = []
        while node is not None:
            chosen.append(node[0])
            node = node[1]
        schedules.append(Schedule(tuple(reversed(chosen)), total))
    return schedules


# The dense labelling keeps one array per day of (state, resources): used when that table is this small.
DENSE_CELLS = 1_500_000
DENSE_HISTORY_BYTES = 400_000_000
# A person whose table has more cells than this is priced by a capped walk when one fits in this many
# (Curtois-Qu 10: tables of 1.2 million cells took a second a walk; with one cap priced, a tenth of that).
CAPPED_FROM = 300_000


_pool = threading.local()


def _tables(count: int, states: int, resources: int) -> list[np.ndarray]:
    """`count` tables of (states, resources), views of one buffer kept per thread: pricing the same people
    round after round, fresh allocations of these tables cost more than the walk itself (page faults)."""
    size = count * states * resources
    buffer: np.ndarray | None = getattr(_pool, "buffer", None)
    if buffer is None or buffer.size < size:
        buffer = np.empty(size)
        _pool.buffer = buffer
    return list(buffer[:size].reshape(count, states, resources))


@dataclass(frozen=True)
class _Group:
    """Moves of one day that shift the resources alike: move i goes from state `sources[i]` to
    `targets[i]` taking day option `options[i]` (-1: a day off), adds `delta` to the resource index where
    `valid` allows it (None: every resource) and `steps` to the minutes."""

    sources: np.ndarray
    options: np.ndarray
    targets: np.ndarray
    delta: int
    valid: np.ndarray | None
    steps: int
    # For reading a path back: target state -> the (source, option) moves reaching it.
    into: dict[int, list[tuple[int, int]]]


class DenseWalk:
    """One person's walk as a table: every state the rules need (last shift's class, current run, whether
    it began on day 0, whether this weekend is counted) times every resource vector (minutes worked, in
    units of the shifts' common divisor, weekends worked, shifts per capped type). Each day is a few numpy
    operations over the whole table: exact, with no dominance to get wrong, and fast while the table is
    small (Curtois-Qu 1-12 and 16-20). `None` from `build` when it would be too large."""

    def __init__(self, spec: WalkSpec) -> None:
        self.spec = spec
        self.capped = list(spec.caps)
        sets = sorted(set(spec.forbidden), key=sorted)
        self.class_of = [sets.index(banned) for banned in spec.forbidden]
        self.banned_by = [frozenset(n for n, banned in enumerate(sets) if shift in banned)
                          for shift in range(len(spec.shifts))]
        minutes = {worked for today in spec.options for _, worked in today}
        self.unit = (math.gcd(*minutes) or 1) if spec.tracks_minutes and minutes else 1
        if spec.tracks_minutes:
            most = sum(max([0, *(worked for _, worked in today)]) for today in spec.options)
            top = most if spec.high is None else min(most, spec.high)
            self.minute_levels = top // self.unit + 1
        else:
            self.minute_levels = 1
        self.weekends = spec.max_weekends is not None
        self.weekend_levels = (spec.max_weekends or 0) + 1 if self.weekends else 1
        self.cap_levels = [spec.caps[shift] + 1 for shift in self.capped]
        strides = [self.minute_levels * self.weekend_levels]
        for levels in self.cap_levels[:-1]:
            strides.append(strides[-1] * levels)
        self.cap_strides = strides[:len(self.capped)]
        self.resources = self.minute_levels * self.weekend_levels * math.prod(self.cap_levels)
        max_on, min_on, min_off = spec.max_on, spec.min_on or 0, spec.min_off or 0
        self.run_cap_on = max_on if max_on is not None else max(min_on, 1)
        self.run_cap_off = max(min_off, 1)
        flags = (0, 1) if self.weekends else (0,)
        self.states: list[tuple[int, int, bool, int]] = [(_START, 0, True, 0)]
        for last, top_run in [(OFF, self.run_cap_off), *((kind, self.run_cap_on) for kind in range(len(sets)))]:
            for run in range(1, top_run + 1):
                for edge in (False, True):
                    for flag in flags:
                        self.states.append((last, run, edge, flag))
        self.index = {state: number for number, state in enumerate(self.states)}
        self.cells = len(self.states) * self.resources
        self._days: dict[Any, list[_Group]] = {}

    def _allocate(self) -> None:
        """The per-resource arrays, once the table is known to be small enough (Curtois-Qu 13 on: billions)."""
        resource = np.arange(self.resources)
        self.minutes_of = (resource % self.minute_levels) * self.unit
        self.weekends_of = (resource // self.minute_levels) % self.weekend_levels
        self.caps_of = [(resource // stride) % levels for stride, levels in zip(self.cap_strides, self.cap_levels,
                                                                                 strict=True)]
        self._masks: dict[tuple[int, int, int], np.ndarray | None] = {}
        self._everywhere = np.ones(self.resources, dtype=bool)

    @staticmethod
    def build(spec: WalkSpec, most: int | None = None) -> DenseWalk | None:
        """The walk, unless its table would have more than `most` cells (default `DENSE_CELLS`)."""
        walk = DenseWalk(spec)
        cells = walk.cells
        if cells > (DENSE_CELLS if most is None else most) or cells * 8 * (spec.days + 1) > DENSE_HISTORY_BYTES:
            return None
        walk._allocate()
        return walk

    def _mask(self, steps: int, weekend: int, slot: int) -> np.ndarray | None:
        """Resource indexes from which this step stays within every limit (None: all of them)."""
        key = (steps, weekend, slot)
        if key not in self._masks:
            valid = np.ones(self.resources, dtype=bool)
            if steps:
                valid &= self.minutes_of // self.unit + steps < self.minute_levels
            if weekend:
                valid &= self.weekends_of + 1 < self.weekend_levels
            if slot >= 0:
                valid &= self.caps_of[slot] + 1 < self.cap_levels[slot]
            self._masks[key] = None if valid.all() else valid
        return self._masks[key]

    def _groups(self, day: int, today: list[tuple[int, int, int, int]]) -> list[_Group]:
        """The day's moves, grouped by how they shift the resources (cached by the day's kind)."""
        spec = self.spec
        week = spec.weekend_of.get(day, -1) if self.weekends else -1
        carry = week >= 0 and spec.weekend_of.get(day - 1, -1) == week
        # The moves depend on each option's kind (class, what it may not follow, minutes, cap), not on which
        # shift of the kind was the day's cheapest: cached by kind (Curtois-Qu 12: rebuilt on every day of
        # every walk otherwise, most of the pricing's time).
        key = (week >= 0, carry, day == 0,
               tuple((self.class_of[shift], self.banned_by[shift], steps, slot) for shift, steps, _, slot in today))
        if key in self._days:
            return self._days[key]
        max_on, min_on, min_off = spec.max_on, spec.min_on or 0, spec.min_off or 0
        # (minute steps, weekend counted, capped slot) -> moves (source, option, target).
        moves: dict[tuple[int, int, int], list[tuple[int, int, int]]] = {}
        for source, (last, run, edge, flag) in enumerate(self.states):
            if (last == _START) != (day == 0):
                continue
            flag_today = flag if carry else 0
            if last >= 0:
                off_ok = not (min_on and not edge and run < min_on)
                off_state = (OFF, 1, False, flag_today)
                work_ok = max_on is None or run < max_on
                work_run, work_edge = min(run + 1, self.run_cap_on), edge
            elif last == OFF:
                off_ok, off_state = True, (OFF, min(run + 1, self.run_cap_off), edge, flag_today)
                work_ok = not (min_off and not edge and run < min_off)
                work_run, work_edge = 1, False
            else:
                off_ok, off_state, work_ok, work_run, work_edge = True, (OFF, 1, True, 0), True, 1, True
            if off_ok:
                moves.setdefault((0, 0, -1), []).append((source, -1, self.index[off_state]))
            if not work_ok:
                continue
            new_flag = 1 if week >= 0 else 0
            counts_weekend = 1 if week >= 0 and not flag_today else 0
            for number, (shift, steps, _, slot) in enumerate(today):
                if last >= 0 and last in self.banned_by[shift]:
                    continue
                target = self.index[(self.class_of[shift], work_run, work_edge, new_flag)]
                moves.setdefault((steps, counts_weekend, slot), []).append((source, number, target))
        groups = []
        for (steps, weekend, slot), listed in moves.items():
            into: dict[int, list[tuple[int, int]]] = {}
            for source, option, target in listed:
                into.setdefault(target, []).append((source, option))
            delta = steps + weekend * self.minute_levels + (self.cap_strides[slot] if slot >= 0 else 0)
            groups.append(_Group(np.array([move[0] for move in listed], dtype=np.intp),
                                 np.array([move[1] for move in listed], dtype=np.intp),
                                 np.array([move[2] for move in listed], dtype=np.intp),
                                 delta, self._mask(steps, weekend, slot), steps, into))
        self._days[key] = groups
        return groups

    def cheapest(self, work_price: list[dict[int, float]], threshold: float, count: int,
                 deadline: float = float("inf"), off_price: list[float] | None = None) -> list[Schedule]:
        """The cheapest schedules below `threshold` (at most `count`); `off_price` replaces the person's own
        price of each day off (a dive forbids a day off with an infinite one)."""
        from roulement.solve.colgen import kernels  # Numba: imported when a walk is priced (half a second)

        spec = self.spec
        states, resources = len(self.states), self.resources
        inf = float("inf")
        plans: list[tuple[list[_Group], np.ndarray, list[tuple[int, int, int, int]]]] = []
        for day in range(spec.days):
            # Interchangeable uncapped shifts: only the day's cheapest of each kind can be on a cheapest path.
            kinds: dict[tuple[int, frozenset[int], int], tuple[int, int, float]] = {}
            capped_today = []
            for shift, worked in spec.options[day]:
                price = work_price[day][shift]
                steps = worked // self.unit if spec.tracks_minutes else 0
                if shift in spec.caps:
                    capped_today.append((shift, steps, price))
                    continue
                kind = (self.class_of[shift], self.banned_by[shift], steps)
                if kind not in kinds or price < kinds[kind][2]:
                    kinds[kind] = (shift, steps, price)
            # In the order of their kinds, so the same kinds make the same moves (cached) whichever shift won.
            chosen = sorted([*kinds.values(), *capped_today], key=self._kind_order)
            today = [(shift, steps, 0, self.capped.index(shift) if shift in spec.caps else -1)
                     for shift, steps, _ in chosen]
            off = spec.own_off[day] if off_price is None else off_price[day]
            prices = np.array([price for _, _, price in chosen] + [off])  # last: a day off
            plans.append((self._groups(day, today), prices, today))
        final = self._final()
        # Backward: each (state, minutes)'s cheapest completion, weekends and caps set aside. A lower bound:
        # it dismisses a person with no schedule below the threshold at once, and prunes the forward tables.
        levels = self.minute_levels
        completion: list[np.ndarray] = [np.empty((0, 0))] * (spec.days + 1)
        completion[spec.days] = np.tile(final[:levels], (states, 1))
        for day in range(spec.days - 1, -1, -1):
            groups, prices, _ = plans[day]
            after = completion[day + 1]
            here = np.full((states, levels), inf)
            for group in groups:
                if group.steps < levels:
                    kernels.backward(after, here, group.sources, group.options, group.targets, prices,
                                     group.steps)
            completion[day] = here
            if time.monotonic() > deadline:
                raise OutOfTime(f"pricing {spec.employee} stopped at day {day} of {spec.days}")
        if completion[0][0, 0] >= threshold:
            return []
        minute_index = self.minutes_of // self.unit
        history = _tables(spec.days + 1, states, resources)
        table = history[0]
        table.fill(inf)
        table[0, 0] = 0.0
        for day in range(spec.days):
            if time.monotonic() > deadline:
                raise OutOfTime(f"pricing {spec.employee} stopped at day {day} of {spec.days}")
            groups, prices, _ = plans[day]
            following = history[day + 1]
            following.fill(inf)
            for group in groups:
                if group.delta < resources:
                    kernels.forward(table, following, group.sources, group.options, group.targets, prices,
                                    group.delta, self._everywhere if group.valid is None else group.valid)
            if not math.isinf(threshold):
                kernels.prune(following, completion[day + 1], minute_index, threshold + 1e-7)
            table = following
        totals = table + final[None, :]
        flat = totals.ravel()
        below = np.flatnonzero(flat < threshold)
        if below.size == 0:
            return []
        if below.size > count:
            below = below[np.argpartition(flat[below], count - 1)[:count]]
        below = below[np.argsort(flat[below], kind="stable")]
        return [Schedule(self._trace(history, plans, int(cell) // resources, int(cell) % resources),
                         float(flat[cell])) for cell in below]

    def _kind_order(self, option: tuple[int, int, float]) -> tuple[int, tuple[int, ...], int, int]:
        shift, steps, _ = option
        slot = self.capped.index(shift) if shift in self.spec.caps else -1
        return (self.class_of[shift], tuple(sorted(self.banned_by[shift])), steps, slot)

    def final_prices(self) -> list[float]:
        """The price of each level of total minutes (inf outside the hours window)."""
        return [float(price) for price in self._final()[:self.minute_levels]]

    def _final(self) -> np.ndarray:
        """Per resource index, the price of its total minutes (inf outside the hours window)."""
        spec = self.spec
        if not spec.tracks_minutes:
            return np.zeros(self.resources)
        levels = np.arange(self.minute_levels) * self.unit
        by_level = np.array([spec.final_cost(int(minutes)) for minutes in levels], dtype=float)
        lawful = levels >= spec.low
        if spec.high is not None:
            lawful &= levels <= spec.high
        by_level[~lawful] = np.inf
        return by_level[self.minutes_of // self.unit]

    def _trace(self, history: list[np.ndarray], plans: list[tuple[list[_Group], np.ndarray,
                                                                   list[tuple[int, int, int, int]]]],
               state: int, resource: int) -> tuple[int, ...]:
        """The days of the cheapest path to (state, resource) on the last day, read back from the tables."""
        chosen: list[int] = []
        for day in range(len(plans) - 1, -1, -1):
            groups, prices, today = plans[day]
            value = history[day + 1][state, resource]
            previous = history[day]
            found = False
            for group in groups:
                start = resource - group.delta
                if start < 0 or (group.valid is not None and not group.valid[start]):
                    continue
                for source, option in group.into.get(state, ()):
                    if previous[source, start] + prices[option] == value:
                        chosen.append(OFF if option < 0 else today[option][0])
                        state, resource, found = source, start, True
                        break
                if found:
                    break
            if not found:
                raise RuntimeError(f"dense walk of {self.spec.employee}: no move back from day {day + 1}")
        return tuple(reversed(chosen))


# Steps of the multipliers on the caps a capped walk leaves out of its table, and the first multiplier.
LAGRANGIAN_STEPS = 8
# Steps per call of a walk that keeps its prices from the last call (weekends priced too).
WARM_STEPS = 3
FIRST_MULTIPLIER = 8.0


@dataclass
class CappedPricing:
    # Schedules that keep every cap, below the threshold, at their own price, cheapest first.
    schedules: list[Schedule]
    # A lower bound on the cheapest schedule that keeps every cap; None: proven that none is below the threshold.
    lowest: float | None
    # `lowest` is the price of `schedules[0]`: the cheapest lawful schedule is known, not only bounded.
    settled: bool


class CappedWalk:
    """A dense walk whose table leaves some caps out (with them all it would be too large: Curtois-Qu 8 has
    people with three capped shift types, 7 million cells), the caps held instead by a price per shift of each
    type left out (Lagrangian relaxation). For any prices mu >= 0, the relaxed walk's cheapest price with mu added
    per such shift, less mu x cap, is no dearer than the cheapest schedule that keeps the caps: a valid lower
    bound. The prices are searched a few steps (doubled while a cap is broken, halved while it is slack); the
    walk's schedules that keep every cap are lawful columns, and when the cheapest one keeps them with no price
    on a slack cap, it is the cheapest lawful schedule exactly.

    When even every cap out is too large (a year with weekends counted: Curtois-Qu 21-24), the weekends
    worked leave the table too, held by a price per weekend day worked: a lawful schedule works at most
    2 x max weekends weekend days, so the relaxed price with mu per weekend day, less 2 x mu x max weekends, is
    again no dearer than the cheapest lawful schedule. Those walks keep their prices from call to call (a
    year's walk costs up to half a second: a few steps from the last prices, not eight from zero)."""

    def __init__(self, walk: DenseWalk, dropped: dict[int, int], weekends: int | None = None) -> None:
        self.walk = walk
        self.dropped = dropped
        # Max weekends, when the weekends left the table too (else None).
        self.weekends = weekends
        self.weekend_days = frozenset(walk.spec.weekend_of) if weekends is not None else frozenset()
        self._kept: dict[int, float] | None = None
        self._kept_weekend = 0.0

    @staticmethod
    def build(spec: WalkSpec, cells: int = DENSE_CELLS, weekends: bool = False) -> CappedWalk | None:
        """Leave caps out, the largest first, until the table has at most `cells`; then the weekends too when
        `weekends` (None if it never fits)."""
        dropped: dict[int, int] = {}
        for shift, cap in sorted(spec.caps.items(), key=lambda item: -item[1]):
            dropped[shift] = cap
            relaxed = WalkSpec(**{**spec.__dict__, "caps": {kept: limit for kept, limit in spec.caps.items()
                                                            if kept not in dropped}})
            walk = DenseWalk.build(relaxed, cells)
            if walk is not None:
                return CappedWalk(walk, dropped)
        if not weekends or spec.max_weekends is None:
            return None
        walk = DenseWalk.build(WalkSpec(**{**spec.__dict__, "caps": {}, "max_weekends": None}), cells)
        return None if walk is None else CappedWalk(walk, dict(spec.caps), spec.max_weekends)

    def cheapest(self, work_price: list[dict[int, float]], threshold: float, count: int,
                 deadline: float = float("inf"), off_price: list[float] | None = None) -> CappedPricing:
        # Year-long walks start from the last call's prices; the others try zero prices first (settled at once
        # when no cap binds), then the last call's prices (Curtois-Qu 19: 4.8 walks a call from zero each time).
        warm = self.weekends is not None
        multipliers = dict(self._kept) if warm and self._kept is not None else dict.fromkeys(self.dropped, 0.0)
        weekend_price = self._kept_weekend if warm else 0.0
        resume = None if warm or self._kept is None or not any(self._kept.values()) else dict(self._kept)
        # Weekend days a lawful schedule may work at most (the relaxed constraint the weekend price holds).
        weekend_cap = 2 * self.weekends if self.weekends is not None else 0
        lawful: dict[tuple[int, ...], float] = {}
        best = -math.inf
        settled = False
        # Per cap, the last schedule that broke it and the last that left it slack: (its price without this
        # cap's multiplier, shifts of the type used). Their two lines in the multiplier cross where the
        # Lagrangian bound of a single cap is highest: the next multiplier (doubling and halving alone
        # oscillated there for all eight steps: Curtois-Qu 19).
        broke: dict[int, tuple[float, int]] = {}
        slackened: dict[int, tuple[float, int]] = {}
        for _ in range(LAGRANGIAN_STEPS if not warm else WARM_STEPS):
            priced = [{shift: price + multipliers.get(shift, 0.0) + (weekend_price if day in self.weekend_days
                                                                       else 0.0)
                       for shift, price in today.items()} for day, today in enumerate(work_price)]
            offset = sum(multipliers[shift] * cap for shift, cap in self.dropped.items()) + weekend_price * weekend_cap
            found = self.walk.cheapest(priced, threshold + offset, count, deadline, off_price)
            if not found:
                best = math.inf  # even the relaxation has nothing below the threshold
                break
            best = max(best, found[0].price - offset)
            for schedule in found:
                used = self._used(schedule)
                if self._keeps(schedule, used):
                    own = (schedule.price - sum(multipliers[shift] * used[shift] for shift in self.dropped)
                           - weekend_price * self._weekend_days_worked(schedule))
                    if own < threshold:
                        lawful[schedule.days] = own
            used = self._used(found[0])
            slack = {shift: cap - used[shift] for shift, cap in self.dropped.items()}
            weekend_slack = weekend_cap - self._weekend_days_worked(found[0]) if self.weekends is not None else 0
            if self._keeps(found[0], used) and all(
                    left == 0 or multipliers[shift] == 0 for shift, left in slack.items()) and (
                    weekend_slack == 0 or weekend_price == 0):
                settled = True  # lawful, and no price on a slack constraint: the cheapest lawful schedule
                break
            if resume is not None:
                multipliers, resume = resume, None  # zero prices break a cap: on from where the last call ended
                continue
            before = dict(multipliers)
            for shift, left in slack.items():
                line = (found[0].price - multipliers[shift] * used[shift], used[shift])
                if left < 0:
                    broke[shift] = line
                elif left > 0:
                    slackened[shift] = line
                if left and shift in broke and shift in slackened:
                    (over_price, over_used), (under_price, under_used) = broke[shift], slackened[shift]
                    multipliers[shift] = max(0.0, (under_price - over_price) / (over_used - under_used))
                elif left < 0:
                    multipliers[shift] = multipliers[shift] * 2 if multipliers[shift] else FIRST_MULTIPLIER
                elif left > 0 and multipliers[shift]:
                    multipliers[shift] = multipliers[shift] / 2 if multipliers[shift] >= 1.0 else 0.0
            if self.weekends is None and all(abs(multipliers[shift] - before[shift]) < 1e-9 for shift in before):
                break  # the lines cross where they were: the bound is as high as these caps' prices make it
            if self.weekends is not None:
                if weekend_slack < 0 or self._weekends_worked(found[0]) > self.weekends:
                    weekend_price = weekend_price * 2 if weekend_price else FIRST_MULTIPLIER
                elif weekend_slack > 0 and weekend_price:
                    weekend_price = weekend_price / 2 if weekend_price >= 1.0 else 0.0
        self._kept = multipliers
        if warm:
            self._kept_weekend = weekend_price
        schedules = sorted((Schedule(days, price) for days, price in lawful.items()), key=lambda s: s.price)[:count]
        lowest = None if best >= threshold else best
        if schedules and lowest is not None and schedules[0].price <= lowest + 1e-6:
            settled = True  # a lawful schedule as cheap as the bound: the cheapest lawful schedule
        return CappedPricing(schedules, lowest, settled or lowest is None)

    def lowest(self, work_price: list[dict[int, float]], deadline: float = float("inf"),
               off_price: list[float] | None = None) -> float | None:
        """One walk at the prices in hand (kept from the last call, else zero): a lower bound on the cheapest
        lawful schedule (None: the person has no schedule at all)."""
        multipliers = self._kept if self._kept is not None else dict.fromkeys(self.dropped, 0.0)
        weekend_price = self._kept_weekend
        priced = [{shift: price + multipliers.get(shift, 0.0) + (weekend_price if day in self.weekend_days else 0.0)
                   for shift, price in today.items()} for day, today in enumerate(work_price)]
        offset = sum(multipliers[shift] * cap for shift, cap in self.dropped.items())
        if self.weekends is not None:
            offset += weekend_price * 2 * self.weekends
        found = self.walk.cheapest(priced, float("inf"), 1, deadline, off_price)
        return found[0].price - offset if found else None

    def _keeps(self, schedule: Schedule, used: dict[int, int]) -> bool:
        """Whether the schedule keeps every cap and weekend limit the table left out."""
        return all(used[shift] <= cap for shift, cap in self.dropped.items()) and (
            self.weekends is None or self._weekends_worked(schedule) <= self.weekends)

    def _weekend_days_worked(self, schedule: Schedule) -> int:
        return sum(1 for day, shift in enumerate(schedule.days) if shift != OFF and day in self.weekend_days)

    def _weekends_worked(self, schedule: Schedule) -> int:
        weekend_of = self.walk.spec.weekend_of
        return len({weekend_of[day] for day, shift in enumerate(schedule.days) if shift != OFF and day in weekend_of})

    def _used(self, schedule: Schedule) -> dict[int, int]:
        used = dict.fromkeys(self.dropped, 0)
        for shift in schedule.days:
            if shift in used:
                used[shift] += 1
        return used
