"""rotation design, rotation check, and the helpers of `bench rws`: the plant's crew cycle."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from roulement.analyse.rotation import YearJudgement, judge_year
from roulement.analyse.rotation_design import DesignError, DesignOption, design
from roulement.check.rws import evaluate
from roulement.cli.app import EXIT_OK, EXIT_VIOLATIONS, app, console, fail_input
from roulement.formats.files import write_atomic
from roulement.formats.rws import RwsError, load_instance, solution_to_text
from roulement.formats.scenario_yaml import ScenarioError, load_scenario
from roulement.model.scenario import Scenario
from roulement.report.rotation_page import PageOption, render_rotation_page
from roulement.solve.rotation import Status, problem_from_rws, solve_cycle


@dataclass
class RwsRun:
    instance: str
    status: str  # found, infeasible, unknown, or invalid (a cycle the evaluator refused)
    seconds: float
    problems: list[str]


def _number(path: Path) -> int:
    found = re.search(r"(\d+)$", path.stem)
    return int(found.group(1)) if found else 0


def rws_paths(instance: Path | None, folder: Path | None) -> list[Path]:
    if folder is not None:
        if not folder.is_dir():
            fail_input(f"--all {folder}: no such folder")
        paths = sorted((p for p in folder.glob("*.txt") if p.name.lower() != "readme.txt"), key=_number)
        if not paths:
            fail_input(f"--all {folder}: no *.txt instances")
        return paths
    assert instance is not None
    if not instance.is_file():
        fail_input(f"{instance}: no such file")
    return [instance]


def run_rws(path: Path, time_limit: float, workers: int, out: Path | None, results: Path | None) -> RwsRun:
    """Solve one instance; a cycle counts only once the evaluator, with its own reader, accepts the written text."""
    try:
        instance = load_instance(path)
    except RwsError as error:
        fail_input(str(error))
    result = solve_cycle(problem_from_rws(instance), time_limit=time_limit, workers=workers)
    problems: list[str] = []
    status = result.status.value
    if result.rows is not None:
        text = solution_to_text(result.rows)
        if out is not None:
            write_atomic(out, text)
        problems = evaluate(path.read_text(encoding="utf-8"), text)
        status = "invalid" if problems else "found"
    elif result.status is not Status.INFEASIBLE:
        status = "unknown"
    run = RwsRun(path.stem, status, result.seconds, problems)
    if results is not None:
        with results.open("a", encoding="utf-8") as handle:
            handle.write(f"{run.instance},{run.status},{run.seconds:.3f},{result.iterations},{result.cuts}\n")
    return run


def rws_table(runs: list[RwsRun]) -> Table:
    table = Table("instance", "status", "time")
    for run in runs:
        table.add_row(run.instance, run.status, f"{run.seconds:.2f} s")
    if len(runs) > 1:
        times = sorted(run.seconds for run in runs)
        counts = {s: sum(1 for r in runs if r.status == s) for s in ("found", "infeasible", "unknown", "invalid")}
        table.add_section()
        table.add_row(f"{len(runs)} instances",
                      ", ".join(f"{v} {k}" for k, v in counts.items() if v),
                      f"median {statistics.median(times):.2f} s, max {times[-1]:.2f} s")
    return table


# --- rotation design / rotation check ---

rotation_app = typer.Typer(help="The plant's crew cycle (roulement, Schichtmodell): design it, judge its year.",
                           no_args_is_help=True)
app.add_typer(rotation_app, name="rotation")


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as error:
        fail_input(error.problems)


def _crew_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        fail_input(f"--crews {text!r}: give a number of crews or a list such as 4,5,6")
    if not counts or any(not 2 <= n <= 12 for n in counts):
        fail_input(f"--crews {text!r}: each number of crews must be between 2 and 12")
    return counts


def _figures(option: DesignOption) -> dict[str, str]:
    figures = {
        "crews": str(option.crews),
        "shift length": f"{option.shift_length} h",
        "average weekly hours": f"{option.average_hours:.1f} h",
        "people per crew": str(option.plan.crew_size),
        "people in crews": str(option.people_needed),
        "offered": "yes" if option.offered else f"no: {option.refused}",
    }
    if option.judgement is not None:
        by_key = {c.key: c for c in option.judgement.criteria}
        figures["nights a year"] = f"{by_key['nights'].value:g}"
        figures["free weekends a year"] = f"{by_key['weekends'].value:g}"
        figures["longest night block"] = f"{by_key['night-block'].value:g}"
        figures["violations over the year"] = str(len(option.judgement.violations))
    if option.result is not None:
        figures["design time"] = f"{option.result.seconds:.1f} s"
    return figures


def _print_judgement(judgement: YearJudgement) -> None:
    year = judgement.year.horizon
    if judgement.violations:
        console.print(f"[red]{len(judgement.violations)} rule violations[/red] over the year from {year.start}:")
        table = Table("crew", "rule", "reference", "what")
        for violation in judgement.violations[:60]:
            table.add_row(violation.employee or "", violation.rule, violation.reference, violation.message)
        console.print(table)
    else:
        console.print(f"[green]No rule broken[/green] by any crew over the {year.days // 7} weeks from "
                      f"{year.start} (DST and public holidays on the real calendar).", highlight=False)
    for rule, reading in judgement.readings.items():
        console.print(f"{rule} rests on: {reading}", highlight=False)
    table = Table("criterion", "value", "aim", "", "source")
    for criterion in judgement.criteria:
        table.add_row(criterion.label, f"{criterion.value:g} {criterion.unit}".strip(), criterion.target,
                      "[green]yes[/green]" if criterion.ok else "[red]no[/red]", criterion.source)
    console.print(table)


def _rotation_yaml(option: DesignOption) -> str:
    assert option.rotation is not None
    data: dict[str, object] = {}
    if option.plan.extra_shifts:
        data["shifts"] = [s.model_dump(mode="json", exclude_defaults=True) for s in option.plan.extra_shifts]
    rotation = option.rotation.model_dump(exclude_none=True)
    data["rotation"] = rotation
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    header = (f"# {option.crews}-crew cycle designed by `roulement rotation design`; paste into the scenario.\n"
              f"# Average {option.average_hours:.1f} h a week; {option.plan.crew_size} people per crew.\n")
    return header + text


@rotation_app.command("design")
def rotation_design(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML.")],
    crews: Annotated[str, typer.Option(help="Number of crews, or options to compare: 4,5,6.")] = "5",
    shift_length: Annotated[int | None, typer.Option(help="Shift length in hours: 8 or 12 (default: the "
                                                           "scenario's shifts).")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds of search per option.", min=1)] = 30.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for rotation.yaml and rotation.html.")]
    = Path("rotation"),
) -> None:
    """Design the best lawful crew cycle; write rotation.yaml and rotation.html and print its evaluation."""
    scenario = _load(scenario_path)
    counts = _crew_counts(crews)
    if shift_length is not None and shift_length not in (8, 12):
        fail_input(f"--shift-length {shift_length}: 8 or 12")
    options = []
    for count in counts:
        try:
            option = design(scenario, count, shift_length, time_limit=time_limit, workers=workers)
        except DesignError as error:
            fail_input(f"{scenario_path}: {error}")
        options.append(option)
        console.rule(f"{count} crews")
        if option.rotation is not None:
            for number, row in enumerate(option.rotation.cycle, start=1):
                console.print(f"week {number:>2}: {' '.join(f'{t:>3}' for t in row)}", highlight=False)
        if option.judgement is not None:
            _print_judgement(option.judgement)
        if not option.offered:
            console.print(f"[red]Not offered:[/red] {option.refused}", highlight=False)
    out.mkdir(parents=True, exist_ok=True)
    offered = [o for o in options if o.offered]
    for option in offered:
        name = "rotation.yaml" if len(counts) == 1 else f"rotation-{option.crews}.yaml"
        write_atomic(out / name, _rotation_yaml(option))
    if len(options) > 1:
        table = Table("", *(f"{o.crews} crews" for o in options))
        keys: list[str] = []
        all_figures = [_figures(o) for o in options]
        for figures in all_figures:
            keys += [k for k in figures if k not in keys]
        for key in keys:
            table.add_row(key, *(figures.get(key, "–") for figures in all_figures))
        console.print(table)
    pages = [PageOption(f"{o.crews} crews, {o.shift_length} h shifts", o.rotation, o.judgement,
                        None if o.offered else o.refused, _figures(o)) for o in options]
    page_scenario = scenario.replaced(shifts=[*scenario.shifts, *(s for o in options for s in o.plan.extra_shifts)])
    write_atomic(out / "rotation.html", render_rotation_page(page_scenario, pages,
                                                             f"Crew cycle for {scenario.site.name}"))
    console.print(f"wrote {out}/ (" + ", ".join(
        [*(("rotation.yaml" if len(counts) == 1 else f"rotation-{o.crews}.yaml") for o in offered),
         "rotation.html"]) + ")", highlight=False)
    raise typer.Exit(EXIT_OK if offered else EXIT_VIOLATIONS)


@rotation_app.command("check")
def rotation_check(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML with a rotation.")],
    start: Annotated[str | None, typer.Option(help="First Monday of the year judged (default: the anchor).")]
    = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write rotation.html here.")] = None,
) -> None:
    """Roll the cycle out over a year on the real calendar and judge each crew's year with the checker."""
    scenario = _load(scenario_path)
    if scenario.rotation is None:
        fail_input(f"{scenario_path}: the scenario has no rotation")
    first = None
    if start is not None:
        try:
            first = dt.date.fromisoformat(start)
        except ValueError:
            fail_input(f"--start {start!r}: a date such as 2027-01-04")
    judgement = judge_year(scenario, start=first)
    rotation = scenario.rotation
    console.print(f"{len(rotation.crews)} crews on a {rotation.weeks}-week cycle", highlight=False)
    _print_judgement(judgement)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        page = PageOption(f"{len(rotation.crews)} crews", rotation, judgement, None, {})
        write_atomic(out / "rotation.html", render_rotation_page(scenario, [page],
                                                                 f"Crew cycle of {scenario.site.name}"))
        console.print(f"wrote {out}/rotation.html")
    raise typer.Exit(EXIT_VIOLATIONS if judgement.violations else EXIT_OK)
