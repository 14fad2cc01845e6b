"""A roster is a set of assignments; its timeline is the worked time each person really has."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from roulement.model.calendar import Calendar, Occurrence
from roulement.model.scenario import Scenario


@dataclass(frozen=True, order=True)
class Assignment:
    """`employee` works shift `shift` starting on `date`, holding post `post`."""

    employee: str
    date: dt.date
    shift: str
    post: str


@dataclass
class Roster:
    assignments: list[Assignment] = field(default_factory=list)

    def __iter__(self) -> Iterator[Assignment]:
        return iter(self.assignments)

    def __len__(self) -> int:
        return len(self.assignments)

    def sorted(self) -> Roster:
        return Roster(sorted(self.assignments))

    def by_employee_date(self) -> dict[tuple[str, dt.date], Assignment]:
        return {(a.employee, a.date): a for a in self.assignments}


@dataclass(frozen=True)
class WorkItem:
    """One assignment placed in time."""

    assignment: Assignment
    occurrence: Occurrence

    @property
    def employee(self) -> str:
        return self.assignment.employee

    @property
    def post(self) -> str:
        return self.assignment.post

    @property
    def shift(self) -> str:
        return self.assignment.shift

    @property
    def day(self) -> int:
        return self.occurrence.day

    @property
    def date(self) -> dt.date:
        return self.assignment.date

    @property
    def start(self) -> int:
        return self.occurrence.start

    @property
    def end(self) -> int:
        return self.occurrence.end

    @property
    def worked(self) -> int:
        return self.occurrence.worked


class Timeline:
    """The roster seen as time: each person's work intervals, in order, and who holds each post when.

    Assignments on dates outside the horizon are kept (they are history or the next period), with day
    indexes below 0 or beyond the last day, so rules that span a boundary can see them.
    """

    def __init__(self, scenario: Scenario, roster: Iterable[Assignment], calendar: Calendar | None = None) -> None:
        self.scenario = scenario
        self.calendar = calendar or Calendar(scenario)
        items = []
        for assignment in roster:
            day = (assignment.date - scenario.horizon.start).days
            items.append(WorkItem(assignment, self.calendar.occurrence(day, assignment.shift)))
        items.sort(key=lambda item: (item.employee, item.start, item.end))
        self.items = items

    @cached_property
    def by_employee(self) -> dict[str, list[WorkItem]]:
        """Each person's items, in start order; people without any are absent (read it with `.get`): a
        timeline of one person's week, judged thousands of times by the first roster, need not list 300."""
        grouped: dict[str, list[WorkItem]] = {}
        for item in self.items:
            grouped.setdefault(item.employee, []).append(item)
        return grouped

    @cached_property
    def by_slot(self) -> dict[tuple[int, str, str], list[WorkItem]]:
        """(day, shift, post) -> the items filling it."""
        grouped: dict[tuple[int, str, str], list[WorkItem]] = defaultdict(list)
        for item in self.items:
            grouped[(item.day, item.shift, item.post)].append(item)
        return grouped

    @cached_property
    def by_shift(self) -> dict[tuple[int, str], list[WorkItem]]:
        grouped: dict[tuple[int, str], list[WorkItem]] = defaultdict(list)
        for item in self.items:
            grouped[(item.day, item.shift)].append(item)
        return grouped

    @cached_property
    def _starts(self) -> dict[str, list[int]]:
        return {}  # filled per person on first use

    def worked_between(self, employee: str, start: int, end: int) -> int:
        """Minutes of work by `employee` inside [start, end), clipping intervals at the edges."""
        items = self.by_employee.get(employee, [])
        starts = self._starts.get(employee)
        if starts is None:
            starts = self._starts[employee] = [item.start for item in items]
        # Items are in start order and no shift lasts more than a day (plus a clock change): only those
        # starting from a day before `start` up to `end` can overlap.
        first = bisect.bisect_left(starts, start - _LONGEST_ITEM)
        last = bisect.bisect_left(starts, end)
        return sum(_clipped_work(item, start, end) for item in items[first:last])

    def items_as_assignments(self) -> list[Assignment]:
        return [item.assignment for item in self.items]

    def days_worked(self, employee: str) -> set[int]:
        return {item.day for item in self.by_employee.get(employee, [])}


_LONGEST_ITEM = 25 * 60  # a 24 h shift on the night clocks go back


def _clipped_work(item: WorkItem, start: int, end: int) -> int:
    overlap = min(item.end, end) - max(item.start, start)
    if overlap <= 0:
        return 0
    span = item.end - item.start
    # An unpaid break is spread evenly over the shift for clipping purposes.
    return overlap if span == item.worked else round(overlap * item.worked / span)
