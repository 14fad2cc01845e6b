"""Benchmark: KOS planned by rotation and exception against today's individual plan, same 4 weeks.

    /work/coord/cpu-slot .venv/bin/python -m bench.rotation_kos --mode cycle --time-limit 30 &
    /work/coord/cpu-slot .venv/bin/python -m bench.rotation_kos --mode individual --time-limit 30 &
    # side by side in one run, alternating: cycle 30, individual 30, cycle 120, individual 120
    /work/coord/cpu-slot .venv/bin/python -m bench.rotation_kos --series cycle,individual --time-limits 30,120
    /work/coord/cpu-slot .venv/bin/python -m bench.rotation_kos --plant kos-de --mode cycle --time-limit 30

`cycle` plans the built-in KOS as it is (five crews on its cycle, a relief pool: plan by exception);
`individual` plans the same people and demand with the rotation taken out (every person planned alone, as
before). Both rosters are judged by the checker with every pack in force and read against the same cycle.
Prints one JSON line per run: the figures of docs/benchmarks.md, "Plan by rotation and exception".
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from roulement import service
from roulement.analyse.fairness import fairness_rows, gaps_by_work_pattern, price_on_common_terms, spread
from roulement.analyse.people import household_outcomes
from roulement.check.checker import check_roster
from roulement.examples.kos import kos, kos_de
from roulement.formats.roster_csv import roster_to_csv
from roulement.model.roster import Timeline
from roulement.rules.follow_cycle import following
from roulement.solve import Progress, SolveOptions


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(mode: str, time_limit: float, seed: int, roster_out: str | None = None,
        plant_name: str = "kos") -> dict[str, object]:
    plant = kos() if plant_name == "kos" else kos_de()
    scenario = plant if mode == "cycle" else plant.replaced(
        rotation=None, employees=[e.model_copy(update={"crew": None}) for e in plant.employees])
    first_roster: list[float] = []
    first_lawful: list[float] = []

    def noted(progress: Progress) -> None:
        # Minimums are hard in the first search: its first roster is fully covered (checked below).
        if progress.objective is not None and not first_roster:
            first_roster.append(progress.elapsed)

    def first(outcome: service.PlanOutcome) -> None:
        # The first roster handed over before the search (the cycle with the pool called, or the slot-by-slot
        # roster): it counts when the checker finds it lawful and fully covered.
        summary = outcome.report["summary"] if outcome.report is not None else {}
        if summary.get("violations") == 0 and summary.get("coverage_complete"):
            first_lawful.append(time.monotonic() - wall)

    cpu, wall = cpu_seconds(), time.monotonic()
    outcome = service.plan(scenario, SolveOptions(time_limit=time_limit, workers=2, seed=seed), on_progress=noted,
                           on_first=first)
    row: dict[str, object] = {"plant": plant_name, "mode": mode, "time_limit": time_limit,
                              "status": outcome.result.status,
                              "strategy": outcome.result.strategy, "note": outcome.result.note,
                              "wall": round(time.monotonic() - wall, 1), "cpu": round(cpu_seconds() - cpu, 1),
                              "first_search_roster_s": round(first_roster[0], 1) if first_roster else None,
                              "first_lawful_covered_roster_s": round(first_lawful[0], 1) if first_lawful else None}
    roster = outcome.roster
    if roster is None or outcome.report is None:
        return row
    judged = check_roster(plant, roster)  # every pack, and the cycle rule, for both rosters
    timeline = Timeline(scenario, roster)
    households = household_outcomes(timeline)
    asked = [h for h in households if h.shared_days_off_asked]
    rows = fairness_rows(timeline)
    followed = following(plant, roster)
    in_cycle = {e.id for e in plant.employees if e.crew is not None}
    if roster_out:
        Path(roster_out).write_text(roster_to_csv(scenario, roster), encoding="utf-8")
    row.update({
        "shortfall": outcome.report["summary"]["shortfall_person_shifts"],
        "violations": len(judged.violations),
        "violations_by_rule": judged.by_rule(),
        "share_following_cycle": round(followed.share, 4),
        "cycle_summary": followed.sentence(),
        "childcare_uncovered_h_hard": sum(h.childcare_uncovered_hours for h in households
                                          if h.childcare_mode == "hard"),
        "childcare_uncovered_h_soft": sum(h.childcare_uncovered_hours for h in households
                                          if h.childcare_mode == "soft"),
        "shared_days_off_total": round(sum(h.shared_days_off_got for h in asked)
                                       / max(sum(h.shared_days_off_asked for h in asked), 1), 3),
        "shared_days_off_worst": min((round(h.shared_days_off_got / h.shared_days_off_asked, 3) for h in asked),
                                     default=None),
        "nights": spread(rows, "nights"), "sundays": spread(rows, "sundays"),
        # The same among the people of the cycle only (crews and relief pool): day-post people work no nights
        # or Sundays by design (their posts are weekday days), so they widen the gap in the groups they share.
        "nights_cycle_people": spread([r for r in rows if r.employee in in_cycle], "nights"),
        "sundays_cycle_people": spread([r for r in rows if r.employee in in_cycle], "sundays"),
        "day_post_people": sorted(e.id for e in plant.employees if e.crew is None),
        # Peers within one work pattern (crews, relief pool, outside the cycle) and across them, full-timers.
        "nights_by_work_pattern": gaps_by_work_pattern(Timeline(plant, roster), "nights"),
        "sundays_by_work_pattern": gaps_by_work_pattern(Timeline(plant, roster), "sundays"),
        "households": {h.id: {"days_off_together": f"{h.shared_days_off_got}/{h.shared_days_off_asked}",
                              "childcare_uncovered_h": h.childcare_uncovered_hours}
                       for h in households if h.shared_days_off_asked or h.childcare_uncovered_hours},
        "coverage_contracts_cost": price_on_common_terms(scenario, roster),
    })
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["cycle", "individual"])
    parser.add_argument("--time-limit", type=float, default=30)
    parser.add_argument("--series", help="modes to alternate in one run, e.g. cycle,individual")
    parser.add_argument("--time-limits", default="30,120", help="with --series: each limit runs every mode")
    parser.add_argument("--plant", choices=["kos", "kos-de"], default="kos")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--roster-out", help="write the roster to this CSV")
    arguments = parser.parse_args()
    if arguments.series:
        for limit in (float(t) for t in arguments.time_limits.split(",")):
            for mode in arguments.series.split(","):
                print(json.dumps(run(mode, limit, arguments.seed, None, arguments.plant), ensure_ascii=False),
                      flush=True)
        return
    if arguments.mode is None:
        parser.error("--mode or --series")
    print(json.dumps(run(arguments.mode, arguments.time_limit, arguments.seed, arguments.roster_out,
                         arguments.plant), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
