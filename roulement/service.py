"""The operations users ask for (plan, check, write outputs), shared by the CLI and the web app."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roulement.check.checker import CheckResult, check_roster
from roulement.examples.kos import EXAMPLES
from roulement.formats.files import write_all_atomic
from roulement.formats.roster_csv import roster_to_csv
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.document import build_report
from roulement.report.html import render_html
from roulement.solve.search import Progress, SolveOptions, SolveResult, solve


class UnknownExample(KeyError):
    pass


def example(name: str) -> Scenario:
    try:
        return EXAMPLES[name]()
    except KeyError as error:
        raise UnknownExample(f"no example {name!r}; choose one of {', '.join(EXAMPLES)}") from error


@dataclass
class PlanOutcome:
    scenario: Scenario
    result: SolveResult
    checked: CheckResult | None
    report: dict[str, Any] | None

    @property
    def roster(self) -> Roster | None:
        return self.result.roster


def plan(
    scenario: Scenario,
    options: SolveOptions | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> PlanOutcome:
    """Solve, then judge the roster with the independent checker and build the report from it."""
    result = solve(scenario, options, on_progress=on_progress, stop=stop)
    if result.roster is None:
        return PlanOutcome(scenario, result, None, None)
    checked = check_roster(scenario, result.roster)
    report = build_report(scenario, result.roster, checked, solver=result.as_dict())
    return PlanOutcome(scenario, result, checked, report)


def audit(scenario: Scenario, roster: Roster) -> tuple[CheckResult, dict[str, Any]]:
    checked = check_roster(scenario, roster)
    return checked, build_report(scenario, roster, checked)


def write_outputs(scenario: Scenario, roster: Roster, report: dict[str, Any], out_dir: Path) -> list[Path]:
    """roster.csv, report.json and report.html, written all or nothing."""
    files: dict[Path, str | bytes] = {
        out_dir / "roster.csv": roster_to_csv(scenario, roster),
        out_dir / "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
        out_dir / "report.html": render_html(scenario, roster, report),
    }
    write_all_atomic(files)
    return list(files)
