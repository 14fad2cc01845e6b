"""People and demand from a spreadsheet (CSV or XLSX, first sheet): one row each, errors naming line and column.

Employees: id, name, skills (space-separated), team, weekly_hours, night_eligible (yes/no). Only id is required.
Demand: post, shifts (space-separated), days (all, weekdays, weekends, mon..sun; space-separated), min,
preferred, max. post, shifts and min are required.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from roulement.formats.text import TextFileError, decode_text

EMPLOYEE_COLUMNS = ("id", "name", "skills", "team", "weekly_hours", "night_eligible")
DEMAND_COLUMNS = ("post", "shifts", "days", "min", "preferred", "max")
TRUE, FALSE = {"yes", "y", "true", "1", "oui", "ja"}, {"no", "n", "false", "0", "non", "nein"}

Row = tuple[int, dict[str, str]]


@dataclass(frozen=True)
class TableProblem:
    """One mistake in a table as data, for a reader in another language: the file's line (None: the whole file),
    a stable code, its parameters, and the English sentence (file and line first)."""

    line: int | None
    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)


class TableError(ValueError):
    def __init__(self, problems: list[TableProblem]) -> None:
        self.details = problems
        self.problems = [problem.message for problem in problems]
        super().__init__("; ".join(self.problems))


def read_rows(content: bytes, kind: str, source: str) -> list[Row]:
    """(line number, {column: text}) for each non-empty data row; line 1 is the header."""
    if kind == "csv":
        try:
            text = decode_text(content, source, legacy="cp1252")  # as Excel writes it, too
        except TextFileError as error:
            raise TableError([TableProblem(None, "not_text", str(error), {"detail": str(error)})]) from error
        sample = text[:2048]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    elif kind == "xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            found = TableProblem(None, "not_a_workbook", f"{source}: not an XLSX workbook ({error})",
                                 {"detail": str(error)})
            raise TableError([found]) from error
        table = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raise TableError([TableProblem(None, "not_csv_or_xlsx", f"format: {kind!r} is not csv or xlsx",
                                         {"value": kind})])
    if not table:
        raise TableError([TableProblem(None, "empty_file", f"{source}: the file is empty")])
    header = [name.strip().lower() for name in table[0]]
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if any(v.strip() for v in values):
            rows.append((number, {header[i]: v.strip() for i, v in enumerate(values) if i < len(header)}))
    return rows


def _check_header(rows: list[Row], known: tuple[str, ...], required: tuple[str, ...], source: str) -> None:
    present = set().union(*(r.keys() for _, r in rows)) if rows else set()
    problems = [TableProblem(1, "unknown_column", f"{source}:1: unknown column {name!r} (known: {', '.join(known)})",
                             {"value": name, "known": ", ".join(known)})
                for name in sorted(present) if name and name not in known]
    problems += [TableProblem(1, "column_required", f"{source}:1: column {name!r} is required", {"value": name})
                 for name in required if name not in present]
    if problems:
        raise TableError(problems)


def _number(value: str, line: int, where: str, column: str, problems: list[TableProblem],
            cast: Callable[[str], Any]) -> Any:
    try:
        return cast(value.replace(",", ".") if cast is float else value)
    except ValueError:
        problems.append(TableProblem(line, "not_a_number", f"{where}: {column}: {value!r} is not a number",
                                     {"column": column, "value": value}))
        return None


def employees_from_rows(rows: list[Row], source: str) -> list[dict[str, Any]]:
    _check_header(rows, EMPLOYEE_COLUMNS, ("id",), source)
    problems: list[TableProblem] = []
    people = []
    for line, row in rows:
        where = f"{source}:{line}"
        if not row.get("id"):
            problems.append(TableProblem(line, "empty_id", f"{where}: id is empty"))
            continue
        person: dict[str, Any] = {"id": row["id"], "name": row.get("name", "")}
        person["skills"] = row.get("skills", "").split()
        if row.get("team"):
            person["team"] = row["team"]
        if row.get("weekly_hours"):
            person["weekly_hours"] = _number(row["weekly_hours"], line, where, "weekly_hours", problems,
                                             float)
        if row.get("night_eligible"):
            flag = row["night_eligible"].lower()
            if flag not in TRUE | FALSE:
                problems.append(TableProblem(line, "not_yes_or_no",
                                             f"{where}: night_eligible: {row['night_eligible']!r} is not yes or no",
                                             {"column": "night_eligible", "value": row["night_eligible"]}))
            person["night_eligible"] = flag in TRUE
        people.append(person)
    if problems:
        raise TableError(problems)
    return people


def demand_from_rows(rows: list[Row], source: str) -> list[dict[str, Any]]:
    _check_header(rows, DEMAND_COLUMNS, ("post", "shifts", "min"), source)
    problems: list[TableProblem] = []
    demand = []
    for line, row in rows:
        where = f"{source}:{line}"
        item: dict[str, Any] = {"post": row.get("post", ""), "shifts": row.get("shifts", "").split()}
        days = row.get("days", "").split()
        item["days"] = days[0] if len(days) == 1 else (days or "all")
        for column in ("min", "preferred", "max"):
            if row.get(column):
                item[column] = _number(row[column], line, where, column, problems, int)
        demand.append(item)
    if problems:
        raise TableError(problems)
    return demand
