"""Column generation on large scenarios: dual smoothing, stand-ins for people seeding left out, the deadline."""

from __future__ import annotations

import math
import time

import pytest

from roulement.check.checker import check_roster
from roulement.formats.curtois import parse_curtois, to_scenario
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.rules.base import Rule
from roulement.rules.packs import build_rules
from roulement.solve.colgen import generation as generation_module
from roulement.solve.colgen.generation import Bound, generate
from roulement.solve.colgen.master import Master
from tests.test_curtois import INSTANCE1

OPTIMUM = 607  # Instance1's optimum (best-known, proven)


def _instance1() -> tuple[Scenario, list[Rule]]:
    source = to_scenario(parse_curtois(INSTANCE1, "Instance1", "Instance1"))
    return source, build_rules(source)


@pytest.mark.parametrize("smoothing", [0.5, 0.8, 0.95])
def test_smoothing_never_changes_the_converged_lp_value(smoothing: float) -> None:
    source, rules = _instance1()
    plain = generate(source, rules, deadline=math.inf, smoothing=0.0)
    seen: list[Bound] = []
    smoothed = generate(source, rules, deadline=math.inf, smoothing=smoothing,
                        on_bound=lambda bound: seen.append(Bound(**bound.__dict__)))
    assert plain.bound is not None and plain.bound.converged
    assert smoothed.bound is not None and smoothed.bound.converged
    # The same LP optimum, to the pricing threshold (EPSILON per person) either way.
    assert smoothed.master.solve() == pytest.approx(plain.master.solve(), abs=1e-4)
    # Every bound printed on the way is one: at most the optimum, and rising.
    assert seen and all(bound.value <= OPTIMUM + 1e-6 and bound.whole <= OPTIMUM for bound in seen)
    assert [bound.value for bound in seen] == sorted(bound.value for bound in seen)


def test_every_bound_printed_is_at_most_the_optimum_with_and_without_smoothing() -> None:
    source, rules = _instance1()
    for smoothing in (0.0, 0.5):
        printed: list[float] = []

        def keep(bound: Bound, into: list[float] = printed) -> None:
            into.append(bound.value)

        generate(source, rules, deadline=math.inf, smoothing=smoothing, on_bound=keep)
        assert printed and max(printed) <= OPTIMUM + 1e-6


def test_people_seeding_leaves_out_get_a_stand_in_and_the_lp_ends_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    source, rules = _instance1()
    normal = generate(source, rules, deadline=math.inf)
    # No time at all for seeding: everyone starts with a stand-in ("no schedule yet", priced far above any).
    monkeypatch.setattr(generation_module, "SEED_SHARE", 0.0)
    standing: list[int] = []
    original = Master.solve

    def solve(master: Master) -> float:
        standing.append(len(master.standing_in))
        return original(master)

    monkeypatch.setattr(Master, "solve", solve)
    late = generate(source, rules, deadline=math.inf)
    assert standing[0] == len(source.employees)  # the first LP had nothing but stand-ins
    assert not late.master.standing_in  # each went when their first schedule entered
    assert late.bound is not None and late.bound.converged and late.bound.whole <= OPTIMUM
    assert late.master.value == pytest.approx(normal.master.value, abs=1e-4)
    # The MIP over the columns never takes a stand-in: one lawful schedule per person.
    chosen, _, _ = late.master.integer_roster(10.0)
    assert chosen is not None and sorted(c.employee for c in chosen) == sorted(e.id for e in source.employees)
    assert check_roster(source, Roster(late.master.assignments(chosen)), rules).ok


def _year(people: int) -> str:
    """A year-long Curtois-Qu instance: no full table of minutes and weekends fits (priced like 21-24)."""
    days = 364
    staff = "\n".join(f"P{n},E={days}|L=120,{days * 480},{130 * 480},5,2,2,26" for n in range(people))
    cover = "\n".join(f"{day},{shift},{2 if shift == 'E' else 1},100,1" for day in range(days) for shift in "EL")
    return (f"SECTION_HORIZON\n{days}\n\nSECTION_SHIFTS\nE,480,\nL,480,E\n\nSECTION_STAFF\n{staff}\n\n"
            f"SECTION_DAYS_OFF\n\nSECTION_SHIFT_ON_REQUESTS\n\nSECTION_SHIFT_OFF_REQUESTS\n\n"
            f"SECTION_COVER\n{cover}\n")


def test_seeding_year_long_people_stops_at_the_deadline() -> None:
    source = to_scenario(parse_curtois(_year(100), "Year", "Year"))
    rules = build_rules(source)
    started = time.monotonic()
    generated = generate(source, rules, started + 3.0)
    # Before, seeding gave every person a full walk whatever the deadline (Curtois-Qu 23: 397 s when 120 were
    # asked; here main's code took 18.6 s, this 3.1 s, on a busy machine). One walk may end after it (a tenth of
    # a second here), and the machine may be busy (6.6 s seen beside two test suites): a wide margin, still
    # far below what seeding them all costs.
    assert time.monotonic() - started < 3.0 + 8.0
    assert all(person.capped is not None or person.loose is not None for person in generated.people)


def test_with_people_still_standing_in_the_plan_comes_from_the_cp_sat_search(monkeypatch: pytest.MonkeyPatch) -> None:
    from roulement.solve.colgen import engine as engine_module
    from roulement.solve.options import SolveOptions

    source, rules = _instance1()
    # No time for seeding nor for any round: everyone still stands in when column generation ends.
    monkeypatch.setattr(generation_module, "SEED_SHARE", 0.0)
    monkeypatch.setattr(engine_module, "GENERATION_SHARE", 0.0)
    result = engine_module.plan_colgen(source, SolveOptions(time_limit=4, workers=1), rules)
    assert "8 people still without a schedule from column generation" in (result.note or "")
    assert result.roster is not None and check_roster(source, result.roster, rules).ok
