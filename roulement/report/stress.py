"""The stress-test page: what a headcount cut breaks and why, and how often random absences leave posts short."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape

from babel.dates import format_date
from babel.numbers import format_percent

from roulement.analyse.capacity import AbsenceRisk, StressResult
from roulement.report.explanations import Explanation
from roulement.report.html import STYLE
from roulement.report.messages import Lang, frame_text, has_message


def risk_chart_svg(risk: AbsenceRisk, width: int = 640, label: str = "probability each post runs short",
                   percent: Callable[[float], str] = "{:.0%}".format) -> str:
    """A horizontal bar chart (inline SVG) of the probability each post runs short."""
    rows = sorted(risk.post_short.items(), key=lambda kv: (-kv[1], kv[0]))
    bar_height, label_width = 18, 170
    height = bar_height * len(rows) + 30
    scale = width - label_width - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(label)}" font-family="sans-serif" font-size="12">']
    for i, (post, share) in enumerate(rows):
        y = 10 + i * bar_height
        color = "#c0392b" if share >= 0.2 else "#e67e22" if share > 0.02 else "#27ae60"
        parts.append(f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{escape(post)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{max(share * scale, 1):.1f}" '
                     f'height="{bar_height - 4}" fill="{color}"/>')
        parts.append(f'<text x="{label_width + share * scale + 6:.1f}" y="{y + 13}">{escape(percent(share))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_stress_html(site: str, people: int, how: str, cut: StressResult | None, risk: AbsenceRisk | None,
                       explanations: Sequence[Explanation] = (), lang: Lang = "en") -> str:
    """The whole page in `lang`: the cut's verdict with what the console says (groups, posts, dates, missing
    skills, group bounds, why), then the absence-risk chart."""
    def t(key: str, **params: object) -> str:
        return escape(frame_text(f"stress.{key}", lang, **params))

    parts = [f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
             f"<title>{t('title', site=site)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{t('heading', site=site)}</h1>"]
    if cut is not None:
        parts += _cut(cut, people, how, explanations, lang)
    if risk is not None:
        parts += [f"<h2>{t('absences', rate=risk.rate, samples=risk.samples)}</h2>",
                  f"<p>{t('absences_lead', share=risk.plant_short)}</p>",
                  risk_chart_svg(risk, label=frame_text("stress.chart_label", lang),
                                 percent=lambda share: format_percent(share, locale=lang))]
    parts.append("</body></html>")
    return "\n".join(parts)


# What `analyse.capacity` says of a skill group judged alone, as a frame key.
_ALONE = {"covered": "alone_covered", "cannot be covered (proven)": "alone_impossible",
          "unknown in time": "alone_unknown"}


def _cut(cut: StressResult, people: int, how: str, explanations: Sequence[Explanation], lang: Lang) -> list[str]:
    def t(key: str, **params: object) -> str:
        return escape(frame_text(f"stress.{key}", lang, **params))

    def head(*keys: str) -> str:
        left = " class='left'"
        return "".join(f"<th{left if key == 'dates' else ''}>{t('col.' + key)}</th>" for key in keys)

    def day(iso: str) -> str:
        return escape(format_date(dt.date.fromisoformat(iso), "medium", locale=lang))

    order = f"order.{how}"
    named = t(order) if has_message(f"frame:stress.{order}", "en") else escape(how)
    parts = [f"<h2>{t('cut', removed=len(cut.removed), people=people, how=named)}</h2>"]
    if cut.feasible:
        return [*parts, f"<p class='ok'>{t('feasible')}</p>"]
    status = t("no_roster") if cut.result.roster is None else t("left_short")
    parts.append(f"<p class='bad'>{t('not_covered', status=status)}</p>")
    alone = [g for g in cut.groups if g["alone"] != "covered"]
    if alone:
        parts.append(f"<h3>{t('groups_alone')}</h3><ul>" + "".join(
            f"<li>{t('group', posts='+'.join(g['posts']), people=g['people'])}: <span class='bad'>"
            f"{t(_ALONE[g['alone']]) if g['alone'] in _ALONE else escape(g['alone'])}</span></li>" for g in alone)
            + "</ul>")
    rows = "".join(f"<tr><td class='left'>{escape(s.post)}</td><td>{s.short}</td><td>{escape(', '.join(s.shifts))}"
                   f"</td><td>{len(s.dates)}</td><td>{day(s.dates[0])}</td><td class='left'>"
                   f"{', '.join(day(d) for d in s.dates)}</td></tr>" for s in cut.shortfalls())
    parts.append(f"<h3>{t('short_by_post')}</h3><table><tr>"
                 f"{head('post', 'short', 'shifts', 'days', 'first', 'dates')}</tr>{rows}</table>")
    if cut.safety_breaks:
        parts.append(f"<p>{t('safety_breaks', n=len(cut.safety_breaks))}</p>")
    if cut.missing:
        rows = "".join(f"<tr><td class='left'>{escape(g['post'])}</td><td>{escape(', '.join(g['skills']))}</td>"
                       f"<td>{g['holders_left']}</td><td>{g['holders_needed_at_least']}</td>"
                       f"<td><b>{g['missing']}</b></td></tr>" for g in cut.missing)
        parts.append(f"<h3>{t('missing_skills')}</h3><table><tr>"
                     f"{head('post', 'skills', 'holders_left', 'needed', 'missing')}</tr>{rows}</table>")
    if cut.group_needs:
        rows = "".join(f"<tr><td class='left'>{escape('+'.join(n['posts']))}</td><td>{n['left']}</td>"
                       f"<td>{n['lower_bound']}–{n['minimum'] or '?'}</td><td><b>{n['missing_at_least']}</b></td></tr>"
                       for n in cut.group_needs)
        parts.append(f"<h3>{t('skill_groups')}</h3><table><tr>"
                     f"{head('group', 'people_left', 'fewest', 'missing_at_least')}</tr>{rows}</table>")
    if explanations:
        parts.append(f"<h3>{t('why')}</h3><ul>" + "".join(f"<li>{escape(e.text(lang))}</li>" for e in explanations)
                     + "</ul>")
    return parts
