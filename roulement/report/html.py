"""A self-contained HTML report (no network, no script): roster grid, coverage, totals, violations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_skeleton, get_day_names
from babel.numbers import format_decimal, format_percent

from roulement.model.costs import least_whole_cost
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.bound import gap_percent, split_excluded
from roulement.report.messages import (
    criterion_text,
    entry_text,
    frame_text,
    has_message,
    reference_text,
    term_name,
)

# The cycle's deviation kinds (rules/follow_cycle.py, in English) and their frame entries for other languages.
KIND_KEYS = {"relief-pool shift": "deviation.pool", "swap": "deviation.swap", "day off": "deviation.day_off",
             "extra shift": "deviation.extra"}

PALETTE = ["#f6c85f", "#6f9ed4", "#5b4a8b", "#9dd866", "#ca472f", "#ffa056", "#8dddd0", "#a0a0a0"]

STYLE = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d232b;background:#fafafa}
h1{margin:0 0 4px}h2{margin:28px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
.sub{color:#5a6270}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.ok{color:#1f7a3a}.bad{color:#b3261e}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #e2e2e2;padding:2px 5px;text-align:center}
th{background:#f0f2f5;position:sticky;top:0}.left{text-align:left}
.grid td{width:20px;height:18px;font-size:11px;padding:0;color:#fff;font-weight:600}
.grid td.off{background:#fff}
.grid td.abs{background:repeating-linear-gradient(45deg,#eee,#eee 3px,#fff 3px,#fff 6px)}
.grid td.dev{outline:2px solid #d62828;outline-offset:-2px}.grid td.off.dev{outline-style:dashed}
.grid td.crew{color:#1d232b;font-weight:400;background:#f0f2f5;width:auto;padding:0 4px}
.grid th.we,.grid td.we.off{background:#eef1f6}.short{background:#f8d7d4;color:#b3261e;font-weight:700}
.full{background:#e3f4e8}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border-radius:4px;color:#fff}
.scroll{overflow:auto;max-height:70vh;border:1px solid #ddd}
"""


def _colors(scenario: Scenario) -> dict[str, str]:
    return {s.id: s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(scenario.shifts)}


def render_html(scenario: Scenario, roster: Roster, report: dict[str, Any], sections: Sequence[str] = (),
                lead: Sequence[str] = (), lang: str = "en") -> str:
    """The planner's report page; `lead` sections (HTML) come right after the verdict, `sections` after the
    figures, before the footer. The frame (headings, labels, sentences) and the rules' findings are written in
    `lang`, from the report's catalogues (`frame:` entries); names, rule ids and the cycle's year evaluation are
    the report's data."""
    def t(key: str, **params: Any) -> str:
        return frame_text(key, lang, **params)

    colors = _colors(scenario)
    dates = scenario.horizon.dates()
    summary = report["summary"]
    status_class = "ok" if summary["coverage_complete"] and not summary["violations"] else "bad"
    parts = [
        f"<!doctype html><html lang='{escape(lang)}'><head><meta charset='utf-8'>",
        f"<title>roulement – {escape(scenario.site.name)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(scenario.site.name)}</h1>",
        "<div class='sub'>" + escape(t("period", start=scenario.horizon.start, end=scenario.horizon.end,
                                         law=scenario.site.jurisdiction.value, zone=scenario.site.timezone))
        + "</div>",
        "<div class='cards'>",
        _card(t("card_people"), _number(summary["employees"], lang)),
        _card(t("card_shifts"), _number(summary["assignments"], lang)),
        _card(t("card_coverage"), t("coverage_complete") if summary["coverage_complete"]
              else t("short", n=summary["shortfall_person_shifts"]), "ok" if summary["coverage_complete"] else "bad"),
        _card(t("card_violations"), _number(summary["violations"], lang), "ok" if not summary["violations"] else "bad"),
        _card(t("card_cost"), _number(report["objective"]["total"], lang)),
    ]
    solver = report.get("solver")
    if solver:
        status = str(solver["status"])
        word = t(f"status.{status}") if has_message(f"frame:status.{status}", "en") else status
        parts.append(_card(t("card_solver"), f"{word} · {_number(round(solver['wall_time']), lang)} s"))
        if solver.get("bound") is not None:
            parts.append(_card(t("card_bound"), _number(least_whole_cost(float(solver["bound"])), lang)))
    parts.append("</div>")
    if solver and solver.get("bound") is not None:
        parts.append("<p class='sub'>" + escape(_bound_sentence(solver, report["objective"], lang)) + "</p>")
    parts.append(f"<p class='{status_class}'>" + escape(_verdict(summary, lang)) + "</p>")
    parts += lead
    parts += _objective(report, lang)
    parts += _violations(report, lang)
    parts += _coverage(scenario, report, dates, lang)
    parts += _people(report, lang)
    parts += _cycle(report.get("rotation"), lang)
    parts += _grid(scenario, roster, dates, colors, report.get("rotation"), lang)
    parts += _totals(report, lang)
    parts += sections
    parts.append("<p class='sub'>" + escape(t("footer", version=str(report["roulement"]),
                                                generated=generated_at(report, lang))) + "</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def generated_at(report: dict[str, Any], lang: str) -> str:
    """When the report was made, in the site's time zone and the reader's format (report.json keeps UTC ISO)."""
    moment = dt.datetime.fromisoformat(str(report["generated"]))
    zone = ZoneInfo(str((report.get("site") or {}).get("timezone") or "UTC"))
    return str(format_datetime(moment, "medium", tzinfo=zone, locale=lang)) + " " + str(
        format_datetime(moment, "zzzz", tzinfo=zone, locale=lang))


def _day(date: str, lang: str) -> str:
    """A day of the month as the reader writes it without the year (3 déc., 3. Dez., Dec 3)."""
    return str(format_skeleton("MMMd", dt.date.fromisoformat(date), locale=lang))


def _date(date: str, lang: str) -> str:
    """A date as the reader writes it (3 déc. 2026, 03.12.2026); report.json keeps ISO."""
    return str(format_date(dt.date.fromisoformat(date), "medium", locale=lang))


def _number(value: object, lang: str) -> str:
    return str(format_decimal(value, locale=lang)) if isinstance(value, (int, float)) else str(value)


def _weekday(date: dt.date, lang: str) -> str:
    """The day's one-letter name in `lang` (CLDR's narrow form, from Babel)."""
    return str(get_day_names("narrow", locale=lang)[date.weekday()])


def _kind(kind: str, lang: str) -> str:
    return kind if lang == "en" or kind not in KIND_KEYS else frame_text(KIND_KEYS[kind], lang)


def _bound_sentence(solver: dict[str, Any], objective: dict[str, Any], lang: str) -> str:
    """The proven lower bound, what it covers, and how far above the best possible the roster can be, at most,
    on those terms (the gap), in `lang`."""
    bound = least_whole_cost(float(solver["bound"]))
    kind = _bound_kind(solver, objective["terms"], lang)
    cost = solver.get("bound_covered_cost") if solver.get("bound_excludes") else objective["total"]
    if cost is None:
        return frame_text("bound_proven", lang, bound=bound, kind=kind)
    gap = format_percent(round(gap_percent(float(cost), bound), 1) / 100, locale=lang, decimal_quantization=False)
    return frame_text("bound_gap", lang, bound=bound, kind=kind, cost=float(cost), gap=gap)


def _bound_kind(solver: dict[str, Any], terms: dict[str, float], lang: str) -> str:
    """Which terms a lower bound covers, in `lang`: the whole objective, or all but the rules between people.
    Those that cost something in this roster are named (as objective terms are); the others, often hard legal
    limits that only weaken the bound, are counted."""
    excludes = solver.get("bound_excludes") or []
    if not excludes:
        return frame_text("bound_kind_whole", lang)
    costly, free = split_excluded(excludes, terms)
    if not free:
        return frame_text("bound_kind_partial", lang, rules=", ".join(term_name(rule, lang) for rule in costly))
    if not costly:
        return frame_text("bound_kind_partial_free", lang, n=len(free))
    return frame_text("bound_kind_partial_both", lang, n=len(free),
                      rules=", ".join(term_name(rule, lang) for rule in costly))


def _card(label: str, value: object, css: str = "") -> str:
    return f"<div class='card'>{escape(label)}<b class='{css}'>{escape(str(value))}</b></div>"


def _verdict(summary: dict[str, Any], lang: str = "en") -> str:
    if summary["coverage_complete"] and not summary["violations"]:
        return frame_text("verdict_ok", lang)
    text = []
    if not summary["coverage_complete"]:
        text.append(frame_text("missing", lang, n=summary["shortfall_person_shifts"]))
    if summary["violations"]:
        rules = ", ".join(f"{term_name(k, lang)} ×{v}" for k, v in summary["violations_by_rule"].items())
        text.append(frame_text("n_violations", lang, n=summary["violations"], rules=rules))
    return " ".join(text)


def _objective(report: dict[str, Any], lang: str = "en") -> list[str]:
    rows = "".join(f"<tr><td class='left' title='{escape(k)}'>{escape(term_name(k, lang))}</td>"
                   f"<td>{escape(_number(v, lang))}</td></tr>" for k, v in report["objective"]["terms"].items())
    return [f"<h2>{escape(frame_text('objective', lang))}</h2>",
            f"<table><tr><th class='left'>{escape(frame_text('term', lang))}</th>"
            f"<th>{escape(frame_text('cost', lang))}</th></tr>{rows}</table>"]


def _violations(report: dict[str, Any], lang: str = "en") -> list[str]:
    if not report["violations"]:
        return []
    rows = "".join(
        f"<tr><td class='left' title='{escape(v['rule'])}'>{escape(term_name(v['rule'], lang))}</td>"
        f"<td class='left'>{escape(reference_text(v['rule'], v['reference'], lang))}</td>"
        f"<td>{escape(v['employee'] or '')}</td><td>{escape(', '.join(_date(d, lang) for d in v['dates']))}</td>"
        f"<td class='left'>{escape(v.get('text', {}).get(lang, v['message']))}</td></tr>"
        for v in report["violations"][:500]
    )
    more = len(report["violations"]) - 500
    head = "".join(f"<th>{escape(frame_text(key, lang))}</th>" for key in ("rule", "reference", "employee", "dates",
                                                                           "what"))
    return [f"<h2>{escape(frame_text('violations', lang))}</h2>",
            f"<table><tr>{head}</tr>{rows}</table>"
            + (f"<p>{escape(frame_text('more', lang, n=more))}</p>" if more > 0 else "")]


def _coverage(scenario: Scenario, report: dict[str, Any], dates: list[dt.date], lang: str = "en") -> list[str]:
    needed: dict[tuple[str, str], int] = defaultdict(int)
    got: dict[tuple[str, str], int] = defaultdict(int)
    short_posts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in report["coverage"]:
        key = (row["date"], row["shift"])
        needed[key] += row["required"]
        got[key] += min(row["assigned"], row["required"])
        if row["assigned"] < row["required"]:
            short_posts[key].append(f"{row['post']} {row['assigned']}/{row['required']}")
    head = "".join(f"<th class='{_we(d)}'>{escape(_weekday(d, lang))}<br>{d.day}</th>" for d in dates)
    rows = []
    for shift in scenario.shifts:
        cells = []
        for date in dates:
            key = (date.isoformat(), shift.id)
            if key not in needed:
                cells.append("<td></td>")
                continue
            css = "short" if short_posts.get(key) else "full"
            title = escape("; ".join(short_posts.get(key, [])) or frame_text("all_covered", lang))
            cells.append(f"<td class='{css}' title='{title}'>{got[key]}/{needed[key]}</td>")
        rows.append(f"<tr><th class='left'>{escape(shift.id)} {escape(shift.name)}</th>{''.join(cells)}</tr>")
    return [f"<h2>{escape(frame_text('coverage_title', lang))}</h2>",
            f"<p class='sub'>{escape(frame_text('coverage_help', lang))}</p>",
            f"<div class='scroll'><table><tr><th></th>{head}</tr>{''.join(rows)}</table></div>"]


def _we(date: dt.date) -> str:
    return "we" if date.weekday() >= 5 else ""


def _cycle(section: dict[str, Any] | None, lang: str = "en") -> list[str]:
    """How far the roster follows the published cycle, and each person's deviations."""
    if not section:
        return []

    def t(key: str, **params: Any) -> str:
        return escape(frame_text(key, lang, **params))

    kinds = "".join(f"<tr><td class='left'>{escape(_kind(kind, lang))}</td><td>{count}</td></tr>"
                    for kind, count in section["by_kind"].items())
    off = frame_text("off", lang)

    def described(deviation: dict[str, str | None]) -> str:
        return (f"{_day(str(deviation['date']), lang)} {_kind(str(deviation['kind']), lang)} "
                f"({deviation['planned'] or off} → {deviation['worked'] or off})")

    people = "".join(
        f"<tr><td class='left'>{escape(row['employee'])}</td><td>{escape(str(row['crew'] or ''))}</td>"
        f"<td class='left'>{escape(', '.join(described(d) for d in row['deviations']))}</td></tr>"
        for row in section["per_person"])
    evaluation = section.get("evaluation")
    year: list[str] = []
    if evaluation:
        def part(criterion: dict[str, Any], name: str) -> str:
            return escape(criterion_text(str(criterion.get("words") or ""), name, lang, str(criterion[name])))

        criteria = "".join(
            f"<tr><td class='left'>{part(c, 'label')}</td><td>{escape(_number(c['value'], lang))} {part(c, 'unit')}"
            f"</td><td class='left'>{part(c, 'target')}</td><td class='{'ok' if c['ok'] else 'bad'}'>"
            f"{t('yes') if c['ok'] else t('no')}</td></tr>" for c in evaluation["criteria"])
        broken = ", ".join(f"{term_name(rule, lang)} ({count})"
                           for rule, count in evaluation["violations_by_rule"].items())
        which = f": {escape(broken)}" if broken else ""
        broken_line = (f"{evaluation['violations']} hard rule(s) broken over the year" if lang == "en"
                       else frame_text("year_broken", lang, n=evaluation["violations"]))
        readings = " ".join(frame_text("reading_of", lang, rule=term_name(rule, lang),
                                       reading=reading_text(evaluation, rule, lang)) + "."
                            for rule in evaluation["readings"])
        year = [f"<h3>{t('cycle_year')}</h3>",
                f"<p>{escape(broken_line)}{which}. {escape(readings)}</p>",
                f"<table><tr><th>{t('criterion')}</th><th>{t('value')}</th><th>{t('target')}</th>"
                f"<th>{t('met')}</th></tr>{criteria}</table>"]
    summary = section["summary"]
    if lang != "en" and "share_following" in section:  # the section's sentence is English: its figures, framed
        counted = [f"{count} {_kind(kind, lang)}" for kind, count in section["by_kind"].items() if count]
        summary = "; ".join([frame_text("cycle_month", lang, share=section["share_following"]), *counted])
    return [f"<h2>{t('published_cycle')}</h2>", *year, f"<h3>{t('this_month')}</h3>", f"<p>{escape(summary)}.</p>",
            f"<table><tr><th>{t('deviation')}</th><th>{t('count')}</th></tr>{kinds}</table>",
            f"<h3>{t('deviations_per_person')}</h3>",
            f"<div class='scroll'><table><tr><th>{t('person')}</th><th>{t('crew')}</th><th>{t('deviations')}</th>"
            f"</tr>{people}</table></div>"]


def reading_text(evaluation: dict[str, Any], rule: str, lang: str) -> str:
    """The reading a rule's verdict over the year rests on, in `lang` (`reading:<key>`), or as analysed."""
    words = (evaluation.get("reading_words") or {}).get(rule)
    if lang == "en" or not words:
        return str(evaluation["readings"][rule])
    params = {name: value for name, value in words.items() if name != "key"}
    return entry_text(f"reading:{words['key']}", lang, **params)


def _grid(scenario: Scenario, roster: Roster, dates: list[dt.date], colors: dict[str, str],
          cycle: dict[str, Any] | None = None, lang: str = "en") -> list[str]:
    worked = {(a.employee, a.date): a for a in roster}
    off, absent, in_cycle = (frame_text(key, lang) for key in ("off", "absent", "cycle"))
    # With a published cycle: each person's crew beside the name, each deviation outlined in red.
    crews: dict[str, str] = cycle["crew_of"] if cycle else {}
    deviations = {(row["employee"], d["date"]): d for row in (cycle or {}).get("per_person", [])
                  for d in row["deviations"]}
    legend = "".join(f"<span style='background:{colors[s.id]}'>{escape(s.id)} {escape(s.name)} "
                     f"{s.start:%H:%M}–{s.end:%H:%M}</span>" for s in scenario.shifts)
    head = "".join(f"<th class='{_we(d)}'>{escape(_weekday(d, lang))}<br>{d.day}</th>" for d in dates)
    rows = []
    for employee in scenario.employees:
        cells = []
        for date in dates:
            assignment = worked.get((employee.id, date))
            deviation = deviations.get((employee.id, date.isoformat()))
            dev = " dev" if deviation else ""
            why = (f" · {_kind(str(deviation['kind']), lang)} ({in_cycle}: {deviation['planned'] or off})"
                   if deviation else "")
            if assignment is not None:
                title = escape(f"{assignment.shift} · {assignment.post}{why}")
                cells.append(f"<td class='{dev.strip()}' style='background:{colors.get(assignment.shift, '#777')}' "
                             f"title='{title}'>{escape(assignment.shift)}</td>")
            elif employee.absent_on(date):
                cells.append(f"<td class='abs' title='{escape(absent)}'></td>")
            else:
                cells.append(f"<td class='off {_we(date)}{dev}' title='{escape(why.lstrip(' ·'))}'></td>")
        label = escape(employee.name or employee.id)
        crew = f"<td class='crew'>{escape(crews.get(employee.id, ''))}</td>" if cycle else ""
        rows.append(f"<tr><th class='left'>{label}</th>{crew}{''.join(cells)}</tr>")
    crew_head = f"<th>{escape(frame_text('crew', lang))}</th>" if cycle else ""
    return [f"<h2>{escape(frame_text('roster', lang))}</h2>", f"<div class='legend'>{legend}</div>",
            f"<div class='scroll'><table class='grid'><tr><th></th>{crew_head}{head}</tr>{''.join(rows)}"
            "</table></div>"]


def _totals(report: dict[str, Any], lang: str = "en") -> list[str]:
    rows = "".join(
        f"<tr><td class='left'>{escape(t['name'])}</td><td>{t['hours']:g}</td><td>{t['contract_hours']:g}</td>"
        f"<td>{t['shifts']}</td><td>{t['nights']}</td><td>{t['sundays']}</td><td>{t['weekend_days']}</td>"
        f"<td>{t['public_holidays']}</td></tr>"
        for t in report["employees"]
    )
    head = "".join(f"<th>{escape(frame_text(key, lang))}</th>" for key in (
        "hours", "contract", "shifts", "nights", "sundays", "weekend_days", "public_holidays"))
    return [f"<h2>{escape(frame_text('per_person', lang))}</h2>",
            f"<div class='scroll'><table><tr><th class='left'>{escape(frame_text('person', lang))}</th>{head}</tr>"
            f"{rows}</table></div>"]


def _people(report: dict[str, Any], lang: str = "en") -> list[str]:
    people = report.get("people")
    if not people:
        return []

    def t(key: str, **params: Any) -> str:
        return frame_text(key, lang, **params)

    parts = [f"<h2>{escape(t('people'))}</h2>"]
    price = people["price"]
    if price["objective_with_people"] is not None:
        line = t("price_with", with_people=price["objective_with_people"])
        if price["objective_ignoring_people"] is not None:
            line += (t("price_ignoring", without=price["objective_ignoring_people"], delta=price["extra_percent"])
                     if price["extra_percent"] is not None else "")
        else:
            line += t("price_run")
        parts.append(f"<p>{escape(line)}.</p>")
    households = people["households"]
    if isinstance(households, dict):  # the council's totals
        parts.append("<table>" + "".join(f"<tr><td class='left'>{escape(t('hh.' + k))}</td>"
                                         f"<td>{escape(_number(v, lang))}</td></tr>"
                                         for k, v in households.items()) + "</table>")
    elif households:
        rows = "".join(
            f"<tr><td class='left'>{escape(h['id'])}</td><td class='left'>{escape(', '.join(h['members']))}</td>"
            f"<td>{h['shared_days_off_got']} / {h['shared_days_off_asked']}</td>"
            f"<td class='{'bad' if h['childcare_uncovered_hours'] else 'ok'}'>"
            f"{h['childcare_uncovered_hours']:g} h</td></tr>" for h in households)
        parts.append(f"<table><tr><th class='left'>{escape(t('household'))}</th><th class='left'>"
                     f"{escape(t('members'))}</th><th>{escape(t('together'))}</th><th>{escape(t('childcare'))}</th>"
                     "</tr>" + rows + "</table>")
        apart = [h["id"] for h in households
                 if h["shared_days_off_asked"] and h["shared_days_off_got"] < 0.9 * h["shared_days_off_asked"]]
        if apart and "employee" not in report:  # a planner's pointer; an employee reads only their own figures
            parts.append(f"<p>{escape(t('apart', ids=', '.join(apart)))} "
                         "<code>roulement explain-household SCENARIO ROSTER --household ID</code> "
                         f"{escape(t('apart_help'))}</p>")
    fairness = people["fairness"]
    for category, label in (("nights", t("Nights")), ("sundays", t("Sundays")),
                            ("weekend_days", t("Weekend days")), ("public_holidays", t("Public holidays"))):
        # The council's rows carry counts only (no eligibility): its nights include the night-exempt.
        values = [r[category] for r in fairness if category != "nights" or r.get("night_eligible", True)]
        if values and (category != "public_holidays" or any(values)):
            parts.append(_distribution(label, values, lang))
    if "groups" in people:  # the council's fairness per peer group
        parts.append(_council_groups(people["groups"], lang))
    if len(fairness) == 1 and "fair_nights" in fairness[0]:
        row = fairness[0]
        share = t("fair_share", nights=row["fair_nights"] if row["fair_nights"] is not None else "–",
                  sundays=row["fair_sundays"] if row["fair_sundays"] is not None else "–")
        parts.append(f"<p>{escape(share)}</p>")
    return parts


def _council_groups(groups: dict[str, Any], lang: str = "en") -> str:
    def t(key: str, **params: Any) -> str:
        return escape(frame_text(key, lang, **params))

    def span(figures: dict[str, float] | None) -> str:
        if figures is None:
            return "–"
        low, high, mean = (escape(_number(figures[key], lang)) for key in ("min", "max", "mean"))
        return f"{low}–{high} ({t('mean')} {mean})"

    rows = "".join(f"<tr><td>{g['people']}</td><td>{escape(str(g['not_night_eligible']))}</td>"
                   f"<td>{span(g['nights_of_night_eligible'])}</td><td>{span(g['sundays'])}</td>"
                   f"<td>{span(g['hours'])}</td></tr>" for g in groups["groups"])
    small = groups["people_in_groups_too_small"]
    note = f"<p>{t('small_groups', n=small, size=groups['min_group'])}</p>" if small else ""
    return (f"<h3>{t('groups_title', size=groups['min_group'])}</h3><table><tr><th>{t('g_people')}</th>"
            f"<th>{t('g_not_night')}</th><th>{t('g_nights')}</th><th>{t('sundays')}</th><th>{t('hours')}</th></tr>"
            f"{rows}</table>{note}")


def _distribution(label: str, values: list[int], lang: str = "en") -> str:
    """An inline SVG bar chart: how many people worked each count (no script, no network)."""
    counts: dict[int, int] = defaultdict(int)
    for value in values:
        counts[value] += 1
    low, high = min(counts), max(counts)
    bars = list(range(low, high + 1))
    tallest = max(counts.values())
    width, height, bar = 40 + 28 * len(bars), 150, 22
    shapes = []
    for index, value in enumerate(bars):
        size = round(100 * counts.get(value, 0) / tallest)
        x = 30 + 28 * index
        shapes.append(f"<rect x='{x}' y='{120 - size}' width='{bar}' height='{size}' fill='#6f9ed4'>"
                      f"<title>{escape(frame_text('people_with', lang, n=counts.get(value, 0), value=value))}"
                      "</title></rect>"
                      f"<text x='{x + bar / 2}' y='135' font-size='10' text-anchor='middle'>{value}</text>"
                      f"<text x='{x + bar / 2}' y='{115 - size}' font-size='9' text-anchor='middle'>"
                      f"{counts.get(value, 0) or ''}</text>")
    title = escape(frame_text("distribution", lang, label=label, low=low, high=high))
    return (f"<h3>{title}</h3>"
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
            f"aria-label='{title}'>{''.join(shapes)}</svg>")
