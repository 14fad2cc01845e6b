"""A cell edit on the KOS roster: the old way (two full audits: the roster before and after) against the web
app's way (the version before judged already; the edited person re-judged by person-by-person rules, the
other rules on the whole roster), side by side in one run, and the edit through the HTTP API.

    /work/coord/cpu-slot .venv/bin/python -m bench.web_edit [--edits 10]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from roulement import service
from roulement.formats.roster_csv import parse_roster
from roulement.model.roster import Assignment, Roster
from roulement.store import accounts, repository
from roulement.web.app import create_app
from roulement.web.views import edit_view, full_violations, judge_edit, roster_grid

PASSWORD = "correct horse battery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    kos = service.example("kos")
    text = gzip.decompress((Path(__file__).parent.parent / "tests/data/kos-roster.csv.gz").read_bytes()).decode()
    roster = parse_roster(text, kos)
    people = [e for e in kos.employees if kos.eligible_posts(e)]
    edits = []
    for index in range(args.edits):
        employee = people[(index * 37) % len(people)]
        date = kos.horizon.start + __import__("datetime").timedelta(days=(index * 5) % kos.horizon.days)
        edits.append((employee.id, date, kos.eligible_posts(employee)[0].id))

    def edited(base: Roster, employee: str, date: object, post: str) -> Roster:
        kept = [a for a in base if not (a.employee == employee and a.date == date)]
        if not any(a.employee == employee and a.date == date for a in base):
            kept.append(Assignment(employee, date, "M", post))  # type: ignore[arg-type]
        return Roster(kept)

    old_times, new_times = [], []
    violations = full_violations(kos, roster)
    current = roster
    for employee, date, post in edits:
        after = edited(current, employee, date, post)
        start = time.perf_counter()
        service.audit(kos, current)
        roster_grid(kos, after)
        old_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        violations = judge_edit(kos, violations, after, employee)
        edit_view(kos, after, employee, violations)
        new_times.append(time.perf_counter() - start)
        current = after

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(f"sqlite:///{folder}/bench.db", solver_workers=1)
        with app.state.backend.transaction() as session:
            accounts.add_user(session, "paula", "planner", PASSWORD)
            scenario_id = repository.add_scenario(session, None, kos, "KOS").id
            roster_id = repository.add_roster(session, None, scenario_id, roster, "KOS").id
        client = TestClient(app)
        login = client.post("/api/login", json={"username": "paula", "password": PASSWORD}).json()
        client.headers["X-CSRF-Token"] = login["csrf_token"]
        start = time.perf_counter()
        version = client.get(f"/api/rosters/{roster_id}").json()["version"]
        first_load = time.perf_counter() - start
        http_times = []
        for employee, date, post in edits:
            start = time.perf_counter()
            answer = client.put(f"/api/rosters/{roster_id}/cell", json={
                "version": version, "employee": employee, "date": date.isoformat(), "shift": "M", "post": post})
            http_times.append(time.perf_counter() - start)
            assert answer.status_code == 200, answer.text
            version = answer.json()["version"]
        app.state.backend.engine.dispose()

    def line(label: str, times: list[float]) -> str:
        return (f"{label:42} median {statistics.median(times) * 1000:7.0f} ms   max {max(times) * 1000:7.0f} ms"
                f"   (n={len(times)})")

    print(line("old: two full audits (before, after)", old_times))
    print(line("new: judge_edit + edit_view", new_times))
    print(f"ratio old/new (medians): {statistics.median(old_times) / statistics.median(new_times):.1f}x")
    print(line("HTTP PUT /api/rosters/ID/cell (new)", http_times))
    print(f"first GET /api/rosters/ID (full audit, fills the cache): {first_load * 1000:.0f} ms")


if __name__ == "__main__":
    main()
