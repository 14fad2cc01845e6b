"""The main job never comes back empty: a roster built slot by slot comes first, then CP-SAT improves on it.

`solve_from_first_roster` builds a first roster in seconds (`slot_fill`), hands it to the caller at once (the
CLI writes it, so a later stop, a kill or a time limit still leaves it on disk), then runs the usual search
(`search.solve`) with that roster as its starting hint, and returns whichever of the two the independent
checker judges better: fewer broken rules, then fewer person-shifts short, then the lower cost. So a search
that finds nothing in time, or something worse, never loses the first roster.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence

from roulement.check.checker import CheckResult, check_roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.core import Coverage, SafetyMinimums
from roulement.solve.fair_repair import counted, repair_fairness
from roulement.solve.search import Progress, SolveOptions, SolveResult, solve
from roulement.solve.signals import stop_on_signals
from roulement.solve.slot_fill import FirstRoster, balanced, first_roster

# Share of the time limit the first roster may take at most (it usually needs far less).
FIRST_ROSTER_SHARE = 0.4
# Share of the time limit spreading the first roster's nights and Sundays may take at most, and of that the
# share of the peers' swaps (the small CP-SAT models take the rest).
FAIR_SHARE = 0.6
SWAP_SHARE = 0.3
# The search is tried only with at least this many times the first roster's time left (see below).
SEARCH_FLOOR = 2.0
STRATEGY = "slot-fill"


def first_roster_wanted(options: SolveOptions) -> bool:
    """A fresh plan: nothing to stay close to, nothing frozen (a re-plan starts from the published roster)."""
    return (options.first_roster and options.engine != "colgen" and options.hint is None
            and options.frozen is None and not options.frozen_days and not options.frozen_cells)


def rank(checked: CheckResult) -> tuple[int, int, int]:
    """(rules broken other than cover, person-shifts short, cost): lower is better, in that order."""
    cover = {Coverage.id, SafetyMinimums.id}
    short = sum(max(int(v.details.get("required", 0)) - int(v.details.get("assigned", v.details.get("present", 0))),
                    0) for v in checked.violations if v.rule in cover)
    return sum(1 for v in checked.violations if v.rule not in cover), short, checked.total


def _ranked(checked: CheckResult) -> str:
    broken, short, cost = rank(checked)
    return f"{broken} rules broken, {short} person-shifts short, cost {cost:,}"


def first_result(first: FirstRoster, elapsed: float, note: str, interrupted: bool = False) -> SolveResult:
    return SolveResult(roster=first.roster, status="FEASIBLE", objective=None, bound=None, wall_time=elapsed,
                       build_time=0.0, time_to_best=first.seconds, solutions=1, interrupted=interrupted, terms={},
                       variables=0, strategy=STRATEGY, note=note)


def _fairer(scenario: Scenario, rules: Sequence[Rule], options: SolveOptions, first: FirstRoster,
            first_checked: CheckResult, started: float, stop: threading.Event,
            ) -> tuple[tuple[FirstRoster, CheckResult] | None, str]:
    """The written first roster with nights and Sundays spread nearer a fair share: peers' swaps
    (`slot_fill.balanced`), then small CP-SAT models a few peers at a time (`fair_repair`); the search that
    follows rarely moves them in the time a fresh plan has. Kept only if as lawful and as covered."""
    budget = min(FAIR_SHARE * options.time_limit, options.time_limit - (time.monotonic() - started) - 1.0)
    if budget < 0.5 or stop.is_set():
        return None, ""
    deadline = time.monotonic() + budget
    swapped = balanced(first, SWAP_SHARE * budget)
    repaired = repair_fairness(scenario, rules, swapped, deadline - time.monotonic(), workers=options.workers,
                               seed=options.seed, stop=stop)
    checked = check_roster(scenario, repaired.roster, rules)
    if rank(checked)[:2] > rank(first_checked)[:2]:
        return None, ""
    gaps = repaired.gaps
    return ((dataclasses.replace(first, roster=repaired.roster), checked),
            f"nights and Sundays spread by swaps and {counted(repaired.mended, 'small model')} ({repaired.left} "
            f"found nothing in time): widest full-time gaps {counted(gaps['nights'], 'night')}, "
            f"{counted(gaps['sundays'], 'Sunday')}")


def solve_from_first_roster(
    scenario: Scenario,
    options: SolveOptions,
    rules: Sequence[Rule],
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    on_first: Callable[[SolveResult, CheckResult], None] | None = None,
) -> tuple[SolveResult, CheckResult | None]:
    """The first roster (given to `on_first` with its check), then the search from it; returns the better
    result and its check (None when the caller must still check it: the search's roster was kept)."""
    stop = stop if stop is not None else threading.Event()
    with stop_on_signals(stop):
        return _first_then_search(scenario, options, rules, on_progress, stop, on_first)


def _first_then_search(
    scenario: Scenario,
    options: SolveOptions,
    rules: Sequence[Rule],
    on_progress: Callable[[Progress], None] | None,
    stop: threading.Event,
    on_first: Callable[[SolveResult, CheckResult], None] | None,
) -> tuple[SolveResult, CheckResult | None]:
    started = time.monotonic()
    # The fair-share swaps wait until the roster is written: a planner sees a lawful roster sooner.
    first = first_roster(scenario, rules, FIRST_ROSTER_SHARE * options.time_limit, options.seed, stop, swaps=False,
                         judged=False)
    if stop.is_set():
        # Stopped before the first roster was whole: a half-built roster is not an answer.
        return SolveResult(None, "UNKNOWN", None, None, time.monotonic() - started, 0.0, None, 0, True, {}, 0,
                           strategy=STRATEGY, note="stopped before the first roster was complete"), None
    first_checked = check_roster(scenario, first.roster, rules)
    broken, short, _ = rank(first_checked)
    note = (f"first roster built slot by slot in {first.seconds:.1f} s ({short} person-shifts short, "
            f"{broken} other findings); the search goes on from it")
    interim = first_result(first, time.monotonic() - started, note)
    if on_first is not None:
        on_first(interim, first_checked)
    fairer, fair_note = _fairer(scenario, rules, options, first, first_checked, started, stop)
    if fairer is not None:
        first, first_checked = fairer
        note = f"{note}; {fair_note}"
        interim = first_result(first, time.monotonic() - started, note)
    left = options.time_limit - (time.monotonic() - started)
    # CP-SAT builds its model of the whole plant before it searches, which takes longer than the first roster
    # (KOS without its cycle: 8.7 CPU-s against 3.3): with less than twice that left, a search would only
    # overrun the limit.
    if stop.is_set() or left < max(1.0, SEARCH_FLOOR * first.seconds):
        interim.interrupted = stop.is_set()
        interim.note = "; ".join(filter(None, [
            f"first roster built slot by slot in {first.seconds:.1f} s; no time left to improve it", fair_note]))
        return interim, first_checked
    # The search looks for a roster meeting every minimum first, as without a first roster (with two busy
    # workers it found one where starting priced from the first roster's gaps did not close them in 30 s,
    # docs/benchmarks.md); the first roster, completed, is its hint, and the priced phase's start if it gives up.
    searched = solve(scenario, dataclasses.replace(options, time_limit=left, start=first.roster,
                                                   complete_hint=True),
                     on_progress=on_progress, rules=rules, stop=stop)
    searched.wall_time = time.monotonic() - started
    if searched.roster is None:
        interim.interrupted = searched.interrupted
        interim.wall_time = searched.wall_time
        interim.note = "; ".join(filter(None, [
            f"the search found no roster in time ({searched.status}); the first roster, built slot by slot in "
            f"{first.seconds:.1f} s, is kept", fair_note]))
        return interim, first_checked
    checked = check_roster(scenario, searched.roster, rules)
    if rank(checked) > rank(first_checked):
        interim.interrupted = searched.interrupted
        interim.wall_time = searched.wall_time
        interim.note = (f"the search's best roster ({searched.status}; {_ranked(checked)}) was worse than the "
                        f"first roster ({_ranked(first_checked)}), built slot by slot in {first.seconds:.1f} s, "
                        f"which is kept" + (f"; {fair_note}" if fair_note else ""))
        return interim, first_checked
    searched.note = "; ".join(filter(None, [f"started from a roster built slot by slot in {first.seconds:.1f} s",
                                            fair_note, searched.note]))
    return searched, checked
