"""Timefold's employee-scheduling quickstart data (JSON) as a roulement scenario, and rosters back to its shifts.

The quickstart gives each shift a start, an end, a location and one required skill, to be held by exactly one
employee. roulement sees shift types (the distinct clock times), posts (location x skill, needing that skill)
and demand per date, shift type and post with min = max = the number of such shifts. Its rules map onto
roulement's: one shift per day (core), 10 h between shifts (`plant.min-rest`, the daily-rest rule configured
for a site under no law pack), unavailable dates (strict absences: no shift may even overlap the date),
undesired and desired dates (day_off / day_on requests), balanced shift counts (`contract.balanced-shifts`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import (
    Absence,
    Contract,
    Demand,
    Employee,
    Horizon,
    Post,
    Request,
    RequestKind,
    RuleConfig,
    RuleMode,
    RuleSetting,
    Scenario,
    ShiftType,
    Site,
    Skill,
)

# Dates are priced, as Timefold does, by the minutes a shift overlaps them; one shift of spread between the
# busiest and the idlest person costs as much as two hours on an undesired date.
BALANCE_WEIGHT = 120
MIN_REST_HOURS = 10.0


class TimefoldError(ValueError):
    """Bad quickstart input; the message names the file and the field."""


@dataclass(frozen=True)
class TimefoldShift:
    id: str
    start: dt.datetime
    end: dt.datetime
    location: str
    skill: str

    @property
    def type_id(self) -> str:
        return f"{self.start:%H%M}-{self.end:%H%M}"

    @property
    def post_id(self) -> str:
        return f"{slug(self.location)}.{slug(self.skill)}"


def slug(text: str) -> str:
    """A name as a roulement identifier: spaces and other signs become '_'."""
    return re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip())[:64] or "_"


def load_timefold(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TimefoldError(f"{path}: cannot read ({error.strerror})") from error
    except json.JSONDecodeError as error:
        raise TimefoldError(f"{path}:{error.lineno}: not JSON ({error.msg})") from error
    if not isinstance(data, dict):
        raise TimefoldError(f"{path}: expected an object with 'employees' and 'shifts'")
    return data


def _field(item: Any, name: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(item, dict) or name not in item:
        raise TimefoldError(f"{where}: missing field {name!r}")
    if not isinstance(item[name], kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise TimefoldError(f"{where}.{name}: expected {names}")
    return item[name]


def _optional_list(item: dict[str, Any], name: str, where: str, kind: type) -> list[Any]:
    """An optional list field (absent means empty) whose items must all be of `kind`."""
    value = item.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, kind) for v in value):
        raise TimefoldError(f"{where}.{name}: expected a list of {kind.__name__}")
    return value


def _moment(value: str, where: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        raise TimefoldError(f"{where}: {value!r} is not an ISO date-time") from None


def _date(value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise TimefoldError(f"{where}: {value!r} is not an ISO date") from None


def read_shifts(data: dict[str, Any], source: str = "<timefold>") -> list[TimefoldShift]:
    shifts = []
    for index, item in enumerate(_field(data, "shifts", source, list)):
        where = f"{source}: shifts[{index}]"
        start = _moment(_field(item, "start", where, str), f"{where}.start")
        end = _moment(_field(item, "end", where, str), f"{where}.end")
        if not start < end < start + dt.timedelta(days=1):
            raise TimefoldError(f"{where}: end must come after start, less than a day later")
        shifts.append(TimefoldShift(str(_field(item, "id", where, (str, int))), start, end,
                                    _field(item, "location", where, str), _field(item, "requiredSkill", where, str)))
    if not shifts:
        raise TimefoldError(f"{source}: no shifts")
    return shifts


def to_scenario(data: dict[str, Any], source: str = "<timefold>", name: str = "Timefold quickstart") -> Scenario:
    shifts = read_shifts(data, source)
    first = min(s.start.date() for s in shifts)
    last = max(s.start.date() for s in shifts)
    types: dict[str, ShiftType] = {}
    for shift in shifts:
        types.setdefault(shift.type_id, ShiftType(id=shift.type_id, start=shift.start.time(),
                                                  end=shift.end.time(), break_paid=True, night=False))
    posts = {s.post_id: Post(id=s.post_id, name=f"{s.location} ({s.skill})", skills=[slug(s.skill)])
             for s in shifts}
    counts: dict[tuple[dt.date, str, str], int] = {}
    for shift in shifts:
        key = (shift.start.date(), shift.type_id, shift.post_id)
        counts[key] = counts.get(key, 0) + 1
    demand = [Demand(post=post, shifts=[type_id], dates=[date], min=count, max=count)
              for (date, type_id, post), count in sorted(counts.items())]
    skills = {slug(s.skill) for s in shifts}
    employees = []
    seen: set[str] = set()
    for index, item in enumerate(_field(data, "employees", source, list)):
        where = f"{source}: employees[{index}]"
        full_name = _field(item, "name", where, str)
        ident = slug(full_name)
        if ident in seen:
            raise TimefoldError(f"{where}.name: {full_name!r} appears twice")
        seen.add(ident)
        held = [slug(skill) for skill in _optional_list(item, "skills", where, str)]
        skills.update(held)
        def dates(field: str) -> list[dt.date]:
            return sorted({_date(v, f"{where}.{field}") for v in _optional_list(item, field, where, str)})  # noqa: B023

        absences = [Absence(start=day, end=day, strict=True) for day in dates("unavailableDates")]
        requests = [*_date_requests(RequestKind.SHIFT_OFF, dates("undesiredDates"), list(types.values()), first, last),
                    *_date_requests(RequestKind.SHIFT_ON, dates("desiredDates"), list(types.values()), first, last)]
        employees.append(Employee(id=ident, name=full_name, skills=held, absences=absences, requests=requests,
                                  contract=Contract(hours_target=False)))
    rules = RuleConfig(
        packs=["core", "plant", "contract"],
        settings={
            "plant.min-rest": RuleSetting(mode=RuleMode.HARD, params={"min_hours": MIN_REST_HOURS}),
            "plant.forward-rotation": RuleSetting(mode=RuleMode.OFF),
            "plant.max-consecutive-nights": RuleSetting(mode=RuleMode.OFF),
            # Plant guidance the benchmark does not have.
            "plant.rest-after-nights": RuleSetting(mode=RuleMode.OFF),
            "plant.no-early-after-late": RuleSetting(mode=RuleMode.OFF),
            "contract.balanced-shifts": RuleSetting(mode=RuleMode.SOFT, weight=BALANCE_WEIGHT),
        },
    )
    return Scenario(
        site=Site(name=name, jurisdiction="FR", timezone="UTC"),
        horizon=Horizon(start=first, days=(last - first).days + 1),
        shifts=list(types.values()),
        skills=[Skill(id=skill) for skill in sorted(skills)],
        posts=list(posts.values()),
        demand=demand,
        employees=employees,
        rules=rules,
    )


def _date_requests(
    kind: RequestKind, days: list[dt.date], types: list[ShiftType], first: dt.date, last: dt.date
) -> list[Request]:
    """Timefold prices a date by the minutes a shift overlaps it, so a night starting the evening before counts
    too: one request per shift type and start date, weighted by the minutes that shift spends on the date.
    A refused shift_off costs its minutes; a shift_on costs them unless worked, i.e. rewards them when worked.
    """
    requests = []
    for day in days:
        for shift in types:
            start = shift.start.hour * 60 + shift.start.minute
            end = start + shift.duration_minutes
            for starts_on, minutes in ((day, min(end, 24 * 60) - start),
                                       (day - dt.timedelta(days=1), end - 24 * 60)):
                if minutes > 0 and first <= starts_on <= last:
                    requests.append(Request(kind=kind, date=starts_on, shift=shift.id, weight=minutes))
    return requests


def assign_shifts(data: dict[str, Any], scenario: Scenario, roster: Roster) -> dict[str, Any]:
    """The quickstart JSON with each shift's `employee` set from the roster (its name, as Timefold writes it)."""
    holders: dict[tuple[dt.date, str, str], list[str]] = {}
    for assignment in sorted(roster):
        holders.setdefault((assignment.date, assignment.shift, assignment.post), []).append(assignment.employee)
    names = {e.id: e.name or e.id for e in scenario.employees}
    solved = dict(data)
    solved["shifts"] = []
    for item, shift in zip(data["shifts"], read_shifts(data), strict=True):
        queue = holders.get((shift.start.date(), shift.type_id, shift.post_id), [])
        employee = queue.pop(0) if queue else None
        solved["shifts"].append({**item, "employee": None if employee is None else {"name": names[employee]}})
    return solved


def roster_from_shifts(data: dict[str, Any], scenario: Scenario, source: str = "<timefold>") -> Roster:
    """Read back shifts whose `employee` is set (by name) as a roster."""
    by_name = {e.name or e.id: e.id for e in scenario.employees}
    assignments = []
    for index, (item, shift) in enumerate(zip(data["shifts"], read_shifts(data, source), strict=True)):
        employee = item.get("employee")
        if employee is None:
            continue
        name = employee.get("name") if isinstance(employee, dict) else employee
        if name not in by_name:
            raise TimefoldError(f"{source}: shifts[{index}].employee: unknown employee {name!r}")
        assignments.append(Assignment(by_name[name], shift.start.date(), shift.type_id, shift.post_id))
    return Roster(sorted(assignments))


@dataclass
class DateFigures:
    """What the quickstart's soft rules measure, in its own units."""

    desired_minutes: int
    undesired_minutes: int
    fewest_shifts: int
    most_shifts: int


def date_figures(data: dict[str, Any], scenario: Scenario, roster: Roster) -> DateFigures:
    """Minutes of shifts overlapping desired and undesired dates, and the range of shift counts per person."""
    by_id = {e.id: e for e in scenario.employees}
    raw = {slug(item["name"]): item for item in data["employees"]}
    desired = undesired = 0
    counts = dict.fromkeys(by_id, 0)
    for assignment in roster:
        counts[assignment.employee] += 1
        shift = scenario.shift(assignment.shift)
        start = dt.datetime.combine(assignment.date, shift.start)
        end = start + dt.timedelta(minutes=shift.duration_minutes)
        item = raw.get(assignment.employee, {})
        for field, add_to in (("desiredDates", "desired"), ("undesiredDates", "undesired")):
            for value in item.get(field, []):
                day = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0))
                overlap = (min(end, day + dt.timedelta(days=1)) - max(start, day)).total_seconds() // 60
                if overlap > 0:
                    if add_to == "desired":
                        desired += int(overlap)
                    else:
                        undesired += int(overlap)
    values = list(counts.values()) or [0]
    return DateFigures(desired, undesired, min(values), max(values))
