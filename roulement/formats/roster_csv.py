"""Roster CSV: `employee,date,shift,post,start,end`, one row per worked shift.

`start` and `end` are ISO 8601 local datetimes; on reading they may be left out (they follow from the shift
type) but, when given, must agree with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

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


def parse_roster(text: str, scenario: Scenario, source: str = "<roster>", allow_outside: bool = False) -> Roster:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise RosterError(source, [f"{source}:1: header lacks {', '.join(missing)} (expected {','.join(HEADER)})"])
    unknown = [name for name in header if name not in HEADER]
    if unknown:
        raise RosterError(source, [f"{source}:1: unknown column {', '.join(unknown)} (expected {','.join(HEADER)})"])
    calendar = Calendar(scenario)
    shifts = {s.id for s in scenario.shifts}
    posts = {p.id for p in scenario.posts}
    problems: list[str] = []
    assignments = []
    for row in reader:
        line = reader.line_num
        values = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        where = f"{source}:{line}"
        empty = [name for name in REQUIRED if not values.get(name)]
        if empty:
            problems.append(f"{where}: {', '.join(empty)} is empty")
            continue
        employee, shift, post = values["employee"], values["shift"], values["post"]
        if not scenario.has_employee(employee):
            problems.append(f"{where}: employee: unknown employee {employee!r}")
        if shift not in shifts:
            problems.append(f"{where}: shift: unknown shift {shift!r} (known: {', '.join(sorted(shifts))})")
        if post not in posts:
            problems.append(f"{where}: post: unknown post {post!r}")
        try:
            date = dt.date.fromisoformat(values["date"])
        except ValueError:
            problems.append(f"{where}: date: {values['date']!r} is not a date YYYY-MM-DD")
            continue
        if not allow_outside and not scenario.horizon.start <= date <= scenario.horizon.end:
            problems.append(f"{where}: date: {date} is outside the horizon "
                            f"{scenario.horizon.start}..{scenario.horizon.end}")
            continue
        if shift in shifts:
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
        if not given:
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


def load_roster(path: str | Path, scenario: Scenario) -> Roster:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise RosterError(str(path), [f"{path}: cannot read: {error.strerror}"]) from error
    return parse_roster(text, scenario, str(path))
