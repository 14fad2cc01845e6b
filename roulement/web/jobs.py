"""Solve jobs in background threads: live progress in memory, the outcome (a new roster) in the database.

A job runs `service.plan` with a stop event; cancelling sets it, and the search returns its best roster so
far, which is saved like any other. One process serves the app, so the registry is a plain dict.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from roulement import service
from roulement.solve.search import Progress, SolveOptions
from roulement.store import repository
from roulement.store.models import SolveJob, User, now
from roulement.web.context import Backend


@dataclass
class RunningJob:
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
    def __init__(self, store: Backend, workers: int = 2) -> None:
        self.store = store
        self.workers = workers
        self.running: dict[int, RunningJob] = {}
        self.lock = threading.Lock()

    def start(self, actor: User, scenario_id: int, time_limit: float) -> int:
        with self.store.transaction() as session:
            stored = repository.scenario_of(repository.get_scenario_row(session, scenario_id))
            scenario = repository.scenario_with_web_input(session, stored)
            job_id = repository.add_job(session, actor, scenario_id, time_limit).id
        running = RunningJob()
        thread = threading.Thread(target=self._run, args=(job_id, actor, scenario_id, scenario, time_limit, running),
                                  name=f"solve-{job_id}", daemon=True)
        running.thread = thread
        with self.lock:
            self.running[job_id] = running
        thread.start()
        return job_id

    def _run(self, job_id: int, actor: User, scenario_id: int, scenario: Any, time_limit: float,
             running: RunningJob) -> None:
        def on_progress(progress: Progress) -> None:
            running.latest = progress

        status, message, roster_id = "failed", "", None
        try:
            outcome = service.plan(scenario, SolveOptions(time_limit=time_limit, workers=self.workers),
                                   on_progress=on_progress, stop=running.stop)
            if outcome.roster is None:
                message = f"no roster found ({outcome.result.status})"
            else:
                with self.store.transaction() as session:
                    name = f"{scenario.site.name} — plan #{job_id}"
                    roster_id = repository.add_roster(session, actor, scenario_id, outcome.roster, name,
                                                      solver=outcome.result.as_dict()).id
                status = "cancelled" if outcome.result.interrupted else "done"
                violations = len(outcome.checked.violations) if outcome.checked else 0
                message = f"{outcome.result.status}, {violations} violation(s)"
        except Exception as error:  # a failed job must say why, not vanish with its thread
            message = f"{type(error).__name__}: {error}"
        with self.store.transaction() as session:
            job = repository.get_job(session, job_id)
            job.status, job.message, job.roster_id, job.finished_at = status, message, roster_id, now()
        with self.lock:
            self.running.pop(job_id, None)

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
        return {"id": job.id, "scenario_id": job.scenario_id, "status": job.status, "message": job.message,
                "roster_id": job.roster_id, "time_limit": job.time_limit,
                "progress": running.progress() if running else None}

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every running job (tests and shutdown)."""
        with self.lock:
            threads = [r.thread for r in self.running.values() if r.thread is not None]
        for thread in threads:
            thread.join(timeout)
