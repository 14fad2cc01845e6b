"""replan, stress, capacity, explain: absorbing shocks and explaining why."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.live import Live

from roulement import service
from roulement.analyse.disruption import (
    DateRange,
    DisruptionError,
    add_absence,
    parse_demand_file,
    parse_target,
    post_down,
    replace_demand,
)
from roulement.cli.app import EXIT_OK, EXIT_VIOLATIONS, app, console, fail_input
from roulement.cli.plan import _ProgressView
from roulement.formats.files import write_all_atomic
from roulement.formats.roster_csv import RosterError, load_roster, roster_to_csv
from roulement.formats.scenario_yaml import ScenarioError, load_scenario
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.html import render_html
from roulement.solve.replan import changes_csv, replan, summarise_changes
from roulement.solve.search import SolveOptions

LANGS = ("en", "fr", "de")


def _scenario(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as error:
        fail_input(error.problems)


def _roster(path: Path, scenario: Scenario) -> Roster:
    try:
        return load_roster(path, scenario)
    except RosterError as error:
        fail_input(error.problems)


def _date(text: str, what: str, scenario: Scenario) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        fail_input(f"{what}: {text!r} is not a date YYYY-MM-DD")
    if not scenario.horizon.start <= day <= scenario.horizon.end:
        fail_input(f"{what}: {day} is outside the horizon {scenario.horizon.start}..{scenario.horizon.end}")
    return day


def _lang(lang: str) -> str:
    if lang not in LANGS:
        fail_input(f"--lang: {lang!r} is not one of {', '.join(LANGS)}")
    return lang


def disrupt(
    scenario: Scenario, first: dt.date, absent: list[str], down: list[str], demand_file: Path | None
) -> tuple[Scenario, list[str]]:
    """Apply the disruptions given on the command line; returns the new scenario and what was applied."""
    rest = DateRange(first, scenario.horizon.end)
    applied = []
    try:
        for text in absent:
            employee, span = parse_target(text, "--absent", rest)
            if span.end < first:
                raise DisruptionError(f"--absent {text}: ends before --from {first}; the past is frozen")
            span = DateRange(max(span.start, first), span.end)
            scenario = add_absence(scenario, employee, span)
            applied.append(f"{employee} absent {span.start}..{span.end}")
        for text in down:
            pattern, span = parse_target(text, "--post-down", rest)
            if span.end < first:
                raise DisruptionError(f"--post-down {text}: ends before --from {first}; the past is frozen")
            span = DateRange(max(span.start, first), span.end)
            scenario = post_down(scenario, pattern, span)
            applied.append(f"{pattern} down {span.start}..{span.end}")
        if demand_file is not None:
            try:
                text = demand_file.read_text(encoding="utf-8-sig")
            except OSError as error:
                raise DisruptionError(f"{demand_file}: cannot read: {error.strerror}") from error
            rows = parse_demand_file(text, scenario, str(demand_file))
            early = [row for row in rows if row.dates and min(row.dates) < first]
            if early:
                raise DisruptionError(f"{demand_file}: demand on {min(early[0].dates or [first])} is before --from "
                                      f"{first}; the past is frozen")
            scenario = replace_demand(scenario, rows)
            applied.append(f"demand of {len(rows)} slots from {demand_file}")
    except DisruptionError as error:
        fail_input(str(error).splitlines())
    return scenario, applied


def _digest(applied: list[str]) -> str:
    if not applied:
        return "no disruption given"
    absences = [a for a in applied if " absent " in a]
    others = [a for a in applied if " absent " not in a]
    shown = absences if len(absences) <= 3 else [f"{len(absences)} people absent"]
    return "; ".join(shown + others)


@app.command(name="replan")
def replan_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML the roster was planned for.")],
    roster: Annotated[Path, typer.Argument(help="The published roster CSV.")],
    first: Annotated[str, typer.Option("--from", help="First day that may change (YYYY-MM-DD); earlier days are "
                                                     "frozen.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for roster.csv, changes.csv and the report.")],
    absent: Annotated[list[str] | None, typer.Option(
        "--absent", help="EMPLOYEE or EMPLOYEE:FROM..TO newly absent (default: from --from to the end).")] = None,
    post_down_: Annotated[list[str] | None, typer.Option(
        "--post-down", help="POST or POST:FROM..TO needing nobody (a line down); POST may be a pattern like L3-*.")
    ] = None,
    demand_file: Annotated[Path | None, typer.Option(
        "--demand-file", help="CSV post,date,shift,min[,preferred,max] replacing those slots' demand.")] = None,
    compare_full: Annotated[bool, typer.Option(
        "--compare-full", help="Also re-solve from scratch and compare the change counts.")] = False,
    whole: Annotated[bool, typer.Option(
        "--whole", help="Let everyone change, not only the people near the disruption.")] = False,
    time_limit: Annotated[float, typer.Option(help="Seconds of search (each solve).", min=1)] = 10.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
) -> None:
    """Re-plan after a disruption, changing as few shifts as possible (near-term changes cost more)."""
    chosen = _scenario(scenario)
    published = _roster(roster, chosen)
    day = _date(first, "--from", chosen)
    disrupted, applied = disrupt(chosen, day, absent or [], post_down_ or [], demand_file)
    console.print(f"Re-planning [bold]{chosen.site.name}[/bold] from {day}: " + _digest(applied))
    view = _ProgressView(time_limit)
    stop = threading.Event()
    with Live(view, console=console, refresh_per_second=4, transient=True):
        outcome = replan(disrupted, published, day, SolveOptions(time_limit=time_limit, workers=workers, seed=seed),
                         compare_full=compare_full, whole=whole, on_progress=view.update, stop=stop)
    result = outcome.result
    if outcome.roster is None:
        console.print(f"[red]No roster found[/red] ({result.status} after {result.wall_time:.1f} s).")
        raise typer.Exit(EXIT_VIOLATIONS)
    disrupted = outcome.scenario  # with the hours the disruption took credited
    for note in outcome.notes:
        console.print(f"[dim]{note}[/dim]")
    checked, report = service.audit(disrupted, outcome.roster)
    report["solver"] = result.as_dict()
    summary = summarise_changes(outcome.changes, day)
    report["replan"] = {
        "from": day.isoformat(), "disruptions": applied, "changes": len(outcome.changes),
        "people_changed": len({c.employee for c in outcome.changes}), "summary": summary,
        "full_resolve_changes": None if outcome.full_changes is None else len(outcome.full_changes),
    }
    html = render_html(disrupted, outcome.roster, report).replace(
        "</body>", f"<section><h2>Re-plan from {day}</h2><p>{summary}.</p></section></body>", 1)
    files: dict[Path, str | bytes] = {
        out / "roster.csv": roster_to_csv(disrupted, outcome.roster),
        out / "changes.csv": changes_csv(outcome.changes),
        out / "summary.txt": summary + "\n",
        out / "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
        out / "report.html": html,
    }
    write_all_atomic(files)
    shortfall = report["summary"]["shortfall_person_shifts"]
    console.print(f"{result.status} in {result.wall_time:.1f} s · "
                  + ("coverage [green]complete[/green]" if not shortfall else f"[red]{shortfall} person-shifts "
                                                                                  "short[/red]")
                  + f" · violations {len(checked.violations)}")
    console.print(f"[bold]{summary}[/bold]")
    if outcome.full is not None:
        full = "no roster" if outcome.full_changes is None else f"{len(outcome.full_changes)} changes"
        console.print(f"re-plan: {len(outcome.changes)} changes · full re-solve from scratch: {full} "
                      f"({outcome.full.status}, {outcome.full.wall_time:.1f} s)")
    for path in files:
        console.print(f"  wrote {path}")
    raise typer.Exit(EXIT_OK if checked.ok else EXIT_VIOLATIONS)
