"""Rules that only a year can judge: they read a roster of a whole year, such as a crew cycle rolled out.

On a shorter horizon they judge nothing (a four-week plan says nothing of a yearly average); the per-week
limits of the law packs still apply there.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import ClassVar

from roulement.model.calendar import Calendar, Week
from roulement.model.roster import Timeline
from roulement.model.scenario import Employee
from roulement.rules.base import Encoder, Said, hours
from roulement.rules.working_time import AverageWeeklyMax, _worked_terms

WEEKS_A_YEAR = 52


class ContinuousCycleAverage(AverageWeeklyMax):
    """FR L3132-15: people working permanently in successive crews on a continuous cycle work at most
    `max_hours` per worked week on average over a year. Judged for members of a crew (not the relief pool) on
    horizons of a year or more, over every window of 52 consecutive calendar weeks; the average is taken over
    the weeks of the window in which the person works at all ("par semaine travaillée")."""

    id: ClassVar[str] = "cycle-average"
    title: ClassVar[str] = "Yearly average hours in continuous cycles"

    def __init__(self, rule_id: str, reference: str, max_hours: float = 35.0,
                 window_weeks: int = WEEKS_A_YEAR) -> None:
        super().__init__(rule_id, reference, max_hours=max_hours, window_weeks=window_weeks)

    def windows(self, calendar: Calendar) -> list[Sequence[Week]]:
        if len(calendar.weeks) < self.window_weeks:
            return []
        return super().windows(calendar)

    @staticmethod
    def _in_cycle(employee: Employee, crews: set[str]) -> bool:
        return employee.crew is not None and employee.crew in crews

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        rotation = timeline.scenario.rotation
        if rotation is None or not self._in_cycle(employee, {c.id for c in rotation.crews}):
            return []
        found: list[tuple[int, str, list[dt.date]]] = []
        for window in self.windows(timeline.calendar):
            worked_weeks = sum(1 for week in window if timeline.worked_between(employee.id, week.start, week.end))
            worked = timeline.worked_between(employee.id, window[0].start, window[-1].end)
            limit = self.max_hours * 60 * worked_weeks
            if worked > limit:
                first = timeline.calendar.dates[window[0].first_day]
                found.append((math.ceil((worked - limit) / 60),
                              Said("cycle-average-over", "averages {average} per worked week over the "
                                   "{worked_weeks} weeks worked of the {weeks} from {date}, more than {most}",
                                   average=hours(worked / worked_weeks), worked_weeks=worked_weeks,
                                   weeks=len(window), date=first, most=hours(self.max_hours * 60)), [first]))
        return found

    def encode(self, encoder: Encoder) -> None:
        rotation = encoder.scenario.rotation
        if rotation is None:
            return
        crews = {c.id for c in rotation.crews}
        per_week = round(self.max_hours * 60)
        for employee in encoder.scenario.employees:
            if not self._in_cycle(employee, crews):
                continue
            for window in self.windows(encoder.calendar):
                terms = list(_worked_terms(encoder, employee.id, window[0].start, window[-1].end))
                # Each week in which the person works at all adds max_hours to the allowance.
                for week in window:
                    in_week = [lit for _, lit in _worked_terms(encoder, employee.id, week.start, week.end)]
                    if not in_week:
                        continue
                    worked_week = encoder.new_bool(f"worked week {employee.id} {week.first_day}")
                    for literal in in_week:
                        encoder.model.add_implication(literal, worked_week)
                    terms.append((-per_week, worked_week))
                encoder.at_most(self, terms, 0, f"cycle average {employee.id} {window[0].first_day}", unit=60)
