"""Employees' reads computed in advance once a version may be read (web/precompute.py): stored after publishing
(where the site shows proposed versions) and after the council's approval, equal to what reading on demand
computes, found by every web process, never another version's, and a failed precompute leaves the reads computed
on demand."""

from __future__ import annotations

import dataclasses
import zlib
from typing import Any

import pytest
from sqlalchemy import select

from roulement.store import repository
from roulement.store.models import PublishedRead
from roulement.web import precompute, published
from tests.conftest import Site

EMPLOYEES = ("emma", "erik", "bea")  # e0 and e1 in team A, e4 in team B


def _reads(site: Site) -> dict[str, tuple[bytes, bytes, bytes]]:
    """Each employee's (schedule, team, feed) as the app answers them now."""
    answers = {}
    for name in EMPLOYEES:
        client = site.client(name)
        url = client.post("/api/me/feed").json()["url"]
        answers[name] = (client.get("/api/me/schedule").content, client.get("/api/me/team").content,
                         site.client().get(url).content)
    return answers


def _stored(site: Site, publication_id: int) -> dict[tuple[str, str], tuple[str, bytes]]:
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        rows = session.execute(select(PublishedRead).where(PublishedRead.publication_id == publication_id))
        return {(r.kind, r.subject): (r.stamp, zlib.decompress(r.body)) for (r,) in rows}


def _forget_stored(site: Site) -> None:
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        session.query(PublishedRead).delete()


def _wait(site: Site) -> None:
    site.app.state.reads.wait(30)  # type: ignore[attr-defined]


def _publish(site: Site, version: int = 1) -> int:
    answer = site.client("paula").post(f"/api/rosters/{site.roster_id}/publish",
                                       json={"version": version, "accept_violations": True})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _approve(site: Site, publication_id: int) -> None:
    answer = site.client("carla").post(f"/api/publications/{publication_id}/decision", json={"decision": "approve"})
    assert answer.status_code == 201, answer.text


def _on_demand(site: Site, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, bytes, bytes]]:
    """The reads as computed on demand: nothing stored, nothing kept in the process."""
    _forget_stored(site)
    published.memo.clear()
    return _reads(site)


def test_after_an_approval_everyones_reads_are_stored_and_equal_what_reading_on_demand_computes(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    publication_id = _publish(site)
    _wait(site)
    assert _stored(site, publication_id) == {}  # consent required: no employee reads a proposed version
    _approve(site, publication_id)
    _wait(site)
    stored = _stored(site, publication_id)
    people = [f"e{i}" for i in range(6)]
    assert set(stored) == ({(kind, p) for kind in ("schedule", "feed", "team-of") for p in people}
                           | {("team", '"A"'), ("team", '"B"')})
    assert {stamp.split("|")[0] for stamp, _ in stored.values()} == {"approved"}
    published.memo.clear()
    first = _reads(site)  # from the stored reads
    assert first == _on_demand(site, monkeypatch)
    for name, (schedule, _, feed) in first.items():
        me = {"emma": "e0", "erik": "e1", "bea": "e4"}[name]
        assert stored[("schedule", me)][1] == schedule and stored[("feed", me)][1] == feed


def test_a_first_read_is_a_lookup_in_another_web_process(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second app on the same database (as `serve --workers 2` runs) answers from the stored reads: nothing of
    the publication is computed there."""
    from roulement.web.app import create_app

    publication_id = _publish(site)
    _approve(site, publication_id)
    _wait(site)
    expected = _reads(site)
    url = site.app.state.backend.engine.url.render_as_string(hide_password=False)  # type: ignore[attr-defined]
    other = Site(create_app(url, prepare=False), site.scenario_id, site.roster_id)
    published.memo.clear()

    def computed(*_: Any) -> Any:
        raise AssertionError("computed, not looked up")

    for name in ("schedule_body", "feed_body", "team_parts"):
        monkeypatch.setattr(published, name, computed)
    assert _reads(other) == expected
    other.app.state.backend.engine.dispose()  # type: ignore[attr-defined]


def test_proposed_versions_are_stored_where_the_site_shows_them_and_replaced_on_approval(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    paula = site.client("paula")
    paula.put(f"/api/scenarios/{site.scenario_id}/settings", json={"consent_required": False})
    publication_id = _publish(site)
    _wait(site)
    stored = _stored(site, publication_id)
    assert stored and {stamp.split("|")[0] for stamp, _ in stored.values()} == {"proposed"}
    assert site.client("emma").get("/api/me/schedule").json()["publication"]["status"] == "proposed"
    _approve(site, publication_id)
    # Until the approval's precompute is stored, the proposed one's stamps no longer match: never served.
    published.memo.clear()
    assert site.client("emma").get("/api/me/schedule").json()["publication"]["status"] == "approved"
    _wait(site)
    stored = _stored(site, publication_id)
    assert {stamp.split("|")[0] for stamp, _ in stored.values()} == {"approved"}
    published.memo.clear()
    assert _reads(site) == _on_demand(site, monkeypatch)


def test_a_failed_precompute_leaves_the_reads_computed_on_demand(site: Site, monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("the precompute broke")

    monkeypatch.setattr(precompute, "all_reads", broken)
    publication_id = _publish(site)
    _approve(site, publication_id)
    _wait(site)
    assert _stored(site, publication_id) == {}
    assert "the precompute broke" in caplog.text
    schedule = site.client("emma").get("/api/me/schedule").json()
    assert schedule["publication"] == {**schedule["publication"], "id": publication_id, "status": "approved"}
    assert len(schedule["shifts"]) == 4
    monkeypatch.undo()
    assert _reads(site) == _on_demand(site, monkeypatch)


def test_stale_or_other_versions_stored_reads_are_never_shown(site: Site) -> None:
    """Consent required: version 1 approved, version 2 only proposed. Version 2's reads are not computed; a
    stored read is served only for the publication that applies and under its current stamps."""
    v1 = _publish(site)
    _approve(site, v1)
    paula = site.client("paula")
    paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 1, "employee": "e0", "date": "2026-01-05",
                                                              "shift": None})
    v2 = _publish(site, 2)
    _wait(site)
    assert _stored(site, v2) == {}
    emma = site.client("emma")
    assert emma.get("/api/me/schedule").json()["publication"]["id"] == v1
    # Were version 2's reads stored anyway (under its proposed stamps), emma would still see version 1's.
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        applying = repository.publication_stamps(session, v2)
        assert applying is not None
        scenario = repository.scenario_of(repository.get_scenario_row(session, applying.scenario_id))
        rows = list(repository.get_publication(session, v2).assignments)
        assert repository.save_reads(session, applying, published.all_reads(scenario, applying, rows))
    published.memo.clear()
    assert emma.get("/api/me/schedule").json()["publication"]["id"] == v1
    assert emma.get("/api/me/team").json()["publication"]["id"] == v1
    # A stored read whose stamps are not the publication's (here: forged as approved) is never served.
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        session.query(PublishedRead).filter(PublishedRead.publication_id == v1, PublishedRead.kind == "schedule",
                                            PublishedRead.subject == "e0").update({"stamp": "rejected|forged"})
    published.memo.clear()
    assert emma.get("/api/me/schedule").json()["publication"]["id"] == v1
    # And reads stored from stamps that changed meanwhile are not saved at all.
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        assert not repository.save_reads(session, dataclasses.replace(applying, status="approved"), [])


def test_the_helper_process_computes_the_same_reads(site: Site) -> None:
    """As `roulement serve` runs it: in a process of its own."""
    publication_id = _publish(site)
    _approve(site, publication_id)
    _wait(site)
    in_thread = _stored(site, publication_id)
    _forget_stored(site)
    helper = precompute.ReadsPrecompute(site.app.state.backend, apart=True)  # type: ignore[attr-defined]
    assert helper.run(publication_id)
    helper.close()
    assert _stored(site, publication_id) == in_thread


def test_an_approved_version_forgets_the_reads_stored_for_older_ones(site: Site) -> None:
    v1 = _publish(site)
    _approve(site, v1)
    _wait(site)
    assert _stored(site, v1)
    site.client("paula").put(f"/api/rosters/{site.roster_id}/cell", json={
        "version": 1, "employee": "e0", "date": "2026-01-05", "shift": None})
    v2 = _publish(site, 2)
    _approve(site, v2)
    _wait(site)
    assert _stored(site, v1) == {} and len(_stored(site, v2)) == 6 * 3 + 2
    assert site.client("emma").get("/api/me/schedule").json()["publication"]["id"] == v2


def test_showing_proposed_versions_computes_the_newest_ones_reads(site: Site) -> None:
    publication_id = _publish(site)
    _wait(site)
    assert _stored(site, publication_id) == {}
    site.client("paula").put(f"/api/scenarios/{site.scenario_id}/settings", json={"consent_required": False})
    _wait(site)
    stored = _stored(site, publication_id)
    assert stored and {stamp.split("|")[0] for stamp, _ in stored.values()} == {"proposed"}
    assert site.client("emma").get("/api/me/schedule").content == stored[("schedule", "e0")][1]


def test_a_team_named_at_length_is_stored_under_a_key_that_fits() -> None:
    assert published.team_subject("A") == '"A"' and published.team_subject(None) == "null"
    long = published.team_subject("x" * 500)
    assert len(long) <= 200 and long != published.team_subject("x" * 501)
