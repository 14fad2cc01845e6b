"""The service's typed outcomes: what the command line and the web app present."""

from __future__ import annotations

from pathlib import Path

from roulement import service
from roulement.model.scenario import Scenario
from roulement.solve import SolveOptions
from tests.factory import day, scenario

FAST = SolveOptions(time_limit=5, workers=2, explain_time_limit=5)


def plant(people: int = 6) -> Scenario:
    return scenario(days=7, employees=[{"id": f"e{i}", "skills": ["op"]} for i in range(people)],  # type: ignore
                    demand=[{"post": "line", "shifts": ["M", "A"], "min": 1}])


def test_audit_outcome_names_its_parts() -> None:
    chosen = plant()
    outcome = service.plan(chosen, FAST)
    assert outcome.roster is not None and outcome.checked is not None and outcome.report is not None
    audited = service.audit(chosen, outcome.roster)
    assert audited.ok and audited.violations == [] and audited.report["summary"]["violations"] == 0
    emptied = service.audit(chosen, outcome.roster.__class__([]))
    assert not emptied.ok and emptied.violations == emptied.report["violations"] != []


def test_plan_outcome_carries_the_explanation_when_cover_is_impossible() -> None:
    outcome = service.plan(plant(people=1), FAST)
    assert outcome.result.cover_proven_impossible
    assert outcome.explanations and outcome.explanations[0].posts == ("line",)
    assert outcome.report is not None and outcome.report["solver"]["explanations"][0]["posts"] == ["line"]


def test_replan_outcome_is_judged_and_written(tmp_path: Path) -> None:
    chosen = plant()
    published = service.plan(chosen, FAST).roster
    assert published is not None
    sick = next(a.employee for a in published if a.date == day(3))
    from roulement.model.edits import DateRange, add_absence

    disrupted = add_absence(chosen, sick, DateRange(day(3), day(4)))
    outcome = service.replan(disrupted, published, day(3), [f"{sick} absent"], FAST)
    assert outcome.checked is not None and outcome.checked.ok
    assert outcome.report is not None and outcome.report["replan"]["changes"] == len(outcome.changes) > 0
    written = service.write_replan(outcome, tmp_path)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert {p.name for p in written} == {"roster.csv", "changes.csv", "summary.txt", "report.json", "report.html"}
    assert f"Re-plan from {day(3)}" in page and f"{sick} absent" in page and page.rstrip().endswith("</html>")


def test_stress_outcome_says_whether_the_plant_can_run() -> None:
    chosen = plant()
    kept = service.stress(chosen, ["e0"], "by hand", judge_cut=True, time_limit=5)
    assert kept.plant_can_run and kept.cut is not None and kept.risk is None
    gutted = service.stress(chosen, [f"e{i}" for i in range(5)], "by hand", judge_cut=True, time_limit=5,
                            absence_rate=0.1, samples=5)
    assert not gutted.plant_can_run and gutted.risk is not None
    assert "line" in gutted.as_dict("x")["cut"]["short_person_shifts_by_post"]
    assert "Random absences" in gutted.html() and "Not covered" in gutted.html()
