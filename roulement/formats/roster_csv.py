"""Roster CSV: `employee,date,shift,post,start,end`, one row per worked shift.

`start` and `end` are ISO 8601 local datetimes; on reading they may be left out (they follow from the shift
type) but, when given, must agree with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from roulement.formats.text import MAX_TABLE_BYTES, TextFileError, read_text
from roulement.model.calendar import Calendar
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario

HEADER = ["employee", "date", "shift", "post", "start", "end"]
REQUIRED = ["employee", "date", "shift", "post"]


class RosterError(ValueError):
    """A roster file that does not fit its scenario; each problem names the file and line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problems))


def roster_to_csv(scenario: Scenario, roster: Roster) -> str:
    calendar = Calendar(scenario)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for a in roster.sorted():
        occurrence = calendar.occurrence((a.date - scenario.horizon.start).days, a.shift)
        writer.writerow([a.employee, a.date.isoformat(), a.shift, a.post,
                         occurrence.start_local.isoformat(timespec="minutes"),
                         occurrence.end_local.isoformat(timespec="minutes")])
    return out.getvalue()


class _Located:
    """Rows of a csv reader; a malformed row (a stray quote, a NUL) becomes a RosterError naming its line."""

    def __init__(self, rows: Any, source: str) -> None:
        self.rows = rows
        self.source = source

    @property
    def line_num(self) -> int:
        return int(self.rows.line_num)

    def __iter__(self) -> _Located:
        return self

    def __next__(self) -> list[str]:
        try:
            return list(next(self.rows))
        except csv.Error as error:
            where = f"{self.source}:{self.rows.line_num}"
            raise RosterError(self.source, [f"{where}: not readable CSV ({error})"]) from None


# Past this many problems the file is the wrong one or broken throughout: the first ones say enough.
MAX_PROBLEMS = 50


def _delimiter(header_line: str) -> str:
    """',' as written here, ';' as French Excel writes it, or a tab: whichever the header uses most."""
    counts = {mark: header_line.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] > counts[","] else ","


def parse_roster(text: str, scenario: Scenario, source: str = "<roster>", allow_outside: bool = False,
                 before: dt.date | None = None) -> Roster:
    """The roster in `text`; raise RosterError naming each problem's file, line and column.

    A person listed twice on the same shift of the same day is bad input, not two shifts worked. A file
    with more rows than the scenario has people times days cannot be a roster of it, and is refused as
    soon as that is known.

    With `before`, the file is a previous period's roster: every row must fall before that day, and rows of
    people no longer in the scenario are left out (they have no rest to keep in this period).
    """
    allow_outside = allow_outside or before is not None
    first_line = text.split("\n", 1)[0]
    # newline="" lets the csv module see line ends itself: a quoted field may hold one, a stray \r is a break.
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    reader = _Located(rows, source)
    header = [name.strip() for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise RosterError(source, [f"{source}:1: header lacks {', '.join(missing)} (expected {','.join(HEADER)})"])
    unknown = [name for name in header if name not in HEADER]
    if unknown:
        raise RosterError(source, [f"{source}:1: unknown column {', '.join(unknown)} (expected {','.join(HEADER)})"])
    column = {name: header.index(name) for name in HEADER if name in header}
    calendar = Calendar(scenario)
    shifts = {s.id for s in scenario.shifts}
    posts = {p.id for p in scenario.posts}
    most_rows = len(scenario.employees) * scenario.horizon.days
    first_day, last_day = scenario.horizon.start, scenario.horizon.end
    expected_times: dict[tuple[dt.date, str], tuple[str, str]] = {}
    dates: dict[str, dt.date | None] = {}
    seen: dict[tuple[str, dt.date, str], int] = {}
    problems: list[str] = []
    assignments: list[Assignment] = []
    for fields in reader:
        line = reader.line_num
        if len(problems) >= MAX_PROBLEMS:
            problems = [*problems[:MAX_PROBLEMS], f"{source}:{line}: stopped after {MAX_PROBLEMS} problems"]
            break
        if not any(field.strip() for field in fields):
            continue
        if len(assignments) >= most_rows and not allow_outside:
            problems.append(f"{source}:{line}: more rows than the scenario's {len(scenario.employees)} people "
                            f"times {scenario.horizon.days} days: not a roster of this scenario")
            break
        values = {name: fields[index].strip() if index < len(fields) else "" for name, index in column.items()}
        where = f"{source}:{line}"
        empty = [name for name in REQUIRED if not values[name]]
        if empty:
            problems.append(f"{where}: {', '.join(empty)} is empty")
            continue
        employee, shift, post = values["employee"], values["shift"], values["post"]
        if before is not None and not scenario.has_employee(employee):
            continue
        if not scenario.has_employee(employee):
            problems.append(f"{where}: employee: unknown employee {employee!r}")
        if shift not in shifts:
            problems.append(f"{where}: shift: unknown shift {shift!r} (known: {', '.join(sorted(shifts))})")
        if post not in posts:
            problems.append(f"{where}: post: unknown post {post!r}")
        if values["date"] not in dates:
            try:
                dates[values["date"]] = dt.date.fromisoformat(values["date"])
            except ValueError:
                dates[values["date"]] = None
        date = dates[values["date"]]
        if date is None:
            problems.append(f"{where}: date: {values['date']!r} is not a date YYYY-MM-DD")
            continue
        if not allow_outside and not first_day <= date <= last_day:
            problems.append(f"{where}: date: {date} is outside the horizon {first_day}..{last_day}")
            continue
        if before is not None and date >= before:
            problems.append(f"{where}: date: {date} is not before {before}, the first day of the period planned "
                            "after this roster")
            continue
        earlier = seen.setdefault((employee, date, shift), line)
        if earlier != line:
            problems.append(f"{where}: duplicates line {earlier} ({employee} on shift {shift} on {date}): "
                            f"list each shift a person works once")
            continue
        if shift in shifts and (values.get("start") or values.get("end")):
            if (date, shift) not in expected_times:
                occurrence = calendar.occurrence((date - first_day).days, shift)
                expected_times[(date, shift)] = (occurrence.start_local.isoformat(timespec="minutes"),
                                                 occurrence.end_local.isoformat(timespec="minutes"))
            if (values.get("start") or expected_times[(date, shift)][0],
                    values.get("end") or expected_times[(date, shift)][1]) != expected_times[(date, shift)]:
                problems += _times_agree(calendar, scenario, date, shift, values, where)
        assignments.append(Assignment(employee, date, shift, post))
    if problems:
        raise RosterError(source, problems)
    return Roster(assignments)


def _times_agree(
    calendar: Calendar, scenario: Scenario, date: dt.date, shift: str, values: dict[str, str], where: str
) -> list[str]:
    occurrence = calendar.occurrence((date - scenario.horizon.start).days, shift)
    problems = []
    for column, expected in (("start", occurrence.start_local), ("end", occurrence.end_local)):
        given = values.get(column)
        if not given or given == expected.isoformat(timespec="minutes"):
            continue
        try:
            moment = dt.datetime.fromisoformat(given)
        except ValueError:
            problems.append(f"{where}: {column}: {given!r} is not an ISO 8601 datetime")
            continue
        if moment.replace(tzinfo=None) != expected:
            problems.append(f"{where}: {column}: {given} does not match shift {shift} "
                            f"({expected.isoformat(timespec='minutes')})")
    return problems


def load_roster(path: str | Path, scenario: Scenario, before: dt.date | None = None) -> Roster:
    """The roster in the file at `path` (`before`: a previous period's roster, see `parse_roster`)."""
    path = Path(path)
    try:
        # Excel writes CSV in Windows-1252 on Western European Windows: read that as well as UTF-8.
        text = read_text(path, MAX_TABLE_BYTES, "roster", legacy="cp1252")
    except TextFileError as error:
        raise RosterError(str(path), [str(error)]) from error
    return parse_roster(text, scenario, str(path), before=before)
