"""Summarise a `roulement bench rws --all ... --results FILE` run: counts and the time distribution.

    .venv/bin/python bench/rws_summary.py results.csv

Each line of the file is `instance,status,seconds,iterations,cuts`, written as the instance was decided.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
from collections import Counter


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results")
    args = parser.parse_args()
    with open(args.results, encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row]
    times = [float(row[2]) for row in rows]
    statuses = Counter(row[1] for row in rows)
    decided = [float(row[2]) for row in rows if row[1] in ("found", "infeasible")]
    print(f"instances {len(rows)}: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    print(f"time: median {statistics.median(times):.2f} s, mean {statistics.mean(times):.2f} s, "
          f"99th percentile {percentile(times, 0.99):.2f} s, max {max(times):.2f} s")
    for limit in (1, 10, 60):
        within = sum(1 for t in decided if t <= limit)
        print(f"decided within {limit:>2} s: {within} ({100 * within / len(rows):.1f} %)")
    slow = sorted(((float(r[2]), r[0], r[1]) for r in rows), reverse=True)[:12]
    print("slowest: " + ", ".join(f"{name} {status} {t:.1f} s" for t, name, status in slow))


if __name__ == "__main__":
    main()
