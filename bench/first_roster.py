"""Benchmark: how soon `roulement plan` has a roster on disk, and how soon CP-SAT finds a first lawful roster.

Time to the first WRITTEN roster (issue 17): runs `roulement plan` as a user does, for each code version,
worker count and load, and polls --out for roster.csv. "busy" starts a CPU-bound process beside the plan
(`python -c 'while True: pass'`) for the whole run; with `--pin 0` both share core 0 (`taskset -c 0`), so the plan
gets half a core. A version is a folder holding a `roulement` package (run
with PYTHONPATH set to it), e.g. a worktree of an older commit:

    git worktree add --detach /tmp/old 2c367d6
    .venv/bin/python -m bench.first_roster written --versions new=. old=/tmp/old --workers 1 2 \\
        --loads idle busy --time-limit 30

CP-SAT settings (the earlier benchmark, `docs/benchmarks.md`, "One worker"): time to the first lawful KOS
roster with the objective set aside, on the model `solve` builds for its warm start:

    nice -n 10 .venv/bin/python -m bench.first_roster settings --settings default interleave nolp --workers 1
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETTINGS = ("default", "interleave", "nolp", "fixed")
# A CPU-bound neighbour: one busy core beside the plan.
BUSY = [sys.executable, "-c", "while True: pass"]


def settings(args: argparse.Namespace) -> None:
    from ortools.sat.python import cp_model

    from roulement.examples.kos import EXAMPLES
    from roulement.rules.packs import build_rules
    from roulement.solve.builder import BuildOptions, ModelBuilder

    scenario = EXAMPLES[args.plant]()
    builder = ModelBuilder(scenario, build_rules(scenario), BuildOptions())
    builder.allow_shortfalls(False)
    builder.model.clear_objective()  # type: ignore[no-untyped-call]
    for name in args.settings:
        solver = cp_model.CpSolver()
        parameters = solver.parameters
        parameters.max_time_in_seconds = args.time_limit
        parameters.num_workers = args.workers
        parameters.stop_after_first_solution = True
        parameters.interleave_search = name == "interleave"
        if name == "nolp":
            parameters.linearization_level = 0
        if name == "fixed":
            parameters.search_branching = cp_model.FIXED_SEARCH
        started = time.monotonic()
        status = solver.solve(builder.model)
        print(f"{args.plant} {name:10} workers={args.workers} {solver.status_name(status):9} "
              f"{time.monotonic() - started:6.1f} s", flush=True)


def _short(out: Path) -> str:
    """Person-shifts short in the written report, read back from report.json."""
    import json

    report = out / "report.json"
    if not report.is_file():
        return "-"
    return str(json.loads(report.read_text(encoding="utf-8"))["summary"]["shortfall_person_shifts"])


def _gaps(out: Path) -> str:
    """Widest gaps between full-time peers (nights, Sundays) in the written report, read back from report.json."""
    import json

    report = out / "report.json"
    if not report.is_file():
        return "-"
    guides = json.loads(report.read_text(encoding="utf-8"))["summary"].get("fairness_guides") or {}
    return f"{guides.get('nights', '-')}/{guides.get('sundays', '-')}"


def one_run(code: Path, scenario: Path, workers: int, busy: bool, time_limit: float,
            pin: str | None = None) -> dict[str, str]:
    """One `roulement plan`; seconds until roster.csv first appears in --out, and how the run ended. With
    `pin`, a busy run puts the plan and its CPU-bound neighbour on that one core (`taskset -c`)."""
    with tempfile.TemporaryDirectory(prefix="first-roster-") as folder:
        out = Path(folder) / "out"
        # Run from an empty folder: `python -m` puts the working folder first on the path, before PYTHONPATH.
        environment = {**os.environ, "PYTHONPATH": str(code.resolve())}
        pinned = ["taskset", "-c", pin] if busy and pin is not None else []
        neighbour = subprocess.Popen([*pinned, *BUSY]) if busy else None
        try:
            started = time.monotonic()
            plan = subprocess.Popen(
                [*pinned, sys.executable, "-m", "roulement", "plan", str(scenario), "--out", str(out),
                 "--time-limit", str(time_limit), "--workers", str(workers)],
                env=environment, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            first: float | None = None
            first_short = "-"
            while plan.poll() is None:
                if first is None and (out / "roster.csv").is_file():
                    first = time.monotonic() - started
                    time.sleep(0.5)  # all three files are written together; read the report once it is there
                    first_short = _short(out)
                time.sleep(0.05)
            wall = time.monotonic() - started
            if first is None and (out / "roster.csv").is_file():
                first = wall
                first_short = _short(out)
            output = plan.stdout.read() if plan.stdout is not None else ""
        finally:
            if neighbour is not None:
                neighbour.kill()
                neighbour.wait()
        return {"workers": str(workers), "load": "busy" if busy else "idle",
                "first written (s)": "never" if first is None else f"{first:.1f}",
                "short then": first_short, "exit": str(plan.returncode), "wall (s)": f"{wall:.1f}",
                "short at end": _short(out) if (out / "report.json").is_file() else "-",
                "gaps at end (nights/Sundays)": _gaps(out),
                "last line": (output.strip().splitlines() or [""])[-1][:60]}


def written(args: argparse.Namespace) -> None:
    scenario = Path(args.scenario).resolve()
    if not scenario.is_file():
        subprocess.run([sys.executable, "-m", "roulement", "example", "kos", "--out", str(scenario)], check=True,
                       stdout=subprocess.DEVNULL)
    rows = []
    for workers in args.workers:
        for load in args.loads:
            for version in args.versions:  # versions side by side, under the same conditions
                name, _, folder = version.partition("=")
                row = {"version": name, **one_run(Path(folder), scenario, workers, load == "busy", args.time_limit,
                                                  args.pin)}
                rows.append(row)
                print(" | ".join(row.values()), flush=True)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    first = commands.add_parser("written", help="seconds to the first roster written by `roulement plan`")
    first.add_argument("--versions", nargs="+", default=["new=."], help="NAME=FOLDER holding a roulement package")
    first.add_argument("--scenario", default="kos.yaml", help="scenario YAML (written from the KOS example if absent)")
    first.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    first.add_argument("--loads", nargs="+", default=["idle", "busy"], choices=["idle", "busy"])
    first.add_argument("--time-limit", type=float, default=30.0)
    first.add_argument("--pin", default=None, help="busy runs: the core (taskset -c) the plan and its neighbour share")
    old = commands.add_parser("settings", help="CP-SAT settings: seconds to the first lawful roster")
    old.add_argument("--plant", default="kos")
    old.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=SETTINGS)
    old.add_argument("--workers", type=int, default=1)
    old.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    written(args) if args.command == "written" else settings(args)


if __name__ == "__main__":
    main()
