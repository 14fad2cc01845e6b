"""Turns dates and clock times into real elapsed minutes, so rest and hours are right across DST changes.

Minute 0 is local midnight at the start of the horizon. Every duration is real time: a night shift on the
night clocks go back lasts an hour longer, as it does for the person working it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from roulement.model.scenario import Jurisdiction, Scenario, ShiftType

NIGHT_DEFAULTS: dict[Jurisdiction, tuple[dt.time, dt.time, float]] = {
    # FR: 21:00-06:00 without an agreement (L3122-20); night worker from 3 h a night (L3122-5).
    Jurisdiction.FR: (dt.time(21, 0), dt.time(6, 0), 3.0),
    # DE: 23:00-06:00 (§2(3) ArbZG); night work is more than 2 h of it (§2(4)).
    Jurisdiction.DE: (dt.time(23, 0), dt.time(6, 0), 2.01),
}


@dataclass(frozen=True)
class Occurrence:
    """One shift type on one day: when it starts and ends, how much of it is work and how much is night."""

    day: int
    date: dt.date
    shift: str
    start: int
    end: int
    worked: int
    night_minutes: int
    is_night: bool
    start_local: dt.datetime
    end_local: dt.datetime


@dataclass(frozen=True)
class Week:
    """A calendar week (Monday to Sunday) lying wholly inside the horizon."""

    first_day: int
    start: int
    end: int

    @property
    def days(self) -> range:
        return range(self.first_day, self.first_day + 7)


class Calendar:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.zone = ZoneInfo(scenario.site.timezone)
        self.dates = scenario.horizon.dates()
        self.day_of: dict[dt.date, int] = {day: index for index, day in enumerate(self.dates)}
        # Same-zone aware datetimes subtract as wall-clock times in Python: compare in UTC instead.
        self._origin = dt.datetime.combine(scenario.horizon.start, dt.time(0), self.zone).astimezone(dt.UTC)
        night_start, night_end, night_hours = NIGHT_DEFAULTS[scenario.site.jurisdiction]
        self.night_start = scenario.site.night_start or night_start
        self.night_end = scenario.site.night_end or night_end
        self.night_shift_min_minutes = round(60 * (scenario.site.night_shift_min_hours or night_hours))
        self._occurrences: dict[tuple[int, str], Occurrence] = {}
        self._midnights: dict[int, int] = {}

    @property
    def days(self) -> int:
        return len(self.dates)

    def minute(self, moment: dt.datetime) -> int:
        """Real minutes since the horizon's start; naive datetimes are local time at the site."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return round((moment.astimezone(dt.UTC) - self._origin).total_seconds() / 60)

    def local_midnight(self, day: int) -> int:
        """Minute of local midnight at the start of a day index (may lie outside the horizon)."""
        found = self._midnights.get(day)
        if found is None:  # the checker asks for the same midnights once per person and rule: worked out once
            date = self.scenario.horizon.start + dt.timedelta(days=day)
            found = self._midnights[day] = self.minute(dt.datetime.combine(date, dt.time(0)))
        return found

    def occurrence(self, day: int, shift_id: str) -> Occurrence:
        key = (day, shift_id)
        found = self._occurrences.get(key)
        if found is None:
            found = self._occurrences[key] = self._make_occurrence(day, self.scenario.shift(shift_id))
        return found

    def _make_occurrence(self, day: int, shift: ShiftType) -> Occurrence:
        date = self.scenario.horizon.start + dt.timedelta(days=day)
        start_local = dt.datetime.combine(date, shift.start)
        end_date = date + dt.timedelta(days=1) if shift.crosses_midnight else date
        end_local = dt.datetime.combine(end_date, shift.end)
        start, end = self.minute(start_local), self.minute(end_local)
        worked = end - start - (0 if shift.break_paid else shift.break_minutes)
        night_minutes = self._night_overlap(day, start, end)
        is_night = shift.night if shift.night is not None else night_minutes >= self.night_shift_min_minutes
        return Occurrence(day, date, shift.id, start, end, worked, night_minutes, is_night, start_local, end_local)

    def _night_overlap(self, day: int, start: int, end: int) -> int:
        total = 0
        # A shift can touch the night period that began the evening before and the one that begins today.
        for night_day in (day - 1, day, day + 1):
            date = self.scenario.horizon.start + dt.timedelta(days=night_day)
            night_from = self.minute(dt.datetime.combine(date, self.night_start))
            end_date = date + dt.timedelta(days=1) if self.night_end <= self.night_start else date
            night_to = self.minute(dt.datetime.combine(end_date, self.night_end))
            total += max(0, min(end, night_to) - max(start, night_from))
        return total

    @cached_property
    def weeks(self) -> list[Week]:
        """Calendar weeks wholly inside the horizon; partial weeks at either end are not judged."""
        weeks = []
        for day, date in enumerate(self.dates):
            if date.weekday() == 0 and day + 7 <= self.days:
                weeks.append(Week(day, self.local_midnight(day), self.local_midnight(day + 7)))
        return weeks

    @cached_property
    def touched_weeks(self) -> list[Week]:
        """Every calendar week with a day in the horizon, cut or whole; `first_day` may lie before day 0.

        What the plan holds of a cut week is a lower bound of that week's work, so a limit broken there is
        broken in the week: limits judge these, while rules needing the whole week (rest) judge `weeks`.
        """
        if not self.dates:
            return []
        first_monday = -self.dates[0].weekday()
        return [Week(day, self.local_midnight(day), self.local_midnight(day + 7))
                for day in range(first_monday, self.days, 7)]

    def date(self, day: int) -> dt.date:
        """The date of a day index, inside the horizon or not."""
        return self.scenario.horizon.start + dt.timedelta(days=day)

    @cached_property
    def sundays(self) -> list[int]:
        return [day for day, date in enumerate(self.dates) if date.weekday() == 6]
