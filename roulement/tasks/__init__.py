"""Run many independent tasks (site plans, sampled what-ifs) on Ray, or in local processes without it.

A task is a picklable function and its arguments: it carries its scenario and options in and its roster
and figures out, and shares nothing. Workers write nothing (no files, no database): the caller writes
what the tasks return. `run_tasks` picks the engine:

- `ray`: an embedded local Ray runtime by default, or an existing cluster given by `address` (or the
  `RAY_ADDRESS` environment variable). A worker that dies has its task retried by Ray.
- `processes`: `concurrent.futures` over local processes, when Ray is not installed. A dead process
  breaks its pool; the pool is rebuilt and the tasks that were in it are tried again.
- `serial`: one after the other in this process (the reference the others must match).

A task that keeps failing is reported by name and the rest complete. Ctrl-C (or `stop`) stops waiting,
cancels what is still running and returns what is done.
"""

from __future__ import annotations

import concurrent.futures as futures
import importlib.util
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

T = TypeVar("T")

Engine = Literal["auto", "ray", "processes", "serial"]
# Called in the caller's thread after each task ends (done or failed): tasks ended, tasks in all, its name.
ProgressCallback = Callable[[int, int, str], None]

# Tries after the first for a task whose worker died.
DEFAULT_RETRIES = 2


@dataclass(frozen=True)
class Task(Generic[T]):
    """`function(*args)` under a name unique in its run; the function must be importable by the workers."""

    name: str
    function: Callable[..., T]
    args: tuple[Any, ...] = ()
    # CPUs the task keeps busy (e.g. CP-SAT threads), so the scheduler does not oversubscribe the machine.
    cpus: int = 1


@dataclass(frozen=True)
class TaskFailure:
    name: str
    error: str
    attempts: int


@dataclass
class TaskRun(Generic[T]):
    """What came back: results by task name (in the order the tasks were given), failures, and timings."""

    engine: str
    workers: int
    results: dict[str, T] = field(default_factory=dict)
    failures: list[TaskFailure] = field(default_factory=list)
    # Seconds each finished task ran inside its worker (not counting queueing or transfer).
    durations: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False
    wall_time: float = 0.0

    total: int = 0
    # Seconds spent starting or joining the engine (Ray's runtime, a worker per CPU started and warmed), inside
    # wall_time.
    startup_time: float = 0.0

    @property
    def not_run(self) -> int:
        """Tasks neither finished nor failed: what a stop left undone."""
        return self.total - len(self.results) - len(self.failures)

    def summary(self) -> dict[str, Any]:
        busy = sum(self.durations.values())
        return {
            "engine": self.engine,
            "workers": self.workers,
            "tasks": self.total,
            "done": len(self.results),
            "failed": [{"name": f.name, "error": f.error, "attempts": f.attempts} for f in self.failures],
            "not_run": self.not_run,
            "interrupted": self.interrupted,
            "wall_time": round(self.wall_time, 3),
            "startup_time": round(self.startup_time, 3),
            "task_seconds": round(busy, 3),
            # Wall time against the ideal of the tasks' own time spread evenly over the workers.
            "ideal_wall_time": round(busy / self.workers, 3) if self.workers else None,
        }


class TaskRunnerError(RuntimeError):
    pass


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None


def run_tasks(
    tasks: Sequence[Task[T]],
    *,
    engine: Engine = "auto",
    workers: int | None = None,
    address: str | None = None,
    retries: int = DEFAULT_RETRIES,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> TaskRun[T]:
    """Run `tasks`; never raises for a task's own failure (see `TaskRun.failures`).

    `workers` is the number of CPUs of the embedded Ray runtime or of local processes (default: this
    machine's); on an existing cluster it is ignored and the cluster's CPUs are used."""
    names = [task.name for task in tasks]
    if len(set(names)) != len(names):
        raise TaskRunnerError("task names must be unique in one run")
    chosen = engine
    address = address or os.environ.get("RAY_ADDRESS") or None
    if chosen == "auto":
        chosen = "ray" if ray_available() else "processes"
    if chosen == "ray" and not ray_available():
        raise TaskRunnerError("Ray is not installed: pip install 'roulement[cluster]', or run in local processes")
    if address is not None and chosen != "ray":
        raise TaskRunnerError("--address / RAY_ADDRESS needs Ray (pip install 'roulement[cluster]')")
    count = workers or os.cpu_count() or 1
    stop = stop if stop is not None else threading.Event()
    started = time.monotonic()
    if chosen == "serial":
        run: TaskRun[T] = _run_serial(tasks, on_progress, stop)
    elif chosen == "processes":
        run = _run_processes(tasks, count, retries, on_progress, stop)
    else:
        from roulement.tasks.on_ray import run_on_ray

        run = run_on_ray(tasks, count, address, retries, on_progress, stop)
    run.total = len(tasks)
    run.wall_time = time.monotonic() - started
    ordered = {name: run.results[name] for name in names if name in run.results}
    run.results = ordered
    return run


@contextmanager
def engine_started(
    engine: Engine = "auto", workers: int | None = None, address: str | None = None, warm: tuple[str, ...] = ()
) -> Iterator[None]:
    """Start the engine's runtime now, in the background, for every `run_tasks` inside the block.

    On Ray the runtime (an embedded one, or the cluster at `address`) starts in another thread while this one
    goes on (reading and validating the scenarios, cutting a plant into parts); the first `run_tasks` waits
    for it only as long as it still takes, and every run in the block uses it, so a plan run in two passes
    starts Ray once. `warm`: modules the tasks will run, imported into a worker per CPU in the same background
    start (seconds of OR-Tools and Pydantic on a cold worker). An embedded runtime stops at the end of the
    block. Other engines: nothing to start."""
    chosen = engine
    if chosen == "auto":
        chosen = "ray" if ray_available() else "processes"
    if chosen != "ray" or not ray_available():
        yield
        return
    from roulement.tasks import on_ray

    with on_ray.started_in_background(address or os.environ.get("RAY_ADDRESS") or None,
                                      workers or os.cpu_count() or 1, warm):
        yield


def timed_call(function: Callable[..., T], args: tuple[Any, ...]) -> tuple[T, float]:
    """What a worker runs: the task, and the seconds it took there."""
    started = time.monotonic()
    result = function(*args)
    return result, time.monotonic() - started


def describe_error(error: BaseException) -> str:
    """One line naming what went wrong in a task."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[-1] if text else ''}".rstrip(": ")


def _run_serial(tasks: Sequence[Task[T]], on_progress: ProgressCallback | None, stop: threading.Event) -> TaskRun[T]:
    run: TaskRun[T] = TaskRun(engine="serial", workers=1)
    for ended, task in enumerate(tasks, start=1):
        if stop.is_set():
            run.interrupted = True
            break
        try:
            result, seconds = timed_call(task.function, task.args)
        except KeyboardInterrupt:
            run.interrupted = True
            break
        except Exception as error:
            run.failures.append(TaskFailure(task.name, describe_error(error), 1))
        else:
            run.results[task.name], run.durations[task.name] = result, seconds
        if on_progress is not None:
            on_progress(ended, len(tasks), task.name)
    return run


def _run_processes(
    tasks: Sequence[Task[T]], workers: int, retries: int, on_progress: ProgressCallback | None, stop: threading.Event
) -> TaskRun[T]:
    run: TaskRun[T] = TaskRun(engine="processes", workers=workers)
    by_name = {task.name: task for task in tasks}
    attempts = dict.fromkeys(by_name, 0)
    waiting = list(by_name)
    ended = 0
    # spawn, not fork: the caller may hold threads (the live display, CP-SAT) that a fork would copy mid-state.
    context = multiprocessing.get_context("spawn")
    while waiting and not run.interrupted:
        pool = futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
        running: dict[futures.Future[tuple[T, float]], str] = {}
        for name in waiting:
            attempts[name] += 1
            running[pool.submit(timed_call, by_name[name].function, by_name[name].args)] = name
        waiting = []
        try:
            while running:
                if stop.is_set():
                    raise KeyboardInterrupt
                done, _ = futures.wait(running, timeout=0.2, return_when=futures.FIRST_COMPLETED)
                for future in done:
                    name = running.pop(future)
                    error = future.exception()
                    if isinstance(error, BrokenProcessPool):
                        # A worker died; every task in the pool is lost with it, and each is tried again.
                        if attempts[name] <= retries:
                            waiting.append(name)
                            continue
                        run.failures.append(TaskFailure(name, "its worker process died", attempts[name]))
                    elif error is not None:
                        run.failures.append(TaskFailure(name, describe_error(error), attempts[name]))
                    else:
                        run.results[name], run.durations[name] = future.result()
                    ended += 1
                    if on_progress is not None:
                        on_progress(ended, len(tasks), name)
        except KeyboardInterrupt:
            run.interrupted = True
            _terminate(pool)
        finally:
            pool.shutdown(wait=not run.interrupted, cancel_futures=True)
    return run


def _terminate(pool: futures.ProcessPoolExecutor) -> None:
    """Stop the pool's processes now (Python 3.14 has terminate_workers(); before, only the private map)."""
    processes: dict[int, multiprocessing.process.BaseProcess] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        try:
            process.terminate()
        except Exception:  # already gone
            traceback.print_exc(limit=0)


__all__ = [
    "DEFAULT_RETRIES",
    "Engine",
    "ProgressCallback",
    "Task",
    "TaskFailure",
    "TaskRun",
    "TaskRunnerError",
    "describe_error",
    "engine_started",
    "ray_available",
    "run_tasks",
    "timed_call",
]
