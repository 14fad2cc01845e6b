"""French working-time law (Code du travail) for continuous-process plants; see docs/rules.md for sources."""

from __future__ import annotations

from roulement.rules.base import Rule
from roulement.rules.working_time import (
    AverageWeeklyMax,
    DailyMax,
    DailyRest,
    MaxDaysPerWeek,
    ShiftBreaks,
    WeeklyMax,
    WeeklyRest,
)
from roulement.rules.year import ContinuousCycleAverage

# Night-worker status (L3122-5 1°): at least twice a week, 3 h or more of night work each time.
NIGHTS_PER_WEEK = 2


def french_rules() -> list[Rule]:
    return [
        DailyRest("fr.daily-rest", "FR L3131-1", min_hours=11),
        DailyMax("fr.daily-max", "FR L3121-18", max_hours=10),
        WeeklyMax("fr.weekly-max", "FR L3121-20", max_hours=48),
        AverageWeeklyMax("fr.weekly-average", "FR L3121-22", max_hours=44, window_weeks=12),
        MaxDaysPerWeek("fr.max-days-per-week", "FR L3132-1", max_days=6),
        WeeklyRest("fr.weekly-rest", "FR L3132-2", min_hours=35, min_in_week_hours=24),
        ShiftBreaks("fr.break", "FR L3121-16", thresholds=[[6, 20]]),
        DailyMax("fr.night-daily-max", "FR L3122-6", max_hours=8, night_workers_only=True,
                 nights_per_week=NIGHTS_PER_WEEK),
        AverageWeeklyMax("fr.night-weekly-average", "FR L3122-7", max_hours=40, window_weeks=12,
                         night_workers_only=True, nights_per_week=NIGHTS_PER_WEEK),
        ContinuousCycleAverage("fr.cycle-average", "FR L3132-15", max_hours=35),
    ]
