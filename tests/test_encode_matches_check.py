"""Encode and check are the same rule: the solver's price for a soft rule is the checker's, to the unit,
and a hard rule's solved roster never breaks it.

Each case is a plant so small the solver proves optimality at once, built so the rule must bind: the demand
(hard coverage) can only be met by breaking the rule. Rules that would bind too are switched off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from roulement.check import check_roster
from roulement.solve import SolveOptions, solve
from tests.factory import broken, day, person, scenario, shift

WEIGHT = 7
SHORTFALL_RULES = {"core.coverage", "core.safety-minimum"}


@dataclass
class Case:
    rule: str
    jurisdiction: str = "FR"
    days: int = 7
    demand: list[tuple[str, list[int]]] = field(default_factory=list)  # (shift, day offsets) on post `line`
    employees: list[dict[str, Any]] = field(default_factory=lambda: [person("e1")])
    extra_shifts: list[dict[str, Any]] = field(default_factory=list)
    off: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    safety: list[dict[str, Any]] = field(default_factory=list)
    need: int = 1  # people each demanded slot needs
    expected: int = 0  # the rule's price in units (before the weight) on the best roster

    def plant(self, mode: str) -> Any:
        settings: dict[str, Any] = {rule: {"mode": "off"} for rule in self.off}
        settings[self.rule] = {"mode": mode, "weight": WEIGHT, "params": self.params}
        demand = [
            {"post": "line", "shifts": [s], "dates": [day(d).isoformat() for d in days], "min": self.need}
            for s, days in self.demand
        ]
        return scenario(
            self.jurisdiction,
            days=self.days,
            employees=self.employees,
            demand=demand,
            extra_shifts=self.extra_shifts,
            safety_minimums=self.safety,
            rules={"settings": settings},
        )


LONG_DAY = shift("D", "07:00", "16:30", 30)
EVERY_DAY = list(range(7))
SHORT = shift("H", "07:00", "12:00")

CASES = [
    # Without a daily rest between them, the late and the early are one 16 h working period: fr.daily-max binds.
    Case("fr.daily-rest", demand=[("A", [0, 2]), ("M", [1, 3])],
         off=["plant.forward-rotation", "plant.no-early-after-late", "fr.daily-max"], expected=2),
    Case(
        "de.daily-rest",
        "DE",
        demand=[("K", [0]), ("L", [1])],
        off=["plant.forward-rotation"],
        expected=1,
        extra_shifts=[shift("K", "21:00", "01:00"), shift("L", "09:00", "13:00")],
    ),
    Case(
        "fr.daily-max",
        demand=[("D12", [0, 2])],
        extra_shifts=[shift("D12", "07:00", "19:15", 45)],
        expected=6,
    ),
    # One 18:00-06:00 shift is one working period of 12 h (L3121-18), whatever midnight it crosses.
    Case("fr.daily-max", demand=[("S12", [0, 3])], extra_shifts=[shift("S12", "18:00", "06:00", 45)],
         off=["fr.night-daily-max"], expected=4),
    # Two shifts with no daily rest between them are one working period: 6 h + 5 h.
    Case(
        "fr.daily-max",
        demand=[("T", [0]), ("U", [1])],
        extra_shifts=[shift("T", "20:00", "02:00", 20), shift("U", "08:00", "13:00")],
        off=["fr.daily-rest", "plant.no-early-after-late", "plant.forward-rotation"],
        expected=1,
    ),
    # Two 10 h nights in a week, not on consecutive days, make a night worker over 8 h twice (L3122-6).
    Case("fr.night-daily-max", demand=[("W", [0, 3])], extra_shifts=[shift("W", "20:00", "06:00", 20)],
         expected=4),
    Case(
        "de.daily-max",
        "DE",
        demand=[("N12", [2])],
        extra_shifts=[shift("N12", "19:00", "07:30", 45)],
        off=["de.night-daily-max"],
        expected=3,
    ),
    Case(
        "fr.night-daily-max",
        demand=[("D", [1, 3])],
        extra_shifts=[LONG_DAY],
        employees=[person("e1", night_worker=True)],
        expected=4,
    ),
    Case(
        "fr.weekly-max",
        demand=[("D", list(range(6)))],
        extra_shifts=[LONG_DAY],
        off=["fr.weekly-average"],
        expected=9,
    ),
    Case(
        "fr.weekly-average",
        days=14,
        demand=[("G", [0, 1, 2, 3, 4, 7, 8, 9, 10, 11])],
        extra_shifts=[shift("G", "07:00", "16:10", 30)],
        expected=4,
    ),
    Case(
        "de.average-hours",
        "DE",
        demand=[("G", list(range(6)))],
        extra_shifts=[shift("G", "07:00", "16:10", 45)],
        off=["de.night-average-hours"],
        expected=7,
    ),
    Case(
        "fr.max-days-per-week",
        demand=[("H", EVERY_DAY)],
        extra_shifts=[SHORT],
        off=["fr.weekly-rest"],
        expected=1,
    ),
    Case(
        "fr.weekly-rest",
        days=14,
        demand=[("H", EVERY_DAY), ("A", [7, 9])],
        extra_shifts=[SHORT],
        off=["fr.max-days-per-week"],
        expected=1,
    ),
    Case("fr.break", demand=[("S", [0, 3])], extra_shifts=[shift("S", "07:00", "14:00", 5)], expected=30),
    Case("de.breaks", "DE", demand=[("T", [0])], extra_shifts=[shift("T", "07:00", "17:00", 30)], expected=15),
    Case("de.free-sundays", "DE", days=28, demand=[("M", [6, 13, 20, 27])], expected=2),
    # Sunday 13 (day 13) and every weekday of the two weeks either side: no day left to rest in its stead.
    Case("de.substitute-rest-day", "DE", days=28,
         demand=[("M", [d for d in range(27) if d % 7 != 6 or d == 13])], off=["de.average-hours"], expected=1),
    Case("plant.max-consecutive-nights", demand=[("N", [0, 1, 2, 3, 4])], expected=2),
    Case(
        "plant.forward-rotation",
        demand=[("A", [0]), ("E", [1])],
        extra_shifts=[shift("E", "08:00", "16:00", 30)],
        expected=1,
    ),
    Case("plant.forbidden-successions", demand=[("M", [0, 1, 2])], params={"pairs": [["M", "M"]]}, expected=2),
    Case(
        "contract.max-shifts",
        demand=[("N", [0, 3, 5])],
        employees=[person("e1", contract={"max_shifts": {"N": 1}})],
        off=["plant.rest-after-nights"],
        expected=2,
    ),
    Case(
        "contract.consecutive-days",
        demand=[("M", [0, 1, 2, 3, 4])],
        employees=[person("e1", contract={"max_consecutive_days": 3})],
        expected=2,
    ),
    Case(
        "contract.consecutive-days",
        days=9,
        demand=[("M", [4])],
        employees=[person("e1", contract={"min_consecutive_days": 3})],
        expected=2,
    ),
    Case(
        "contract.consecutive-days",
        demand=[("M", [1, 3, 5])],
        employees=[person("e1", contract={"min_consecutive_days_off": 3})],
        expected=4,
    ),
    Case(
        "contract.max-weekends",
        days=14,
        demand=[("M", [5, 13])],
        employees=[person("e1", contract={"max_weekends": 0})],
        expected=2,
    ),
    Case(
        "contract.hours",
        demand=[("M", [0, 2])],
        employees=[person("e1", contract={"max_minutes": 610})],
        expected=6,
    ),
    # Two wanted, one person: priced per missing person under the rule's own term when soft.
    Case("core.coverage", demand=[("M", [0, 1])], need=2, expected=2),
    Case(
        "core.safety-minimum",
        days=1,
        demand=[("M", [0]), ("A", [0])],
        employees=[person("s1", ["op", "esi"]), person("o1")],
        safety=[{"id": "esi", "skill": "esi", "min": 1, "shifts": ["M", "A"]}],
        expected=1,
    ),
]


def _solve(plant: Any) -> Any:
    return solve(plant, SolveOptions(time_limit=5, workers=1))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{i}" for i, c in enumerate(CASES)])
def test_soft_price_is_the_checkers_price(case: Case) -> None:
    plant = case.plant("soft")
    result = _solve(plant)
    assert result.status == "OPTIMAL" and result.strategy == "hard-coverage"
    checked = check_roster(plant, result.roster)
    assert checked.violations == []
    assert result.terms.get(case.rule, 0) == checked.objective.get(case.rule, 0) == WEIGHT * case.expected
    assert checked.total == round(result.objective)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{i}" for i, c in enumerate(CASES)])
def test_hard_rule_holds_in_the_solved_roster(case: Case) -> None:
    plant = case.plant("hard")
    result = _solve(plant)
    assert result.roster is not None
    checked = check_roster(plant, result.roster)
    if case.rule not in SHORTFALL_RULES:  # these two are the shortfall the roster is allowed to have
        assert broken(checked, case.rule) == []
    # The demand could only be met by breaking the rule: the roster leaves some of it uncovered instead.
    assert result.strategy == "priced-shortfall"
    assert {v.rule for v in checked.violations} <= {"core.coverage", "core.safety-minimum"}
    assert len(checked.violations) == result.terms["coverage_shortfall"] // 100_000 > 0


def test_requests_and_hours_target_are_priced_alike() -> None:
    """Priced terms that are soft by nature: refused requests and the distance to the contract's hours."""
    requests = [
        {"kind": "day_off", "date": day(0).isoformat(), "weight": 3},
        {"kind": "shift_on", "date": day(1).isoformat(), "shift": "A", "weight": 2},
        {"kind": "day_on", "date": day(3).isoformat(), "weight": 4},
        {"kind": "shift_off", "date": day(2).isoformat(), "shift": "M", "weight": 5},
    ]
    employee = person(
        "e1", requests=requests, contract={"hours_target": True, "weekly_hours": 35, "tolerance_hours": 35}
    )
    plant = scenario(
        employees=[employee],
        rules={"settings": {"core.requests": {"weight": WEIGHT}}},
        demand=[{"post": "line", "shifts": ["M"], "dates": [day(d).isoformat() for d in (0, 1, 2)], "min": 1}],
    )
    result = _solve(plant)
    assert result.status == "OPTIMAL"
    checked = check_roster(plant, result.roster)
    # Day 3 has no demand, so the day_on request cannot be granted; days 0-2 must be worked on M.
    assert result.terms["requests"] == checked.objective["requests"] == WEIGHT * (3 + 2 + 4 + 5)
    # 24 h worked against a 70 h target (35 h a week over the 14 days): 46 h away.
    assert result.terms["contract_hours"] == checked.objective["contract_hours"] == 46
    assert checked.total == round(result.objective)
