"""Planning a period after another: the previous period's last days, as worked, are fixed history the solve plans
around, so a rule across the boundary (the daily rest after a late shift, runs of days, the weekly rest) is kept,
not merely flagged afterwards.

The solver models one horizon. The plan is made on the horizon stretched back over the carried days, with the
re-plan's machinery (`solve.replan`): the days before the period's first are frozen as carried, every day from it
is free for everyone (`whole`), and every rule is encoded over the whole stretch, so it sees the boundary as it
sees any other day. The carried days are dropped from the answer: the roster is the period's own.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from roulement.formats.scenario_yaml import scenario_from_data
from roulement.model.calendar import Calendar
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.rules.contract import ContractHours
from roulement.solve.options import SolveOptions, SolveResult
from roulement.solve.replan import replan as replan_solve
from roulement.solve.runtime import Progress


@dataclass
class AfterHistory:
    """The period's roster (None when none was found) and the solve that made it, on the stretched horizon."""

    roster: Roster | None
    result: SolveResult


def stretched(scenario: Scenario, first_carried: dt.date, carried: Roster | None = None) -> Scenario:
    """The scenario with its horizon starting on `first_carried` and ending where it ended (validated anew, so
    every date-dependent part, such as the public holidays, is computed for the stretch).

    With `carried`, each contract's hours over the stretch are the period's own plus what the person worked in the
    carried days: the hard bounds (min and max minutes) exactly, the soft target by scaling the weekly hours. So the
    carried days neither owe nor excuse hours in the period."""
    data = scenario.model_dump(mode="json")
    back = (scenario.horizon.start - first_carried).days
    data["horizon"] = {**data["horizon"], "start": first_carried.isoformat(), "days": scenario.horizon.days + back}
    if carried is not None:
        calendar = Calendar(scenario)
        worked: dict[str, int] = {}
        for a in carried:
            day = (a.date - scenario.horizon.start).days
            worked[a.employee] = worked.get(a.employee, 0) + calendar.occurrence(day, a.shift).worked
        rule, period = ContractHours(), scenario.horizon.days
        for employee, row in zip(scenario.employees, data["employees"], strict=True):
            low, high, target = rule.bounds(employee, period, scenario.horizon.start)
            before = worked.get(employee.id, 0)
            contract = row.setdefault("contract", {})
            if low is not None:
                contract["min_minutes"] = low + before
            if high is not None:
                contract["max_minutes"] = high + before
            _, _, stretch_target = rule.bounds(employee, period + back, first_carried)
            if target is not None and stretch_target:
                weekly = employee.contract.weekly_hours * (target + before) / stretch_target
                if 0 < weekly <= 60:
                    contract["weekly_hours"] = weekly
    return scenario_from_data(data, "scenario")


def plan_after(scenario: Scenario, carried: Roster, options: SolveOptions,
               on_progress: Callable[[Progress], None] | None = None,
               stop: threading.Event | None = None) -> AfterHistory:
    """Plan `scenario`'s period with `carried` (the previous period's last days, before its horizon) fixed."""
    first = scenario.horizon.start
    history = Roster([a for a in carried if a.date < first])
    if not history.assignments:
        raise ValueError("plan_after: nothing carried before the horizon")
    whole = stretched(scenario, min(a.date for a in history), history)
    replanned = replan_solve(whole, history, first, options, whole=True, on_progress=on_progress, stop=stop)
    roster = replanned.roster
    own = None if roster is None else Roster([a for a in roster if a.date >= first])
    return AfterHistory(own, replanned.result)
