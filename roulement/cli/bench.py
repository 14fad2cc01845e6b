"""bench curtois, import timefold: public benchmarks run through the product's own model, rules and solver."""

from __future__ import annotations

import csv
import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from roulement import service
from roulement.check.checker import check_roster
from roulement.cli.app import EXIT_OK, EXIT_VIOLATIONS, JSON_HELP, app, console, fail_input, json_only
from roulement.formats.curtois import CurtoisError, parse_solution, read_curtois, solution_csv, to_scenario
from roulement.formats.files import write_atomic
from roulement.formats.scenario_yaml import save_scenario
from roulement.formats.timefold import TimefoldError, assign_shifts, date_figures, load_timefold
from roulement.formats.timefold import to_scenario as timefold_scenario
from roulement.model.scenario import Scenario
from roulement.rules.packs import build_rules
from roulement.solve.colgen.choice import Engine, choose_engine
from roulement.solve.colgen.engine import plan_colgen, wants_compact_bound, with_compact_bound
from roulement.solve.lns import plan_best
from roulement.solve.search import Progress, SolveOptions

bench_app = typer.Typer(help="Public benchmarks, solved by the same model, rules and solver as `plan`.",
                        no_args_is_help=True)
app.add_typer(bench_app, name="bench")

# The benchmark data ships beside the repository (../shared/benchmarks), overridable with --instances.
DEFAULT_INSTANCES = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois"


@dataclass
class CurtoisRun:
    instance: str
    best_known: int | None
    objective: int | None
    seconds: float
    time_to_best: float | None
    violations: int
    status: str
    engine: str = "cpsat"
    # A proven lower bound on every roster's cost (None: none proven).
    bound: float | None = None

    @property
    def gap(self) -> float | None:
        if self.objective is None or not self.best_known:
            return None
        return 100.0 * (self.objective - self.best_known) / self.best_known

    @property
    def proof_gap(self) -> float | None:
        """At most this many per cent above the best possible roster (from the proven bound)."""
        if self.objective is None or self.bound is None or self.objective <= 0:
            return None
        return max(0.0, 100.0 * (self.objective - self.bound) / self.objective)


def best_known(folder: Path) -> dict[str, int]:
    """instance -> best-known upper bound, from best_known.csv beside the instances (empty if absent)."""
    path = folder / "best_known.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {row["instance"]: int(row["upper_bound"]) for row in csv.DictReader(handle)}


def run_curtois(path: Path, time_limit: float, workers: int, out: Path | None, seed: int = 0,
                engine: str = Engine.AUTO) -> CurtoisRun:
    """Solve one instance, write its solution CSV, and judge the written file with the checker."""
    instance = read_curtois(path)
    scenario = to_scenario(instance)
    started = time.monotonic()
    rules = build_rules(scenario)
    chosen = choose_engine(rules, engine, decisions=len(scenario.employees) * scenario.horizon.days
                           * len(scenario.shifts))
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    if chosen is Engine.COLGEN:
        result = plan_colgen(scenario, options, rules)
    elif engine == Engine.AUTO and wants_compact_bound(rules, fresh=True, hard_minimums=False):
        # Too large for column generation (as `solve` does): the compact relaxation's bound, then the search.
        result = with_compact_bound(scenario, options, rules, lambda left: plan_best(scenario, left, rules))
    else:
        result = plan_best(scenario, options, rules)
    seconds = time.monotonic() - started
    known = best_known(path.parent).get(path.stem)
    if result.roster is None:
        return CurtoisRun(path.stem, known, None, seconds, None, 0, result.status, chosen.value, result.bound)
    text = solution_csv(scenario, result.roster)
    if out is not None:
        write_atomic(out, text)
    # The objective is recomputed from the written file, never taken from the solver.
    checked = check_roster(scenario, parse_solution(text, scenario, str(out or "<solution>")))
    return CurtoisRun(path.stem, known, checked.total, seconds, result.time_to_best, len(checked.violations),
                      result.status, chosen.value, result.bound)


def _instance_number(path: Path) -> int:
    found = re.search(r"(\d+)$", path.stem)
    return int(found.group(1)) if found else 0


def _table(runs: list[CurtoisRun]) -> Table:
    table = Table("instance", "engine", "best-known", "roulement", "gap", "lower bound", "at most above best possible",
                  "time to best", "time", "hard violations", "status", width=max(console.width, 130))
    for run in runs:
        table.add_row(
            run.instance,
            run.engine,
            "–" if run.best_known is None else f"{run.best_known:,}",
            "no roster" if run.objective is None else f"{run.objective:,}",
            "–" if run.gap is None else f"{run.gap:.1f} %",
            "–" if run.bound is None else f"{run.bound:,.0f}",
            "–" if run.proof_gap is None else f"{run.proof_gap:.1f} %",
            "–" if run.time_to_best is None else f"{run.time_to_best:.1f} s",
            f"{run.seconds:.1f} s",
            str(run.violations),
            run.status,
        )
    return table


@bench_app.command()
def curtois(
    instance: Annotated[Path | None, typer.Argument(help="An InstanceN.txt file (or use --all).")] = None,
    run_all: Annotated[bool, typer.Option("--all", help="Run every InstanceN.txt in --instances.")] = False,
    instances: Annotated[Path, typer.Option(help="Folder of the instances and best_known.csv.")] = DEFAULT_INSTANCES,
    time_limit: Annotated[float, typer.Option(help="Seconds per instance.", min=1)] = 60.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Solution CSV (one instance) or folder (--all).")]
    = None,
    engine: Annotated[Engine, typer.Option(
        help="auto (column generation where it prices exactly), cpsat, or colgen.")] = Engine.AUTO,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Solve Curtois–Qu instances; the objective is recomputed by the checker from the written roster."""
    with json_only(as_json) as document:
        if run_all == (instance is not None):
            fail_input("give one INSTANCE file or --all, not both and not neither")
        if run_all:
            if not instances.is_dir():
                fail_input(f"--instances {instances}: no such folder")
            paths = sorted(instances.glob("Instance*.txt"), key=_instance_number)
            if not paths:
                fail_input(f"--instances {instances}: no Instance*.txt files")
        else:
            assert instance is not None
            if not instance.is_file():
                fail_input(f"{instance}: no such file")
            paths = [instance]
        runs = []
        for path in paths:
            target = out if not run_all else (None if out is None else out / f"{path.stem}.csv")
            try:
                run = run_curtois(path, time_limit, workers, target, seed, engine)
            except CurtoisError as error:
                fail_input(str(error))
            runs.append(run)
            if run_all:
                bound = "" if run.bound is None else f", lower bound {run.bound:,.0f}"
                console.print(f"{run.instance}: {run.objective} (best-known {run.best_known}{bound}) in "
                              f"{run.seconds:.1f} s", highlight=False)
        console.print(_table(runs))
        if out is not None:
            console.print(f"wrote {out}")
        bad = any(run.violations or run.objective is None for run in runs)
        document["runs"] = [{**asdict(run), "gap": run.gap} for run in runs]
        raise typer.Exit(EXIT_VIOLATIONS if bad else EXIT_OK)


def describe(scenario: Scenario) -> str:
    return f"{len(scenario.employees)} people, {scenario.horizon.days} days, {len(scenario.shifts)} shift types"


import_app = typer.Typer(help="Turn other tools' data into roulement scenarios.", no_args_is_help=True)
app.add_typer(import_app, name="import")


def _timefold_scenario(path: Path) -> tuple[dict[str, object], Scenario]:
    try:
        data = load_timefold(path)
        return data, timefold_scenario(data, str(path), f"Timefold quickstart {path.stem}")
    except (TimefoldError, ValidationError) as error:
        fail_input(f"{path}: {error}")


@import_app.command("timefold")
def import_timefold(
    source: Annotated[Path, typer.Argument(help="Timefold employee-scheduling quickstart JSON.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Scenario YAML to write.")] = Path("scenario.yaml"),
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Import Timefold quickstart data as a scenario that `roulement plan` solves."""
    with json_only(as_json) as document:
        _, scenario = _timefold_scenario(source)
        save_scenario(scenario, out)
        console.print(f"wrote {out} ({describe(scenario)}, {len(scenario.posts)} posts)")
        document.update({"scenario": str(out), "employees": len(scenario.employees), "days": scenario.horizon.days,
                         "shift_types": len(scenario.shifts), "posts": len(scenario.posts)})


@bench_app.command("timefold")
def bench_timefold(
    source: Annotated[Path, typer.Argument(help="Timefold employee-scheduling quickstart JSON.")],
    time_limit: Annotated[float, typer.Option(help="Seconds of search.", min=1)] = 60.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    seed: Annotated[int, typer.Option(help="Random seed of the search.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the solved quickstart JSON here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Import, plan with `plan`'s solver, and print the quickstart's own figures."""
    with json_only(as_json) as document:
        _bench_timefold(source, time_limit, workers, seed, out, document)


def _bench_timefold(source: Path, time_limit: float, workers: int, seed: int, out: Path | None,
                    document: dict[str, object]) -> None:
    data, scenario = _timefold_scenario(source)
    first: list[float] = []

    def note_first(progress: Progress) -> None:
        if progress.solutions and not first:
            first.append(progress.elapsed)

    outcome = service.plan(scenario, SolveOptions(time_limit=time_limit, workers=workers, seed=seed),
                           on_progress=note_first)
    result = outcome.result
    document.update({"status": result.status, "wall_time": result.wall_time, "roster": None})
    if outcome.roster is None or outcome.checked is None:
        console.print(f"[red]No roster found[/red] ({result.status} after {result.wall_time:.1f} s).")
        raise typer.Exit(EXIT_VIOLATIONS)
    figures = date_figures(data, scenario, outcome.roster)
    shortfall = outcome.checked.objective.get("coverage_shortfall", 0)
    unassigned = sum(1 for v in outcome.checked.violations if v.rule == "core.coverage")
    first_at = f"{first[0]:.1f} s" if first else "–"
    best_at = "–" if result.time_to_best is None else f"{result.time_to_best:.1f} s"
    console.print(f"{describe(scenario)}: {result.status}; first roster at {first_at}, best at {best_at}, "
                  f"{result.wall_time:.1f} s in all", highlight=False)
    console.print(f"hard violations {len(outcome.checked.violations)} (unfilled slots {unassigned}, "
                  f"shortfall cost {shortfall})", highlight=False)
    console.print(f"desired-date minutes {figures.desired_minutes:,} · undesired-date minutes "
                  f"{figures.undesired_minutes:,} · shifts per employee {figures.fewest_shifts} to "
                  f"{figures.most_shifts}", highlight=False)
    if out is not None:
        write_atomic(out, json.dumps(assign_shifts(data, scenario, outcome.roster), indent=2) + "\n")
        console.print(f"wrote {out}")
    document.update({
        "roster": str(out) if out is not None else None, "first_roster_seconds": first[0] if first else None,
        "best_seconds": result.time_to_best, "hard_violations": len(outcome.checked.violations),
        "unfilled_slots": unassigned, "shortfall_cost": shortfall, "desired_minutes": figures.desired_minutes,
        "undesired_minutes": figures.undesired_minutes, "fewest_shifts": figures.fewest_shifts,
        "most_shifts": figures.most_shifts})
    raise typer.Exit(EXIT_OK if outcome.checked.ok else EXIT_VIOLATIONS)


# --- bench rws: the rotating-workforce benchmark, solved by the cycle model of `rotation design` ---

@bench_app.command("rws")
def bench_rws(
    instance: Annotated[Path | None, typer.Argument(help="An RWS instance file (or use --all).")] = None,
    folder: Annotated[Path | None, typer.Option("--all", help="Run every *.txt instance in this folder.")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds per instance.", min=0.1)] = 60.0,
    workers: Annotated[int, typer.Option(help="Solver threads.", min=1)] = 2,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Solution file (one instance) or folder (--all).")]
    = None,
    results: Annotated[Path | None, typer.Option(help="Append one CSV line per instance here as it is decided.")]
    = None,
) -> None:
    """Solve RWS instances: a cycle checked by an independent evaluator, a proof of infeasibility, or unknown."""
    from roulement.cli.rotation import rws_paths, rws_table
    from roulement.formats.rws import RwsError
    from roulement.service.rotation import solve_rws

    if (folder is None) == (instance is None):
        fail_input("give one INSTANCE file or --all DIR, not both and not neither")
    paths = rws_paths(instance, folder)
    runs = []
    for path in paths:
        target = out if folder is None else (None if out is None else out / f"{path.stem}.sol")
        try:
            run = solve_rws(path, time_limit, workers, target, results)
        except RwsError as error:
            fail_input(str(error))
        runs.append(run)
        if folder is not None:
            console.print(f"{run.instance}: {run.status} in {run.seconds:.2f} s", highlight=False)
    console.print(rws_table(runs))
    bad = any(run.status not in ("found", "infeasible") for run in runs)
    raise typer.Exit(EXIT_VIOLATIONS if bad else EXIT_OK)
