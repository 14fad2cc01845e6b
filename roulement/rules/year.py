"""Rules that only a year can judge: they read a roster of a whole year, such as a crew cycle rolled out.

On a shorter horizon they judge nothing (a four-week plan says nothing of a yearly average); the per-week
limits of the law packs still apply there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from roulement.model.calendar import Calendar, Week
from roulement.model.roster import Timeline
from roulement.model.scenario import Employee
from roulement.rules.base import Encoder
from roulement.rules.working_time import AverageWeeklyMax, _upper_bound, _worked_terms

WEEKS_A_YEAR = 52


class ContinuousCycleAverage(AverageWeeklyMax):
    """FR L3132-15: people working in successive crews on a continuous cycle work at most `max_hours` a week
    on average over a year. Judged for members of a crew (not the relief pool) on horizons of a year or more,
    over every window of 52 consecutive calendar weeks."""

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
    def _in_cycle(timeline_employee: Employee, crews: set[str]) -> bool:
        return timeline_employee.crew is not None and timeline_employee.crew in crews

    def breaches(self, timeline: Timeline, employee: Employee) -> list[tuple[int, str, list[dt.date]]]:
        rotation = timeline.scenario.rotation
        if rotation is None or not self._in_cycle(employee, {c.id for c in rotation.crews}):
            return []
        return super().breaches(timeline, employee)

    def encode(self, encoder: Encoder) -> None:
        rotation = encoder.scenario.rotation
        if rotation is None:
            return
        crews = {c.id for c in rotation.crews}
        for employee in encoder.scenario.employees:
            if not self._in_cycle(employee, crews):
                continue
            for window in self.windows(encoder.calendar):
                terms = _worked_terms(encoder, employee.id, window[0].start, window[-1].end)
                limit = round(self.max_hours * 60 * len(window))
                if _upper_bound(terms) > limit:
                    encoder.at_most(self, terms, limit, f"cycle average {employee.id} {window[0].first_day}",
                                    unit=60)
