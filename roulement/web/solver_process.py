"""Solves run in a process of their own, at a lower OS priority, so the web process keeps its CPU (and its
GIL) for requests: a KOS solve in the server's threads made an employee's schedule wait seconds.

`run_in_process` starts a fresh interpreter ("spawn": never a fork of a threaded server), lowers its
priority with `os.nice`, and runs a module-level work function there. The work function gets the progress
callback and the stop event it would get in a thread; progress comes back through a queue, the stop is an
event shared with the child. The child only computes: it never touches the database. The parent saves the
result in one transaction, so a save is still all or nothing, and a child that dies saves nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable
from typing import Any, Protocol

from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.solve.search import Progress

NICENESS = 10  # added to the child's nice value: request handling wins the CPU when both want it
_context = multiprocessing.get_context("spawn")


class StopEvent(Protocol):
    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class StopSignal(Protocol):
    """What the parent watches to stop a solve: a threading.Event, or anything answering is_set()."""

    def is_set(self) -> bool: ...


class SolverProcessFailed(RuntimeError):
    """The child raised (its message is carried over) or ended without an answer."""


def _child(work: Callable[..., Any], args: tuple[Any, ...], answers: Any, stop: Any, niceness: int) -> None:
    if niceness:
        os.nice(niceness)  # before the solver's threads start: they inherit it

    def on_progress(progress: Progress) -> None:
        answers.put(("progress", progress))

    try:
        answers.put(("done", work(*args, on_progress=on_progress, stop=stop)))
    except BaseException as error:  # the parent must learn why, whatever it was
        answers.put(("error", f"{type(error).__name__}: {error}"))


def run_in_process(work: Callable[..., Any], args: tuple[Any, ...], on_progress: Callable[[Progress], None],
                   stop: StopSignal, niceness: int = NICENESS) -> Any:
    """`work(*args, on_progress=..., stop=...)` in a child process; its answer (pickled back) or
    SolverProcessFailed. Setting `stop` sets the child's stop event; the child then answers its best so far."""
    answers = _context.Queue()
    child_stop = _context.Event()
    child = _context.Process(target=_child, args=(work, args, answers, child_stop, niceness), daemon=True,
                             name="roulement-solver")
    child.start()
    try:
        while True:
            if stop.is_set():
                child_stop.set()
            try:
                kind, value = answers.get(timeout=0.2)
            except queue.Empty:
                if not child.is_alive() and answers.empty():
                    raise SolverProcessFailed(f"the solver process ended without an answer "
                                              f"(exit code {child.exitcode})") from None
                continue
            if kind == "progress":
                on_progress(value)
            elif kind == "done":
                return value
            else:
                raise SolverProcessFailed(value)
    finally:
        child.join(10)
        if child.is_alive():  # it answered but hangs on exit, or the parent gave up: do not leave it behind
            child.kill()
            child.join(5)
        answers.close()


# The work done in the child. Module-level functions: the spawn start method pickles them by name.

def plan_work(scenario: Scenario, time_limit: float, workers: int, carried: Roster | None = None, *,
              on_progress: Callable[[Progress], None], stop: StopEvent) -> dict[str, Any]:
    """A full plan: the roster (or None), the solver's record, and the checker's count of violations. A period
    rolled forward plans around the previous period's last days (`carried`, fixed history: service/history.py)
    and is judged with them."""
    from roulement import service
    from roulement.service.history import plan_after
    from roulement.solve.search import SolveOptions

    options = SolveOptions(time_limit=time_limit, workers=workers)
    if carried is not None and carried.assignments:
        after = plan_after(scenario, carried, options, on_progress=on_progress, stop=stop)  # type: ignore[arg-type]
        violations = 0 if after.roster is None else len(
            service.audit(scenario, Roster([*carried, *after.roster])).violations)
        return {"roster": after.roster, "status": after.result.status, "solver": after.result.as_dict(),
                "interrupted": after.result.interrupted, "violations": violations}
    outcome = service.plan(scenario, options, on_progress=on_progress, stop=stop)  # type: ignore[arg-type]
    return {"roster": outcome.roster, "status": outcome.result.status, "solver": outcome.result.as_dict(),
            "interrupted": outcome.result.interrupted,
            "violations": len(outcome.checked.violations) if outcome.checked else 0}


def replan_work(disrupted: Scenario, published: Roster, employee: str, date: Any, time_limit: float, workers: int,
                *, on_progress: Callable[[Progress], None], stop: StopEvent) -> dict[str, Any]:
    """A day off accepted: re-plan locally from that day and judge whether the day is freed without breaking
    more rules. Answers `roster` (to save, or None) and `outcome` (what the request records)."""
    from roulement import service
    from roulement.solve.search import SolveOptions

    replanned = service.replan(disrupted, published, date, [f"{employee} off on {date.isoformat()}"],
                               SolveOptions(time_limit=time_limit, workers=workers),
                               on_progress=on_progress, stop=stop)  # type: ignore[arg-type]
    roster = replanned.roster
    outcome: dict[str, Any] = {"honoured": False}
    answer: dict[str, Any] = {"roster": None, "interrupted": replanned.result.interrupted, "outcome": outcome,
                              "changes": len(replanned.changes)}
    if roster is None:
        outcome["reason"] = f"no roster found ({replanned.result.status}); {replanned.summary}"
    elif (employee, date) in roster.by_employee_date():
        outcome["reason"] = "the re-plan could not free the day: " + replanned.summary
    else:
        # Judged as the re-plan judges itself: on the plant with the day away and the hours it takes credited
        # (replanned.scenario); the published roster breaks the promise itself (core.absence that day), which
        # does not count against the re-plan.
        before = [v for v in service.audit(replanned.scenario, published).violations
                  if not (v["rule"] == "core.absence" and v["employee"] == employee)]
        after = service.audit(replanned.scenario, roster).violations
        if len(after) > len(before):
            new_rules = {v["rule"] for v in after} - {v["rule"] for v in before}
            broken = sorted(new_rules or {v["rule"] for v in after})
            outcome["reason"] = (f"freeing the day breaks {len(after) - len(before)} more rule(s) "
                                 f"({', '.join(broken)}): nobody can stand in")
            outcome["rules"] = broken
        else:
            answer["roster"] = roster
            answer["once_saved"] = {"changes": len(replanned.changes), "violations_before": len(before),
                                    "violations_after": len(after), "summary": replanned.summary}
    return answer


def price_work(scenario: Scenario, roster: Roster, employee: str, date: Any, lang: str, time_limit: float,
               workers: int, *, on_progress: Callable[[Progress], None], stop: StopEvent) -> list[str]:
    """What granting a day off would cost (`service.explain_day`: a local re-solve with the request forced,
    compared with the roster as it is), in the reader's language."""
    from roulement import service

    return service.explain_day(scenario, roster, employee, date, lang,  # type: ignore[arg-type]
                               time_limit=time_limit, workers=workers)
