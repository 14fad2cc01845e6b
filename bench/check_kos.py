"""The independent checker on the stored KOS roster: seconds per whole-roster check, in one process.

    .venv/bin/python -m bench.check_kos [--repeat 10]
    # old against new in one run: each tree on PYTHONPATH in turn, alternating
    for i in 1 2 3; do PYTHONPATH=OLD python -m bench.check_kos; PYTHONPATH=. python -m bench.check_kos; done
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from pathlib import Path

from roulement import service
from roulement.check import check_roster
from roulement.formats.roster_csv import parse_roster

ROSTER = Path(__file__).parent.parent / "tests" / "data" / "kos-roster.csv.gz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    kos = service.example("kos")
    roster = parse_roster(gzip.decompress(ROSTER.read_bytes()).decode(), kos, str(ROSTER))
    check_roster(kos, roster)  # warm-up: imports, catalogues, the scenario's cached lookups
    seconds = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        result = check_roster(kos, roster)
        seconds.append(time.perf_counter() - began)
    print(f"check of KOS ({len(roster.assignments)} shifts, {len(result.violations)} violations): "
          f"median {statistics.median(seconds):.3f} s, min {min(seconds):.3f} s over {args.repeat}")


if __name__ == "__main__":
    main()
