"""Small solves with households, audiences of the report, and bad household input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roulement import service
from roulement.check import check_roster
from roulement.cli import app
from roulement.formats.scenario_yaml import ScenarioError, load_scenario, save_scenario
from roulement.model.roster import Timeline
from roulement.model.scenario import Scenario
from roulement.report.audience import Audience, AudienceError, for_audience
from roulement.report.html import render_html
from roulement.rules.people import childcare_clashes
from roulement.solve import SolveOptions
from tests.factory import scenario

DECLARED = {"declared_by": "e0", "purpose": "roster"}
CARE = {"windows": [{"days": "all", "start": "00:00", "end": "00:00"}],
        "caregivers": [{"label": "grandparent", "available": [{"days": "weekdays", "start": "06:00",
                                                                "end": "20:00"}]}]}


def plant(households: list[dict[str, Any]] | None = None, days: int = 14) -> Scenario:
    people = [{"id": f"e{i}", "name": f"Person {i}", "skills": ["op"]} for i in range(9)]
    return scenario(days=days, employees=people, demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}],
                    households=households if households is not None else [
                        {"id": "foyer-a", "members": ["e0", "e1"], "declaration": DECLARED,
                         "shared_days_off": {"weight": 3}, "childcare": CARE},
                        {"id": "foyer-b", "members": ["e2"], "declaration": {"declared_by": "e2"},
                         "childcare": {"windows": [{"days": "weekdays", "start": "16:30", "end": "20:00"}]}},
                    ])


def test_small_solve_keeps_childcare_and_passes_the_checker() -> None:
    chosen = plant()
    outcome = service.plan(chosen, SolveOptions(time_limit=10, workers=2), price=True)
    assert outcome.roster is not None and outcome.checked is not None and outcome.report is not None
    assert check_roster(chosen, outcome.roster).violations == []
    people = outcome.report["people"]
    assert all(h["childcare_uncovered_hours"] == 0 for h in people["households"])
    assert people["price"]["objective_with_people"] is not None
    assert people["price"]["objective_ignoring_people"] is not None
    assert outcome.report["summary"]["coverage_complete"]


def test_ignoring_people_is_judged_without_the_people_pack() -> None:
    chosen = plant()
    outcome = service.plan(chosen, SolveOptions(time_limit=5, workers=2), ignore=frozenset({"people"}))
    assert outcome.checked is not None and outcome.report is not None
    assert not [v for v in outcome.checked.violations if v.rule.startswith("people.")]
    assert outcome.report["rules_ignored"] == ["people"]
    # The people section still shows what the roster does to households.
    assert {h["id"] for h in outcome.report["people"]["households"]} == {"foyer-a", "foyer-b"}


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.integers(min_value=0, max_value=23), length=st.integers(min_value=1, max_value=10),
       commute=st.sampled_from([0, 30, 60]), day=st.sampled_from(["all", "weekdays", "weekends", "sat"]))
def test_solved_rosters_keep_declared_hard_childcare_windows(start: int, length: int, commute: int,
                                                             day: str) -> None:
    window = {"days": day, "start": f"{start:02d}:00", "end": f"{(start + length) % 24:02d}:00"}
    chosen = plant([{"id": "f", "members": ["e0", "e1"], "declaration": DECLARED,
                     "childcare": {"windows": [window], "commute_minutes": commute}}], days=7)
    outcome = service.plan(chosen, SolveOptions(time_limit=5, workers=2))
    assert outcome.roster is not None
    timeline = Timeline(chosen, outcome.roster)
    shifts = {e: [i.occurrence for i in items] for e, items in timeline.by_employee.items()}
    assert childcare_clashes(timeline.calendar, chosen.households[0], shifts) == []
    assert check_roster(chosen, outcome.roster).violations == []


# --- audiences ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def planned() -> service.PlanOutcome:
    return service.plan(plant(), SolveOptions(time_limit=5, workers=2))


def rendered(chosen: Scenario, outcome: service.PlanOutcome, audience: Audience, employee: str | None) -> str:
    assert outcome.roster is not None and outcome.report is not None
    visible, roster, report = for_audience(chosen, outcome.roster, outcome.report, audience, employee)
    return json.dumps(report, ensure_ascii=False) + render_html(visible, roster, report)


def test_planner_sees_households(planned: service.PlanOutcome) -> None:
    text = rendered(planned.scenario, planned, Audience.PLANNER, None)
    assert "foyer-a" in text and "Person 1" in text


def test_council_sees_aggregates_only(planned: service.PlanOutcome) -> None:
    text = rendered(planned.scenario, planned, Audience.COUNCIL, None)
    for secret in ("foyer-a", "foyer-b", "Person 0", "Person 1", "Person 2", '"e0"', '"e1"', '"e2"'):
        assert secret not in text
    assert planned.report is not None
    _, _, report = for_audience(planned.scenario, planned.roster or [], planned.report,  # type: ignore[arg-type]
                                Audience.COUNCIL)
    assert report["people"]["households"]["households"] == 2
    assert len(report["people"]["fairness"]) == 9


def test_employee_sees_only_their_own(planned: service.PlanOutcome) -> None:
    text = rendered(planned.scenario, planned, Audience.EMPLOYEE, "e0")
    for secret in ("foyer-b", "Person 1", "Person 2", "Person 5", '"e1"', '"e2"'):
        assert secret not in text
    assert "foyer-a" in text and "Person 0" in text


def test_employee_report_needs_a_known_employee(planned: service.PlanOutcome) -> None:
    assert planned.report is not None and planned.roster is not None
    with pytest.raises(AudienceError):
        for_audience(planned.scenario, planned.roster, planned.report, Audience.EMPLOYEE, "nobody")


def test_cli_writes_the_council_report(tmp_path: Path) -> None:
    path = tmp_path / "plant.yaml"
    save_scenario(plant(days=7), path)
    result = CliRunner().invoke(app, ["plan", str(path), "--out", str(tmp_path / "out"), "--time-limit", "4",
                                      "--audience", "council"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "report.json").read_text() + (tmp_path / "out" / "report.html").read_text()
    text += (tmp_path / "out" / "roster.csv").read_text()
    assert "foyer-a" not in text and "Person 0" not in text and "e0," not in text


@pytest.mark.parametrize("arguments, message", [
    (["--audience", "employee"], "--employee"),
    (["--audience", "employee", "--employee", "ghost"], "ghost"),
    (["--ignore", "persons"], "no rule pack persons"),
])
def test_cli_rejects_bad_arguments(tmp_path: Path, arguments: list[str], message: str) -> None:
    path = tmp_path / "plant.yaml"
    save_scenario(plant(days=7), path)
    result = CliRunner().invoke(app, ["plan", str(path), "--out", str(tmp_path / "out"), *arguments])
    assert result.exit_code == 2
    assert message in result.output


# --- bad input ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("households, field, message", [
    ([{"id": "f", "members": ["e0", "ghost"], "declaration": DECLARED}], "members", "unknown employee 'ghost'"),
    ([{"id": "f", "members": ["e0"], "declaration": DECLARED},
      {"id": "g", "members": ["e1", "e0"], "declaration": {"declared_by": "e1"}}], "members", "already in household"),
    ([{"id": "f", "members": ["e0", "e1"], "declaration": {"declared_by": "e5"}}], "declared_by", "not a member"),
    ([{"id": "f", "members": ["e0"], "declaration": DECLARED, "shared_days_off": {}}], "shared_days_off",
     "at least two members"),
    ([{"id": "f", "members": ["e0"], "declaration": DECLARED,
       "childcare": {"windows": [{"start": "25:00", "end": "06:00"}]}}], "start", "not a clock time"),
])
def test_bad_households_are_located(tmp_path: Path, households: list[dict[str, Any]], field: str,
                                    message: str) -> None:
    import yaml

    data = plant([]).model_dump(mode="json", exclude_none=True)
    data["households"] = households
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = "\n".join(caught.value.problems)
    assert "bad.yaml" in text and field in text and message in text


def test_planner_report_points_couples_below_target_to_explain_household() -> None:
    from roulement.report.html import _people

    def household(identifier: str, got: int) -> dict[str, Any]:
        return {"id": identifier, "members": ["a", "b"], "shared_days_off_asked": 11, "shared_days_off_got": got,
                "childcare_uncovered_hours": 0.0, "childcare_mode": None}

    people = {"price": {"objective_with_people": None}, "fairness": [],
              "households": [household("foyer-near", 10), household("foyer-far", 9)]}
    planner = "".join(_people({"people": people}))
    assert "Below 90 % of days off together: foyer-far." in planner and "explain-household" in planner
    assert "explain-household" not in "".join(_people({"people": people, "employee": "a"}))


def test_the_price_on_common_terms_is_the_full_checks_coverage_and_contract_terms() -> None:
    """Judged by the core and contract packs alone (faster), it equals what the full check prices."""
    from roulement.analyse.fairness import price_on_common_terms, priced_terms
    from roulement.check import check_roster
    from roulement.examples.kos import kos_de
    from roulement.rules.packs import build_rules
    from roulement.solve.slot_fill import first_roster

    plant = kos_de()
    roster = first_roster(plant, build_rules(plant)).roster
    full = priced_terms(check_roster(plant, roster, build_rules(plant)).objective)
    assert full > 0 and price_on_common_terms(plant, roster) == full
