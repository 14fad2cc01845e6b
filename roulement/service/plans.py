"""plan, audit and the files a plan writes: solve, judge with the independent checker, report."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roulement.analyse.cycle_following import cycle_evaluation
from roulement.analyse.explain import explain_infeasibility as find_conflicts
from roulement.analyse.fairness import price_on_common_terms
from roulement.analyse.fairness_guides import add_fairness_note
from roulement.check.checker import CheckResult, check_roster
from roulement.examples.kos import EXAMPLES
from roulement.formats.files import write_all_atomic
from roulement.formats.roster_csv import roster_to_csv
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.audience import Audience, for_audience
from roulement.report.document import build_report
from roulement.report.explanations import Explanation
from roulement.report.html import render_html
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve import engine
from roulement.solve.colgen.alongside import BoundAlongside
from roulement.solve.exception import crews_in_force, plan_by_exception
from roulement.solve.first import first_roster_wanted, solve_from_first_roster
from roulement.solve.search import Progress, SolveOptions, SolveResult


class UnknownExample(KeyError):
    pass


def example(name: str) -> Scenario:
    try:
        return EXAMPLES[name]()
    except KeyError as error:
        raise UnknownExample(f"no example {name!r}; choose one of {', '.join(EXAMPLES)}") from error


def explain_infeasibility(scenario: Scenario, rules: Sequence[Rule] | None = None, time_limit: float = 20.0,
                          workers: int = 1) -> list[Explanation]:
    """Why the scenario's minimums cannot be met within the rules in force, in words (empty: no conflict found)."""
    return [Explanation(conflict) for conflict in find_conflicts(scenario, rules, time_limit, workers)]


def explained(result: SolveResult, scenario: Scenario, rules: Sequence[Rule] | None,
              options: SolveOptions) -> list[Explanation]:
    """When the solve proved the cover impossible, ask `analyse` why and attach it to the result."""
    if not result.cover_proven_impossible or options.explain_time_limit <= 0 or result.interrupted:
        return []
    found = explain_infeasibility(scenario, rules, options.explain_time_limit)
    result.explanations = list(found)
    return found


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    rules: Sequence[Rule] | None = None,
    stop: threading.Event | None = None,
) -> SolveResult:
    """`solve.engine.solve`, with the reasons attached when the cover is proven impossible."""
    options = options or SolveOptions()
    result = engine.solve(scenario, options, on_progress=on_progress, rules=rules, stop=stop)
    explained(result, scenario, rules, options)
    return result


@dataclass
class PlanOutcome:
    scenario: Scenario
    result: SolveResult
    checked: CheckResult | None
    report: dict[str, Any] | None
    comparison: SolveResult | None = None
    # Why the minimums cannot all be met, when the solve proved it.
    explanations: list[Explanation] = field(default_factory=list)

    @property
    def roster(self) -> Roster | None:
        return self.result.roster


def plan(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    ignore: frozenset[str] = frozenset(),
    price: bool = False,
    on_first: Callable[[PlanOutcome], None] | None = None,
) -> PlanOutcome:
    """Solve, then judge the roster with the independent checker and build the report from it.

    `ignore` leaves rule packs out of both the solve and the judgement (`people`: plan as if nobody had a
    household). `price` runs a second solve, with the same options, with the people pack flipped (ignored if
    it was in force, in force if it was ignored), so the report can set both costs side by side.

    A fresh plan first builds a roster slot by slot and gives it to `on_first`, checked and reported, before
    the search improves on it (solve/first.py): the caller can write it at once."""
    options = options or SolveOptions()
    rules = build_rules(scenario, ignore)
    checked: CheckResult | None = None
    # With crews on a published cycle, plan by exception: the cycle, and deviations only where needed.
    planner = plan_by_exception if crews_in_force(scenario) else engine.solve

    def first(interim: SolveResult, interim_checked: CheckResult) -> None:
        if on_first is not None and interim.roster is not None:
            report = build_report(scenario, interim.roster, interim_checked, solver=interim.as_dict())
            report["rules_ignored"] = sorted(ignore)
            add_fairness_note(scenario, interim.roster, report)
            on_first(PlanOutcome(scenario, interim, interim_checked, report))

    if planner is plan_by_exception:
        # Its CP-SAT bound is over a neighbourhood, so it reports none. With `--engine colgen` a bound on the
        # terms that decompose by person (the cycle's deviations among them) is sought alongside by column
        # generation (solve/colgen/alongside.py), within the same time limit: on KOS it converged within the
        # default 30 s when started with the plan, about 4 % below the roster's cost on those terms. Not by
        # default: its CPU costs the plan, and started after the first roster it did not converge
        # (docs/benchmarks.md, "A bound on KOS within the time limit").
        alongside = BoundAlongside(scenario, rules, options.time_limit, stop) if options.engine == "colgen" else None
        result = plan_by_exception(scenario, options, on_progress=on_progress, rules=rules, stop=stop,
                                   on_first=first)
        if alongside is not None:
            alongside.attach(result)
    elif first_roster_wanted(options):
        result, checked = solve_from_first_roster(scenario, options, rules, on_progress, stop, first)
    else:
        result = engine.solve(scenario, options, on_progress=on_progress, rules=rules, stop=stop)
    explanations = explained(result, scenario, rules, options)
    if result.roster is None:
        return PlanOutcome(scenario, result, None, None, explanations=explanations)
    checked = checked or check_roster(scenario, result.roster, rules)
    comparison: SolveResult | None = None
    prices: dict[str, int | None] | None = None
    if price and not (stop is not None and stop.is_set()) and not result.interrupted:
        flipped = ignore ^ {"people"}
        flipped_rules = build_rules(scenario, flipped)
        comparison = planner(scenario, options, on_progress=on_progress, rules=flipped_rules, stop=stop)
        explained(comparison, scenario, flipped_rules, options)
        mine = price_on_common_terms(scenario, result.roster)
        other = None if comparison.roster is None else price_on_common_terms(scenario, comparison.roster)
        with_people, without = (other, mine) if "people" in ignore else (mine, other)
        prices = {"objective_with_people": with_people, "objective_ignoring_people": without}
    report = build_report(scenario, result.roster, checked, solver=result.as_dict(), price=prices)
    report["rules_ignored"] = sorted(ignore)
    add_fairness_note(scenario, result.roster, report)
    if comparison is not None:
        report["comparison_solver"] = comparison.as_dict()
    return PlanOutcome(scenario, result, checked, report, comparison, explanations)


@dataclass
class AuditOutcome:
    """The checker's verdict on a roster and the report built from it."""

    checked: CheckResult
    report: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.checked.ok

    @property
    def violations(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.report["violations"]
        return found


def audit(scenario: Scenario, roster: Roster) -> AuditOutcome:
    checked = check_roster(scenario, roster)
    return AuditOutcome(checked, build_report(scenario, roster, checked))


def write_outputs(
    scenario: Scenario,
    roster: Roster,
    report: dict[str, Any],
    out_dir: Path,
    audience: Audience = Audience.PLANNER,
    employee: str | None = None,
    lang: str = "en",
) -> list[Path]:
    """roster.csv, report.json and report.html for one audience, written all or nothing; the page gives the
    rules' findings in `lang`."""
    if audience is Audience.COUNCIL and report.get("rotation"):
        # The works council weighs the month's deviations beside the cycle's own year.
        report = {**report, "rotation": {**report["rotation"], "evaluation": cycle_evaluation(scenario)}}
    scenario, roster, report = for_audience(scenario, roster, report, audience, employee)
    files: dict[Path, str | bytes] = {
        out_dir / "roster.csv": roster_to_csv(scenario, roster),
        out_dir / "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
        out_dir / "report.html": render_html(scenario, roster, report, lang=lang),
    }
    write_all_atomic(files)
    return list(files)
