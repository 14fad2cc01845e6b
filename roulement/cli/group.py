"""group plan, plan-parts: many plans as tasks on Ray (or local processes), with a bar counting tasks done."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from roulement.cli.app import EXIT_OK, EXIT_VIOLATIONS, app, console, fail_input
from roulement.examples.big import big_group, big_plant
from roulement.formats.group_yaml import check_group_file, load_group, save_group
from roulement.formats.scenario_yaml import ScenarioError, load_scenario, save_scenario
from roulement.model.group import Group, GroupPlanDefaults, GroupSite
from roulement.model.scenario import Scenario
from roulement.report.messages import Lang
from roulement.service import group as service_group
from roulement.service.group import DEFAULT_IMPROVE, RunnerOptions, place_workshop_in_crews
from roulement.solve.options import SolveOptions
from roulement.tasks import Engine, ProgressCallback, TaskRunnerError, engine_started

group_app = typer.Typer(help="A group of plants: plan every site as its own task.", no_args_is_help=True)
app.add_typer(group_app, name="group")

AddressOption = Annotated[str | None, typer.Option(
    "--address", envvar="RAY_ADDRESS",
    help="An existing Ray cluster (ray://host:10001 or host:6379); default: an embedded local runtime.")]
WorkersOption = Annotated[int | None, typer.Option(
    "--workers", min=1, help="CPUs of the local runtime or processes (default: this machine's).")]
EngineOption = Annotated[str, typer.Option(
    "--engine", help="auto (Ray if installed, else local processes), ray, processes or serial.")]


# What a site's or a part's task runs: imported into each Ray worker while the driver reads the files.
TASK_MODULES = ("roulement.service.group",)


def parse_engine(name: str) -> Engine:
    engines: dict[str, Engine] = {"auto": "auto", "ray": "ray", "processes": "processes", "serial": "serial"}
    if name not in engines:
        fail_input(f"--engine: {name!r} is not one of {', '.join(engines)}")
    return engines[name]


@contextmanager
def task_bar(label: str, quiet: bool = False) -> Iterator[ProgressCallback]:
    """A Rich bar counting tasks done, fed from the runner's callback (`quiet`: none, e.g. under --json)."""
    if quiet:
        yield lambda done, total, name: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("tasks"),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=f"{label} · {name}")

        yield update


@group_app.command("plan")
def group_plan(
    group_file: Annotated[Path, typer.Argument(help="GROUP.yaml listing the sites' scenario files.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for group.html, group.json and a folder per "
                                                          "site.")] = Path("group-out"),
    address: AddressOption = None,
    workers: WorkersOption = None,
    engine: EngineOption = "auto",
) -> None:
    """Plan every site of a group, each as its own task under its own law, judged by the checker.
    Ctrl-C stops and writes what is done."""
    chosen = parse_engine(engine)
    try:
        check_group_file(group_file)  # a mistake in GROUP.yaml itself is named before Ray starts
    except ScenarioError as error:
        fail_input(error.problems)
    try:
        # Ray starts in the background while the sites' files are read and validated.
        with engine_started(chosen, workers, address, warm=TASK_MODULES):
            try:
                group = load_group(group_file)
            except ScenarioError as error:
                fail_input(error.problems)
            people = sum(len(site.scenario.employees) for site in group.sites)
            console.print(f"Planning [bold]{group.group.name}[/bold]: {len(group.sites)} sites, {people:,} people")
            stop = threading.Event()
            with task_bar("sites") as update:
                outcome = service_group.plan_group(group, RunnerOptions(chosen, workers, address), update, stop)
    except TaskRunnerError as error:
        fail_input(str(error))
    written = service_group.write_group_outputs(outcome, out)
    document = outcome.document()
    totals, run = document["totals"], document["run"]
    if run["interrupted"]:
        console.print(f"[yellow]Stopped:[/yellow] {totals['planned']} of {totals['sites']} sites planned; "
                      "the report lists the rest as not planned.")
    for failure in run["failed"]:
        console.print(f"[red]failed:[/red] {failure['name']}: {failure['error']} "
                      f"(after {failure['attempts']} attempts)", highlight=False)
    if totals["no_roster"]:
        console.print(f"[red]{totals['no_roster']} sites found no roster in their time[/red] (see the report)")
    console.print(f"{totals['planned']}/{totals['sites']} sites planned, {totals['fully_covered_and_lawful']} "
                  f"fully covered and lawful · {run['engine']} with {run['workers']} workers · "
                  f"{run['wall_time']:.1f} s (sum of site times {totals['sum_of_site_times']:.1f} s)")
    for path in written:
        console.print(f"  wrote {path}")
    ok = totals["fully_covered_and_lawful"] == totals["sites"]
    raise typer.Exit(EXIT_OK if ok else EXIT_VIOLATIONS)


@app.command("plan-parts")
def plan_parts(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML of a large site whose people have teams.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for roster.csv, report.json, report.html.")] = Path(
        "out"),
    time_limit: Annotated[float, typer.Option(help="Seconds for the whole site, shared between its parts (parts "
                                                   "by exception: each up to 180 s, or this if shorter).",
                                              min=1)] = 480.0,
    seed: Annotated[int, typer.Option(help="Random seed of every part's search.")] = 0,
    improve: Annotated[float, typer.Option(
        help="Once a part has its first roster, search on for this many times as long, then stop "
             "(0: stop at the first roster; the time limit caps it anyway).", min=0)] = DEFAULT_IMPROVE,
    address: AddressOption = None,
    workers: WorkersOption = None,
    engine: EngineOption = "auto",
) -> None:
    """Plan a large site in independent parts (one per team), as tasks; the whole roster is then judged by
    the independent checker."""
    chosen = parse_engine(engine)
    try:
        # Ray starts in the background while the scenario is read and validated.
        with engine_started(chosen, workers, address, warm=TASK_MODULES):
            try:
                loaded = load_scenario(scenario)
            except ScenarioError as error:
                fail_input(error.problems)
            console.print(f"Planning [bold]{loaded.site.name}[/bold] in parts: {len(loaded.employees):,} people, "
                          f"{loaded.horizon.days} days, {loaded.site.jurisdiction.value} law")
            with task_bar("parts") as update:
                planned = service_group.plan_in_parts(loaded, SolveOptions(time_limit=time_limit, seed=seed),
                                                      RunnerOptions(chosen, workers, address), update,
                                                      improve=improve)
    except TaskRunnerError as error:
        fail_input(str(error))
    written = service_group.write_site_outputs(planned, out)
    summary = planned.report["summary"]
    if planned.interrupted:
        console.print("[yellow]Stopped early:[/yellow] the parts planned so far are written.")
    for failure in planned.failures:
        console.print(f"[red]failed:[/red] {failure}", highlight=False)
    coverage = ("[green]complete[/green]" if summary["coverage_complete"]
                else f"[red]{summary['shortfall_person_shifts']} person-shifts short[/red]")
    console.print(f"{len(planned.parts)} parts in {planned.run['wall_time']:.1f} s · coverage {coverage} · "
                  f"violations {summary['violations']} · cost {planned.report['objective']['total']:,}")
    for path in written:
        console.print(f"  wrote {path}")
    raise typer.Exit(EXIT_OK if summary["coverage_complete"] and not summary["violations"] else EXIT_VIOLATIONS)


def write_generated_example(name: str, out: Path, people: int, seed: int, sites: int) -> None:
    """`roulement example big` (one large plant) and `example group` (a folder with GROUP.yaml)."""
    # Each workshop's crews are a small CP-SAT proposal: built in local processes, one per CPU.
    workers = os.cpu_count() or 1
    if name == "big":
        scenario = big_plant(people, seed, workers=workers, crews=place_workshop_in_crews)
        save_scenario(scenario, out)
        in_crews = sum(1 for e in scenario.employees if e.crew is not None)
        teams = len({e.team for e in scenario.employees if e.team is not None})
        console.print(f"wrote {out} ({len(scenario.employees):,} people in {teams} teams, {in_crews:,} of them in "
                      f"crews A to E and the relief pool, {scenario.horizon.days} days)")
        return
    generated = big_group(sites, people, seed, workers=workers, crews=place_workshop_in_crews)
    entries = []
    for site in generated:
        save_scenario(site.scenario, out / f"{site.id}.yaml")
        entries.append(GroupSite(id=site.id, scenario=f"{site.id}.yaml"))
    # Generated plants have teams: each site is planned in parts, which finds a lawful roster far sooner.
    group = Group(name=f"Groupe Hoffermann ({sites} sites)", defaults=GroupPlanDefaults(time_limit=60, decompose=True),
                  sites=entries)
    save_group(group, out / "group.yaml")
    total = sum(len(site.scenario.employees) for site in generated)
    console.print(f"wrote {out / 'group.yaml'} and {sites} scenarios ({total:,} people)")


GENERATED_EXAMPLES = ("big", "group")


def stress_in_orders(scenario: Scenario, source: Path, cut: int, orders: list[str], seed: int, time_limit: float,
                     workers: int, out: Path, language: Lang) -> NoReturn:
    """`stress --cut N --order a,b,...`: each order judged as its own task; one line per order."""
    if cut > len(scenario.employees):
        fail_input(f"--cut {cut}: the scenario has only {len(scenario.employees)} people")
    console.print(f"Removing {cut} of {len(scenario.employees)} people in {len(orders)} orders, each a task of up "
                  f"to {time_limit:.0f} s…")
    try:
        with task_bar("orders") as update:
            outcome = service_group.stress_orders(scenario, cut, orders, seed, time_limit, workers,
                                                  on_progress=update)
    except TaskRunnerError as error:
        fail_input(str(error))
    for order in orders:
        judged = outcome.outcomes.get(order)
        if judged is None:
            failure = next((f.error for f in outcome.run.failures if f.name == order), "not run (stopped)")
            console.print(f"  {order}: [red]{failure}[/red]", highlight=False)
        elif judged.plant_can_run:
            console.print(f"  {order}: [green]the plant can still run within the law[/green]")
        else:
            short = sum(judged.cut.by_post().values()) if judged.cut is not None else 0
            console.print(f"  {order}: [red]breaks[/red], {short} person-shifts short")
    written = service_group.write_stress_orders(outcome, out, str(source), language)
    console.print("".join(f"  wrote {path}\n" for path in written), end="")
    every = len(outcome.outcomes) == len(orders) and all(o.plant_can_run for o in outcome.outcomes.values())
    raise typer.Exit(EXIT_OK if every else EXIT_VIOLATIONS)
