"""Ctrl-C during a solve stops the search and keeps the best roster found: nothing is lost."""

from __future__ import annotations

import os
import signal
import threading

from roulement.check import check_roster
from roulement.examples.kos import kos_de
from roulement.solve import Progress, SolveOptions, solve
from tests.factory import scenario


def test_sigint_keeps_the_best_roster() -> None:
    assert threading.current_thread() is threading.main_thread()  # Python delivers SIGINT to the main thread
    plant = kos_de()
    sent = threading.Event()

    def interrupt_after_first_roster(progress: Progress) -> None:
        if progress.objective is not None and not sent.is_set():
            sent.set()
            os.kill(os.getpid(), signal.SIGINT)

    result = solve(plant, SolveOptions(time_limit=120, workers=2), on_progress=interrupt_after_first_roster)

    assert sent.is_set()
    assert result.interrupted
    assert result.roster is not None
    assert result.wall_time < 100  # stopped, not run to the limit
    assert check_roster(plant, result.roster).violations == []


def test_stop_event_keeps_the_best_roster() -> None:
    plant = kos_de()
    stop = threading.Event()
    result = solve(plant, SolveOptions(time_limit=120, workers=2),
                   on_progress=lambda p: stop.set() if p.objective is not None else None, stop=stop)
    assert result.interrupted and result.roster is not None
    assert check_roster(plant, result.roster).violations == []


def test_solving_leaves_the_ctrl_c_handler_as_it_found_it() -> None:
    before = signal.getsignal(signal.SIGINT)
    plant = scenario(employees=[{"id": f"e{i}", "skills": ["op"]} for i in range(6)],
                     demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}])
    result = solve(plant, SolveOptions(time_limit=3, workers=2))
    assert result.roster is not None
    assert signal.getsignal(signal.SIGINT) is before
