"""Publishing with meaning: a confirmation with the violations and the difference from the last version, one
proposal per version however often it is posted, employees and feeds on the council-approved version where
consent is required, and an employee's schedule found without reading every publication."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import delete

from roulement.store import repository
from roulement.store.models import PublishedRead
from roulement.web import published
from tests.conftest import Site

EDIT = {"employee": "e2", "date": "2026-01-06", "shift": "M"}  # e2 works A (to 21:00) on the 5th: 11 h rest broken


def _approve(site: Site, publication_id: int) -> None:
    decided = site.client("carla").post(f"/api/publications/{publication_id}/decision", json={"decision": "approve"})
    assert decided.status_code == 201


def test_the_confirmation_shows_violations_and_the_diff_and_publishing_them_needs_consent(site: Site) -> None:
    paula = site.client("paula")
    first = paula.get(f"/api/rosters/{site.roster_id}/publish/preview").json()
    assert first["violations"] == [] and first["against"] is None and first["already_published"] is None
    assert first["diff"]["added"] == 21 and first["diff"]["removed"] == 0  # everything is new the first time
    v1 = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 1})
    assert v1.status_code == 201 and v1.json()["created"] is True
    assert paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 1, **EDIT}).status_code == 200
    preview = paula.get(f"/api/rosters/{site.roster_id}/publish/preview").json()
    assert preview["version"] == 2 and preview["against"]["id"] == v1.json()["id"]
    assert [v["rule"] for v in preview["violations"]] and all(v["employee"] == "e2" for v in preview["violations"])
    assert preview["diff"]["added"] == 1 and preview["diff"]["changed"] == 0 and preview["diff"]["people"] == 1
    assert preview["diff"]["cells"] == [{"employee": "e2", "name": "Person 2", "date": "2026-01-06", "kind": "added",
                                         "before": None, "after": {"shift": "M", "post": "line"}}]
    refused = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 2})
    assert refused.status_code == 422 and refused.json()["field"] == "accept_violations"
    assert len(paula.get("/api/publications").json()) == 1  # nothing was published
    accepted = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 2, "accept_violations": True})
    assert accepted.status_code == 201


def test_thirty_posts_or_a_double_click_make_one_proposal(site: Site) -> None:
    paula = site.client("paula")
    answers = [paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 1}) for _ in range(30)]
    assert [a.status_code for a in answers] == [201] + [200] * 29
    assert len({a.json()["id"] for a in answers}) == 1
    # Simultaneous clicks on the next version: the unique index lets one through, the others get that one.
    paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 1, "employee": "e0", "date": "2026-01-05",
                                                              "shift": "M"})
    results: list[Any] = []

    def click() -> None:
        results.append(site.client("paula").post(f"/api/rosters/{site.roster_id}/publish", json={"version": 2}))

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.status_code in (200, 201) for r in results), [r.text for r in results]
    assert len({r.json()["id"] for r in results}) == 1 and sum(r.status_code == 201 for r in results) == 1
    assert len(paula.get("/api/publications").json()) == 2


def test_employees_and_feeds_see_the_approved_version_unless_the_site_says_otherwise(site: Site) -> None:
    paula, emma = site.client("paula"), site.client("emma")
    feed = site.client().get
    url = emma.post("/api/me/feed").json()["url"]
    v1 = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 1}).json()
    assert emma.get("/api/me/schedule").json()["publication"] is None  # proposed only: not yet in force
    assert "VEVENT" not in feed(url).text
    _approve(site, v1["id"])
    assert emma.get("/api/me/schedule").json()["publication"]["id"] == v1["id"]
    # Version 2 takes emma off the 5th and goes before the council: employees keep seeing version 1.
    paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 1, "employee": "e0", "date": "2026-01-05",
                                                              "shift": None})
    v2 = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 2, "accept_violations": True}).json()
    schedule = emma.get("/api/me/schedule").json()
    assert schedule["publication"] == {**schedule["publication"], "id": v1["id"], "status": "approved"}
    assert "2026-01-05" in {s["date"] for s in schedule["shifts"]}
    assert "e0-2026-01-05-M@roulement" in feed(url).text
    assert emma.get("/api/me/team").json()["publication"]["id"] == v1["id"]
    # A site whose agreement lets proposed versions show: the newest one applies.
    setting = paula.put(f"/api/scenarios/{site.scenario_id}/settings", json={"consent_required": False})
    assert setting.status_code == 200
    assert emma.get("/api/me/schedule").json()["publication"]["id"] == v2["id"]
    assert "e0-2026-01-05-M@roulement" not in feed(url).text
    # A rejected version never applies.
    site.client("carla").post(f"/api/publications/{v2['id']}/decision", json={"decision": "reject", "comment": "no"})
    assert emma.get("/api/me/schedule").json()["publication"]["id"] == v1["id"]


def test_an_employees_schedule_reads_one_publication_not_all(site: Site, monkeypatch: Any) -> None:
    paula = site.client("paula")
    version = 1
    for day in range(5, 12):  # seven approved versions, each a small edit
        publication = paula.post(f"/api/rosters/{site.roster_id}/publish",
                                 json={"version": version, "accept_violations": True}).json()
        _approve(site, publication["id"])
        version = paula.put(f"/api/rosters/{site.roster_id}/cell", json={
            "version": version, "employee": "e5", "date": f"2026-01-{day:02d}", "shift": None}).json()["version"]
    site.app.state.reads.wait(30)  # type: ignore[attr-defined]
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        session.execute(delete(PublishedRead))  # computed on demand here (the stored reads: test_web_reads.py)
    emma = site.client("emma")
    emma.get("/api/me/schedule")  # fills the scenario cache
    published.memo.clear()  # but not the schedule's
    parsed: list[int] = []
    real = repository.validated
    monkeypatch.setattr(repository, "validated", lambda data, rows=None: parsed.append(1) or real(data, rows))
    loaded: list[Any] = []
    real_roster_of = repository.roster_of
    monkeypatch.setattr(repository, "roster_of", lambda rows: loaded.append(len(rows)) or real_roster_of(rows))
    schedule = emma.get("/api/me/schedule").json()
    assert schedule["publication"]["id"] == 7 and len(schedule["shifts"]) == 4
    assert parsed == [] and loaded == [4]  # no scenario parsed again; only emma's four rows made into a roster
    assert emma.get("/api/me/schedule").json() == schedule
    assert loaded == [4]  # computed once per publication and person


def test_a_memoised_schedule_follows_the_decisions_and_the_scenario(site: Site) -> None:
    """The schedule, team and feed are kept per publication; an approval, a rejection or an edited scenario
    must still show at once."""
    paula, emma = site.client("paula"), site.client("emma")
    feed = site.client().get
    v1 = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 1, "accept_violations": True}).json()
    _approve(site, v1["id"])
    url = emma.post("/api/me/feed").json()["url"]
    before = emma.get("/api/me/schedule").json()
    assert before["publication"] == {"id": v1["id"], "status": "approved",
                                     "published_at": before["publication"]["published_at"]}
    assert emma.get("/api/me/team").json()["publication"]["status"] == "approved"
    feed(url)
    # The scenario changes after publishing: her name, read from the scenario, follows.
    scenario = paula.get(f"/api/scenarios/{site.scenario_id}").json()
    renamed = paula.patch(f"/api/scenarios/{site.scenario_id}/employees/e0",
                          json={"version": scenario["version"], "changes": {"name": "Emma Renamed"}})
    assert renamed.status_code == 200, renamed.text
    assert emma.get("/api/me/schedule").json()["employee"]["name"] == "Emma Renamed"
    assert "Emma Renamed" in feed(url).text
    assert "Emma Renamed" in {p["name"] for p in emma.get("/api/me/team").json()["people"]}
    # A newer version, shown while proposed where the site allows it; rejected, the older one applies again.
    version = paula.put(f"/api/rosters/{site.roster_id}/cell", json={
        "version": 1, "employee": "e0", "date": "2026-01-05", "shift": None}).json()["version"]
    v2 = paula.post(f"/api/rosters/{site.roster_id}/publish",
                    json={"version": version, "accept_violations": True}).json()
    assert emma.get("/api/me/schedule").json()["publication"]["id"] == v1["id"]
    paula.put(f"/api/scenarios/{site.scenario_id}/settings", json={"consent_required": False})
    shown = emma.get("/api/me/schedule").json()["publication"]
    assert (shown["id"], shown["status"]) == (v2["id"], "proposed")
    assert "e0-2026-01-05-M@roulement" not in feed(url).text
    site.client("carla").post(f"/api/publications/{v2['id']}/decision", json={"decision": "reject", "comment": "no"})
    assert emma.get("/api/me/schedule").json()["publication"]["id"] == v1["id"]
    assert emma.get("/api/me/team").json()["publication"]["id"] == v1["id"]
    assert "e0-2026-01-05-M@roulement" in feed(url).text


def test_a_calendar_app_asking_again_gets_304_until_another_version_applies(site: Site) -> None:
    paula, emma, app = site.client("paula"), site.client("emma"), site.client()
    url = emma.post("/api/me/feed").json()["url"]
    empty = app.get(url)
    assert empty.status_code == 200 and empty.headers["Cache-Control"] == "private, no-cache"
    assert app.get(url, headers={"If-None-Match": empty.headers["ETag"]}).status_code == 304
    v1 = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 1}).json()
    assert app.get(url, headers={"If-None-Match": empty.headers["ETag"]}).status_code == 304  # proposed only
    _approve(site, v1["id"])
    first = app.get(url, headers={"If-None-Match": empty.headers["ETag"]})
    assert first.status_code == 200 and "VEVENT" in first.text and first.headers["ETag"] != empty.headers["ETag"]
    tag = first.headers["ETag"]
    for asked in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        again = app.get(url, headers={"If-None-Match": asked})
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag, asked
    assert app.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # A new approved version, or a changed scenario, is a new tag: the app fetches it.
    paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 1, "employee": "e0", "date": "2026-01-05",
                                                              "shift": None})
    v2 = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 2, "accept_violations": True}).json()
    assert app.get(url, headers={"If-None-Match": tag}).status_code == 304  # v2 is only proposed
    _approve(site, v2["id"])
    changed = app.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "e0-2026-01-05-M@roulement" not in changed.text
    # A revoked link answers 404 whatever tag it sends.
    emma.delete("/api/me/feed")
    assert app.get(url, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 404
