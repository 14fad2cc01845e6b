"""The task runner: Ray (a local runtime with 2 CPUs), local processes and serial give the same results;
a killed worker's task is retried; a task that always fails is named and the rest complete."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from roulement.tasks import Task, TaskRunnerError, ray_available, run_tasks
from tests.conftest import ON_RAY

needs_ray = pytest.mark.skipif(not ray_available(), reason="Ray is not installed (pip install 'roulement[cluster]')")


def square(value: int) -> int:
    return value * value


def die_once(marker: str, value: int) -> int:
    """Kills its own process the first time it runs (the marker file remembers), then answers."""
    if not os.path.exists(marker):
        Path(marker).write_text("killed once\n")
        os.kill(os.getpid(), signal.SIGKILL)
    return value * value


def always_fails(value: int) -> int:
    raise ValueError(f"broken on purpose ({value})")


def _squares(count: int) -> list[Task[int]]:
    return [Task(f"square-{n}", square, (n,)) for n in range(count)]


@pytest.mark.parametrize("engine", ["serial", "processes"])
def test_local_engines_return_every_result_in_task_order(engine: str) -> None:
    seen: list[tuple[int, int, str]] = []
    run = run_tasks(_squares(5), engine=engine, workers=2, on_progress=lambda *a: seen.append(a))  # type: ignore[arg-type]
    assert list(run.results.items()) == [(f"square-{n}", n * n) for n in range(5)]
    assert not run.failures and not run.interrupted and run.not_run == 0
    assert [done for done, _, _ in seen] == [1, 2, 3, 4, 5] and all(total == 5 for _, total, _ in seen)


def test_processes_retry_a_task_whose_process_was_killed(tmp_path: Path) -> None:
    tasks = [*_squares(3), Task("dies-once", die_once, (str(tmp_path / "marker"), 7))]
    run = run_tasks(tasks, engine="processes", workers=2, retries=2)
    assert (tmp_path / "marker").exists()  # it really was killed once
    assert run.results["dies-once"] == 49 and not run.failures
    assert run.results == run_tasks(tasks, engine="serial").results


def test_a_task_that_always_fails_is_named_and_the_rest_complete() -> None:
    tasks = [*_squares(3), Task("site-broken", always_fails, (3,))]
    for engine in ("serial", "processes"):
        run = run_tasks(tasks, engine=engine, workers=2)  # type: ignore[arg-type]
        assert [f.name for f in run.failures] == ["site-broken"]
        assert "ValueError: broken on purpose (3)" in run.failures[0].error
        assert run.results == {"square-0": 0, "square-1": 1, "square-2": 4}


def test_a_stop_returns_what_is_done() -> None:
    stop = threading.Event()
    stop.set()
    run = run_tasks(_squares(3), engine="serial", stop=stop)
    assert run.interrupted and run.results == {} and run.not_run == 3


def test_names_must_be_unique() -> None:
    with pytest.raises(TaskRunnerError, match="unique"):
        run_tasks([Task("same", square, (1,)), Task("same", square, (2,))], engine="serial")


@needs_ray
@ON_RAY
def test_ray_gives_the_serial_results(local_ray: None) -> None:
    run = run_tasks(_squares(6), engine="ray")
    assert run.engine == "ray" and run.workers == 2
    assert run.results == run_tasks(_squares(6), engine="serial").results


@needs_ray
@ON_RAY
def test_ray_retries_a_task_whose_worker_was_killed(local_ray: None, tmp_path: Path) -> None:
    tasks = [*_squares(3), Task("dies-once", die_once, (str(tmp_path / "marker"), 7))]
    run = run_tasks(tasks, engine="ray", retries=2)
    assert (tmp_path / "marker").exists()
    assert not run.failures and run.results["dies-once"] == 49 and len(run.results) == 4


@needs_ray
@ON_RAY
def test_ray_names_a_task_that_always_fails(local_ray: None) -> None:
    run = run_tasks([*_squares(3), Task("site-broken", always_fails, (3,))], engine="ray")
    assert [f.name for f in run.failures] == ["site-broken"]
    assert "broken on purpose (3)" in run.failures[0].error
    assert run.results == {"square-0": 0, "square-1": 1, "square-2": 4}


def sleepy(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


@pytest.mark.parametrize("engine", ["processes", pytest.param("ray", marks=[needs_ray, ON_RAY])])
def test_a_stop_mid_run_cancels_the_rest_and_keeps_what_is_done(engine: str, request: pytest.FixtureRequest) -> None:
    if engine == "ray":
        request.getfixturevalue("local_ray")
    stop = threading.Event()
    tasks = [Task("quick", sleepy, (0.0,)), *(Task(f"slow-{n}", sleepy, (30.0,)) for n in range(3))]
    run = run_tasks(tasks, engine=engine, workers=2, on_progress=lambda *_: stop.set(), stop=stop)  # type: ignore[arg-type]
    assert run.interrupted and run.results == {"quick": 0.0} and run.not_run == 3
    assert run.wall_time < 20
