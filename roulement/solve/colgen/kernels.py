"""The dense walk's inner loops, compiled by Numba: one day's moves over the (state, resource) table.

numpy alone spent most of its time in `minimum.reduceat` (several moves reach the same state); a compiled
loop also skips the unreachable cells, most of the table. Compiled once per machine (`cache=True`).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

_INF = np.inf


@numba.njit(cache=True, nogil=True)
def forward(table: Any, following: Any, sources: Any, options: Any, targets: Any, prices: Any, delta: int,
            valid: Any) -> None:
    """following[target, r + delta] = min(itself, table[source, r] + price) for each move and valid r."""
    resources = table.shape[1]
    for move in range(sources.shape[0]):
        source = sources[move]
        target = targets[move]
        price = prices[options[move]]
        for resource in range(resources - delta):
            value = table[source, resource]
            if value == _INF or not valid[resource]:
                continue
            value = value + price
            if value < following[target, resource + delta]:
                following[target, resource + delta] = value


@numba.njit(cache=True, nogil=True)
def backward(after: Any, here: Any, sources: Any, options: Any, targets: Any, prices: Any, steps: int) -> None:
    """here[source, m] = min(itself, price + after[target, m + steps]): the cheapest completions, a day back."""
    levels = after.shape[1]
    for move in range(sources.shape[0]):
        source = sources[move]
        target = targets[move]
        price = prices[options[move]]
        for minutes in range(levels - steps):
            value = after[target, minutes + steps]
            if value == _INF:
                continue
            value = value + price
            if value < here[source, minutes]:
                here[source, minutes] = value


@numba.njit(cache=True, nogil=True)
def prune(table: Any, completion: Any, minute_level: Any, threshold: float) -> None:
    """Drop the cells whose price plus their cheapest completion cannot get below the threshold."""
    for state in range(table.shape[0]):
        for resource in range(table.shape[1]):
            value = table[state, resource]
            if value != _INF and value + completion[state, minute_level[resource]] >= threshold:
                table[state, resource] = _INF
