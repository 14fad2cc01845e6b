"""A re-plan never hides a move, and never returns a roster worse than where it starts (issue 17)."""

from __future__ import annotations

from roulement.check import check_roster
from roulement.model.edits import DateRange, add_absence
from roulement.rules.packs import build_rules
from roulement.solve import SolveOptions
from roulement.solve.replan import KeepPublished, changes_csv, roster_changes, summarise_changes
from roulement.solve.replan import replan as run_replan
from tests.factory import day, roster, scenario


def two_posts() -> object:
    """One morning shift, a `chef` post (skills op + lead) and a `line` post (op); two leads and one operator."""
    return scenario(days=2, rules={"packs": ["core"]},
                    employees=[{"id": "lead1", "skills": ["op", "lead"]}, {"id": "lead2", "skills": ["op", "lead"]},
                               {"id": "op1", "skills": ["op"]}],
                    demand=[{"post": "chef", "shifts": ["M"], "min": 1}, {"post": "line", "shifts": ["M"], "min": 1}])


def test_a_move_to_another_post_on_the_same_shift_is_listed_in_changes_csv() -> None:
    plant = two_posts()
    published = roster(("lead1", 0, "M", "chef"), ("lead2", 0, "M", "line"),
                       ("lead1", 1, "M", "chef"), ("lead2", 1, "M", "line"))
    assert check_roster(plant, published).ok  # type: ignore[arg-type]
    disrupted = add_absence(plant, "lead1", DateRange(day(1), day(1)))  # type: ignore[arg-type]
    outcome = run_replan(disrupted, published, day(1), SolveOptions(time_limit=5, workers=1))
    assert outcome.roster is not None
    assert check_roster(outcome.scenario, outcome.roster).ok
    # lead2 is the only lead left: moved from line to chef on the same shift, op1 called in for the line.
    moved = [c for c in outcome.changes if c.moved]
    assert [(c.employee, c.date, c.before, c.after, c.before_post, c.after_post) for c in moved] == [
        ("lead2", day(1), "M", "M", "line", "chef")]
    assert f"lead2,{day(1)},M,M,line,chef" in changes_csv(outcome.changes).splitlines()
    assert "1 moved to another post" in summarise_changes(outcome.changes, day(1))


def test_roster_changes_lists_moves_and_the_move_price_matches_the_solver() -> None:
    before = roster(("lead2", 0, "M", "line"), ("op1", 1, "M", "line"))
    after = roster(("lead2", 0, "M", "chef"), ("op1", 1, "M", "line"))
    changes = roster_changes(before, after, day(0), day(1))
    assert [(c.employee, c.moved) for c in changes] == [("lead2", True)]
    plant = two_posts()
    keep = KeepPublished(before, day(0))
    priced = check_roster(plant, after, [*build_rules(plant), keep]).objective  # type: ignore[arg-type]
    assert priced["changes"] == keep.move_weight


def test_replan_never_returns_a_roster_worse_than_its_start(monkeypatch: object) -> None:
    """A search cut short can end on a roster worse than the re-plan's own start (KOS-DE, --whole, one busy
    core: 106 person-shifts short against 11); the start is then kept. Here the search is made to return an
    empty roster, the worst there is."""
    import pytest

    import roulement.solve.replan as replan_module
    from roulement.model.roster import Roster
    from roulement.solve.search import SolveResult

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    plant = two_posts()
    published = roster(("lead1", 0, "M", "chef"), ("op1", 0, "M", "line"),
                       ("lead1", 1, "M", "chef"), ("op1", 1, "M", "line"))
    disrupted = add_absence(plant, "op1", DateRange(day(1), day(1)))  # type: ignore[arg-type]

    def empty(*args: object, **kwargs: object) -> SolveResult:
        return SolveResult(Roster([]), "FEASIBLE", 0.0, None, 0.1, 0.0, None, 1, False, {}, 0)

    monkeypatch.setattr(replan_module, "solve", empty)
    outcome = run_replan(disrupted, published, day(1), SolveOptions(time_limit=2, workers=1), whole=True)
    assert outcome.roster is not None
    # The start: the past kept, op1's lost shift filled by lead2, who was free.
    assert sorted((a.employee, a.date, a.post) for a in outcome.roster) == [
        ("lead1", day(0), "chef"), ("lead1", day(1), "chef"), ("lead2", day(1), "line"), ("op1", day(0), "line")]
    assert check_roster(outcome.scenario, outcome.roster).ok
    assert "worse than its start" in outcome.result.note
