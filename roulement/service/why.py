"""explain: why a person works (or not) on a day, and how close a couple could be; in the reader's language."""

from __future__ import annotations

import datetime as dt

from roulement.analyse.explain import explain_day as day_facts
from roulement.analyse.households import Togetherness, togetherness
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from roulement.report.explanations import facts_text
from roulement.report.messages import Lang


def explain_day(scenario: Scenario, roster: Roster, employee_id: str, day: dt.date, lang: Lang = "en",
                time_limit: float = 10.0, workers: int = 2) -> list[str]:
    """Why `employee_id` works or not on `day`, and why each of their requests that day is granted or not."""
    return facts_text(day_facts(scenario, roster, employee_id, day, time_limit, workers), lang)


def explain_household(scenario: Scenario, roster: Roster, household_id: str, time_limit: float = 20.0,
                      workers: int = 2) -> Togetherness:
    """How close could this couple be: planned alone with their fair shares, then with fewer nights."""
    return togetherness(scenario, roster, household_id, time_limit, workers)
