"""Ctrl-C (SIGINT) and SIGTERM (from `timeout`, systemd or a container stop) both stop a search the same way:
the best roster in hand is kept and written, never lost."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While in the main thread, SIGINT and SIGTERM set `stop` instead of raising or killing the process.

    A KeyboardInterrupt surfaces wherever the main thread happens to be, and SIGTERM's default kills the
    process at once: either would lose the roster in hand. An event is looked at where the work can act on
    it. Elsewhere than in the main thread (a web worker) Python cannot install handlers: nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[signal.Signals, Any] = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    for number in STOP_SIGNALS:
        signal.signal(number, lambda received, frame: stop.set())
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
