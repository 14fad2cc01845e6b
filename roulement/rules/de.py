"""German working-time law (ArbZG) for continuous shift operations; see docs/rules.md for sources."""

from __future__ import annotations

from roulement.rules.base import Rule
from roulement.rules.working_time import (
    FROM_SHIFT_START,
    AverageWeeklyMax,
    DailyMax,
    DailyRest,
    FreeSundays,
    ShiftBreaks,
    SubstituteRestDays,
)

# §2(5) Nr.1: night work in rotating shifts makes a night worker, so one night in a week is enough.
NIGHTS_PER_WEEK = 1


def german_rules() -> list[Rule]:
    return [
        DailyRest("de.daily-rest", "DE ArbZG §5", min_hours=11),
        DailyMax("de.daily-max", "DE ArbZG §3", max_hours=10, window=FROM_SHIFT_START),
        # §3: 8 h per Werktag (Mon-Sat) on average over 24 weeks, i.e. 48 h a week.
        AverageWeeklyMax("de.average-hours", "DE ArbZG §3", max_hours=48, window_weeks=24),
        ShiftBreaks("de.breaks", "DE ArbZG §4", thresholds=[[6.01, 30], [9.01, 45]]),
        DailyMax("de.night-daily-max", "DE ArbZG §6(2)", max_hours=10, window=FROM_SHIFT_START, night_workers_only=True,
                 nights_per_week=NIGHTS_PER_WEEK),
        # §6(2): night workers average 8 h per Werktag within one month or four weeks.
        AverageWeeklyMax("de.night-average-hours", "DE ArbZG §6(2)", max_hours=48, window_weeks=4,
                         night_workers_only=True, nights_per_week=NIGHTS_PER_WEEK),
        FreeSundays("de.free-sundays", "DE ArbZG §11(1)", per_year=15, offset_hours=0.0),
        SubstituteRestDays("de.substitute-rest-day", "DE ArbZG §11(3)", window_days=14, holiday_window_days=56),
    ]
