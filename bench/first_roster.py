"""Benchmark: time to the first lawful KOS roster (objective set aside) under CP-SAT settings, one at a time.

    nice -n 10 .venv/bin/python -m bench.first_roster --settings default interleave nolp --workers 1

The model is the one `solve` builds for its warm start (every pack in force, minimum cover hard); each run
stops at the first roster, or at --time-limit.
"""

from __future__ import annotations

import argparse
import time

from ortools.sat.python import cp_model

from roulement.examples.kos import EXAMPLES
from roulement.rules.packs import build_rules
from roulement.solve.builder import BuildOptions, ModelBuilder

SETTINGS = ("default", "interleave", "nolp", "fixed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plant", default="kos", choices=sorted(EXAMPLES))
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=SETTINGS)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
