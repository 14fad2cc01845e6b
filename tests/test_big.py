"""Generated large plants: sized from demand, cut into independent parts, and planned lawful and covered."""

from __future__ import annotations

from collections import Counter

from roulement.check.checker import check_roster
from roulement.examples.big import big_group, big_plant, lines_by_workshop
from roulement.model.scenario import Scenario
from roulement.report.document import build_report
from roulement.service.group import RunnerOptions, place_workshop_in_crews, plan_in_parts
from roulement.solve.crews import crew_problems
from roulement.solve.decompose import merge_rosters, split_into_parts
from roulement.solve.options import SolveOptions


def _minutes_needed(scenario: Scenario, posts: set[str]) -> int:
    dates = scenario.horizon.dates()
    return sum(d.min * scenario.shift(s).duration_minutes for d in scenario.demand if d.post in posts
               for date in dates if d.applies_to(date) for s in d.shifts)


def test_head_count_follows_the_request_and_workshops_hold_six_lines_at_most() -> None:
    assert lines_by_workshop(5000) == [6] * 18 + [5, 5]
    for people in (40, 250, 1000):
        plant = big_plant(people, seed=1)
        assert abs(len(plant.employees) - people) <= max(30, people * 0.05)
        assert len({e.id for e in plant.employees}) == len(plant.employees)


def test_every_team_is_staffed_from_its_own_demand_with_a_margin() -> None:
    """Coverable by construction: each team's working time exceeds what its posts ask for."""
    plant = big_plant(250, seed=3)
    for part in split_into_parts(plant, by_team=True):
        scenario = part.scenario
        need = _minutes_needed(scenario, {p.id for p in scenario.posts})
        supply = sum(e.contract.weekly_hours * 60 * (scenario.horizon.days - sum(
            (a.end - a.start).days + 1 for a in e.absences)) / 7 for e in scenario.employees)
        assert need > 0 and supply >= need, part.name
        assert len({e.team for e in scenario.employees}) == 1
        for post in scenario.posts:  # everyone in the part can hold its post
            assert all(set(post.skills) <= set(e.skills) for e in scenario.employees)


def test_parts_share_the_site_safety_minimum_and_keep_every_post() -> None:
    plant = big_plant(250, seed=0)
    parts = split_into_parts(plant, by_team=True)
    assert sorted(p.id for part in parts for p in part.scenario.posts) == sorted(
        {d.post for d in plant.demand})
    assert sum(len(part.scenario.employees) for part in parts) == len(plant.employees)
    shares = Counter[str]()
    for part in parts:
        for minimum in part.scenario.safety_minimums:
            shares[minimum.id] += minimum.min
    assert shares == Counter({m.id: m.min for m in plant.safety_minimums})


def test_without_teams_parts_are_the_connected_groups_of_who_can_hold_what() -> None:
    plant = big_plant(250, seed=0)
    parts = split_into_parts(plant)
    # Cross-trained operators tie the six lines together; support groups stand alone.
    assert len(parts) == 7
    assert parts[0].people > 150


def test_a_small_generated_plant_without_crews_is_planned_lawful_and_fully_covered_by_team() -> None:
    plant = big_plant(40, seed=0)
    planned = plan_in_parts(plant, SolveOptions(time_limit=20, seed=0), RunnerOptions(engine="serial"))
    checked = check_roster(plant, planned.roster)  # the independent checker, on the whole plant
    assert checked.ok, [v.message for v in checked.violations[:5]]
    report = build_report(plant, planned.roster, checked)
    assert report["summary"]["coverage_complete"], report["summary"]
    assert planned.roster.assignments == merge_rosters(p.roster for p in planned.parts).assignments


def test_a_group_mixes_french_and_german_sites() -> None:
    sites = big_group(3, 40, seed=0)
    assert [s.scenario.site.jurisdiction.value for s in sites] == ["FR", "FR", "DE"]
    assert len({s.scenario.site.name for s in sites}) == 3


def test_crews_run_kos_cycle_and_each_can_staff_its_workshop_alone() -> None:
    plant = big_plant(100, seed=2, crews=place_workshop_in_crews)  # one workshop of two lines
    assert plant.rotation is not None and [c.id for c in plant.rotation.crews] == list("ABCDE")
    places = Counter(e.crew for e in plant.employees)
    assert all(places[crew] > 0 for crew in "ABCDE") and places["volants"] > 0
    # Every crew staffs every post of its busiest shift and keeps each workshop's ESI minimum on its own.
    assert crew_problems(plant) == []
    # People were hired for the crew system: more than the 100 asked for, never twice as many.
    assert 100 <= len(plant.employees) < 200


def test_with_crews_each_workshop_is_one_part_and_keeps_its_whole_safety_minimum() -> None:
    plant = big_plant(280, seed=2, crews=place_workshop_in_crews)  # two workshops: seven lines
    parts = split_into_parts(plant, minimums_whole=True)
    assert len(parts) == 2
    for part in parts:
        halls = {skill for e in part.scenario.employees for skill in e.skills if skill.startswith("atelier-")}
        assert len(halls) == 1
        [minimum] = part.scenario.safety_minimums
        assert minimum.min == next(m.min for m in plant.safety_minimums if m.id == minimum.id)


def test_workshops_built_in_processes_are_the_ones_built_in_order() -> None:
    crews = place_workshop_in_crews
    assert big_plant(100, seed=4, workers=2, crews=crews) == big_plant(100, seed=4, crews=crews)


def test_a_small_plant_in_crews_is_planned_by_exception_lawful_and_fully_covered() -> None:
    plant = big_plant(40, seed=0, crews=place_workshop_in_crews)
    planned = plan_in_parts(plant, SolveOptions(time_limit=30, seed=0), RunnerOptions(engine="serial"))
    assert planned.report["solver"]["strategy"].startswith("parts by exception")
    checked = check_roster(plant, planned.roster)  # the independent checker, on the whole plant
    assert checked.ok, [v.message for v in checked.violations[:5]]
    assert build_report(plant, planned.roster, checked)["summary"]["coverage_complete"]


def test_the_holders_of_a_hole_may_deviate_on_every_day_when_asked() -> None:
    from roulement.rules.core import Coverage, SafetyMinimums
    from roulement.rules.follow_cycle import crew_of
    from roulement.rules.packs import build_rules
    from roulement.solve.exception import call_relief, free_cells, rolled_out

    placed = big_plant(100, seed=2, crews=place_workshop_in_crews)
    # Without its relief pool (two relievers of every post cover this workshop's absences) the cycle leaves holes.
    plant = placed.replaced(employees=[e for e in placed.employees if e.crew != "volants"])
    rules = build_rules(plant)
    start = call_relief(plant, rolled_out(plant, rules), rules)
    holes = check_roster(plant, start, [Coverage(), SafetyMinimums()]).violations
    assert holes  # the cycle leaves holes for the search to close
    crews, days = crew_of(plant), plant.horizon.days
    narrow = free_cells(plant, start, rules)
    wide = free_cells(plant, start, rules, holders_whole_horizon=True)
    around = {person for person, _ in narrow if person in crews}
    assert narrow < wide and around
    assert {cell for cell in wide if cell[0] in crews} >= {(person, day) for person in around for day in range(days)}
    assert {person for person, _ in wide if person in crews} == around  # the same people, on more days


def test_the_relief_pool_holds_two_relievers_of_every_post_of_the_cycle() -> None:
    from roulement.examples.big import RELIEVERS_PER_POST
    from roulement.service.group import staff_relief_pool
    from roulement.solve.crews import crew_posts

    plant = big_plant(280, seed=0, crews=place_workshop_in_crews)  # two workshops
    assert plant.rotation is not None and plant.rotation.relief_pool is not None
    pool = plant.rotation.relief_pool.id
    assert crew_problems(plant) == []  # every crew still staffs its posts and its ESI minimum alone
    for post in crew_posts(plant):
        skills = set(plant.post(post).skills)
        assert sum(1 for e in plant.employees if e.crew == pool and skills <= set(e.skills)) >= RELIEVERS_PER_POST
    assert staff_relief_pool(plant) == plant  # nothing more to move


def test_spare_crew_members_go_to_the_relief_pool_only_where_every_crew_still_runs_alone() -> None:
    from roulement.service.group import staff_relief_pool
    from roulement.solve.crews import crew_posts

    plant = big_plant(100, seed=2, crews=place_workshop_in_crews)
    assert plant.rotation is not None and plant.rotation.relief_pool is not None
    pool = plant.rotation.relief_pool.id
    # Everyone back in a crew where possible: the crews are then over-staffed and the pool thin.
    crews = [c.id for c in plant.rotation.crews]
    thin = plant.replaced(employees=[e.model_copy(update={"crew": crews[n % len(crews)]}) if e.crew == pool
                                     and e.night_eligible else e for n, e in enumerate(plant.employees)])
    staffed = staff_relief_pool(thin, relievers=2)
    assert crew_problems(staffed) == []
    moved = [e.id for e, before in zip(staffed.employees, thin.employees, strict=True) if e.crew != before.crew]
    assert moved and all(staffed.employee(e).crew == pool for e in moved)
    for post in crew_posts(staffed):
        skills = set(staffed.post(post).skills)
        relievers = sum(1 for e in staffed.employees if e.crew == pool and skills <= set(e.skills))
        if relievers < 2:  # then no crew can spare a holder: moving any one breaks a crew
            for member in (e for e in staffed.employees if e.crew in crews and skills <= set(e.skills)):
                trial = staffed.replaced(employees=[e.model_copy(update={"crew": pool}) if e.id == member.id else e
                                                    for e in staffed.employees])
                assert crew_problems(trial), (post, member.id)


def test_a_part_stopped_after_its_first_covered_roster_still_has_its_pool_repaired() -> None:
    from roulement.service.group import PART_OPTIONS, plan_part

    plant = big_plant(40, seed=0, crews=place_workshop_in_crews)
    part = split_into_parts(plant, minimums_whole=True)[0]  # the lines, the chef de quart and the maintenance
    planned = plan_part(part.name, part.scenario, SolveOptions(time_limit=60, seed=0, workers=1, **PART_OPTIONS),
                        improve=0.25)
    assert planned.how == "by exception" and planned.complete
    assert "relief pool's nights and Sundays" in planned.pool_repair or planned.pool_repair == "nothing to repair"
    checked = check_roster(part.scenario, planned.roster)  # the independent checker
    assert checked.ok, [v.message for v in checked.violations[:5]]


def test_the_search_says_whether_the_roster_in_hand_is_covered() -> None:
    """A part stops soon after its first covered roster: the search says which rosters are covered, since a
    covered roster of a large workshop can cost more than one shortfall's price."""
    from roulement.rules.core import SHORTFALL_TERM
    from roulement.solve.runtime import Progress
    from roulement.solve.search import solve
    from tests.factory import scenario

    def plant(people: int) -> Scenario:
        return scenario(days=7, employees=[{"id": f"e{i}", "skills": ["op"],
                                            "contract": {"weekly_hours": 28, "tolerance_hours": 6}}
                                           for i in range(people)],
                        demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}])

    for people, coverable in ((6, True), (2, False)):
        seen: list[Progress] = []
        result = solve(plant(people), SolveOptions(time_limit=5, seed=0, workers=1, first_roster=False),
                       on_progress=seen.append)
        assert result.roster is not None
        reported = [p.covered for p in seen if p.solutions]
        assert reported and None not in reported
        assert reported[-1] is coverable
        assert (result.terms.get(SHORTFALL_TERM, 0) == 0) is coverable
        assert check_roster(plant(people), result.roster).ok or not coverable
