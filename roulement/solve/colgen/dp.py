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
import time
from dataclasses import dataclass
from typing import Any

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
    beam: bool = False, deadline: float = float("inf"),
) -> list[Schedule]:
    """The cheapest schedules priced below `threshold` (at most `count`, cheapest first; [] if none).

    `work_price[day][shift]` is the full price of working that shift that day (the person's own price and
    the duals); a day off costs `spec.own_off[day]`; the total minutes add `spec.final_cost`. Exact unless
    `beam`, which keeps one label per state and minutes (fast, for early heuristic pricing)."""
    days = spec.days
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
            if known is None or price < known[0]:
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
