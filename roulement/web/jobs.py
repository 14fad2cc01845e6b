"""Solve jobs: each runs in a solver process of its own (solver_process.py, at a lower OS priority), watched
by a thread of the web process that passes its progress on and saves its outcome (a new roster) in the
database in one transaction.

A job runs `service.plan` with a stop event; cancelling sets it, and the search returns its best roster so
far, which is saved like any other. Several web processes may serve the app (`roulement serve --workers N`), so
what every process must answer alike lives in the database: the solve caps are leases (`solve_leases`, their
unique indexes hold the caps across processes), a job's progress is written on its row, and a cancel is asked
for on its row, which the watching process polls. Only the watching thread itself is this process's own.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from roulement.solve.search import Progress
from roulement.store import repository
from roulement.store.audit import record
from roulement.store.errors import TooBusy
from roulement.store.models import SolveJob, User, now
from roulement.web.context import Backend
from roulement.web.solver_process import plan_work, replan_work, run_in_process


@dataclass(frozen=True)
class SolveLimits:
    """How many solves may run at once: each takes `workers` cores for up to its time limit."""

    per_site: int = 1
    per_server: int = 2
    retry_after: int = 30  # seconds suggested to a refused caller


# A job's progress is written to its row at most this often (seconds): enough for a progress bar.
PROGRESS_EVERY = 0.5
# How often the watching process looks for a cancel asked for through another process (seconds).
CANCEL_POLL_EVERY = 0.5


@dataclass
class RunningJob:
    """A solve this process watches: its stop event (set by a cancel or at shutdown) and its thread."""

    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


class JobWatch:
    """What the thread watching a solver process shares with every web process through the job's row: the
    solver's progress (written at most every PROGRESS_EVERY seconds; the latest one always ends up written),
    and the stop signal (set here, or asked for on the row by any process: looked up at most every
    CANCEL_POLL_EVERY seconds). `run_in_process` calls `is_set` every 0.2 s or so, which also flushes progress."""

    def __init__(self, store: Backend, job_id: int, local: threading.Event) -> None:
        self.store, self.job_id, self.local = store, job_id, local
        self.pending: Progress | None = None
        self.written = self.checked = 0.0

    def on_progress(self, progress: Progress) -> None:
        self.pending = progress
        self._flush()

    def _flush(self) -> None:
        progress = self.pending
        if progress is None or time.monotonic() - self.written < PROGRESS_EVERY:
            return
        self.pending, self.written = None, time.monotonic()
        with self.store.transaction() as session:
            repository.save_job_progress(session, self.job_id, {
                "solutions": progress.solutions, "objective": progress.objective, "bound": progress.bound})

    def is_set(self) -> bool:
        self._flush()
        if not self.local.is_set() and time.monotonic() - self.checked >= CANCEL_POLL_EVERY:
            self.checked = time.monotonic()
            with self.store.transaction() as session:
                if repository.cancel_requested(session, self.job_id):
                    self.local.set()
        return self.local.is_set()


class JobRunner:
    def __init__(self, store: Backend, workers: int = 2, limits: SolveLimits | None = None,
                 plan: Callable[..., dict[str, Any]] = plan_work,
                 replan: Callable[..., dict[str, Any]] = replan_work) -> None:
        self.store = store
        self.workers = workers
        self.limits = limits or SolveLimits()
        # What the solver process runs (module-level functions: a test may give its own).
        self.plan_work, self.replan_work = plan, replan
        self.running: dict[int, RunningJob] = {}  # the jobs this process watches
        self.lock = threading.Lock()

    def _leased(self, site: str, add_job: Callable[[Session], int] | None = None) -> tuple[int, int | None]:
        """A solve lease (and the job's row, in the same transaction): (lease id, job id), or 429 when the site
        or the server already runs its share. Another process taking a slot at the same moment makes the
        insert fail: then look again at what is held."""
        for attempt in range(8):
            try:
                with self.store.transaction() as session:
                    lease = repository.take_solve_lease(session, site, self.limits.per_site, self.limits.per_server,
                                                        self.limits.retry_after)
                    job_id = add_job(session) if add_job else None
                    lease.job_id = job_id
                    return lease.id, job_id
            except (IntegrityError, OperationalError):  # a slot taken meanwhile; SQLite: a write in between
                time.sleep(0.02 * (attempt + 1))
        raise TooBusy("time_limit: other solves were starting at the same moment; try again",
                      "time_limit", {"Retry-After": str(self.limits.retry_after)})

    def start(self, actor: User, scenario_id: int, time_limit: float) -> int:
        with self.store.transaction() as session:
            stored = repository.scenario_of(repository.get_scenario_row(session, scenario_id))
            scenario = repository.scenario_with_web_input(session, stored)
            carried = repository.carried_of(session, scenario_id)
        lease_id, job_id = self._leased(scenario.site.name, lambda session: repository.add_job(
            session, actor, scenario_id, time_limit).id)
        assert job_id is not None
        running = RunningJob()
        thread = threading.Thread(target=self._run, args=(job_id, lease_id, actor, scenario_id, scenario, time_limit,
                                                          running, carried),
                                  name=f"solve-{job_id}", daemon=True)
        running.thread = thread
        with self.lock:
            self.running[job_id] = running
        thread.start()
        return job_id

    def _run(self, job_id: int, lease_id: int, actor: User, scenario_id: int, scenario: Any, time_limit: float,
             running: RunningJob, carried: Any = None) -> None:
        status, message, roster_id = "failed", "", None
        try:
            watch = JobWatch(self.store, job_id, running.stop)
            outcome = run_in_process(self.plan_work, (scenario, time_limit, self.workers, carried), watch.on_progress,
                                     watch)
            if outcome["roster"] is None:
                message = f"no roster found ({outcome['status']})"
            else:
                with self.store.transaction() as session:
                    name = f"{scenario.site.name} — plan #{job_id}"
                    roster_id = repository.add_roster(session, actor, scenario_id, outcome["roster"], name,
                                                      solver=outcome["solver"]).id
                status = "cancelled" if outcome["interrupted"] else "done"
                message = f"{outcome['status']}, {outcome['violations']} violation(s)"
        except Exception as error:  # a failed job must say why, not vanish with its thread
            message = f"{type(error).__name__}: {error}"
        with self.store.transaction() as session:
            job = repository.get_job(session, job_id)
            job.status, job.message, job.roster_id, job.finished_at = status, message, roster_id, now()
            record(session, actor, f"solve.{status}", "job", job_id, {"status": "running"},
                   {"status": status, "message": message, "roster": roster_id})
            repository.release_solve_lease(session, lease_id)
        with self.lock:
            self.running.pop(job_id, None)

    def start_replan(self, actor: User, request_id: int, time_limit: float = 20.0) -> int | None:
        """An accepted day off on a day the person works: a local re-plan of the newest roster with them, from
        that day, changing as few cells as it can (service.replan). The roster gets the result as a new version
        when the day is freed; otherwise the request says why it is not honoured. None: nothing to re-plan."""
        with self.store.transaction() as session:
            request = repository.get_request(session, request_id)
            row = repository.newest_roster_with(session, request.employee_id)
            if row is None or (request.employee_id, request.date) not in repository.roster_of(
                    row.assignments).by_employee_date():
                return None
            stored = repository.scenario_of(repository.get_scenario_row(session, row.scenario_id))
            scenario = repository.scenario_with_web_input(session, stored)
            published, version, roster_id, scenario_id = repository.roster_of(row.assignments), row.version, row.id, \
                row.scenario_id
        if not scenario.horizon.start <= request.date <= scenario.horizon.end:
            return None
        disrupted = repository.with_day_off(scenario, request.employee_id, request.date)

        def add_job(session: Session) -> int:
            job = repository.add_job(session, actor, scenario_id, time_limit, kind="replan", request_id=request_id)
            job.roster_id = roster_id
            return job.id

        lease_id, job_id = self._leased(scenario.site.name, add_job)
        assert job_id is not None
        running = RunningJob()
        thread = threading.Thread(target=self._replan, name=f"replan-{job_id}", daemon=True, args=(
            job_id, lease_id, actor, request_id, disrupted, published, roster_id, version, time_limit, running))
        running.thread = thread
        with self.lock:
            self.running[job_id] = running
        thread.start()
        return job_id

    def _replan(self, job_id: int, lease_id: int, actor: User, request_id: int, disrupted: Any, published: Any,
                roster_id: int, version: int, time_limit: float, running: RunningJob) -> None:
        status, message = "failed", ""
        outcome: dict[str, Any] = {"honoured": False, "roster_id": roster_id}
        try:
            with self.store.transaction() as session:
                request = repository.get_request(session, request_id)
                employee, date = request.employee_id, request.date
            watch = JobWatch(self.store, job_id, running.stop)
            answer = run_in_process(self.replan_work, (disrupted, published, employee, date, time_limit,
                                                       self.workers), watch.on_progress, watch)
            status = "cancelled" if answer["interrupted"] else "done"
            outcome.update(answer["outcome"])
            if answer["roster"] is not None:
                with self.store.transaction() as session:
                    saved = repository.save_replan(session, actor, roster_id, version, answer["roster"],
                                                   request_id, answer["changes"])
                if saved is None:
                    outcome["reason"] = "the roster changed while the re-plan ran; accept again to retry"
                else:
                    outcome.update(honoured=True, version=saved, **answer["once_saved"])
            message = "day freed" if outcome["honoured"] else str(outcome.get("reason", ""))
        except Exception as error:  # a failed job must say why, not vanish with its thread
            message = outcome["reason"] = f"{type(error).__name__}: {error}"
        with self.store.transaction() as session:
            job = repository.get_job(session, job_id)
            job.status, job.message, job.finished_at = status, message[:2000], now()
            repository.get_request(session, request_id).outcome = outcome
            record(session, actor, f"solve.{status}", "job", job_id, {"status": "running"},
                   {"status": status, "message": message[:500], "roster": roster_id, "request": request_id})
            repository.release_solve_lease(session, lease_id)
        with self.lock:
            self.running.pop(job_id, None)

    def run_now(self, site: str, work: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """Short solver work answered within the request (pricing a request): in the solver process like a job,
        counted in the same caps (429 when busy), but with no job row."""
        lease_id, _ = self._leased(site)
        try:
            return run_in_process(work, args, lambda _: None, threading.Event())
        finally:
            with self.store.transaction() as session:
                repository.release_solve_lease(session, lease_id)

    def cancel(self, session: Session, job: SolveJob) -> bool:
        """Ask for the job to stop (whichever process watches it); False when it is not running or already
        asked."""
        if job.status != "running" or job.cancel_requested:
            return False
        job.cancel_requested = True
        with self.lock:
            running = self.running.get(job.id)
        if running is not None:  # watched here: no need to wait for the poll
            running.stop.set()
        return True

    def stop_all(self) -> None:
        """At shutdown: stop the solves this process watches (each saves its best so far)."""
        with self.lock:
            for running in self.running.values():
                running.stop.set()

    def view(self, job: SolveJob) -> dict[str, Any]:
        progress = None
        if job.status == "running":
            started = job.started_at if job.started_at.tzinfo else job.started_at.replace(tzinfo=dt.UTC)
            latest = job.progress or {}
            progress = {"elapsed": round(max(0.0, (now() - started).total_seconds()), 1),
                        "solutions": latest.get("solutions", 0), "objective": latest.get("objective"),
                        "bound": latest.get("bound")}
        return {"id": job.id, "kind": job.kind, "scenario_id": job.scenario_id, "status": job.status,
                "message": job.message, "request_id": job.request_id,
                "roster_id": job.roster_id, "time_limit": job.time_limit, "progress": progress}

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every job this process watches (tests and shutdown)."""
        with self.lock:
            threads = [r.thread for r in self.running.values() if r.thread is not None]
        for thread in threads:
            thread.join(timeout)
