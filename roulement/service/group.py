"""Many plans at once: the sites of a group, and a large site cut into independent parts, run as tasks.

Every task carries its scenario and options in and its roster, report and figures out; it writes nothing.
This process writes the files. Each site's roster is judged by the independent checker in its task; a
large site's parts are put back together and the whole roster is judged here.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from roulement.analyse.capacity import (
    AbsenceRisk,
    GroupCapacity,
    SampleHits,
    absence_samples,
    cut_order,
    minimum_people,
    risk_from_hits,
)
from roulement.check.checker import check_roster
from roulement.examples.big import RELIEVERS_PER_POST
from roulement.examples.kos import RELIEF_RATE
from roulement.formats.files import write_all_atomic
from roulement.formats.group_yaml import LoadedGroup
from roulement.formats.roster_csv import roster_to_csv
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.model.skills import skill_groups
from roulement.report.document import build_report
from roulement.report.group_html import render_group_html
from roulement.report.html import render_html
from roulement.report.messages import Lang
from roulement.rules.packs import build_rules
from roulement.service import plans, shocks
from roulement.service.shocks import StressOutcome
from roulement.solve.builder import SHORTFALL_WEIGHT
from roulement.solve.crews import crew_posts, crew_problems, propose_crews
from roulement.solve.decompose import Part, merge_rosters, split_into_parts
from roulement.solve.exception import CHECK_SECONDS, POOL_REPAIR_SECONDS, crews_in_force, fairer_pool
from roulement.solve.options import SolveOptions
from roulement.solve.runtime import Progress
from roulement.tasks import Engine, ProgressCallback, Task, TaskRun, engine_started, run_tasks


@dataclass(frozen=True)
class RunnerOptions:
    """Where tasks run: `engine` auto (Ray if installed, else local processes), `workers` CPUs of the local
    runtime, `address` of an existing Ray cluster."""

    engine: Engine = "auto"
    workers: int | None = None
    address: str | None = None
    retries: int = 2


# ---------------------------------------------------------------------------------------------- one site


@dataclass(frozen=True)
class SiteJob:
    site_id: str
    scenario: Scenario
    options: SolveOptions
    decompose: bool = False


@dataclass
class SiteResult:
    """What a site's task sends back: its figures and its three files' contents."""

    site_id: str
    name: str
    law: str
    people: int
    status: str
    coverage_complete: bool
    # None when the search found no roster at all in its time.
    shortfall: int | None
    violations: int | None
    cost: int | None
    fairness: dict[str, Any] | None
    wall_time: float
    parts: int
    files: dict[str, str] = field(default_factory=dict)

    def line(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "files"}


def plan_site(job: SiteJob) -> SiteResult:
    """A task: plan one site (whole, or in parts one after the other), judge it, render its report.

    A search that found no roster in its time is an answer (a line saying so), not a failure."""
    started = time.monotonic()
    if job.decompose:
        planned = plan_in_parts(job.scenario, job.options, RunnerOptions(engine="serial"))
        roster, report, status, parts = planned.roster, planned.report, planned.status, len(planned.parts)
    else:
        # The search from its own first solution, not the slot-by-slot first roster: that one's moves and swaps
        # yield to the clock, and a site's roster must not depend on how busy the machine was.
        outcome = plans.plan(job.scenario, dataclasses.replace(job.options, first_roster=False))
        status, parts = outcome.result.status, 1
        if outcome.roster is None or outcome.report is None:
            return _no_roster(job, f"{status}: no roster in {outcome.result.wall_time:.0f} s",
                              time.monotonic() - started)
        roster, report = outcome.roster, outcome.report
    return _site_result(job, roster, report, status, parts, time.monotonic() - started)


def _no_roster(job: SiteJob, status: str, seconds: float) -> SiteResult:
    return SiteResult(site_id=job.site_id, name=job.scenario.site.name, law=job.scenario.site.jurisdiction.value,
                      people=len(job.scenario.employees), status=status, coverage_complete=False, shortfall=None,
                      violations=None, cost=None, fairness=None, wall_time=round(seconds, 3), parts=0)


def _site_result(job: SiteJob, roster: Roster, report: dict[str, Any], status: str, parts: int,
                 seconds: float) -> SiteResult:
    summary, spread = report["summary"], report["people"]["spread"]
    return SiteResult(
        site_id=job.site_id, name=job.scenario.site.name, law=job.scenario.site.jurisdiction.value,
        people=len(job.scenario.employees), status=status, coverage_complete=summary["coverage_complete"],
        shortfall=summary["shortfall_person_shifts"], violations=summary["violations"],
        cost=report["objective"]["total"],
        fairness={"nights_largest_deviation": spread["nights"]["largest_deviation"],
                  "sundays_largest_deviation": spread["sundays"]["largest_deviation"],
                  "nights_widest_full_time_gap": spread["nights"]["widest_full_time_gap"],
                  "sundays_widest_full_time_gap": spread["sundays"]["widest_full_time_gap"]},
        wall_time=round(seconds, 3), parts=parts,
        files={"roster.csv": roster_to_csv(job.scenario, roster),
               "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
               "report.html": render_html(job.scenario, roster, report)},
    )


# ---------------------------------------------------------------------------------------------- a group


@dataclass
class GroupOutcome:
    name: str
    sites: list[str]
    results: dict[str, SiteResult]
    run: TaskRun[SiteResult]

    def document(self) -> dict[str, Any]:
        failed = {f.name: f for f in self.run.failures}
        lines = []
        for site in self.sites:
            if site in self.results:
                result = self.results[site]
                lines.append({"outcome": "planned" if result.files else "no roster", **result.line(),
                              "report": f"{site}/report.html" if result.files else None})
            elif site in failed:
                lines.append({"site_id": site, "outcome": "failed", "error": failed[site].error,
                              "attempts": failed[site].attempts})
            else:
                lines.append({"site_id": site, "outcome": "not planned (stopped)"})
        planned = list(self.results.values())
        return {
            "group": self.name,
            "sites": lines,
            "totals": {"sites": len(self.sites), "planned": len(planned), "failed": len(self.run.failures),
                       "no_roster": sum(1 for r in planned if not r.files),
                       "people": sum(r.people for r in planned),
                       "fully_covered_and_lawful": sum(1 for r in planned if r.coverage_complete and not r.violations),
                       "sum_of_site_times": round(sum(r.wall_time for r in planned), 3)},
            "run": self.run.summary(),
        }


def plan_group(
    group: LoadedGroup,
    runner: RunnerOptions | None = None,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> GroupOutcome:
    """Plan every site of `group` as its own task, under its own law."""
    runner = runner or RunnerOptions()
    defaults = group.group.defaults
    tasks = []
    for loaded in group.sites:
        site = loaded.site
        options = SolveOptions(time_limit=site.time_limit or defaults.time_limit,
                               seed=defaults.seed if site.seed is None else site.seed,
                               workers=defaults.solver_workers)
        decompose = defaults.decompose if site.decompose is None else site.decompose
        tasks.append(Task(site.id, plan_site, (SiteJob(site.id, loaded.scenario, options, decompose),),
                          cpus=defaults.solver_workers))
    run = run_tasks(tasks, engine=runner.engine, workers=runner.workers, address=runner.address,
                    retries=runner.retries, on_progress=on_progress, stop=stop)
    return GroupOutcome(group.group.name, [t.name for t in tasks], run.results, run)


def write_group_outputs(outcome: GroupOutcome, out_dir: Path) -> list[Path]:
    """Each planned site's three files under DIR/<site>/, then group.json and group.html, all or nothing."""
    files: dict[Path, str | bytes] = {}
    for site, result in outcome.results.items():
        for name, content in result.files.items():
            files[out_dir / site / name] = content
    document = outcome.document()
    files[out_dir / "group.json"] = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    files[out_dir / "group.html"] = render_group_html(document)
    write_all_atomic(files)
    return [out_dir / "group.html", out_dir / "group.json"]


# ---------------------------------------------------------------------------------------------- a large site

# Seconds a part gets at least, whatever its size, and how much longer a part that came back short tries again.
PART_FLOOR_SECONDS = 5.0
RETRY_FACTOR = 3.0
# A part planned by exception has this long (or the site's whole time limit, if shorter), whatever its share of
# the site's time, and stops soon after its first covered roster (`improve`): one the cycle and the pool nearly
# cover finds it in seconds; one whose holes need its holders moved on many days needs tens of seconds (a
# 291-person workshop: 28 s alone, more than 60 s on a busy machine, where it was then planned individually for
# 180 s and more). A part still short after it is planned again individually, for as long.
EXCEPTION_PART_SECONDS = 180.0


# Once a part has its first roster meeting every minimum, it searches on for this share of the time that took,
# then stops. On three workshops of the 5,665-person plant the search as long again (1.0) ended on the rosters
# 0.25 ended on (the checker's costs equal), in 29-43 s against 18 s each: the neighbourhood of the cycle is
# explored within a few seconds of the first covered roster.
DEFAULT_IMPROVE = 0.25


# A part's search: by exception, the holders of a post the cycle and the pool leave short may deviate on any day
# (a workshop's holes are often a day post and a crew's absentee at once, which a day either side cannot close);
# no search for why the cover is impossible (a part's own minimums are proven impossible only within the
# exception's neighbourhood, and the plan goes on individually: tens of seconds for nothing).
PART_OPTIONS: dict[str, Any] = {"free_holders_of_holes": True, "explain_time_limit": 0.0}


@dataclass
class PartResult:
    name: str
    roster: Roster
    status: str
    complete: bool
    wall_time: float
    how: str = "individually"
    # Person-shifts short plus violations: what "complete" lacks.
    shortfall: int = 0
    # The relief pool's fair-share repair after the search: what it did (empty: not run).
    pool_repair: str = ""


@dataclass
class PartsOutcome:
    scenario: Scenario
    roster: Roster
    report: dict[str, Any]
    status: str
    parts: list[PartResult]
    run: dict[str, Any]
    failures: list[str]
    interrupted: bool


def write_site_outputs(planned: PartsOutcome, out_dir: Path) -> list[Path]:
    return plans.write_outputs(planned.scenario, planned.roster, planned.report, out_dir)


def plan_part(name: str, scenario: Scenario, options: SolveOptions, improve: float | None = None,
              fallback: float = 0.0) -> PartResult:
    """A task: plan one part of a site (judged whole later, with the rest).

    `improve`: once the first roster meeting every minimum is in hand, search on for this many times the time it
    took, then stop with the best roster (None: search until the time limit). `fallback`: a part with crews that
    comes back short or breaking a rule is planned again at once, individually (its people off the cycle), for
    this many times its time limit (0: not)."""
    first = _plan_part_once(name, scenario, options, improve)
    if first.complete or fallback <= 0 or not crews_in_force(scenario):
        return first
    again = _plan_part_once(name, scenario.replaced(rotation=None),
                            dataclasses.replace(options, time_limit=options.time_limit * fallback), improve)
    again.how = "individually, after the cycle left it short"
    again.wall_time += first.wall_time
    return again if again.complete or again.shortfall < first.shortfall else first


def _plan_part_once(name: str, scenario: Scenario, options: SolveOptions, improve: float | None,
                    pool_repair: bool = True) -> PartResult:
    stop = threading.Event()
    timers: list[threading.Timer] = []

    def first_roster(progress: Progress) -> None:
        # Counted from the first roster that meets every minimum, as the search reports it (a part planned by
        # exception may start with holes). An objective below one shortfall's price has none, but a covered
        # workshop's deviations can cost more than that: judged by the objective alone, a 295-person part covered
        # at 4 s searched on to 112 s (docs/benchmarks.md).
        covered = progress.covered if progress.covered is not None else (
            progress.objective is not None and progress.objective < SHORTFALL_WEIGHT)
        if improve is not None and progress.solutions and covered and not timers:
            timer = threading.Timer(max(0.5, improve * progress.elapsed), stop.set)
            timer.daemon = True
            timers.append(timer)
            timer.start()

    # No slot-by-slot first roster: nobody writes a part before it is merged, and a part's search starts better
    # from its own first solution (a small generated plant stayed short of its ESI minimum from that start).
    outcome = plans.plan(scenario, dataclasses.replace(options, first_roster=False), on_progress=first_roster,
                         stop=stop)
    for timer in timers:
        timer.cancel()
    if outcome.roster is None or outcome.report is None:
        raise RuntimeError(f"no roster found ({outcome.result.status} after {outcome.result.wall_time:.0f} s)")
    roster, report, repair = outcome.roster, outcome.report, ""
    if stop.is_set() and crews_in_force(scenario) and pool_repair:
        roster, report, repair = _pool_repaired(scenario, options, roster, report)
    summary = report["summary"]
    return PartResult(name, roster, outcome.result.status, summary["coverage_complete"] and not summary["violations"],
                      outcome.result.wall_time, "by exception" if crews_in_force(scenario) else "individually",
                      summary["shortfall_person_shifts"] + summary["violations"], repair)


def _pool_repaired(scenario: Scenario, options: SolveOptions, roster: Roster, report: dict[str, Any]
                   ) -> tuple[Roster, dict[str, Any], str]:
    """The relief pool's fair-share repair (`solve.exception.fairer_pool`), which plan by exception runs only
    after a search that was not stopped: a part's search is stopped on purpose soon after its first covered
    roster, so without this the pool's nights and Sundays were never repaired in a plan in parts. Kept only if
    the independent checker finds the roster no worse (fairer_pool's verdict)."""
    fairer, note = fairer_pool(scenario, build_rules(scenario), roster, POOL_REPAIR_SECONDS + CHECK_SECONDS,
                               options, None)
    if fairer is None:
        return roster, report, note or "nothing to repair"
    repaired, checked = fairer
    return repaired, build_report(scenario, repaired, checked), note


def part_time_limits(parts: list[Part], time_limit: float, workers: int) -> dict[str, float]:
    """Each part's share of `time_limit` on `workers` CPUs, by head count, never below the floor."""
    people = sum(part.people for part in parts) or 1
    return {part.name: round(max(PART_FLOOR_SECONDS, 0.8 * time_limit * workers * part.people / people), 1)
            for part in parts}


def plan_in_parts(
    scenario: Scenario,
    options: SolveOptions,
    runner: RunnerOptions | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    stop: threading.Event | None = None,
    improve: float | None = DEFAULT_IMPROVE,
) -> PartsOutcome:
    """Cut the site, plan the parts as tasks (one CP-SAT thread each), try again with more time the parts that
    came back short or broke a rule, then judge the whole roster with the independent checker.

    With crews on a cycle the parts are the groups of people who can hold the same posts, each safety minimum
    kept whole, and each part is planned by exception (the cycle, the relief pool, deviations where needed);
    without, the cut is by team.

    `options.time_limit` is the budget of the whole site: each part gets a share by head count (by exception:
    each part up to `EXCEPTION_PART_SECONDS`, or the whole budget if shorter), and stops sooner once it has
    searched `improve` times as long as its first roster took (see `plan_part`)."""
    runner = runner or RunnerOptions()
    crews = crews_in_force(scenario)
    parts = split_into_parts(scenario, minimums_whole=True) if crews else split_into_parts(scenario, by_team=True)
    workers = 1 if runner.engine == "serial" else (runner.workers or 2)
    limits = part_time_limits(parts, options.time_limit, workers)
    by_name = {part.name: part for part in parts}

    def tasks_for(names: list[str], factor: float) -> list[Task[PartResult]]:
        # With crews, a part the cycle, the pool and the search's deviations from it leave short is planned
        # individually (its people off the cycle) in the same task, which covers it far more often; tried again,
        # it is planned individually from the start.
        individually = crews and factor > 1
        seconds = {name: min(EXCEPTION_PART_SECONDS, options.time_limit) if crews else limits[name] * factor
                   for name in names}
        return [Task(name, plan_part, (name, by_name[name].scenario.replaced(rotation=None) if individually
                                       else by_name[name].scenario,
                                       replace(options, time_limit=seconds[name], workers=1, **PART_OPTIONS),
                                       improve, 1.0 if crews else 0.0))
                for name in names]

    total = len(parts)
    ended = 0

    def count(done: int, _: int, name: str) -> None:
        if on_progress is not None:
            on_progress(ended + done, total, name)

    # One runtime for both passes (Ray started once).
    with engine_started(runner.engine, runner.workers, runner.address):
        run = run_tasks(tasks_for(list(by_name), 1.0), engine=runner.engine, workers=runner.workers,
                        address=runner.address, retries=runner.retries, on_progress=count, stop=stop)
        results = dict(run.results)
        again = [name for name in by_name if name not in results or not results[name].complete]
        summary = run.summary()
        if again and not run.interrupted:
            ended, total = total, total + len(again)
            second = run_tasks(tasks_for(again, RETRY_FACTOR), engine=runner.engine, workers=runner.workers,
                               address=runner.address, retries=runner.retries, on_progress=count, stop=stop)
            for name, result in second.results.items():
                if name not in results or result.complete or not results[name].complete:
                    results[name] = result
            summary["second_pass"] = second.summary()
            if crews:
                summary["second_pass"]["planned"] = "individually (off the cycle)"
            run.interrupted = second.interrupted
    roster = merge_rosters(result.roster for result in results.values())
    checked = check_roster(scenario, roster)
    statuses = {result.status for result in results.values()}
    status = "FEASIBLE" if statuses <= {"FEASIBLE", "OPTIMAL"} and results else "/".join(sorted(statuses))
    strategy = "parts by exception (cycle and relief pool)" if crews else "parts by team"
    individually = sorted(name for name, result in results.items() if crews and result.how != "by exception")
    solver = {"status": status, "wall_time": summary["wall_time"], "strategy": strategy, "parts": len(parts),
              "parts_planned_individually": individually, "parts_tried_again": again,
              "relief_pool_repair": {name: r.pool_repair for name, r in results.items() if r.pool_repair},
              "run": summary}
    report = build_report(scenario, roster, checked, solver=solver)
    failures = [f"{name}: no roster" for name in by_name if name not in results]
    return PartsOutcome(scenario, roster, report, status, list(results.values()), summary, failures,
                        run.interrupted)


# ---------------------------------------------------------------------------------------------- sweeps


@dataclass
class OrdersOutcome:
    """`stress --cut N` judged for several selection orders, each order one task."""

    cut: int
    outcomes: dict[str, StressOutcome]
    run: TaskRun[StressOutcome]

    def as_dict(self, source: str) -> dict[str, Any]:
        return {
            "scenario": source,
            "cut": self.cut,
            "orders": {order: {"plant_can_run": outcome.plant_can_run, "removed": outcome.removed,
                               "short_person_shifts": None if outcome.cut is None
                               else sum(outcome.cut.by_post().values()), "report": f"{order}/stress.html"}
                       for order, outcome in self.outcomes.items()},
            "run": self.run.summary(),
        }


def stress_orders(
    scenario: Scenario,
    cut: int,
    orders: list[str],
    seed: int = 0,
    time_limit: float = 30.0,
    workers: int = 2,
    runner: RunnerOptions | None = None,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> OrdersOutcome:
    """The same cut made in each order (who goes first), each judged by `shocks.stress` as its own task."""
    runner = runner or RunnerOptions()
    tasks = [Task(order, shocks.stress, (scenario, cut_order(scenario, order, seed)[:cut], order, True, None, 200,
                                         seed, time_limit, workers), cpus=workers)
             for order in orders]
    run = run_tasks(tasks, engine=runner.engine, workers=runner.workers, address=runner.address,
                    retries=runner.retries, on_progress=on_progress, stop=stop)
    return OrdersOutcome(cut, run.results, run)


def write_stress_orders(outcome: OrdersOutcome, out: Path, source: str, lang: Lang = "en") -> list[Path]:
    """Each order's stress.json and stress.html (today's report) under DIR/<order>/, and DIR/orders.json."""
    written: list[Path] = []
    for order, judged in outcome.outcomes.items():
        written.extend(shocks.write_stress(judged, out / order, source, lang))
    summary = out / "orders.json"
    write_all_atomic({summary: json.dumps(outcome.as_dict(source), indent=2, ensure_ascii=False) + "\n"})
    return [*written, summary]


@dataclass
class CapacityOutcome:
    """`capacity` with each skill group its own task: the groups in the serial order, and the run."""

    groups: list[GroupCapacity]
    run: TaskRun[GroupCapacity]


def capacity_as_tasks(
    scenario: Scenario,
    time_limit: float = 10.0,
    workers: int = 2,
    runner: RunnerOptions | None = None,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> CapacityOutcome:
    """The fewest people per skill group, each group searched as its own task (`workers` CP-SAT threads each);
    the groups come back in the order the serial `capacity` gives them."""
    runner = runner or RunnerOptions()
    groups = skill_groups(scenario)
    tasks = [Task(f"{number:03d} {group.name}", minimum_people, (scenario, group, time_limit, workers), cpus=workers)
             for number, group in enumerate(groups, start=1)]
    run = run_tasks(tasks, engine=runner.engine, workers=runner.workers, address=runner.address,
                    retries=runner.retries, on_progress=on_progress, stop=stop)
    return CapacityOutcome([run.results[task.name] for task in tasks if task.name in run.results], run)


# Samples of random absences judged per task: each is a few max-flows (milliseconds on KOS), so a task holds many.
SAMPLES_PER_TASK = 25


@dataclass
class AbsenceRiskOutcome:
    """`stress --absence-rate` with its samples judged in batches as tasks: the risk over the samples judged."""

    risk: AbsenceRisk
    run: TaskRun[SampleHits]


def absence_risk_as_tasks(
    scenario: Scenario,
    rate: float,
    samples: int,
    seed: int = 0,
    runner: RunnerOptions | None = None,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    per_task: int = SAMPLES_PER_TASK,
) -> AbsenceRiskOutcome:
    """`analyse.capacity.absence_risk` with the samples judged `per_task` at a time, each batch its own task.

    Sample k draws from a stream seeded by (seed, k), so the risk is the serial one whatever the engine. A batch
    that failed or was not run (Ctrl-C) is left out: the risk is then over the samples judged, and says how many."""
    runner = runner or RunnerOptions()
    started = time.monotonic()
    batches = [range(first, min(first + per_task, samples)) for first in range(0, samples, per_task)]
    tasks = [Task(f"samples {batch.start + 1}-{batch.stop}", absence_samples, (scenario, rate, seed, batch))
             for batch in batches]
    run = run_tasks(tasks, engine=runner.engine, workers=runner.workers, address=runner.address,
                    retries=runner.retries, on_progress=on_progress, stop=stop)
    hits = SampleHits()
    for task in tasks:  # in sample order, so the dictionaries' order is the serial one
        if task.name in run.results:
            hits.add(run.results[task.name])
    return AbsenceRiskOutcome(risk_from_hits(hits, rate, time.monotonic() - started), run)


# ---------------------------------------------------------------------------------------------- generated plants

# Deterministic seconds of CP-SAT (one thread) to put one workshop's people in crews: about 10 s of wall time
# for six lines, the same proposal on every machine.
CREW_PROPOSAL_SECONDS = 1.0


def place_workshop_in_crews(plant: Scenario, seed: int) -> Scenario:
    """The crew placer of `examples.big`: `solve.crews.propose_crews` on one thread, deterministic, then the
    relief pool given its relievers of every trade (`staff_relief_pool`)."""
    proposal = propose_crews(plant, absence_rate=RELIEF_RATE, time_limit=CREW_PROPOSAL_SECONDS, workers=1,
                             seed=seed, deterministic=True)
    placed = plant.replaced(employees=[e.model_copy(update={"crew": proposal.places.get(e.id)})
                                       for e in plant.employees])
    return staff_relief_pool(placed)


def staff_relief_pool(plant: Scenario, relievers: int = RELIEVERS_PER_POST) -> Scenario:
    """Crew members a crew can spare moved to the relief pool until it holds `relievers` people able to hold
    each crew post, as a plant staffs its relief pool trade by trade (`examples.big.RELIEVERS_PER_POST`). Without
    it a small trade (two or three mechanics a shift, one or two on the day post) had no reliever in a generated
    workshop: its crews' spare members were moved off the cycle to the day post for a week of holiday, working
    one night or two where their crew works five or six (a nights gap of 5 among full-time peers at 5,665 people).

    A member moves only if every crew still staffs each of its posts and its safety minimums on its own
    (`crew_problems` finds nothing new); the largest crew gives first, and within it whoever holds the fewest
    posts. Scarcest posts first. Deterministic: the same plant gives the same pool."""
    rotation = plant.rotation
    if rotation is None or rotation.relief_pool is None:
        return plant
    pool, crews = rotation.relief_pool.id, {crew.id for crew in rotation.crews}
    places = {e.id: e.crew for e in plant.employees}
    posts = crew_posts(plant)
    holds = {e.id: {p for p in posts if set(plant.post(p).skills) <= set(e.skills)} for e in plant.employees}

    def placed() -> Scenario:
        return plant.replaced(employees=[e.model_copy(update={"crew": places[e.id]}) for e in plant.employees])

    problems = len(crew_problems(plant))
    for post in sorted(posts, key=lambda p: (sum(p in held for held in holds.values()), p)):
        while sum(1 for e, place in places.items() if place == pool and post in holds[e]) < relievers:
            sizes: Counter[str | None] = Counter(place for place in places.values() if place in crews)
            candidates = sorted((e for e, place in places.items() if place in crews and post in holds[e]),
                                key=lambda e: (-sizes[places[e]], len(holds[e]), e))
            for candidate in candidates:
                crew, places[candidate] = places[candidate], pool
                if len(crew_problems(placed())) <= problems:
                    break
                places[candidate] = crew
            else:
                break  # no crew can spare a holder of this post
    return placed() if any(places[e.id] != e.crew for e in plant.employees) else plant
