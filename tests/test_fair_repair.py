"""Nights and Sundays of a first roster brought within a fair share's band (issue 17), judged by the checker."""

from __future__ import annotations

from collections import Counter

import pytest

import roulement.solve.slot_fill as slot_fill
from roulement.analyse.fairness_guides import full_time_gaps
from roulement.check import check_roster
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.rules.packs import build_rules
from roulement.solve.fair_repair import repair_fairness
from tests.factory import scenario


def plant() -> Scenario:
    return scenario(days=14, employees=[{"id": f"e{i}", "skills": ["op"]} for i in range(10)],
                    demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 2}])


def unfair_first_roster(plant: Scenario, monkeypatch: pytest.MonkeyPatch) -> Roster:
    """A lawful first roster built to be unfair: the most loaded are chosen first, and no swaps."""
    monkeypatch.setattr(slot_fill, "FAIRNESS_WEIGHT", -5.0)
    return slot_fill.first_roster(plant, build_rules(plant), swaps=False).roster


def cells(roster: Roster) -> Counter[tuple[object, str, str]]:
    return Counter((a.date, a.shift, a.post) for a in roster)


def test_the_repair_brings_full_time_peers_within_one_night_and_one_sunday(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario_ = plant()
    rules = build_rules(scenario_)
    unfair = unfair_first_roster(scenario_, monkeypatch)
    before = check_roster(scenario_, unfair, rules)
    assert max(full_time_gaps(scenario_, unfair).values()) > 1  # the starting point is really unfair

    repaired = repair_fairness(scenario_, rules, unfair, 60.0)

    assert repaired.mended > 0
    assert max(full_time_gaps(scenario_, repaired.roster).values()) <= 1
    assert repaired.gaps == full_time_gaps(scenario_, repaired.roster)  # its own figures, as the report's
    # Lawful as before (the independent checker's verdict), and the same cover, cell by cell.
    after = check_roster(scenario_, repaired.roster, rules)
    assert [v.rule for v in after.violations] == [v.rule for v in before.violations] == []
    assert cells(repaired.roster) == cells(unfair)


def test_a_fair_roster_is_left_as_it_is() -> None:
    scenario_ = plant()
    rules = build_rules(scenario_)
    fair = slot_fill.first_roster(scenario_, rules).roster
    if max(full_time_gaps(scenario_, fair).values()) > 1:
        pytest.skip("the first roster of this plant is not within the bands")
    repaired = repair_fairness(scenario_, rules, fair, 10.0)
    assert repaired.mended == 0 and repaired.roster == fair
