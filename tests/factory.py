"""Small hand-made scenarios and rosters for tests: a plant you can hold in your head."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from roulement.check.checker import CheckResult
from roulement.formats.scenario_yaml import ScenarioError, parse_scenario
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Violation

MONDAY = dt.date(2026, 1, 5)  # no DST change nearby; a Monday, so weeks are whole


def scenario(
    jurisdiction: str = "FR",
    days: int = 14,
    start: dt.date = MONDAY,
    employees: list[dict[str, Any]] | None = None,
    demand: list[dict[str, Any]] | None = None,
    extra_shifts: list[dict[str, Any]] | None = None,
    rules: dict[str, Any] | None = None,
    safety_minimums: list[dict[str, Any]] | None = None,
    timezone: str = "Europe/Paris",
    households: list[dict[str, Any]] | None = None,
) -> Scenario:
    """A 3x8 plant with one post `line` (skill `op`) and one post `chef` (skills `op`, `lead`)."""
    shifts = [
        {"id": "M", "start": "05:00", "end": "13:00", "break_minutes": 30},
        {"id": "A", "start": "13:00", "end": "21:00", "break_minutes": 30},
        {"id": "N", "start": "21:00", "end": "05:00", "break_minutes": 30},
        *(extra_shifts or []),
    ]
    data = {
        "site": {"name": "Test plant", "jurisdiction": jurisdiction, "timezone": timezone},
        "horizon": {"start": start.isoformat(), "days": days},
        "shifts": shifts,
        "skills": [{"id": "op"}, {"id": "lead"}, {"id": "esi"}],
        "posts": [{"id": "line", "skills": ["op"]}, {"id": "chef", "skills": ["op", "lead"]}],
        "demand": demand if demand is not None else [],
        "employees": employees if employees is not None else [{"id": "e1", "skills": ["op"]}],
        "safety_minimums": safety_minimums or [],
        "rules": rules or {},
        "households": households or [],
    }
    return Scenario.model_validate(data)


def day(offset: int, start: dt.date = MONDAY) -> dt.date:
    return start + dt.timedelta(days=offset)


def roster(*rows: tuple[str, int, str] | tuple[str, int, str, str], start: dt.date = MONDAY) -> Roster:
    """Rows of (employee, day offset from `start`, shift[, post]); post defaults to `line`."""
    return Roster(
        [
            Assignment(r[0], day(r[1], start), r[2], r[3] if len(r) > 3 else "line")  # type: ignore[misc]
            for r in rows
        ]
    )


def person(identifier: str, skills: Sequence[str] = ("op",), **fields: Any) -> dict[str, Any]:
    """An employee whose contract sets no hours target, so a test sees only the rule it is about."""
    contract = {"hours_target": False, **fields.pop("contract", {})}
    return {"id": identifier, "skills": list(skills), "contract": contract, **fields}


def shift(identifier: str, start: str, end: str, break_minutes: int = 0, **fields: Any) -> dict[str, Any]:
    return {"id": identifier, "start": start, "end": end, "break_minutes": break_minutes, **fields}


def broken(result: CheckResult, rule: str) -> list[Violation]:
    """The violations of one rule, in the checker's order."""
    return [v for v in result.violations if v.rule == rule]


def yaml_problems(text: str) -> list[str]:
    """The problems a scenario YAML is refused with (it must be refused)."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "plant.yaml")
    return caught.value.problems


def yaml_problem(text: str) -> str:
    """The one problem a scenario YAML is refused with."""
    problems = yaml_problems(text)
    assert len(problems) == 1, problems
    return problems[0]
