"""Solves run outside the web process, at a lower priority: the child's answer, progress, stop and death."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest

from roulement.solve.search import Progress
from roulement.web.solver_process import NICENESS, SolverProcessFailed, run_in_process


def where_and_how_nice(label: str, *, on_progress: Any, stop: Any) -> dict[str, Any]:
    on_progress(Progress(elapsed=0.5, solutions=1, objective=7.0, bound=3.0))
    return {"label": label, "pid": os.getpid(), "niceness": os.nice(0)}


def until_stopped(*, on_progress: Any, stop: Any) -> str:
    on_progress(Progress(elapsed=0.0, solutions=0, objective=None, bound=None))
    return "stopped" if stop.wait(30) else "never stopped"


def dies(*, on_progress: Any, stop: Any) -> None:
    os._exit(3)


def raises(*, on_progress: Any, stop: Any) -> None:
    raise ValueError("no such post")


def test_the_work_runs_in_another_process_at_a_lower_priority_and_its_progress_comes_back() -> None:
    seen: list[Progress] = []
    answer = run_in_process(where_and_how_nice, ("kos",), seen.append, threading.Event())
    assert answer["label"] == "kos"
    assert answer["pid"] != os.getpid()
    assert answer["niceness"] == min(19, os.nice(0) + NICENESS)
    assert seen == [Progress(elapsed=0.5, solutions=1, objective=7.0, bound=3.0)]


def test_stopping_reaches_the_child() -> None:
    stop = threading.Event()

    def on_progress(progress: Progress) -> None:
        stop.set()  # the child has started: cancel it

    assert run_in_process(until_stopped, (), on_progress, stop) == "stopped"


def test_a_child_that_dies_or_raises_is_a_failure_with_its_reason() -> None:
    with pytest.raises(SolverProcessFailed, match="exit code 3"):
        run_in_process(dies, (), lambda _: None, threading.Event())
    with pytest.raises(SolverProcessFailed, match="ValueError: no such post"):
        run_in_process(raises, (), lambda _: None, threading.Event())
