"""Crews and plan by exception on small plants whose right answers are known by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from roulement.check.checker import check_roster
from roulement.model.roster import Assignment, Roster
from roulement.model.scenario import Scenario
from roulement.rules.follow_cycle import CYCLE_TERM, DeviationKind, FollowCycle, following
from roulement.rules.packs import build_rules
from roulement.solve.crews import propose_crews, with_crews
from roulement.solve.exception import call_relief, plan_by_exception, repair_is_worse, rolled_out
from roulement.solve.search import SolveOptions
from tests.factory import MONDAY, person, scenario

# Two crews on weekdays: one on mornings while the other is on afternoons, swapping each week; weekends off.
TWO_CREWS = {
    "anchor": MONDAY.isoformat(),
    "cycle": [["M", "M", "M", "M", "M", "-", "-"], ["A", "A", "A", "A", "A", "-", "-"]],
    "crews": [{"id": "A", "start_week": 1}, {"id": "B", "start_week": 2}],
}
WEEKDAY_LINE = [{"post": "line", "shifts": ["M", "A"], "days": "weekdays", "min": 2}]


def rotating(employees: list[dict[str, Any]], pool: bool = False, **fields: Any) -> Scenario:
    base = scenario(employees=employees, demand=fields.pop("demand", WEEKDAY_LINE), **fields)
    rotation = dict(TWO_CREWS, relief_pool={"id": "pool"}) if pool else TWO_CREWS
    data = base.model_dump(mode="json", exclude_none=True)
    data["rotation"] = rotation
    return Scenario.model_validate(data)


def test_a_skill_only_two_people_hold_goes_to_two_different_crews() -> None:
    people = [person(f"e{i}", ["op", "esi"] if i in (2, 5) else ["op"]) for i in range(6)]
    plant = rotating(people, safety_minimums=[{"id": "esi", "skill": "esi", "min": 1, "shifts": ["M", "A"]}])
    proposal = propose_crews(plant, time_limit=5)
    assert proposal.problems == []
    assert {proposal.places["e2"], proposal.places["e5"]} == {"A", "B"}
    assert all(have >= needed for by_post in proposal.margins.values() for have, needed in by_post.values())
    assert proposal.safety == {"A": (1, 1), "B": (1, 1)}


def test_a_couple_asking_for_days_off_together_ends_up_in_one_crew() -> None:
    people = [person(f"e{i}") for i in range(8)]
    couple = {"id": "h1", "members": ["e0", "e7"], "declaration": {"declared_by": "e0"},
              "shared_days_off": {"weight": 3}}
    proposal = propose_crews(rotating(people, households=[couple]), time_limit=5)
    assert proposal.problems == []
    assert proposal.places["e0"] == proposal.places["e7"] in {"A", "B"}


def _nights_and_a_day_post(**person_fields: Any) -> Scenario:
    # Crews A and B take the line's nights in turn; the `chef` post is a weekday day post (J), one person.
    # d0 and d1 both hold it; d0 may not work nights, d1 may.
    people = [person("a0"), person("a1"), person("d0", ["op", "lead"], night_eligible=False),
              person("d1", ["op", "lead"], **person_fields)]
    data = scenario(employees=people, extra_shifts=[{"id": "J", "start": "08:00", "end": "16:00",
                                                     "break_minutes": 30}],
                    demand=[{"post": "line", "shifts": ["N"], "min": 1},
                            {"post": "chef", "shifts": ["J"], "days": "weekdays", "min": 1}],
                    ).model_dump(mode="json", exclude_none=True)
    data["rotation"] = {"anchor": MONDAY.isoformat(),
                        "cycle": [["N", "N", "N", "-", "-", "-", "-"], ["-", "-", "-", "N", "N", "N", "N"]],
                        "crews": [{"id": "A", "start_week": 1}, {"id": "B", "start_week": 2}]}
    return Scenario.model_validate(data)


def test_the_day_post_goes_to_the_night_free_and_a_night_worker_only_where_needed() -> None:
    # d0 staffs the day post; d1, who may work nights, goes to a crew (a crew of two beats even crew sizes).
    proposal = propose_crews(_nights_and_a_day_post(), time_limit=5)
    assert proposal.problems == []
    assert proposal.places["d0"] is None
    assert proposal.places["d1"] in {"A", "B"}
    # With d0 gone, the day post needs d1, and says why.
    alone = _nights_and_a_day_post()
    alone = alone.replaced(employees=[e for e in alone.employees if e.id != "d0"])
    proposal = propose_crews(alone, time_limit=5)
    assert proposal.places["d1"] is None
    assert proposal.reasons["d1"] == ("on the day post chef, which needs 1 on weekdays: nobody night-free holds it")


def test_assign_keeps_the_crews_and_places_only_the_people_outside_the_cycle(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from roulement.cli import app
    from roulement.formats.scenario_yaml import load_scenario, save_scenario

    plant = _nights_and_a_day_post()
    placed = plant.replaced(employees=[e.model_copy(update={"crew": {"a0": "B", "a1": "A"}.get(e.id)})
                                       for e in plant.employees])
    proposal = propose_crews(placed, time_limit=5, keep=True)
    assert (proposal.places["a0"], proposal.places["a1"], proposal.places["d0"]) == ("B", "A", None)
    assert proposal.places["d1"] in {"A", "B"}
    save_scenario(placed, tmp_path / "plant.yaml")
    outcome = CliRunner().invoke(app, ["rotation", "assign", str(tmp_path / "plant.yaml"), "--keep", "--out",
                                       str(tmp_path / "out"), "--time-limit", "5"])
    assert outcome.exit_code == 0, outcome.output
    again = load_scenario(tmp_path / "out" / "scenario.yaml")
    assert [again.employee(e).crew for e in ("a0", "a1", "d0")] == ["B", "A", None]
    assert again.employee("d1").crew in {"A", "B"}


def _parents(pool: bool) -> Scenario:
    # A child needs one parent from noon to 14:00 every weekday; mornings end at 13:00 and afternoons start
    # at 13:00, 30 min of commute each way: no two crews (nor one) leave a parent free all of that window.
    people = [person(f"e{i}") for i in range(8)]
    parents = {"id": "h1", "members": ["e0", "e1"], "declaration": {"declared_by": "e0"},
               "childcare": {"windows": [{"days": "weekdays", "start": "12:00", "end": "14:00"}]}}
    return rotating(people, pool=pool, households=[parents])


def test_a_hard_childcare_need_no_crew_pairing_meets_is_reported() -> None:
    proposal = propose_crews(_parents(pool=False), time_limit=5)
    placement = next(h for h in proposal.households if h.household == "h1")
    assert not placement.met
    assert "UNMET" in placement.text
    assert any("h1" in problem or "e0 and e1" in problem for problem in proposal.problems)


def test_with_a_relief_pool_a_parent_goes_there_and_the_plan_keeps_the_cover() -> None:
    plant = _parents(pool=True)
    proposal = propose_crews(plant, time_limit=5)
    placement = next(h for h in proposal.households if h.household == "h1")
    assert placement.met
    assert "pool" in {proposal.places["e0"], proposal.places["e1"]}
    placed = with_crews(plant, proposal)
    result = plan_by_exception(placed, SolveOptions(time_limit=10, workers=1))
    assert result.roster is not None
    checked = check_roster(placed, result.roster)
    assert checked.ok, checked.violations


def _plant_with_absence() -> Scenario:
    crew = [person(f"a{i}", crew="A") for i in range(2)] + [person(f"b{i}", crew="B") for i in range(2)]
    pool = [person("p0", crew="pool"), person("p1", crew="pool")]
    sick = dict(crew[0], absences=[{"start": (MONDAY + dt.timedelta(days=1)).isoformat(),
                                    "end": (MONDAY + dt.timedelta(days=2)).isoformat(), "kind": "sickness"}])
    return rotating([sick, *crew[1:], *pool], pool=True)


def test_the_rolled_out_cycle_is_the_crews_shifts_and_the_pool_fills_the_holes() -> None:
    plant = _plant_with_absence()
    cycle = rolled_out(plant)
    assert {(a.employee, a.date.weekday(), a.shift) for a in cycle if a.employee == "b0" and a.date < MONDAY +
            dt.timedelta(days=7)} == {("b0", d, "A") for d in range(5)}
    assert not any(a.employee == "a0" and a.date in (MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2))
                   for a in cycle)
    relieved = call_relief(plant, cycle)
    pool_days = sorted(a.date for a in relieved if a.employee.startswith("p"))
    assert pool_days == [MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)]


def test_plan_by_exception_deviates_only_where_needed_and_calls_the_pool_first() -> None:
    plant = _plant_with_absence()
    result = plan_by_exception(plant, SolveOptions(time_limit=10, workers=1))
    assert result.roster is not None
    checked = check_roster(plant, result.roster)
    assert checked.ok, checked.violations
    report = following(plant, result.roster)
    # Two days of a0's mornings are missing: exactly two deviations, both relief-pool shifts on those days.
    assert [(d.kind, d.date) for d in report.deviations] == [
        (DeviationKind.POOL, MONDAY + dt.timedelta(days=1)), (DeviationKind.POOL, MONDAY + dt.timedelta(days=2))]
    assert report.share == 1.0
    assert report.absent == 2
    # The solver's price of the deviations is the checker's, recomputed from the roster.
    assert result.terms[CYCLE_TERM] == checked.objective[CYCLE_TERM]
    assert "100.0 % of shifts follow the published cycle; 2 deviations: 2 relief-pool shifts" in result.note


def test_the_follow_cycle_rule_prices_each_kind_and_nearer_deviations_dearer() -> None:
    plant = _plant_with_absence()
    rule = next(r for r in build_rules(plant) if isinstance(r, FollowCycle))
    first, later = MONDAY, MONDAY + dt.timedelta(days=10)
    assert rule.price(plant, DeviationKind.POOL, later) < rule.price(plant, DeviationKind.SWAP, later) \
        < rule.price(plant, DeviationKind.EXTRA, later)
    assert rule.price(plant, DeviationKind.SWAP, first) > rule.price(plant, DeviationKind.SWAP, later)
    # The pool's shifts are its ordinary work: the same price on every day, or the pool's month would be
    # pushed towards its end.
    assert rule.price(plant, DeviationKind.POOL, first) == rule.price(plant, DeviationKind.POOL, later)
    # b0 on the other shift than the cycle's, and a1 on a Saturday: a swap and an extra shift.
    cycle = rolled_out(plant)
    moved = [a if not (a.employee == "b0" and a.date == MONDAY + dt.timedelta(days=10)) else
             a.__class__(a.employee, a.date, "A" if a.shift == "M" else "M", a.post) for a in cycle]
    extra = [*moved, cycle.assignments[0].__class__("a1", MONDAY + dt.timedelta(days=5), "M", "line")]
    kinds = sorted(d.kind.value for d in following(plant, Roster(sorted(extra))).deviations)
    assert kinds == ["extra shift", "swap"]


def test_a_scenario_without_a_rotation_has_no_cycle_rule() -> None:
    assert not any(isinstance(r, FollowCycle) for r in build_rules(scenario()))


def test_replan_stress_capacity_and_explain_keep_working_with_a_rotation() -> None:
    from roulement.analyse.capacity import capacity, stress
    from roulement.analyse.explain import explain_day
    from roulement.model.edits import DateRange, add_absence, remove_employees
    from roulement.solve.replan import replan

    plant = _plant_with_absence()
    planned = plan_by_exception(plant, SolveOptions(time_limit=10, workers=1))
    assert planned.roster is not None
    sick = add_absence(plant, "b1", DateRange(MONDAY + dt.timedelta(days=8), MONDAY + dt.timedelta(days=9)))
    replanned = replan(sick, planned.roster, MONDAY + dt.timedelta(days=8), SolveOptions(time_limit=10, workers=1))
    assert replanned.roster is not None
    assert check_roster(replanned.scenario, replanned.roster).ok
    assert all(c.date >= MONDAY + dt.timedelta(days=8) for c in replanned.changes)
    cut = remove_employees(plant, ["p1"])
    assert stress(plant, cut, ["p1"], time_limit=10, workers=1, capacity_time_limit=5).result.roster is not None
    assert capacity(plant, time_limit=5, workers=1)
    assert explain_day(plant, planned.roster, "b0", MONDAY, time_limit=5, workers=1)


def test_the_report_shows_each_persons_crew_and_marks_the_deviations() -> None:
    from roulement.report.audience import Audience, for_audience
    from roulement.report.document import build_report
    from roulement.report.html import render_html

    plant = _plant_with_absence()
    result = plan_by_exception(plant, SolveOptions(time_limit=10, workers=1))
    assert result.roster is not None
    report = build_report(plant, result.roster, check_roster(plant, result.roster))
    section = report["rotation"]
    assert section["by_kind"]["relief-pool shift"] == 2 and section["crew_of"]["a0"] == "A"
    page = render_html(plant, result.roster, report)
    assert "<th>crew</th>" in page and "<td class='crew'>B</td>" in page
    assert page.count("class='dev'") == 2  # the two pool shifts, outlined
    assert "2 relief-pool shifts" in page
    council = for_audience(plant, result.roster, report, Audience.COUNCIL)[2]["rotation"]
    assert "a0" not in council["crew_of"] and not any(row["employee"].startswith("p")
                                                       for row in council["per_person"])
    assert build_report(scenario(), Roster([]), check_roster(scenario(), Roster([])))["rotation"] is None


def test_crew_problems_name_a_crew_that_cannot_staff_its_posts() -> None:
    from roulement.solve.crews import crew_problems

    people = [person("a0", crew="A"), person("a1", crew="A"), person("b0", crew="B"),
              person("b1", crew="B", night_eligible=False)]
    plant = rotating(people)
    assert crew_problems(plant) == []  # two of line on weekdays: each crew has its two
    short = rotating(people[:3])
    assert crew_problems(short) == [
        "crew B cannot staff 1 of the 2 people post line needs on its busiest shift (skills op)"]


def test_the_built_in_plants_crews_can_each_run_on_their_own() -> None:
    from roulement.examples.kos import kos, kos_de
    from roulement.solve.crews import crew_problems

    for plant in (kos(), kos_de()):
        assert plant.rotation is not None
        assert crew_problems(plant) == []
        assert {e.crew for e in plant.employees} >= {c.id for c in plant.rotation.crews}


def test_the_council_report_shows_the_cycles_year_beside_the_months_deviations(tmp_path: Any) -> None:
    from roulement.report.audience import Audience
    from roulement.report.document import build_report
    from roulement.service.plans import write_outputs

    plant = _plant_with_absence()
    result = plan_by_exception(plant, SolveOptions(time_limit=10, workers=1))
    assert result.roster is not None
    report = build_report(plant, result.roster, check_roster(plant, result.roster))
    write_outputs(plant, result.roster, report, tmp_path, Audience.COUNCIL)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "The cycle over a year" in page and "Average hours per worked week" in page
    assert "2 relief-pool shifts" in page and "a0" not in page


def test_rotation_assign_writes_the_scenario_with_crews_and_explains(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from roulement.cli import app
    from roulement.formats.scenario_yaml import load_scenario, save_scenario

    people = [person(f"e{i}") for i in range(8)]
    couple = {"id": "h1", "members": ["e0", "e7"], "declaration": {"declared_by": "e0"},
              "shared_days_off": {"weight": 3}}
    save_scenario(rotating(people, households=[couple]), tmp_path / "plant.yaml")
    outcome = CliRunner().invoke(app, ["rotation", "assign", str(tmp_path / "plant.yaml"), "--out",
                                       str(tmp_path / "out"), "--time-limit", "5"])
    assert outcome.exit_code == 0, outcome.output
    assert "e0 and e7 asked for days off together" in outcome.output and "Margin per crew" in outcome.output
    placed = load_scenario(tmp_path / "out" / "scenario.yaml")
    assert placed.employee("e0").crew == placed.employee("e7").crew in {"A", "B"}
    save_scenario(scenario(), tmp_path / "flat.yaml")
    refused = CliRunner().invoke(app, ["rotation", "assign", str(tmp_path / "flat.yaml"), "--out",
                                       str(tmp_path / "x")])
    assert refused.exit_code == 2 and "no rotation" in refused.output


def test_stress_names_the_crews_a_cut_breaks() -> None:
    from roulement.service.shocks import stress as stress_service

    outcome = stress_service(_plant_with_absence(), ["b1"], "list", judge_cut=False)
    assert outcome.crews_broken == [
        "crew B cannot staff 1 of the 2 people post line needs on its busiest shift (skills op)"]
    assert outcome.as_dict("plant.yaml")["crews_broken"] == outcome.crews_broken


def test_stress_cut_on_kos_names_the_crews_and_skills_that_break() -> None:
    # KOS as built in: crew A has one holder of the Seveso authorisation, the chef de quart of every shift it
    # works; crew B's emergency team (ESI) cut down to two of the four the safety minimum asks for.
    from roulement.examples.kos import kos
    from roulement.service.shocks import stress as stress_service

    plant = kos()
    chef = [e.id for e in plant.employees if e.crew == "A" and "seveso" in e.skills]
    assert stress_service(plant, chef, "list", judge_cut=False).crews_broken == [
        f"crew A cannot staff 1 of the 1 people post chef-de-quart needs on its busiest shift (skills "
        f"{', '.join(plant.post('chef-de-quart').skills)})"]
    team = [e.id for e in plant.employees if e.crew == "B" and "esi" in e.skills]
    broken = stress_service(plant, team[2:], "list", judge_cut=False).crews_broken
    assert "crew B has 2 holders of esi, the safety minimum poi-esi asks for 4" in broken
    assert all(problem.startswith("crew B ") for problem in broken)


def test_the_web_grid_and_council_view_carry_crews_and_deviations() -> None:
    from roulement.web.views import aggregate_report, roster_grid

    plant = _plant_with_absence()
    result = plan_by_exception(plant, SolveOptions(time_limit=10, workers=1))
    assert result.roster is not None
    grid, _ = roster_grid(plant, result.roster)
    assert {e["id"]: e["crew"] for e in grid["employees"]}["b0"] == "B"
    pool_days = {date for person in ("p0", "p1") for date in grid["deviations"].get(person, {})}
    assert pool_days == {(MONDAY + dt.timedelta(days=1)).isoformat(), (MONDAY + dt.timedelta(days=2)).isoformat()}
    assert grid["cycle"]["share_following"] == 1.0 and grid["cycle"]["by_kind"]["pool"] == 2
    council = aggregate_report(plant, result.roster, {})
    assert council["cycle"]["by_kind"]["pool"] == 2


def test_a_crew_members_calendar_feed_covers_the_cycle_a_year_ahead_marked_as_the_cycle() -> None:
    from icalendar import Calendar as ICalendar

    from roulement.formats.ical import schedule_to_ical

    plant = _plant_with_absence()
    mine = [a for a in rolled_out(plant) if a.employee == "b0"]
    feed = ICalendar.from_ical(schedule_to_ical(plant, mine, "b0", employee="b0"))
    events = [e for e in feed.walk("VEVENT")]
    published = [e for e in events if "cycle" not in str(e.get("summary"))]
    cycle = [e for e in events if "cycle" in str(e.get("summary"))]
    assert len(published) == len(mine)
    # Two crews alternating M and A weeks, weekdays only: the 365 days after the horizon are 52 weeks (5 shifts
    # each) and a Monday.
    assert len(cycle) == 5 * 52 + 1
    first = min(cycle, key=lambda e: e.decoded("dtstart"))
    assert first.decoded("dtstart").date() == MONDAY + dt.timedelta(days=14)
    assert first.decoded("dtstart").hour == 13  # crew B's week 3 is an afternoon week
    assert "not yet a published roster" in str(first.get("description"))
    pool_feed = ICalendar.from_ical(schedule_to_ical(plant, [], "p0", employee="p0"))
    assert not list(pool_feed.walk("VEVENT"))


def test_pool_shares_are_priced_alike_by_the_solver_and_the_checker() -> None:
    # The crews never work Sundays, so a pool member's Sunday is outside the crews' range (0 to 0).
    people = [person(f"a{i}", crew="A") for i in range(2)] + [person(f"b{i}", crew="B") for i in range(2)]
    demand = [*WEEKDAY_LINE, {"post": "line", "shifts": ["M"], "days": "sun", "min": 1}]
    plant = rotating([*people, person("p0", crew="pool")], pool=True, demand=demand)
    result = plan_by_exception(plant, SolveOptions(time_limit=10, workers=1))
    assert result.roster is not None
    checked = check_roster(plant, result.roster)
    assert checked.ok, checked.violations
    sundays = sum(1 for a in result.roster if a.employee == "p0" and a.date.weekday() == 6)
    assert sundays == 2
    assert checked.objective["rotation.pool-shares"] == result.terms["rotation.pool-shares"] == 2 * 30


@pytest.mark.slow
def test_kos_planned_by_exception_is_lawful_covered_and_follows_its_cycle() -> None:
    from roulement.examples.kos import kos

    plant = kos()
    result = plan_by_exception(plant, SolveOptions(time_limit=30, workers=2))
    assert result.roster is not None
    checked = check_roster(plant, result.roster)
    assert checked.ok, checked.by_rule()
    assert checked.objective.get("coverage_shortfall", 0) == 0
    assert following(plant, result.roster).share >= 0.95


def test_plan_by_exception_claims_no_bound_from_its_neighbourhood() -> None:
    # Its CP-SAT model freezes most crew cells: that model's bound is not a bound on every roster.
    seen: list[float | None] = []
    result = plan_by_exception(_plant_with_absence(), SolveOptions(time_limit=10, workers=1),
                               on_progress=lambda progress: seen.append(progress.bound))
    assert result.roster is not None and result.bound is None and result.as_dict()["bound_kind"] is None
    assert seen and all(bound is None for bound in seen)


def _short_plant() -> Scenario:
    """a0 sick all of week 1 and no relief pool: three people for four places a day, short on any roster."""
    crew = [person(f"a{i}", crew="A") for i in range(2)] + [person(f"b{i}", crew="B") for i in range(2)]
    crew[0] = dict(crew[0], absences=[{"start": MONDAY.isoformat(), "end": (MONDAY + dt.timedelta(days=4)).isoformat(),
                                       "kind": "sickness"}])
    return rotating(crew)


def test_a_cover_proven_impossible_with_every_crew_member_free_is_claimed_for_the_plant() -> None:
    plant = _short_plant()
    result = plan_by_exception(plant, SolveOptions(time_limit=20, workers=1))
    assert result.roster is not None and result.cover_proven_impossible
    assert "no roster meets every minimum (proven)" in result.note
    assert result.terms.get("coverage_shortfall", 0) > 0 and not check_roster(plant, result.roster).ok


def test_a_proof_within_the_cycles_neighbourhood_alone_is_not_claimed_for_the_plant(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import roulement.solve.exception as exception
    from roulement.solve.search import solve as real

    def no_proof_with_everyone_free(scenario: Scenario, options: SolveOptions, **kwargs: Any) -> Any:
        found = real(scenario, options, **kwargs)
        if options.frozen is None:  # the search with every crew member free: no proof, nothing better in time
            found.cover_proven_impossible = False
            found.objective = (found.objective or 0) + 10**6
        return found

    monkeypatch.setattr(exception, "solve", no_proof_with_everyone_free)
    result = plan_by_exception(_short_plant(), SolveOptions(time_limit=20, workers=1))
    assert result.roster is not None and not result.cover_proven_impossible
    assert "(proven)" not in result.note and "not for the plant" in result.note


# Crew A works Monday to Wednesday of week 1 and Thursday to Sunday of week 2; crew B the other days.
SPLIT_WEEKS = {
    "anchor": MONDAY.isoformat(),
    "cycle": [["M", "M", "M", "-", "-", "-", "-"], ["-", "-", "-", "M", "M", "M", "M"]],
    "crews": [{"id": "A", "start_week": 1}, {"id": "B", "start_week": 2}],
    "relief_pool": {"id": "pool"},
}


def _split_weeks_plant(households: list[dict[str, Any]], demand: list[dict[str, Any]],
                       pool_contract: dict[str, Any], more_pool: int = 0) -> Scenario:
    people = [person("a0", crew="A"), person("b0", crew="B"),
              person("p0", crew="pool", contract={"hours_target": True, **pool_contract}),
              *(person(f"p{i}", crew="pool") for i in range(1, more_pool + 1))]
    data = scenario(employees=people, demand=demand, households=households).model_dump(mode="json", exclude_none=True)
    data["rotation"] = SPLIT_WEEKS
    return Scenario.model_validate(data)


def test_a_pool_member_works_on_the_days_their_partner_in_a_crew_works() -> None:
    # p0 (pool, about three shifts a week) asked for days off with b0, whose crew works Thursday to Sunday in
    # week 1 and Monday to Wednesday in week 2. Every day has someone of a crew on the line: p0's shifts are
    # top-ups, free to fall on b0's working days, so p0 should never work a day b0 has off.
    couple = {"id": "h1", "members": ["b0", "p0"], "declaration": {"declared_by": "b0"},
              "shared_days_off": {"weight": 3}}
    plant = _split_weeks_plant([couple], [{"post": "line", "shifts": ["M"], "min": 1}],
                               {"weekly_hours": 22.5, "tolerance_hours": 2})
    roster = call_relief(plant, rolled_out(plant))
    checked = check_roster(plant, roster)
    assert checked.ok, checked.violations
    b0_days = {a.date for a in roster if a.employee == "b0"}
    p0_days = {a.date for a in roster if a.employee == "p0"}
    assert len(p0_days) >= 5  # the contract's hours are reached
    assert p0_days <= b0_days


def test_the_relief_pool_keeps_a_single_parents_soft_evenings_free_where_it_can() -> None:
    # p0, p1 and p2 are in the pool; p0 is a single parent who would like the evenings from 21:00 free (soft).
    # The line wants someone more on weekday nights: p1 and p2 are free for them, so they are theirs, and p0
    # makes up their hours on mornings.
    parent = {"id": "h1", "members": ["p0"], "declaration": {"declared_by": "p0"},
              "childcare": {"windows": [{"days": "all", "start": "21:00", "end": "05:00"}], "mode": "soft"}}
    plant = _split_weeks_plant([parent], [{"post": "line", "shifts": ["M"], "min": 1},
                                          {"post": "line", "shifts": ["N"], "days": "weekdays", "min": 0,
                                           "preferred": 1}],
                               {"weekly_hours": 22.5, "tolerance_hours": 2}, more_pool=2)
    roster = call_relief(plant, rolled_out(plant))
    checked = check_roster(plant, roster)
    assert checked.ok, checked.violations
    p0_shifts = [a.shift for a in roster if a.employee == "p0"]
    assert len(p0_shifts) >= 5
    assert "N" not in p0_shifts
    assert sum(a.shift == "N" for a in roster) == 10  # every weekday night, by p1 and p2


def test_a_crew_member_whose_absence_leaves_them_short_of_their_contract_gets_an_extra_shift() -> None:
    # a0's crew works 7 mornings in the two weeks; a0 is sick on two of them and would work 37.5 h, below
    # the contract's minimum for the days present. The first roster adds a shift on one of a0's days off, so
    # it keeps every hard rule before the search starts from it.
    sick = person("a0", crew="A", contract={"hours_target": True, "weekly_hours": 26, "tolerance_hours": 2},
                  absences=[{"start": MONDAY.isoformat(), "end": (MONDAY + dt.timedelta(days=1)).isoformat(),
                             "kind": "sickness"}])
    data = scenario(employees=[sick, person("b0", crew="B"), person("p0", crew="pool")],
                    demand=[{"post": "line", "shifts": ["M"], "min": 1}]).model_dump(mode="json", exclude_none=True)
    data["rotation"] = SPLIT_WEEKS
    plant = Scenario.model_validate(data)
    roster = call_relief(plant, rolled_out(plant))
    checked = check_roster(plant, roster)
    assert checked.ok, checked.violations
    worked = sorted(a.date for a in roster if a.employee == "a0")
    assert len(worked) == 6
    assert following(plant, roster).counts()[DeviationKind.EXTRA.value] == 1


def test_peers_are_compared_within_a_work_pattern_and_the_gap_across_patterns_is_reported() -> None:
    # a0 (crew A), p0 (pool) and d0 (outside the cycle) hold the same post. Fair shares compare each with the
    # people of the same pattern only, and the report keeps the gap across patterns in sight.
    from roulement.analyse.fairness import gaps_by_work_pattern
    from roulement.model.calendar import Calendar
    from roulement.model.roster import Timeline
    from roulement.rules.people import peer_groups

    people = [person("a0", crew="A"), person("a1", crew="A"), person("p0", crew="pool"), person("p1", crew="pool"),
              person("d0"), person("d1")]
    data = scenario(employees=people, demand=[{"post": "line", "shifts": ["M", "N"], "min": 1}]).model_dump(
        mode="json", exclude_none=True)
    data["rotation"] = SPLIT_WEEKS
    plant = Scenario.model_validate(data)
    groups = peer_groups(plant, Calendar(plant), "nights")
    assert sorted(sorted(e.id for e in people) for people in groups.values()) == [
        ["a0", "a1"], ["d0", "d1"], ["p0", "p1"]]
    assert len(peer_groups(plant, Calendar(plant), "nights", by_pattern=False)) == 1
    # p0 works three nights, p1 none, the crews none: 3 within the pool, 3 across patterns.
    worked = Roster([Assignment("p0", MONDAY + dt.timedelta(days=d), "N", "line") for d in (0, 2, 4)])
    gaps = gaps_by_work_pattern(Timeline(plant, worked), "nights")
    assert gaps == {"crews": 0, "relief pool": 3, "outside the cycle": 0, "across patterns": 3}


def test_assign_explains_why_a_household_cannot_stay_on_fixed_places() -> None:
    # The parents of _parents with a grandparent there on weekday mornings until 12:30: still a gap at noon.
    plant = _parents(pool=True)
    data = plant.model_dump(mode="json", exclude_none=True)
    data["households"][0]["childcare"]["caregivers"] = [
        {"label": "grandparent", "available": [{"days": "weekdays", "start": "06:00", "end": "12:30"}]}]
    data["households"][0]["shared_days_off"] = {"weight": 3}
    proposal = propose_crews(Scenario.model_validate(data), time_limit=5)
    text = next(h for h in proposal.households if h.household == "h1").text
    assert "in one crew, both on M on Mon 05 Jan leave nobody free for 60 min" in text
    assert "in crews A and B" in text
    assert "the grandparent is there weekdays 06:00-12:30" in text
    assert "on the other's working days" in text


def test_plan_by_exception_keeps_a_pool_partner_on_the_partners_working_days() -> None:
    # The plant of the first-roster test, planned whole: the polish of the households' pool members and the
    # search keep p0 on b0's working days, and the checker finds the roster lawful and covered.
    couple = {"id": "h1", "members": ["b0", "p0"], "declaration": {"declared_by": "b0"},
              "shared_days_off": {"weight": 3}}
    plant = _split_weeks_plant([couple], [{"post": "line", "shifts": ["M"], "min": 1}],
                               {"weekly_hours": 22.5, "tolerance_hours": 2})
    result = plan_by_exception(plant, SolveOptions(time_limit=10, workers=1))
    assert result.roster is not None
    checked = check_roster(plant, result.roster)
    assert checked.ok, checked.violations
    b0_days = {a.date for a in result.roster if a.employee == "b0"}
    p0_days = {a.date for a in result.roster if a.employee == "p0"}
    assert len(p0_days) >= 5
    assert p0_days <= b0_days


def test_a_bound_beside_plan_by_exception_is_sought_only_when_column_generation_is_asked_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import roulement.service.plans as plans

    started: list[float] = []

    class Recording:
        def __init__(self, scenario: Scenario, rules: Any, seconds: float, stop: Any = None) -> None:
            started.append(seconds)

        def attach(self, result: Any) -> None:
            result.note = "; ".join(p for p in (result.note, "bound sought") if p)

    monkeypatch.setattr(plans, "BoundAlongside", Recording)
    plant = _plant_with_absence()
    by_default = plans.plan(plant, SolveOptions(time_limit=5, workers=1))
    assert started == [] and "bound sought" not in by_default.result.note
    assert by_default.checked is not None and by_default.checked.ok
    asked = plans.plan(plant, SolveOptions(time_limit=5, workers=1, engine="colgen"))
    assert started == [5] and "bound sought" in asked.result.note
    assert asked.checked is not None and asked.checked.ok


def _pool_nights_plant(exactly_one: bool = False) -> Scenario:
    # Crews A and B on mornings (SPLIT_WEEKS); the line also wants one person every night, which only the pool
    # (p0..p3, full time) can give. p0 asked for days off with a0 of crew A.
    couple = {"id": "h1", "members": ["a0", "p0"], "declaration": {"declared_by": "a0"},
              "shared_days_off": {"weight": 3}}
    people = [person("a0", crew="A"), person("b0", crew="B"), *(person(f"p{i}", crew="pool") for i in range(4))]
    data = scenario(employees=people, households=[couple],
                    demand=[{"post": "line", "shifts": ["M", "N"], "min": 1, "max": 1 if exactly_one else None}]
                    ).model_dump(mode="json", exclude_none=True)
    data["rotation"] = SPLIT_WEEKS
    return Scenario.model_validate(data)


def test_the_pool_repair_brings_the_pools_nights_within_one_and_leaves_crews_and_wishes_alone() -> None:
    from roulement.solve.exception import fairer_pool
    from tests.factory import roster as rows

    plant = _pool_nights_plant()
    rules = build_rules(plant)
    cycle = rolled_out(plant, rules)
    # The 14 nights dealt unfairly, but lawfully: p1 6, p0 4 (on a0's working days, so they are off
    # together), p2 and p3 2 each.
    nights = {"p0": (0, 1, 2, 10), "p1": (3, 4, 5, 7, 8, 9), "p2": (6, 13), "p3": (11, 12)}
    unfair = Roster(sorted([*cycle, *rows(*((p, d, "N") for p, days in nights.items() for d in days))]))
    before = check_roster(plant, unfair, rules)
    assert before.ok, before.violations
    assert following(plant, unfair).share == 1.0

    fairer, note = fairer_pool(plant, rules, unfair, 10.0, SolveOptions(workers=1), None)

    assert fairer is not None, note
    repaired, judged = fairer
    assert judged.ok, judged.violations  # the independent checker's verdict, on the whole roster
    assert judged == check_roster(plant, repaired, rules)
    counts = {p: sum(a.employee == p and a.shift == "N" for a in repaired) for p in nights}
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    # The crews keep their cycle cell by cell; every night is still covered; the couple is no more apart.
    assert sorted(a for a in repaired if a.employee in ("a0", "b0")) == sorted(
        a for a in unfair if a.employee in ("a0", "b0"))
    assert following(plant, repaired).share == 1.0
    assert sorted(a.date for a in repaired if a.shift == "N") == sorted(a.date for a in unfair if a.shift == "N")
    shared = "people.shared-days-off"
    assert judged.objective.get(shared, 0) <= before.objective.get(shared, 0)
    assert judged.total <= before.total
    assert "widest full-time gaps in the pool 1 night," in note or "0 nights" in note


def test_the_pool_repair_leaves_a_couples_days_off_together_as_they_were() -> None:
    # The line takes exactly one person a shift. p0 works 5 nights, all on days a0 works too (a0 works 7 days:
    # p0 is off on 2 of them); the others 3 each. Only p0 giving a night away brings the pool within one, and
    # p0 would then be off on one more day a0 works: the repair does not buy fairness with the couple's days
    # together. With the wish not in force it does.
    from roulement.rules.people import SharedDaysOff
    from roulement.solve.exception import fairer_pool
    from tests.factory import roster as rows

    plant = _pool_nights_plant(exactly_one=True)
    nights = {"p0": (0, 1, 2, 10, 11), "p1": (3, 4, 5), "p2": (6, 7, 8), "p3": (9, 12, 13)}
    unfair = Roster(sorted([*rolled_out(plant), *rows(*((p, d, "N") for p, days in nights.items() for d in days))]))

    def p0_nights(rules: list[Any]) -> int:
        before = check_roster(plant, unfair, rules)
        assert before.ok, before.violations
        fairer, _ = fairer_pool(plant, rules, unfair, 10.0, SolveOptions(workers=1), None)
        repaired = unfair if fairer is None else fairer[0]
        assert check_roster(plant, repaired, rules).objective.get("people.shared-days-off", 0) <= (
            before.objective.get("people.shared-days-off", 0))
        return sum(a.employee == "p0" and a.shift == "N" for a in repaired)

    assert p0_nights(build_rules(plant)) == 5
    assert p0_nights([r for r in build_rules(plant) if not isinstance(r, SharedDaysOff)]) == 4


def test_a_pool_repair_that_narrows_a_gap_may_cost_a_little_more_and_nothing_else() -> None:
    from roulement.check.checker import CheckResult
    from roulement.rules.base import Cost

    def judged(fair: int, wish: int = 0) -> CheckResult:
        return CheckResult([], [Cost("people.fair-share", fair), Cost("people.shared-days-off", wish)])

    three, one, same = {"nights": 3, "sundays": 1}, {"nights": 1, "sundays": 1}, {"nights": 3, "sundays": 1}
    assert not repair_is_worse(judged(10_000), judged(10_040), three, one)  # +0.4 % for 3 nights apart -> 1
    assert repair_is_worse(judged(10_000), judged(10_060), three, one)  # +0.6 %: too dear
    assert repair_is_worse(judged(10_000), judged(10_001), three, same)  # no narrower gap: no dearer at all
    assert repair_is_worse(judged(10_000, 5), judged(9_000, 6), three, one)  # a wish priced higher
    assert repair_is_worse(judged(10_000), judged(9_000), one, {"nights": 1, "sundays": 2})  # a gap wider
