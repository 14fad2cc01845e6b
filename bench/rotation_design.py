"""Benchmark: design the crew cycle of a built-in plant and judge its year.

    .venv/bin/python bench/rotation_design.py [--plant kos] [--crews 4 5 6] [--runs 3] [--time-limit 30]

Prints one line per run: the design's wall time (problem, search and the year check included), whether the
cycle is offered, and the violations the independent checker finds over the year when judging it again.
"""

from __future__ import annotations

import argparse
import time

from roulement.analyse.rotation import judge_year
from roulement.analyse.rotation_design import design
from roulement.examples.kos import EXAMPLES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plant", default="kos", choices=sorted(EXAMPLES))
    parser.add_argument("--crews", type=int, nargs="+", default=[5])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = EXAMPLES[args.plant]()
    for crews in args.crews:
        for run in range(args.runs):
            started = time.monotonic()
            option = design(scenario, crews, time_limit=args.time_limit, workers=args.workers)
            seconds = time.monotonic() - started
            again = len(judge_year(scenario, option.rotation).violations) if option.rotation else None
            search = option.result.seconds if option.result else 0.0
            status = option.result.status.value if option.result else "-"
            print(f"{args.plant} crews={crews} run={run} wall={seconds:.1f}s search={search:.1f}s status={status} "
                  f"offered={option.offered} violations_on_rejudging={again} "
                  f"hours={option.average_hours:.1f} refused={option.refused!r}", flush=True)


if __name__ == "__main__":
    main()
