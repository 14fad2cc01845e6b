"""A constructive first roster: each person's horizon walked day by day, within their own contract.

Planning one person alone with CP-SAT takes seconds when the horizon is a year (a 12-hour window on a year's
hours with runs, weekends and per-type caps): too slow for 150 people. This walk decides day by day whether
the person works and which shift, keeping the hard contract rules it knows about (runs of work and of rest,
weekends, shift-type caps, forbidden successions; hours kept on pace towards the middle of their window) and
choosing the shift whose cover is most open. It is only a proposal: the checker judges each person's walk,
and whoever it does not clear is planned by CP-SAT with the walk as hint (`strategy.person_by_person`).
Nothing here knows a benchmark; it reads the scenario and the rules in force.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from roulement.model.calendar import Calendar
from roulement.model.scenario import Employee, RequestKind, RuleMode, Scenario
from roulement.rules.base import Rule
from roulement.rules.contract import ConsecutiveDays, ContractHours, MaxShiftsPerType, MaxWeekends
from roulement.rules.plant import NextDayPairs


@dataclass(frozen=True)
class Option:
    """A shift the person may work on a day (every rule permits it and some demand asks for its post)."""

    shift: str
    post: str
    minutes: int


@dataclass
class Limits:
    """The person's hard contract limits, as the rules in force read them (None: no such limit)."""

    low: int = 0
    high: int | None = None
    max_on: int | None = None
    min_on: int | None = None
    min_off: int | None = None
    max_weekends: int | None = None
    caps: dict[str, int] = field(default_factory=dict)
    forbidden: dict[str, set[str]] = field(default_factory=dict)


def limits_of(scenario: Scenario, calendar: Calendar, rules: list[Rule], employee: Employee) -> Limits:
    limits = Limits()
    for rule in rules:
        if rule.mode is not RuleMode.HARD:
            continue
        if isinstance(rule, ContractHours):
            low, high, _ = rule.bounds(employee, calendar.days, scenario.horizon.start)
            limits.low, limits.high = low or 0, high
        elif isinstance(rule, ConsecutiveDays):
            limits.max_on, limits.min_on, limits.min_off = rule.limits(employee)
        elif isinstance(rule, MaxWeekends):
            limits.max_weekends = employee.contract.max_weekends
        elif isinstance(rule, MaxShiftsPerType):
            limits.caps = dict(employee.contract.max_shifts)
        elif isinstance(rule, NextDayPairs):
            for before, after in rule.forbidden(scenario).items():
                limits.forbidden.setdefault(before, set()).update(after)
    return limits


class Walk:
    """One person's walk through the horizon; `run` returns {day: option} for the days worked."""

    def __init__(
        self,
        options: list[list[Option]],
        limits: Limits,
        weekend_of: dict[int, int],
        weekends: int,
        score: dict[tuple[int, str, str], int],
    ) -> None:
        self.options = options
        self.limits = limits
        self.weekend_of = weekend_of
        self.weekends = weekends
        self.score = score
        self.days = len(options)
        available = [1 if day_options else 0 for day_options in options]
        self.available_before = [0]
        for flag in available:
            self.available_before.append(self.available_before[-1] + flag)
        lengths = [o.minutes for day_options in options for o in day_options]
        self.typical = sum(lengths) / len(lengths) if lengths else 0.0

    def target(self) -> float:
        low, high = self.limits.low, self.limits.high
        return (low + high) / 2 if high is not None else float(low)

    def capacity(self) -> list[dict[tuple[int, int, int], int]]:
        """capacity[d][(on, off, weekends)]: the most minutes that can still be worked from day d on, from that
        state (on: days worked in a row up to yesterday; off: days off in a row, capped at the minimum rest;
        weekends: weekends worked so far), keeping runs, rest and weekends (caps and successions aside)."""
        limits = self.limits
        max_on = limits.max_on or self.days
        min_on = limits.min_on or 1
        min_off = limits.min_off or 1
        cap = limits.max_weekends if limits.max_weekends is not None else self.days
        longest = [max((o.minutes for o in day_options), default=0) for day_options in self.options]
        states = [(on, 0) for on in range(1, max_on + 1)] + [(0, off) for off in range(1, min_off + 1)]
        table: list[dict[tuple[int, int, int], int]] = [{} for _ in range(self.days + 1)]
        table[self.days] = {(on, off, used): 0 for on, off in states for used in range(cap + 1)}
        for day in range(self.days - 1, -1, -1):
            after = table[day + 1]
            weekend = self.weekend_of.get(day)
            same_weekend = day > 0 and weekend is not None and self.weekend_of.get(day - 1) == weekend
            here: dict[tuple[int, int, int], int] = {}
            for on, off in states:
                for used in range(cap + 1):
                    best = -1
                    if on == 0 or on >= min_on:  # rest today
                        best = after.get((0, min(off + 1, min_off), used), -1)
                    if longest[day] and on < max_on and (on > 0 or off >= min_off):
                        counted = used + (1 if weekend is not None and not (same_weekend and on > 0) else 0)
                        if counted <= cap:
                            later = after.get((on + 1, 0, counted), -1)
                            if later >= 0:
                                best = max(best, later + longest[day])
                    if best >= 0:
                        here[(on, off, used)] = best
            table[day] = here
        return table

    def run(
        self, rng: random.Random, lean: float, cover_blind: bool = False, packing: bool = False
    ) -> dict[int, Option]:
        """`lean` (in shifts) moves the pace ahead or behind; each attempt of the caller tries another.

        `cover_blind` decides work or rest on pace alone (a tight contract's walk should not wait for open
        cover); the shift worked is still the most wanted one. `packing` rests only while the minutes that can
        still be worked (`capacity`) reach the contract's minimum, and then works the longest shift."""
        capacity = self.capacity() if packing else None
        min_off = self.limits.min_off or 1
        limits = self.limits
        target = self.target()
        total_available = max(self.available_before[-1], 1)
        chosen: dict[int, Option] = {}
        counts: dict[str, int] = {}
        weekends_worked: set[int] = set()
        minutes = 0
        on = off = 0
        at_edge = True  # the current run (of work or rest) started on the first day: exempt from minimums
        previous: Option | None = None
        for day in range(self.days):
            usable = self._usable(day, previous, counts, minutes, weekends_worked)
            must_work = bool(on and limits.min_on and on < limits.min_on and not at_edge)
            must_rest = bool(
                (limits.max_on is not None and on >= limits.max_on)
                or (off and limits.min_off and off < limits.min_off and not at_edge)
                or not usable
            )
            if must_rest:
                work = False
            elif must_work:
                work = True
            elif capacity is not None:
                # An off run that started on the first day counts as rested enough.
                rest_state = (0, min_off if at_edge and on == 0 else min(off + 1, min_off), len(weekends_worked))
                # `lean` shifts of margin: capacity leaves caps and successions aside.
                work = minutes + capacity[day + 1].get(rest_state, -1) < limits.low + lean * self.typical
            else:
                pace = target * self.available_before[day + 1] / total_available + lean * self.typical
                best = max(self.score.get((day, o.shift, o.post), 0) for o in usable)
                tilt = 0.5 * self.typical if best > 0 or cover_blind else -0.5 * self.typical
                work = minutes + 0.5 * self.typical <= pace + tilt + rng.uniform(-0.2, 0.2) * self.typical
                if work and on == 0 and not self._can_start(day, weekends_worked):
                    work = False
                if work and not self._weekend_on_pace(day, weekends_worked):
                    work = False
            if work:
                go_on = day + 1 < self.days and (limits.max_on is None or on + 1 < limits.max_on)
                option = self._pick(day, usable, go_on, rng, longest=capacity is not None)
                chosen[day] = option
                counts[option.shift] = counts.get(option.shift, 0) + 1
                minutes += option.minutes
                if day in self.weekend_of:
                    weekends_worked.add(self.weekend_of[day])
                if on == 0:
                    at_edge = day == 0
                on, off, previous = on + 1, 0, option
            else:
                if off == 0:
                    at_edge = day == 0
                on, off, previous = 0, off + 1, None
        return chosen

    def _usable(
        self, day: int, previous: Option | None, counts: dict[str, int], minutes: int, weekends_worked: set[int]
    ) -> list[Option]:
        limits = self.limits
        weekend = self.weekend_of.get(day)
        if (weekend is not None and weekend not in weekends_worked and limits.max_weekends is not None
                and len(weekends_worked) >= limits.max_weekends):
            return []
        barred = limits.forbidden.get(previous.shift, set()) if previous is not None else set()
        return [o for o in self.options[day]
                if o.shift not in barred
                and counts.get(o.shift, 0) < limits.caps.get(o.shift, self.days + 1)
                and (limits.high is None or minutes + o.minutes <= limits.high)]

    def _can_start(self, day: int, weekends_worked: set[int]) -> bool:
        """A run started today can reach its minimum length (or the horizon's end, where it is exempt)."""
        need = self.limits.min_on or 1
        used = set(weekends_worked)
        for ahead in range(day, min(day + need, self.days)):
            if not self.options[ahead]:
                return False
            weekend = self.weekend_of.get(ahead)
            if weekend is not None and weekend not in used:
                if self.limits.max_weekends is not None and len(used) >= self.limits.max_weekends:
                    return False
                used.add(weekend)
        return True

    def _weekend_on_pace(self, day: int, weekends_worked: set[int]) -> bool:
        """Spread the weekend allowance over the horizon instead of spending it on the first weekends."""
        weekend = self.weekend_of.get(day)
        cap = self.limits.max_weekends
        if weekend is None or cap is None or weekend in weekends_worked:
            return True
        return len(weekends_worked) < cap * (weekend + 1) / max(self.weekends, 1) + 1

    def _pick(self, day: int, usable: list[Option], go_on: bool, rng: random.Random, longest: bool = False) -> Option:
        """The most wanted shift (the longest first if `longest`), among those that leave tomorrow a shift to
        work when the run may go on."""
        def rank(option: Option) -> tuple[int, int, int, float]:
            follows = True
            if go_on:
                barred = self.limits.forbidden.get(option.shift, set())
                follows = any(o.shift not in barred for o in self.options[day + 1])
            return (int(follows), option.minutes if longest else 0, self.score.get((day, option.shift, option.post), 0),
                    rng.random())

        return max(usable, key=rank)


def faults(chosen: dict[int, Option], limits: Limits, weekend_of: dict[int, int], days: int) -> tuple[int, int]:
    """(breaches of the walk's own limits other than hours, minutes outside the hours window) of a walk."""
    broken = 0
    minutes = sum(o.minutes for o in chosen.values())
    outside = max(limits.low - minutes, 0) + (max(minutes - limits.high, 0) if limits.high is not None else 0)
    if limits.max_weekends is not None:
        broken += max(len({weekend_of[d] for d in chosen if d in weekend_of}) - limits.max_weekends, 0)
    counts: dict[str, int] = {}
    for option in chosen.values():
        counts[option.shift] = counts.get(option.shift, 0) + 1
    broken += sum(max(count - limits.caps.get(shift, count), 0) for shift, count in counts.items())
    run_on = run_off = 0
    start_on = start_off = 0
    for day in range(days + 1):
        working = day < days and day in chosen
        if working:
            if run_off:
                if limits.min_off and start_off > 0 and run_off < limits.min_off:
                    broken += 1
                run_off = 0
            if run_on == 0:
                start_on = day
            run_on += 1
            if limits.max_on is not None and run_on > limits.max_on:
                broken += 1
            previous = chosen.get(day - 1)
            if previous is not None and chosen[day].shift in limits.forbidden.get(previous.shift, set()):
                broken += 1
        else:
            if run_on:
                if limits.min_on and start_on > 0 and day < days and run_on < limits.min_on:
                    broken += 1
                run_on = 0
            if day < days:
                if run_off == 0:
                    start_off = day
                run_off += 1
    return broken, outside


def repair_hours(
    chosen: dict[int, Option], walk: Walk, rng: random.Random, steps: int = 40
) -> dict[int, Option]:
    """Bring a walk's hours into the window by small moves (another shift length on a worked day, one or two
    days added or dropped), each kept only if it breaks nothing more and comes closer."""
    limits, days, weekend_of = walk.limits, walk.days, walk.weekend_of
    current = dict(chosen)
    fault = faults(current, limits, weekend_of, days)
    for _ in range(steps):
        if fault[1] == 0:
            break
        short = sum(o.minutes for o in current.values()) < limits.low
        moves: list[dict[int, Option]] = []
        for day in range(days):
            worked = current.get(day)
            if worked is not None:
                for option in walk.options[day]:
                    if (option.minutes > worked.minutes) == short and option.minutes != worked.minutes:
                        moves.append({**current, day: option})
                if not short:
                    moves.append({d: o for d, o in current.items() if d != day})
                    if day + 1 in current:
                        moves.append({d: o for d, o in current.items() if d not in (day, day + 1)})
            elif short and walk.options[day]:
                best = max(walk.options[day], key=lambda o: (walk.score.get((day, o.shift, o.post), 0), rng.random()))
                moves.append({**current, day: best})
                if day + 1 < days and day + 1 not in current and walk.options[day + 1]:
                    after = max(walk.options[day + 1],
                                key=lambda o: (walk.score.get((day + 1, o.shift, o.post), 0), rng.random()))
                    moves.append({**current, day: best, day + 1: after})
        rng.shuffle(moves)
        better = None
        for move in moves:
            candidate = faults(move, limits, weekend_of, days)
            if candidate[0] <= fault[0] and candidate[1] < fault[1] and (better is None or candidate < better[0]):
                better = (candidate, move)
                if candidate == (fault[0], 0):
                    break
        if better is None:
            break
        fault, current = better
    return current


def score_of(scenario: Scenario, calendar: Calendar, employee: Employee,
             open_cover: dict[tuple[int, str, str], tuple[int, int, int]]) -> dict[tuple[int, str, str], int]:
    """What working (day, shift, post) is worth: open cover earns its under-weight, a full slot costs its
    over-weight, requests add or take their weight."""
    score = {key: (under if left > 0 else -over) for key, (left, under, over) in open_cover.items()}
    posts = {post for _, _, post in open_cover}
    for request in employee.requests:
        day = calendar.day_of.get(request.date)
        if day is None:
            continue
        sign = 1 if request.kind in (RequestKind.SHIFT_ON, RequestKind.DAY_ON) else -1
        shifts = [request.shift] if request.shift is not None else [s.id for s in scenario.shifts]
        for shift in shifts:
            for post in posts:
                key = (day, shift, post)
                score[key] = score.get(key, 0) + sign * request.weight
    return score
