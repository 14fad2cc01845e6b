"""Cell edits judged in a process of their own, so the web process keeps its GIL for reads.

Judging one KOS edit is 100–250 ms of pure Python (the rules on the edited person and the whole-roster rules,
the coverage, the cycle). In the web process that time holds the GIL: with 50 employees reading their schedules
beside one planner's edits, their reads queued behind it (p95 390–690 ms with one web process, docs/benchmarks.md).
Here the judging runs in one long-lived helper process ("spawn", started on the first edit), which keeps the
scenarios it was sent, keyed by what can change them (scenario id and version, the web input's stamp): a
scenario crosses the pipe once per version, an edit sends only the roster's rows, the edited person and the
violations it is judged against. The web process still reads and writes the database (the edit is saved before
it is judged, as before); the helper only computes, and the result is the same function's (`views.judge_edit`,
`views.edit_view`). A helper that dies is replaced on the next edit, and that edit is judged in the web process.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from roulement.model.roster import Assignment, Roster, Timeline
from roulement.model.scenario import Scenario
from roulement.rules.base import Violation
from roulement.web.views import edit_view, full_violations, judge_edit

Rows = list[tuple[str, str, str, str]]  # (employee, ISO date, shift, post): cheap to pickle
KEPT_SCENARIOS = 4

_scenarios: OrderedDict[Hashable, Scenario] = OrderedDict()  # in the helper process


def rows_of(roster: Roster) -> Rows:
    return [(a.employee, a.date.isoformat(), a.shift, a.post) for a in roster]


def roster_from(rows: Rows) -> Roster:
    import datetime as dt

    return Roster([Assignment(e, dt.date.fromisoformat(d), s, p) for e, d, s, p in rows])


def judge_and_view(scenario: Scenario, old: list[Violation] | None, before: Roster | None, after: Roster,
                   employee: str) -> tuple[list[Violation], list[Violation], dict[str, Any]]:
    """(violations judged against, the edited roster's violations, the answer's view): the edit's judging, wherever
    it runs. Without `old`, `before` is checked in full first."""
    if old is None:
        assert before is not None
        old = full_violations(scenario, before)
    timeline = Timeline(scenario, after)  # built once for the judging and the answer
    new = judge_edit(scenario, old, after, employee, timeline)
    return old, new, edit_view(scenario, after, employee, new, timeline)


def _in_helper(key: Hashable, scenario: Scenario | None, old: list[Violation] | None, before: Rows | None,
               after: Rows, employee: str) -> tuple[list[Violation], list[Violation], dict[str, Any]] | None:
    """Runs in the helper. None: this scenario is not kept here (a new helper): send it."""
    if scenario is not None:
        _scenarios[key] = scenario
        while len(_scenarios) > KEPT_SCENARIOS:
            _scenarios.popitem(last=False)
    kept = _scenarios.get(key)
    if kept is None:
        return None
    _scenarios.move_to_end(key)
    return judge_and_view(kept, old, None if before is None else roster_from(before), roster_from(after), employee)


class EditJudge:
    """Judges edits in the helper process (`apart=True`, as `roulement serve` runs) or in the calling thread
    (tests, and the fallback when the helper died)."""

    def __init__(self, apart: bool = False) -> None:
        self.apart = apart
        self._pool: ProcessPoolExecutor | None = None
        self._sent: set[Hashable] = set()
        self._lock = threading.Lock()

    def judge(self, key: Hashable, scenario: Scenario, old: list[Violation] | None, before: Roster, after: Roster,
              employee: str) -> tuple[list[Violation], list[Violation], dict[str, Any]]:
        if not self.apart:
            return judge_and_view(scenario, old, before, after, employee)
        pool = self._helper()
        before_rows = rows_of(before) if old is None else None  # checked in full there only without `old`
        after_rows = rows_of(after)
        try:
            answer = pool.submit(_in_helper, key, None if key in self._sent else scenario, old, before_rows,
                                 after_rows, employee).result()
            if answer is None:  # the helper does not have it (kept too many since, or it is new)
                answer = pool.submit(_in_helper, key, scenario, old, before_rows, after_rows, employee).result()
            with self._lock:
                self._sent.add(key)
            assert answer is not None
            return answer
        except BrokenProcessPool:  # the helper died: judge here, and start a new one on the next edit
            with self._lock:
                self._pool, self._sent = None, set()
            return judge_and_view(scenario, old, before, after, employee)

    def _helper(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def warm(self) -> None:
        """Start the helper now (its imports take a second or two), not on the first edit."""
        if self.apart:
            self._helper().submit(int)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            # Waited for: a helper left behind would outlive its web process (and hold the server's output open,
            # so `roulement serve --workers 2` did not end on SIGTERM within 30 s in one run of three). Judging an
            # edit takes at most a few hundred milliseconds.
            pool.shutdown(wait=True, cancel_futures=True)
