"""rotation design, rotation check, and the helpers of `bench rws`: the plant's crew cycle."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from roulement.check.rws import evaluate
from roulement.cli.app import fail_input
from roulement.formats.files import write_atomic
from roulement.formats.rws import RwsError, load_instance, solution_to_text
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
