"""Column generation over people's schedules: a lower bound with a proof, and rosters from the columns.

1. Column generation (`generation.py`): HiGHS solves the master LP over the columns in hand (`master.py`);
   its duals price each (day, shift, post); every person's cheapest schedule under those prices is sought
   (`dp.py` when all their rules walk day by day, else CP-SAT on the person alone, `alone.py`); the
   independent checker judges each before it enters. With exact pricing, every full round gives a Lagrangian
   lower bound, and at the end the LP value itself bounds every roster.
2. Diving (`dive.py`): fix what the LP settles, price again under the fixings, until one schedule per person;
   more dives while time is left.
3. Price-and-branch: HiGHS's MIP over every column generated, from the best dive's roster.
4. If the best roster is not proven optimal, the existing CP-SAT search (`lns.plan_best`) starts from it.

Rules tying several people together (`decompose.py`) stay outside the columns and outside the bound; the
result says which terms the bound covers.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from roulement.check.checker import check_roster
from roulement.model.costs import least_whole_cost
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve.colgen.bound import covered_cost
from roulement.solve.colgen.branch import branch_and_price
from roulement.solve.colgen.choice import colgen_kind
from roulement.solve.colgen.compact import compact_bound
from roulement.solve.colgen.dive import MANY_PEOPLE, DiveResult, dive
from roulement.solve.colgen.generation import (
    BOUND_SMOOTHING,
    Bound,
    Generation,
    NoSchedule,
    Person,
    generate,
)
from roulement.solve.colgen.master import Column
from roulement.solve.lns import plan_best  # the CP-SAT search, warm-started from the columns
from roulement.solve.options import SolveOptions, SolveResult
from roulement.solve.runtime import Progress
from roulement.solve.search import solve as search_solve

__all__ = ["Bound", "Generation", "NoSchedule", "Person", "generate", "lower_bound", "plan_colgen"]

# Share of the time the compact relaxation's bound may take before the CP-SAT search (`with_compact_bound`).
COMPACT_SHARE = 0.25
# Share of the time column generation may take before the integer step, when it has not converged.
GENERATION_SHARE = 0.6
# The LP counts as converged for the integer step when its bound is within this share of its value.
NEAR_CONVERGED = 0.01
# The dive must end by this share of the time (it usually ends far sooner); then a MIP over the columns that
# fit its fixings may take this share more to choose the rest.
DIVE_SHARE = 0.7
DIVE_FINISH_SHARE = 0.1
# Later dives stop after this many in a row find no cheaper roster.
FRUITLESS_DIVES = 8
# Branch and price (after the first dive) ends by this share of the time; the MIP over the columns and the CP-SAT
# search from the best roster share the rest.
BRANCH_SHARE = 0.85
# Off by default: in the side-by-side run at 60 s (docs/benchmarks.md, session 6) it beat main's later dives on
# Curtois-Qu 7 (1,063 against 1,071) but lost on 5 (1,351 against 1,144) and 8 (1,611 against 1,412), and
# left 12 at the dive's 4,651. On, it replaces the later dives.
BRANCH_AND_PRICE = False
# Share of the time left after the first dive that later dives may take (the rest: the MIP and the search).
MORE_DIVES_SHARE = 0.2
# A later dive that finds a roster at least this share cheaper than the best earns one more dive's time.
GAINFUL = 0.01
# With at least `dive.MANY_PEOPLE` people and a converged LP, the later dives may go on until this share of the
# time (the MIP over the columns and the CP-SAT search share the rest).
MANY_PEOPLE_DIVE_SHARE = 0.85
# The later dives' window is at least this many times the first dive's time (within `DIVE_SHARE`).
ONE_MORE_DIVE = 1.2
# A later dive is started only when the window left is at least this share of the last dive's time.
DIVE_FITS = 0.8
# Share of the time left that the MIP over the columns may take at most (the rest: the CP-SAT search).
MIP_OF_LEFT = 1 / 3
# Share of the time the MIP over the columns may take (when the LP did not converge: a short look only).
MIP_SHARE = 0.25
UNFINISHED_MIP_SHARE = 0.05


def lower_bound(scenario: Scenario, rules: Sequence[Rule], seconds: float, seed: int = 0,
                stop: threading.Event | None = None) -> Bound | None:
    """A lower bound on the terms that decompose by person and walk day by day (the relaxation of
    `generate(relaxed=True)`), within `seconds`; None if no exact pricing round finished in time."""
    generation = generate(scenario, rules, time.monotonic() + seconds, seed, stop=stop, relaxed=True,
                          smoothing=BOUND_SMOOTHING)
    return generation.bound


def wants_compact_bound(rules: Sequence[Rule], fresh: bool, hard_minimums: bool) -> bool:
    """Whether a plan left to the CP-SAT search gets the compact relaxation's bound first: where column
    generation would have planned but for the size (`choice.choose_engine`), and CP-SAT's own bound at one
    worker is 0 (Curtois-Qu 12-24)."""
    return colgen_kind(rules, fresh, hard_minimums)


def with_compact_bound(scenario: Scenario, options: SolveOptions, rules: Sequence[Rule],
                       plan: Callable[[SolveOptions], SolveResult]) -> SolveResult:
    """The compact relaxation's bound (`compact.py`) within `COMPACT_SHARE` of the time, then `plan` (the CP-SAT
    search) for the rest; the higher of the two bounds is reported, never one above the roster's cost."""
    started = time.monotonic()
    found = compact_bound(scenario, rules, COMPACT_SHARE * options.time_limit)
    spent = time.monotonic() - started
    result = plan(replace(options, time_limit=max(options.time_limit - spent, 1.0)))
    result.wall_time += spent
    if result.time_to_best is not None:
        result.time_to_best += spent
    if found is None or found.whole <= 0:
        # Its interior point stopped by the time limit (a year: Curtois-Qu 23, 24) gives duals whose bound is
        # below zero: true, but no news.
        result.note = "; ".join(part for part in (
            result.note,
            f"no positive bound from the compact relaxation within {COMPACT_SHARE * options.time_limit:.0f} s")
            if part)
        return result
    told = f"compact relaxation's bound {found.whole:,} in {found.seconds:.1f} s"
    if result.objective is not None and found.whole > result.objective + 1e-6:
        # Above a lawful roster's cost it is no bound: a bug, never reported.
        result.note = "; ".join(part for part in (result.note, f"{told} discarded: above the roster's cost") if part)
        return result
    result.note = "; ".join(part for part in (result.note, told) if part)
    if result.bound is None or found.whole > result.bound:
        result.bound = float(found.whole)
        result.bound_kind = found.kind
        result.bound_excludes = found.excludes
        if result.objective is not None and result.objective <= found.whole:
            result.status = "OPTIMAL"
    return result


def _frozen(scenario: Scenario, options: SolveOptions) -> dict[str, dict[int, tuple[str, str] | None]]:
    """employee -> day -> what a frozen day or cell keeps (None: off), as the CP-SAT builder freezes them."""
    if options.frozen is None or not (options.frozen_days or options.frozen_cells):
        return {}
    start = scenario.horizon.start
    kept = {(a.employee, (a.date - start).days): (a.shift, a.post) for a in options.frozen}
    result: dict[str, dict[int, tuple[str, str] | None]] = {}
    for employee in scenario.employees:
        days = set(options.frozen_days) | {day for person, day in options.frozen_cells if person == employee.id}
        result[employee.id] = {day: kept.get((employee.id, day)) for day in days
                               if 0 <= day < scenario.horizon.days}
    return result


def plan_colgen(
    scenario: Scenario,
    options: SolveOptions | None = None,
    rules: Sequence[Rule] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> SolveResult:
    """Plan by column generation and price-and-branch; polish with the CP-SAT search if time is left."""
    options = options or SolveOptions()
    in_force = list(rules) if rules is not None else build_rules(scenario)
    started = time.monotonic()
    deadline = started + options.time_limit
    best_objective: list[float | None] = [None]

    def show_bound(bound: Bound) -> None:
        if on_progress is not None:
            on_progress(Progress(time.monotonic() - started, 0, best_objective[0], bound.whole))

    try:
        generation = generate(scenario, in_force, started + GENERATION_SHARE * options.time_limit, options.seed,
                              show_bound, stop, _frozen(scenario, options))
    except NoSchedule as error:
        # The CP-SAT search can still price what cannot be met (shortfalls) and say why: hand over to it.
        left = max(options.time_limit - (time.monotonic() - started), 1.0)
        result = search_solve(scenario, replace(options, engine="cpsat", time_limit=left), on_progress, in_force, stop)
        result.note = "; ".join(part for part in (f"column generation: {error}", result.note) if part)
        return result
    master = generation.master
    bound = generation.bound
    whole = bound.whole if bound is not None else None
    # Columns from a converged LP are the right ones to branch on; from an unfinished one, a short MIP only
    # offers a roster, and the CP-SAT search starts from its own first roster (Instance8, 60 s: 5,060 from the
    # MIP's roster as hint, against 1,937 from its own start; docs/benchmarks.md).
    # A stabilised LP often ends its share with the bound a hair below its value, never claimed converged
    # (Curtois-Qu 15 at ten minutes: bound 3,822, optimum 3,828): its columns are as good to branch on.
    converged = bound is not None and (bound.converged or (
        not master.standing_in and master.value > 0 and master.value - bound.value <= NEAR_CONVERGED * master.value))
    roster: Roster | None = None
    cost: float | None = None
    found_at: float | None = None
    notes = [f"{generation.rounds} rounds, {len(master.columns)} columns in {time.monotonic() - started:.1f} s",
             *generation.notes]

    def offer(columns: list[Column] | None, how: str, quiet: bool = False) -> None:
        """Keep a roster from the columns when the checker finds it lawful and cheaper than the one in hand."""
        nonlocal roster, cost, found_at
        if columns is None:
            return
        candidate = Roster(master.assignments(columns))
        checked = check_roster(scenario, candidate, in_force)
        if not checked.ok:
            notes.append(f"{how}: the checker rejected the roster")
            return
        better = cost is None or checked.total < cost
        if better or not quiet:
            notes.append(f"{how} {checked.total:,} at {time.monotonic() - started:.1f} s")
        if better:
            roster, cost, found_at = candidate, float(checked.total), time.monotonic() - started
            best_objective[0] = cost
            if on_progress is not None:
                on_progress(Progress(found_at, 1, cost, whole))

    # Diving: fix what the LP settles, price again, until one schedule per person (people who walk day by day).
    dive_deadline = started + DIVE_SHARE * options.time_limit
    if master.standing_in:
        # Seeding's share ran out before everyone had a schedule (year-long people) and the rounds did not
        # reach them all: no roster from the columns. The CP-SAT search plans from its own start.
        notes.append(f"{len(master.standing_in)} people still without a schedule from column generation")
        dived = DiveResult(None, None, 0, 0, 0)
        dive_seconds = 0.0
    else:
        dive_started = time.monotonic()
        dived = dive(generation, dive_deadline, options.seed, stop, finish=DIVE_FINISH_SHARE * options.time_limit)
        dive_seconds = time.monotonic() - dive_started
    best_dive = dived.columns
    if dived.columns is not None:
        finished = ", the rest by a MIP over the columns fitting its fixings" if dived.finished_by_mip else ""
        offer(dived.columns, f"dive ({dived.steps} steps, {dived.rounds} rounds{finished})")
    elif generation.exact and not master.standing_in:
        notes.append(f"dive unfinished ({dived.steps} steps, {dived.backtracks} undone)")
        # A dive by whole schedules never undoes a step: a roster from the columns all the same. Only as a
        # fallback: first, it cost Curtois-Qu 12 the finer dive's time (5,760 against 4,857 at 60 s).
        quick = dive(generation, max(dive_deadline, time.monotonic() + 1.0), options.seed, stop, whole=True)
        if quick.columns is not None:
            offer(quick.columns, f"dive by whole schedules ({quick.steps} steps)")
            best_dive = quick.columns
    # Branch and price from the dive's roster (docs/colgen.md): plunges like dives, each node's LP priced to
    # the end under its fixings, pruned by its bound; the tree exhausted, the roster is proven optimal.
    searched = None
    if BRANCH_AND_PRICE and generation.exact and bound is not None and not bound.excludes and not (
            cost is not None and whole is not None and cost <= whole):
        searched = branch_and_price(generation, started + BRANCH_SHARE * options.time_limit, cost, options.seed,
                                    stop)
        offer(searched.columns, "branch and price")
        if searched.columns is not None:
            best_dive = searched.columns
        # Exhausted, its bound is the best roster's cost (the dive's or its own): proven optimal.
        if searched.bound is not None and (whole is None or least_whole_cost(searched.bound) > whole):
            whole = least_whole_cost(searched.bound)
            bound = Bound(float(whole), bound.kind, bound.excludes, bound.converged, bound.rounds, bound.columns)
        outcome = "tree exhausted" if searched.exhausted else f"bound {whole:,}"
        notes.append(f"branch and price: {searched.nodes} nodes, {searched.pruned} pruned, {outcome}")
    # Without it (rules between people, CP-SAT pricing), more dives while time is left and the roster is not
    # proven: each draws its fixings a little differently,
    # and each leaves its columns in the pool the MIP below chooses from.
    # Stop after a few in a row that find nothing better: the roster may be optimal with the LP too weak to
    # prove it (Curtois-Qu 1: bound 558, optimum 607), and the CP-SAT search can prove that.
    # They share what the first dive left with the MIP and the CP-SAT search: the search from the best roster
    # found so far was what reached 1,059 on Curtois-Qu 7, and dives that took its time left 1,156.
    # A dive that finds a roster much cheaper than the best (`GAINFUL`) earns the time of one more dive, up to
    # the dives' share of the limit: on Curtois-Qu 12 (LP 4,040 = the optimum, 58 of 60 people split) three
    # dives from the same LP gave 4,547, 4,048 and 4,243.
    # A dive that cannot end within the window is not started: cut short, it gives nothing. The window holds
    # at least one more dive (within the dives' share): on Curtois-Qu 12 a dive takes 7 s, and a fifth of the
    # time left was 6 s.
    dives = 1
    fruitless = 0
    more_dives_until = min(dive_deadline, time.monotonic() + max(
        MORE_DIVES_SHARE * (deadline - time.monotonic()), ONE_MORE_DIVE * dive_seconds))
    if converged and len(generation.people) >= MANY_PEOPLE:
        # Many people: the dives take the time up to `MANY_PEOPLE_DIVE_SHARE`. On Curtois-Qu 12 (60 people) the
        # MIP over the columns gave 16,170-17,620 against the dive's 4,547 and the CP-SAT search never improved
        # the dive's roster, while dives from the same LP gave 4,547, 4,048 and 4,243.
        dive_deadline = started + MANY_PEOPLE_DIVE_SHARE * options.time_limit
        more_dives_until = dive_deadline
    while (searched is None and dived.columns is not None
           and not (cost is not None and whole is not None and cost <= whole)
           and fruitless < FRUITLESS_DIVES and time.monotonic() < more_dives_until
           and more_dives_until - time.monotonic() >= DIVE_FITS * dive_seconds
           and not (stop is not None and stop.is_set())):
        before = cost
        dive_started = time.monotonic()
        dived = dive(generation, more_dives_until, options.seed + dives, stop, randomize=True)
        dive_seconds = time.monotonic() - dive_started
        dives += 1
        fruitless += 1
        if dived.columns is not None:
            offer(dived.columns, f"dive {dives}", quiet=True)
            if cost is not None and (before is None or cost < before):
                best_dive = dived.columns
                fruitless = 0
                if before is not None and cost < (1 - GAINFUL) * before:
                    more_dives_until = min(dive_deadline, max(more_dives_until, time.monotonic() + dive_seconds))
    if dives > 1:
        notes.append(f"{dives} dives")
    # Price-and-branch over every column generated, the dive's among them, from the dive's roster.
    if not (cost is not None and whole is not None and cost <= whole) and not master.standing_in:
        share = MIP_SHARE if converged else UNFINISHED_MIP_SHARE
        # At most a third of the time left: the CP-SAT search from the best roster gets the rest.
        mip_seconds = max(min(share * options.time_limit, (deadline - time.monotonic()) * MIP_OF_LEFT), 0.5)
        chosen, _, _ = master.integer_roster(mip_seconds, start=best_dive)
        offer(chosen, "price-and-branch")
    strategy = "colgen"
    proven = cost is not None and whole is not None and cost <= whole
    left = deadline - time.monotonic()
    if not proven and left > 1.0 and not (stop is not None and stop.is_set()):
        # From an unconverged LP the dives' rosters are poor, and the search does better from its own start
        # (Curtois-Qu 13 at 10 minutes: 12,321 from such a roster, against 3,927 by the search alone; Instance8
        # at 60 s: 5,060 against 1,937). The better of the two rosters is kept either way.
        hint = roster if converged else None
        polish = plan_best(scenario, SolveOptions(
            time_limit=left, workers=options.workers, seed=options.seed, hint=hint,
            allow_shortfall=options.allow_shortfall, frozen_days=options.frozen_days, frozen=options.frozen),
            in_force,
            on_progress=None if on_progress is None else lambda p: on_progress(
                Progress(time.monotonic() - started, p.solutions + 1, p.objective, whole)))
        if (polish.bound is not None and polish.status == "OPTIMAL") or (
                polish.bound is not None and (whole is None or polish.bound > whole)):
            # CP-SAT's own bound is on the whole objective (its price is the checker's, tests hold it so).
            cpsat_bound = least_whole_cost(polish.bound)
            if whole is None or cpsat_bound > whole:
                whole = cpsat_bound
                bound = Bound(float(cpsat_bound), "whole objective", [], False, generation.rounds,
                              len(master.columns))
                notes.append(f"bound {cpsat_bound:,} from the CP-SAT search")
        if polish.roster is not None:
            checked = check_roster(scenario, polish.roster, in_force)
            if checked.ok and (cost is None or checked.total < cost):
                roster, cost = polish.roster, float(checked.total)
                found_at = None if polish.time_to_best is None else (
                    options.time_limit - left + polish.time_to_best)
                strategy = "colgen+lns"
                notes.append(f"CP-SAT search from the columns {cost:,.0f}")
    if bound is not None and cost is not None and whole is not None and whole > cost + 1e-6:
        # A bound above a lawful roster's cost is no bound: never report it.
        notes.append(f"bound {whole} discarded: above the roster's cost {cost:,.0f}")
        bound = None
        whole = None
    optimal = cost is not None and whole is not None and cost <= whole
    covered = None
    if bound is not None and bound.excludes and roster is not None:
        covered = covered_cost(scenario, roster, in_force, bound.excludes)
    return SolveResult(
        roster=roster,
        status="OPTIMAL" if optimal else ("FEASIBLE" if roster is not None else "UNKNOWN"),
        objective=cost,
        bound=None if whole is None else float(whole),
        wall_time=time.monotonic() - started,
        build_time=0.0,
        time_to_best=found_at,
        solutions=1 if roster is not None else 0,
        interrupted=stop is not None and stop.is_set(),
        terms={},
        variables=len(master.columns),
        strategy=strategy,
        note="; ".join(notes),
        bound_kind=None if bound is None else bound.kind,
        bound_excludes=[] if bound is None else bound.excludes,
        bound_covered_cost=covered,
    )
