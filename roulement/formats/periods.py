"""Rolling a plant forward to its next period, on the scenario's data (its YAML/JSON form): the one place the
command line's `roll-forward` (through `service.history`) and the web's roll-forward (`store.repository`) take
it from."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

# The longest look-back of the working-time rules: a week (the weekly rest, six days in a row). That many days of
# the previous period are carried in front of the next one.
CARRIED_DAYS = 7


def next_period_data(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a scenario's data for its next period: the same site, people, shifts, posts and demand over as
    many days from the day after its horizon. What belongs to the old period goes: requests and dated demand
    outside the new horizon, absences that ended before it."""
    rolled = copy.deepcopy(data)
    old_start = dt.date.fromisoformat(str(rolled["horizon"]["start"]))
    days = int(rolled["horizon"]["days"])
    start = old_start + dt.timedelta(days=days)
    end = start + dt.timedelta(days=days - 1)
    rolled["horizon"] = {**rolled["horizon"], "start": start.isoformat(), "days": days}

    def inside(day: str) -> bool:
        return start <= dt.date.fromisoformat(day) <= end

    for employee in rolled.get("employees") or []:
        employee["requests"] = [r for r in employee.get("requests") or [] if inside(r["date"])]
        employee["absences"] = [a for a in employee.get("absences") or []
                                if dt.date.fromisoformat(a["end"]) >= start]
    demand = []
    for item in rolled.get("demand") or []:
        if item.get("dates") is not None:
            item["dates"] = [d for d in item["dates"] if inside(d)]
            if not item["dates"]:
                continue
        demand.append(item)
    rolled["demand"] = demand
    return rolled
