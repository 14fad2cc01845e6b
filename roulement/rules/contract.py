"""Contract rules: each person's hours, shift-type caps, runs of work and rest, weekends.

Limits come from the employee's contract; a rule's own parameter is the default for contracts that are silent.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import ClassVar

from roulement.model.calendar import Occurrence
from roulement.model.roster import Timeline
from roulement.model.scenario import Employee, Post, RuleMode, Scenario
from roulement.rules.base import (
    Cost,
    Encoder,
    Literal,
    MinuteCap,
    PerEmployeeRule,
    Rule,
    Said,
    Terms,
    Violation,
    hours,
)


def _absent_days_in(employee: Employee, first: dt.date, last: dt.date) -> int:
    return sum(max(0, (min(a.end, last) - max(a.start, first)).days + 1) for a in employee.absences)


class ContractHours(PerEmployeeRule):
    """Worked hours over the horizon stay within the contract's bounds (hard) and near its target (soft)."""

    id: ClassVar[str] = "contract.hours"
    title: ClassVar[str] = "Contract hours"
    reference = "employment contract"

    def bounds(
        self, employee: Employee, timeline_days: int, first: dt.date
    ) -> tuple[int | None, int | None, int | None]:
        # Count only absences inside the horizon.
        last = first + dt.timedelta(days=timeline_days - 1)
        contract = employee.contract
        available = timeline_days - _absent_days_in(employee, first, last)
        target = round(contract.weekly_hours * 60 * available / 7) if contract.hours_target else None
        tolerance = round(contract.tolerance_hours * 60 * available / 7)
        low = contract.min_minutes if contract.min_minutes is not None else (
            max(target - tolerance, 0) if target is not None else None)
        high = contract.max_minutes if contract.max_minutes is not None else (
            target + tolerance if target is not None else None)
        return low, high, target

    def _worked(self, timeline: Timeline, employee: Employee) -> int:
        return sum(item.worked for item in timeline.by_employee.get(employee.id, [])
                   if 0 <= item.day < timeline.calendar.days)

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        low, high, _ = self.bounds(employee, timeline.calendar.days, timeline.scenario.horizon.start)
        worked = self._worked(timeline, employee)
        if low is not None and worked < low:
            return [(math.ceil((low - worked) / 60), Said("below-contract",
                                                          "works {worked}, below the contract's {low}",
                                                          worked=hours(worked), low=hours(low)), [])]
        if high is not None and worked > high:
            return [(math.ceil((worked - high) / 60), Said("above-contract",
                                                           "works {worked}, above the contract's {high}",
                                                           worked=hours(worked), high=hours(high)), [])]
        return []

    def cost(self, timeline: Timeline) -> list[Cost]:
        costs = super().cost(timeline)
        if self.mode is RuleMode.OFF:
            return costs
        for employee in timeline.scenario.employees:
            _, _, target = self.bounds(employee, timeline.calendar.days, timeline.scenario.horizon.start)
            if target is None:
                continue
            deviation = math.ceil(abs(self._worked(timeline, employee) - target) / 60)
            if deviation:
                costs.append(Cost("contract_hours", deviation * self.weight, employee.id, (),
                                  f"{deviation} h from the {hours(target)} target"))
        return costs

    def minute_cap(self, employee: Employee, scenario: Scenario, days: int) -> MinuteCap | None:
        high = self.bounds(employee, days, scenario.horizon.start)[1]
        return None if high is None else MinuteCap(float(high))

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            low, high, target = self.bounds(employee, encoder.calendar.days, encoder.scenario.horizon.start)
            terms: Terms = [(o.worked, lit) for o, lit in encoder.shifts_of(employee.id)]
            ceiling = sum(c for c, _ in terms)
            if high is not None and ceiling > high:
                encoder.at_most(self, terms, high, f"hours max {employee.id}", unit=60)
            if low is not None and low > 0:
                encoder.at_least(self, terms, low, f"hours min {employee.id}", unit=60)
            if target is not None and self.mode is not RuleMode.OFF:
                worked = sum(c * lit for c, lit in terms)
                span = max(target, ceiling) // 60 + 1
                deviation = encoder.new_int(0, span, f"hours deviation {employee.id}")
                encoder.model.add(60 * deviation >= worked - target)
                encoder.model.add(60 * deviation >= target - worked)
                encoder.add_cost("contract_hours", [(self.weight, deviation)])


class MaxShiftsPerType(PerEmployeeRule):
    id: ClassVar[str] = "contract.max-shifts"
    title: ClassVar[str] = "Shifts of one type"
    reference = "employment contract"

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        found: list[tuple[int, str, list[dt.date]]] = []
        for shift, cap in employee.contract.max_shifts.items():
            count = sum(1 for item in timeline.by_employee.get(employee.id, []) if item.shift == shift)
            if count > cap:
                found.append((count - cap, Said("too-many-of-shift", "works {count} {shift} shifts, more than {cap}",
                                               count=count, shift=shift, cap=cap), []))
        return found

    def permits(self, employee: Employee, occurrence: Occurrence, post: Post) -> bool:
        return self.mode is not RuleMode.HARD or employee.contract.max_shifts.get(occurrence.shift, 1) > 0

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            for shift, cap in employee.contract.max_shifts.items():
                terms = [(1, lit) for o, lit in encoder.shifts_of(employee.id) if o.shift == shift]
                if len(terms) > cap:
                    encoder.at_most(self, terms, cap, f"max {shift} {employee.id}")


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(first, length) of each run of True in `flags`."""
    runs = []
    start = None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            runs.append((start, index - start))
            start = None
    return runs


class ConsecutiveDays(PerEmployeeRule):
    """Runs of working days are at most `max_days` long and, unless they touch the horizon's edge, at least
    `min_days`; the same for runs of days off with `min_days_off`."""

    id: ClassVar[str] = "contract.consecutive-days"
    title: ClassVar[str] = "Consecutive working days"
    reference = "employment contract"

    def limits(self, employee: Employee) -> tuple[int | None, int | None, int | None]:
        contract = employee.contract
        return contract.max_consecutive_days, contract.min_consecutive_days, contract.min_consecutive_days_off

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        max_on, min_on, min_off = self.limits(employee)
        days = timeline.calendar.days
        dates = timeline.calendar.dates
        worked = timeline.days_worked(employee.id)
        flags = [day in worked for day in range(days)]
        found: list[tuple[int, str, list[dt.date]]] = []
        for first, length in _runs(flags):
            last = first + length - 1
            inner = first > 0 and last < days - 1
            if max_on is not None and length > max_on:
                found.append((length - max_on, Said("run-too-long",
                                                    "works {length} days in a row from {date}, more than {most}",
                                                    length=length, date=dates[first], most=max_on),
                              [dates[first], dates[last]]))
            if min_on is not None and inner and length < min_on:
                found.append((min_on - length, Said("run-too-short",
                                                    "works only {length} days in a row from {date}, fewer than {least}",
                                                    length=length, date=dates[first], least=min_on),
                              [dates[first], dates[last]]))
        if min_off is not None:
            for first, length in _runs([not f for f in flags]):
                last = first + length - 1
                if first > 0 and last < days - 1 and length < min_off:
                    found.append((min_off - length, Said("rest-run-too-short",
                                                         "has only {length} days off in a row from {date}, "
                                                         "fewer than {least}",
                                                         length=length, date=dates[first], least=min_off),
                                  [dates[first], dates[last]]))
        return found

    def encode(self, encoder: Encoder) -> None:
        days = encoder.calendar.days
        for employee in encoder.scenario.employees:
            max_on, min_on, min_off = self.limits(employee)
            work = [encoder.works_day(employee.id, day) for day in range(days)]
            if max_on is not None:
                for first in range(days - max_on):
                    terms = [t for day in range(first, first + max_on + 1) for t in work[day]]
                    if len({day for day in range(first, first + max_on + 1) if work[day]}) > max_on:
                        encoder.at_most(self, terms, max_on, f"max run {employee.id} {first}")
            # A short run bounded on both sides inside the horizon: off, `length` days on, off.
            for minimum, on_value in ((min_on, True), (min_off, False)):
                if minimum is None:
                    continue
                for length in range(1, minimum):
                    for first in range(1, days - length):
                        self._forbid_run(encoder, work, first, length, on_value, employee.id, minimum)

    def _forbid_run(
        self, encoder: Encoder, work: list[Terms], first: int, length: int, on_value: bool, employee: str,
        minimum: int,
    ) -> None:
        """Forbid 'day first-1 is not on_value, days first..first+length-1 are, day first+length is not'."""
        # Each day's state is a sum of literals (0 or 1): sum >= 1 means 'works'. Build one indicator a day.
        states = []
        for day in [first - 1, *range(first, first + length), first + length]:
            states.append(_day_worked(encoder, work[day], employee, day))
        pattern = [not on_value, *([on_value] * length), not on_value]
        literals = []
        for state, wanted in zip(states, pattern, strict=True):
            if state is None:  # the person cannot work that day
                if wanted:
                    return
                continue
            literals.append(state if wanted else state.Not())
        # Priced like `breaches`: one unit per missing day of the run.
        encoder.forbid_all(self, literals, f"short run {employee} {first} {length}", amount=minimum - length)


def _day_worked(encoder: Encoder, terms: Terms, employee: str, day: int) -> Literal | None:
    if not terms:
        return None
    if len(terms) == 1:
        return terms[0][1]

    def build() -> Literal:
        indicator = encoder.new_bool(f"works {employee} {day}")
        encoder.model.add(sum(lit for _, lit in terms) == indicator)
        return indicator

    return encoder.cached(("works-day", employee, day), build)


class MaxWeekends(PerEmployeeRule):
    """At most `max_weekends` weekends worked over the horizon (a weekend is worked if Saturday or Sunday is)."""

    id: ClassVar[str] = "contract.max-weekends"
    title: ClassVar[str] = "Weekends worked"
    reference = "employment contract"

    def weekends(self, dates: list[dt.date]) -> list[list[int]]:
        groups: dict[dt.date, list[int]] = {}
        for day, date in enumerate(dates):
            if date.weekday() >= 5:
                saturday = date - dt.timedelta(days=date.weekday() - 5)
                groups.setdefault(saturday, []).append(day)
        return list(groups.values())

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        cap = employee.contract.max_weekends
        if cap is None:
            return []
        worked = timeline.days_worked(employee.id)
        count = sum(1 for weekend in self.weekends(timeline.calendar.dates) if worked & set(weekend))
        if count > cap:
            return [(count - cap, Said("too-many-weekends", "works {count} weekends, more than {cap}", count=count,
                                       cap=cap), [])]
        return []

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            cap = employee.contract.max_weekends
            if cap is None:
                continue
            indicators = []
            for weekend in self.weekends(encoder.calendar.dates):
                terms = [t for day in weekend for t in encoder.works_day(employee.id, day)]
                if not terms:
                    continue
                worked = encoder.new_bool(f"weekend {employee.id} {weekend[0]}")
                for _, literal in terms:
                    encoder.model.add_implication(literal, worked)
                indicators.append((1, worked))
            if len(indicators) > cap:
                encoder.at_most(self, indicators, cap, f"weekends {employee.id}")


class BalancedShifts(Rule):
    """Shift counts stay close across people: the spread (most shifts minus fewest) is priced per shift.

    Off unless a scenario sets it (mode soft, a weight); as a hard rule, a spread above `max_spread` breaks it.
    Only people who may work at all are compared.
    """

    id: ClassVar[str] = "contract.balanced-shifts"
    title: ClassVar[str] = "Balanced shift counts"
    reference = "fairness between employees"
    mode = RuleMode.OFF

    def __init__(self, max_spread: int = 0) -> None:
        self.max_spread = max_spread

    def _counts(self, timeline: Timeline) -> dict[str, int]:
        return {e.id: sum(1 for item in timeline.by_employee.get(e.id, []) if 0 <= item.day < timeline.calendar.days)
                for e in timeline.scenario.employees}

    def _spread(self, timeline: Timeline) -> int:
        counts = list(self._counts(timeline).values())
        return max(counts) - min(counts) if counts else 0

    def check(self, timeline: Timeline) -> list[Violation]:
        if self.mode is not RuleMode.HARD or self._spread(timeline) <= self.max_spread:
            return []
        counts = self._counts(timeline)
        return [self.violation(Said("spread-too-wide",
                                    "shift counts range from {fewest} to {most}, a spread above {cap}",
                                    fewest=min(counts.values()), most=max(counts.values()), cap=self.max_spread),
                               spread=self._spread(timeline))]

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is not RuleMode.SOFT:
            return []
        spread = self._spread(timeline)
        counts = self._counts(timeline)
        return [self.soft_cost(spread, None, [], f"shift counts from {min(counts.values())} to "
                                                 f"{max(counts.values())}")] if spread else []

    def encode(self, encoder: Encoder) -> None:
        counts = [[(1, lit) for _, lit in encoder.shifts_of(e.id)] for e in encoder.scenario.employees]
        if not counts:
            return
        ceiling = max(len(terms) for terms in counts)
        most = encoder.new_int(0, ceiling, "most shifts")
        fewest = encoder.new_int(0, ceiling, "fewest shifts")
        for terms in counts:
            worked = sum(lit for _, lit in terms) if terms else 0
            encoder.model.add(most >= worked)
            encoder.model.add(fewest <= worked)
        if self.mode is RuleMode.HARD:
            encoder.at_most(self, [(1, most), (-1, fewest)], self.max_spread, "spread")
        else:
            encoder.add_cost(self.id, [(self.weight, most), (-self.weight, fewest)])
