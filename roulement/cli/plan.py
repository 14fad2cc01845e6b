"""plan, check, example, schema, rules: the core commands."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.live import Live
from rich.table import Table
from rich.text import Text

from roulement import service
from roulement.check.checker import check_roster
from roulement.cli.app import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    JSON_HELP,
    app,
    console,
    fail_input,
    json_only,
    print_json,
)
from roulement.cli.outputs import remove_earlier_outputs
from roulement.formats.files import write_atomic
from roulement.formats.roster_csv import RosterError, load_roster
from roulement.formats.scenario_yaml import ScenarioError, load_scenario, save_scenario, scenario_json_schema
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.audience import Audience
from roulement.report.bound import describe as describe_bound
from roulement.report.bound import gap_percent
from roulement.report.document import build_report
from roulement.report.html import render_html
from roulement.report.messages import LANGS, finding_text
from roulement.rules.packs import PACKS, all_rules
from roulement.service.history import CARRIED_DAYS, carried_days, next_period, plan_following
from roulement.solve.colgen.choice import Engine
from roulement.solve.search import Progress, SolveOptions
from roulement.solve.signals import stop_on_signals


def load_or_example(path: Path | None, default: str = "kos") -> Scenario:
    if path is None:
        return service.example(default)
    try:
        return load_scenario(path)
    except ScenarioError as error:
        fail_input(error.problems)


def _law(scenario: Scenario) -> str:
    """Which law the plan obeys: imported benchmark data may name a jurisdiction but run no law pack."""
    law = scenario.site.jurisdiction.value
    packs = scenario.rules.packs
    return f"{law} law" if packs is None or law in packs else f"no law pack ({', '.join(packs)})"


class _ProgressView:
    """What the live display shows while CP-SAT searches; refreshed by Rich, fed by the solver thread."""

    def __init__(self, time_limit: float) -> None:
        self.started = time.monotonic()
        self.time_limit = time_limit
        self.latest: Progress | None = None

    def update(self, progress: Progress) -> None:
        self.latest = progress

    def __rich__(self) -> Table:
        elapsed = time.monotonic() - self.started
        table = Table.grid(padding=(0, 2))
        latest = self.latest
        objective = "searching…" if latest is None or latest.objective is None else f"{latest.objective:,.0f}"
        bound = "–" if latest is None or latest.bound is None else f"{latest.bound:,.0f}"
        solutions = 0 if latest is None else latest.solutions
        table.add_row(Text("elapsed", style="dim"), f"{elapsed:5.1f} s / {self.time_limit:.0f} s",
                      Text("rosters", style="dim"), str(solutions),
                      Text("best", style="dim"), objective, Text("bound", style="dim"), bound)
        if latest is not None and latest.objective is not None and latest.bound is not None:
            # The bound streamed here is a proven lower bound (CP-SAT's, or column generation's when exact).
            table.add_row(Text("", style="dim"), "", "", "", Text("", style="dim"),
                          f"cost {latest.objective:,.0f}, at most "
                          f"{gap_percent(latest.objective, latest.bound):.1f} % above the best possible")
        return table


@app.command()
def plan(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario YAML; the built-in KOS plant if omitted.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for roster.csv, report.json, report.html.")] = Path(
        "out"),
    time_limit: Annotated[float, typer.Option(help="Seconds of search.", min=1)] = 30.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    lang: Annotated[str, typer.Option(help="Language of explanations: en, fr or de.")] = "en",
    ignore: Annotated[list[str] | None, typer.Option(
        help="Leave a rule pack out (repeatable), e.g. --ignore people to plan as if no household declared "
             "anything.")] = None,
    price: Annotated[bool, typer.Option(
        "--price", help="Also solve with the people pack flipped (same time limit again) and report the price "
                        "of households and fairness on coverage and contracts.")] = False,
    audience: Annotated[Audience, typer.Option(
        help="Who the report is for: planner (everything), council (aggregates, pseudonyms), employee (one's "
             "own data, with --employee).")] = Audience.PLANNER,
    employee: Annotated[str | None, typer.Option(help="The employee id an employee report is for.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    engine: Annotated[Engine, typer.Option(
        help="auto (column generation where its pricing is exact, else CP-SAT), cpsat, or colgen.")]
    = Engine.AUTO,
    after: Annotated[Path | None, typer.Option(
        "--after", help="The previous period's roster (CSV): its last 7 days before this horizon are kept as "
                        "worked, and the plan keeps the rest, runs of days and the weekly rest across the "
                        "boundary.")] = None,
) -> None:
    """Plan a roster. A first roster is written within seconds, then improved; Ctrl-C or SIGTERM stops the
    search and keeps the best roster found."""
    stop = threading.Event()
    # From the start, not only while solving: a stop while the scenario loads must still clear --out.
    with stop_on_signals(stop), json_only(as_json):
        code, document = _plan(scenario, out, time_limit, workers, seed, lang, ignore, price, audience, employee,
                               engine, stop, after)
    if as_json:
        print_json(document)
    raise typer.Exit(code)


def load_carried(path: Path, scenario: Scenario) -> Roster:
    """The last CARRIED_DAYS days of the previous period's roster at `path`, before `scenario`'s horizon; bad
    input (a row on or after the first day, an unknown shift, ...) exits 2 naming the file, line and field."""
    try:
        previous = load_roster(path, scenario, before=scenario.horizon.start)
    except RosterError as error:
        fail_input(error.problems)
    carried = carried_days(previous, scenario)
    if not carried.assignments:
        fail_input(f"{path}: no shift of the scenario's people in the {CARRIED_DAYS} days before "
                   f"{scenario.horizon.start} (--after takes the roster of the period just before this one)")
    return carried


def _plan(scenario: Path | None, out: Path, time_limit: float, workers: int, seed: int, lang: str,
          ignore: list[str] | None, price: bool, audience: Audience, employee: str | None, engine: Engine,
          stop: threading.Event, after: Path | None = None) -> tuple[int, Any]:
    language = next((known for known in LANGS if known == lang), None)
    if language is None:
        fail_input(f"--lang: {lang!r} is not one of en, fr, de")
    chosen = load_or_example(scenario)
    ignored = frozenset(ignore or [])
    unknown = sorted(ignored - set(PACKS))
    if unknown:
        fail_input(f"--ignore: no rule pack {', '.join(unknown)} (packs: {', '.join(PACKS)})")
    if audience is Audience.EMPLOYEE and (employee is None or not chosen.has_employee(employee)):
        fail_input(f"--audience employee needs --employee with an employee id of the scenario (got {employee!r})")
    if audience is not Audience.EMPLOYEE and employee is not None:
        fail_input("--employee only goes with --audience employee")
    if after is not None and (price or ignored or engine is not Engine.AUTO):
        fail_input("--after plans with CP-SAT around the carried days: it does not go with --price, --ignore or "
                   "--engine")
    carried = None if after is None else load_carried(after, chosen)
    view = _ProgressView(time_limit)
    console.print(f"Planning [bold]{chosen.site.name}[/bold]: {len(chosen.employees)} people, "
                  f"{chosen.horizon.days} days from {chosen.horizon.start}, {_law(chosen)}")
    removed = remove_earlier_outputs(out)
    if removed:
        console.print(f"[dim]removed an earlier run's {', '.join(p.name for p in removed)} from {out}[/dim]",
                      highlight=False)

    def write_first(first: service.PlanOutcome) -> None:
        # Written at once, so a stop, a kill or a crash later still leaves a checked roster behind.
        assert first.roster is not None and first.report is not None
        service.write_outputs(chosen, first.roster, first.report, out, audience, employee, language)
        short = first.report["summary"]["shortfall_person_shifts"]
        console.print(f"first roster written to {out} after {first.result.wall_time:.1f} s "
                      f"({short} person-shifts short); searching for a better one", highlight=False)

    if carried is not None:
        console.print(f"after {after}: {len(carried)} shifts of the {CARRIED_DAYS} days before "
                      f"{chosen.horizon.start} kept as worked", highlight=False)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed, engine=engine.value)
    with Live(view, console=console, refresh_per_second=4, transient=True):
        if carried is not None:
            outcome = plan_following(chosen, carried, options, on_progress=view.update, stop=stop)
        else:
            outcome = service.plan(chosen, options, on_progress=view.update, stop=stop, ignore=ignored, price=price,
                                   on_first=write_first)
    result = outcome.result
    if outcome.roster is None or outcome.report is None or outcome.checked is None:
        console.print(f"[red]No roster found[/red] ({result.status} after {result.wall_time:.1f} s); "
                      f"nothing written to {out}.")
        return EXIT_VIOLATIONS, {"status": result.status, "wall_time": result.wall_time, "roster": None}
    written = service.write_outputs(chosen, outcome.roster, outcome.report, out, audience, employee, language)
    summary = outcome.report["summary"]
    if result.interrupted:
        console.print("[yellow]Stopped early:[/yellow] the best roster found so far is kept.")
    coverage = ("[green]complete[/green]" if summary["coverage_complete"]
                else f"[red]{summary['shortfall_person_shifts']} person-shifts short[/red]")
    count = summary["violations"]
    violations = "[green]0[/green]" if not count else f"[red]{count}[/red]"
    console.print(f"{result.status} in {result.wall_time:.1f} s · coverage {coverage} · violations {violations}"
                  f" · cost {outcome.report['objective']['total']:,}")
    bound_line = describe_bound(outcome.report.get("solver"), outcome.report["objective"]["total"],
                                outcome.report["objective"]["terms"])
    if bound_line is not None:
        console.print(f"[dim]{bound_line}[/dim]", highlight=False)
    if result.note:
        # How the search went is information; a shortfall or guides that had to be dropped is a warning.
        warning = result.strategy == "priced-shortfall" or "no roster" in result.note
        style = "yellow" if warning else "dim"
        console.print(f"[{style}]{result.note}[/{style}]", highlight=False)
    guides = summary.get("fairness_guides") or {}
    if guides.get("message"):
        console.print(f"[yellow]{guides['message']}[/yellow]", highlight=False)
    for explanation in outcome.explanations:
        console.print(f"[yellow]why:[/yellow] {explanation.text(language)}", highlight=False)
    price_line = outcome.report["people"]["price"]
    if price_line["objective_ignoring_people"] is not None and price_line["objective_with_people"] is not None:
        console.print(f"coverage and contracts: {price_line['objective_with_people']:,} with people, "
                      f"{price_line['objective_ignoring_people']:,} ignoring them "
                      f"({price_line['extra_percent']:+g} %)" if price_line["extra_percent"] is not None else "")
    for path in written:
        console.print(f"  wrote {path}")
    document = {"status": result.status, "wall_time": result.wall_time, "strategy": result.strategy,
                "interrupted": result.interrupted, "note": result.note, "summary": summary,
                "objective": outcome.report["objective"], "price": price_line,
                "why": [explanation.text(language) for explanation in outcome.explanations],
                "files": [str(path) for path in written]}
    return (EXIT_OK if outcome.checked.ok else EXIT_VIOLATIONS), document


@app.command()
def check(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML the roster belongs to.")],
    roster: Annotated[Path, typer.Argument(help="Roster CSV (employee,date,shift,post[,start,end]).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    report: Annotated[Path | None, typer.Option(help="Also write a report (.json or .html) here.")] = None,
    lang: Annotated[str, typer.Option(help="Language of the findings: en, fr or de.")] = "en",
    after: Annotated[Path | None, typer.Option(
        "--after", help="The previous period's roster (CSV): its last 7 days are judged in front of this one, so "
                        "the rest and runs of days across the boundary are checked.")] = None,
) -> None:
    """Audit a roster, even a hand-made one. Exit 0: no hard rule broken; 1: violations; 2: bad input."""
    language = next((known for known in LANGS if known == lang), None)
    if language is None:
        fail_input(f"--lang: {lang!r} is not one of en, fr, de")
    if report is not None and report.suffix not in (".json", ".html"):
        fail_input(f"--report: {report} must end in .json or .html (the report's format)")
    chosen = load_or_example(scenario)
    try:
        loaded = load_roster(roster, chosen)
    except RosterError as error:
        fail_input(error.problems)
    if after is None:
        audited = service.audit(chosen, loaded)
        checked, document = audited.checked, audited.report
    else:  # judged with the carried days in front; the report is this period's
        checked = check_roster(chosen, Roster([*load_carried(after, chosen), *loaded]))
        document = build_report(chosen, loaded, checked)
    if report is not None:
        content = render_html(chosen, loaded, document, lang=language) if report.suffix == ".html" else json.dumps(
            document, indent=2, ensure_ascii=False)
        write_atomic(report, content)
    if as_json:
        console.print_json(json.dumps({"violations": document["violations"], "objective": document["objective"]}))
    elif checked.ok:
        console.print(f"[green]No hard rule broken[/green] by {len(loaded)} shifts. Cost {checked.total:,}.")
    else:
        for v in checked.violations:
            who = f"{v.employee}: " if v.employee else ""
            console.print(f"[red]{v.rule}[/red] ({v.reference}) {who}{finding_text(v.message, language)}",
                          highlight=False)
        console.print(f"[red]{len(checked.violations)} violations.[/red]")
    raise typer.Exit(EXIT_OK if checked.ok else EXIT_VIOLATIONS)


@app.command()
def example(
    name: Annotated[str, typer.Argument(help="kos (French plant), kos-de (German sister plant), big (a generated "
                                             "plant of --people) or group (--sites generated plants).")] = "kos",
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the scenario YAML (a folder for group).")
                   ] = Path("kos.yaml"),
    people: Annotated[int, typer.Option(help="big, group: about how many people per plant.", min=1)] = 250,
    seed: Annotated[int, typer.Option(help="big, group: seed of the generator.")] = 0,
    sites: Annotated[int, typer.Option(help="group: how many plants.", min=1)] = 3,
) -> None:
    """Write a built-in scenario as YAML you can edit and plan again."""
    from roulement.cli.group import GENERATED_EXAMPLES, write_generated_example

    if name in GENERATED_EXAMPLES:
        write_generated_example(name, out, people, seed, sites)
        return
    try:
        scenario = service.example(name)
    except service.UnknownExample as error:
        fail_input(str(error.args[0]))
    save_scenario(scenario, out)
    console.print(f"wrote {out} ({len(scenario.employees)} people, {scenario.horizon.days} days)")


@app.command(name="roll-forward")
def roll_forward(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML of the period just planned.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the next period's scenario YAML.")],
) -> None:
    """Write the plant's next period: as many days from the day after this horizon, the same people, shifts,
    posts and demand; requests and dated demand outside it and absences ended before it left out. Plan it
    with `plan NEXT.yaml --after ROSTER.csv` (this period's roster)."""
    following = next_period(load_or_example(scenario))
    save_scenario(following, out)
    console.print(f"wrote {out} ({following.horizon.days} days from {following.horizon.start})", highlight=False)


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the JSON Schema here.")] = None,
) -> None:
    """The JSON Schema of the scenario format, generated from the model."""
    text = scenario_json_schema()
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)


@app.command(name="rules")
def list_rules(
    as_json: Annotated[bool, typer.Option("--json", help="Print the rules as JSON.")] = False,
) -> None:
    """Every rule roulement knows, with its legal reference and parameters."""
    if as_json:
        typer.echo(json.dumps([{"rule": rule.id, "reference": rule.reference, "title": rule.title,
                                "parameters": rule.params()} for rule in all_rules()], indent=2, ensure_ascii=False))
        return
    table = Table("rule", "reference", "parameters")
    for rule in all_rules():
        table.add_row(rule.id, rule.reference, ", ".join(f"{k}={v}" for k, v in rule.params().items()))
    console.print(table)
