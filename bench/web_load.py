"""A bounded load run on loopback: 50 employees read their schedules and calendar feeds while a planner edits
cells of the KOS roster and a solve runs, against `roulement serve` with 50 approved publications of KOS.

    /work/coord/cpu-slot .venv/bin/python -m bench.web_load [--seconds 60] [--users 50] [--solve-in both]
        [--baseline REV] [--code REV] [--web-workers 1,2] [--cold] [--publish-live]

Prints the latency percentiles per request kind and the error count (locust's own statistics). `--baseline REV`
runs the same load against the code of git revision REV first (its `roulement`, `bench` and test roster taken
with `git archive`, its own database prepared by its own code), then against this tree: old and new side by side
in one command, under the same offered load. `--solve-in`:
`process` is `roulement serve` as shipped (solves in a solver process at a lower priority); `thread` is the
same server with the solve run in a thread of the web process, as before (the work function called in place
of the solver process); `both` runs thread then process, each on its own copy of the same database; `all`
adds a run with no solve (`none`: the floor under the same load). Everyone signs in before the measurement.
`--web-workers 1,2` runs this code once per count of web processes (`roulement serve --workers N`; the baseline
always runs one). `--code REV` measures the code of REV instead of the working tree (taken like the baseline), so
editing the tree while a run waits for its CPU slot changes nothing. `--publish-live`: once the server runs, the
planner publishes one more version through the API and the council approves it; once everyone has signed in,
all 50 read it at once, as right after a publication on a real site (these first reads are reported apart).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

PASSWORD = "correct horse battery"
ROOT = Path(__file__).parent.parent


def prepare(database: str, users: int, publications: int) -> None:
    """KOS, its roster, `publications` approved versions (each one cell apart), an account per employee."""
    from argon2 import PasswordHasher

    from roulement import service
    from roulement.formats.roster_csv import parse_roster
    from roulement.store import accounts, repository
    from roulement.store.db import make_engine, session_factory, transaction, upgrade

    accounts.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # accounts made fast; see docs
    engine = make_engine(database)
    upgrade(engine)
    sessions = session_factory(engine)
    kos = service.example("kos")
    roster = parse_roster(gzip.decompress((ROOT / "tests/data/kos-roster.csv.gz").read_bytes()).decode(), kos)
    with transaction(sessions) as session:
        planner = accounts.add_user(session, "paula", "planner", PASSWORD)
        council = accounts.add_user(session, "carla", "council", PASSWORD)
        for index, employee in enumerate(kos.employees[:users]):
            accounts.add_user(session, f"emp{index}", "employee", PASSWORD, employee.id)
        scenario_id = repository.add_scenario(session, None, kos, "KOS").id
        roster_id = repository.add_roster(session, None, scenario_id, roster, "KOS").id
    last = kos.employees[-1].id
    for version in range(1, publications + 1):
        with transaction(sessions) as session:
            publication, _ = repository.publish(session, planner, roster_id, version, accept_violations=True)
            repository.decide(session, council, publication.id, "approve", "")
            day = kos.horizon.start + dt.timedelta(days=version % kos.horizon.days)
            repository.edit_cell(session, planner, roster_id, version, last, day, None, None)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--publications", type=int, default=50)
    parser.add_argument("--solver-workers", type=int, default=2)
    parser.add_argument("--solve-in", choices=["process", "thread", "both", "none", "all"], default="process")
    parser.add_argument("--baseline", metavar="REV", help="also run the code of this git revision, first")
    parser.add_argument("--code", metavar="REV", help="measure this git revision instead of the working tree")
    parser.add_argument("--web-workers", default="1", help="web processes for this code, e.g. 1,2: one run each")
    parser.add_argument("--cold", action="store_true", help="measure from everyone's first reads (no warm-up)")
    parser.add_argument("--publish-live", action="store_true",
                        help="once the server runs, the planner publishes one more version and the council approves "
                             "it (through the API); the employees sign in, then all read it at once (first reads)")
    parser.add_argument("--client", choices=["fast", "requests"], default="fast",
                        help="locust's FastHttpUser (default) or HttpUser (requests)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="roulement-load-")
    try:
        this = ("this tree", ROOT) if not args.code else (args.code, extract(args.code, Path(folder) / "code"))
        codes = [(this[0], this[1], int(n)) for n in args.web_workers.split(",")]
        if args.baseline:
            codes.insert(0, (f"baseline {args.baseline}", extract(args.baseline, Path(folder) / "baseline"), 1))
        modes = {"both": ["thread", "process"], "all": ["thread", "process", "none"]}
        for label, root, web_workers in codes:
            label = f"{label}, {web_workers} web process(es)"
            prepared = Path(folder) / f"prepared-{root.name}.db"  # one database per code, copied for each run
            if not prepared.exists():
                started = time.monotonic()
                subprocess.run([sys.executable, "-c", "import sys; from bench.web_load import prepare; "
                                "prepare(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))",
                                f"sqlite:///{prepared}", str(args.users), str(args.publications)],
                               cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, check=True)
                print(f"[{label}] prepared in {time.monotonic() - started:.0f} s: KOS, {args.publications} approved "
                      f"publications, {args.users} employee accounts")
            for solve_in in modes.get(args.solve_in, [args.solve_in]):
                database = Path(folder) / f"load-{solve_in}-{root.name}.db"
                shutil.copy(prepared, database)
                print(f"\n== [{label}] {WHAT[solve_in]}; load average before: {os.getloadavg()[0]:.1f}", flush=True)
                serve_and_load(f"sqlite:///{database}", folder, solve_in, args.solver_workers, args.users, args.seconds,
                               root, web_workers, args.client, warm=not args.cold, publish_live=args.publish_live)
                print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    finally:  # the databases (a few hundred MB) and the extracted code go with the run
        shutil.rmtree(folder, ignore_errors=True)


def extract(revision: str, into: Path) -> Path:
    """The code of `revision` (what the server and the preparation import), in a folder of its own."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision, "roulement", "bench", "tests/data/kos-roster.csv.gz"],
                             cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


WHAT = {"process": "the solve in a solver process (as shipped)",
        "thread": "the solve in a thread of the web process (as before)", "none": "no solve (the floor)"}

# The server as before this change: the same app, with the solver's work called in the job's thread.
IN_THREAD = """
import sys, uvicorn
from roulement.web import jobs
jobs.run_in_process = lambda work, args, on_progress, stop: work(*args, on_progress=on_progress, stop=stop)
from roulement.web.app import create_app
uvicorn.run(create_app(sys.argv[1], solver_workers=int(sys.argv[3])), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""


def serve_and_load(database: str, folder: str, solve_in: str, solver_workers: int, users: int,
                   seconds: int, root: Path = ROOT, web_workers: int = 1, client: str = "fast",
                   warm: bool = True, publish_live: bool = False) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if solve_in != "thread":
        command = [str(Path(sys.executable).parent / "roulement"), "serve", "--db", database, "--port", str(port),
                   "--solver-workers", str(solver_workers)]
        command += ["--workers", str(web_workers)] if web_workers > 1 else []
    else:
        command = [sys.executable, "-c", IN_THREAD, database, str(port), str(solver_workers)]
    server = subprocess.Popen(command, cwd=folder, env={**os.environ, "PYTHONPATH": str(root)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        quiet(f"http://127.0.0.1:{port}")
        if publish_live:
            publish_and_approve(f"http://127.0.0.1:{port}", database.removeprefix("sqlite:///"))
        run_locust(f"http://127.0.0.1:{port}", users, seconds, solve=solve_in != "none", client=client, warm=warm,
                   together=publish_live)
        if solve_in != "none":
            solve_outcome(f"http://127.0.0.1:{port}", seconds)
    finally:
        server.terminate()
        server.wait(30)


def solve_outcome(host: str, seconds: int) -> None:
    """Whether the solve really ran beside the load: its job, once it has ended (or still running)."""
    import httpx

    with httpx.Client(base_url=host, timeout=60) as client:
        client.post("/api/login", json={"username": "paula", "password": PASSWORD})
        deadline = time.monotonic() + max(seconds, 120)
        job = client.get("/api/jobs/1").json()
        while job["status"] == "running" and time.monotonic() < deadline:
            time.sleep(2)
            job = client.get("/api/jobs/1").json()
        print(f"the solve: {job['status']}, {job['message']}")


def publish_and_approve(host: str, database: str, settle: float = 60.0) -> None:
    """The planner publishes the roster's current version and the council approves it, as on a real site; then
    wait until the server has stored everyone's reads of it in advance (`published_reads`, issue 15 session 7;
    at most `settle` seconds), or, for code without that table, 10 s, so the load starts on a quiet server."""
    import sqlite3

    import httpx

    with httpx.Client(base_url=host, timeout=60) as client:
        csrf = client.post("/api/login", json={"username": "paula", "password": PASSWORD}).json()["csrf_token"]
        version = client.get("/api/rosters/1").json()["version"]
        started = time.monotonic()
        published = client.post("/api/rosters/1/publish", json={"version": version, "accept_violations": True},
                                headers={"X-CSRF-Token": csrf})
        assert published.status_code == 201, published.text
        publication = published.json()["id"]
    with httpx.Client(base_url=host, timeout=60) as client:
        csrf = client.post("/api/login", json={"username": "carla", "password": PASSWORD}).json()["csrf_token"]
        decided = client.post(f"/api/publications/{publication}/decision", json={"decision": "approve"},
                              headers={"X-CSRF-Token": csrf})
        assert decided.status_code == 201, decided.text
    answered = time.monotonic() - started
    deadline = time.monotonic() + settle
    stored = None
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(database, timeout=30) as connection:
                count = connection.execute("select count(*) from published_reads where publication_id = ? and "
                                           "stamp like 'approved|%'", (publication,)).fetchone()[0]
        except sqlite3.OperationalError:  # no such table: this code computes reads on demand
            time.sleep(10)
            break
        if count:
            stored = count
            break
        time.sleep(0.2)
    print(f"published and approved version {version} (publication {publication}) in {answered * 1000:.0f} ms; "
          + (f"{stored} reads stored in advance {time.monotonic() - started:.1f} s after publishing" if stored
             else "no reads stored in advance"), flush=True)


def quiet(host: str, count: int = 50) -> None:
    """One employee alone reading her schedule `count` times: the floor under the loaded figures."""
    import statistics

    import httpx

    with httpx.Client(base_url=host) as client:
        client.post("/api/login", json={"username": "emp0", "password": PASSWORD})
        times = []
        for _ in range(count):
            start = time.perf_counter()
            assert client.get("/api/me/schedule").status_code == 200
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"alone: GET /api/me/schedule x{count}: p50 {statistics.median(times):.0f} ms, "
          f"p95 {times[int(0.95 * count) - 1]:.0f} ms, max {times[-1]:.0f} ms")


def run_locust(host: str, users: int, seconds: int, solve: bool = True, client: str = "fast",
               warm: bool = True, together: bool = False) -> None:
    """Everyone signs in first (argon2id at its production cost: a storm of 51 sign-ins takes the CPU for a
    while); then the statistics start afresh, the planner starts the solve, and `seconds` are measured.
    `client`: locust's FastHttpUser (geventhttpclient, "fast") or HttpUser (requests, "requests", what the runs
    before issue 15's fifth session used). Both send the same requests; the fast one spends less of the shared
    CPU in the load generator itself, which on a real site runs on the employees' phones, not on the server.
    `warm` (default since issue 15's sixth session): each employee reads her schedule, team and feed once while
    signing in, and those first reads (each computed once per person and publication: a year of the crew's
    cycle in the feed takes ~80 ms) are reported apart; without it the measured minute began with 50 people's
    first reads at once, a burst of several seconds that decided the p95 with one web process. `together` (with
    `--publish-live`): the first reads wait until everyone has signed in, then all 50 people read at once, so
    they are not queued behind the sign-ins' password hashing (which holds the server's threads)."""
    import gevent
    from gevent.event import Event
    from locust import FastHttpUser, HttpUser, between, task
    from locust.env import Environment

    base = FastHttpUser if client == "fast" else HttpUser

    counter = iter(range(10**6))
    ready = Event()
    everyone_signed_in = Event()
    signed_in = [0]
    first_read = [0]

    def first_reads_done() -> None:
        for entry in sorted((e for e in environment.stats.entries.values()
                             if e.name.startswith("first ") and e.num_requests), key=lambda e: e.name):
            print(f"{entry.name} ({f'all {users} at once, after signing in' if together else 'while signing in'}): "
                  f"{entry.num_requests} reads, p50 {entry.get_response_time_percentile(0.5):.0f} ms, "
                  f"p95 {entry.get_response_time_percentile(0.95):.0f} ms, max {entry.max_response_time:.0f} ms")
        environment.stats.reset_all()
        ready.set()

    def one_more_signed_in() -> None:
        signed_in[0] += 1
        if signed_in[0] == users + 1:
            if together:
                everyone_signed_in.set()
            else:
                first_reads_done()

    def one_more_first_read() -> None:
        first_read[0] += 1
        if first_read[0] == users:
            first_reads_done()

    class Employee(base):  # type: ignore[valid-type,misc]
        wait_time = between(0.5, 1.5)
        weight = users

        def on_start(self) -> None:
            self.index = next(counter) % users
            answer = self.client.post("/api/login", json={"username": f"emp{self.index}", "password": PASSWORD})
            self.feed = self.client.post("/api/me/feed", headers={"X-CSRF-Token": answer.json()["csrf_token"]}
                                         ).json()["url"]
            if together:  # everyone signed in, then all first reads at once (not queued behind sign-ins)
                one_more_signed_in()
                everyone_signed_in.wait()
            if warm:  # the steady state is measured: each person's first reads (computed once) happen here
                self.client.get("/api/me/schedule", name="first /api/me/schedule")
                self.client.get("/api/me/team", name="first /api/me/team")
                self.client.get(urlsplit(self.feed).path, name="first /feed/[token].ics")
            if together:
                one_more_first_read()
            else:
                one_more_signed_in()
            ready.wait()

        @task(3)
        def schedule(self) -> None:
            self.client.get("/api/me/schedule")

        @task(1)
        def team(self) -> None:
            self.client.get("/api/me/team")

        @task(1)
        def feed(self) -> None:
            self.client.get(urlsplit(self.feed).path, name="/feed/[token].ics")

    class Planner(base):  # type: ignore[valid-type,misc]
        wait_time = between(1, 2)
        fixed_count = 1

        def on_start(self) -> None:
            answer = self.client.post("/api/login", json={"username": "paula", "password": PASSWORD}).json()
            self.csrf = {"X-CSRF-Token": answer["csrf_token"]}
            grid = self.client.get("/api/rosters/1", name="/api/rosters/[id]").json()
            self.version, self.days, self.people = grid["version"], grid["days"], grid["employees"]
            self.toggle = 0
            one_more_signed_in()
            ready.wait()
            if solve:  # a solve runs meanwhile (one per site: the cap lets this one through)
                self.client.post("/api/scenarios/1/solve", json={"time_limit": seconds},
                                 name="/api/scenarios/[id]/solve", headers=self.csrf)

        @task
        def edit(self) -> None:
            self.toggle += 1
            person = self.people[self.toggle % 40]
            day = self.days[(self.toggle * 3) % len(self.days)]
            answer = self.client.put("/api/rosters/1/cell", name="/api/rosters/[id]/cell", json={
                "version": self.version, "employee": person["id"], "date": day, "shift": None}, headers=self.csrf)
            if answer.status_code == 200:
                self.version = answer.json()["version"]

    environment = Environment(user_classes=[Employee, Planner], host=host)
    runner = environment.create_local_runner()
    runner.start(users + 1, spawn_rate=10)
    signing_in = time.monotonic()
    ready.wait(600)
    print(f"signed in: {signed_in[0]} of {users + 1} in {time.monotonic() - signing_in:.0f} s; now measuring "
          f"{seconds} s")
    gevent.sleep(seconds)
    runner.quit()
    stats = environment.stats
    print(f"{'request':34} {'count':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  (ms)")
    for entry in sorted((e for e in stats.entries.values() if e.num_requests), key=lambda e: e.name):
        print(f"{entry.method + ' ' + entry.name:34} {entry.num_requests:6} {entry.num_failures:5} "
              f"{entry.get_response_time_percentile(0.5):6.0f} {entry.get_response_time_percentile(0.95):6.0f} "
              f"{entry.get_response_time_percentile(0.99):6.0f} {entry.max_response_time:7.0f}")
    total = stats.total
    print(f"total: {total.num_requests} requests, {total.num_failures} failures")
    for error in stats.errors.values():
        print("error:", error.method, error.name, error.error, error.occurrences)


if __name__ == "__main__":
    main()
