"""Benchmark: Timefold's employee-scheduling quickstart data, imported and planned like any scenario.

    .venv/bin/python bench/timefold.py [--time-limits 15 60] [--workers 2] [--folder DIR]

For small.json and large.json at each time limit: when the first full roster came, hard violations found by
the checker, and the quickstart's own figures (desired- and undesired-date minutes, shifts per employee).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from roulement import service
from roulement.formats.timefold import date_figures, load_timefold, to_scenario
from roulement.solve.search import Progress, SolveOptions

DEFAULT_FOLDER = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "timefold-quickstart"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limits", type=float, nargs="+", default=[15.0, 60.0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    args = parser.parse_args()
    print("| data | time limit | first roster | hard violations | desired-date min | undesired-date min | "
          "shifts per employee |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name in ("small", "large"):
        data = load_timefold(args.folder / f"{name}.json")
        scenario = to_scenario(data, name=f"Timefold {name}")
        for limit in args.time_limits:
            first: list[float] = []

            def note(progress: Progress, first: list[float] = first) -> None:
                if progress.solutions and not first:
                    first.append(progress.elapsed)

            outcome = service.plan(scenario, SolveOptions(time_limit=limit, workers=args.workers), on_progress=note)
            if outcome.roster is None or outcome.checked is None:
                print(f"| {name}.json | {limit:.0f} s | none | – | – | – | – |", flush=True)
                continue
            figures = date_figures(data, scenario, outcome.roster)
            print(f"| {name}.json | {limit:.0f} s | {first[0]:.1f} s | {len(outcome.checked.violations)} | "
                  f"{figures.desired_minutes:,} | {figures.undesired_minutes:,} | "
                  f"{figures.fewest_shifts}–{figures.most_shifts} |", flush=True)


if __name__ == "__main__":
    main()
