"""rotation design, rotation check, and the presentation of `bench rws`: the plant's crew cycle."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from roulement.analyse.rotation import YearJudgement
from roulement.analyse.rotation_design import DesignError
from roulement.cli.app import EXIT_OK, EXIT_VIOLATIONS, app, console, fail_input
from roulement.formats.scenario_yaml import ScenarioError, load_scenario
from roulement.model.scenario import Scenario
from roulement.report.messages import LANGS, frame_text
from roulement.service.rotation import (
    RwsRun,
    check_rotation,
    design_figures,
    design_rotations,
    design_rotations_as_tasks,
    write_check,
    write_design,
)
from roulement.tasks import TaskRunnerError


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


def _language(lang: str) -> str:
    if lang not in LANGS:
        fail_input(f"--lang: {lang!r} is not one of en, fr, de")
    return lang


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
    engine: Annotated[str, typer.Option(help="Several --crews: auto (Ray if installed, else local processes), "
                                             "ray, processes or serial.")] = "auto",
    address: Annotated[str | None, typer.Option(
        "--address", envvar="RAY_ADDRESS", help="Several --crews: an existing Ray cluster.")] = None,
    lang: Annotated[str, typer.Option(help="Language of rotation.html: en, fr or de.")] = "en",
) -> None:
    """Design the best lawful crew cycle; write rotation.yaml and rotation.html and print its evaluation.
    Several numbers of crews are designed as tasks at once (see docs/scale.md)."""
    language = _language(lang)
    scenario = _load(scenario_path)
    counts = _crew_counts(crews)
    if shift_length is not None and shift_length not in (8, 12):
        fail_input(f"--shift-length {shift_length}: 8 or 12")
    try:
        if len(counts) > 1:  # each number of crews its own task (Ray, or local processes), a bar counting them
            from roulement.cli.group import parse_engine, task_bar

            with task_bar("designs") as update:
                options, run = design_rotations_as_tasks(scenario, counts, shift_length, time_limit=time_limit,
                                                         workers=workers, engine=parse_engine(engine), address=address,
                                                         on_progress=update)
            for failure in run.failures:
                console.print(f"[red]failed:[/red] {failure.name}: {failure.error}", highlight=False)
        else:
            options = design_rotations(scenario, counts, shift_length, time_limit=time_limit, workers=workers)
    except DesignError as error:
        fail_input(f"{scenario_path}: {error}")
    except TaskRunnerError as error:
        fail_input(str(error))
    for option in options:
        console.rule(f"{option.crews} crews")
        if option.rotation is not None:
            for number, row in enumerate(option.rotation.cycle, start=1):
                console.print(f"week {number:>2}: {' '.join(f'{t:>3}' for t in row)}", highlight=False)
        if option.judgement is not None:
            _print_judgement(option.judgement)
        if not option.offered:
            console.print(frame_text("rot_not_offered", language, reason=option.refused), style="red",
                          highlight=False, markup=False)
    if len(options) > 1:
        all_figures = [design_figures(o) for o in options]
        keys: list[str] = []
        for figures in all_figures:
            keys += [k for k in figures if k not in keys]
        table = Table("", *(f"{o.crews} crews" for o in options))
        for key in keys:
            table.add_row(key, *(figures.get(key, "–") for figures in all_figures))
        console.print(table)
    written = write_design(out, scenario, options, language)
    console.print(f"wrote {out}/ ({', '.join(written)})", highlight=False)
    raise typer.Exit(EXIT_OK if any(o.offered for o in options) else EXIT_VIOLATIONS)


@rotation_app.command("check")
def rotation_check(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="Scenario YAML with a rotation.")],
    start: Annotated[str | None, typer.Option(help="First Monday of the year judged (default: the anchor).")]
    = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write rotation.html here.")] = None,
    lang: Annotated[str, typer.Option(help="Language of rotation.html: en, fr or de.")] = "en",
) -> None:
    """Roll the cycle out over a year on the real calendar and judge each crew's year with the checker."""
    language = _language(lang)
    scenario = _load(scenario_path)
    if scenario.rotation is None:
        fail_input(f"{scenario_path}: the scenario has no rotation")
    first = None
    if start is not None:
        try:
            first = dt.date.fromisoformat(start)
        except ValueError:
            fail_input(f"--start {start!r}: a date such as 2027-01-04")
    judgement = check_rotation(scenario, first)
    console.print(f"{len(scenario.rotation.crews)} crews on a {scenario.rotation.weeks}-week cycle", highlight=False)
    _print_judgement(judgement)
    if out is not None:
        console.print(f"wrote {write_check(out, scenario, judgement, language)}")
    raise typer.Exit(EXIT_VIOLATIONS if judgement.violations else EXIT_OK)
