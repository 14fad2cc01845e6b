"""Plan by exception: the published cycle is what each person works, and every deviation from it is priced.

A crew member's planned shift on a date is their crew's cycle shift; a relief-pool member has none (the pool
is there to be called). `FollowCycle` is a soft rule written once, like `replan.keep-published`: `cost`
prices any roster's deviations from the cycle and `encode` prices the same deviations in the solver's model,
so the checker and the solver agree on the figure. Nearer deviations cost more (short notice), and the kinds
are priced in the order a planner calls on them: a relief-pool shift, then a crew member moved to another
shift (a swap) or given a day off, then an extra shift on a cycle day off (overtime).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from roulement.model.calendar import Calendar
from roulement.model.roster import Assignment, Timeline
from roulement.model.scenario import Employee, RuleMode, Scenario
from roulement.rules.base import Cost, Encoder, Rule, Violation
from roulement.rules.people import night_free_by_declaration

CYCLE_TERM = "cycle_deviations"


def cycle_shift(scenario: Scenario, crew: str, day: dt.date) -> str | None:
    """The shift crew `crew` works on `day` by the published cycle, None when the cycle has it off."""
    assert scenario.rotation is not None
    return scenario.rotation.shift_on(crew, day)


def crew_ids(scenario: Scenario) -> set[str]:
    return set() if scenario.rotation is None else {c.id for c in scenario.rotation.crews}


def pool_id(scenario: Scenario) -> str | None:
    rotation = scenario.rotation
    return None if rotation is None or rotation.relief_pool is None else rotation.relief_pool.id


def crew_of(scenario: Scenario) -> dict[str, str]:
    """employee -> crew id, for the people in a crew of the cycle (not the pool, not day posts)."""
    crews = crew_ids(scenario)
    return {e.id: e.crew for e in scenario.employees if e.crew is not None and e.crew in crews}


def pool_members(scenario: Scenario) -> set[str]:
    pool = pool_id(scenario)
    return {e.id for e in scenario.employees if pool is not None and e.crew == pool}


def planned(scenario: Scenario) -> dict[tuple[str, dt.date], str | None]:
    """(crew member, date) -> the cycle's shift (None = off) for every date of the horizon."""
    crews = crew_of(scenario)
    by_crew = {crew: {day: cycle_shift(scenario, crew, day) for day in scenario.horizon.dates()}
               for crew in set(crews.values())}
    return {(employee, day): shift for employee, crew in crews.items() for day, shift in by_crew[crew].items()}


class DeviationKind(StrEnum):
    POOL = "relief-pool shift"
    SWAP = "swap"  # a crew member works another shift than the crew that day
    DAY_OFF = "day off"  # a crew member present but off on a cycle working day
    EXTRA = "extra shift"  # a crew member works on a cycle day off


PLURALS = {DeviationKind.POOL: "relief-pool shifts", DeviationKind.SWAP: "swaps", DeviationKind.DAY_OFF: "days off",
           DeviationKind.EXTRA: "extra shifts"}

# Price units of each kind, before the weight and the nearness factor: the pool first, overtime last.
UNITS = {DeviationKind.POOL: 1, DeviationKind.SWAP: 3, DeviationKind.DAY_OFF: 3, DeviationKind.EXTRA: 5}


@dataclass(frozen=True)
class Deviation:
    employee: str
    date: dt.date
    kind: DeviationKind
    planned: str | None
    worked: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"employee": self.employee, "date": self.date.isoformat(), "kind": self.kind.value,
                "planned": self.planned, "worked": self.worked}


@dataclass
class CycleFollowing:
    """How far a roster follows the published cycle."""

    cycle_shifts: int  # shifts the cycle plans for crew members on days they are present
    followed: int  # of those, worked as planned (any post)
    absent: int  # cycle shifts of crew members on days they are absent (not the planner's deviation)
    deviations: list[Deviation]

    @property
    def share(self) -> float:
        """Share of the cycle's shifts (for crew members present that day) worked as published, on any post;
        1.0 when the cycle plans nothing. Relief-pool shifts are listed as deviations but are no cycle shift."""
        return self.followed / self.cycle_shifts if self.cycle_shifts else 1.0

    def counts(self) -> dict[str, int]:
        return {kind.value: sum(1 for d in self.deviations if d.kind is kind) for kind in DeviationKind}

    def sentence(self) -> str:
        """'97.4 % of shifts follow the published cycle; 41 deviations: 30 relief-pool shifts, ...'."""
        parts = [f"{count} {kind if count == 1 else PLURALS[DeviationKind(kind)]}"
                 for kind, count in self.counts().items() if count]
        tail = f"; {len(self.deviations)} deviation{'' if len(self.deviations) == 1 else 's'}"
        return (f"{100 * self.share:.1f} % of shifts follow the published cycle"
                + (tail + ": " + ", ".join(parts) if parts else "; no deviation"))


def following(scenario: Scenario, roster: Iterable[Assignment]) -> CycleFollowing:
    """Compare a roster with the cycle, cell by cell, over the horizon."""
    worked = {(a.employee, a.date): a.shift for a in roster
              if scenario.horizon.start <= a.date <= scenario.horizon.end}
    plan = planned(scenario)
    pool = pool_members(scenario)
    deviations: list[Deviation] = []
    cycle_shifts = followed = absent = 0
    for (employee, day), shift in sorted(plan.items()):
        actual = worked.get((employee, day))
        if shift is not None and scenario.employee(employee).absent_on(day):
            absent += 1
            continue
        if shift is not None:
            cycle_shifts += 1
        if actual == shift:
            followed += shift is not None
            continue
        kind = (DeviationKind.EXTRA if shift is None else DeviationKind.DAY_OFF if actual is None
                else DeviationKind.SWAP)
        deviations.append(Deviation(employee, day, kind, shift, actual))
    for (employee, day), actual in sorted(worked.items()):
        if employee in pool:
            deviations.append(Deviation(employee, day, DeviationKind.POOL, None, actual))
    deviations.sort(key=lambda d: (d.employee, d.date))
    return CycleFollowing(cycle_shifts, followed, absent, deviations)


@dataclass(frozen=True)
class DayPrices:
    """One person's day by the cycle: a day off costs `off`, the cycle's shift (`planned`, None when it plans
    none) costs `on_planned`, any other shift `other`."""

    off: int
    planned: str | None
    on_planned: int
    other: int

    def of(self, shift: str | None) -> int:
        """The price of working `shift` that day (None: a day off)."""
        if shift is None:
            return self.off
        return self.on_planned if shift == self.planned else self.other


class FollowCycle(Rule):
    """Each deviation from the published cycle costs its kind's units x `weight`, more when near `first`."""

    id: ClassVar[str] = "rotation.follow-cycle"
    title: ClassVar[str] = "Deviations from the published cycle"
    reference = ("published shift cycle (FR L3132-14 continuous work by rotation, L3121-47 notice of changes; "
                 "DE BetrVG §87(1) Nr. 2)")
    mode = RuleMode.SOFT
    modes: ClassVar[frozenset[RuleMode]] = frozenset({RuleMode.SOFT, RuleMode.OFF})
    # Above what moving one night buys in fair shares (people.fair-share: 3 per tenth of a shift).
    weight = 40

    def __init__(self, near_days: int = 7, near_factor: int = 3, first: dt.date | None = None) -> None:
        self.near_days = near_days
        self.near_factor = near_factor
        # Deviations are priced from this date (the horizon's start when None; a re-plan's --from).
        self.first = first

    def price(self, scenario: Scenario, kind: DeviationKind, day: dt.date) -> int:
        """Units x weight, `near_factor` times that on the first day, falling linearly to 1x after `near_days`.

        A relief-pool shift costs its units on every day: it is the pool's ordinary work (a pool member has
        no cycle, and the contract fixes how many shifts they work), so nearness would only push the pool's
        month towards its end, their days off to its start, whatever their household asked. A re-plan prices
        changes to the pool's published shifts by their nearness in `replan.keep-published`."""
        first = self.first or scenario.horizon.start
        distance = max((day - first).days, 0)
        base = UNITS[kind] * self.weight
        if distance >= self.near_days or kind is DeviationKind.POOL:
            return base
        return round(base * (1 + (self.near_factor - 1) * (self.near_days - distance) / self.near_days))

    def check(self, timeline: Timeline) -> list[Violation]:
        return []

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is not RuleMode.SOFT or timeline.scenario.rotation is None:
            return []
        scenario = timeline.scenario
        return [Cost(CYCLE_TERM, self.price(scenario, d.kind, d.date), d.employee, (d.date,),
                     f"{d.kind.value}: {d.planned or 'off'} -> {d.worked or 'off'}")
                for d in following(scenario, timeline.items_as_assignments()).deviations]

    def day_prices(self, scenario: Scenario, employee: Employee, day: dt.date) -> DayPrices | None:
        """What each choice of one person's day costs by the cycle; None when no choice costs anything (a person
        in no crew nor the pool, or a crew member absent on a cycle shift: no deviation of the planner's).
        The solver's model (`encode`) and column generation's walk both price days from this."""
        if self.mode is not RuleMode.SOFT or scenario.rotation is None:
            return None
        pool = pool_id(scenario)
        if pool is not None and employee.crew == pool:
            return DayPrices(0, None, 0, self.price(scenario, DeviationKind.POOL, day))
        if employee.crew is None or employee.crew not in crew_ids(scenario):
            return None
        shift = cycle_shift(scenario, employee.crew, day)
        if shift is None:
            return DayPrices(0, None, 0, self.price(scenario, DeviationKind.EXTRA, day))
        if employee.absent_on(day):
            return None
        # Off costs a day off; another shift costs a swap; the planned shift costs nothing.
        return DayPrices(self.price(scenario, DeviationKind.DAY_OFF, day), shift, 0,
                         self.price(scenario, DeviationKind.SWAP, day))

    def encode(self, encoder: Encoder) -> None:
        scenario = encoder.scenario
        if self.mode is not RuleMode.SOFT or scenario.rotation is None:
            return
        for employee in scenario.employees:
            for day, date in enumerate(encoder.calendar.dates):
                prices = self.day_prices(scenario, employee, date)
                if prices is None:
                    continue
                # off + (other - off) x works that day + (on planned - other) x works the planned shift.
                terms = [((prices.other - prices.off) * c, lit) for c, lit in encoder.works_day(employee.id, day)]
                kept = None if prices.planned is None else encoder.works(employee.id, day, prices.planned)
                if kept is not None:
                    terms.append((prices.on_planned - prices.other, kept))
                terms = [(coefficient, lit) for coefficient, lit in terms if coefficient]
                if terms or prices.off:
                    encoder.add_cost(CYCLE_TERM, terms, constant=prices.off)


class PoolShares(Rule):
    """The relief pool shares nights and Sundays as the crews do: each pool member's count lies within the
    range the crews' cycle gives a crew over the horizon, pro rata their contract and days present. Each night
    or Sunday outside the range costs `weight`. Without it the pool, planned shift by shift, would take what is
    left: a full-timer with nine nights beside crews with five or six."""

    id: ClassVar[str] = "rotation.pool-shares"
    title: ClassVar[str] = "The relief pool's nights and Sundays within the crews' range"
    reference = "equal treatment of shift workers; BAuA guidance (ArbZG §6(1)); FR L3122-15"
    mode = RuleMode.SOFT
    modes: ClassVar[frozenset[RuleMode]] = frozenset({RuleMode.SOFT, RuleMode.OFF})
    weight = 30

    def bands(self, scenario: Scenario, calendar: Calendar) -> dict[str, dict[str, tuple[int, int]]]:
        """pool member -> category ('nights', 'sundays') -> (lowest, highest) count."""
        rotation = scenario.rotation
        if rotation is None or not rotation.crews:
            return {}
        ranges: dict[str, tuple[int, int]] = {}
        for category in ("nights", "sundays"):
            counts = [sum(1 for day, date in enumerate(calendar.dates)
                          for shift in [rotation.shift_on(crew.id, date)]
                          if shift is not None and _counts(category, calendar, day, shift))
                      for crew in rotation.crews]
            ranges[category] = (min(counts), max(counts))
        full = max((e.contract.weekly_hours for e in scenario.employees), default=35.0) * calendar.days
        found: dict[str, dict[str, tuple[int, int]]] = {}
        for employee_id in sorted(pool_members(scenario)):
            employee = scenario.employee(employee_id)
            present = sum(1 for date in calendar.dates if not employee.absent_on(date))
            ratio = employee.contract.weekly_hours * present / full
            found[employee_id] = {
                category: (math.floor(low * ratio), math.ceil(high * ratio))
                for category, (low, high) in ranges.items()
                if category != "nights" or not night_free_by_declaration(scenario, employee)}
        return found

    def check(self, timeline: Timeline) -> list[Violation]:
        return []

    def cost(self, timeline: Timeline) -> list[Cost]:
        if self.mode is not RuleMode.SOFT:
            return []
        calendar = timeline.calendar
        costs = []
        for employee, bands in self.bands(timeline.scenario, calendar).items():
            for category, (low, high) in bands.items():
                count = sum(1 for item in timeline.by_employee.get(employee, [])
                            if 0 <= item.day < calendar.days and _counts(category, calendar, item.day, item.shift))
                outside = max(low - count, 0) + max(count - high, 0)
                if outside:
                    costs.append(Cost(self.id, outside * self.weight, employee, (),
                                      f"{count} {category}, the crews have {low} to {high}"))
        return costs

    def encode(self, encoder: Encoder) -> None:
        if self.mode is not RuleMode.SOFT:
            return
        calendar = encoder.calendar
        for employee, bands in self.bands(encoder.scenario, calendar).items():
            for category, (low, high) in bands.items():
                terms = [(1, lit) for o, lit in encoder.shifts_of(employee)
                         if _counts(category, calendar, o.day, o.shift)]
                encoder.at_least(self, terms, low, f"pool {category} low {employee}")
                if high < len(terms):
                    encoder.at_most(self, terms, high, f"pool {category} high {employee}")


def _counts(category: str, calendar: Calendar, day: int, shift: str) -> bool:
    occurrence = calendar.occurrence(day, shift)
    return occurrence.is_night if category == "nights" else occurrence.date.weekday() == 6
