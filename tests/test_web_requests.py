"""Requests that act: an inbox with names and filters; an accepted day off re-plans the roster locally with
few changes, or says in the grid why it cannot be honoured; an accepted swap is carried out; a swap partner
is chosen by name."""

from __future__ import annotations

from typing import Any

from roulement.check import check_roster
from roulement.store import repository
from tests.conftest import Site, publish_approved
from tests.factory import roster, scenario


def _roster_of(site: Site, client: Any) -> Any:
    return client.get(f"/api/rosters/{site.roster_id}").json()


def test_the_inbox_names_people_and_filters_by_status_and_kind(site: Site) -> None:
    publish_approved(site)
    emma, paula = site.client("emma"), site.client("paula")
    emma.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-08"})
    emma.post("/api/me/requests", json={"kind": "swap", "date": "2026-01-07", "swap_with": "e1"})
    inbox = paula.get("/api/requests").json()
    assert [(r["employee_name"], r["kind"]) for r in inbox] == [("Person 0", "swap"), ("Person 0", "day_off")]
    assert inbox[0]["swap_with_name"] == "Person 1"
    assert [r["kind"] for r in paula.get("/api/requests?kind=day_off").json()] == ["day_off"]
    assert paula.get("/api/requests?status=accepted").json() == []


def test_a_swap_partner_is_chosen_by_name(site: Site) -> None:
    publish_approved(site)
    colleagues = site.client("emma").get("/api/me/colleagues").json()
    assert {"id": "e1", "name": "Person 1"} in colleagues and all(c["id"] != "e0" for c in colleagues)


def test_an_accepted_swap_is_carried_out_in_the_roster(site: Site) -> None:
    publish_approved(site)
    emma, paula = site.client("emma"), site.client("paula")
    before = _roster_of(site, paula)
    assert before["cells"]["e0"]["2026-01-05"] == "M" and before["cells"]["e2"]["2026-01-05"] == "A"
    asked = emma.post("/api/me/requests", json={"kind": "swap", "date": "2026-01-05", "swap_with": "e2"}).json()
    decided = paula.post(f"/api/requests/{asked['id']}/decision", json={"status": "accepted"}).json()
    assert decided["outcome"] == {"carried_out": True, "roster_id": site.roster_id, "roster_version": 2}
    after = _roster_of(site, paula)
    assert after["version"] == 2
    assert after["cells"]["e0"]["2026-01-05"] == "A" and after["cells"]["e2"]["2026-01-05"] == "M"
    history = paula.get(f"/api/rosters/{site.roster_id}/history").json()
    assert history[0]["action"] == "roster.swap"


def test_an_accepted_day_off_re_plans_the_roster_with_few_changes(site: Site) -> None:
    publish_approved(site)
    emma, paula = site.client("emma"), site.client("paula")
    assert _roster_of(site, paula)["cells"]["e0"]["2026-01-07"] == "M"
    asked = emma.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-07"}).json()
    decided = paula.post(f"/api/requests/{asked['id']}/decision", json={"status": "accepted"}).json()
    assert decided["job"]["kind"] == "replan" and decided["job"]["status"] == "running"
    site.app.state.jobs.wait(60)  # type: ignore[attr-defined]
    outcome = paula.get("/api/requests").json()[0]["outcome"]
    assert outcome["honoured"] is True and outcome["version"] == 2, outcome
    after = _roster_of(site, paula)
    assert "2026-01-07" not in after["cells"]["e0"] and after["version"] == 2
    assert after["violations"] == [] and after["summary"]["coverage_complete"] is True
    # Few changes: only cells around the 7th moved (the re-plan frees a neighbourhood, not the roster).
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        stored = repository.get_roster_row(session, site.roster_id)
        changed = {(e, d) for e, d, *_ in stored.assignments} ^ {(e, d) for e, d, *_ in _small_cells()}
    assert changed and all(d in ("2026-01-06", "2026-01-07", "2026-01-08") for _, d in changed)
    assert outcome["changes"] <= 4
    assert next(r for r in after["accepted_day_off"] if r["employee"] == "e0")["honoured"] is True


def _small_cells() -> list[tuple[str, str]]:
    from tests.conftest import small_roster

    return [(a.employee, a.date.isoformat()) for a in small_roster()]


def test_a_day_off_nobody_can_cover_is_flagged_with_the_reason(site: Site) -> None:
    # A chef post on mornings only e0 can hold (skills op + lead): nobody can stand in for her.
    plant = scenario(days=5, employees=[
        {"id": "e0", "name": "Chef", "skills": ["op", "lead"], "contract": {"weekly_hours": 35, "hours_target": False}},
        *({"id": f"e{i}", "skills": ["op"], "contract": {"weekly_hours": 35, "hours_target": False}}
          for i in range(1, 4))],
        demand=[{"post": "chef", "shifts": ["M"], "min": 1}])
    planned = roster(*[("e0", d, "M", "chef") for d in range(5)])
    assert check_roster(plant, planned).violations == []
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        scenario_id = repository.add_scenario(session, None, plant, "chef plant").id
        roster_id = repository.add_roster(session, None, scenario_id, planned, "chef week").id
    paula, emma = site.client("paula"), site.client("emma")  # emma's account is e0
    asked = emma.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-06"}).json()
    decided = paula.post(f"/api/requests/{asked['id']}/decision", json={"status": "accepted"}).json()
    assert decided["job"] is not None
    site.app.state.jobs.wait(60)  # type: ignore[attr-defined]
    outcome = paula.get("/api/requests").json()[0]["outcome"]
    assert outcome["honoured"] is False and "core.coverage" in outcome["reason"], outcome
    grid = paula.get(f"/api/rosters/{roster_id}").json()
    assert grid["version"] == 1 and grid["cells"]["e0"]["2026-01-06"] == "M"  # the roster is unchanged
    flagged = next(r for r in grid["accepted_day_off"] if r["employee"] == "e0")
    assert flagged["honoured"] is False and "core.coverage" in flagged["rules"]


def test_the_inbox_prices_granting_a_day_off_in_the_readers_language(site: Site) -> None:
    publish_approved(site)
    emma, paula = site.client("emma"), site.client("paula")
    asked = emma.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-07"}).json()
    priced = paula.post(f"/api/requests/{asked['id']}/price")
    assert priced.status_code == 200, priced.text
    lines = priced.json()["lines"]
    assert priced.json()["roster_id"] == site.roster_id
    assert lines[0].startswith("Person 0 works shift M")  # why she works that day, then what granting it costs
    refused = next(i for i, line in enumerate(lines) if "the request (day off on" in line and "is refused" in line)
    assert lines[refused + 1].startswith(("granting it changes the roster's cost by", "granting it would leave",
                                          "granting it is impossible"))
    french = paula.post(f"/api/requests/{asked['id']}/price", headers={"Accept-Language": "fr"}).json()["lines"]
    assert any(line.startswith("l'accorder") for line in french)
    # Pricing decides nothing and saves nothing.
    assert paula.get("/api/requests?status=open").json()[0]["id"] == asked["id"]
    assert _roster_of(site, paula)["version"] == 1


def test_only_an_open_day_off_is_priced(site: Site) -> None:
    publish_approved(site)
    emma, paula = site.client("emma"), site.client("paula")
    swap = emma.post("/api/me/requests", json={"kind": "swap", "date": "2026-01-05", "swap_with": "e2"}).json()
    refused = paula.post(f"/api/requests/{swap['id']}/price")
    assert refused.status_code == 422 and refused.json()["field"] == "request_id"
    assert paula.post("/api/requests/999/price").status_code == 404
    assert emma.post(f"/api/requests/{swap['id']}/price").status_code == 403
