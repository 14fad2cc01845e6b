"""Curtois–Qu: column generation beside the CP-SAT search, in one run, instance by instance.

    .venv/bin/python -m bench.colgen_curtois --first 1 --last 12 --time-limit 60 --workers 1

Each instance is solved by `plan_best` (the CP-SAT search, `--engine cpsat`) and by `plan_colgen` (column
generation, price-and-branch, then the CP-SAT search from the columns), one after the other. Every roster is
judged by the independent checker; the cost printed is the checker's. Prints one line per run and a
Markdown table at the end.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from roulement.cli.bench import DEFAULT_INSTANCES, run_curtois


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--last", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--engines", nargs="+", default=["cpsat", "colgen"])
    parser.add_argument("--instances", type=Path, default=DEFAULT_INSTANCES)
    parser.add_argument("--jsonl", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    for number in range(args.first, args.last + 1):
        path = args.instances / f"Instance{number}.txt"
        for engine in args.engines:
            run = run_curtois(path, args.time_limit, args.workers, None, 0, engine)
            row = {"instance": run.instance, "engine": engine, "best_known": run.best_known,
                   "objective": run.objective, "bound": run.bound, "gap": run.gap, "proof_gap": run.proof_gap,
                   "time_to_best": run.time_to_best, "seconds": round(run.seconds, 1),
                   "violations": run.violations, "status": run.status}
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


if __name__ == "__main__":
    main()
