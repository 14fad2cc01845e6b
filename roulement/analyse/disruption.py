"""Disruptions as pure functions: each takes a Scenario and returns a new one; the original is untouched.

A sick leave is an absence added to a person; a line down is its demand removed for some days (no demand,
so nobody may hold the post and its people are free for other posts or for rest); a demand file replaces
the demand of the slots it names.
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from roulement.model.calendar import Calendar
from roulement.model.demand import demand_slots
from roulement.model.roster import Roster
from roulement.model.scenario import Absence, AbsenceKind, Demand, Employee, Scenario
from roulement.rules.contract import ContractHours


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


def parse_target(text: str, what: str, default: DateRange) -> tuple[str, DateRange]:
    """'ID' or 'ID:YYYY-MM-DD..YYYY-MM-DD' (or a single date 'ID:YYYY-MM-DD'); default range otherwise."""
    name, sep, span = text.partition(":")
    if not name:
        raise DisruptionError(f"{what} {text!r}: expected ID or ID:FROM..TO (dates YYYY-MM-DD)")
    if not sep:
        return name, default
    first, dots, last = span.partition("..")
    try:
        start = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last) if dots else start
    except ValueError:
        raise DisruptionError(f"{what} {text!r}: expected ID or ID:FROM..TO (dates YYYY-MM-DD)") from None
    try:
        return name, DateRange(start, end)
    except DisruptionError as error:
        raise DisruptionError(f"{what} {text!r}: {error}") from None


def _rebuilt(scenario: Scenario, **changes: Any) -> Scenario:
    # Validate afresh (not model_copy) so cached lookups such as employees_by_id are rebuilt too.
    fields = {name: getattr(scenario, name) for name in Scenario.model_fields}
    return Scenario.model_validate({**fields, **changes})


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
    return _rebuilt(scenario, employees=employees)


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
    return _rebuilt(scenario, demand=demand)


DEMAND_COLUMNS = ["post", "date", "shift", "min", "preferred", "max"]


def parse_demand_file(text: str, scenario: Scenario, source: str) -> list[Demand]:
    """Rows `post,date,shift,min[,preferred,max]`: the demand of that slot from now on."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in DEMAND_COLUMNS[:4] if name not in header]
    if missing:
        raise DisruptionError(f"{source}:1: header lacks {', '.join(missing)} (expected {','.join(DEMAND_COLUMNS)})")
    problems: list[str] = []
    rows: list[Demand] = []
    for row in reader:
        where = f"{source}:{reader.line_num}"
        values = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        post, shift = values.get("post", ""), values.get("shift", "")
        if post not in scenario.posts_by_id:
            problems.append(f"{where}: post: unknown post {post!r}")
        if shift not in scenario.shifts_by_id:
            problems.append(f"{where}: shift: unknown shift {shift!r}")
        try:
            day = dt.date.fromisoformat(values.get("date", ""))
        except ValueError:
            problems.append(f"{where}: date: {values.get('date')!r} is not a date YYYY-MM-DD")
            continue
        if not scenario.horizon.start <= day <= scenario.horizon.end:
            problems.append(f"{where}: date: {day} is outside the horizon "
                            f"{scenario.horizon.start}..{scenario.horizon.end}")
            continue
        levels: dict[str, Any] = {}
        for column in ("min", "preferred", "max"):
            text_value = values.get(column, "")
            if text_value:
                if not text_value.isdigit():
                    problems.append(f"{where}: {column}: {text_value!r} is not a whole number >= 0")
                    continue
                levels[column] = int(text_value)
        if "min" not in levels:
            problems.append(f"{where}: min is empty")
            continue
        try:
            rows.append(Demand(post=post or "?", shifts=[shift or "?"], dates=[day], **levels))
        except ValidationError as error:
            problems.append(f"{where}: {error.errors()[0]['msg']}")
    if problems:
        raise DisruptionError("\n".join(problems))
    return rows


def replace_demand(scenario: Scenario, rows: list[Demand]) -> Scenario:
    """The scenario whose demand for each slot named in `rows` is that row's (other slots unchanged)."""
    named = {(row.post, shift, day) for row in rows for shift in row.shifts for day in row.dates or []}
    demand = _without_slots(scenario, lambda post, shift, day: (post, shift, day) in named)
    return _rebuilt(scenario, demand=[*demand, *rows])


def remove_employees(scenario: Scenario, employee_ids: list[str]) -> Scenario:
    """The scenario without these people (a headcount cut)."""
    unknown = [e for e in employee_ids if not scenario.has_employee(e)]
    if unknown:
        raise DisruptionError(f"unknown employee {', '.join(repr(e) for e in unknown)}")
    gone = set(employee_ids)
    return _rebuilt(scenario, employees=[e for e in scenario.employees if e.id not in gone])


def credit_lost_hours(scenario: Scenario, published: Roster) -> Scenario:
    """Hours a disruption takes away (an absence, a line down) are not owed afterwards.

    A person who loses published shifts keeps as contract minimum at most the hours still published for them:
    sick pay, or short-time work for a stopped line (FR activité partielle, DE Kurzarbeit), covers the rest.
    So nobody is called in on a day off only to make up hours the disruption took. And since an absence also
    lowers the pro-rata contract maximum, the hours still published for them stay allowed.
    """
    calendar = Calendar(scenario)
    kept: dict[str, int] = {}
    possible = still_possible(scenario, published)
    for a in possible:
        kept[a.employee] = kept.get(a.employee, 0) + calendar.occurrence(calendar.day_of[a.date], a.shift).worked
    lost = {a.employee for a in set(published.assignments) - set(possible.assignments) if a.date in calendar.day_of}
    if not lost:
        return scenario
    rule = ContractHours()
    employees = []
    for employee in scenario.employees:
        if employee.id in lost:
            low, high, _ = rule.bounds(employee, calendar.days, scenario.horizon.start)
            still = kept.get(employee.id, 0)
            update: dict[str, int] = {}
            if low is not None and still < low:
                update["min_minutes"] = still
            # An absence lowers the contract's pro-rata maximum; shifts already published after it stay allowed.
            if high is not None and still > high:
                update["max_minutes"] = still
            if update:
                employee = employee.model_copy(update={"contract": employee.contract.model_copy(update=update)})
        employees.append(employee)
    return _rebuilt(scenario, employees=employees)


def still_possible(scenario: Scenario, published: Roster) -> Roster:
    """The published assignments the disrupted scenario still allows: nobody absent, every post still wanted."""
    calendar = Calendar(scenario)
    wanted = {(slot.day, slot.shift, slot.post) for slot in demand_slots(scenario)}
    kept = []
    for a in published:
        employee = scenario.employees_by_id.get(a.employee)
        day = calendar.day_of.get(a.date)
        if employee is None or day is None or employee.absent_on(a.date):
            continue
        if (day, a.shift, a.post) in wanted:
            kept.append(a)
    return Roster(kept)
