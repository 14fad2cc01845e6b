"""Plant rules: ergonomics of shift work (BAuA guidance, ArbZG §6(1)) and the site's own successions."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from typing import Any, ClassVar

from roulement.model.calendar import Occurrence
from roulement.model.roster import Timeline
from roulement.model.scenario import Employee, RuleMode, Scenario
from roulement.rules.base import Encoder, PerEmployeeRule, Said, hours
from roulement.rules.working_time import DailyRest


class MaxConsecutiveNights(PerEmployeeRule):
    id: ClassVar[str] = "plant.max-consecutive-nights"
    title: ClassVar[str] = "Few night shifts in a row"
    reference = "BAuA shift-work guidance (ArbZG §6(1)); FR L3122-15 agreement measures"

    def __init__(self, max_nights: int = 3) -> None:
        self.max_nights = max_nights

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        nights = sorted({item.day for item in timeline.by_employee.get(employee.id, []) if item.occurrence.is_night})
        found: list[tuple[int, str, list[dt.date]]] = []
        run: list[int] = []
        for day in [*nights, None]:
            if day is not None and run and day == run[-1] + 1:
                run.append(day)
                continue
            if len(run) > self.max_nights:
                dates = [timeline.calendar.dates[0] + dt.timedelta(days=d) for d in run]
                found.append((len(run) - self.max_nights,
                              Said("nights-in-a-row", "works {nights} nights in a row from {date}, more than {most}",
                                   nights=len(run), date=dates[0], most=self.max_nights),
                              [dates[0], dates[-1]]))
            run = [] if day is None else [day]
        return found

    def encode(self, encoder: Encoder) -> None:
        span = self.max_nights + 1
        for employee in encoder.scenario.employees:
            nights: dict[int, list[object]] = {}
            for occurrence, literal in encoder.shifts_of(employee.id):
                if occurrence.is_night:
                    nights.setdefault(occurrence.day, []).append(literal)
            for first in range(encoder.calendar.days - span + 1):
                terms = [(1, lit) for day in range(first, first + span) for lit in nights.get(day, [])]
                if len({day for day in range(first, first + span) if day in nights}) == span:
                    encoder.at_most(self, terms, self.max_nights, f"nights {employee.id} {first}")


def default_rotation(scenario: Scenario) -> list[str]:
    """Shift types in clock order of their start, the natural early -> late -> night of a 3x8."""
    return [s.id for s in sorted(scenario.shifts, key=lambda s: (s.start.hour, s.start.minute))]


class NextDayPairs(PerEmployeeRule):
    """Rules that forbid some shift on the day after another shift."""

    @abstractmethod
    def forbids(self, scenario: Scenario, before: str, after: str) -> bool:
        """True when `after` may not be worked the day after `before`."""

    def forbidden(self, scenario: Scenario) -> dict[str, set[str]]:
        """shift -> the shifts that may not follow it, worked out once per scenario (not once per pair of days)."""
        known: tuple[Scenario, dict[str, set[str]]] | None = getattr(self, "_forbidden", None)
        if known is None or known[0] is not scenario:
            ids = [shift.id for shift in scenario.shifts]
            table = {before: {after for after in ids if self.forbids(scenario, before, after)} for before in ids}
            known = (scenario, table)
            self._forbidden = known
        return known[1]

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        items = timeline.by_employee.get(employee.id, [])
        by_day = {item.day: item for item in items}
        forbidden = self.forbidden(timeline.scenario)
        found: list[tuple[int, str, list[dt.date]]] = []
        for item in items:
            following = by_day.get(item.day + 1)
            if following is not None and following.shift in forbidden.get(item.shift, set()):
                found.append((1, Said("forbidden-succession", "works {shift} on {date} right after {before} on "
                                      "{before_date} ({title})", shift=following.shift, date=following.date,
                                      before=item.shift, before_date=item.date, title=self.title.lower()),
                              [item.date, following.date]))
        return found

    def encode(self, encoder: Encoder) -> None:
        forbidden = self.forbidden(encoder.scenario)
        for employee in encoder.scenario.employees:
            by_day: dict[int, list[tuple[str, object]]] = {}
            for occurrence, literal in encoder.shifts_of(employee.id):
                by_day.setdefault(occurrence.day, []).append((occurrence.shift, literal))
            for day, today in by_day.items():
                for shift, literal in today:
                    after = [(1, lit) for next_shift, lit in by_day.get(day + 1, [])
                             if next_shift in forbidden[shift]]
                    # One linear row per shift, not one clause per forbidden pair: with one shift a day, the
                    # shift plus all its forbidden followers may hold at most once (Instance24: 16 M clauses
                    # become 50 k rows). A soft breach is still priced once per succession.
                    if after:
                        encoder.at_most(self, [(1, literal), *after], 1, f"{self.id} {employee.id} {shift} {day}")


class ForwardRotation(NextDayPairs):
    """On two days in a row, the second shift is the same or later in the rotation (early -> late -> night)."""

    id: ClassVar[str] = "plant.forward-rotation"
    title: ClassVar[str] = "Backward rotation"
    reference = "BAuA shift-work guidance (ArbZG §6(1)): forward rotation"

    def __init__(self, order: list[str] | None = None) -> None:
        self.order = order

    def forbids(self, scenario: Scenario, before: str, after: str) -> bool:
        order = self.order or default_rotation(scenario)
        return before in order and after in order and order.index(after) < order.index(before)


class ForbiddenSuccessions(NextDayPairs):
    """Site-declared pairs: shift `b` may not be worked the day after shift `a` (benchmark data, site custom).

    Rest between shifts is the law packs' job and is computed from clock times; this rule is for successions
    a site forbids on top of that, or for data that has no clock times (the Curtois-Qu benchmark).
    """

    id: ClassVar[str] = "plant.forbidden-successions"
    title: ClassVar[str] = "Forbidden succession"
    reference = "site rule"

    def __init__(self, pairs: list[list[str]] | None = None) -> None:
        self.pairs = pairs or []

    def forbids(self, scenario: Scenario, before: str, after: str) -> bool:
        return [before, after] in self.pairs


def site_rest() -> DailyRest:
    """The law's daily-rest rule as a site rule, for scenarios under no law pack (imported benchmark data).

    Off unless a scenario sets it (mode hard, `min_hours`): where a law pack is in force, its rest applies.
    """
    rule = DailyRest("plant.min-rest", "site rule: minimum rest between two shifts", min_hours=11.0)
    rule.mode = RuleMode.OFF
    return rule


class RestAfterNightBlock(PerEmployeeRule):
    """After the last night of a block (no night the next day), at least `min_rest_hours` off.

    Every shift starting too soon after a block's last night counts once. Soft by default: it is guidance,
    not law, and common two-team patterns (night, day off, night) break it; a plant makes it hard in its
    settings (KOS does)."""

    id: ClassVar[str] = "plant.rest-after-nights"
    title: ClassVar[str] = "Rest after a night block"
    reference = "BAuA shift-work guidance (ArbZG §6(1)): at least 24 h, better 48 h off after a night block"
    mode = RuleMode.SOFT
    weight = 10

    def __init__(self, min_rest_hours: float = 48.0) -> None:
        self.min_rest_hours = min_rest_hours

    def _too_soon(self, night: Occurrence, following: Occurrence) -> bool:
        rest = following.start - night.end
        return 0 <= rest < round(self.min_rest_hours * 60) and following.day > night.day

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        items = timeline.by_employee.get(employee.id, [])
        nights = {item.day for item in items if item.occurrence.is_night}
        found: list[tuple[int, str, list[dt.date]]] = []
        for index, night in enumerate(items):
            if not night.occurrence.is_night or night.day + 1 in nights:
                continue
            for following in items[index + 1:]:
                if self._too_soon(night.occurrence, following.occurrence):
                    rest = following.start - night.end
                    found.append((1, Said("rest-after-nights", "works {shift} on {date} only {rest} after the night "
                                          "block ending {night_date} (at least {least} h asked)",
                                          shift=following.shift, date=following.date, rest=hours(rest),
                                          night_date=night.date, least=self.min_rest_hours),
                                  [night.date, following.date]))
        return found

    def encode(self, encoder: Encoder) -> None:
        for employee in encoder.scenario.employees:
            shifts = encoder.shifts_of(employee.id)
            nights_on: dict[int, list[Any]] = {}
            for occurrence, literal in shifts:
                if occurrence.is_night:
                    nights_on.setdefault(occurrence.day, []).append(literal)
            for index, (night, night_literal) in enumerate(shifts):
                if not night.is_night:
                    continue
                for following, literal in shifts[index + 1:]:
                    if not self._too_soon(night, following):
                        continue
                    # Broken when: this night, no night the next day (the block ends), and this shift.
                    broken = [night_literal, literal, *(n.Not() for n in nights_on.get(night.day + 1, []))]
                    encoder.breach_when_all(self, broken, f"{self.id} {employee.id} {night.day} {following.day}",
                                            self.weight)


class NoEarlyAfterLate(NextDayPairs):
    """No early shift the day after a late one (a 'quick return'), whatever the legal rest allows."""

    id: ClassVar[str] = "plant.no-early-after-late"
    title: ClassVar[str] = "Early shift right after a late one"
    reference = "BAuA handbook 10.3 (quick returns, ArbZG §6(1)); INRS shift-work prevention"

    def __init__(self, early_before_hour: float = 7.0, late_after_hour: float = 20.0) -> None:
        self.early_before_hour = early_before_hour
        self.late_after_hour = late_after_hour

    def forbids(self, scenario: Scenario, before: str, after: str) -> bool:
        first, second = scenario.shift(before), scenario.shift(after)
        late = not first.crosses_midnight and first.end.hour + first.end.minute / 60 >= self.late_after_hour
        early = second.start.hour + second.start.minute / 60 < self.early_before_hour
        return late and early
