"""Benchmark: a generated group planned site by site in this process (serial) and as tasks on a local Ray
runtime, side by side in one run.

    .venv/bin/python -m bench.group --sites 20 --people 250 --time-limit 15 --workers 2

Every site is one task: one CP-SAT thread for `--time-limit` seconds, judged by the independent checker and
its report rendered in the task. Each engine reads the group's files itself, as `roulement group plan` does:
`serial`; `ray-cold`, Ray started once the files are read (as before); `ray`, Ray started in the background
while they are read (`tasks.engine_started`, what the command does now). Prints, per engine: the time to read
the files, the plan's wall time from then on (Ray's start-up still waited for included), the sum of the tasks'
own times, the ideal (that sum over the workers), the start-up waited for, the overhead per task and the sites
planned lawful and covered.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import time
from pathlib import Path

from roulement.examples.big import big_group
from roulement.formats.group_yaml import load_group, save_group
from roulement.formats.scenario_yaml import save_scenario
from roulement.model.group import Group, GroupPlanDefaults, GroupSite
from roulement.service.group import GroupOutcome, RunnerOptions, place_workshop_in_crews, plan_group
from roulement.tasks import Engine, engine_started


def figures(label: str, outcome: GroupOutcome, wall: float, reading: float) -> dict[str, object]:
    run = outcome.run
    busy = sum(run.durations.values())
    ideal = busy / run.workers
    per_worker = run.total / run.workers
    document = outcome.document()
    return {
        "engine": label, "workers": run.workers, "reading_s": round(reading, 1), "wall_s": round(wall, 1),
        "task_seconds": round(busy, 1),
        "ideal_s": round(ideal, 1), "startup_s": round(run.startup_time, 1),
        "wall_over_ideal": round(wall / ideal, 3) if ideal else None,
        "overhead_per_task_s": round((wall - ideal) / per_worker, 2),
        "overhead_per_task_without_startup_s": round((wall - run.startup_time - ideal) / per_worker, 2),
        "failed": len(run.failures), "no_roster": document["totals"]["no_roster"],
        "covered_and_lawful": document["totals"]["fully_covered_and_lawful"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--people", type=int, default=250)
    parser.add_argument("--time-limit", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engines", nargs="+", default=["serial", "ray-cold", "ray"],
                        help="serial, processes, ray-cold (Ray started after the files are read), ray (started "
                             "while they are read)")
    parser.add_argument("--keep", type=Path, help="Folder for the generated group, kept (and reused)")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        folder = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if not (Path(folder) / "group.yaml").exists():  # a --keep folder may hold the group from an earlier run
            Path(folder).mkdir(parents=True, exist_ok=True)
            generated = big_group(args.sites, args.people, args.seed, workers=args.workers,
                                  crews=place_workshop_in_crews)
            for site in generated:
                save_scenario(site.scenario, Path(folder) / f"{site.id}.yaml")
            save_group(Group(name="bench", defaults=GroupPlanDefaults(time_limit=args.time_limit, solver_workers=1),
                             sites=[GroupSite(id=s.id, scenario=f"{s.id}.yaml") for s in generated]),
                       Path(folder) / "group.yaml")
        first = load_group(Path(folder) / "group.yaml")
        print(f"# {len(first.sites)} sites, {sum(len(s.scenario.employees) for s in first.sites)} people, "
              f"{args.time_limit} s per site", flush=True)
        for label in args.engines:
            engine: Engine = "ray" if label.startswith("ray") else label
            background = engine_started(engine, args.workers, warm=("roulement.service.group",)) \
                if label == "ray" else contextlib.nullcontext()
            reading = time.monotonic()
            with background:
                group = load_group(Path(folder) / "group.yaml")
                started = time.monotonic()
                outcome = plan_group(group, RunnerOptions(engine=engine, workers=args.workers))
            wall = time.monotonic() - started  # Ray's shut-down included, as in ray-cold's run
            print(json.dumps(figures(label, outcome, wall, started - reading)), flush=True)
            with open("/proc/loadavg") as load:
                print(f"# load average after: {load.read().split()[:3]}", flush=True)


if __name__ == "__main__":
    main()
