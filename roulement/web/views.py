"""How stored things are shown: a roster as a grid with its coverage and the checker's violations.

Judging is the checker's (through `service.audit`); this module only arranges its results for the pages.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from roulement import service
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario


def violation_key(v: dict[str, Any]) -> tuple[Any, ...]:
    return (v["rule"], v["employee"], tuple(v["dates"]), v["message"])


def violation_diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """(caused, resolved): the violations a change added and those it removed."""
    old = {violation_key(v) for v in before}
    new = {violation_key(v) for v in after}
    return ([v for v in after if violation_key(v) not in old], [v for v in before if violation_key(v) not in new])


def shifts_view(scenario: Scenario) -> list[dict[str, Any]]:
    return [{"id": s.id, "name": s.name, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M"),
             "color": s.color} for s in scenario.shifts]


def roster_grid(scenario: Scenario, roster: Roster) -> dict[str, Any]:
    report = service.audit(scenario, roster).report
    cells: dict[str, dict[str, str]] = defaultdict(dict)
    for a in roster:
        cells[a.employee][a.date.isoformat()] = a.shift
    coverage: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in report["coverage"]:
        slot = coverage[row["date"]].setdefault(row["shift"], {"required": 0, "assigned": 0, "short": 0})
        slot["required"] += row["required"]
        slot["assigned"] += row["assigned"]
        slot["short"] += max(row["required"] - row["assigned"], 0)
    return {
        "days": [d.isoformat() for d in scenario.horizon.dates()],
        "shifts": shifts_view(scenario),
        "employees": [{"id": e.id, "name": e.name or e.id, "team": e.team} for e in scenario.employees],
        "cells": cells,
        "coverage": coverage,
        "summary": report["summary"],
        "violations": report["violations"],
        "objective": report["objective"],
    }


def aggregate_report(scenario: Scenario, roster: Roster, declarations: dict[str, int]) -> dict[str, Any]:
    """The council's view: law, fairness and people in aggregate; no one's name, no household detail."""
    report = service.audit(scenario, roster).report
    fairness = {}
    for measure in ("hours", "shifts", "nights", "sundays", "weekend_days", "public_holidays"):
        values = sorted(float(t[measure]) for t in report["employees"])
        if values:
            fairness[measure] = {"min": values[0], "median": values[len(values) // 2], "max": values[-1],
                                 "mean": round(sum(values) / len(values), 2)}
    return {
        "site": report["site"], "horizon": report["horizon"], "summary": report["summary"],
        "law": {"violations_by_rule": report["summary"]["violations_by_rule"],
                "violations": len(report["violations"])},
        "fairness": fairness,
        "people": {"employees": len(scenario.employees), "active_declarations_by_purpose": declarations},
    }
