"""Curtois–Qu: column generation beside the CP-SAT search, in one run, instance by instance.

    .venv/bin/python -m bench.colgen_curtois --first 1 --last 12 --time-limit 60 --workers 1 \
        --engines cpsat colgen-main colgen --main-tree /tmp/main   # git archive <commit> roulement | tar -x -C ...

Each instance is solved by `plan_best` (the CP-SAT search, `--engine cpsat`) and by `plan_colgen` (column
generation, price-and-branch, then the CP-SAT search from the columns), one after the other. Every roster is
judged by the independent checker; the cost printed is the checker's. Prints one line per run and a
Markdown table at the end. `colgen-main` runs column generation from another source tree (`--main-tree`, e.g.
main's code before a change, unpacked by `git archive`) in a child process, so old and new are measured in
the same run; likewise `auto-main`, `cpsat-main`. `auto` is `roulement bench curtois`'s own choice (on scenarios
too large for column generation: the compact relaxation's bound, then the CP-SAT search).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from roulement.check.checker import check_roster
from roulement.cli.bench import DEFAULT_INSTANCES, best_known, run_curtois
from roulement.formats.curtois import read_curtois, to_scenario
from roulement.model.roster import Roster
from roulement.rules.packs import build_rules
from roulement.solve.colgen.dive import dive
from roulement.solve.colgen.engine import plan_colgen
from roulement.solve.colgen.generation import generate
from roulement.solve.options import SolveOptions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--last", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--engines", nargs="+", default=["cpsat", "colgen"])
    parser.add_argument("--instances", type=Path, default=DEFAULT_INSTANCES)
    parser.add_argument("--jsonl", type=Path, default=None)
    parser.add_argument("--main-tree", type=Path, default=None, help="source tree for the colgen-main engine")
    parser.add_argument("--bound-only", action="store_true",
                        help="column generation and a dive only (no CP-SAT search): the bound and a roster")
    parser.add_argument("--row", nargs=4, default=None, help=argparse.SUPPRESS)  # path limit workers engine
    args = parser.parse_args()
    if args.row is not None:
        print(json.dumps(_row(Path(args.row[0]), float(args.row[1]), int(args.row[2]), args.row[3])))
        return
    rows = []
    for number in range(args.first, args.last + 1):
        path = args.instances / f"Instance{number}.txt"
        for engine in (["colgen-bound"] if args.bound_only else args.engines):
            if args.bound_only:
                row = _bound_row(path, args.time_limit)
            elif engine.endswith("-main"):
                if args.main_tree is None:
                    parser.error(f"{engine} needs --main-tree")
                # The other tree first on the path: its roulement and bench, in a process of their own.
                env = {**os.environ, "PYTHONPATH": str(args.main_tree)}
                done = subprocess.run([sys.executable, "-m", "bench.colgen_curtois", "--row", str(path),
                                       str(args.time_limit), str(args.workers), engine.removesuffix("-main")],
                                      env=env, cwd=args.main_tree, capture_output=True, text=True, check=True)
                row = json.loads(done.stdout.strip().splitlines()[-1])
                row["engine"] = engine
            else:
                row = _row(path, args.time_limit, args.workers, engine)
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.jsonl is not None:
                with args.jsonl.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(row) + "\n")
    print("| instance | engine | best-known | cost (checker) | gap | lower bound | at most above best possible "
          "| time to best | violations |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        def show(value: object, suffix: str = "") -> str:
            if value is None:
                return "–"
            return f"{value:,.1f}{suffix}" if isinstance(value, float) else f"{value:,}{suffix}"
        print(f"| {row['instance']} | {row['engine']} | {show(row['best_known'])} | {show(row['objective'])} | "
              f"{show(row['gap'], ' %')} | {show(row['bound'])} | {show(row['proof_gap'], ' %')} | "
              f"{show(row['time_to_best'], ' s')} | {row['violations']} |")


def _bound_row(path: Path, time_limit: float) -> dict[str, Any]:
    """Column generation for 80 % of the time, then a dive by whole schedules (a MIP over the columns fitting
    its fixings when out of time): the proven bound and a roster, its cost the checker's."""
    scenario = to_scenario(read_curtois(path))
    rules = build_rules(scenario)
    started = time.monotonic()
    generation = generate(scenario, rules, started + 0.8 * time_limit)
    lp_value, lp_seconds = generation.master.value, time.monotonic() - started  # the dive re-solves the LP
    # A dive by whole schedules: a few steps whatever the size (the finer dive does not finish on a year).
    # None while someone still stands in (no schedule of their own yet: seeding ran out of time).
    columns = None
    if not generation.master.standing_in:
        columns = dive(generation, started + 0.9 * time_limit, finish=0.1 * time_limit, whole=True).columns
        if columns is None:
            columns, _, _ = generation.master.integer_roster(max(0.05 * time_limit, 1.0))
    objective = violations = None
    if columns is not None:
        checked = check_roster(scenario, Roster(generation.master.assignments(columns)), rules)
        objective, violations = checked.total, len(checked.violations)
    bound = generation.bound
    known = best_known(path.parent).get(path.stem)
    whole = None if bound is None else bound.whole
    return {"instance": path.stem, "engine": "colgen-bound", "best_known": known, "objective": objective,
            "bound": whole, "converged": bound is not None and bound.converged, "rounds": generation.rounds,
            "lp_value": round(lp_value, 1), "lp_seconds": round(lp_seconds, 1),
            "columns": len(generation.master.columns),
            "standing_in": len(getattr(generation.master, "standing_in", ())),
            "gap": None if objective is None or not known else round(100 * (objective - known) / known, 1),
            "proof_gap": None if objective is None or whole is None or not objective
            else round(100 * (objective - whole) / objective, 1),
            "time_to_best": None, "seconds": round(time.monotonic() - started, 1), "violations": violations,
            "status": "OPTIMAL" if objective is not None and whole is not None and objective <= whole
            else "FEASIBLE" if objective is not None else "UNKNOWN", "note": generation.notes}


def _row(path: Path, time_limit: float, workers: int, engine: str) -> dict[str, Any]:
    if engine == "colgen":
        return _colgen_row(path, time_limit, workers)
    run = run_curtois(path, time_limit, workers, None, 0, engine)
    return {"instance": run.instance, "engine": engine, "best_known": run.best_known,
            "objective": run.objective, "bound": run.bound, "gap": run.gap, "proof_gap": run.proof_gap,
            "time_to_best": run.time_to_best, "seconds": round(run.seconds, 1),
            "violations": run.violations, "status": run.status}


def _colgen_row(path: Path, time_limit: float, workers: int) -> dict[str, Any]:
    """`plan_colgen` as `roulement bench curtois --engine colgen` runs it, with its note (which step found
    what, and when) in the row."""
    scenario = to_scenario(read_curtois(path))
    rules = build_rules(scenario)
    started = time.monotonic()
    result = plan_colgen(scenario, SolveOptions(time_limit=time_limit, workers=workers, seed=0), rules)
    seconds = time.monotonic() - started
    known = best_known(path.parent).get(path.stem)
    objective = violations = None
    if result.roster is not None:
        checked = check_roster(scenario, result.roster, rules)
        objective, violations = checked.total, len(checked.violations)
    bound = result.bound
    return {"instance": path.stem, "engine": "colgen", "best_known": known, "objective": objective, "bound": bound,
            "gap": None if objective is None or not known else 100 * (objective - known) / known,
            "proof_gap": None if objective is None or bound is None or objective <= 0
            else max(0.0, 100 * (objective - bound) / objective),
            "time_to_best": result.time_to_best, "seconds": round(seconds, 1), "violations": violations,
            "status": result.status, "note": result.note}


if __name__ == "__main__":
    main()
