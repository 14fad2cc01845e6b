"""Planning a group: every site its own task (Ray with 2 CPUs, local processes, serial), same rosters as
serial plans, failures named in the group report, GROUP.yaml mistakes named by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from roulement import service
from roulement.analyse.capacity import GroupCapacity
from roulement.formats.group_yaml import load_group
from roulement.formats.roster_csv import roster_to_csv
from roulement.formats.scenario_yaml import ScenarioError, save_scenario
from roulement.model.scenario import Scenario
from roulement.report.group_html import render_group_html
from roulement.service.group import (
    GroupOutcome,
    RunnerOptions,
    SiteJob,
    plan_group,
    plan_site,
    write_group_outputs,
)
from roulement.solve.options import SolveOptions
from roulement.tasks import Task, run_tasks
from tests.conftest import ON_RAY
from tests.factory import scenario
from tests.test_tasks import always_fails

TIME_LIMIT = 5.0


def _site(people: int, name: str) -> Scenario:
    plant = scenario(days=7, employees=[{"id": f"e{i}", "skills": ["op"],
                                         "contract": {"weekly_hours": 28, "tolerance_hours": 6}}
                                        for i in range(people)],
                     demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}])
    return plant.replaced(site=plant.site.model_copy(update={"name": name}))


@pytest.fixture(scope="module")
def group_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("group")
    for number, people in enumerate((6, 7, 8), start=1):
        save_scenario(_site(people, f"Site {number}"), folder / f"site-{number}.yaml")
    (folder / "group.yaml").write_text(
        f"name: Test group\ndefaults:\n  time_limit: {TIME_LIMIT}\n  seed: 3\nsites:\n"
        + "".join(f"  - id: site-{n}\n    scenario: site-{n}.yaml\n" for n in (1, 2, 3)))
    return folder / "group.yaml"


@pytest.fixture(scope="module")
def serial_rosters(group_file: Path) -> dict[str, str]:
    """Three plans one after the other, as a site's task makes them: the search from its own first solution
    (the slot-by-slot first roster of `roulement plan` yields to the clock, so it is left out of group plans)."""
    rosters = {}
    for loaded in load_group(group_file).sites:
        outcome = service.plan(loaded.scenario, SolveOptions(time_limit=TIME_LIMIT, seed=3, workers=1,
                                                             first_roster=False))
        assert outcome.roster is not None and outcome.checked is not None and outcome.checked.ok
        rosters[loaded.site.id] = roster_to_csv(loaded.scenario, outcome.roster)
    return rosters


def _check_outcome(outcome: GroupOutcome, serial_rosters: dict[str, str]) -> None:
    assert not outcome.run.failures and not outcome.run.interrupted
    assert {site: result.files["roster.csv"] for site, result in outcome.results.items()} == serial_rosters
    for result in outcome.results.values():  # each judged by the checker in its task
        assert result.violations == 0 and result.coverage_complete


# Opt-in: the sites' searches stop at a wall-clock limit before proving optimality, so on a machine busy with
# other tests the same seed can stop elsewhere (docs/scale.md); run alone with `-m timing`.
@pytest.mark.timing
@ON_RAY
def test_a_three_site_group_on_ray_gives_the_rosters_of_three_serial_plans(
        local_ray: None, group_file: Path, serial_rosters: dict[str, str], tmp_path: Path) -> None:
    outcome = plan_group(load_group(group_file), RunnerOptions(engine="ray"))
    assert outcome.run.engine == "ray" and outcome.run.workers == 2
    _check_outcome(outcome, serial_rosters)
    written = write_group_outputs(outcome, tmp_path)
    page = written[0].read_text()
    assert all(f"href='site-{n}/report.html'" in page for n in (1, 2, 3))
    assert (tmp_path / "site-2" / "roster.csv").read_text() == serial_rosters["site-2"]


# Opt-in: the sites' searches stop at a wall-clock limit before proving optimality, so on a machine busy with
# other tests the same seed can stop elsewhere (docs/scale.md); run alone with `-m timing`.
@pytest.mark.timing
def test_without_ray_local_processes_give_the_same_rosters(group_file: Path, serial_rosters: dict[str, str]) -> None:
    outcome = plan_group(load_group(group_file), RunnerOptions(engine="processes", workers=2))
    assert outcome.run.engine == "processes"
    _check_outcome(outcome, serial_rosters)


def test_a_site_that_always_fails_is_named_in_the_group_report(group_file: Path) -> None:
    loaded = load_group(group_file).sites[0]
    tasks: list[Task[object]] = [
        Task("site-1", plan_site, (SiteJob("site-1", loaded.scenario, SolveOptions(time_limit=TIME_LIMIT,
                                                                                    workers=1)),)),
        Task("site-broken", always_fails, (1,)),
    ]
    run = run_tasks(tasks, engine="processes", workers=2)
    outcome = GroupOutcome("Test group", ["site-1", "site-broken"], run.results, run)  # type: ignore[arg-type]
    document = outcome.document()
    broken = next(line for line in document["sites"] if line["site_id"] == "site-broken")
    assert broken["outcome"] == "failed" and "broken on purpose" in broken["error"]
    assert document["totals"]["planned"] == 1
    page = render_group_html(document)
    assert "site-broken" in page and "broken on purpose" in page


def test_group_file_mistakes_name_file_line_and_field(tmp_path: Path) -> None:
    group = tmp_path / "group.yaml"
    group.write_text("name: G\ndefaults:\n  time_limit: -3\nsites:\n  - id: a\n    scenario: missing.yaml\n"
                     "  - id: a\n    scenario: other.yaml\n")
    with pytest.raises(ScenarioError) as error:
        load_group(group)
    assert any(f"{group}:3: defaults.time_limit:" in p for p in error.value.problems), error.value.problems
    group.write_text("name: G\nsites:\n  - id: a\n    scenario: missing.yaml\n")
    with pytest.raises(ScenarioError) as error:
        load_group(group)
    assert error.value.problems == [f"{group}:4: sites[0].scenario: no scenario file 'missing.yaml' "
                                    f"({tmp_path / 'missing.yaml'})"]


def test_the_commands_generate_a_group_and_refuse_a_bad_group_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from roulement.cli import app

    runner = CliRunner()
    made = runner.invoke(app, ["example", "group", "--sites", "2", "--people", "40", "--out", str(tmp_path / "g")])
    assert made.exit_code == 0, made.output
    loaded = load_group(tmp_path / "g" / "group.yaml")
    assert [s.site.id for s in loaded.sites] == ["site-01", "site-02"]
    big = runner.invoke(app, ["example", "big", "--people", "40", "--seed", "2", "--out", str(tmp_path / "b.yaml")])
    assert big.exit_code == 0 and "people in 8 teams" in big.output and "in crews A to E" in big.output
    (tmp_path / "bad.yaml").write_text("name: G\nsites:\n  - id: a\n    scenario: g/site-01.yaml\n    seeds: 3\n")
    refused = runner.invoke(app, ["group", "plan", str(tmp_path / "bad.yaml"), "--out", str(tmp_path / "o")])
    assert refused.exit_code == 2
    assert f"{tmp_path / 'bad.yaml'}:5: sites[0].seeds: is not a known field" in refused.output.replace("\n", "")


def test_a_cut_in_several_orders_runs_as_tasks_and_matches_serial_stress(tmp_path: Path) -> None:
    import datetime as dt

    from roulement.analyse.capacity import cut_order
    from roulement.service import shocks
    from roulement.service.group import stress_orders, write_stress_orders

    plant = scenario(days=7, employees=[{"id": f"e{i}", "skills": ["op"], "seniority_date": dt.date(2000 + i, 1, 1),
                                         "contract": {"weekly_hours": 28, "tolerance_hours": 6}} for i in range(7)],
                     demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}])
    orders = ["seniority", "reverse-seniority"]
    outcome = stress_orders(plant, 2, orders, time_limit=3, workers=1, runner=RunnerOptions("processes", 2))
    assert list(outcome.outcomes) == orders and not outcome.run.failures
    for order in orders:
        serial = shocks.stress(plant, cut_order(plant, order, 0)[:2], order, True, time_limit=3, workers=1)
        assert outcome.outcomes[order].removed == serial.removed
        assert outcome.outcomes[order].plant_can_run == serial.plant_can_run
    assert outcome.outcomes["seniority"].removed != outcome.outcomes["reverse-seniority"].removed
    written = write_stress_orders(outcome, tmp_path, "plant.yaml")
    assert (tmp_path / "seniority" / "stress.html").exists() and written[-1].name == "orders.json"


def test_capacity_as_tasks_gives_the_serial_groups_in_order() -> None:
    from roulement.analyse.capacity import capacity
    from roulement.model.scenario import Scenario
    from roulement.service.group import RunnerOptions, capacity_as_tasks
    from tests.factory import scenario

    # Two posts nobody holds both of: two skill groups, each needing 2 of its people (4 mornings a week at most).
    base = scenario(days=7, employees=[{"id": f"{skill}{i}", "skills": [skill]} for skill in ("op", "lead")
                                        for i in range(4)],
                    demand=[{"post": "line", "shifts": ["M"], "min": 1}])
    plant = Scenario.model_validate({**base.model_dump(mode="json", exclude_none=True),
                                     "posts": [{"id": "line", "skills": ["op"]}, {"id": "desk", "skills": ["lead"]}],
                                     "demand": [{"post": post, "shifts": ["M"], "min": 1}
                                                for post in ("line", "desk")]})
    ended: list[str] = []
    outcome = capacity_as_tasks(plant, time_limit=10, workers=1, runner=RunnerOptions(engine="processes", workers=2),
                                on_progress=lambda _, __, name: ended.append(name))
    serial = capacity(plant, time_limit=10, workers=1)
    assert len(serial) == 2 and len(ended) == 2 and not outcome.run.failures
    assert capacity_answers(outcome.groups) == capacity_answers(serial)
    assert [(g.best, g.exact) for g in outcome.groups] == [(2, True), (2, True)]


def capacity_answers(found: list[GroupCapacity]) -> list[dict[str, object]]:
    """Capacity's answers, proven. A step's verdict (FEASIBLE or OPTIMAL) says how far its search got in its
    time, which a busy machine changes, so only the people counts tried are compared."""
    return [{**g.as_dict(), "steps": [step["people"] for step in g.as_dict()["steps"]]} for g in found]


def _two_groups_short_under_absences() -> Scenario:
    """Two skill groups of 4 people with little to spare: some samples at 30 % absences leave one short."""
    from roulement.model.scenario import Scenario

    base = scenario(days=7, employees=[{"id": f"{skill}{i}", "skills": [skill]} for skill in ("op", "lead")
                                        for i in range(4)],
                    demand=[{"post": "line", "shifts": ["M"], "min": 1}])
    return Scenario.model_validate({**base.model_dump(mode="json", exclude_none=True),
                                    "posts": [{"id": "line", "skills": ["op"]}, {"id": "desk", "skills": ["lead"]}],
                                    "demand": [{"post": "line", "shifts": ["M", "A"], "min": 1},
                                               {"post": "desk", "shifts": ["M"], "min": 1}]})


def _figures(risk: object) -> dict[str, object]:
    from roulement.analyse.capacity import AbsenceRisk

    assert isinstance(risk, AbsenceRisk)
    return {key: value for key, value in risk.as_dict().items() if key != "seconds"}


def test_absence_samples_are_independent_and_batches_as_tasks_give_the_serial_risk() -> None:
    from roulement.analyse.capacity import absence_risk, absence_samples
    from roulement.service.group import absence_risk_as_tasks

    plant = _two_groups_short_under_absences()
    serial = absence_risk(plant, 0.3, 40, seed=5)
    assert 0.0 < serial.plant_short < 1.0  # some samples short, some not: the figures can tell orders apart
    # Each sample draws from its own (seed, index) stream: judged alone it is what it was among the others.
    alone = [absence_samples(plant, 0.3, 5, [k]).plant for k in range(40)]
    assert sum(alone) == round(serial.plant_short * 40)
    assert absence_samples(plant, 0.3, 5, [7, 3]).plant == alone[7] + alone[3]
    ended: list[str] = []
    for engine, per_task in (("serial", 7), ("processes", 3)):
        outcome = absence_risk_as_tasks(plant, 0.3, 40, seed=5, runner=RunnerOptions(engine, 2), per_task=per_task,
                                        on_progress=lambda _, __, name: ended.append(name))
        assert not outcome.run.failures and _figures(outcome.risk) == _figures(serial)
    assert len(ended) == 6 + 14 and "samples 36-40" in ended  # one task per batch, the last one shorter
    assert _figures(absence_risk(plant, 0.3, 40, seed=6)) != _figures(serial)  # the seed matters


def test_stress_absence_rate_as_tasks_writes_the_serial_figures(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from roulement.cli.app import app

    plant = tmp_path / "plant.yaml"
    save_scenario(_two_groups_short_under_absences(), plant)
    documents = {}
    for engine in ("serial", "processes"):
        result = CliRunner().invoke(app, ["stress", str(plant), "--absence-rate", "0.3", "--samples", "30",
                                          "--seed", "2", "--engine", engine, "--out", str(tmp_path / engine)])
        assert result.exit_code == 0, result.output
        document = json.loads((tmp_path / engine / "stress.json").read_text())
        documents[engine] = {k: v for k, v in document["absence_risk"].items() if k != "seconds"}
    assert documents["serial"] == documents["processes"] and documents["serial"]["samples"] == 30


# Ray with 2 CPUs started for these (about 10 s): opt-out with -m 'not slow'. Their searches end by proof
# (capacity) or by a deterministic budget, so a busy machine does not change their answers.
@pytest.mark.slow
@ON_RAY
def test_sweeps_on_ray_give_the_serial_answers(local_ray: None) -> None:
    from roulement.analyse.capacity import absence_risk, capacity
    from roulement.service.group import absence_risk_as_tasks, capacity_as_tasks
    from roulement.service.rotation import design_figures, design_rotations, design_rotations_as_tasks
    from tests.test_rotation_year import plant as rotation_plant

    plant = _two_groups_short_under_absences()
    on_ray = absence_risk_as_tasks(plant, 0.3, 40, seed=5, runner=RunnerOptions("ray"), per_task=10)
    assert on_ray.run.engine == "ray" and on_ray.run.workers == 2 and not on_ray.run.failures
    assert _figures(on_ray.risk) == _figures(absence_risk(plant, 0.3, 40, seed=5))

    groups = capacity_as_tasks(plant, time_limit=10, workers=1, runner=RunnerOptions("ray"))
    assert groups.run.engine == "ray" and not groups.run.failures
    assert capacity_answers(groups.groups) == capacity_answers(capacity(plant, time_limit=10, workers=1))
    assert all(g.exact for g in groups.groups)

    designs, run = design_rotations_as_tasks(rotation_plant(), [4, 5], shift_length=12, time_limit=5, workers=1,
                                             engine="ray")
    serial = design_rotations(rotation_plant(), [4, 5], shift_length=12, time_limit=5, workers=1)
    assert run.engine == "ray" and not run.failures and [o.crews for o in designs] == [4, 5]
    assert [design_figures(o) for o in designs] == [design_figures(o) for o in serial]
    assert [o.refused for o in designs] == [o.refused for o in serial]
