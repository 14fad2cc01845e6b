"""The Ray engine of `run_tasks`: an embedded local runtime, or an existing cluster."""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import ray
import ray.exceptions

import roulement
from roulement.tasks import (
    ProgressCallback,
    Task,
    TaskFailure,
    TaskRun,
    TaskRunnerError,
    describe_error,
    timed_call,
)

T = TypeVar("T")

_remote_call: Any = None


def _remote() -> Any:
    global _remote_call
    if _remote_call is None:
        _remote_call = ray.remote(timed_call)
    return _remote_call


def connect(address: str | None, workers: int) -> bool:
    """Join the cluster at `address`, or start an embedded runtime with `workers` CPUs; True if started here.

    A runtime already initialised in this process (a test's, a notebook's) is used as it is. On an existing
    cluster this process's copy of roulement is shipped with the tasks, so the workers run the same code;
    its dependencies (OR-Tools, Pydantic, ...) must be installed on the cluster's nodes."""
    if ray.is_initialized():
        return False
    common: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
    if address is None:
        # "local": a runtime of our own, even when `ray start` left a cluster on this machine (Ray would join it).
        ray.init(address="local", num_cpus=workers, include_dashboard=False, **common)
        return True
    try:
        ray.init(address=address, runtime_env={"py_modules": [roulement]}, **common)
    except (ConnectionError, RuntimeError, ray.exceptions.RayError) as error:
        raise TaskRunnerError(
            f"--address {address}: cannot join the Ray cluster ({describe_error(error)}); a cluster with token "
            "authentication needs RAY_AUTH_MODE=token and its token (see docs/scale.md)") from error
    return True


class _Background:
    """A runtime being started in another thread (`started_in_background`), for `run_on_ray` to wait for."""

    def __init__(self) -> None:
        self.ready: threading.Event | None = None
        self.error: BaseException | None = None

    def wait(self) -> None:
        if self.ready is not None:
            self.ready.wait()
            self.ready = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error


_background = _Background()


class _NotMainThread(logging.Filter):
    """Drops Ray's warning that a runtime started outside the main thread sets no SIGTERM handler: expected here
    (the command's own Ctrl-C and exit still stop the runtime), and noise on the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "current thread is not the main thread" not in record.getMessage()


@contextmanager
def started_in_background(address: str | None, workers: int, modules: tuple[str, ...] = ()) -> Iterator[None]:
    """Connect (or start an embedded runtime) in another thread during the block, and import `modules` into a
    worker per CPU (`warm_modules`); shut it down after, if it was started here. A runtime already initialised
    in this process (or being started by an outer block) is used as it is.

    The thread that started the runtime lives until it is shut down: Ray's processes are bound to the thread
    that spawned them (Linux's parent-death signal) and would be killed when it ended."""
    _background.wait()
    if ray.is_initialized():
        yield
        return
    started: list[bool] = []
    ready, finished = threading.Event(), threading.Event()

    def start() -> None:
        try:
            started.append(connect(address, workers))
            warm_modules(modules, cluster_cpus())
        except BaseException as error:  # handed to whoever waits for the runtime
            _background.error = error
        finally:
            ready.set()
        finished.wait()

    quiet = _NotMainThread()
    logging.getLogger("ray").addFilter(quiet)
    logging.getLogger("ray._private.worker").addFilter(quiet)
    _background.ready = ready
    keeper = threading.Thread(target=start, name="ray runtime", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        try:
            _background.wait()
        finally:
            if any(started):
                ray.shutdown()
            finished.set()
            keeper.join()
            logging.getLogger("ray").removeFilter(quiet)
            logging.getLogger("ray._private.worker").removeFilter(quiet)


def warm(modules: tuple[str, ...], hold: float) -> None:
    """A task that imports the tasks' modules into its worker, then holds its CPU a moment so that the other
    warm-ups land on the other workers."""
    for module in modules:
        importlib.import_module(module)
    time.sleep(hold)


# Seconds each warm-up holds its CPU after its imports.
WARM_HOLD = 0.3


def warm_workers(tasks: Sequence[Task[T]], cpus: int) -> None:
    """Start a worker per CPU and import what the tasks run into each, before the first task: a cold worker
    spends seconds importing OR-Tools, Pydantic and roulement, which would otherwise land inside the run."""
    if tasks:
        warm_modules(tuple(sorted({task.function.__module__ for task in tasks})), min(cpus, len(tasks)))


def warm_modules(modules: tuple[str, ...], workers: int) -> None:
    """`workers` warm-ups, each importing `modules` into its worker; returns when all are done."""
    if not modules or workers < 1:
        return
    remote = ray.remote(warm)
    ray.get([remote.options(num_cpus=1).remote(modules, WARM_HOLD) for _ in range(workers)])


def cluster_cpus() -> int:
    return int(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]


def run_on_ray(
    tasks: Sequence[Task[T]],
    workers: int,
    address: str | None,
    retries: int,
    on_progress: ProgressCallback | None,
    stop: threading.Event,
) -> TaskRun[T]:
    starting = time.monotonic()
    _background.wait()  # a runtime being started in the background (`started_in_background`)
    started_here = connect(address, workers)
    cpus = cluster_cpus()
    warm_workers(tasks, cpus)
    run: TaskRun[T] = TaskRun(engine="ray" if address is None else f"ray ({address})", workers=cpus,
                              startup_time=time.monotonic() - starting)
    remote = _remote()
    pending: dict[Any, Task[T]] = {}
    for task in tasks:
        # Retries cover a worker that dies (system failures); an exception raised by the task itself is
        # its answer, and running it again would raise it again.
        reference = remote.options(name=task.name, num_cpus=task.cpus, max_retries=retries,
                                   retry_exceptions=False).remote(task.function, task.args)
        pending[reference] = task
    ended = 0
    try:
        while pending:
            if stop.is_set():
                raise KeyboardInterrupt
            done, _ = ray.wait(list(pending), num_returns=1, timeout=0.2)
            for reference in done:
                task = pending.pop(reference)
                try:
                    run.results[task.name], run.durations[task.name] = ray.get(reference)
                except ray.exceptions.RayTaskError as error:
                    cause = error.cause if isinstance(error.cause, BaseException) else error
                    run.failures.append(TaskFailure(task.name, describe_error(cause), 1))
                except ray.exceptions.RayError as error:
                    # The worker died on every try (killed, out of memory, node lost).
                    run.failures.append(TaskFailure(task.name, describe_error(error), retries + 1))
                ended += 1
                if on_progress is not None:
                    on_progress(ended, len(tasks), task.name)
    except KeyboardInterrupt:
        run.interrupted = True
        for reference in pending:
            ray.cancel(reference, force=True)
    finally:
        if started_here:
            ray.shutdown()
    return run
