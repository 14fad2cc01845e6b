"""The first roster, built slot by slot, and the promise that `plan` always writes a roster (issue 17)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roulement.analyse.fairness_guides import fairness_guides
from roulement.check import check_roster
from roulement.cli import app
from roulement.examples.kos import kos_de
from roulement.formats.scenario_yaml import save_scenario
from roulement.rules.core import Coverage, SafetyMinimums
from roulement.rules.packs import build_rules
from roulement.solve import SolveOptions
from roulement.solve.first import rank, solve_from_first_roster
from roulement.solve.search import SolveResult
from roulement.solve.slot_fill import first_roster
from tests.factory import scenario

COVER = (Coverage.id, SafetyMinimums.id)


def small_plant(people: int = 12) -> object:
    return scenario(days=14, employees=[{"id": f"e{i}", "skills": ["op"]} for i in range(people)],
                    demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 2}])


def test_the_first_roster_of_a_small_plant_is_covered_and_lawful() -> None:
    plant = small_plant()
    rules = build_rules(plant)  # type: ignore[arg-type]
    first = first_roster(plant, rules)  # type: ignore[arg-type]
    checked = check_roster(plant, first.roster, rules)  # type: ignore[arg-type]
    assert checked.violations == []
    assert first.short == 0 and first.unlawful == 0


def test_the_first_roster_of_kos_de_breaks_no_rule_of_a_person_or_a_household() -> None:
    plant = kos_de()
    rules = build_rules(plant)
    first = first_roster(plant, rules)
    checked = check_roster(plant, first.roster, rules)
    assert [v for v in checked.violations if v.rule not in COVER] == []
    short = rank(checked)[1]  # posts' minimums and safety minimums
    assert short >= first.short
    # Nearly covered (31 of 1,393 person-shifts short when written): CP-SAT closes the rest.
    assert short <= 0.03 * sum(1 for _ in first.roster)


def test_a_search_that_finds_nothing_keeps_the_first_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    import roulement.solve.first as first_module

    plant = small_plant()
    rules = build_rules(plant)  # type: ignore[arg-type]
    seen: list[SolveResult] = []

    def nothing(*args: object, **kwargs: object) -> SolveResult:
        return SolveResult(None, "UNKNOWN", None, None, 1.0, 0.0, None, 0, False, {}, 0)

    monkeypatch.setattr(first_module, "solve", nothing)
    result, checked = solve_from_first_roster(plant, SolveOptions(time_limit=10, workers=1), rules,  # type: ignore
                                              on_first=lambda interim, _: seen.append(interim))
    assert result.roster is not None and seen and seen[0].roster is not None
    # The roster kept is the one written, or the same cover with nights and Sundays spread more fairly.
    cells = sorted((a.date, a.shift, a.post) for a in result.roster)
    assert cells == sorted((a.date, a.shift, a.post) for a in seen[0].roster)
    assert checked is not None and checked.violations == []
    assert "kept" in result.note


def test_a_stop_before_the_first_roster_is_whole_gives_no_roster() -> None:
    plant = small_plant()
    stop = threading.Event()
    stop.set()
    result, checked = solve_from_first_roster(plant, SolveOptions(time_limit=10, workers=1),  # type: ignore
                                              build_rules(plant), stop=stop)  # type: ignore[arg-type]
    assert result.roster is None and result.interrupted and checked is None


def test_plan_writes_a_roster_with_gaps_and_reports_them(tmp_path: Path) -> None:
    """Too few people for the minimums: the roster is still written, with its gaps in the report."""
    plant = small_plant(people=5)
    path = tmp_path / "plant.yaml"
    save_scenario(plant, path)  # type: ignore[arg-type]
    result = CliRunner().invoke(app, ["plan", str(path), "--time-limit", "4", "--workers", "1",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["summary"]["shortfall_person_shifts"] > 0
    assert "person-shifts short" in result.output
    assert (tmp_path / "out" / "roster.csv").read_text().count("\n") > 1


def test_fairness_guides_say_by_how_much_they_are_missed() -> None:
    plant = small_plant(people=6)
    from tests.factory import roster

    # e0 works four nights, e1 none: a gap of 4 nights among full-time peers.
    uneven = roster(*[("e0", d, "N") for d in (0, 1, 2, 6)], ("e1", 3, "M"))
    guides = fairness_guides(plant, uneven, 30.0)  # type: ignore[arg-type]
    assert guides["nights"] == 4 and not guides["met"]
    assert guides["message"].startswith("nights among full-time peers differ by up to 4 (target 1)")
    assert guides["message"].endswith("fairness guides not reached in 30 s")


def test_no_search_is_started_without_time_to_build_its_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Less time left than the search's model takes to build (twice the first roster's time, by default):
    the first roster is kept as it is rather than the limit overrun."""
    import roulement.solve.first as first_module

    def must_not_run(*args: object, **kwargs: object) -> SolveResult:
        raise AssertionError("the search was started without time to build its model")

    monkeypatch.setattr(first_module, "solve", must_not_run)
    monkeypatch.setattr(first_module, "SEARCH_FLOOR", 1e6)
    plant = small_plant()
    result, checked = solve_from_first_roster(plant, SolveOptions(time_limit=10, workers=1),  # type: ignore
                                              build_rules(plant))  # type: ignore[arg-type]
    assert result.roster is not None and checked is not None and checked.violations == []
    assert "no time left to improve it" in result.note
