"""Benchmark: plan the built-in plants and report wall time, coverage and violations.

    .venv/bin/python bench/plan_kos.py [--time-limit 30] [--workers 2] [--seeds 0 1 2] [--plant kos|kos-de]

Prints one line per seed; the roster of every run is judged by the independent checker.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

from roulement.check import check_roster
from roulement.examples.kos import EXAMPLES
from roulement.solve import Progress, SolveOptions, solve


class FirstRoster:
    """Remembers when the first roster arrived (in the hard phase, that is a fully covered one)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.seconds: float | None = None

    def see(self, progress: Progress) -> None:
        if self.seconds is None and progress.objective is not None:
            self.seconds = time.monotonic() - self.started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plant", default="kos", choices=sorted(EXAMPLES))
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()

    scenario = EXAMPLES[args.plant]()
    print(f"{args.plant}: {len(scenario.employees)} people, {scenario.horizon.days} days, "
          f"{platform.processor() or platform.machine()}, time limit {args.time_limit:g} s, {args.workers} workers")
    print("seed  status     wall_s  first_full_s  shortfall  violations  cost  strategy")
    for seed in args.seeds:
        first = FirstRoster()
        result = solve(scenario, SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=seed),
                       on_progress=first.see)
        if result.roster is None:
            print(f"{seed:>4}  {result.status:<9} {result.wall_time:7.1f}  no roster found")
            continue
        checked = check_roster(scenario, result.roster)
        shortfall = sum(1 for v in checked.violations if v.rule in ("core.coverage", "core.safety-minimum"))
        seen = f"{first.seconds:.1f}" if first.seconds is not None and result.strategy == "hard-coverage" else "-"
        print(f"{seed:>4}  {result.status:<9} {result.wall_time:7.1f}  {seen:>12}  {shortfall:>9}  "
              f"{len(checked.violations):>10}  {checked.total:>4}  {result.strategy}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
