"""Employees' reads of a publication computed in advance, so that the first read after a publication is a lookup.

Once a version may be read by employees (published where the site shows proposed versions; approved by the
council), every person's schedule, calendar feed and team view are computed apart from the request that
published or approved it and stored in the database (`published_reads`) under the publication's stamps: every
web process finds them there. The computing runs in a process of its own at a lower OS priority
(`solver_process.run_in_process`, as a solve does: the web process keeps its GIL for reads; `apart=False` runs it
in the thread, for tests), one publication at a time, in the order asked; the web process stores the outcome in
one transaction, and only if the publication's stamps are still the ones it was computed from (an approval or an
edit meanwhile: nothing is stored, and the approval asks for its own). Whatever fails here leaves the reads
computed on demand, as before (web/published.py)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from fastapi import Request

from roulement.model.scenario import Scenario
from roulement.store import repository
from roulement.store.repository import Applying
from roulement.web.context import Backend
from roulement.web.published import all_reads
from roulement.web.solver_process import run_in_process

log = logging.getLogger(__name__)


def reads_work(scenario: Scenario, applying: Applying, assignments: list[Any], on_progress: Any = None,
               stop: Any = None) -> list[tuple[str, str, bytes]]:
    """What the helper process runs (`run_in_process` passes progress and stop, unused: it is short)."""
    return all_reads(scenario, applying, assignments)


class ReadsPrecompute:
    """One thread per web process computing publications' reads in the order they were asked for."""

    def __init__(self, store: Backend, apart: bool = False) -> None:
        self.store, self.apart = store, apart
        self._pool: ThreadPoolExecutor | None = ThreadPoolExecutor(1, thread_name_prefix="reads")
        self._lock = threading.Lock()
        self._pending: list[Future[bool]] = []

    def submit(self, publication_id: int) -> None:
        """Compute and store this publication's reads, later (never in the caller's request)."""
        with self._lock:
            if self._pool is None:  # shutting down
                return
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(self._pool.submit(self.run, publication_id))

    def run(self, publication_id: int) -> bool:
        """True when the reads were stored. Any failure is logged and stores nothing."""
        try:
            with self.store.transaction() as session:
                applying = repository.publication_stamps(session, publication_id)
                if applying is None or applying.status == "rejected":
                    return False
                row = repository.get_scenario_row(session, applying.scenario_id)
                if applying.status == "proposed" and row.consent_required:
                    return False  # no employee reads it until the council approves it
                scenario = repository.scenario_of(row)
                assignments = list(repository.get_publication(session, publication_id).assignments)
            if self.apart:
                reads = run_in_process(reads_work, (scenario, applying, assignments), lambda _: None,
                                       threading.Event())
            else:
                reads = reads_work(scenario, applying, assignments)
            with self.store.transaction() as session:
                return repository.save_reads(session, applying, reads)
        except Exception:  # the reads stay computed on demand
            log.exception("computing the reads of publication %s in advance failed", publication_id)
            return False

    def wait(self, timeout: float | None = None) -> None:
        """Until what was asked so far is done (tests, and the bench)."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.exception(timeout)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def reads_precompute(request: Request) -> ReadsPrecompute:
    return request.app.state.reads  # type: ignore[no-any-return]
