"""The roster as an Excel workbook: a people × days grid in the shifts' colours, the assignments, the violations."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from roulement.model.calendar import Calendar
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario


def as_text(cell: Any) -> None:
    """A string that a spreadsheet would read as a formula (= + - @, OWASP "CSV injection") stays text."""
    if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
        cell.quotePrefix = True


def roster_to_xlsx(scenario: Scenario, roster: Roster, report: dict[str, Any]) -> bytes:
    book = Workbook()
    grid = book.active
    grid.title = "Roster"
    dates = scenario.horizon.dates()
    grid.append(["employee", "name", *[d.isoformat() for d in dates]])
    for cell in grid[1]:
        cell.font = Font(bold=True)
    fills = {s.id: PatternFill("solid", fgColor=s.color.lstrip("#").upper()) for s in scenario.shifts if s.color}
    cells = roster.by_employee_date()
    for row_number, employee in enumerate(scenario.employees, start=2):
        grid.cell(row_number, 1, employee.id)
        grid.cell(row_number, 2, employee.name)
        for column, date in enumerate(dates, start=3):
            assignment = cells.get((employee.id, date))
            if assignment is not None:
                cell = grid.cell(row_number, column, assignment.shift)
                if assignment.shift in fills:
                    cell.fill = fills[assignment.shift]
    grid.freeze_panes = "C2"
    for column in range(3, len(dates) + 3):
        grid.column_dimensions[get_column_letter(column)].width = 5

    sheet = book.create_sheet("Assignments")
    sheet.append(["employee", "date", "shift", "post", "start", "end"])
    calendar = Calendar(scenario)
    for a in roster.sorted():
        occurrence = calendar.occurrence((a.date - scenario.horizon.start).days, a.shift)
        sheet.append([a.employee, a.date.isoformat(), a.shift, a.post,
                      occurrence.start_local.isoformat(timespec="minutes"),
                      occurrence.end_local.isoformat(timespec="minutes")])

    violations = book.create_sheet("Violations")
    violations.append(["rule", "reference", "employee", "dates", "message"])
    for v in report["violations"]:
        violations.append([v["rule"], v["reference"], v["employee"] or "", " ".join(v["dates"]), v["message"]])
    for sheet_ in book.worksheets:
        for row in sheet_.iter_rows():
            for cell in row:
                as_text(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
