"""Diagnostic: one what-if of `roulement explain-household`, with the knobs a researcher wants.

    .venv/bin/roulement plan --out out          # any KOS roster: it sets the fair-share floors
    nice -n 10 .venv/bin/python -m bench.couple_alone out/roster.csv --household foyer-01 --max-apart 2

The couple is planned alone (`roulement.analyse.households.couple_alone`): every rule in force for them,
minimum cover dropped, hours held as the guided search holds them (or free within the contract with
--free-hours), and each member at least the floor of their fair share of nights and Sundays in the given
roster (or --nights N for both). --max-apart asks only for rosters that close, which is how a target such
as 90 % of days off together is put to the solver.
"""

from __future__ import annotations

import argparse
import time

from roulement.analyse.households import couple_alone, fair_floors
from roulement.examples.kos import kos
from roulement.formats.roster_csv import load_roster
from roulement.model.roster import Timeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roster", help="a KOS roster CSV (sets the fair-share floors)")
    parser.add_argument("--household", required=True)
    parser.add_argument("--max-apart", type=int, default=None)
    parser.add_argument("--nights", type=int, default=None, help="nights floor for both, instead of the fair one")
    parser.add_argument("--free-hours", action="store_true")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    scenario = kos()
    floors = fair_floors(Timeline(scenario, load_roster(args.roster, scenario)))
    household = next(h for h in scenario.households if h.id == args.household)
    nights = {m: args.nights if args.nights is not None else floors.get(("nights", m), 0) for m in household.members}
    sundays = {m: floors.get(("sundays", m), 0) for m in household.members}
    started = time.monotonic()
    trial = couple_alone(scenario, household, nights, sundays, args.time_limit, args.workers,
                         max_apart=args.max_apart, hold_hours=not args.free_hours)
    print(f"{household.id}: nights >= {nights}, Sundays >= {sundays}, hours "
          f"{'free within the contract' if args.free_hours else 'held as the guide holds them'}, "
          f"max apart {args.max_apart}: {time.monotonic() - started:.1f} s, fewest days apart found "
          f"{trial.apart}, none closer than {trial.proven_at_least}; days off together {trial.together} "
          f"of {trial.possible}")


if __name__ == "__main__":
    main()
