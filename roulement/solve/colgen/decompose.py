"""Which rules a person's schedule carries alone, which sit between people, and which tie people together.

Column generation splits the objective along these lines: rules judged person by person (contract, law,
requests) price a column; coverage and safety minimums become rows of the master problem; rules that tie
several people together (fair shares, couples' days off, a spread of shift counts) decompose neither way. The
bound then covers every term but theirs, and says so.

A person's rules can also say how they walk day by day (`walk_spec`): hours within a window, runs of work and
rest, shifts per type, weekends, successions, days off and requests. When every personal rule in force can,
pricing is an exact dynamic programme (`dp.py`); otherwise CP-SAT prices the person alone from the rules'
own `encode`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.scenario import Employee, RequestKind, RuleMode, Scenario
from roulement.rules.base import PerEmployeeRule, Rule
from roulement.rules.contract import ConsecutiveDays, ContractHours, MaxShiftsPerType, MaxWeekends
from roulement.rules.core import (
    Absences,
    Coverage,
    NightEligibility,
    OneShiftPerDay,
    Qualification,
    Requests,
    SafetyMinimums,
)
from roulement.rules.follow_cycle import FollowCycle
from roulement.rules.plant import NextDayPairs
from roulement.rules.replan import KeepPublished

# Rules whose checks and costs look at one person's own work only.
_PERSONAL: tuple[type[Rule], ...] = (PerEmployeeRule, Requests, OneShiftPerDay, Qualification, Absences,
                                     NightEligibility)
# Rules between people that the master problem holds as rows.
_COVER = (Coverage, SafetyMinimums)
# Personal rules the dynamic programme walks exactly (hard, or any mode where noted in `walk_spec`).
_PERMITS_ONLY = (OneShiftPerDay, Qualification, Absences, NightEligibility)


@dataclass
class Decomposition:
    personal: list[Rule]
    cover: list[Rule]
    # Rules tying several people together: outside the columns and the master, so outside the bound.
    between: list[Rule]
    # Personal rules the dynamic programme cannot walk: CP-SAT prices people while any is in force.
    unwalkable: list[Rule]

    @property
    def walkable(self) -> bool:
        return not self.unwalkable

    @property
    def excluded(self) -> list[str]:
        """Ids of the rules whose terms the bound does not cover (those that can cost anything)."""
        return sorted({rule.id for rule in self.between})

    def relaxed(self) -> Decomposition:
        """Only the personal rules that walk day by day stay with the people; the others join the rules the
        bound leaves out. Pricing is then exact over a relaxation: its bounds hold for the real scenario."""
        walkable = [rule for rule in self.personal if _walks(rule)]
        return Decomposition(walkable, self.cover, [*self.between, *self.unwalkable], [])

    @property
    def bound_kind(self) -> str:
        if not self.between:
            return "whole objective"
        return "terms that decompose by person (excludes " + ", ".join(self.excluded) + ")"


def _personal() -> tuple[type[Rule], ...]:
    # A deviation from the published cycle is priced on one person's own day: their crew's shift, or the
    # relief pool's, against what they work (`rotation.follow-cycle`).
    return (*_PERSONAL, KeepPublished, FollowCycle)


def _walks(rule: Rule) -> bool:
    if isinstance(rule, (*_PERMITS_ONLY, Requests, ContractHours, KeepPublished, FollowCycle)):
        return True
    if isinstance(rule, (MaxShiftsPerType, ConsecutiveDays, MaxWeekends, NextDayPairs)):
        return rule.mode is RuleMode.HARD
    return False


def decompose(rules: Sequence[Rule]) -> Decomposition:
    personal_types = _personal()
    personal = [rule for rule in rules if isinstance(rule, personal_types)]
    cover: list[Rule] = [rule for rule in rules if isinstance(rule, _COVER)]
    between = [rule for rule in rules if not isinstance(rule, (*personal_types, *_COVER))]
    return Decomposition(personal, cover, between, [rule for rule in personal if not _walks(rule)])


@dataclass
class WalkSpec:
    """One person's horizon as the dynamic programme walks it. Shifts are indexes into `shifts`."""

    employee: str
    days: int
    shifts: list[str]
    # Per day: (shift index, minutes worked) the person may work that day (permitted and demanded).
    options: list[list[tuple[int, int]]]
    # The person's own price of working each option / of a day off (requests), before any dual.
    own_work: list[dict[int, float]]
    own_off: list[float]
    forbidden: list[frozenset[int]]
    max_on: int | None = None
    min_on: int | None = None
    min_off: int | None = None
    weekend_of: dict[int, int] = field(default_factory=dict)
    max_weekends: int | None = None
    # Shift index -> at most this many (only caps that can bind).
    caps: dict[int, int] = field(default_factory=dict)
    low: int = 0
    high: int | None = None
    # The person's own price of their total minutes (hours target, soft hours window).
    final_cost: Callable[[int], int] = lambda minutes: 0
    # Whether the final price or the window depends on minutes at all (else minutes are not tracked).
    tracks_minutes: bool = False


def demanded_posts(scenario: Scenario) -> dict[tuple[int, str], list[str]]:
    """(day, shift) -> the posts some demand asks for, in demand order (the solver makes variables only there)."""
    wanted: dict[tuple[int, str], list[str]] = {}
    for slot in demand_slots(scenario):
        posts = wanted.setdefault((slot.day, slot.shift), [])
        if slot.post not in posts:
            posts.append(slot.post)
    return wanted


def permitted(
    scenario: Scenario, calendar: Calendar, rules: Sequence[Rule], employee: Employee,
    posts_wanted: dict[tuple[int, str], list[str]],
) -> list[list[tuple[str, str]]]:
    """Per day, the (shift, post) pairs every rule permits this person (as the CP-SAT builder decides)."""
    permitting = [rule for rule in rules if type(rule).permits is not Rule.permits]
    result = []
    for day in range(calendar.days):
        today = []
        for shift in scenario.shifts:
            occurrence = calendar.occurrence(day, shift.id)
            for post in posts_wanted.get((day, shift.id), []):
                if all(rule.permits(employee, occurrence, scenario.post(post)) for rule in permitting):
                    today.append((shift.id, post))
        result.append(today)
    return result


def walk_spec(
    scenario: Scenario, calendar: Calendar, rules: Sequence[Rule], employee: Employee,
    allowed: list[list[tuple[str, str]]],
) -> WalkSpec:
    """The person's limits and own prices, read from the walkable rules in force (the others are left out:
    the spec is then a relaxation, good for a bound but not for columns)."""
    shift_ids = [shift.id for shift in scenario.shifts]
    index = {shift: number for number, shift in enumerate(shift_ids)}
    days = calendar.days
    options: list[list[tuple[int, int]]] = []
    for day in range(days):
        seen = sorted({index[shift] for shift, _ in allowed[day]})
        options.append([(number, calendar.occurrence(day, shift_ids[number]).worked) for number in seen])
    own_work: list[dict[int, float]] = [{number: 0.0 for number, _ in today} for today in options]
    own_off = [0.0] * days
    forbidden: list[set[int]] = [set() for _ in shift_ids]
    spec = WalkSpec(employee.id, days, shift_ids, options, own_work, own_off, [])
    finals: list[Callable[[int], int]] = []
    for rule in rules:
        if not _walks(rule):
            continue
        if isinstance(rule, Requests):
            _price_requests(rule, calendar, employee, index, own_work, own_off)
        elif isinstance(rule, KeepPublished):
            _price_changes(rule, calendar, employee, index, own_work, own_off)
        elif isinstance(rule, FollowCycle):
            _price_cycle(rule, scenario, calendar, employee, index, own_work, own_off)
        elif isinstance(rule, ContractHours):
            low, high, target = rule.bounds(employee, days, scenario.horizon.start)
            if rule.mode is RuleMode.HARD:
                spec.low, spec.high = low or 0, high
                spec.tracks_minutes = spec.tracks_minutes or bool(low) or high is not None
            else:
                finals.append(_soft_window(low, high, rule.weight))
            if target is not None:
                finals.append(_target(target, rule.weight))
        elif isinstance(rule, MaxShiftsPerType):
            for shift, cap in employee.contract.max_shifts.items():
                if shift in index:
                    spec.caps[index[shift]] = cap
        elif isinstance(rule, ConsecutiveDays):
            spec.max_on, spec.min_on, spec.min_off = rule.limits(employee)
        elif isinstance(rule, MaxWeekends):
            spec.max_weekends = employee.contract.max_weekends
            spec.weekend_of = {day: number for number, group in enumerate(rule.weekends(calendar.dates))
                               for day in group}
        elif isinstance(rule, NextDayPairs):
            for before, after in rule.forbidden(scenario).items():
                forbidden[index[before]].update(index[shift] for shift in after)
    spec.forbidden = [frozenset(after) for after in forbidden]
    if finals:
        spec.tracks_minutes = True
        spec.final_cost = lambda minutes: sum(price(minutes) for price in finals)
    # A cap no schedule can reach is no limit: leave it out of the labels.
    for number, cap in list(spec.caps.items()):
        possible = sum(1 for today in options if any(option == number for option, _ in today))
        if cap >= possible:
            del spec.caps[number]
    if spec.max_weekends is not None and spec.max_weekends >= len(set(spec.weekend_of.values())):
        spec.max_weekends = None
    return spec


def _target(target: int, weight: int) -> Callable[[int], int]:
    return lambda minutes: math.ceil(abs(minutes - target) / 60) * weight


def _soft_window(low: int | None, high: int | None, weight: int) -> Callable[[int], int]:
    def price(minutes: int) -> int:
        if low is not None and minutes < low:
            return math.ceil((low - minutes) / 60) * weight
        if high is not None and minutes > high:
            return math.ceil((minutes - high) / 60) * weight
        return 0

    return price


def _price_requests(
    rule: Requests, calendar: Calendar, employee: Employee, index: dict[str, int],
    own_work: list[dict[int, float]], own_off: list[float],
) -> None:
    for request in employee.requests:
        day = calendar.day_of.get(request.date)
        if day is None:
            continue
        weight = request.weight * rule.weight
        work = own_work[day]
        if request.kind is RequestKind.DAY_OFF:
            for number in work:
                work[number] += weight
        elif request.kind is RequestKind.DAY_ON:
            own_off[day] += weight
        elif request.kind is RequestKind.SHIFT_ON:
            own_off[day] += weight
            for number in work:
                if number != index.get(request.shift or ""):
                    work[number] += weight
        elif request.shift in index and index[request.shift] in work:
            work[index[request.shift]] += weight


def _price_cycle(
    rule: FollowCycle, scenario: Scenario, calendar: Calendar, employee: Employee, index: dict[str, int],
    own_work: list[dict[int, float]], own_off: list[float],
) -> None:
    """Each day's price of leaving the published cycle (`rotation.follow-cycle`), from the rule's own prices of
    a day (`FollowCycle.day_prices`, which its `encode` uses too)."""
    shifts = {number: shift for shift, number in index.items()}
    for day, date in enumerate(calendar.dates):
        prices = rule.day_prices(scenario, employee, date)
        if prices is None:
            continue
        own_off[day] += float(prices.off)
        for number in own_work[day]:
            own_work[day][number] += float(prices.of(shifts[number]))


def _price_changes(
    rule: Any, calendar: Calendar, employee: Employee, index: dict[str, int],
    own_work: list[dict[int, float]], own_off: list[float],
) -> None:
    """A re-plan's price of each day that differs from the published roster (`replan.KeepPublished`)."""
    published: dict[tuple[str, object], str] = rule.published
    first = rule.first
    for day, date in enumerate(calendar.dates):
        if date < first:
            continue
        price = float(rule.price(date))
        shift = published.get((employee.id, date))
        for number in own_work[day]:
            if shift is None or number != index.get(shift):
                own_work[day][number] += price
        if shift is not None:
            own_off[day] += price
