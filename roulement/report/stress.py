"""The stress-test page: what a headcount cut breaks and why, and how often random absences leave posts short."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from roulement.analyse.capacity import AbsenceRisk, StressResult
from roulement.report.explanations import Explanation
from roulement.report.html import STYLE
from roulement.report.messages import Lang


def risk_chart_svg(risk: AbsenceRisk, width: int = 640) -> str:
    """A horizontal bar chart (inline SVG) of the probability each post runs short."""
    rows = sorted(risk.post_short.items(), key=lambda kv: (-kv[1], kv[0]))
    bar_height, label_width = 18, 170
    height = bar_height * len(rows) + 30
    scale = width - label_width - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="probability each post runs short" font-family="sans-serif" font-size="12">']
    for i, (post, share) in enumerate(rows):
        y = 10 + i * bar_height
        color = "#c0392b" if share >= 0.2 else "#e67e22" if share > 0.02 else "#27ae60"
        parts.append(f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{escape(post)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{max(share * scale, 1):.1f}" '
                     f'height="{bar_height - 4}" fill="{color}"/>')
        parts.append(f'<text x="{label_width + share * scale + 6:.1f}" y="{y + 13}">{share:.0%}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_stress_html(site: str, people: int, how: str, cut: StressResult | None, risk: AbsenceRisk | None,
                       explanations: Sequence[Explanation] = (), lang: Lang = "en") -> str:
    """The whole page: the cut's verdict with what the console says (groups, posts, dates, missing skills,
    group bounds, why), then the absence-risk chart."""
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>roulement stress – {escape(site)}</title><style>{STYLE}</style></head><body>",
             f"<h1>Stress test: {escape(site)}</h1>"]
    if cut is not None:
        parts += _cut(cut, people, how, explanations, lang)
    if risk is not None:
        parts += [f"<h2>Random absences ({risk.rate:.0%}, {risk.samples} samples)</h2>",
                  f"<p>The plant runs short in {risk.plant_short:.0%} of samples. Probability each post runs short "
                  "(max-flow relaxation: a lower bound).</p>", risk_chart_svg(risk)]
    parts.append("</body></html>")
    return "\n".join(parts)


def _cut(cut: StressResult, people: int, how: str, explanations: Sequence[Explanation], lang: Lang) -> list[str]:
    parts = [f"<h2>Headcount cut: {len(cut.removed)} of {people} people removed ({escape(how)})</h2>"]
    if cut.feasible:
        return [*parts, "<p class='ok'><b>Feasible</b>: covered within the law over the horizon.</p>"]
    status = "no roster found" if cut.result.roster is None else "the best roster found leaves posts short"
    parts.append(f"<p class='bad'><b>Not covered</b>: {status}.</p>")
    alone = [g for g in cut.groups if g["alone"] != "covered"]
    if alone:
        parts.append("<h3>Skill groups judged alone</h3><ul>" + "".join(
            f"<li>{escape('+'.join(g['posts']))} ({g['people']} people): <span class='bad'>{escape(g['alone'])}"
            "</span></li>" for g in alone) + "</ul>")
    rows = "".join(f"<tr><td class='left'>{escape(s.post)}</td><td>{s.short}</td><td>{escape(', '.join(s.shifts))}"
                   f"</td><td>{len(s.dates)}</td><td>{escape(s.dates[0])}</td><td class='left'>"
                   f"{escape(', '.join(s.dates))}</td></tr>" for s in cut.shortfalls())
    parts.append("<h3>Person-shifts short by post</h3><table><tr><th>post</th><th>person-shifts short</th>"
                 f"<th>shifts</th><th>days</th><th>first</th><th class='left'>dates</th></tr>{rows}</table>")
    if cut.safety_breaks:
        parts.append(f"<p>Safety minimums broken {len(cut.safety_breaks)} times.</p>")
    if cut.missing:
        rows = "".join(f"<tr><td class='left'>{escape(g['post'])}</td><td>{escape(', '.join(g['skills']))}</td>"
                       f"<td>{g['holders_left']}</td><td>{g['holders_needed_at_least']}</td>"
                       f"<td><b>{g['missing']}</b></td></tr>" for g in cut.missing)
        parts.append("<h3>Missing skills</h3><table><tr><th>post</th><th>skills</th><th>holders left</th>"
                     f"<th>needed at least (hours alone)</th><th>missing</th></tr>{rows}</table>")
    if cut.group_needs:
        rows = "".join(f"<tr><td class='left'>{escape('+'.join(n['posts']))}</td><td>{n['left']}</td>"
                       f"<td>{n['lower_bound']}–{n['minimum'] or '?'}</td><td><b>{n['missing_at_least']}</b></td></tr>"
                       for n in cut.group_needs)
        parts.append("<h3>Skill groups</h3><table><tr><th>group</th><th>people left</th><th>fewest that can run "
                     f"it</th><th>missing at least</th></tr>{rows}</table>")
    if explanations:
        parts.append("<h3>Why</h3><ul>" + "".join(f"<li>{escape(e.text(lang))}</li>" for e in explanations)
                     + "</ul>")
    return parts
