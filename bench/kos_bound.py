"""The lower bound column generation proves on KOS, alone on one core: each better bound as it comes, then
where it ended (what `plan --engine colgen` seeks beside plan by exception).

    .venv/bin/python -m bench.kos_bound [--seconds 60] [--scenario kos|kos-de]
"""

from __future__ import annotations

import argparse
import time

from roulement import service
from roulement.rules.packs import build_rules
from roulement.solve.colgen.generation import BOUND_SMOOTHING, Bound, generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--scenario", default="kos")
    args = parser.parse_args()
    scenario = service.example(args.scenario)
    rules = build_rules(scenario)
    began = time.monotonic()

    def better(bound: Bound) -> None:
        print(f"{time.monotonic() - began:6.1f} s  bound {bound.whole:>9,}  round {bound.rounds:>3}  "
              f"columns {bound.columns:>6,}", flush=True)

    generation = generate(scenario, rules, began + args.seconds, 0, on_bound=better, relaxed=True,
                          smoothing=BOUND_SMOOTHING)
    bound = generation.bound
    print(f"ended after {time.monotonic() - began:.1f} s: "
          + ("no bound" if bound is None else f"bound {bound.whole:,}, converged {bound.converged}, "
             f"{bound.rounds} rounds; leaves out {', '.join(bound.excludes) or 'nothing'}"))


if __name__ == "__main__":
    main()
