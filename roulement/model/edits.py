"""Scenario edits as pure functions: each takes a Scenario and returns a new one; the original is untouched.

A sick leave is an absence added to a person; a line down is its demand removed for some days (no demand,
so nobody may hold the post and its people are free for other posts or for rest); new demand replaces the
demand of the slots it names; a headcount cut removes people.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass

from roulement.model.scenario import Absence, AbsenceKind, Demand, Employee, Scenario


class DisruptionError(ValueError):
    """A disruption that does not fit the scenario (unknown person or post, dates outside the horizon)."""


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DisruptionError(f"range ends ({self.end}) before it starts ({self.start})")

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _inside_horizon(scenario: Scenario, span: DateRange, what: str) -> DateRange:
    horizon = scenario.horizon
    if span.end < horizon.start or span.start > horizon.end:
        raise DisruptionError(f"{what}: {span.start}..{span.end} is outside the horizon {horizon.start}..{horizon.end}")
    return DateRange(max(span.start, horizon.start), min(span.end, horizon.end))


def add_absence(
    scenario: Scenario, employee_id: str, span: DateRange, kind: AbsenceKind = AbsenceKind.SICKNESS
) -> Scenario:
    """The scenario with `employee_id` absent over `span` (merged with any absence it overlaps)."""
    if not scenario.has_employee(employee_id):
        raise DisruptionError(f"--absent: unknown employee {employee_id!r}")
    span = _inside_horizon(scenario, span, f"--absent {employee_id}")
    employees: list[Employee] = []
    for employee in scenario.employees:
        if employee.id != employee_id:
            employees.append(employee)
            continue
        start, end, strict, merged = span.start, span.end, False, []
        for absence in employee.absences:
            if absence.start <= end + dt.timedelta(days=1) and absence.end >= start - dt.timedelta(days=1):
                start, end = min(start, absence.start), max(end, absence.end)
                strict = strict or absence.strict
            else:
                merged.append(absence)
        merged.append(Absence(start=start, end=end, kind=kind, strict=strict))
        merged.sort(key=lambda absence: absence.start)
        employees.append(employee.model_copy(update={"absences": merged}))
    return scenario.replaced(employees=employees)


def _without_slots(scenario: Scenario, removed: Callable[[str, str, dt.date], bool]) -> list[Demand]:
    """The demand with every (post, shift, date) for which `removed` holds taken out; other entries unchanged."""
    dates = scenario.horizon.dates()
    kept: list[Demand] = []
    for demand in scenario.demand:
        applies = [d for d in dates if (d in demand.dates if demand.dates is not None else demand.applies_to(d))]
        if not any(removed(demand.post, shift, d) for shift in demand.shifts for d in applies):
            kept.append(demand)
            continue
        for shift in demand.shifts:
            remaining = [d for d in applies if not removed(demand.post, shift, d)]
            if remaining:
                kept.append(demand.model_copy(update={"shifts": [shift], "dates": remaining}))
    return kept


def matching_posts(scenario: Scenario, pattern: str) -> list[str]:
    """Post ids matching `pattern` (an id, or a shell pattern such as 'L3-*' for every post of line 3)."""
    return [post.id for post in scenario.posts if fnmatch.fnmatchcase(post.id, pattern)]


def post_down(scenario: Scenario, pattern: str, span: DateRange) -> Scenario:
    """The scenario with the matching posts needing nobody over `span`: their people are free that time."""
    posts = set(matching_posts(scenario, pattern))
    if not posts:
        raise DisruptionError(f"--post-down: no post matches {pattern!r} "
                              f"(posts: {', '.join(p.id for p in scenario.posts)})")
    span = _inside_horizon(scenario, span, f"--post-down {pattern}")
    demand = _without_slots(scenario, lambda post, _shift, day: post in posts and span.covers(day))
    return scenario.replaced(demand=demand)


def replace_demand(scenario: Scenario, rows: list[Demand]) -> Scenario:
    """The scenario whose demand for each slot named in `rows` is that row's (other slots unchanged)."""
    named = {(row.post, shift, day) for row in rows for shift in row.shifts for day in row.dates or []}
    demand = _without_slots(scenario, lambda post, shift, day: (post, shift, day) in named)
    return scenario.replaced(demand=[*demand, *rows])


def remove_employees(scenario: Scenario, employee_ids: list[str]) -> Scenario:
    """The scenario without these people (a headcount cut)."""
    unknown = [e for e in employee_ids if not scenario.has_employee(e)]
    if unknown:
        raise DisruptionError(f"unknown employee {', '.join(repr(e) for e in unknown)}")
    gone = set(employee_ids)
    return scenario.replaced(employees=[e for e in scenario.employees if e.id not in gone])
