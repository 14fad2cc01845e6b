"""How close a couple could be on their own: the what-ifs behind `roulement explain-household`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from roulement.analyse.households import HouseholdError, alone, fair_floors, togetherness
from roulement.check import check_roster
from roulement.cli import app
from roulement.formats.roster_csv import roster_to_csv
from roulement.formats.scenario_yaml import save_scenario
from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.people import counts_toward
from tests.factory import roster, scenario

DECLARED = {"declared_by": "e0", "purpose": "roster"}
# The child needs one of them at every hour: whoever works a night keeps the other at home.
ROUND_THE_CLOCK = {"windows": [{"days": "all", "start": "00:00", "end": "00:00"}], "commute_minutes": 30}


def plant(shared: bool = True) -> Scenario:
    """Three people for a 3x8 line: everyone carries nights, and 48 h of rest follow every night block."""
    people = [{"id": f"e{i}", "skills": ["op"], "contract": {"hours_target": False}} for i in range(3)]
    household = {"id": "foyer", "members": ["e0", "e1"], "declaration": DECLARED, "childcare": ROUND_THE_CLOCK}
    if shared:
        household["shared_days_off"] = {"weight": 3}
    return scenario(days=14, employees=people, demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}],
                    households=[household], rules={"settings": {"plant.rest-after-nights": {"mode": "hard"}}})


def rotation() -> Roster:
    """Each takes the night in turn (14 nights: e0 and e1 five, e2 four), the day shifts the others."""
    rows = []
    for day in range(14):
        rows += [(f"e{day % 3}", day, "N"), (f"e{(day + 1) % 3}", day, "M"), (f"e{(day + 2) % 3}", day, "A")]
    return roster(*rows)


def nights_of(chosen: Scenario, found: Roster, employee: str) -> int:
    items = Timeline(chosen, found).by_employee.get(employee, [])
    return sum(1 for item in items if counts_toward("nights", item.occurrence))


def test_fair_floors_are_the_floor_of_each_peer_groups_share() -> None:
    floors = fair_floors(Timeline(plant(), rotation()))
    # 14 nights among three peers: a share of 4.67 each; 2 Sundays x 3 shifts: 2 each.
    assert {floors[("nights", f"e{i}")] for i in range(3)} == {4}
    assert {floors[("sundays", f"e{i}")] for i in range(3)} == {2}


def test_a_fair_share_of_nights_keeps_the_couple_apart_and_fewer_nights_bring_them_together() -> None:
    chosen = plant()
    found = togetherness(chosen, rotation(), "foyer", time_limit=5, workers=1)
    assert found.members == ("e0", "e1")
    first, second = found.trials[0], found.trials[-1]
    assert first.nights == {"e0": 4, "e1": 4} and first.sundays == {"e0": 2, "e1": 2}
    # With four nights each, every night one works ties the other to the child: 4 days apart, proven.
    assert first.apart == 4 and first.optimal
    assert second.nights == {"e0": 3, "e1": 3} and second.apart is not None and second.apart < 4
    assert second.share is not None and second.share >= 0.9
    household = chosen.households[0]
    for trial in found.trials:
        assert trial.roster is not None
        # Judged by the independent checker on the couple's own scenario: lawful, childcare kept.
        assert check_roster(alone(chosen, household), trial.roster).violations == []
        for member in ("e0", "e1"):
            assert nights_of(chosen, trial.roster, member) >= trial.nights[member]


def test_only_couples_asking_for_days_off_together_are_explained() -> None:
    with pytest.raises(HouseholdError, match="unknown household 'nobody'"):
        togetherness(plant(), rotation(), "nobody", time_limit=1, workers=1)
    with pytest.raises(HouseholdError, match="foyer is not a couple asking for days off together"):
        togetherness(plant(shared=False), rotation(), "foyer", time_limit=1, workers=1)


def test_explain_household_speaks_the_three_languages_and_names_a_bad_household(tmp_path: Path) -> None:
    scenario_file, roster_file = tmp_path / "plant.yaml", tmp_path / "roster.csv"
    save_scenario(plant(), scenario_file)
    roster_file.write_text(roster_to_csv(plant(), rotation()), encoding="utf-8")
    arguments = ["explain-household", str(scenario_file), str(roster_file), "--household", "foyer",
                 "--time-limit", "5", "--workers", "1"]
    english = CliRunner().invoke(app, arguments)
    assert english.exit_code == 0, english.output
    said = " ".join(english.output.split())  # Rich wraps lines to the terminal's width
    assert "4 days apart at best" in said and "proven the fewest" in said
    assert "with at least e0 3, e1 3 nights and e0 2, e1 2 Sundays: 1 day apart at best" in said
    french = CliRunner().invoke(app, [*arguments, "--lang", "fr"])
    assert "4 jours décalés au mieux" in " ".join(french.output.split())
    german = CliRunner().invoke(app, [*arguments, "--lang", "de"])
    assert "bestenfalls 4 Tage getrennt" in " ".join(german.output.split())
    unknown = CliRunner().invoke(app, [*arguments[:4], "--household", "nobody"])
    assert unknown.exit_code == 2 and "nobody" in unknown.output
