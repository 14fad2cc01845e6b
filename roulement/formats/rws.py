"""The rotating-workforce-scheduling (RWS) benchmark's text format (Musliu's collection, TU Wien).

An instance, after `#` comments and blank lines: the week length (7), the number of employees n (the rows of
the cycle), the number of shift types m, m lines of 7 demands, m lines `Name Start Length MinBlock MaxBlock`,
`minOff maxOff`, `minWork maxWork`, `k2 k3`, then k2 lines `S1 S2` and k3 lines `S1 - S3`.
A solution is n lines of 7 tokens: shift names or `-`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from roulement.formats.files import write_atomic

OFF = "-"
WEEK_DAYS = 7


class RwsError(ValueError):
    """Bad RWS input; the message names the file and line."""


@dataclass(frozen=True)
class RwsShift:
    name: str
    start: int  # minutes from midnight
    length: int  # minutes
    min_block: int
    max_block: int


@dataclass(frozen=True)
class RwsInstance:
    employees: int
    shifts: tuple[RwsShift, ...]
    demand: dict[str, tuple[int, ...]]
    min_off: int
    max_off: int
    min_work: int
    max_work: int
    forbidden2: tuple[tuple[str, str], ...] = ()
    forbidden3: tuple[tuple[str, str], ...] = ()
    name: str = "instance"


def _lines(text: str) -> list[tuple[int, list[str]]]:
    return [
        (number, stripped.split())
        for number, line in enumerate(text.splitlines(), start=1)
        if (stripped := line.strip()) and not stripped.startswith("#")
    ]


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.lines = _lines(text)
        self.source = source
        self.position = 0

    def fail(self, message: str, line: int | None = None) -> RwsError:
        if line is None:
            line = self.lines[self.position - 1][0] if self.position else 1
        return RwsError(f"{self.source}:{line}: {message}")

    def next(self, what: str) -> tuple[int, list[str]]:
        if self.position >= len(self.lines):
            last = self.lines[-1][0] if self.lines else 0
            raise RwsError(f"{self.source}:{last}: the file ends early: expected {what}")
        line = self.lines[self.position]
        self.position += 1
        return line

    def integers(self, what: str, count: int) -> tuple[int, list[int]]:
        number, fields = self.next(what)
        if len(fields) != count or not all(_is_int(f) for f in fields):
            raise self.fail(f"expected {what} ({count} integer{'s' if count > 1 else ''}), found "
                            f"{' '.join(fields)!r}", number)
        return number, [int(f) for f in fields]


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


def parse_instance(text: str, source: str = "<rws>") -> RwsInstance:
    reader = _Reader(text, source)
    number, (week,) = reader.integers("the length of the week", 1)
    if week != WEEK_DAYS:
        raise reader.fail(f"the week has {week} days; only 7 is supported", number)
    number, (employees,) = reader.integers("the number of employees", 1)
    if employees < 1:
        raise reader.fail("the number of employees must be at least 1", number)
    number, (count,) = reader.integers("the number of shift types", 1)
    if count < 1:
        raise reader.fail("the number of shift types must be at least 1", number)
    rows = []
    for index in range(count):
        number, row = reader.integers(f"the demand of shift type {index + 1}, Monday to Sunday", WEEK_DAYS)
        if any(value < 0 for value in row):
            raise reader.fail("a demand is never negative", number)
        rows.append(row)
    shifts: list[RwsShift] = []
    for index in range(count):
        number, fields = reader.next(f"shift type {index + 1}: Name Start Length MinBlock MaxBlock")
        if len(fields) != 5 or not all(_is_int(f) for f in fields[1:]):
            raise reader.fail(f"expected shift type {index + 1} as 'Name Start Length MinBlock MaxBlock', "
                              f"found {' '.join(fields)!r}", number)
        name = fields[0]
        if name == OFF or _is_int(name):
            raise reader.fail(f"{name!r} cannot name a shift type", number)
        if any(s.name == name for s in shifts):
            raise reader.fail(f"shift type {name!r} is named twice", number)
        start, length, low, high = (int(f) for f in fields[1:])
        if low < 1 or high < low:
            raise reader.fail(f"block bounds {low}..{high} of {name} are not 1 <= min <= max", number)
        shifts.append(RwsShift(name, start, length, low, high))
    number, (min_off, max_off) = reader.integers("minOff maxOff", 2)
    if min_off < 1 or max_off < min_off:
        raise reader.fail(f"days-off block bounds {min_off}..{max_off} are not 1 <= min <= max", number)
    number, (min_work, max_work) = reader.integers("minWork maxWork", 2)
    if min_work < 1 or max_work < min_work:
        raise reader.fail(f"work block bounds {min_work}..{max_work} are not 1 <= min <= max", number)
    number, (k2, k3) = reader.integers("the number of forbidden sequences of length 2 and 3", 2)
    names = {s.name for s in shifts}

    def known(name: str, line: int) -> str:
        if name not in names:
            raise reader.fail(f"unknown shift name {name!r} (known: {', '.join(sorted(names))})", line)
        return name

    forbidden2, forbidden3 = [], []
    for index in range(k2):
        number, fields = reader.next(f"forbidden sequence {index + 1} of length 2 ('S1 S2')")
        if len(fields) != 2:
            raise reader.fail(f"expected a forbidden sequence 'S1 S2', found {' '.join(fields)!r}", number)
        forbidden2.append((known(fields[0], number), known(fields[1], number)))
    for index in range(k3):
        number, fields = reader.next(f"forbidden sequence {index + 1} of length 3 ('S1 - S3')")
        if len(fields) != 3 or fields[1] != OFF:
            raise reader.fail(f"expected a forbidden sequence 'S1 - S3', found {' '.join(fields)!r}", number)
        forbidden3.append((known(fields[0], number), known(fields[2], number)))
    if reader.position < len(reader.lines):
        number, fields = reader.lines[reader.position]
        raise reader.fail(f"unexpected line after the {k2} + {k3} forbidden sequences: {' '.join(fields)!r}",
                          number)
    demand = {shift.name: tuple(row) for shift, row in zip(shifts, rows, strict=True)}
    for day in range(WEEK_DAYS):
        if sum(row[day] for row in rows) > employees:
            raise RwsError(f"{source}: the demand on day {day + 1} is more than the {employees} employees")
    return RwsInstance(employees, tuple(shifts), demand, min_off, max_off, min_work, max_work,
                       tuple(forbidden2), tuple(forbidden3), Path(source).stem)


def load_instance(path: str | Path) -> RwsInstance:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RwsError(f"{path}: cannot read: {error.strerror}") from error
    return parse_instance(text, str(path))


def instance_to_text(instance: RwsInstance) -> str:
    lines = ["#Length of the schedule", "7", "", "#Number of Employees", str(instance.employees), "",
             "##Number of Shifts", str(len(instance.shifts)), "", "# Temporal Requirements Matrix"]
    lines += [" ".join(str(v) for v in instance.demand[s.name]) for s in instance.shifts]
    lines += ["", "#ShiftName, Start, Length, MinlengthOfBlocks, MaxLengthOfBlocks"]
    lines += [f"{s.name} {s.start} {s.length} {s.min_block} {s.max_block}" for s in instance.shifts]
    lines += ["", "# Minimum and maximum length of days-off blocks", f"{instance.min_off} {instance.max_off}",
              "", "# Minimum and maximum length of work blocks", f"{instance.min_work} {instance.max_work}",
              "", "# Number of not allowed shift sequences: NrSequencesOfLength2, NrSequencesOfLength3:",
              f"{len(instance.forbidden2)} {len(instance.forbidden3)}", "", "# Not allowed shift sequences"]
    lines += [f"{a} {b}" for a, b in instance.forbidden2]
    lines += [f"{a} - {c}" for a, c in instance.forbidden3]
    return "\n".join(lines) + "\n"


def parse_solution(text: str, instance: RwsInstance, source: str = "<solution>") -> list[list[str]]:
    """n rows of 7 tokens, each a shift name of the instance or '-'."""
    names = {s.name for s in instance.shifts}
    rows = []
    for number, fields in _lines(text):
        if len(fields) != WEEK_DAYS:
            raise RwsError(f"{source}:{number}: a row has 7 tokens, this one has {len(fields)}")
        for token in fields:
            if token != OFF and token not in names:
                raise RwsError(f"{source}:{number}: unknown shift name {token!r} (known: "
                               f"{', '.join(sorted(names))} and '-')")
        rows.append(fields)
    if len(rows) != instance.employees:
        raise RwsError(f"{source}: {len(rows)} rows, but the instance has {instance.employees} employees")
    return rows


def solution_to_text(rows: list[list[str]]) -> str:
    return "".join(" ".join(row) + "\n" for row in rows)


def save_solution(rows: list[list[str]], path: str | Path) -> None:
    write_atomic(Path(path), solution_to_text(rows))
