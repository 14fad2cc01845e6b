"""replan, stress and capacity: absorbing shocks, with typed outcomes the command line and the web app present."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roulement.analyse.capacity import AbsenceRisk, GroupCapacity, StressResult, absence_risk
from roulement.analyse.capacity import capacity as group_capacities
from roulement.analyse.capacity import stress as stress_cut
from roulement.check.checker import CheckResult
from roulement.formats.files import write_all_atomic
from roulement.formats.roster_csv import roster_to_csv
from roulement.model.edits import remove_employees
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.explanations import Explanation
from roulement.report.messages import Lang
from roulement.report.replan import render_replan_html
from roulement.report.stress import render_stress_html
from roulement.service.plans import audit, explained
from roulement.solve.replan import Change, ReplanResult, changes_csv, summarise_changes
from roulement.solve.replan import replan as replan_solve
from roulement.solve.search import Progress, SolveOptions, SolveResult


@dataclass
class ReplanOutcome:
    """A re-plan judged by the checker: the new roster, its report (with a `replan` section) and the changes."""

    replanned: ReplanResult
    checked: CheckResult | None
    report: dict[str, Any] | None
    summary: str
    explanations: list[Explanation] = field(default_factory=list)

    @property
    def scenario(self) -> Scenario:
        """The disrupted scenario, with the hours the disruption took credited."""
        return self.replanned.scenario

    @property
    def result(self) -> SolveResult:
        return self.replanned.result

    @property
    def roster(self) -> Roster | None:
        return self.replanned.roster

    @property
    def changes(self) -> list[Change]:
        return self.replanned.changes

    @property
    def full_changes(self) -> list[Change] | None:
        return self.replanned.full_changes


def replan(
    disrupted: Scenario,
    published: Roster,
    first: dt.date,
    applied: list[str],
    options: SolveOptions | None = None,
    compare_full: bool = False,
    whole: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> ReplanOutcome:
    """Re-plan the `disrupted` scenario from `first` (`applied`: the disruptions, in words), then judge it."""
    options = options or SolveOptions(time_limit=10.0)
    replanned = replan_solve(disrupted, published, first, options, compare_full=compare_full, whole=whole,
                             on_progress=on_progress, stop=stop)
    explanations = explained(replanned.result, replanned.scenario, None, options)
    summary = summarise_changes(replanned.changes, first)
    if replanned.roster is None:
        return ReplanOutcome(replanned, None, None, summary, explanations)
    audited = audit(replanned.scenario, replanned.roster)
    report = audited.report
    report["solver"] = replanned.result.as_dict()
    report["replan"] = {
        "from": first.isoformat(), "disruptions": applied, "changes": len(replanned.changes),
        "people_changed": len({c.employee for c in replanned.changes}), "summary": summary,
        "full_resolve_changes": None if replanned.full_changes is None else len(replanned.full_changes),
    }
    return ReplanOutcome(replanned, audited.checked, report, summary, explanations)


def write_replan(outcome: ReplanOutcome, out: Path) -> list[Path]:
    """roster.csv, changes.csv, summary.txt, report.json and report.html, written all or nothing."""
    if outcome.roster is None or outcome.report is None:
        raise ValueError("no roster to write")
    scenario, roster, report = outcome.scenario, outcome.roster, outcome.report
    files: dict[Path, str | bytes] = {
        out / "roster.csv": roster_to_csv(scenario, roster),
        out / "changes.csv": changes_csv(outcome.changes),
        out / "summary.txt": outcome.summary + "\n",
        out / "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
        out / "report.html": render_replan_html(scenario, roster, report, outcome.replanned.first),
    }
    write_all_atomic(files)
    return list(files)


@dataclass
class StressOutcome:
    """A headcount cut judged (`cut`), random absences sampled (`risk`), or both."""

    scenario: Scenario
    removed: list[str]
    how: str
    cut: StressResult | None = None
    risk: AbsenceRisk | None = None
    explanations: list[Explanation] = field(default_factory=list)

    @property
    def plant_can_run(self) -> bool:
        """False when the cut leaves the plant unable to run within the law (the command exits 1)."""
        return self.cut is None or self.cut.feasible

    def as_dict(self, source: str) -> dict[str, Any]:
        document: dict[str, Any] = {"scenario": source, "removed": self.removed}
        if self.cut is not None:
            document["cut"] = self.cut.as_dict()
        if self.risk is not None:
            document["absence_risk"] = self.risk.as_dict()
        return document

    def html(self, lang: Lang = "en") -> str:
        return render_stress_html(self.scenario.site.name, len(self.scenario.employees), self.how, self.cut,
                                  self.risk, self.explanations, lang)


def stress(
    scenario: Scenario,
    removed: list[str],
    how: str,
    judge_cut: bool,
    absence_rate: float | None = None,
    samples: int = 200,
    seed: int = 0,
    time_limit: float = 30.0,
    workers: int = 2,
    on_sample: Callable[[int], None] | None = None,
) -> StressOutcome:
    """Remove `removed` and, if `judge_cut`, ask whether the plant still runs within the law (and if not,
    where it breaks, what is missing and why); with `absence_rate`, sample random absences on what is left."""
    reduced = remove_employees(scenario, removed) if removed else scenario
    outcome = StressOutcome(scenario, removed, how)
    if judge_cut:
        cut = stress_cut(scenario, reduced, removed, time_limit=time_limit, workers=workers)
        outcome.cut = cut
        outcome.explanations = explained(cut.result, reduced, None,
                                         SolveOptions(explain_time_limit=min(20.0, time_limit)))
    if absence_rate is not None:
        outcome.risk = absence_risk(reduced, absence_rate, samples, seed, on_sample=on_sample)
    return outcome


def write_stress(outcome: StressOutcome, out: Path, source: str, lang: Lang = "en") -> list[Path]:
    files: dict[Path, str | bytes] = {
        out / "stress.json": json.dumps(outcome.as_dict(source), indent=2, ensure_ascii=False) + "\n",
        out / "stress.html": outcome.html(lang),
    }
    write_all_atomic(files)
    return list(files)


def capacity(scenario: Scenario, time_limit: float = 10.0, workers: int = 2,
             on_group: Callable[[GroupCapacity], None] | None = None) -> list[GroupCapacity]:
    """The fewest people per skill group that can run the plant within the law (bound + verification)."""
    return group_capacities(scenario, time_limit, workers, on_group)
