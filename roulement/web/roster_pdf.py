"""A printable roster per team for the notice board: A4 landscape, one team per page (or pages), names down the
side and the days across, each cell the shift (and the post under it), weekends and public holidays shaded,
in the site's language. Drawn with reportlab (its own Helvetica: French and German letters included)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, get_day_names
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from roulement.model.roster import Roster
from roulement.model.scenario import Employee, Jurisdiction, Scenario

NAME_WIDTH = 42 * mm
MIN_DAY_WIDTH = 7 * mm  # below this a shift id no longer fits: the days are split over more pages
WEEKEND = colors.HexColor("#e3e8f0")
HOLIDAY = colors.HexColor("#f8d9c0")

WORDS = {
    "en": {"roster": "Roster", "team": "Team", "no_team": "Without a team", "version": "version",
           "printed": "printed", "shifts": "Shifts", "page_days": "days"},
    "fr": {"roster": "Planning", "team": "Équipe", "no_team": "Sans équipe", "version": "version",
           "printed": "imprimé le", "shifts": "Postes", "page_days": "jours"},
    "de": {"roster": "Dienstplan", "team": "Team", "no_team": "Ohne Team", "version": "Version",
           "printed": "gedruckt am", "shifts": "Schichten", "page_days": "Tage"},
}


def site_language(scenario: Scenario) -> str:
    """The language a notice board at this site is read in: the law's country's."""
    return {Jurisdiction.FR: "fr", Jurisdiction.DE: "de"}.get(scenario.site.jurisdiction, "en")


def teams_of(scenario: Scenario) -> list[str | None]:
    """The groups the board shows, in the order people are listed: the teams, or, in a plant without teams
    that runs a rotation, the crews (None: people in neither, last)."""
    named = list(dict.fromkeys(key for e in scenario.employees if (key := _group(scenario, e))))
    return [*named, *([None] if any(not _group(scenario, e) for e in scenario.employees) else [])]


def _by_crew(scenario: Scenario) -> bool:
    return scenario.rotation is not None and not any(e.team for e in scenario.employees)


def _group(scenario: Scenario, employee: Employee) -> str | None:
    return (employee.crew if _by_crew(scenario) else employee.team) or None


def _group_heading(scenario: Scenario, group: str | None, words: dict[str, str]) -> str:
    if group is None:
        return words["no_team"]
    if _by_crew(scenario):
        assert scenario.rotation is not None
        crews = {c.id: c.name or c.id for c in scenario.rotation.crews}
        if scenario.rotation.relief_pool is not None:
            crews[scenario.rotation.relief_pool.id] = scenario.rotation.relief_pool.name or group
        return crews.get(group, group)
    return f"{words['team']} {group}"


def _light(color: str | None) -> colors.Color | None:
    """A shift's colour, lightened so the black text on it stays readable on a printed page."""
    if not color:
        return None
    try:
        base = colors.HexColor(color)
    except ValueError:
        return None
    return colors.Color(*(0.55 + 0.45 * part for part in (base.red, base.green, base.blue)))


def _chunks(days: list[dt.date], width: float) -> list[list[dt.date]]:
    per_page = max(1, int((width - NAME_WIDTH) // MIN_DAY_WIDTH))
    return [days[i:i + per_page] for i in range(0, len(days), per_page)] or [[]]


def roster_pdf(scenario: Scenario, roster: Roster, lang: str, title: str, version: int,
               team: str | None = None, printed: dt.datetime | None = None) -> bytes:
    """The PDF: every team (or only `team`), each from a new page."""
    words = WORDS.get(lang, WORDS["en"])
    page = landscape(A4)
    margin = 10 * mm
    width = page[0] - 2 * margin
    styles = getSampleStyleSheet()
    small = styles["Normal"].clone("small", fontSize=8, leading=10)
    cells: dict[str, dict[dt.date, Any]] = defaultdict(dict)
    for a in roster:
        cells[a.employee][a.date] = a
    shift_colors = {s.id: _light(s.color) for s in scenario.shifts}
    holidays = scenario.public_holidays
    days = list(scenario.horizon.dates())
    day_names = get_day_names("abbreviated", locale=lang)
    printed = printed or dt.datetime.now(dt.UTC)
    printed_at = format_datetime(printed, "short", tzinfo=ZoneInfo(scenario.site.timezone), locale=lang)
    legend = " · ".join(f"{s.id} {s.name or ''} {s.start:%H:%M}–{s.end:%H:%M}".replace("  ", " ")
                        for s in scenario.shifts)
    teams = [team] if team is not None else teams_of(scenario)
    story: list[Any] = []
    for group in teams:
        people = [e for e in scenario.employees if _group(scenario, e) == group]
        for chunk in _chunks(days, width):
            if story:
                story.append(PageBreak())
            heading = f"{words['roster']} — {_group_heading(scenario, group, words)}"
            period = (f"{format_date(chunk[0], 'medium', locale=lang)} – "
                      f"{format_date(chunk[-1], 'medium', locale=lang)}") if chunk else ""
            story.append(Paragraph(f"{_escape(heading)}", styles["Heading2"]))
            story.append(Paragraph(
                f"{_escape(scenario.site.name)} · {period} · {_escape(title)}, {words['version']} {version} · "
                f"{words['printed']} {printed_at}", small))
            story.append(Spacer(1, 3 * mm))
            day_width = min(12 * mm, (width - NAME_WIDTH) / max(len(chunk), 1))
            header = ["", *[f"{day_names[d.weekday()]}\n{d.day}" for d in chunk]]
            rows: list[list[str]] = [header]
            style: list[Any] = [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 7),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7),
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("LEADING", (0, 0), (-1, -1), 7.5),
            ]
            for column, day in enumerate(chunk, start=1):
                shade = HOLIDAY if day in holidays else WEEKEND if day.weekday() >= 5 else None
                if shade is not None:
                    style.append(("BACKGROUND", (column, 0), (column, len(people)), shade))
            for row, person in enumerate(people, start=1):
                # The post a person holds most is printed once, under the name; a cell names its post only
                # when it is another one (long post names do not fit a day's column).
                posts = Counter(cells[person.id][d].post for d in chunk if d in cells[person.id])
                usual = posts.most_common(1)[0][0] if posts and len(scenario.posts) > 1 else None
                line = [f"{person.name or person.id}\n{_fit(usual, NAME_WIDTH - 4)}" if usual else
                        person.name or person.id]
                for column, day in enumerate(chunk, start=1):
                    cell = cells[person.id].get(day)
                    if cell is None:
                        line.append("")
                        continue
                    post = _fit(cell.post, day_width - 2) if usual is not None and cell.post != usual else ""
                    line.append(f"{cell.shift}\n{post}" if post else cell.shift)
                    painted = shift_colors.get(cell.shift)
                    if painted is not None:
                        style.append(("BACKGROUND", (column, row), (column, row), painted))
                rows.append(line)
            table = Table(rows, colWidths=[NAME_WIDTH, *[day_width] * len(chunk)], repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle(style))
            story.append(table)
            story.append(Spacer(1, 3 * mm))
            story.append(Paragraph(f"{words['shifts']}: {_escape(legend)}", small))
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                                 bottomMargin=margin, title=f"{words['roster']} — {scenario.site.name}",
                                 author="roulement", lang=lang)
    document.build(story)
    return out.getvalue()


def _fit(text: str, width: float, font: str = "Helvetica", size: float = 7) -> str:
    """`text` cut (with an ellipsis) to print within `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _escape(text: str) -> str:
    """Paragraph text is reportlab's mini-markup: a name with < or & must print as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
