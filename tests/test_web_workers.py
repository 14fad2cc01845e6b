"""Several web processes on one database (`roulement serve --workers N`): each answers alike. Two apps on one
database stand for two processes here: the solve caps hold across them, a job's progress shows in either and
either can cancel it; a process starting beside running ones leaves their jobs alone; and the command itself
serves with two processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from roulement.store import repository
from roulement.store.models import SolveJob, SolveLease, User
from roulement.web.app import create_app
from roulement.web.jobs import SolveLimits
from tests.conftest import PASSWORD, Site, small_plant


def plan_reporting_until_stopped(scenario: Any, time_limit: float, workers: int, carried: Any = None, *,
                                 on_progress: Any, stop: Any) -> dict[str, Any]:
    """Run in the solver process instead of a plan: reports a solution, then waits to be stopped and answers
    the small plant's hand-made week as its best so far."""
    from roulement.solve.search import Progress
    from tests.conftest import small_roster

    on_progress(Progress(elapsed=0.1, solutions=3, objective=42, bound=40))
    stopped = stop.wait(60)
    return {"roster": small_roster(), "status": "FEASIBLE", "solver": {"status": "FEASIBLE"},
            "interrupted": stopped, "violations": 0}


def _on_site(app: Any, name: str) -> int:
    plant = small_plant()
    with app.state.backend.transaction() as session:
        return repository.add_scenario(session, None, plant.model_copy(
            update={"site": plant.site.model_copy(update={"name": name})}), name).id


def _until(client: Any, job_id: int, condition: Any, seconds: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
    while not condition(job) and time.monotonic() < deadline:
        time.sleep(0.1)
        job = client.get(f"/api/jobs/{job_id}").json()
    return job


def test_two_web_processes_share_the_solve_caps_a_jobs_progress_and_its_cancel(site: Site,
                                                                                 database_url: str) -> None:
    first_app = site.app
    second_app = create_app(database_url, solver_workers=1, prepare=False)  # as a second process starts
    for app in (first_app, second_app):
        app.state.jobs.plan_work = plan_reporting_until_stopped  # type: ignore[attr-defined]
    second = Site(second_app, site.scenario_id, site.roster_id)
    paula_first, paula_second = site.client("paula"), second.client("paula")  # sessions are in the database
    other_site, third_site = _on_site(first_app, "Elsewhere"), _on_site(first_app, "Third")

    started = paula_first.post(f"/api/scenarios/{site.scenario_id}/solve", json={"time_limit": 60})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    # The other process has no thread behind this job, yet shows its progress.
    seen = _until(paula_second, job_id, lambda job: (job["progress"] or {}).get("solutions") == 3)
    assert seen["status"] == "running" and seen["progress"]["objective"] == 42 and seen["progress"]["bound"] == 40
    # The caps count both processes' solves: one per site, two per server.
    same_site = paula_second.post(f"/api/scenarios/{site.scenario_id}/solve", json={"time_limit": 60})
    assert same_site.status_code == 429 and "site" in same_site.json()["detail"]
    elsewhere = paula_second.post(f"/api/scenarios/{other_site}/solve", json={"time_limit": 60})
    assert elsewhere.status_code == 202, elsewhere.text
    full = paula_first.post(f"/api/scenarios/{third_site}/solve", json={"time_limit": 60})
    assert full.status_code == 429 and "server" in full.json()["detail"]
    # Each process cancels the other's job; each job then saves its best so far.
    assert paula_second.post(f"/api/jobs/{job_id}/cancel").json()["status"] == "running"
    assert paula_first.post(f"/api/jobs/{elsewhere.json()['id']}/cancel").status_code == 200
    first_app.state.jobs.wait(30)  # type: ignore[attr-defined]
    second_app.state.jobs.wait(30)
    for job in (job_id, elsewhere.json()["id"]):
        ended = paula_second.get(f"/api/jobs/{job}").json()
        assert ended["status"] == "cancelled" and ended["roster_id"] is not None and ended["progress"] is None
    # The slots are free again.
    again = paula_second.post(f"/api/scenarios/{third_site}/solve", json={"time_limit": 60})
    assert again.status_code == 202
    paula_first.post(f"/api/jobs/{again.json()['id']}/cancel")
    second_app.state.jobs.wait(30)
    actions = [e["action"] for e in site.client("adam").get("/api/audit?entity=job").json()["entries"]]
    assert actions.count("solve.cancel") == 3 and actions.count("solve.cancelled") == 3
    second_app.state.backend.engine.dispose()


def test_solves_started_at_once_in_two_processes_never_pass_the_server_cap(site: Site, database_url: str) -> None:
    limits = SolveLimits(per_site=1, per_server=2)
    apps = [site.app, create_app(database_url, solver_workers=1, limits=limits, prepare=False)]
    apps[0].state.jobs.limits = limits  # type: ignore[attr-defined]
    for app in apps:
        app.state.jobs.plan_work = plan_reporting_until_stopped  # type: ignore[attr-defined]
    scenarios = [_on_site(site.app, f"Site {n}") for n in range(6)]
    clients = [Site(apps[n % 2], 0, 0).client("paula") for n in range(6)]
    answers: list[int] = []
    gate = threading.Barrier(6)

    def start(n: int) -> None:
        gate.wait()
        answers.append(clients[n].post(f"/api/scenarios/{scenarios[n]}/solve", json={"time_limit": 60}).status_code)

    threads = [threading.Thread(target=start, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers) == [202, 202, 429, 429, 429, 429]
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        assert len(session.query(SolveLease).all()) == 2
        running = [job.id for job in session.query(SolveJob).filter_by(status="running")]
    for job_id in running:
        clients[0].post(f"/api/jobs/{job_id}/cancel")
    for app in apps:
        app.state.jobs.wait(30)
    apps[1].state.backend.engine.dispose()


def test_the_database_refuses_a_second_holder_of_a_slot(site: Site) -> None:
    """What makes the caps hold when two processes read the same free slot at once."""
    store = site.app.state.backend  # type: ignore[attr-defined]
    with store.transaction() as session:
        repository.take_solve_lease(session, "Plant", per_site=1, per_server=2)
    for taken in ({"site": "Other", "server_slot": 0, "site_slot": 0}, {"site": "Plant", "server_slot": 1,
                                                                       "site_slot": 0}):
        with pytest.raises(IntegrityError), store.transaction() as session:
            session.add(SolveLease(**taken))


def test_a_process_starting_beside_running_ones_leaves_their_jobs_alone(site: Site, database_url: str) -> None:
    with site.app.state.backend.transaction() as session:  # type: ignore[attr-defined]
        paula = session.query(User).filter_by(username="paula").one()
        job_id = repository.add_job(session, paula, site.scenario_id, 30).id
    beside = create_app(database_url, prepare=False)
    with beside.state.backend.transaction() as session:
        assert repository.get_job(session, job_id).status == "running"
    beside.state.backend.engine.dispose()
    restarted = create_app(database_url)  # a server's start: the job's watcher is gone
    with restarted.state.backend.transaction() as session:
        assert repository.get_job(session, job_id).status == "failed"
    restarted.state.backend.engine.dispose()


def test_serve_with_two_web_processes(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'served.db'}"
    added = subprocess.run([sys.executable, "-m", "roulement", "user", "add", "paula", "--role", "planner",
                            "--password-stdin", "--db", database], input=PASSWORD + "\n", text=True,
                           capture_output=True, timeout=120)
    assert added.returncode == 0, added.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "roulement", "serve", "--db", database, "--port", str(port),
                               "--workers", "2"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline, answers = time.monotonic() + 60, []
        while time.monotonic() < deadline and len(answers) < 8:
            try:
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                    signed_in = client.post("/api/login", json={"username": "paula", "password": PASSWORD})
                    answers.append((signed_in.status_code, client.get("/api/me").json()["username"]))
            except httpx.TransportError:
                time.sleep(0.3)
        assert answers and all(answer == (200, "paula") for answer in answers), answers
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "2 web process(es)" in output
    assert output.count("Application startup complete") == 2, output


def test_an_edit_reaching_another_process_finds_the_judged_violations_there(site: Site, database_url: str,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from roulement.web import edit_judge

    other = Site(create_app(database_url, solver_workers=1, prepare=False), site.scenario_id, site.roster_id)
    first, second = site.client("paula"), other.client("paula")
    opened = first.get(f"/api/rosters/{site.roster_id}").json()  # judged here, kept in the database too
    # e2 works A (to 21:00) on the 5th: a morning on the 6th breaks the 11 h rest.
    edit = {"version": 1, "employee": "e2", "date": "2026-01-06", "shift": "M"}
    checked_in_full = []
    real = edit_judge.full_violations
    monkeypatch.setattr(edit_judge, "full_violations", lambda *a: checked_in_full.append(a) or real(*a))
    edited = second.put(f"/api/rosters/{site.roster_id}/cell", json=edit)
    assert edited.status_code == 200, edited.text
    assert checked_in_full == []  # the other process judged only what changed
    assert "fr.daily-rest" in {v["rule"] for v in edited.json()["caused"]}
    # The same answer as a full check of the edited roster (the first process reads the grid afresh).
    def seen(violations: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return sorted((v["rule"], v["employee"], tuple(v["dates"]), v["message"]) for v in violations)

    assert seen(edited.json()["violations"]) == seen(first.get(f"/api/rosters/{site.roster_id}").json()["violations"])
    assert len(edited.json()["violations"]) == len(opened["violations"]) + len(edited.json()["caused"])
    # Back again in the first process: it finds version 2 judged, and the edit undone resolves what it caused.
    undone = first.put(f"/api/rosters/{site.roster_id}/cell", json={**edit, "version": 2, "shift": None})
    assert undone.status_code == 200 and checked_in_full == []
    assert seen(undone.json()["resolved"]) == seen(edited.json()["caused"])
    assert seen(undone.json()["violations"]) == seen(opened["violations"])
    other.app.state.backend.engine.dispose()  # type: ignore[attr-defined]


def test_judged_violations_read_back_equal_what_was_kept() -> None:
    from roulement.web.views import full_violations, violation_from_dict
    from tests.conftest import small_roster
    from tests.factory import roster

    unlawful = roster(*[(a.employee, (a.date - small_plant().horizon.start).days, a.shift) for a in small_roster()],
                      ("e2", 1, "M"), ("e0", 3, "N"))
    violations = full_violations(small_plant(), unlawful)
    assert violations
    assert [violation_from_dict(v.as_dict()) for v in violations] == violations
