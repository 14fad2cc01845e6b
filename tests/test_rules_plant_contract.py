"""plant.* (shift-work ergonomics, site successions) and contract.* (hours, shift caps, runs, weekends)."""

from __future__ import annotations

from typing import Any

from roulement.check import check_roster
from roulement.model.scenario import Scenario
from tests.factory import broken, day, person, roster, scenario

# --- plant ----------------------------------------------------------------------------------------


def test_max_consecutive_nights() -> None:
    plant = scenario(employees=[person("e1")])
    assert (
        broken(
            check_roster(plant, roster(*[("e1", d, "N") for d in range(3)])), "plant.max-consecutive-nights"
        )
        == []
    )
    [violation] = broken(
        check_roster(plant, roster(*[("e1", d, "N") for d in (0, 1, 2, 3, 6, 7, 8)])),
        "plant.max-consecutive-nights",
    )
    assert (violation.employee, violation.dates) == ("e1", (day(0), day(3)))
    assert "BAuA" in violation.reference and violation.details["amount"] == 1


def test_forward_rotation() -> None:
    plant = scenario(employees=[person("e1")])
    forward = roster(("e1", 0, "M"), ("e1", 1, "A"), ("e1", 2, "N"), ("e1", 3, "N"), ("e1", 6, "M"))
    assert broken(check_roster(plant, forward), "plant.forward-rotation") == []
    [violation] = broken(
        check_roster(plant, roster(("e1", 0, "N"), ("e1", 2, "A"), ("e1", 3, "M"))), "plant.forward-rotation"
    )
    assert (violation.employee, violation.dates) == ("e1", (day(2), day(3)))
    assert "forward rotation" in violation.reference


def test_forward_rotation_follows_a_declared_order() -> None:
    plant = scenario(
        employees=[person("e1")],
        rules={"settings": {"plant.forward-rotation": {"params": {"order": ["N", "A", "M"]}}}},
    )
    assert (
        broken(
            check_roster(plant, roster(("e1", 0, "N"), ("e1", 2, "A"), ("e1", 3, "M"))),
            "plant.forward-rotation",
        )
        == []
    )
    assert (
        len(broken(check_roster(plant, roster(("e1", 0, "M"), ("e1", 1, "A"))), "plant.forward-rotation"))
        == 1
    )


def test_forbidden_successions() -> None:
    plant = scenario(
        employees=[person("e1")],
        rules={"settings": {"plant.forbidden-successions": {"params": {"pairs": [["A", "A"]]}}}},
    )
    assert (
        broken(check_roster(plant, roster(("e1", 0, "A"), ("e1", 2, "A"))), "plant.forbidden-successions")
        == []
    )
    [violation] = broken(
        check_roster(plant, roster(("e1", 4, "A"), ("e1", 5, "A"))), "plant.forbidden-successions"
    )
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(4), day(5)), "site rule")


# --- contract -------------------------------------------------------------------------------------


def _one(contract: dict[str, Any], days: int = 14, **fields: Any) -> Scenario:
    return scenario(days=days, employees=[person("e1", contract=contract, **fields)])


def test_contract_hours_explicit_bounds() -> None:
    plant = _one({"min_minutes": 600, "max_minutes": 1000})
    assert broken(check_roster(plant, roster(("e1", 0, "M"), ("e1", 2, "M"))), "contract.hours") == []
    [low] = broken(check_roster(plant, roster(("e1", 0, "M"))), "contract.hours")
    assert (low.employee, low.reference, low.details["amount"]) == (
        "e1",
        "employment contract",
        2,
    )  # 2 h short
    [high] = broken(check_roster(plant, roster(*[("e1", d, "M") for d in (0, 2, 4)])), "contract.hours")
    assert "above" in high.message and high.details["amount"] == 8  # 24 h against 16 h 40


def test_contract_hours_target_and_tolerance() -> None:
    # 35 h a week over 14 days: target 70 h, hard band 62-78 h (4 h a week of tolerance), soft pull to 70 h.
    plant = _one({"hours_target": True, "weekly_hours": 35, "tolerance_hours": 4})
    eight = roster(*[("e1", d, "M") for d in (0, 1, 2, 3, 7, 8, 9, 10)])  # 64 h
    checked = check_roster(plant, eight)
    assert broken(checked, "contract.hours") == [] and checked.objective["contract_hours"] == 6
    [low] = broken(check_roster(plant, roster(*[("e1", d, "M") for d in range(7)])), "contract.hours")
    assert "below" in low.message
    # An absence of 7 days halves the target: 35 h, band 31-39 h.
    away = _one({"hours_target": True}, absences=[{"start": day(7).isoformat(), "end": day(13).isoformat()}])
    assert broken(check_roster(away, roster(*[("e1", d, "M") for d in range(4)])), "contract.hours") == []


def test_max_shifts_per_type() -> None:
    plant = _one({"max_shifts": {"N": 1}})
    assert broken(check_roster(plant, roster(("e1", 0, "N"), ("e1", 3, "M"))), "contract.max-shifts") == []
    [violation] = broken(check_roster(plant, roster(("e1", 0, "N"), ("e1", 3, "N"))), "contract.max-shifts")
    assert (violation.employee, violation.reference, violation.details["amount"]) == (
        "e1",
        "employment contract",
        1,
    )


def test_max_consecutive_days_applies_even_at_the_horizon_edge() -> None:
    plant = _one({"max_consecutive_days": 5})
    assert (
        broken(check_roster(plant, roster(*[("e1", d, "M") for d in range(5)])), "contract.consecutive-days")
        == []
    )
    [violation] = broken(
        check_roster(plant, roster(*[("e1", d, "M") for d in range(6)])), "contract.consecutive-days"
    )
    assert (violation.employee, violation.dates, violation.reference) == (
        "e1",
        (day(0), day(5)),
        "employment contract",
    )


def test_min_consecutive_days_exempts_runs_at_the_horizon_edge() -> None:
    plant = _one({"min_consecutive_days": 2})
    # Single days on the first and last day may continue outside the plan: not judged.
    edges = roster(("e1", 0, "M"), ("e1", 4, "M"), ("e1", 5, "M"), ("e1", 13, "M"))
    assert broken(check_roster(plant, edges), "contract.consecutive-days") == []
    [violation] = broken(check_roster(plant, roster(("e1", 7, "M"))), "contract.consecutive-days")
    assert (violation.employee, violation.dates) == ("e1", (day(7), day(7)))
    assert "fewer than 2" in violation.message


def test_min_consecutive_days_off() -> None:
    plant = _one({"min_consecutive_days_off": 2})
    ok = roster(
        ("e1", 1, "M"), ("e1", 2, "M"), ("e1", 5, "M"), ("e1", 12, "M")
    )  # off: edge 0, 3-4, 6-11, edge 13
    assert broken(check_roster(plant, ok), "contract.consecutive-days") == []
    [violation] = broken(
        check_roster(plant, roster(("e1", 2, "M"), ("e1", 4, "M"))), "contract.consecutive-days"
    )
    assert (violation.employee, violation.dates) == ("e1", (day(3), day(3)))
    assert "days off" in violation.message


def test_max_weekends() -> None:
    plant = _one({"max_weekends": 1})
    assert broken(check_roster(plant, roster(("e1", 5, "M"), ("e1", 6, "M"))), "contract.max-weekends") == []
    [violation] = broken(
        check_roster(plant, roster(("e1", 5, "M"), ("e1", 13, "M"))), "contract.max-weekends"
    )
    assert (violation.employee, violation.reference, violation.details["amount"]) == (
        "e1",
        "employment contract",
        1,
    )
