"""Benchmark: should `plan` use the large-neighbourhood search on large models? The product's path
(`solve.search.solve`: hard cover first, guided steps, priced search) against `solve.lns.plan_best` (the
constructive start, then neighbourhoods), same plant, time and workers; every roster judged by the checker.

    .venv/bin/python bench/plan_lns_kos.py [--plant kos] [--time-limit 30] [--workers 2] [--seeds 0 1]
"""

from __future__ import annotations

import argparse
import platform
import time

from roulement.check import check_roster
from roulement.examples.kos import EXAMPLES
from roulement.solve import SolveOptions, solve
from roulement.solve.lns import plan_best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plant", default="kos", choices=sorted(EXAMPLES))
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    plant = EXAMPLES[args.plant]()
    print(f"# {args.plant}: {len(plant.employees)} people, {plant.horizon.days} days; {args.time_limit:g} s, "
          f"{args.workers} workers; {platform.processor() or platform.machine()}")
    print("| path | seed | wall s | checker's cost | person-shifts short | hard violations | strategy |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for seed in args.seeds:
        options = SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=seed, explain_time_limit=0)
        for name, path in (("plan (solve)", solve), ("plan_best (LNS)", plan_best)):
            started = time.monotonic()
            result = path(plant, options)
            wall = time.monotonic() - started
            if result.roster is None:
                print(f"| {name} | {seed} | {wall:.1f} | no roster | | | {result.strategy} |")
                continue
            checked = check_roster(plant, result.roster)
            short = sum(v.details.get("required", 0) - v.details.get("assigned", 0)
                        for v in checked.violations if v.rule == "core.coverage")
            others = sum(1 for v in checked.violations if v.rule not in ("core.coverage", "core.safety-minimum"))
            print(f"| {name} | {seed} | {wall:.1f} | {checked.total:,} | {short} | {others} | {result.strategy} |",
                  flush=True)


if __name__ == "__main__":
    main()
