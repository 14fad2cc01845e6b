"""Benchmark: the people pack on the built-in KOS plant, against the same solve with people ignored.

    nice -n 10 .venv/bin/python -m bench.people_kos --time-limit 120

Prints the issue-4 done-means as measured (from the rosters, through the report code) and the CPU seconds
each solve used, so figures taken on a loaded machine can be read against an idle one.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from roulement import service
from roulement.analyse.fairness import fairness_rows, price_on_common_terms, spread
from roulement.analyse.people import household_outcomes
from roulement.check.checker import check_roster
from roulement.examples.kos import kos
from roulement.formats.roster_csv import roster_to_csv
from roulement.model.roster import Timeline
from roulement.solve import SolveOptions


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(ignore: frozenset[str], time_limit: float, seed: int, roster_out: str | None = None) -> dict[str, object]:
    scenario = kos()
    cpu, wall = cpu_seconds(), time.monotonic()
    outcome = service.plan(scenario, SolveOptions(time_limit=time_limit, workers=2, seed=seed), ignore=ignore)
    row: dict[str, object] = {"ignore": ",".join(sorted(ignore)) or "-", "status": outcome.result.status,
                              "strategy": outcome.result.strategy,
                              "wall": round(time.monotonic() - wall, 1), "cpu": round(cpu_seconds() - cpu, 1),
                              "first": outcome.result.time_to_best}
    if outcome.roster is None or outcome.report is None or outcome.checked is None:
        return row
    if roster_out:
        Path(roster_out).write_text(roster_to_csv(scenario, outcome.roster), encoding="utf-8")
    timeline = Timeline(scenario, outcome.roster)
    households = household_outcomes(timeline)
    asked = [h for h in households if h.shared_days_off_asked]
    rows = fairness_rows(timeline)
    full_eligible = [r for r in rows if r.night_eligible and r.contract_ratio >= 0.999]
    row.update({
        "shortfall": outcome.report["summary"]["shortfall_person_shifts"],
        # Law, plant and contract violations, judged with every pack (people included) for both rosters.
        "violations_all_packs": len(check_roster(scenario, outcome.roster).violations),
        "violations_in_force": len(outcome.checked.violations),
        "childcare_uncovered_h_hard": sum(h.childcare_uncovered_hours for h in households
                                          if h.childcare_mode == "hard"),
        "childcare_uncovered_h_soft": sum(h.childcare_uncovered_hours for h in households
                                          if h.childcare_mode == "soft"),
        "shared_share_min": min((round(h.shared_days_off_got / h.shared_days_off_asked, 3) for h in asked),
                                default=None),
        "shared_share_total": round(sum(h.shared_days_off_got for h in asked)
                                    / max(sum(h.shared_days_off_asked for h in asked), 1), 3),
        "nights": spread(rows, "nights"), "sundays": spread(rows, "sundays"),
        "full_time_eligible": len(full_eligible),
        "price": price_on_common_terms(scenario, outcome.roster),
        "objective": outcome.report["objective"]["total"],
    })
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--roster-out", help="write the roster planned with people to this CSV")
    arguments = parser.parse_args()
    with_people = run(frozenset(), arguments.time_limit, arguments.seed, arguments.roster_out)
    print(with_people, flush=True)
    without = run(frozenset({"people"}), arguments.time_limit, arguments.seed)
    print(without, flush=True)
    if isinstance(with_people.get("price"), int) and isinstance(without.get("price"), int) and without["price"]:
        extra = 100 * (int(with_people["price"]) - int(without["price"])) / int(without["price"])
        print(f"price on coverage and contracts: {with_people['price']} with people, {without['price']} "
              f"ignoring them ({extra:+.2f} %)")


if __name__ == "__main__":
    main()
