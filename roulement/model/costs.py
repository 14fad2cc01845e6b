"""Facts about costs that every layer shares."""

from __future__ import annotations

import math

# A float's last digits are noise: 32,748.9999997 proves 32,749.
_FLOAT_NOISE = 1e-6


def least_whole_cost(bound: float) -> int:
    """The least cost a lower bound allows. Costs are whole numbers and never negative, so no roster costs
    less than the bound rounded up, or 0 (an early Lagrangian bound can be far below zero)."""
    return max(0, math.ceil(bound - _FLOAT_NOISE))
