"""The Curtois–Qu employee shift scheduling benchmark: its text format in, a roulement scenario out.

The benchmark's rules are ordinary roulement rules (contract caps and runs, forbidden successions, requests,
priced cover), so an instance becomes a plain Scenario with packs core + plant + contract and no law pack.
Shift types get synthetic clock times (all start at 00:00 UTC and last their length): the benchmark has no
clock, and these times create no overlap, no night status and no DST surprise.

Solutions are written as the benchmark's CSV, `employee,day,shift` (day from 0), and read back to a Roster.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

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
)

# Every instance starts on a Monday; any Monday does, weekends are then days 7k+5 and 7k+6.
FIRST_MONDAY = dt.date(2024, 1, 1)
# The single post everybody can hold: the benchmark has no skills, only shift types.
POST = "work"

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class CurtoisError(ValueError):
    """Bad benchmark input; the message names the file and line."""


@dataclass(frozen=True)
class CurtoisShift:
    id: str
    minutes: int
    cannot_follow: tuple[str, ...]


@dataclass(frozen=True)
class CurtoisStaff:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class CurtoisRequest:
    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class CurtoisCover:
    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass
class CurtoisInstance:
    name: str
    days: int
    shifts: list[CurtoisShift] = field(default_factory=list)
    staff: list[CurtoisStaff] = field(default_factory=list)
    days_off: dict[str, list[int]] = field(default_factory=dict)
    on_requests: list[CurtoisRequest] = field(default_factory=list)
    off_requests: list[CurtoisRequest] = field(default_factory=list)
    cover: list[CurtoisCover] = field(default_factory=list)


def read_curtois(path: Path) -> CurtoisInstance:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CurtoisError(f"{path}: cannot read ({error.strerror})") from error
    return parse_curtois(text, str(path), path.stem)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.line = 0

    def fail(self, message: str) -> CurtoisError:
        return CurtoisError(f"{self.source}:{self.line}: {message}")

    def integer(self, value: str, what: str, minimum: int = 0) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise self.fail(f"{what} must be a whole number, not {value.strip()!r}") from None
        if number < minimum:
            raise self.fail(f"{what} must be at least {minimum}, not {number}")
        return number

    def fields(self, line: str, count: int, layout: str) -> list[str]:
        parts = [part.strip() for part in line.split(",")]
        if len(parts) != count:
            raise self.fail(f"expected {count} fields ({layout}), found {len(parts)}: {line!r}")
        return parts


def parse_curtois(text: str, source: str = "<instance>", name: str = "instance") -> CurtoisInstance:
    """Parse the benchmark text; sections must come in the benchmark's order, each one present."""
    parser = _Parser(source)
    sections: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        parser.line = number
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise parser.fail(f"unknown section {line} (expected one of {', '.join(SECTIONS)})")
            expected = SECTIONS[len(sections)] if len(sections) < len(SECTIONS) else None
            if line in sections:
                raise parser.fail(f"{line} appears twice")
            if line != expected:
                raise parser.fail(f"{line} is out of order: expected {expected} here "
                                  f"(sections go {' -> '.join(SECTIONS)})")
            current = line
            sections[line] = []
            continue
        if current is None:
            raise parser.fail(f"data before the first section: {line!r}")
        sections[current].append((number, line))
    parser.line = len(text.splitlines())
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise parser.fail(f"file ends before {missing[0]} (truncated? sections missing: {', '.join(missing)})")

    def rows(section: str) -> list[tuple[int, str]]:
        return sections[section]

    horizon_rows = rows("SECTION_HORIZON")
    if len(horizon_rows) != 1:
        parser.line = horizon_rows[1][0] if horizon_rows else parser.line
        raise parser.fail("SECTION_HORIZON must hold exactly one number, the horizon length in days")
    parser.line = horizon_rows[0][0]
    instance = CurtoisInstance(name, parser.integer(horizon_rows[0][1], "horizon length", 1))
    days = instance.days

    def day_index(value: str) -> int:
        day = parser.integer(value, "day index")
        if day >= days:
            raise parser.fail(f"day {day} is beyond the horizon (days 0 to {days - 1})")
        return day

    for number, line in rows("SECTION_SHIFTS"):
        parser.line = number
        parts = parser.fields(line, 3, "ShiftID, length in minutes, shifts that cannot follow")
        if any(s.id == parts[0] for s in instance.shifts):
            raise parser.fail(f"shift {parts[0]} is defined twice")
        minutes = parser.integer(parts[1], "shift length", 1)
        if minutes > 24 * 60:
            raise parser.fail(f"shift length {minutes} is longer than a day")
        following = tuple(s.strip() for s in parts[2].split("|") if s.strip())
        instance.shifts.append(CurtoisShift(parts[0], minutes, following))
    if not instance.shifts:
        raise parser.fail("SECTION_SHIFTS defines no shift")
    shift_ids = {s.id for s in instance.shifts}
    for number, line in rows("SECTION_SHIFTS"):
        parser.line = number
        for after in next(s for s in instance.shifts if s.id == line.split(",")[0].strip()).cannot_follow:
            if after not in shift_ids:
                raise parser.fail(f"unknown shift ID {after!r} in the cannot-follow list")

    def known_shift(value: str) -> str:
        if value not in shift_ids:
            raise parser.fail(f"unknown shift ID {value!r} (shifts: {', '.join(sorted(shift_ids))})")
        return value

    for number, line in rows("SECTION_STAFF"):
        parser.line = number
        parts = parser.fields(line, 8, "ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, "
                                       "MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends")
        caps: dict[str, int] = {}
        for item in parts[1].split("|"):
            shift, sep, value = item.partition("=")
            if not sep:
                raise parser.fail(f"max shifts entry {item!r} is not SHIFT=NUMBER")
            caps[known_shift(shift.strip())] = parser.integer(value, f"max shifts of {shift.strip()}")
        numbers = [parser.integer(value, what) for value, what in zip(parts[2:], (
            "MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts", "MinConsecutiveShifts",
            "MinConsecutiveDaysOff", "MaxWeekends"), strict=True)]
        if any(s.id == parts[0] for s in instance.staff):
            raise parser.fail(f"employee {parts[0]} is listed twice")
        instance.staff.append(CurtoisStaff(parts[0], caps, *numbers))
    staff_ids = {s.id for s in instance.staff}

    def known_employee(value: str) -> str:
        if value not in staff_ids:
            raise parser.fail(f"unknown employee ID {value!r}")
        return value

    for number, line in rows("SECTION_DAYS_OFF"):
        parser.line = number
        parts = [part.strip() for part in line.split(",")]
        employee = known_employee(parts[0])
        instance.days_off.setdefault(employee, []).extend(day_index(p) for p in parts[1:] if p)

    for section, target in (("SECTION_SHIFT_ON_REQUESTS", instance.on_requests),
                            ("SECTION_SHIFT_OFF_REQUESTS", instance.off_requests)):
        for number, line in rows(section):
            parser.line = number
            parts = parser.fields(line, 4, "EmployeeID, Day, ShiftID, Weight")
            target.append(CurtoisRequest(known_employee(parts[0]), day_index(parts[1]), known_shift(parts[2]),
                                         parser.integer(parts[3], "weight")))

    for number, line in rows("SECTION_COVER"):
        parser.line = number
        parts = parser.fields(line, 5, "Day, ShiftID, Requirement, Weight for under, Weight for over")
        instance.cover.append(CurtoisCover(day_index(parts[0]), known_shift(parts[1]),
                                           parser.integer(parts[2], "requirement"),
                                           parser.integer(parts[3], "under weight"),
                                           parser.integer(parts[4], "over weight")))
    return instance


def _clock(minutes: int) -> dt.time:
    minutes %= 24 * 60
    return dt.time(minutes // 60, minutes % 60)


def to_scenario(instance: CurtoisInstance) -> Scenario:
    """The instance as a roulement scenario: no law pack, the benchmark's rules as contract and plant rules."""
    dates = [FIRST_MONDAY + dt.timedelta(days=d) for d in range(instance.days)]
    shifts = [ShiftType(id=s.id, start=dt.time(0), end=_clock(s.minutes), break_paid=True, night=False)
              for s in instance.shifts]
    on_requests: dict[str, list[Request]] = {}
    for request in instance.on_requests:
        on_requests.setdefault(request.employee, []).append(Request(
            kind=RequestKind.SHIFT_ON, date=dates[request.day], shift=request.shift, weight=request.weight))
    for request in instance.off_requests:
        on_requests.setdefault(request.employee, []).append(Request(
            kind=RequestKind.SHIFT_OFF, date=dates[request.day], shift=request.shift, weight=request.weight))
    employees = []
    for staff in instance.staff:
        contract = Contract(
            hours_target=False,
            min_minutes=staff.min_minutes,
            max_minutes=staff.max_minutes,
            max_shifts=staff.max_shifts,
            max_consecutive_days=staff.max_consecutive or None,
            # A minimum of 1 (or 0) asks nothing.
            min_consecutive_days=staff.min_consecutive if staff.min_consecutive > 1 else None,
            min_consecutive_days_off=staff.min_days_off if staff.min_days_off > 1 else None,
            max_weekends=staff.max_weekends,
        )
        absences = [Absence(start=dates[d], end=dates[d]) for d in sorted(set(instance.days_off.get(staff.id, [])))]
        employees.append(Employee(id=staff.id, contract=contract, absences=absences,
                                  requests=on_requests.get(staff.id, [])))
    demand = [Demand(post=POST, shifts=[c.shift], dates=[dates[c.day]], min=0, preferred=c.requirement,
                     under_weight=c.under_weight, over_weight=c.over_weight) for c in instance.cover]
    pairs = [[s.id, after] for s in instance.shifts for after in s.cannot_follow]
    rules = RuleConfig(
        packs=["core", "plant", "contract"],
        settings={
            "plant.forbidden-successions": RuleSetting(params={"pairs": pairs}),
            # The benchmark has no rotation direction and no nights.
            "plant.forward-rotation": RuleSetting(mode=RuleMode.OFF),
            "plant.max-consecutive-nights": RuleSetting(mode=RuleMode.OFF),
            # Plant guidance the benchmark does not have.
            "plant.rest-after-nights": RuleSetting(mode=RuleMode.OFF),
            "plant.no-early-after-late": RuleSetting(mode=RuleMode.OFF),
        },
    )
    return Scenario(
        site=Site(name=f"Curtois-Qu {instance.name}", jurisdiction="FR", timezone="UTC"),
        horizon=Horizon(start=FIRST_MONDAY, days=instance.days),
        shifts=shifts,
        posts=[Post(id=POST)],
        demand=demand,
        employees=employees,
        rules=rules,
    )


def solution_csv(scenario: Scenario, roster: Roster) -> str:
    """The benchmark's solution format: `employee,day,shift`, one row per worked day, in employee order."""
    start = scenario.horizon.start
    order = {e.id: i for i, e in enumerate(scenario.employees)}
    rows = sorted((order.get(a.employee, len(order)), a.employee, (a.date - start).days, a.shift) for a in roster)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["employee", "day", "shift"])
    writer.writerows((employee, day, shift) for _, employee, day, shift in rows)
    return out.getvalue()


def parse_solution(text: str, scenario: Scenario, source: str = "<solution>") -> Roster:
    """Read `employee,day,shift` rows back into a Roster (post `work`)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != ["employee", "day", "shift"]:
        raise CurtoisError(f"{source}:1: expected the header employee,day,shift")
    assignments = []
    for number, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 3:
            raise CurtoisError(f"{source}:{number}: expected 3 fields employee,day,shift, found {len(row)}")
        employee, day_text, shift = (value.strip() for value in row)
        if not scenario.has_employee(employee):
            raise CurtoisError(f"{source}:{number}: unknown employee ID {employee!r}")
        if shift not in scenario.shifts_by_id:
            raise CurtoisError(f"{source}:{number}: unknown shift ID {shift!r}")
        try:
            day = int(day_text)
        except ValueError:
            raise CurtoisError(f"{source}:{number}: day must be a whole number, not {day_text!r}") from None
        if not 0 <= day < scenario.horizon.days:
            raise CurtoisError(f"{source}:{number}: day {day} is outside the horizon (0 to "
                               f"{scenario.horizon.days - 1})")
        date = scenario.horizon.start + dt.timedelta(days=day)
        assignments.append(Assignment(employee, date, shift, POST))
    return Roster(sorted(assignments))
