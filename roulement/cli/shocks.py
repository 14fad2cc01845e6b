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
from roulement.analyse.capacity import ORDERS, AbsenceRisk, cut_order
from roulement.analyse.households import HouseholdError
from roulement.cli.app import EXIT_OK, EXIT_VIOLATIONS, JSON_HELP, app, console, fail_input, json_only
from roulement.cli.outputs import remove_earlier_outputs
from roulement.cli.plan import _ProgressView
from roulement.formats.demand_csv import parse_demand_file
from roulement.formats.roster_csv import RosterError, load_roster
from roulement.formats.scenario_yaml import ScenarioError, load_scenario
from roulement.model.edits import DateRange, DisruptionError, add_absence, post_down, remove_employees, replace_demand
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.messages import LANGS, Lang, days_apart, message
from roulement.solve.colgen.choice import Engine
from roulement.solve.search import SolveOptions


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


def _lang(lang: str) -> Lang:
    for known in LANGS:
        if lang == known:
            return known
    fail_input(f"--lang: {lang!r} is not one of {', '.join(LANGS)}")


def parse_target(text: str, what: str, default: DateRange) -> tuple[str, DateRange]:
    """'ID' or 'ID:YYYY-MM-DD..YYYY-MM-DD' (or a single date 'ID:YYYY-MM-DD'); default range otherwise."""
    name, sep, span = text.partition(":")
    if not name:
        raise DisruptionError(f"{what} {text!r}: expected ID or ID:FROM..TO (dates YYYY-MM-DD)")
    if not sep:
        return name, default
    first, dots, last = span.partition("..")
    try:
        start = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last) if dots else start
    except ValueError:
        raise DisruptionError(f"{what} {text!r}: expected ID or ID:FROM..TO (dates YYYY-MM-DD)") from None
    try:
        return name, DateRange(start, end)
    except DisruptionError as error:
        raise DisruptionError(f"{what} {text!r}: {error}") from None


def _ahead(text: str, option: str, rest: DateRange, first: dt.date) -> tuple[str, DateRange]:
    """A disruption's target and its span from `first` on; the past is frozen, so one ending before is refused."""
    target, span = parse_target(text, option, rest)
    if span.end < first:
        raise DisruptionError(f"{option} {text}: ends before --from {first}; the past is frozen")
    return target, DateRange(max(span.start, first), span.end)

def disrupt(
    scenario: Scenario, first: dt.date, absent: list[str], down: list[str], demand_file: Path | None
) -> tuple[Scenario, list[str]]:
    """Apply the disruptions given on the command line; returns the new scenario and what was applied."""
    rest = DateRange(first, scenario.horizon.end)
    applied = []
    try:
        for text in absent:
            employee, span = _ahead(text, "--absent", rest, first)
            scenario = add_absence(scenario, employee, span)
            applied.append(f"{employee} absent {span.start}..{span.end}")
        for text in down:
            pattern, span = _ahead(text, "--post-down", rest, first)
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
    engine: Annotated[Engine, typer.Option(
        help="auto (CP-SAT: a re-plan starts from the published roster), cpsat, or colgen (frozen days kept, "
             "changes priced per person).")] = Engine.AUTO,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Re-plan after a disruption, changing as few shifts as possible (near-term changes cost more)."""
    with json_only(as_json) as document:
        chosen = _scenario(scenario)
        published = _roster(roster, chosen)
        day = _date(first, "--from", chosen)
        disrupted, applied = disrupt(chosen, day, absent or [], post_down_ or [], demand_file)
        console.print(f"Re-planning [bold]{chosen.site.name}[/bold] from {day}: " + _digest(applied))
        # As `plan` does: a re-plan that ends with no roster must not leave an earlier run's files to be taken
        # for this one's (the published roster, if it lies in --out, is this run's input and stays).
        removed = remove_earlier_outputs(out, keep=(roster,))
        if removed:
            console.print(f"[dim]removed an earlier run's {', '.join(p.name for p in removed)} from {out}[/dim]",
                          highlight=False)
        view = _ProgressView(time_limit)
        stop = threading.Event()
        with Live(view, console=console, refresh_per_second=4, transient=True):
            outcome = service.replan(disrupted, published, day, applied,
                                     SolveOptions(time_limit=time_limit, workers=workers, seed=seed,
                                                  engine=engine.value),
                                     compare_full=compare_full, whole=whole, on_progress=view.update, stop=stop)
        result = outcome.result
        if outcome.roster is None or outcome.report is None or outcome.checked is None:
            console.print(f"[red]No roster found[/red] ({result.status} after {result.wall_time:.1f} s).")
            document.update(status=result.status, wall_time=result.wall_time, roster=None)
            raise typer.Exit(EXIT_VIOLATIONS)
        for note in outcome.replanned.notes:
            console.print(f"[dim]{note}[/dim]")
        written = service.write_replan(outcome, out)
        shortfall = outcome.report["summary"]["shortfall_person_shifts"]
        console.print(f"{result.status} in {result.wall_time:.1f} s · "
                      + ("coverage [green]complete[/green]" if not shortfall else f"[red]{shortfall} person-shifts "
                                                                                      "short[/red]")
                      + f" · violations {len(outcome.checked.violations)}")
        console.print(f"[bold]{outcome.summary}[/bold]")
        full = outcome.replanned.full
        if full is not None:
            changed = "no roster" if outcome.full_changes is None else f"{len(outcome.full_changes)} changes"
            console.print(f"re-plan: {len(outcome.changes)} changes · full re-solve from scratch: {changed} "
                          f"({full.status}, {full.wall_time:.1f} s)")
        for path in written:
            console.print(f"  wrote {path}")
        document.update(status=result.status, wall_time=result.wall_time, applied=applied,
                        summary=outcome.report["summary"], changes=len(outcome.changes), text=outcome.summary,
                        full_changes=None if outcome.full_changes is None else len(outcome.full_changes),
                        files=[str(path) for path in written])
        raise typer.Exit(EXIT_OK if outcome.checked.ok else EXIT_VIOLATIONS)


def _read_removed(path: Path, scenario: Scenario) -> list[str]:
    """One employee id a line (or a CSV whose first column is `employee`); '#' starts a comment."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as error:
        fail_input(f"{path}: cannot read: {error.strerror}")
    removed, problems = [], []
    for number, line in enumerate(lines, 1):
        value = line.split("#", 1)[0].split(",", 1)[0].strip()
        if not value or (number == 1 and value == "employee"):
            continue
        if not scenario.has_employee(value):
            problems.append(f"{path}:{number}: unknown employee {value!r}")
        removed.append(value)
    if problems:
        fail_input(problems)
    return removed


@app.command()
def stress(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for stress.json and stress.html.")],
    cut: Annotated[int | None, typer.Option(help="Remove this many people.", min=0)] = None,
    order: Annotated[str, typer.Option(help="Who goes first: seniority (last in, first out), "
                                            "reverse-seniority or random; several, comma-separated, are "
                                            "judged side by side as tasks.")] = "seniority",
    seed: Annotated[int, typer.Option(help="Seed for --order random and for sampling.")] = 0,
    remove: Annotated[Path | None, typer.Option(help="File of employee ids to remove, one a line.")] = None,
    absence_rate: Annotated[float | None, typer.Option(
        help="Monte Carlo: each person is absent on each day with this probability.", min=0.0, max=1.0)] = None,
    samples: Annotated[int, typer.Option(help="Monte Carlo samples.", min=1)] = 200,
    time_limit: Annotated[float, typer.Option(help="Seconds for the coverage solve.", min=1)] = 30.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    lang: Annotated[str, typer.Option(help="Language of explanations: en, fr or de.")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    engine: Annotated[str, typer.Option(help="--absence-rate: serial (here), or the samples judged in batches as "
                                             "tasks: auto (Ray if installed, else local processes), ray, "
                                             "processes; the same figures.")] = "serial",
    address: Annotated[str | None, typer.Option(
        "--address", envvar="RAY_ADDRESS", help="With a task engine: an existing Ray cluster.")] = None,
) -> None:
    """Stress-test a headcount cut (can the plant still run within the law?) or random absences.

    Exit 0: the plant still runs (or only absences were sampled); 1: the cut leaves it unable to run."""
    with json_only(as_json) as document:
        from rich.progress import Progress as Bar

        chosen = _scenario(scenario)
        language = _lang(lang)
        if cut is not None and remove is not None:
            fail_input("give either --cut or --remove, not both")
        orders = order.split(",")
        unknown = [name for name in orders if name not in ORDERS]
        if unknown:
            fail_input(f"--order: {', '.join(map(repr, unknown))} is not one of {', '.join(ORDERS)}")
        if len(orders) > 1:
            from roulement.cli.group import stress_in_orders  # several orders: one task each (Ray or processes)

            if cut is None or absence_rate is not None:
                fail_input("several --order values go with --cut N only")
            stress_in_orders(chosen, scenario, cut, orders, seed, time_limit, workers, out, language)
        removed: list[str] = []
        if cut is not None:
            if cut > len(chosen.employees):
                fail_input(f"--cut {cut}: the scenario has only {len(chosen.employees)} people")
            removed = cut_order(chosen, order, seed)[:cut]
        elif remove is not None:
            removed = _read_removed(remove, chosen)
        elif absence_rate is None:
            fail_input("give --cut N, --remove FILE or --absence-rate R")
        judge_cut = bool(removed) or absence_rate is None
        how = order if cut is not None else remove.name if remove is not None else "none"
        if judge_cut:
            console.print(f"Removing {len(removed)} of {len(chosen.employees)} people ({how}); solving for up to "
                          f"{time_limit:.0f} s…")
        as_tasks = absence_rate is not None and engine != "serial"
        with Bar(console=console, transient=True) as bar:
            task = bar.add_task("sampling absences", total=samples, visible=absence_rate is not None and not as_tasks)
            outcome = service.stress(chosen, removed, how, judge_cut, None if as_tasks else absence_rate, samples,
                                     seed, time_limit, workers, on_sample=lambda done: bar.update(task, completed=done))
        if as_tasks and absence_rate is not None:
            outcome.risk = _absence_risk_as_tasks(remove_employees(chosen, removed) if removed else chosen,
                                                  absence_rate, samples, seed, engine, address, as_json)
        if outcome.cut is not None:
            _show_cut(outcome, language)
        for problem in outcome.crews_broken:
            console.print(f"[yellow]crew:[/yellow] {problem}", highlight=False)
        if outcome.risk is not None:
            risk = outcome.risk
            console.print(message("risk-summary", language, samples=samples, rate=risk.rate,
                                  seconds=round(risk.seconds, 1), short=risk.plant_short), highlight=False)
            for post, share in sorted(risk.post_short.items(), key=lambda kv: -kv[1]):
                if share:
                    console.print("  " + message("risk-post", language, post=post, short=share), highlight=False)
        written = service.write_stress(outcome, out, str(scenario), language)
        document.update(outcome.as_dict(str(scenario)), files=[str(path) for path in written])
        console.print("".join(f"  wrote {path}\n" for path in written), end="")
        raise typer.Exit(EXIT_OK if outcome.plant_can_run else EXIT_VIOLATIONS)


def _absence_risk_as_tasks(scenario: Scenario, rate: float, samples: int, seed: int, engine: str,
                           address: str | None, quiet: bool) -> AbsenceRisk:
    """The samples judged in batches as tasks (Ray or local processes), a bar counting the batches."""
    from roulement.cli.group import parse_engine, task_bar
    from roulement.service.group import RunnerOptions, absence_risk_as_tasks
    from roulement.tasks import TaskRunnerError

    try:
        with task_bar("absence samples", quiet=quiet) as update:
            outcome = absence_risk_as_tasks(scenario, rate, samples, seed, RunnerOptions(parse_engine(engine), None,
                                                                                         address),
                                            on_progress=update)
    except TaskRunnerError as error:
        fail_input(str(error))
    for failure in outcome.run.failures:
        console.print(f"[red]failed:[/red] {failure.name}: {failure.error}", highlight=False)
    return outcome.risk


def _show_cut(outcome: service.StressOutcome, language: Lang) -> None:
    cut = outcome.cut
    if cut is None:
        return
    if cut.feasible:
        console.print("[green]Feasible:[/green] the plant can still be covered within the law over the horizon.")
        return
    for judged in cut.groups:
        if judged["alone"] != "covered":
            console.print(f"  skill group {'+'.join(judged['posts'])} ({judged['people']} people) alone: "
                          f"[red]{judged['alone']}[/red]")
    status = "no roster found" if cut.result.roster is None else "not covered"
    console.print(f"[red]Breaks[/red] ({status}): person-shifts short by post:")
    for short in cut.shortfalls():
        console.print(f"  {short.post}: {short.short} short on shifts {','.join(short.shifts)}, {len(short.dates)} "
                      f"days (first {short.dates[0]})")
    if cut.safety_breaks:
        console.print(f"  safety minimums broken {len(cut.safety_breaks)} times")
    for gap in cut.missing:
        console.print(f"  {gap['post']} (skills {', '.join(gap['skills'])}): {gap['holders_left']} holders "
                      f"left, at least {gap['holders_needed_at_least']} needed by hours alone: "
                      f"[bold]{gap['missing']} missing[/bold]")
    for need in cut.group_needs:
        console.print(f"  group {'+'.join(need['posts'])}: {need['left']} left; fewest that can run it: "
                      f"{need['lower_bound']}–{need['minimum'] or '?'}: [bold]at least "
                      f"{need['missing_at_least']} missing[/bold]")
    for explanation in outcome.explanations:
        console.print(f"  [yellow]why:[/yellow] {explanation.text(language)}", highlight=False)


@app.command(name="capacity")
def capacity_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML.")],
    time_limit: Annotated[float, typer.Option(help="Seconds per skill group.", min=1)] = 20.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    engine: Annotated[str, typer.Option(help="serial (one group after the other, here), or each skill group a "
                                             "task: auto (Ray if installed, else local processes), ray, "
                                             "processes.")] = "serial",
    address: Annotated[str | None, typer.Option(
        "--address", envvar="RAY_ADDRESS", help="With a task engine: an existing Ray cluster.")] = None,
) -> None:
    """The fewest people per skill group that can run the plant within the law (bound + verification)."""
    from rich.table import Table

    chosen = _scenario(scenario)
    if engine == "serial":
        results = service.capacity(chosen, time_limit, workers,
                                   on_group=None if as_json else lambda r: console.print(f"[dim]{r.group.name}: "
                                                                                         "done[/dim]"))
    else:  # each skill group its own task (Ray, or local processes), a bar counting them
        from roulement.cli.group import parse_engine, task_bar
        from roulement.service.group import RunnerOptions, capacity_as_tasks
        from roulement.tasks import TaskRunnerError

        try:
            with task_bar("skill groups", quiet=as_json) as update:
                outcome = capacity_as_tasks(chosen, time_limit, workers,
                                            RunnerOptions(parse_engine(engine), None, address), on_progress=update)
        except TaskRunnerError as error:
            fail_input(str(error))
        for failure in outcome.run.failures:
            console.print(f"[red]failed:[/red] {failure.name}: {failure.error}", highlight=False)
        results = outcome.groups
    if as_json:
        console.print_json(json.dumps([r.as_dict() for r in results]))
        return
    table = Table("posts", "skills", "people", "minimum", "margin")
    for r in results:
        if r.best is None:  # no roster in time: only the proven bound is known
            minimum, margin = f"≥ {r.bound}", f"≤ {r.available - r.bound}"
        elif r.exact:
            minimum, margin = str(r.best), str(r.available - r.best)
        else:
            minimum, margin = f"{r.bound}–{r.best}", f"{r.available - r.best}–{r.available - r.bound}"
        table.add_row(", ".join(r.group.posts), ", ".join(r.group.skills), str(r.available), minimum, margin)
    console.print(table)
    if chosen.safety_minimums:
        console.print("[dim]Safety minimums span groups and are not part of these figures.[/dim]")


@app.command(name="explain")
def explain_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML.")],
    roster: Annotated[Path, typer.Argument(help="Roster CSV.")],
    employee: Annotated[str, typer.Option(help="Employee id.")],
    date: Annotated[str, typer.Option(help="Day (YYYY-MM-DD).")],
    lang: Annotated[str, typer.Option(help="Language: en, fr or de.")] = "en",
    time_limit: Annotated[float, typer.Option(help="Seconds to price granting a refused request.", min=1)] = 10.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Why does EMPLOYEE work (or not) on DATE, and why was their request that day refused?"""
    with json_only(as_json) as document:
        chosen = _scenario(scenario)
        language = _lang(lang)
        if not chosen.has_employee(employee):
            fail_input(f"--employee: unknown employee {employee!r}")
        day = _date(date, "--date", chosen)
        loaded = _roster(roster, chosen)
        lines = service.explain_day(chosen, loaded, employee, day, language, time_limit, workers)
        for line in lines:
            console.print(line, highlight=False)
        document.update(employee=employee, date=day.isoformat(), lang=language, lines=lines)


@app.command(name="explain-household")
def explain_household_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML.")],
    roster: Annotated[Path, typer.Argument(help="Roster CSV.")],
    household: Annotated[str, typer.Option(help="Household id (a couple asking for days off together).")],
    lang: Annotated[str, typer.Option(help="Language: en, fr or de.")] = "en",
    time_limit: Annotated[float, typer.Option(help="Seconds per what-if.", min=1)] = 20.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """How close could this couple be? Planned alone with their fair shares of nights and Sundays, then
    with fewer nights, until they reach 90 % of their days off together."""
    with json_only(as_json) as document:

        chosen = _scenario(scenario)
        language = _lang(lang)
        loaded = _roster(roster, chosen)
        try:
            found = service.explain_household(chosen, loaded, household, time_limit, workers)
        except HouseholdError as error:
            fail_input(str(error))
        outcome = found.in_roster
        document.update(household=found.household, members=list(found.members), lang=language,
                        in_roster={"together": outcome.shared_days_off_got, "possible": outcome.shared_days_off_asked,
                                   "apart": found.apart_in_roster},
                        trials=[{"nights": trial.nights, "sundays": trial.sundays, "apart": trial.apart,
                                 "together": trial.together, "possible": trial.possible, "optimal": trial.optimal,
                                 "proven_at_least": trial.proven_at_least} for trial in found.trials])
        console.print(message("together-roster", language, household=found.household, members=", ".join(found.members),
                              got=outcome.shared_days_off_got, possible=outcome.shared_days_off_asked,
                              apart=days_apart(found.apart_in_roster, language)), highlight=False)
        for number, trial in enumerate(found.trials):
            nights = ", ".join(f"{m} {n}" for m, n in trial.nights.items())
            sundays = ", ".join(f"{m} {n}" for m, n in trial.sundays.items())
            if number == 0:
                console.print(f"  [dim]{message('together-fair', language)}[/dim]", highlight=False)
            if trial.apart is None:
                line = message("together-none", language, nights=nights, sundays=sundays, seconds=time_limit,
                               bound=trial.proven_at_least)
            else:
                proof = (message("together-proven", language) if trial.optimal
                         else message("together-found", language, seconds=time_limit, bound=trial.proven_at_least))
                line = message("together-trial", language, nights=nights, sundays=sundays,
                               apart=days_apart(trial.apart, language),
                               got=trial.together, possible=trial.possible, share=trial.share or 0.0, proof=proof)
            console.print(f"  {line}", highlight=False)
