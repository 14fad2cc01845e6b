"""Solve jobs: each runs in a solver process of its own (solver_process.py, at a lower OS priority), watched
by a thread of the web process that passes its progress on and saves its outcome (a new roster) in the
database in one transaction.

A job runs `service.plan` with a stop event; cancelling sets it, and the search returns its best roster so
far, which is saved like any other. One web process serves the app, so the registry is a plain dict.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


@dataclass
class RunningJob:
    site: str = ""
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)
    latest: Progress | None = None
    thread: threading.Thread | None = None

    def progress(self) -> dict[str, Any]:
        latest = self.latest
        return {
            "elapsed": round(time.monotonic() - self.started, 1),
            "solutions": latest.solutions if latest else 0,
            "objective": latest.objective if latest else None,
            "bound": latest.bound if latest else None,
        }


class JobRunner:
    def __init__(self, store: Backend, workers: int = 2, limits: SolveLimits | None = None,
                 plan: Callable[..., dict[str, Any]] = plan_work,
                 replan: Callable[..., dict[str, Any]] = replan_work) -> None:
        self.store = store
        self.workers = workers
        self.limits = limits or SolveLimits()
        # What the solver process runs (module-level functions: a test may give its own).
        self.plan_work, self.replan_work = plan, replan
        self.running: dict[int, RunningJob] = {}
        self.lock = threading.Lock()
        self._short_ids = itertools.count(1)

    def _refuse_when_busy(self, site: str) -> None:
        """Called under the lock: 429 when the site or the server already runs its share of solves."""
        busy = list(self.running.values())
        wait = {"Retry-After": str(self.limits.retry_after)}
        if len(busy) >= self.limits.per_server:
            raise TooBusy(f"time_limit: the server already runs {len(busy)} solve(s), its limit; try again when "
                          "one has finished", "time_limit", wait)
        on_site = sum(1 for job in busy if job.site == site)
        if on_site >= self.limits.per_site:
            raise TooBusy(f"time_limit: site {site!r} already runs {on_site} solve(s), its limit; wait for it or "
                          "cancel it", "time_limit", wait)

    def start(self, actor: User, scenario_id: int, time_limit: float) -> int:
        with self.store.transaction() as session:
            stored = repository.scenario_of(repository.get_scenario_row(session, scenario_id))
            scenario = repository.scenario_with_web_input(session, stored)
            carried = repository.carried_of(session, scenario_id)
        running = RunningJob(site=scenario.site.name)
        with self.lock:
            self._refuse_when_busy(running.site)
            with self.store.transaction() as session:
                job_id = repository.add_job(session, actor, scenario_id, time_limit).id
            self.running[job_id] = running  # counted before the thread starts: no race past the limit
        thread = threading.Thread(target=self._run, args=(job_id, actor, scenario_id, scenario, time_limit, running,
                                                          carried),
                                  name=f"solve-{job_id}", daemon=True)
        running.thread = thread
        thread.start()
        return job_id

    def _run(self, job_id: int, actor: User, scenario_id: int, scenario: Any, time_limit: float,
             running: RunningJob, carried: Any = None) -> None:
        def on_progress(progress: Progress) -> None:
            running.latest = progress

        status, message, roster_id = "failed", "", None
        try:
            outcome = run_in_process(self.plan_work, (scenario, time_limit, self.workers, carried), on_progress,
                                     running.stop)
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
        running = RunningJob(site=scenario.site.name)
        with self.lock:
            self._refuse_when_busy(running.site)
            with self.store.transaction() as session:
                job = repository.add_job(session, actor, scenario_id, time_limit, kind="replan", request_id=request_id)
                job.roster_id = roster_id
                job_id = job.id
            self.running[job_id] = running
        thread = threading.Thread(target=self._replan, name=f"replan-{job_id}", daemon=True, args=(
            job_id, actor, request_id, disrupted, scenario, published, roster_id, version, time_limit, running))
        running.thread = thread
        thread.start()
        return job_id

    def _replan(self, job_id: int, actor: User, request_id: int, disrupted: Any, scenario: Any, published: Any,
                roster_id: int, version: int, time_limit: float, running: RunningJob) -> None:
        def on_progress(progress: Progress) -> None:
            running.latest = progress

        status, message = "failed", ""
        outcome: dict[str, Any] = {"honoured": False, "roster_id": roster_id}
        try:
            with self.store.transaction() as session:
                request = repository.get_request(session, request_id)
                employee, date = request.employee_id, request.date
            answer = run_in_process(self.replan_work, (disrupted, published, employee, date, time_limit,
                                                       self.workers), on_progress, running.stop)
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
        with self.lock:
            self.running.pop(job_id, None)

    def run_now(self, site: str, work: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """Short solver work answered within the request (pricing a request): in the solver process like a job,
        counted in the same caps (429 when busy), but with no job row."""
        running = RunningJob(site=site)
        with self.lock:
            self._refuse_when_busy(site)
            key = -next(self._short_ids)  # apart from job ids, which are positive
            self.running[key] = running
        try:
            return run_in_process(work, args, lambda _: None, running.stop)
        finally:
            with self.lock:
                self.running.pop(key, None)

    def cancel(self, job_id: int) -> bool:
        with self.lock:
            running = self.running.get(job_id)
        if running is None:
            return False
        running.stop.set()
        return True

    def view(self, job: SolveJob) -> dict[str, Any]:
        with self.lock:
            running = self.running.get(job.id)
        return {"id": job.id, "kind": job.kind, "scenario_id": job.scenario_id, "status": job.status,
                "message": job.message, "request_id": job.request_id,
                "roster_id": job.roster_id, "time_limit": job.time_limit,
                "progress": running.progress() if running else None}

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every running job (tests and shutdown)."""
        with self.lock:
            threads = [r.thread for r in self.running.values() if r.thread is not None]
        for thread in threads:
            thread.join(timeout)
