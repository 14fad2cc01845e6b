"""Benchmark: re-plan KOS after 20 people fall sick for a week and a line stops for 3 days, against a full re-solve.

    nice -n 10 .venv/bin/python bench/replan_kos.py [--time-limit 10] [--long-time 30] [--full-time 60]
        [--plan-time 40 | --roster published.csv] [--seed 5] [--from-day 8]

Plans KOS (the published roster), then applies the disruption from `--from-day` on: 20 people drawn at random
(seeded) absent for 7 days, and line 3 (posts L3-*) down for 3 days starting the next day. It re-plans with
`replan` (changes priced, neighbourhood of the disruption free) and, side by side, solves the same situation
from scratch (past frozen, everything after free, no change price) with the same time limit, and again with
`--full-time` seconds. Every roster is judged by the independent checker. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import time

from roulement.check import check_roster
from roulement.examples.kos import kos
from roulement.formats.roster_csv import load_roster
from roulement.model.edits import DateRange, add_absence, post_down
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.solve import SolveOptions, solve
from roulement.solve.replan import Change, replan, roster_changes
from roulement.solve.search import SolveResult


def judged(scenario: Scenario, roster: Roster | None) -> tuple[int, int]:
    """(person-shifts short, other violations) of a roster, by the checker."""
    if roster is None:
        return -1, -1
    checked = check_roster(scenario, roster)
    short = sum(v.details.get("required", 0) - v.details.get("assigned", 0) for v in checked.violations
                if v.rule == "core.coverage")
    return short, sum(1 for v in checked.violations if v.rule not in ("core.coverage", "core.safety-minimum"))


def row(name: str, seconds: float, result: SolveResult, changes: list[Change] | None, scenario: Scenario,
        first: dt.date) -> str:
    short, broken = judged(scenario, result.roster)
    called = "–" if changes is None else str(sum(1 for c in changes if c.called_in))
    soon = "–" if changes is None else str(sum(1 for c in changes if c.called_in and (c.date - first).days < 3))
    count = "no roster" if changes is None else str(len(changes))
    people = "–" if changes is None else str(len({c.employee for c in changes}))
    return f"| {name} | {seconds:.1f} | {count} | {people} | {called} | {soon} | {short} | {broken} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--full-time", type=float, default=60.0)
    parser.add_argument("--long-time", type=float, default=30.0, help="A second, longer re-plan.")
    parser.add_argument("--plan-time", type=float, default=40.0)
    parser.add_argument("--roster", help="The published roster (CSV) instead of planning one.")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--from-day", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    plant = kos()
    if args.roster is not None:
        published = load_roster(args.roster, plant)
    else:
        published = solve(plant, SolveOptions(time_limit=args.plan_time, workers=args.workers)).roster
    if published is None or not check_roster(plant, published).ok:
        raise SystemExit("the published roster must be complete and lawful: give --roster, or more --plan-time")
    first = plant.horizon.start + dt.timedelta(days=args.from_day)
    week = DateRange(first, first + dt.timedelta(days=6))
    people = [e.id for e in plant.employees if not any(e.absent_on(week.start + dt.timedelta(days=d))
                                                         for d in range(7))]
    sick = random.Random(args.seed).sample(people, 20)
    disrupted = plant
    for person in sick:
        disrupted = add_absence(disrupted, person, week)
    stop = DateRange(first + dt.timedelta(days=1), first + dt.timedelta(days=3))
    disrupted = post_down(disrupted, "L3-*", stop)

    runs = []
    for limit in (args.time_limit, args.long_time):
        started = time.monotonic()
        outcome = replan(disrupted, published, first, SolveOptions(time_limit=limit, workers=args.workers))
        runs.append((limit, time.monotonic() - started, outcome))
    judged_on = runs[0][2].scenario  # the disrupted plant, with the hours the disruption took credited

    lines = [f"KOS, {len(plant.employees)} people; from {first}: 20 people absent {week.start}..{week.end}, "
             f"L3-* down {stop.start}..{stop.end}; {platform.processor() or platform.machine()}, "
             f"{args.workers} workers", "",
             "| run | wall s | changes | people | called in on a day off | of which within 3 days | "
             "person-shifts short | other violations |",
             "|---|---|---|---|---|---|---|---|",
             *(row(f"replan ({limit:g} s)", seconds, outcome.result, outcome.changes, judged_on, first)
               for limit, seconds, outcome in runs)]
    for limit in (args.time_limit, args.full_time):
        started = time.monotonic()
        scratch = solve(judged_on, SolveOptions(time_limit=limit, workers=args.workers, explain_time_limit=0,
                                                frozen_days=set(range(args.from_day)),
                                                frozen=Roster([a for a in published if a.date < first])))
        seconds = time.monotonic() - started
        changes = None if scratch.roster is None else roster_changes(published, scratch.roster, first,
                                                                     plant.horizon.end)
        lines.append(row(f"full re-solve ({limit:g} s)", seconds, scratch, changes, judged_on, first))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
