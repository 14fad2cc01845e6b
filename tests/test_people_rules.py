"""The people pack and the ergonomic plant rules on hand-made rosters: compliant, violating, and the soft
price the solver pays equal to the checker's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from ortools.sat.python import cp_model

from roulement.analyse.fairness import fairness_rows
from roulement.check import check_roster
from roulement.examples.kos import kos, kos_de
from roulement.formats.scenario_yaml import ScenarioError, scenario_from_data
from roulement.model.roster import Roster, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.rules.people import ChildcareCover, DayPostPriority, FairShare, SharedDaysOff
from roulement.rules.plant import NoEarlyAfterLate, RestAfterNightBlock
from roulement.solve.builder import BuildOptions, ModelBuilder
from tests.factory import day, roster, scenario

ROUND_THE_CLOCK = {"days": "all", "start": "00:00", "end": "00:00"}
DECLARED = {"declared_by": "a", "purpose": "roster"}


def couple(childcare: dict[str, Any] | None = None, shared: bool = False, days: int = 7,
           extra: list[dict[str, Any]] | None = None) -> Scenario:
    household: dict[str, Any] = {"id": "h1", "members": ["a", "b"], "declaration": DECLARED}
    if childcare is not None:
        household["childcare"] = childcare
    if shared:
        household["shared_days_off"] = {"weight": 2}
    return scenario(days=days, employees=[{"id": "a", "skills": ["op"]}, {"id": "b", "skills": ["op"]},
                                          *(extra or [])],
                    demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 0, "preferred": 1}],
                    households=[household])


def violations(plant: Scenario, rule_id: str, hand_made: Roster) -> list[str]:
    return [v.message for v in check_roster(plant, hand_made).violations if v.rule == rule_id]


def soft(rule: Rule) -> Rule:
    rule.configure(_soft(), None, {})
    return rule


def _soft() -> Any:
    from roulement.model.scenario import RuleMode

    return RuleMode.SOFT


def solver_price(plant: Scenario, rule: Rule, hand_made: Roster) -> int:
    """What the solver's model charges under `rule` when every variable is fixed to the hand-made roster."""
    builder = ModelBuilder(plant, [rule], BuildOptions(allow_shortfall=True))
    worked = {(a.employee, (a.date - plant.horizon.start).days, a.shift) for a in hand_made}
    for key in list(builder._works):
        builder.model.add(builder._works[key] == (key in worked))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(builder.model)
    assert status == cp_model.OPTIMAL
    return builder.term_values(solver.value).get(rule.id, 0)


# --- childcare ------------------------------------------------------------------------------------------
CARE = {"windows": [ROUND_THE_CLOCK], "commute_minutes": 30,
        "caregivers": [{"label": "grandparent", "available": [{"days": "weekdays", "start": "06:00",
                                                                "end": "20:00"}]}]}


def test_childcare_is_kept_when_one_member_is_always_free() -> None:
    plant = couple(CARE)
    # Monday: a mornings (04:30-13:30 with commute), b afternoons (12:30-21:30): never both busy in a gap.
    assert violations(plant, "people.childcare-cover", roster(("a", 0, "M"), ("b", 0, "A"))) == []


def test_childcare_breached_when_both_work_into_an_uncovered_window() -> None:
    plant = couple(CARE)
    # Both on the afternoon: from 20:00 (the grandparent leaves) to 21:30 nobody is free.
    found = violations(plant, "people.childcare-cover", roster(("a", 0, "A"), ("b", 0, "A")))
    assert len(found) == 1 and "1 h 30" in found[0]
    # Saturday has no caregiver: two morning shifts clash for their whole span (04:30 to 13:30).
    weekend = check_roster(plant, roster(("a", 5, "M"), ("b", 5, "M")))
    assert [v.details["minutes"] for v in weekend.violations if v.rule == "people.childcare-cover"] == [540]


def test_commute_margin_counts() -> None:
    care = {**CARE, "commute_minutes": 0}
    plant = couple(care)
    # Without commute, afternoon ends 21:00: still one hour in the 20:00 gap; with a 30 min margin, 1 h 30.
    assert "1 h" in violations(plant, "people.childcare-cover", roster(("a", 0, "A"), ("b", 0, "A")))[0]


def test_soft_childcare_price_is_the_checkers() -> None:
    plant = couple({**CARE, "mode": "soft", "weight": 60})
    hand_made = roster(("a", 0, "A"), ("b", 0, "A"), ("a", 5, "M"), ("b", 5, "M"))
    assert violations(plant, "people.childcare-cover", hand_made) == []
    checked = check_roster(plant, hand_made).objective["people.childcare-cover"]
    assert checked == 90 + 540  # 60 per hour: 1 h 30 on Monday evening, 9 h on Saturday
    assert solver_price(plant, ChildcareCover(), hand_made) == checked


# --- shared days off ------------------------------------------------------------------------------------
def test_shared_days_off_priced_per_day_apart_and_equal_in_the_solver() -> None:
    plant = couple(shared=True)
    together = roster(("a", 0, "M"), ("b", 0, "A"), ("a", 1, "M"), ("b", 1, "A"))
    apart = roster(("a", 0, "M"), ("b", 1, "A"), ("a", 2, "M"))
    assert check_roster(plant, together).objective.get("people.shared-days-off", 0) == 0
    assert check_roster(plant, apart).objective["people.shared-days-off"] == 3 * 2
    assert solver_price(plant, SharedDaysOff(), apart) == 6
    assert solver_price(plant, SharedDaysOff(), together) == 0


# --- day-post priority ----------------------------------------------------------------------------------
def priority_plant() -> Scenario:
    return scenario(employees=[{"id": "a", "skills": ["op"], "day_post_priority": {
        "reason": "child_under_12", "declaration": DECLARED}}],
        demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 0, "preferred": 1}])


def test_day_post_priority_forbids_nights() -> None:
    plant = priority_plant()
    assert violations(plant, "people.day-post-priority", roster(("a", 0, "M"), ("a", 1, "A"))) == []
    assert len(violations(plant, "people.day-post-priority", roster(("a", 0, "N")))) == 1
    assert solver_price(plant, soft(DayPostPriority()), roster(("a", 0, "N"), ("a", 2, "N"))) == 2


# --- fairness -------------------------------------------------------------------------------------------
def fair_plant(days: int = 14) -> Scenario:
    return scenario(days=days, employees=[{"id": f"e{i}", "skills": ["op"]} for i in range(3)],
                    demand=[{"post": "line", "shifts": ["N"], "min": 0, "preferred": 1}])


def fair_cost(plant: Scenario, hand_made: Roster, category: str) -> int:
    return sum(c.amount for c in check_roster(plant, hand_made).costs
               if c.term == "people.fair-share" and c.note.startswith(category))


def test_fair_share_prices_the_heaviest_load() -> None:
    plant = fair_plant()
    even = roster(("e0", 0, "N"), ("e1", 1, "N"), ("e2", 2, "N"))
    uneven = roster(("e0", 0, "N"), ("e0", 1, "N"), ("e0", 2, "N"))
    # Three nights among three equal people: at best one each (10 tenths); all on e0, 30 tenths.
    assert fair_cost(plant, even, "nights") == 10 * FairShare.weight
    assert fair_cost(plant, uneven, "nights") == 30 * FairShare.weight
    assert solver_price(plant, FairShare(), uneven) == fair_cost(plant, uneven, "")
    assert solver_price(plant, FairShare(), even) == fair_cost(plant, even, "")


def holiday_plant(holidays: list[int]) -> Scenario:
    data = fair_plant().model_dump(mode="json")
    data["site"]["public_holidays"] = [day(offset).isoformat() for offset in holidays]
    return Scenario.model_validate(data)


def test_public_holidays_are_shared_like_nights() -> None:
    plant = holiday_plant([1, 8])
    assert plant.public_holidays == {day(1), day(8)}
    even = roster(("e0", 1, "N"), ("e1", 8, "N"))
    uneven = roster(("e0", 1, "N"), ("e0", 8, "N"))
    assert fair_cost(plant, even, "public_holidays") == 10 * FairShare.weight
    assert fair_cost(plant, uneven, "public_holidays") == 20 * FairShare.weight
    assert solver_price(plant, FairShare(["public_holidays"]), uneven) == 20 * FairShare.weight
    assert solver_price(plant, FairShare(["public_holidays"]), even) == 10 * FairShare.weight
    rows = {r.employee: r.public_holidays for r in fairness_rows(Timeline(plant, uneven))}
    assert rows == {"e0": 2, "e1": 0, "e2": 0}
    # No public holiday in the horizon: nothing to share, nothing priced.
    assert fair_cost(fair_plant(), uneven, "public_holidays") == 0


def test_public_holidays_come_from_the_jurisdiction_and_region() -> None:
    assert kos().public_holidays == {dt.date(2026, 12, 25)}
    assert kos_de().public_holidays == {dt.date(2026, 12, 25), dt.date(2026, 12, 26)}
    data = kos().model_dump(mode="json")
    data["site"]["region"] = "57"  # Moselle: Alsace-Moselle adds St Stephen's Day
    assert Scenario.model_validate(data).public_holidays == {dt.date(2026, 12, 25), dt.date(2026, 12, 26)}
    data["site"]["region"] = "Moselle"
    with pytest.raises(ScenarioError) as error:
        scenario_from_data(data, "kos.yaml")
    assert "site.region" in str(error.value) and "one of 57," in str(error.value)


def test_fair_share_never_buys_over_staffing() -> None:
    plant = fair_plant()
    even = roster(("e0", 0, "N"), ("e1", 1, "N"), ("e2", 2, "N"))
    extra = roster(("e0", 0, "N"), ("e1", 1, "N"), ("e2", 2, "N"), ("e2", 4, "N"))
    assert fair_cost(plant, extra, "nights") > fair_cost(plant, even, "nights")


def test_fair_share_is_pro_rata_contract_hours() -> None:
    plant = scenario(days=14, employees=[{"id": "full", "skills": ["op"]},
                                         {"id": "half", "skills": ["op"], "contract": {"weekly_hours": 17.5}}],
                     demand=[{"post": "line", "shifts": ["N"], "min": 0, "preferred": 1}])
    # 3 nights: two for the full-timer and one for the half-timer weigh the same (load 1.5 shifts each)...
    fair = roster(("full", 0, "N"), ("full", 4, "N"), ("half", 8, "N"))
    # ...while the reverse puts twice the load on the half-timer.
    unfair = roster(("full", 0, "N"), ("half", 4, "N"), ("half", 8, "N"))
    assert fair_cost(plant, fair, "nights") == 15 * FairShare.weight
    assert fair_cost(plant, unfair, "nights") == 30 * FairShare.weight


def test_hard_fair_share_flags_a_full_shift_of_deviation() -> None:
    plant = scenario(days=14, employees=[{"id": f"e{i}", "skills": ["op"]} for i in range(3)],
                     demand=[{"post": "line", "shifts": ["N"], "min": 0, "preferred": 1}],
                     rules={"settings": {"people.fair-share": {"mode": "hard"}}})
    assert violations(plant, "people.fair-share", roster(("e0", 0, "N"), ("e1", 3, "N"), ("e2", 6, "N"))) == []
    assert violations(plant, "people.fair-share", roster(("e0", 0, "N"), ("e0", 1, "N"), ("e0", 2, "N")))


# --- ergonomic plant rules ------------------------------------------------------------------------------
def test_48_hours_off_after_a_night_block() -> None:
    plant = scenario(employees=[{"id": "a", "skills": ["op"]}],
                     demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 0, "preferred": 1}],
                     rules={"settings": {"plant.rest-after-nights": {"mode": "hard"}}})
    ok = roster(("a", 0, "N"), ("a", 1, "N"), ("a", 4, "M"))  # nights end Wed 05:00, next start Fri 05:00
    short = roster(("a", 0, "N"), ("a", 1, "N"), ("a", 3, "A"))  # Thursday 13:00: 32 h
    night_gap = roster(("a", 0, "N"), ("a", 2, "N"))  # night, free day, night: 40 h
    assert violations(plant, "plant.rest-after-nights", ok) == []
    # Three nights in a row are one block: only the last night is followed by the 48 h.
    assert violations(plant, "plant.rest-after-nights", roster(("a", 0, "N"), ("a", 1, "N"), ("a", 2, "N"))) == []
    assert len(violations(plant, "plant.rest-after-nights", short)) == 1
    assert len(violations(plant, "plant.rest-after-nights", night_gap)) == 1
    assert solver_price(plant, RestAfterNightBlock(), short) == RestAfterNightBlock.weight  # soft by default
    by_default = scenario(employees=[{"id": "a", "skills": ["op"]}])
    assert check_roster(by_default, short).objective["plant.rest-after-nights"] == RestAfterNightBlock.weight


def test_no_early_shift_right_after_a_late_one() -> None:
    plant = scenario(employees=[{"id": "a", "skills": ["op"]}],
                     extra_shifts=[{"id": "L", "start": "14:00", "end": "22:00"},
                                   {"id": "E", "start": "06:00", "end": "14:00"}])
    rule = NoEarlyAfterLate()
    assert rule.forbids(plant, "L", "E") and rule.forbids(plant, "A", "M")
    assert not rule.forbids(plant, "M", "A") and not rule.forbids(plant, "N", "M")
    timeline = Timeline(plant, roster(("a", 0, "L"), ("a", 1, "E")))
    assert len(rule.check(timeline)) == 1


@pytest.mark.parametrize("rule_id", ["plant.rest-after-nights", "plant.no-early-after-late",
                                     "people.childcare-cover", "people.fair-share"])
def test_each_new_rule_can_be_switched_off(rule_id: str) -> None:
    plant = scenario(rules={"settings": {rule_id: {"mode": "off"}}})
    assert rule_id not in {rule.id for rule in build_rules(plant)}


def test_a_persons_weight_follows_their_absences_through_a_replaced_scenario_and_an_edited_copy() -> None:
    from roulement.model.scenario import Absence
    from roulement.rules.people import availability

    plant = scenario(days=14, employees=[{"id": "a"}, {"id": "b", "absences": [
        {"start": day(0).isoformat(), "end": day(3).isoformat()}]}])
    full, away = plant.employee("a"), plant.employee("b")
    hours = round(full.contract.weekly_hours * 4)
    assert availability(plant, full) == 14 * hours and availability(plant, away) == 10 * hours
    # The person given a week off in a copy of the scenario: the copy's weight, not the kept one.
    off = full.model_copy(update={"absences": [Absence(start=day(7), end=day(13))]})
    assert availability(plant, off) == 7 * hours
    moved = plant.replaced(employees=[off, away])
    assert availability(moved, moved.employee("a")) == 7 * hours and availability(plant, full) == 14 * hours
