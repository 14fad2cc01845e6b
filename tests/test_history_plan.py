"""A period planned after another: the previous period's last days are fixed history the solve plans around
(service/history.py), judged by the independent checker with those days in front of the roster."""

from __future__ import annotations

import datetime as dt

from roulement import service
from roulement.check import check_roster
from roulement.model.roster import Roster
from roulement.service.history import plan_after, plan_whole_stretch, stretched
from roulement.solve.options import SolveOptions
from tests.factory import roster, scenario

START = dt.date(2026, 1, 12)  # a Monday; the carried week is the one before


def _plant() -> object:
    """Six people, one a shift on a 3x8 line. Three of them wish for the Monday morning (05:00), heavily: a
    solve that does not see the Sunday they worked until 21:00 puts one of them there, 8 h after."""
    wish = [{"kind": "shift_on", "date": START.isoformat(), "shift": "M", "weight": 50}]
    return scenario(days=7, start=START, demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}], employees=[
        {"id": f"e{i}", "skills": ["op"], "contract": {"weekly_hours": 28, "tolerance_hours": 6},
         "requests": wish if i < 3 else []} for i in range(6)])


# The week before, lawful on its own: mornings by e3, nights by e4 and e5 in turn, and e0, e1, e2 on the
# Sunday afternoon (to 21:00).
CARRIED = roster(*[("e3", d, "M") for d in range(5)], *[("e4" if d % 2 else "e5", d, "N") for d in range(4)],
                 ("e0", 6, "A"), ("e1", 6, "A", "line"), ("e2", 6, "A"), start=START - dt.timedelta(days=7))


def _across(plant: object, planned: Roster) -> list[tuple[str, str | None]]:
    """Violations that involve a day of the new period, judged with the carried week in front."""
    checked = check_roster(plant, Roster([*CARRIED, *planned]))  # type: ignore[arg-type]
    return [(v.rule, v.employee) for v in checked.violations if not v.dates or max(v.dates) >= START]


def test_the_carried_week_alone_is_lawful_and_stretching_keeps_the_plant() -> None:
    plant = _plant()
    longer = stretched(plant, START - dt.timedelta(days=7))  # type: ignore[arg-type]
    # Only part of the old plant's week is carried (these six people): its posts are short, nobody's rest is.
    assert {v.rule for v in check_roster(longer, CARRIED).violations} <= {"core.coverage", "contract.hours"}
    assert longer.horizon.start == START - dt.timedelta(days=7) and longer.horizon.end == plant.horizon.end  # type: ignore[attr-defined]


def test_a_plan_after_the_carried_week_keeps_the_rest_across_the_boundary() -> None:
    plant = _plant()
    # Without the history the wishes win: someone works the Monday morning 8 h after Sunday's afternoon.
    blind = service.plan(plant, SolveOptions(time_limit=4, workers=1)).roster  # type: ignore[arg-type]
    assert blind is not None
    assert ("fr.daily-rest", "e0") in _across(plant, blind) or ("fr.daily-rest", "e1") in _across(plant, blind) \
        or ("fr.daily-rest", "e2") in _across(plant, blind)
    # Both ways of planning around the history: planned, then repaired where the carried days make it unlawful
    # (plan_after, the web's plan job); and the whole stretch in one solve, which covers every post within about
    # 11 s on one busy core (4 s left gaps).
    for planner in (plan_after, plan_whole_stretch):
        after = planner(plant, CARRIED, SolveOptions(time_limit=20, workers=1))  # type: ignore[arg-type]
        assert after.roster is not None
        assert all(a.date >= START for a in after.roster)  # the period's own roster, the carried days left out
        assert _across(plant, after.roster) == [], planner
        # And the period is staffed: one person a shift, every day.
        assert len(after.roster.assignments) == 3 * 7, planner
        assert {a.employee for a in after.roster if a.date == START and a.shift == "M"} <= {"e3", "e4", "e5"}
