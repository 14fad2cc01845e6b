"""Cell edits judged in the helper process (`web/edit_judge.py`, as `roulement serve` runs): the same answer as
judging in the web process, the full checker's violations, another process, and a helper that dies replaced."""

from __future__ import annotations

import os
import signal
from typing import Any

from roulement.check import check_roster
from roulement.store import repository
from roulement.web.edit_judge import EditJudge
from tests.conftest import Site, small_plant

EDITS = [("e2", "2026-01-06", "M"), ("e2", "2026-01-06", None), ("e5", "2026-01-07", "M"), ("e0", "2026-01-05", None)]


def edit_all(site: Site) -> list[dict[str, Any]]:
    paula = site.client("paula")
    version = paula.get(f"/api/rosters/{site.roster_id}").json()["version"]
    answers = []
    for employee, date, shift in EDITS:
        answer = paula.put(f"/api/rosters/{site.roster_id}/cell",
                           json={"version": version, "employee": employee, "date": date, "shift": shift})
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())
        version = answer.json()["version"]
    return answers


def undo(site: Site) -> None:
    """Back to the hand-made week: `EDITS` add e5's shift on the 7th and remove e0's on the 5th."""
    paula = site.client("paula")
    version = paula.get(f"/api/rosters/{site.roster_id}").json()["version"]
    for employee, date, shift in [("e0", "2026-01-05", "M"), ("e5", "2026-01-07", None)]:
        version = paula.put(f"/api/rosters/{site.roster_id}/cell", json={
            "version": version, "employee": employee, "date": date, "shift": shift}).json()["version"]


def stored_violations(site: Site) -> list[str]:
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        stored = repository.roster_of(repository.get_roster_row(session, site.roster_id).assignments)
    return sorted(v.rule for v in check_roster(small_plant(), stored).violations)


def test_an_edit_judged_in_the_helper_process_answers_as_in_the_web_process(site: Site, database_url: str) -> None:
    in_thread = edit_all(site)
    assert site.app.state.edit_judge.apart is False  # type: ignore[attr-defined]
    assert stored_violations(site) == sorted(v["rule"] for v in in_thread[-1]["violations"])
    # Undo the edits, then make them again with the judging in a helper process.
    undo(site)
    assert stored_violations(site) == []
    judge = EditJudge(apart=True)
    site.app.state.edit_judge = judge  # type: ignore[attr-defined]
    try:
        apart = edit_all(site)
        helper = judge._helper().submit(os.getpid).result()
        assert helper != os.getpid()
        for mine, theirs in zip(apart, in_thread, strict=True):
            assert {k: v for k, v in mine.items() if k != "version"} == {
                k: v for k, v in theirs.items() if k != "version"}
        assert stored_violations(site) == sorted(v["rule"] for v in apart[-1]["violations"])
        assert any(v["rule"] == "fr.daily-rest" for v in apart[0]["caused"])

        # A helper that dies: the next edit is judged in the web process, the one after in a new helper.
        os.kill(helper, signal.SIGKILL)
        undo(site)
        again = edit_all(site)
        assert [a["violations"] for a in again] == [a["violations"] for a in in_thread]
        assert judge._helper().submit(os.getpid).result() not in (helper, os.getpid())
    finally:
        judge.close()
