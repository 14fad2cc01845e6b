"""Benchmark: the Curtois–Qu instances through roulement's own model, rules and solver.

    .venv/bin/python bench/curtois.py [--instances 1-12] [--time-limit 60] [--workers 2] [--folder DIR] [--out DIR]
        [--strategy NAME=VALUE ...]

Prints one Markdown table row per instance (for docs/benchmarks.md): the objective is recomputed by the
checker from the written solution CSV, never taken from the solver. Peak memory is the process's so far.
"""

from __future__ import annotations

import argparse
import platform
import resource
from pathlib import Path

from roulement.cli.bench import DEFAULT_INSTANCES, run_curtois
from roulement.solve import lns, walker


def numbers(text: str) -> list[int]:
    chosen: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        chosen.extend(range(int(first), int(last or first) + 1))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", default="1-24", help="e.g. 1-12 or 13,14,20-24")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folder", type=Path, default=DEFAULT_INSTANCES)
    parser.add_argument("--out", type=Path, default=None, help="Folder for the solution CSVs.")
    parser.add_argument("--strategy", action="append", default=[], metavar="NAME=VALUE",
                        help="Set one of roulement.solve.lns's or .walker's constants for this run (to measure a "
                             "variant), e.g. LNS_FROM_DECISIONS=30000 or SHORT_SLICE_SECONDS=3")
    args = parser.parse_args()
    for item in args.strategy:
        name, _, value = item.partition("=")
        owner = next((module for module in (lns, walker) if hasattr(module, name)), None)
        current = getattr(owner, name, None)
        if owner is None or not name.isupper() or not isinstance(current, (int, float)):
            parser.error(f"--strategy: {name!r} is not a numeric constant of roulement.solve.lns or .walker")
        setattr(owner, name, type(current)(float(value)))
    print(f"# {platform.node()} · {platform.processor() or platform.machine()} · time limit {args.time_limit:.0f} s · "
          f"{args.workers} workers{''.join(' · ' + item for item in args.strategy)}")
    print("| instance | best-known | roulement | gap | time to best | time | hard violations | peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for number in numbers(args.instances):
        path = args.folder / f"Instance{number}.txt"
        out = None if args.out is None else args.out / f"Instance{number}.csv"
        run = run_curtois(path, args.time_limit, args.workers, out, args.seed)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        gap = "–" if run.gap is None else f"{run.gap:.1f} %"
        best = "–" if run.time_to_best is None else f"{run.time_to_best:.1f} s"
        objective = "no roster" if run.objective is None else f"{run.objective:,}"
        print(f"| {run.instance} | {run.best_known:,} | {objective} | {gap} | {best} | {run.seconds:.0f} s | "
              f"{run.violations} | {peak:,} |", flush=True)


if __name__ == "__main__":
    main()
