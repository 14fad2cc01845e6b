"""rotation.html: each cycle option as a coloured grid, each crew's year as a calendar, and the evaluation, in
English, French or German (the report's catalogues: `frame:rot_*`, `criterion:*`, `reference:*`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_skeleton, get_day_names
from babel.numbers import format_decimal
from jinja2 import Environment, select_autoescape

from roulement.analyse.rotation import YearJudgement
from roulement.model.rotation import OFF, Rotation
from roulement.model.scenario import Scenario
from roulement.report.messages import (
    LANGS,
    criterion_text,
    entry_text,
    finding_text,
    frame_text,
    reference_text,
    term_name,
)

DEFAULT_COLORS = ["#f6c85f", "#6f9ed4", "#5b4a8b", "#9dd866", "#ca472f", "#8dddd0"]
# design_figures' row names (service/rotation.py, English in the terminal) and their frame entries.
FIGURE_KEYS = {"crews": "fig.crews", "shift length": "fig.shift_length",
               "hours per calendar week": "fig.hours_per_calendar_week", "people per crew": "fig.people_per_crew",
               "people in crews": "fig.people_in_crews", "offered": "fig.offered", "nights a year": "fig.nights_a_year",
               "free weekends a year": "fig.free_weekends_a_year", "longest night block": "fig.longest_night_block",
               "violations over the year": "fig.violations_over_the_year", "design time": "fig.design_time"}


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


def _months(start: dt.date, weeks: int, lang: str = "en") -> list[dict[str, Any]]:
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
        months.append({"label": str(format_skeleton("yMMM", cursor, locale=lang)), "days": days})
        cursor = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months


def render_rotation_page(scenario: Scenario, options: list[PageOption], title: str = "Crew cycle",
                         lang: str = "en") -> str:
    shift_ids = {t for o in options if o.rotation for t in o.rotation.shift_codes()}
    shifts = [s for s in scenario.shifts if s.id in shift_ids]
    colors = {s.id: s.color or DEFAULT_COLORS[i % len(DEFAULT_COLORS)] for i, s in enumerate(shifts)}
    first = next((o.judgement for o in options if o.judgement), None)
    months = _months(first.year.horizon.start, first.year.horizon.days // 7, lang) if first else []
    keys: list[str] = []
    for option in options:
        keys += [k for k in option.figures if k not in keys]

    def figure(value: str) -> str:
        if value == "yes":
            return frame_text("yes", lang)
        if value.startswith("no: "):  # the reason is written under the table, in the reader's language
            return frame_text("no", lang)
        return value

    def criterion(c: Any, part: str) -> str:
        return criterion_text(c.words, part, lang, str(getattr(c, part)))

    def reading(judgement: Any, rule: str) -> str:
        words = judgement.reading_words.get(rule)
        if lang == "en" or not words:
            return str(judgement.readings[rule])
        return entry_text(f"reading:{words['key']}", lang, **{k: v for k, v in words.items() if k != "key"})

    environment = Environment(autoescape=select_autoescape(default=True))
    return environment.from_string(_TEMPLATE.read_text(encoding="utf-8")).render(
        title=title, site=scenario.site.name, shifts=[{"id": s.id, "name": s.name, "start": s.start.strftime("%H:%M"),
                                                       "end": s.end.strftime("%H:%M")} for s in shifts],
        colors=colors, ink={k: _ink(v) for k, v in colors.items()}, options=options,
        weekdays=[get_day_names("abbreviated", locale=lang)[day] for day in range(7)],  # Monday first
        off=OFF, months=months, figure_keys=keys,
        lang=lang, t=lambda key, **params: frame_text(key, lang, **params),
        figure_name=lambda key: frame_text(FIGURE_KEYS[key], lang) if key in FIGURE_KEYS else key,
        figure=figure, criterion=criterion, reading=reading, rule_name=lambda rule: term_name(rule, lang),
        reference=lambda rule, text: reference_text(rule, text, lang),
        finding=lambda message: finding_text(message, next((known for known in LANGS if known == lang), "en")),
        number=lambda value: format_decimal(value, locale=lang),
        date_text=lambda day: format_date(day, "medium", locale=lang),
    )
