"""Whether a roster reached the fairness guides (docs/people.md), said in plain words with the figures.

The guides hold full-time peers within one night and one Sunday of each other. When time runs out first, the
planner must be told, not left to find it in the fairness table: the summary line and the report say by how
much each category misses. Read from the roster alone, never from the solver.
"""

from __future__ import annotations

from typing import Any

from roulement.model.calendar import Calendar
from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.people import availability, counts_toward, peer_groups

# Full-time peers may differ by this many nights, or Sundays, at most.
GUIDE_GAP = 1
GUIDED = ("nights", "sundays")


def full_time_gaps(scenario: Scenario, roster: Roster) -> dict[str, int]:
    """The widest gap, per category, between two full-time peers present every day of the horizon."""
    timeline = Timeline(scenario, roster)
    calendar: Calendar = timeline.calendar
    full = max((availability(scenario, e) for e in scenario.employees), default=0)
    gaps = {}
    for category in GUIDED:
        widest = 0
        for people in peer_groups(scenario, calendar, category).values():
            counts = [sum(1 for item in timeline.by_employee.get(e.id, []) if 0 <= item.day < calendar.days
                          and counts_toward(category, item.occurrence, scenario.public_holidays))
                      for e in people if availability(scenario, e) == full]
            if len(counts) >= 2:
                widest = max(widest, max(counts) - min(counts))
        gaps[category] = widest
    return gaps


def fairness_guides(scenario: Scenario, roster: Roster, seconds: float | None) -> dict[str, Any]:
    """{target, nights, sundays, met, message}; `message` is empty when the guides are met."""
    gaps = full_time_gaps(scenario, roster)
    missed = [f"{category} among full-time peers differ by up to {gap} (target {GUIDE_GAP})"
              for category, gap in gaps.items() if gap > GUIDE_GAP]
    when = f" in {seconds:.0f} s" if seconds is not None else ""
    message = f"{'; '.join(missed)}: fairness guides not reached{when}" if missed else ""
    return {"target": GUIDE_GAP, **gaps, "met": not missed, "message": message}


def add_fairness_note(scenario: Scenario, roster: Roster, report: dict[str, Any]) -> dict[str, Any]:
    """Add `summary.fairness_guides` to a plan's report, for plants whose fair shares the guides steer: the
    people pack in force and no rotation cycle (a cycle decides who works nights). Returns the report."""
    if "people" in report.get("rules_ignored", []) or getattr(scenario, "rotation", None) is not None:
        return report
    solver = report.get("solver") or {}
    report["summary"]["fairness_guides"] = fairness_guides(scenario, roster, solver.get("wall_time"))
    return report
