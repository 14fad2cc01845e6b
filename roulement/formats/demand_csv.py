"""A demand file: rows `post,date,shift,min[,preferred,max]`, each the demand of that slot from now on."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from pydantic import ValidationError

from roulement.model.edits import DisruptionError
from roulement.model.scenario import Demand, Scenario

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
