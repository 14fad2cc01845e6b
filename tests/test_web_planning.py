"""The planner's work through the API: edits judged by the checker, no lost edits, an audit trail,
clear 4xx on bad input with nothing half-saved, solve jobs, publishing, the council's decision, downloads."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from typing import Any

from openpyxl import load_workbook

from roulement.check import check_roster
from roulement.store import repository
from tests.conftest import Site, publish_approved, small_plant
from tests.factory import scenario

EDIT = {"employee": "e2", "date": "2026-01-06", "shift": "M"}  # e2 works A (to 21:00) on the 5th


def finished(client, job: dict[str, Any], seconds: float) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The job as the API shows it once it stops running, or after `seconds`."""
    deadline = time.monotonic() + seconds
    while job["status"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(f"/api/jobs/{job['id']}").json()
    return job


def test_a_cell_change_shows_the_violations_it_causes_from_the_checker(site: Site) -> None:
    paula = site.client("paula")
    assert paula.get(f"/api/rosters/{site.roster_id}").json()["violations"] == []
    changed = paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 1, **EDIT}).json()
    caused = {v["rule"] for v in changed["caused"]}
    assert "fr.daily-rest" in caused  # 21:00 -> 05:00 is 8 h of rest, not 11
    rest = next(v for v in changed["caused"] if v["rule"] == "fr.daily-rest")
    assert rest["employee"] == "e2" and "L3131-1" in rest["reference"]
    # The same judgement the CLI's checker gives on the stored roster.
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        stored = repository.roster_of(repository.get_roster_row(session, site.roster_id).assignments)
    assert sorted(v.rule for v in check_roster(small_plant(), stored).violations) == sorted(
        v["rule"] for v in changed["violations"])
    # Undoing it resolves them again.
    undone = paula.put(f"/api/rosters/{site.roster_id}/cell",
                       json={"version": 2, "employee": "e2", "date": "2026-01-06", "shift": None}).json()
    assert {v["rule"] for v in undone["resolved"]} >= {"fr.daily-rest"} and undone["violations"] == []


def test_a_stale_edit_is_refused_with_409_never_silently_overwriting(site: Site) -> None:
    paula, pierre = site.client("paula"), site.client("pierre")
    seen_by_both = paula.get(f"/api/rosters/{site.roster_id}").json()["version"]
    first = paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": seen_by_both, **EDIT})
    second = pierre.put(f"/api/rosters/{site.roster_id}/cell",
                        json={"version": seen_by_both, "employee": "e2", "date": "2026-01-06", "shift": "N"})
    assert first.status_code == 200
    assert second.status_code == 409 and second.json()["field"] == "version"
    assert paula.get(f"/api/rosters/{site.roster_id}").json()["cells"]["e2"]["2026-01-06"] == "M"


def test_concurrent_edits_on_one_version_let_exactly_one_through(site: Site) -> None:
    clients = [site.client("paula") for _ in range(2)] + [site.client("pierre") for _ in range(2)]
    shifts = ["M", "A", "N", None]
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def edit(index: int) -> None:
        start.wait()
        response = clients[index].put(f"/api/rosters/{site.roster_id}/cell", json={
            "version": 1, "employee": "e5", "date": "2026-01-06", "shift": shifts[index]})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409, 409, 409]
    roster = clients[0].get(f"/api/rosters/{site.roster_id}").json()
    assert roster["version"] == 2
    cell_edits = [e for e in clients[0].get(f"/api/rosters/{site.roster_id}/history").json()
                  if e["action"] == "roster.cell"]
    assert len(cell_edits) == 1  # the refused edits left no trace of a change


def test_every_change_is_in_the_audit_trail_with_who_when_before_after(site: Site) -> None:
    paula = site.client("paula")
    paula.put(f"/api/rosters/{site.roster_id}/cell", json={"version": 1, **EDIT})
    paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 2, "accept_violations": True})
    history = paula.get(f"/api/rosters/{site.roster_id}/history").json()
    edit = next(e for e in history if e["action"] == "roster.cell")
    assert edit["user"] == "paula" and edit["at"]
    assert edit["before"] == {"employee": "e2", "date": "2026-01-06", "cell": None, "version": 1}
    assert edit["after"] == {"employee": "e2", "date": "2026-01-06", "cell": {"shift": "M", "post": "line"},
                             "version": 2}
    actions = [e["action"] for e in site.client("adam").get("/api/audit", params={"limit": 500}).json()["entries"]]
    assert {"roster.cell", "roster.publish", "user.add", "roster.create", "scenario.import"} <= set(actions)


def test_bad_input_is_a_4xx_naming_the_field_and_nothing_is_half_saved(site: Site) -> None:
    paula = site.client("paula")
    url = f"/api/rosters/{site.roster_id}/cell"
    cases = [
        ({"version": 1, "employee": "e2", "date": "2026-01-06", "shift": "X"}, "shift"),
        ({"version": 1, "employee": "zz", "date": "2026-01-06", "shift": "M"}, "employee"),
        ({"version": 1, "employee": "e2", "date": "2027-01-06", "shift": "M"}, "date"),
        ({"version": 1, "employee": "e2", "date": "not a date", "shift": "M"}, "date"),
        ({"employee": "e2", "date": "2026-01-06", "shift": "M"}, "version"),
    ]
    for body, field in cases:
        response = paula.put(url, json=body)
        assert response.status_code == 422, body
        assert response.json()["field"] == field and field in response.json()["detail"]
    assert paula.get(f"/api/rosters/{site.roster_id}").json()["version"] == 1

    scenario_url = f"/api/scenarios/{site.scenario_id}/employees/e1"
    backwards = paula.post(f"{scenario_url}/absences", json={"version": 1, "start": "2026-01-08", "end": "2026-01-07"})
    assert backwards.status_code == 422 and "absences" in backwards.json()["detail"]
    unknown_skill = paula.patch(scenario_url, json={"version": 1, "changes": {"skills": ["op", "welding"]}})
    assert unknown_skill.status_code == 422 and "skills" in unknown_skill.json()["detail"]
    not_editable = paula.patch(scenario_url, json={"version": 1, "changes": {"id": "e9"}})
    assert not_editable.status_code == 422 and not_editable.json()["field"] == "id"
    scenario = paula.get(f"/api/scenarios/{site.scenario_id}").json()
    assert scenario["version"] == 1 and scenario["employees"][1].get("absences", []) == []

    bad_yaml = paula.post("/api/scenarios", json={"yaml": "site: {name: x, jurisdiction: XX}\n"})
    assert bad_yaml.status_code == 422 and "site.jurisdiction" in bad_yaml.json()["detail"]
    assert len(paula.get("/api/scenarios").json()) == 1


def test_planner_edits_people_and_absences_with_versions(site: Site) -> None:
    paula = site.client("paula")
    base = f"/api/scenarios/{site.scenario_id}/employees/e1"
    renamed = paula.patch(base, json={"version": 1, "changes": {"name": "Erik B.", "night_eligible": False}})
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    added = paula.post(f"{base}/absences", json={"version": 2, "start": "2026-01-08", "end": "2026-01-09"})
    assert added.status_code == 201 and added.json()["absences"][0]["end"] == "2026-01-09"
    stale = paula.post(f"{base}/absences", json={"version": 2, "start": "2026-01-10", "end": "2026-01-10"})
    assert stale.status_code == 409
    removed = paula.delete(f"{base}/absences/0", params={"version": 3})
    assert removed.status_code == 200 and removed.json()["absences"] == []
    employee = paula.get(f"/api/scenarios/{site.scenario_id}").json()["employees"][1]
    assert employee["name"] == "Erik B." and employee["night_eligible"] is False


def test_solve_job_reports_progress_and_saves_a_lawful_roster(site: Site) -> None:
    paula = site.client("paula")
    job = paula.post(f"/api/scenarios/{site.scenario_id}/solve", json={"time_limit": 2}).json()
    assert job["status"] == "running"
    job = finished(paula, job, 20)
    assert job["status"] == "done", job
    roster = paula.get(f"/api/rosters/{job['roster_id']}").json()
    assert roster["violations"] == [] and roster["summary"]["coverage_complete"] is True
    assert roster["solver"]["status"] in ("OPTIMAL", "FEASIBLE")


def test_cancelling_a_solve_keeps_the_best_roster_so_far(site: Site) -> None:
    # Four weeks for ten people: a first roster in about a second, a proof of optimality some seconds later.
    month = scenario(days=28, employees=[{"id": f"e{i}", "skills": ["op"],
                                          "contract": {"weekly_hours": 28, "tolerance_hours": 6}} for i in range(10)],
                     demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1, "preferred": 2}])
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        scenario_id = repository.add_scenario(session, None, month, "month").id
    paula = site.client("paula")
    job = paula.post(f"/api/scenarios/{scenario_id}/solve", json={"time_limit": 60}).json()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        progress = paula.get(f"/api/jobs/{job['id']}").json()["progress"]
        if progress and progress["solutions"] > 0:
            break
        time.sleep(0.2)
    assert progress and progress["objective"] is not None and progress["elapsed"] > 0
    assert paula.post(f"/api/jobs/{job['id']}/cancel").status_code == 200
    site.app.state.jobs.wait(30)  # type: ignore[attr-defined]
    done = paula.get(f"/api/jobs/{job['id']}").json()
    assert done["status"] == "cancelled" and done["roster_id"] is not None
    kept = paula.get(f"/api/rosters/{done['roster_id']}").json()
    assert kept["solver"]["interrupted"] is True and kept["violations"] == []


def test_publish_then_the_council_approves_or_rejects_with_a_recorded_comment(site: Site) -> None:
    paula, carla = site.client("paula"), site.client("carla")
    assert paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 7}).status_code == 409
    first = paula.post(f"/api/rosters/{site.roster_id}/publish", json={"version": 1}).json()
    assert first["status"] == "proposed"
    no_reason = carla.post(f"/api/publications/{first['id']}/decision", json={"decision": "reject"})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "comment"
    approved = carla.post(f"/api/publications/{first['id']}/decision",
                          json={"decision": "approve", "comment": "Agreed in the meeting of 5 Jan"})
    assert approved.status_code == 201 and approved.json()["status"] == "approved"
    again = carla.post(f"/api/publications/{first['id']}/decision", json={"decision": "reject", "comment": "x"})
    assert again.status_code == 409
    listed = paula.get("/api/publications").json()[0]
    assert listed["decisions"] == [{"decision": "approve", "comment": "Agreed in the meeting of 5 Jan",
                                    "by": "carla", "at": listed["decisions"][0]["at"]}]


def test_requests_are_decided_by_the_planner(site: Site) -> None:
    emma, paula = site.client("emma"), site.client("paula")
    swap = emma.post("/api/me/requests", json={"kind": "swap", "date": "2026-01-07", "swap_with": "e1"})
    assert swap.status_code == 201
    assert emma.post("/api/me/requests", json={"kind": "swap", "date": "2026-01-07"}).json()["field"] == "swap_with"
    assert paula.post(f"/api/requests/{swap.json()['id']}/decision", json={"status": "withdrawn"}).status_code == 422
    assert paula.post(f"/api/requests/{swap.json()['id']}/decision", json={"status": "accepted"}).status_code == 200
    assert emma.get("/api/me/requests").json()[0]["status"] == "accepted"
    assert emma.post(f"/api/me/requests/{swap.json()['id']}/withdraw").status_code == 409


def test_declarations_are_purpose_bound_and_withdrawable(site: Site) -> None:
    emma = site.client("emma")
    assert emma.post("/api/me/declarations", json={"purpose": "two kids, husband works nights"}).status_code == 422
    made = emma.post("/api/me/declarations", json={"purpose": "family_obligations"})
    assert made.status_code == 201
    assert emma.post("/api/me/declarations", json={"purpose": "family_obligations"}).status_code == 409
    assert emma.post(f"/api/me/declarations/{made.json()['id']}/withdraw").status_code == 200
    assert emma.get("/api/me/declarations").json()["declarations"][0]["active"] is False


def test_downloads_csv_xlsx_and_html_report(site: Site) -> None:
    paula = site.client("paula")
    csv = paula.get(f"/api/rosters/{site.roster_id}/roster.csv")
    assert csv.status_code == 200 and csv.text.startswith("employee,date,shift,post")
    assert len(csv.text.strip().splitlines()) == 22
    xlsx = paula.get(f"/api/rosters/{site.roster_id}/roster.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    grid = book["Roster"]
    assert grid.cell(2, 1).value == "e0" and grid.cell(2, 3).value == "M"
    assert book["Assignments"].max_row == 22
    html = paula.get(f"/api/rosters/{site.roster_id}/report.html")
    assert html.status_code == 200 and "<html" in html.text.lower()
    assert paula.get(f"/api/rosters/{site.roster_id}/secrets.txt").status_code == 404


def test_admin_manages_accounts_and_a_locked_account_loses_its_session(site: Site) -> None:
    adam = site.client("adam")
    made = adam.post("/api/users", json={"username": "nora", "password": "long enough pw", "role": "employee",
                                         "employee_id": "e3"})
    assert made.status_code == 201
    assert adam.post("/api/users", json={"username": "nora", "password": "long enough pw",
                                         "role": "employee", "employee_id": "e3"}).status_code == 409
    weak = adam.post("/api/users", json={"username": "x", "password": "short", "role": "planner"})
    assert weak.status_code == 422 and weak.json()["field"] == "password"
    role = adam.post("/api/users", json={"username": "y", "password": "long enough pw", "role": "boss"})
    assert role.status_code == 422 and role.json()["field"] == "role"
    emma = site.client("emma")
    emma_id = next(u["id"] for u in adam.get("/api/users").json() if u["username"] == "emma")
    assert adam.patch(f"/api/users/{emma_id}", json={"active": False}).status_code == 200
    assert emma.get("/api/me").status_code == 401


def test_people_and_demand_import_from_csv_and_xlsx_with_located_errors(site: Site) -> None:
    import base64

    from openpyxl import Workbook

    paula = site.client("paula")
    url = f"/api/scenarios/{site.scenario_id}"
    people = ("id,name,skills,team,weekly_hours,night_eligible\n"
              + "".join(f"e{i},Person {i},op,A,28,yes\n" for i in range(5))
              + "e9,New Person,op lead,B,28,no\n")
    imported = paula.post(f"{url}/employees/import", json={"version": 1, "format": "csv", "content": people})
    assert imported.status_code == 200 and imported.json()["employees"] == 6
    scenario = paula.get(url).json()
    assert [e["id"] for e in scenario["employees"]] == ["e0", "e1", "e2", "e3", "e4", "e9"]  # e5 left the file
    assert scenario["employees"][5]["night_eligible"] is False
    assert scenario["employees"][5]["contract"]["weekly_hours"] == 28

    unknown_skill = "id,skills\ne0,op\ne1,welding\n"
    refused = paula.post(f"{url}/employees/import", json={"version": 2, "format": "csv", "content": unknown_skill})
    assert refused.status_code == 422 and "file line 3" in refused.json()["detail"]
    not_a_number = paula.post(f"{url}/employees/import",
                              json={"version": 2, "format": "csv", "content": "id,weekly_hours\ne0,lots\n",
                                    "filename": "people.csv"})
    assert not_a_number.status_code == 422
    assert not_a_number.json()["detail"] == "content: weekly_hours: “lots” is not a number (file line 2)"
    french = site.client("paula")
    french.cookies.set("roulement_lang", "fr")
    header = french.post(f"{url}/employees/import", json={"version": 2, "format": "csv", "content": "id,age\ne0,3\n"})
    assert header.status_code == 422 and header.json()["field"] == "content"
    assert header.json()["detail"].startswith("content: colonne inconnue « age » (colonnes connues : id, name")
    assert paula.get(url).json()["version"] == 2  # the refused files changed nothing

    book = Workbook()
    book.active.append(["post", "shifts", "days", "min", "preferred"])
    book.active.append(["line", "M A N", "all", 1, 2])
    book.active.append(["chef", "M", "weekdays", 1, None])
    buffer = io.BytesIO()
    book.save(buffer)
    content = base64.b64encode(buffer.getvalue()).decode()
    demand = paula.post(f"{url}/demand/import", json={"version": 2, "format": "xlsx", "content": content})
    assert demand.status_code == 200 and demand.json()["demand"] == 2
    assert paula.get(url).json()["version"] == 3
    posts = paula.put(f"{url}/posts", json={"version": 3, "items": [{"id": "line", "skills": ["op"]}]})
    assert posts.status_code == 422 and "demand[1].post" in posts.json()["detail"]  # chef is still demanded


def test_a_job_left_running_by_a_stopped_server_is_marked_failed_on_start(site: Site, database_url: str) -> None:
    from roulement.store.models import User
    from roulement.web.app import create_app

    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        paula = session.query(User).filter_by(username="paula").one()
        job_id = repository.add_job(session, paula, site.scenario_id, 30).id  # no thread behind it
    restarted = create_app(database_url)
    with restarted.state.backend.transaction() as session:
        job = repository.get_job(session, job_id)
        assert job.status == "failed" and "stopped" in job.message
    restarted.state.backend.engine.dispose()


def test_a_swap_names_a_colleague_on_the_published_roster(site: Site) -> None:
    publish_approved(site)
    emma = site.client("emma")
    unknown = emma.post("/api/me/requests", json={"kind": "swap", "date": "2026-01-07", "swap_with": "x9"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "swap_with"
    known = emma.post("/api/me/requests", json={"kind": "swap", "date": "2026-01-07", "swap_with": "e3"})
    assert known.status_code == 201


def test_requests_and_declarations_made_on_the_web_reach_the_solver(site: Site) -> None:
    emma, erik, bea, paula = (site.client(n) for n in ("emma", "erik", "bea", "paula"))
    # Bea (e4) works nights in the hand-made week: once she declares, the planner's grid shows the breach.
    assert paula.get(f"/api/rosters/{site.roster_id}").json()["violations"] == []
    assert bea.post("/api/me/declarations", json={"purpose": "child_under_12_day_post"}).status_code == 201
    breaches = paula.get(f"/api/rosters/{site.roster_id}").json()["violations"]
    assert breaches and {(v["rule"], v["employee"]) for v in breaches} == {("people.day-post-priority", "e4")}
    accepted = erik.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-08"}).json()
    refused = erik.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-09"}).json()
    erik.post("/api/me/requests", json={"kind": "day_off", "date": "2027-03-01"})  # outside the horizon
    emma.post("/api/me/requests", json={"kind": "day_off", "date": "2026-01-07"})  # left open: a wish
    assert paula.post(f"/api/requests/{accepted['id']}/decision", json={"status": "accepted"}).status_code == 200
    assert paula.post(f"/api/requests/{refused['id']}/decision", json={"status": "refused"}).status_code == 200

    store = site.app.state.backend  # type: ignore[attr-defined]
    with store.transaction() as session:
        stored = repository.scenario_of(repository.get_scenario_row(session, site.scenario_id))
        planned = repository.scenario_with_web_input(session, stored)
    assert stored.employee("e4").day_post_priority is None  # the stored scenario is left as it was
    priority = planned.employee("e4").day_post_priority
    assert priority is not None and priority.reason == "child_under_12"
    # The accepted day off is the planner's promise: a day away (hours credited), not a wish.
    assert planned.employee("e1").requests == []
    assert [(a.start.isoformat(), a.end.isoformat(), a.kind.value) for a in planned.employee("e1").absences] == [
        ("2026-01-08", "2026-01-08", "other")]
    assert [(r.date.isoformat(), r.weight) for r in planned.employee("e0").requests] == [
        ("2026-01-07", repository.WISH_WEIGHT)]

    site.app.state.jobs.wait(60)  # type: ignore[attr-defined]  # accepting erik's day off re-planned the roster
    job = finished(paula, paula.post(f"/api/scenarios/{site.scenario_id}/solve", json={"time_limit": 5}).json(), 30)
    assert job["status"] == "done", job
    roster = paula.get(f"/api/rosters/{job['roster_id']}").json()
    assert roster["violations"] == []
    cells = roster["cells"]
    assert "N" not in cells.get("e4", {}).values()  # the declared priority keeps bea off nights
    assert "2026-01-08" not in cells.get("e1", {})  # the accepted day off is given (erik works it by hand)
    with store.transaction() as session:
        saved = repository.roster_of(repository.get_roster_row(session, job["roster_id"]).assignments)
    assert check_roster(planned, saved).violations == []


def test_a_people_upload_is_previewed_before_anything_is_saved(site: Site) -> None:
    paula = site.client("paula")
    url = f"/api/scenarios/{site.scenario_id}/employees/import"
    people = "id,name,skills,weekly_hours\ne0,Person 0,op,28\ne1,Renamed,op,30\ne9,New,op,28\n"
    preview = paula.post(url, json={"version": 1, "format": "csv", "content": people, "preview": True}).json()
    assert preview["preview"] is True and preview["added"] == ["e9"]
    assert preview["changed"] == [{"id": "e1", "fields": ["contract", "name"]}]
    assert preview["removed"] == ["e2", "e3", "e4", "e5"]
    scenario = paula.get(f"/api/scenarios/{site.scenario_id}").json()
    assert scenario["version"] == 1 and len(scenario["employees"]) == 6  # nothing saved
    kept = paula.post(url, json={"version": 1, "format": "csv", "content": people, "keep_missing": True}).json()
    assert kept["removed"] == [] and kept["kept_missing"] == ["e2", "e3", "e4", "e5"] and kept["employees"] == 7


def test_a_demand_upload_is_previewed_before_anything_is_saved(site: Site) -> None:
    paula = site.client("paula")
    url = f"/api/scenarios/{site.scenario_id}/demand/import"
    raised = "post,shifts,days,min,preferred\nline,M A N,all,1,2\n"  # the plant's one row, preferred 2
    preview = paula.post(url, json={"version": 1, "format": "csv", "content": raised, "preview": True})
    assert preview.status_code == 200, preview.text
    answer = preview.json()
    assert answer["preview"] is True and answer["version"] == 1 and answer["added"] == answer["removed"] == []
    assert [(c["demand"]["shifts"], c["fields"], c["before"]["preferred"], c["demand"]["preferred"])
            for c in answer["changed"]] == [(["M", "A", "N"], ["preferred"], None, 2)]
    split = "post,shifts,days,min\nline,M A,all,1\nline,N,weekends,2\n"
    other = paula.post(url, json={"version": 1, "format": "csv", "content": split, "preview": True}).json()
    assert [(d["shifts"], d["days"], d["min"]) for d in other["added"]] == [(["M", "A"], "all", 1),
                                                                          (["N"], "weekends", 2)]
    assert [d["shifts"] for d in other["removed"]] == [["M", "A", "N"]] and other["changed"] == []
    bad = paula.post(url, json={"version": 1, "format": "csv", "content": "post,shifts,min\nline,M,1\nline,X,1\n",
                                "preview": True, "filename": "demand.csv"})
    assert bad.status_code == 422 and "demand[1].shifts[0]" in bad.json()["detail"] and "line 3" in bad.json()["detail"]
    stale = paula.post(url, json={"version": 7, "format": "csv", "content": raised, "preview": True})
    assert stale.status_code == 409
    scenario = paula.get(f"/api/scenarios/{site.scenario_id}").json()
    assert scenario["version"] == 1 and scenario["data"]["demand"][0].get("preferred") is None  # nothing saved
    saved = paula.post(url, json={"version": 1, "format": "csv", "content": raised})
    assert saved.json() == {"version": 2, "demand": 1, "preview": False}


def test_roll_forward_makes_the_next_period_and_keeps_the_old_one(site: Site) -> None:
    paula = site.client("paula")
    url = f"/api/scenarios/{site.scenario_id}"
    version = paula.get(url).json()["version"]
    paula.post(f"{url}/employees/e1/absences", json={"version": version, "start": "2026-01-10", "end": "2026-01-14",
                                                     "kind": "training"})
    paula.post(f"{url}/employees/e2/absences", json={"version": version + 1, "start": "2026-01-06",
                                                     "end": "2026-01-07", "kind": "holiday"})
    rolled = paula.post(f"{url}/roll-forward")
    assert rolled.status_code == 201 and rolled.json()["start"] == "2026-01-12" and rolled.json()["days"] == 7
    new = paula.get(f"/api/scenarios/{rolled.json()['id']}").json()
    people = {e["id"]: e for e in new["employees"]}
    assert len(people) == 6 and people["e1"]["absences"][0]["end"] == "2026-01-14"  # still running: kept
    assert people["e2"].get("absences", []) == []  # over before the new period: gone
    assert paula.get(url).json()["horizon"]["start"] == "2026-01-05"  # the old period is left as it was
    assert paula.post(f"/api/scenarios/{2**63}/roll-forward").status_code == 422


def test_a_plant_is_set_up_section_by_section_with_errors_naming_the_field(site: Site) -> None:
    paula = site.client("paula")
    made = paula.post("/api/scenarios", json={"name": "Usine", "blank": {"jurisdiction": "DE", "start": "2027-01-04"}})
    assert made.status_code == 201
    url = f"/api/scenarios/{made.json()['id']}"
    plant = paula.get(url).json()
    assert plant["data"]["site"]["jurisdiction"] == "DE" and plant["data"]["horizon"]["days"] == 28

    def save(section: str, items: Any) -> Any:
        return paula.put(f"{url}/{section}", json={"version": paula.get(url).json()["version"], "items": items})

    assert save("skills", [{"id": "op"}]).status_code == 200
    wrong = save("posts", [{"id": "line", "skills": ["welding"]}])
    assert wrong.status_code == 422 and "posts[0].skills[0]" in wrong.json()["detail"]
    assert save("posts", [{"id": "line", "skills": ["op"]}]).status_code == 200
    assert save("demand", [{"post": "line", "shifts": ["M", "A", "N"], "min": 1}]).status_code == 200
    people = [{"id": f"p{i}", "name": f"P {i}", "skills": ["op"], "contract": {"weekly_hours": 35}} for i in range(5)]
    assert save("employees", people).status_code == 200
    assert save("horizon", {"start": "2027-01-04", "days": 7}).status_code == 200
    assert save("horizon", [{"start": "2027-01-04"}]).json()["field"] == "items"  # an object, not a list
    bad_site = save("site", {"name": "Usine", "jurisdiction": "XX", "timezone": "Europe/Berlin"})
    assert bad_site.status_code == 422 and "site.jurisdiction" in bad_site.json()["detail"]
    final = paula.get(url).json()
    assert [e["id"] for e in final["employees"]] == ["p0", "p1", "p2", "p3", "p4"] and final["version"] == 6


def test_absences_households_rules_and_the_rotation_are_set_up_as_sections_with_the_field_named(site: Site) -> None:
    paula = site.client("paula")
    url = f"/api/scenarios/{site.scenario_id}"

    def save(section: str, items: Any) -> Any:
        return paula.put(f"{url}/{section}", json={"version": paula.get(url).json()["version"], "items": items})

    # Absences: everyone's in one table, stored with each person; errors name the table's row.
    absences = [{"employee": "e1", "start": "2026-01-06", "end": "2026-01-07", "kind": "sickness"},
                {"employee": "e4", "start": "2026-01-09", "end": "2026-01-09", "kind": "training"}]
    assert save("absences", absences).status_code == 200
    people = {e["id"]: e for e in paula.get(url).json()["data"]["employees"]}
    assert people["e1"]["absences"] == [
        {"start": "2026-01-06", "end": "2026-01-07", "kind": "sickness", "strict": False}]
    assert people["e4"]["absences"][0]["kind"] == "training" and not people["e0"].get("absences")
    backwards = save("absences", [absences[0], dict(absences[1], end="2026-01-08")])
    assert backwards.status_code == 422 and "absences[1]" in backwards.json()["detail"], backwards.json()
    unknown = save("absences", [dict(absences[0], employee="zz")])
    assert unknown.status_code == 422 and unknown.json()["field"] == "absences[0].employee"
    assert "absences[0].kind" in save("absences", [dict(absences[0], kind="vacation")]).json()["detail"]

    # Households: members, who declared it, shared days off.
    household = {"id": "h1", "members": ["e0", "e3"], "declaration": {"declared_by": "e0"},
                 "shared_days_off": {"weight": 3}}
    assert save("households", [household]).status_code == 200
    stranger = save("households", [dict(household, members=["e0", "nobody"])])
    assert stranger.status_code == 422 and "households[0].members" in stranger.json()["detail"]

    # Rules: a setting per rule id.
    assert save("rules", {"settings": {"fr.daily-rest": {"mode": "hard"}}}).status_code == 200
    assert "rules.settings" in save("rules", {"settings": {"fr.daily-rest": {"mode": "loud"}}}).json()["detail"]

    # The rotation: anchor, weeks of the cycle, crews; people join crews through their `crew`.
    rotation = {"anchor": "2026-01-05", "cycle": [["M"] * 5 + ["-"] * 2, ["A"] * 5 + ["-"] * 2],
                "crews": [{"id": "A", "name": "Alpha", "start_week": 1}, {"id": "B", "start_week": 2}]}
    assert save("rotation", rotation).status_code == 200
    assert paula.get(url).json()["data"]["rotation"]["crews"][0]["name"] == "Alpha"
    not_monday = save("rotation", dict(rotation, anchor="2026-01-06"))
    assert not_monday.status_code == 422 and "rotation.anchor" in not_monday.json()["detail"]
    short_week = save("rotation", dict(rotation, cycle=[["M"] * 6]))
    assert short_week.status_code == 422 and "rotation.cycle[0]" in short_week.json()["detail"]
    assert save("rotation", {}).status_code == 200
    assert paula.get(url).json()["data"].get("rotation") is None


def test_childcare_windows_rule_parameters_and_the_rotations_posts_are_set_up_with_the_field_named(
        site: Site) -> None:
    """What the set-up page's forms send for the fields added last: a household's childcare windows (as the page
    parses "weekdays 07:30-08:30; sat 09:00-12:00"), a rule's parameters, the posts the crews staff."""
    paula = site.client("paula")
    url = f"/api/scenarios/{site.scenario_id}"

    def save(section: str, items: Any) -> Any:
        return paula.put(f"{url}/{section}", json={"version": paula.get(url).json()["version"], "items": items})

    windows = [{"days": "weekdays", "start": "07:30", "end": "08:30"}, {"days": ["sat"], "start": "09:00",
                                                                         "end": "12:00"}]
    household = {"id": "h1", "members": ["e0", "e3"], "declaration": {"declared_by": "e0"},
                 "childcare": {"windows": windows, "mode": "soft", "commute_minutes": 20}}
    saved = save("households", [household])
    assert saved.status_code == 200, saved.text
    childcare = paula.get(url).json()["data"]["households"][0]["childcare"]
    assert childcare["windows"][1]["days"] == ["sat"] and childcare["mode"] == "soft"
    assert childcare["commute_minutes"] == 20
    bad_time = save("households", [dict(household, childcare=dict(household["childcare"], windows=[
        windows[0], {"days": "weekdays", "start": "7h30", "end": "08:30"}]))])
    assert bad_time.status_code == 422 and "households[0].childcare.windows[1].start" in bad_time.json()["detail"]
    no_window = save("households", [dict(household, childcare={"mode": "hard"})])
    assert no_window.status_code == 422 and "households[0].childcare.windows" in no_window.json()["detail"]

    # A rule's parameters: its own numbers; an unknown name or a wrong kind is refused, the rule named.
    assert save("rules", {"settings": {"fr.daily-rest": {"params": {"min_hours": 12}}}}).status_code == 200
    assert paula.get(url).json()["data"]["rules"]["settings"]["fr.daily-rest"]["params"] == {"min_hours": 12}
    unknown = save("rules", {"settings": {"fr.daily-rest": {"params": {"min_hourz": 12}}}})
    assert unknown.status_code == 422
    assert "rules.settings.fr.daily-rest.params" in unknown.json()["detail"] and "min_hourz" in unknown.json()["detail"]
    wrong_kind = save("rules", {"settings": {"fr.daily-rest": {"params": {"min_hours": "long"}}}})
    assert wrong_kind.status_code == 422 and "min_hours" in wrong_kind.json()["detail"]

    # The posts the crews staff.
    rotation = {"anchor": "2026-01-05", "cycle": [["M"] * 5 + ["-"] * 2], "crews": [{"id": "A"}], "posts": ["line"]}
    assert save("rotation", rotation).status_code == 200
    assert paula.get(url).json()["data"]["rotation"]["posts"] == ["line"]
    stranger = save("rotation", dict(rotation, posts=["line", "kitchen"]))
    assert stranger.status_code == 422 and "rotation.posts" in stranger.json()["detail"], stranger.json()


def test_the_next_period_is_judged_with_the_previous_periods_last_days(site: Site) -> None:
    from roulement.store import repository
    from tests.factory import roster as make_roster

    paula = site.client("paula")
    rolled = paula.post(f"/api/scenarios/{site.scenario_id}/roll-forward").json()
    # The old week ends on Sunday 11 January with e2 on the afternoon (to 21:00): a morning (05:00) for e2 on
    # Monday 12 leaves 8 h of rest, a breach only seen across the boundary.
    next_week = make_roster(("e2", 0, "M"), ("e0", 0, "A"), ("e4", 0, "N"), start=dt.date(2026, 1, 12))
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        carried = repository.carried_of(session, rolled["id"])
        roster_id = repository.add_roster(session, None, rolled["id"], next_week, "next week").id
    assert {(a.employee, a.shift) for a in carried if a.date == dt.date(2026, 1, 11)} == {
        ("e0", "M"), ("e2", "A"), ("e4", "N")}
    assert min(a.date for a in carried) == dt.date(2026, 1, 5)  # a week back
    grid = paula.get(f"/api/rosters/{roster_id}").json()
    across = [v for v in grid["violations"] if v["rule"] == "fr.daily-rest" and v["employee"] == "e2"]
    assert across and across[0]["dates"] == ["2026-01-11", "2026-01-12"]
    assert grid["days"][0] == "2026-01-12" and "2026-01-11" not in grid["days"]
    # An edit and the confirmation judge the boundary too: moving e2 to the afternoon lifts it.
    edited = paula.put(f"/api/rosters/{roster_id}/cell", json={
        "version": 1, "employee": "e2", "date": "2026-01-12", "shift": "A", "post": "line"}).json()
    assert any(v["rule"] == "fr.daily-rest" and v["employee"] == "e2" for v in edited["resolved"])
    preview = paula.get(f"/api/rosters/{roster_id}/publish/preview").json()
    assert not any(v["employee"] == "e2" and v["rule"] == "fr.daily-rest" for v in preview["violations"])
    # A plant that was not rolled forward carries nothing.
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        assert list(repository.carried_of(session, site.scenario_id)) == []


def test_a_rolled_forward_period_is_planned_around_the_previous_periods_last_days(site: Site) -> None:
    """The solve takes the carried week as fixed history: the roster it saves, judged by the checker with those
    days in front (as the grid judges it), breaks no rule across the boundary."""
    from roulement.check import check_roster
    from roulement.model.roster import Roster
    from roulement.store import repository

    paula = site.client("paula")
    rolled = paula.post(f"/api/scenarios/{site.scenario_id}/roll-forward").json()
    job = paula.post(f"/api/scenarios/{rolled['id']}/solve", json={"time_limit": 20}).json()
    job = finished(paula, job, 90)
    assert job["status"] == "done", job
    grid = paula.get(f"/api/rosters/{job['roster_id']}").json()
    assert grid["days"][0] == "2026-01-12" and grid["summary"]["coverage_complete"] is True
    assert grid["violations"] == [], grid["violations"]
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        carried = repository.carried_of(session, rolled["id"])
        stored = repository.get_roster_row(session, job["roster_id"])
        planned = repository.roster_of(stored.assignments)
        plant = repository.scenario_of(repository.get_scenario_row(session, rolled["id"]))
    assert carried.assignments and all(a.date >= dt.date(2026, 1, 12) for a in planned)
    # The independent checker, on the carried week and the plan together: nothing across the boundary.
    across = [v for v in check_roster(plant, Roster([*carried, *planned])).violations
              if not v.dates or max(v.dates) >= dt.date(2026, 1, 12)]
    assert across == []


def test_requests_contract_bounds_and_caregivers_are_set_up_as_sections_with_the_field_named(site: Site) -> None:
    """What the set-up page's last forms send: everyone's requests (wishes the solver weighs) in one table, a
    contract's hard minimum and maximum minutes and its hours-target switch, a household's outside caregivers.
    Each refused save names the field and leaves the plant as it was."""
    paula = site.client("paula")
    url = f"/api/scenarios/{site.scenario_id}"

    def save(section: str, items: Any) -> Any:
        return paula.put(f"{url}/{section}", json={"version": paula.get(url).json()["version"], "items": items})

    def data() -> dict[str, Any]:
        return paula.get(url).json()["data"]  # type: ignore[no-any-return]

    requests = [{"employee": "e1", "kind": "day_off", "date": "2026-01-07", "weight": 5},
                {"employee": "e3", "kind": "shift_on", "date": "2026-01-08", "shift": "N", "weight": 2},
                {"employee": "e1", "kind": "shift_off", "date": "2026-01-09", "shift": "M"}]
    saved = save("requests", requests)
    assert saved.status_code == 200, saved.text
    # Answered person by person, as stored.
    assert saved.json()["requests"][2] == {"employee": "e3", "kind": "shift_on", "date": "2026-01-08", "shift": "N",
                                           "weight": 2}
    people = {e["id"]: e for e in data()["employees"]}
    assert [(r["kind"], r["date"], r["weight"]) for r in people["e1"]["requests"]] == [
        ("day_off", "2026-01-07", 5), ("shift_off", "2026-01-09", 1)]
    assert people["e3"]["requests"][0]["shift"] == "N" and not people["e0"].get("requests")
    version = paula.get(url).json()["version"]
    refusals = {
        "requests[1].shift": [requests[0], dict(requests[1], shift="Z")],  # unknown shift
        "requests[2]": [requests[0], requests[1], dict(requests[2], shift=None)],  # shift_off without its shift
        "requests[0].date": [dict(requests[0], date="2027-06-01")],  # outside the horizon
        "requests[0].employee": [dict(requests[0], employee="zz")],
        "requests[0].kind": [dict(requests[0], kind="holiday")],
        "requests[0].weight": [dict(requests[0], weight=-1)],
    }
    for field, items in refusals.items():
        refused = save("requests", items)
        assert refused.status_code == 422 and field in refused.json()["detail"], (field, refused.json())
        assert "employees[" not in refused.json()["detail"]  # the table's row, not the person's own list
    assert paula.get(url).json()["version"] == version and {e["id"]: e for e in data()["employees"]} == people
    assert save("requests", []).status_code == 200
    assert not any(e.get("requests") for e in data()["employees"])

    # A contract's hard bounds over the horizon and its hours-target switch, in the people table.
    employees = data()["employees"]
    employees[2]["contract"] = dict(employees[2]["contract"], min_minutes=600, max_minutes=2400, hours_target=False)
    assert save("employees", employees).status_code == 200
    contract = data()["employees"][2]["contract"]
    assert (contract["min_minutes"], contract["max_minutes"], contract["hours_target"]) == (600, 2400, False)
    employees[2]["contract"]["min_minutes"] = 3000
    above = save("employees", employees)
    assert above.status_code == 422 and "employees[2].contract.min_minutes" in above.json()["detail"]
    employees[2]["contract"]["min_minutes"] = -5
    assert "employees[2].contract.min_minutes" in save("employees", employees).json()["detail"]
    assert data()["employees"][2]["contract"]["min_minutes"] == 600

    # Childcare's outside caregivers: a label and the times each covers.
    caregiver = {"label": "crèche", "available": [{"days": "weekdays", "start": "07:00", "end": "18:00"}]}
    household = {"id": "h1", "members": ["e0", "e3"], "declaration": {"declared_by": "e0"},
                 "childcare": {"windows": [{"days": "all", "start": "07:00", "end": "19:00"}],
                               "caregivers": [caregiver, {"label": "grand-mère", "available": [
                                   {"days": ["sat", "sun"], "start": "09:00", "end": "18:00"}]}]}}
    assert save("households", [household]).status_code == 200, data()
    kept = data()["households"][0]["childcare"]["caregivers"]
    assert [c["label"] for c in kept] == ["crèche", "grand-mère"] and kept[1]["available"][0]["days"] == ["sat", "sun"]
    late = dict(caregiver, available=[{"days": "weekdays", "start": "7h", "end": "18:00"}])
    bad = save("households", [dict(household, childcare=dict(household["childcare"], caregivers=[caregiver, late]))])
    assert bad.status_code == 422
    assert "households[0].childcare.caregivers[1].available[0].start" in bad.json()["detail"]
    none = save("households", [dict(household, childcare=dict(household["childcare"], caregivers=[
        dict(caregiver, available=[])]))])
    assert none.status_code == 422 and "households[0].childcare.caregivers[0].available" in none.json()["detail"]
    assert len(data()["households"][0]["childcare"]["caregivers"]) == 2
