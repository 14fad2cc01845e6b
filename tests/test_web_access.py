"""Who may do what: 401 without a session, CSRF on writes, rate-limited logins, roles and ownership."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, Site, publish_approved


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_api_route_but_login_answers_401_without_a_session(site: Site) -> None:
    client = site.client()
    paths = client.get("/openapi.json").json()["paths"]
    checked = 0
    for path, operations in paths.items():
        if not path.startswith("/api") or path == "/api/login":
            continue
        for method in operations:
            response = client.request(method.upper(), _concrete(path), json={})
            assert response.status_code == 401, (method, path, response.status_code)
            checked += 1
    assert checked >= 30


def test_login_sets_httponly_samesite_cookie_and_me_tells_the_role(site: Site) -> None:
    client = site.client()
    response = client.post("/api/login", json={"username": "paula", "password": PASSWORD})
    assert response.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("roulement_session="))
    assert "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie
    assert client.get("/api/me").json()["role"] == "planner"
    # The password hash is argon2id, never the password.
    from roulement.store.models import User

    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        stored = session.query(User).filter_by(username="paula").one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_wrong_password_is_401_and_logout_ends_the_session(site: Site) -> None:
    client = site.client()
    assert client.post("/api/login", json={"username": "paula", "password": "nope"}).status_code == 401
    assert client.post("/api/login", json={"username": "nobody", "password": "nope"}).status_code == 401
    client = site.client("paula")
    assert client.post("/api/logout").status_code == 200
    assert client.get("/api/me").status_code == 401


def test_state_changing_requests_need_the_sessions_csrf_token(site: Site) -> None:
    client = site.client("paula")
    token = client.headers.pop("X-CSRF-Token")
    body = {"version": 1, "employee": "e0", "date": "2026-01-05", "shift": None}
    assert client.put(f"/api/rosters/{site.roster_id}/cell", json=body).status_code == 403
    wrong = client.put(f"/api/rosters/{site.roster_id}/cell", json=body, headers={"X-CSRF-Token": "forged"})
    assert wrong.status_code == 403
    # Reads need no token; the refused writes changed nothing.
    assert client.get(f"/api/rosters/{site.roster_id}").json()["version"] == 1
    right = client.put(f"/api/rosters/{site.roster_id}/cell", json=body, headers={"X-CSRF-Token": token})
    assert right.status_code == 200 and right.json()["version"] == 2


def test_logins_are_rate_limited_per_address_and_name(site: Site) -> None:
    client = site.client()
    for _ in range(5):
        assert client.post("/api/login", json={"username": "paula", "password": "guess"}).status_code == 401
    blocked = client.post("/api/login", json={"username": "paula", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    # Another account from the same address is still allowed (below the per-address limit).
    assert client.post("/api/login", json={"username": "carla", "password": PASSWORD}).status_code == 200


PLANNER_ONLY = [
    ("GET", "/api/scenarios"), ("POST", "/api/scenarios"), ("GET", "/api/rosters"),
    ("GET", "/api/rosters/{roster}"), ("PUT", "/api/rosters/{roster}/cell"),
    ("POST", "/api/rosters/{roster}/publish"), ("GET", "/api/rosters/{roster}/roster.csv"),
    ("POST", "/api/scenarios/{scenario}/solve"), ("GET", "/api/requests"),
    ("PATCH", "/api/scenarios/{scenario}/employees/e0"),
]
ADMIN_ONLY = [("GET", "/api/users"), ("POST", "/api/users"), ("PATCH", "/api/users/1"), ("GET", "/api/audit")]
EMPLOYEE_ONLY = [("GET", "/api/me/schedule"), ("GET", "/api/me/team"), ("GET", "/api/me/requests"),
                 ("POST", "/api/me/requests"), ("GET", "/api/me/declarations"), ("POST", "/api/me/declarations"),
                 ("POST", "/api/me/feed")]
COUNCIL_ONLY = [("POST", "/api/publications/1/decision")]


@pytest.mark.parametrize("username, forbidden", [
    ("emma", PLANNER_ONLY + ADMIN_ONLY + COUNCIL_ONLY + [("GET", "/api/publications")]),
    ("carla", PLANNER_ONLY + ADMIN_ONLY + EMPLOYEE_ONLY),
    ("paula", ADMIN_ONLY + EMPLOYEE_ONLY + COUNCIL_ONLY),
    ("adam", PLANNER_ONLY + EMPLOYEE_ONLY + COUNCIL_ONLY + [("GET", "/api/publications")]),
])
def test_each_role_is_refused_the_others_routes(site: Site, username: str, forbidden: list[tuple[str, str]]) -> None:
    client = site.client(username)
    for method, path in forbidden:
        url = path.format(roster=site.roster_id, scenario=site.scenario_id)
        response = client.request(method, url, json={})
        assert response.status_code == 403, (username, method, url, response.status_code)


def test_an_employee_never_reaches_another_employees_requests_declarations_or_feed(site: Site) -> None:
    emma, erik = site.client("emma"), site.client("erik")
    request = erik.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-07", "note": "dentist"})
    declared = erik.post("/api/me/declarations", json={"purpose": "child_under_12_day_post"})
    assert request.status_code == 201 and declared.status_code == 201
    # Emma sees none of it and cannot act on it, whatever id she tries.
    assert emma.get("/api/me/requests").json() == []
    assert emma.get("/api/me/declarations").json()["declarations"] == []
    assert emma.post(f"/api/me/requests/{request.json()['id']}/withdraw").status_code == 404
    assert emma.post(f"/api/me/declarations/{declared.json()['id']}/withdraw").status_code == 404
    # Her requests carry her own employee id, not one she names.
    own = emma.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-08", "employee_id": "e1"})
    assert own.status_code == 201 and own.json()["employee_id"] == "e0"
    # Erik's still stand.
    assert erik.get("/api/me/requests").json()[0]["status"] == "open"
    assert erik.get("/api/me/declarations").json()["declarations"][0]["active"] is True
    # Feeds: each link shows its owner's shifts only, and a revoked link is gone.
    publish_approved(site)
    emma_feed = emma.post("/api/me/feed").json()["url"]
    erik_feed = erik.post("/api/me/feed").json()["url"]
    anonymous = site.client()
    emma_ics = anonymous.get(emma_feed).text
    assert "e0-2026-01-05-M@roulement" in emma_ics and "e1-" not in emma_ics
    assert "e1-2026-01-06-M@roulement" in anonymous.get(erik_feed).text
    assert erik.delete("/api/me/feed").json() == {"revoked": 1}
    assert anonymous.get(erik_feed).status_code == 404
    assert anonymous.get(emma_feed).status_code == 200


def test_employee_sees_own_schedule_and_team_names_and_shifts_only(site: Site) -> None:
    emma = site.client("emma")
    assert emma.get("/api/me/schedule").json()["shifts"] == []  # nothing published yet
    publish_approved(site)
    schedule = emma.get("/api/me/schedule").json()
    assert {s["date"] for s in schedule["shifts"]} == {"2026-01-05", "2026-01-07", "2026-01-09", "2026-01-11"}
    assert schedule["employee"]["id"] == "e0"
    team = emma.get("/api/me/team").json()
    assert team["team"] == "A"
    assert [p["name"] for p in team["people"]] == ["Person 0", "Person 1", "Person 2"]  # team B not shown
    assert set(team["people"][0]) == {"name", "me", "shifts"}  # no ids, posts, absences or requests
    assert team["people"][0]["me"] is True and team["people"][1]["me"] is False
    assert list(team) == ["publication", "team", "days", "shifts", "people"]
    # A teammate reads the same team (encoded once), herself marked, her own shifts in her row.
    erik = site.client("erik").get("/api/me/team").json()
    assert [p["me"] for p in erik["people"]] == [False, True, False]
    assert {k: v for k, v in erik.items() if k != "people"} == {k: v for k, v in team.items() if k != "people"}
    assert [p["shifts"] for p in erik["people"]] == [p["shifts"] for p in team["people"]]
    own = site.client("erik").get("/api/me/schedule").json()["shifts"]
    assert erik["people"][1]["shifts"] == {x["date"]: x["shift"] for x in own} != {}


def test_council_reads_aggregates_without_household_details(site: Site) -> None:
    erik = site.client("erik")
    erik.post("/api/me/declarations", json={"purpose": "child_under_12_day_post"})
    publish_approved(site)
    carla = site.client("carla")
    publication = carla.get("/api/publications").json()[0]
    report = carla.get(f"/api/publications/{publication['id']}/report")
    assert report.status_code == 200
    data = report.json()
    assert data["people"]["active_declarations_by_purpose"]["child_under_12_day_post"] == 1
    assert data["fairness"]["hours"]["max"] >= data["fairness"]["hours"]["min"] > 0
    text = report.text
    assert "Person 1" not in text and "e1" not in text  # nobody is named
    # And the admin's audit trail shows that a declaration happened, not what it was.
    entries = site.client("adam").get("/api/audit", params={"entity": "declaration"}).json()["entries"]
    assert entries and all(e["after"] == "(private)" for e in entries)
    assert "child_under_12" not in site.client("adam").get("/api/audit").text
