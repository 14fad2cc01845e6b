"""rotation.html: each cycle option as a coloured grid, each crew's year as a calendar, and the evaluation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from roulement.analyse.rotation import YearJudgement
from roulement.model.rotation import OFF, Rotation
from roulement.model.scenario import Scenario

DEFAULT_COLORS = ["#f6c85f", "#6f9ed4", "#5b4a8b", "#9dd866", "#ca472f", "#8dddd0"]
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@dataclass
class PageOption:
    title: str
    rotation: Rotation | None
    judgement: YearJudgement | None
    refused: str | None
    figures: dict[str, str]


_TEMPLATE = Path(__file__).parent / "templates" / "rotation.html"


def _ink(color: str) -> str:
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#fff" if (red * 299 + green * 587 + blue * 114) / 1000 < 140 else "#222"


def _months(start: dt.date, weeks: int) -> list[dict[str, Any]]:
    end = start + dt.timedelta(days=7 * weeks - 1)
    months = []
    cursor = dt.date(start.year, start.month, 1)
    while cursor <= end:
        days: list[dt.date | None] = []
        for number in range(1, 32):
            try:
                day = dt.date(cursor.year, cursor.month, number)
            except ValueError:
                days.append(None)
                continue
            days.append(day if start <= day <= end else None)
        months.append({"label": cursor.strftime("%b %Y"), "days": days})
        cursor = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months


def render_rotation_page(scenario: Scenario, options: list[PageOption], title: str = "Crew cycle") -> str:
    shift_ids = {t for o in options if o.rotation for t in o.rotation.shift_codes()}
    shifts = [s for s in scenario.shifts if s.id in shift_ids]
    colors = {s.id: s.color or DEFAULT_COLORS[i % len(DEFAULT_COLORS)] for i, s in enumerate(shifts)}
    first = next((o.judgement for o in options if o.judgement), None)
    months = _months(first.year.horizon.start, first.year.horizon.days // 7) if first else []
    keys: list[str] = []
    for option in options:
        keys += [k for k in option.figures if k not in keys]
    environment = Environment(autoescape=select_autoescape(default=True))
    return environment.from_string(_TEMPLATE.read_text(encoding="utf-8")).render(
        title=title, site=scenario.site.name, shifts=[{"id": s.id, "name": s.name, "start": s.start.strftime("%H:%M"),
                                                       "end": s.end.strftime("%H:%M")} for s in shifts],
        colors=colors, ink={k: _ink(v) for k, v in colors.items()}, options=options, weekdays=WEEKDAYS, off=OFF,
        months=months, figure_keys=keys,
    )
