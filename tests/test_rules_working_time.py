"""fr.* and de.*: working-time law judged on real worked time (clock times, DST), written from the statutes.

Day offsets count from Monday 2026-01-05 unless a test says otherwise. Shifts: M 05-13, A 13-21, N 21-05.
"""

from __future__ import annotations

import datetime as dt

from roulement.check import check_roster
from roulement.model.calendar import Calendar
from roulement.model.roster import Roster
from roulement.model.scenario import Scenario
from tests.factory import broken, day, person, roster, scenario, shift

# A long day (9 h 30, paid break): under the 10 h daily maximum, over the 8 h of a night worker.
LONG_DAY = shift("D", "07:00", "16:30", 30)
NINE = shift("G", "07:00", "16:00", 30)


# --- daily rest (FR L3131-1, DE ArbZG §5) ---------------------------------------------------------


def test_daily_rest_is_computed_from_clock_times() -> None:
    plant = scenario(employees=[person("e1")], extra_shifts=[shift("E", "08:00", "16:00", 30)])
    # Late (ends 21:00) then a shift at 08:00: exactly 11 h. Night then an early two days later: 24 h.
    ok = check_roster(plant, roster(("e1", 0, "A"), ("e1", 1, "E"), ("e1", 2, "N"), ("e1", 4, "M")))
    assert broken(ok, "fr.daily-rest") == []
    # Late then early: 21:00 to 05:00 is 8 h.
    [late_early] = broken(check_roster(plant, roster(("e1", 0, "A"), ("e1", 1, "M"))), "fr.daily-rest")
    assert (late_early.employee, late_early.dates) == ("e1", (day(0), day(1)))
    assert late_early.reference == "FR L3131-1" and "rests 8 h" in late_early.message
    # A night (ends 05:00 the next day) then the early shift that starts at 05:00: no rest at all.
    [night_early] = broken(check_roster(plant, roster(("e1", 2, "N"), ("e1", 3, "M"))), "fr.daily-rest")
    assert night_early.dates == (day(2), day(3)) and "rests 0 h" in night_early.message


def test_german_daily_rest() -> None:
    plant = scenario("DE", employees=[person("e1")])
    assert broken(check_roster(plant, roster(("e1", 0, "M"), ("e1", 1, "M"))), "de.daily-rest") == []
    [violation] = broken(check_roster(plant, roster(("e1", 0, "N"), ("e1", 1, "A"))), "de.daily-rest")
    assert (violation.employee, violation.dates, violation.reference) == (
        "e1",
        (day(0), day(1)),
        "DE ArbZG §5",
    )


# --- DST: real elapsed time -----------------------------------------------------------------------

AUTUMN = dt.date(2026, 10, 19)  # Monday; clocks go back at 03:00 on Sunday 2026-10-25 in Europe/Paris


def test_night_across_the_october_clock_change_lasts_nine_hours() -> None:
    plant = scenario(start=AUTUMN, employees=[person("e1")])
    calendar = Calendar(plant)
    assert calendar.occurrence(4, "N").worked == 8 * 60  # Friday night: ordinary
    assert calendar.occurrence(5, "N").worked == 9 * 60  # Saturday 24th 21:00 to Sunday 05:00: one hour more


def test_dst_night_breaks_the_german_daily_maximum_only_that_night() -> None:
    plant = scenario("DE", start=AUTUMN, employees=[person("e1")], extra_shifts=[shift("L", "20:00", "06:00", 45)])
    ok = check_roster(plant, roster(("e1", 3, "L"), start=AUTUMN))
    assert broken(ok, "de.daily-max") == []
    [violation] = broken(check_roster(plant, roster(("e1", 5, "L"), start=AUTUMN)), "de.daily-max")
    assert violation.dates == (dt.date(2026, 10, 24),) and "11 h" in violation.message


def test_dst_lengthens_the_rest_too() -> None:
    plant = scenario(start=AUTUMN, employees=[person("e1")], extra_shifts=[shift("S", "07:00", "15:00", 30)])
    # Late ending 21:00 then a 07:00 start is 10 h on the wall clock: a breach on an ordinary night...
    assert len(broken(check_roster(plant, roster(("e1", 3, "A"), ("e1", 4, "S"), start=AUTUMN)), "fr.daily-rest")) == 1
    # ...but 11 real hours on the night the clocks go back.
    assert broken(check_roster(plant, roster(("e1", 5, "A"), ("e1", 6, "S"), start=AUTUMN)), "fr.daily-rest") == []


# --- daily maximum: civil day (FR) vs 24 h from the shift start (DE) ------------------------------


def test_french_daily_maximum_judges_each_working_period() -> None:
    """L3121-18: 10 h of work a day, the day being the work between two daily rests (L3131-1), not a civil day."""
    plant = scenario(
        employees=[person("e1")],
        extra_shifts=[shift("D12", "07:00", "19:00", 45), shift("S12", "18:00", "06:00", 45),
                      shift("T", "20:00", "02:00"), shift("U", "08:00", "13:00")],
        rules={"settings": {"fr.daily-rest": {"mode": "off"}}},
    )
    [violation] = broken(check_roster(plant, roster(("e1", 0, "D12"))), "fr.daily-max")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(0),), "FR L3121-18")
    assert "12 h" in violation.message
    # One 18:00-06:00 shift: 6 h before midnight and 6 h after, but one working period of 12 h.
    [night] = broken(check_roster(plant, roster(("e1", 2, "S12"))), "fr.daily-max")
    assert night.dates == (day(2),) and "works 12 h" in night.message
    # Two shifts 6 h apart (no daily rest between) are one period: 6 h + 5 h = 11 h.
    [joined] = broken(check_roster(plant, roster(("e1", 0, "T"), ("e1", 1, "U"))), "fr.daily-max")
    assert joined.dates == (day(0), day(1)) and "11 h" in joined.message
    # With a daily rest between them, each shift is its own period: lawful, although both touch day 1.
    assert broken(check_roster(plant, roster(("e1", 0, "T"), ("e1", 2, "U"))), "fr.daily-max") == []
    # M (05-13) then a 00:00 start 11 h later: two periods of 8 h, lawful in France (compare the German test).
    french = scenario(employees=[person("e1")], extra_shifts=[shift("Z", "00:00", "08:00", 30)])
    assert broken(check_roster(french, roster(("e1", 0, "M"), ("e1", 1, "Z"))), "fr.daily-max") == []


def test_french_daily_maximum_follows_real_time_across_clock_changes() -> None:
    """A 19:00-06:00 shift (11 h on the wall clock) lasts 10 h on the night the clocks go forward."""
    spring = dt.date(2026, 3, 23)  # Monday; clocks go forward at 02:00 on Sunday 2026-03-29 in Europe/Paris
    plant = scenario(start=spring, employees=[person("e1")], extra_shifts=[shift("L", "19:00", "06:00")])
    assert len(broken(check_roster(plant, roster(("e1", 2, "L"), start=spring)), "fr.daily-max")) == 1
    assert broken(check_roster(plant, roster(("e1", 5, "L"), start=spring)), "fr.daily-max") == []
    # And a 20:00-06:00 shift lasts 11 h on the night they go back.
    autumn = scenario(start=AUTUMN, employees=[person("e1")], extra_shifts=[shift("W", "20:00", "06:00")])
    assert broken(check_roster(autumn, roster(("e1", 3, "W"), start=AUTUMN)), "fr.daily-max") == []
    [violation] = broken(check_roster(autumn, roster(("e1", 5, "W"), start=AUTUMN)), "fr.daily-max")
    assert violation.dates == (dt.date(2026, 10, 24),) and "11 h" in violation.message


def test_french_night_worker_daily_maximum_judges_each_night_shift() -> None:
    """L3122-6: 8 h for a night worker; two 20:00-06:00 nights in a week, on days not next to each other."""
    plant = scenario(employees=[person("e1")], extra_shifts=[shift("W", "20:00", "06:00")])
    apart = check_roster(plant, roster(("e1", 0, "W"), ("e1", 3, "W")))
    found = broken(apart, "fr.night-daily-max")
    assert [(v.dates, v.reference) for v in found] == [((day(0),), "FR L3122-6"), ((day(3),), "FR L3122-6")]
    assert all("10 h" in v.message for v in found)
    # One such night in the week makes no night worker (L3122-5): the 10 h general maximum holds it.
    assert broken(check_roster(plant, roster(("e1", 0, "W"))), "fr.night-daily-max") == []
    # 8 h nights are lawful for a night worker, but the 21:00-05:00 night lasts 9 h when the clocks go back.
    autumn = scenario(start=AUTUMN, employees=[person("e1", night_worker=True)])
    ordinary = check_roster(autumn, roster(("e1", 1, "N"), ("e1", 3, "N"), start=AUTUMN))
    assert broken(ordinary, "fr.night-daily-max") == []
    [dst] = broken(check_roster(autumn, roster(("e1", 5, "N"), start=AUTUMN)), "fr.night-daily-max")
    assert dst.dates == (dt.date(2026, 10, 24),) and "9 h" in dst.message


def test_german_daily_maximum_counts_24_hours_from_the_shift_start() -> None:
    plant = scenario(
        "DE",
        employees=[person("e1")],
        extra_shifts=[shift("N12", "19:00", "07:00", 45), shift("Z", "00:00", "08:00", 30)],
    )
    [night] = broken(check_roster(plant, roster(("e1", 2, "N12"))), "de.daily-max")
    assert (night.employee, night.dates, night.reference) == ("e1", (day(2),), "DE ArbZG §3")
    # M (05-13) then Z at midnight: 11 h rest, 8 h each civil day, but 13 h in the 24 h from 05:00.
    [werktag] = broken(check_roster(plant, roster(("e1", 0, "M"), ("e1", 1, "Z"))), "de.daily-max")
    assert werktag.dates == (day(0),) and "13 h" in werktag.message
    assert broken(check_roster(plant, roster(("e1", 0, "M"), ("e1", 1, "Z"))), "de.daily-rest") == []
    assert broken(check_roster(plant, roster(("e1", 0, "M"), ("e1", 2, "Z"))), "de.daily-max") == []


# --- night workers: FR twice a week (L3122-5), DE once in rotating shifts (§2(5)) -----------------


def test_french_night_worker_daily_maximum_needs_two_nights_in_a_week() -> None:
    plant = scenario(employees=[person("e1")], extra_shifts=[LONG_DAY])
    one_night = check_roster(plant, roster(("e1", 0, "N"), ("e1", 4, "D")))
    assert broken(one_night, "fr.night-daily-max") == []
    [violation] = broken(
        check_roster(plant, roster(("e1", 0, "N"), ("e1", 2, "N"), ("e1", 4, "D"))), "fr.night-daily-max"
    )
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(4),), "FR L3122-6")
    # Declared status counts without any night in the roster.
    declared = scenario(employees=[person("e1", night_worker=True)], extra_shifts=[LONG_DAY])
    assert len(broken(check_roster(declared, roster(("e1", 4, "D"))), "fr.night-daily-max")) == 1


def test_french_night_worker_weekly_average() -> None:
    plant = scenario(employees=[person("e1")], extra_shifts=[NINE])
    # Two weeks, 43 h then 45 h: 44 h a week on average (lawful for anyone), 40 h max for night workers.
    nights = roster(("e1", 0, "N"), ("e1", 1, "N"), *[("e1", d, "G") for d in (3, 4, 5, 7, 8, 9, 10, 11)])
    days = roster(("e1", 0, "M"), ("e1", 1, "M"), *[("e1", d, "G") for d in (3, 4, 5, 7, 8, 9, 10, 11)])
    [violation] = broken(check_roster(plant, nights), "fr.night-weekly-average")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(0),), "FR L3122-7")
    assert broken(check_roster(plant, nights), "fr.weekly-average") == []
    assert broken(check_roster(plant, days), "fr.night-weekly-average") == []


def test_german_night_worker_status_from_one_night_and_four_week_average() -> None:
    plant = scenario("DE", days=42, employees=[person("e1")], extra_shifts=[NINE])
    heavy = [("e1", week * 7 + d, "G") for week in range(4) for d in range(6)]  # 54 h a week for 4 weeks
    one_night = roster(*heavy, ("e1", 41, "N"))
    [violation] = broken(check_roster(plant, one_night), "de.night-average-hours")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(0),), "DE ArbZG §6(2)")
    # Over 6 weeks the 24-week average of 48 h holds; without a night the person is no night worker.
    assert broken(check_roster(plant, one_night), "de.average-hours") == []
    assert broken(check_roster(plant, roster(*heavy)), "de.night-average-hours") == []


def test_german_night_daily_maximum_applies_from_one_night() -> None:
    plant = scenario("DE", employees=[person("e1")], extra_shifts=[shift("D11", "07:00", "18:00", 45)])
    [violation] = broken(check_roster(plant, roster(("e1", 0, "N"), ("e1", 3, "D11"))), "de.night-daily-max")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(3),), "DE ArbZG §6(2)")
    assert broken(check_roster(plant, roster(("e1", 3, "D11"))), "de.night-daily-max") == []
    assert broken(check_roster(plant, roster(("e1", 0, "N"), ("e1", 3, "M"))), "de.night-daily-max") == []


# --- weekly hours ---------------------------------------------------------------------------------


def test_french_weekly_maximum() -> None:
    plant = scenario(employees=[person("e1")], extra_shifts=[LONG_DAY])
    assert broken(check_roster(plant, roster(*[("e1", d, "D") for d in range(5)])), "fr.weekly-max") == []  # 47.5 h
    [violation] = broken(check_roster(plant, roster(*[("e1", d, "D") for d in range(6)])), "fr.weekly-max")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(0),), "FR L3121-20")
    assert violation.details["amount"] == 9  # 57 h: 9 h over


def test_french_weekly_average_over_the_horizon_weeks() -> None:
    plant = scenario(employees=[person("e1")], extra_shifts=[NINE])
    over = roster(*[("e1", w * 7 + d, "G") for w in range(2) for d in range(5)])  # 45 h + 45 h
    [violation] = broken(check_roster(plant, over), "fr.weekly-average")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(0),), "FR L3121-22")
    under = roster(*[("e1", d, "G") for d in range(5)], *[("e1", 7 + d, "M") for d in range(5)])  # 45 h + 40 h
    assert broken(check_roster(plant, under), "fr.weekly-average") == []


def test_german_average_hours() -> None:
    plant = scenario("DE", employees=[person("e1")], extra_shifts=[NINE])
    over = roster(*[("e1", w * 7 + d, "G") for w in range(2) for d in range(6)])  # 54 h + 54 h
    [violation] = broken(check_roster(plant, over), "de.average-hours")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(0),), "DE ArbZG §3")
    assert broken(check_roster(plant, roster(*[("e1", d, "G") for d in range(6)])), "de.average-hours") == []


def test_french_max_days_per_week() -> None:
    plant = scenario(employees=[person("e1")])
    assert broken(check_roster(plant, roster(*[("e1", d, "M") for d in range(6)])), "fr.max-days-per-week") == []
    [violation] = broken(check_roster(plant, roster(*[("e1", d, "M") for d in range(7)])), "fr.max-days-per-week")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(0),), "FR L3132-1")


# --- weekly rest (FR L3132-2): 35 h in one piece, 24 h of it inside the calendar week -------------


def test_weekly_rest_of_35_hours_with_24_inside_the_week() -> None:
    plant = scenario(
        days=21,
        employees=[person("e1")],
        extra_shifts=[shift("Z", "00:00", "08:00", 30), shift("M6", "06:00", "14:00", 30)],
    )
    week_one = [("e1", d, "M") for d in (0, 1, 2, 3, 4, 6)]  # Fri 13:00 to Sun 05:00 free: 40 h
    # Sunday 13:00 to Tuesday 00:00: 35 h, exactly 24 h of them in week two. Then six nights of Z.
    exact = roster(*week_one, *[("e1", d, "Z") for d in range(8, 14)])
    assert broken(check_roster(plant, exact), "fr.weekly-rest") == []
    # One hour less (Sunday's shift ends 14:00): 34 h.
    short = roster(*[("e1", d, "M") for d in (0, 1, 2, 3, 4)], ("e1", 6, "M6"), *[("e1", d, "Z") for d in range(8, 14)])
    [violation] = broken(check_roster(plant, short), "fr.weekly-rest")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(7),), "FR L3132-2")


def test_weekly_rest_mostly_in_the_previous_week_does_not_count() -> None:
    plant = scenario(days=21, employees=[person("e1")])
    # Week one ends Friday 13:00; week two starts Monday 13:00: a 72 h rest, but only 13 h of it in week two.
    # Week two then has Monday 21:00 to Wednesday 05:00 (32 h) and 16 h gaps: no weekly rest.
    worked = roster(*[("e1", d, "M") for d in range(5)], ("e1", 7, "A"), *[("e1", d, "M") for d in range(9, 14)])
    found = broken(check_roster(plant, worked), "fr.weekly-rest")
    assert [(v.employee, v.dates) for v in found] == [("e1", (day(7),))]
    # Moving Monday's late to Tuesday leaves Friday 13:00 to Tuesday 13:00 with 37 h inside week two.
    moved = roster(*[("e1", d, "M") for d in range(5)], ("e1", 8, "A"), *[("e1", d, "M") for d in range(10, 14)])
    assert broken(check_roster(plant, moved), "fr.weekly-rest") == []


# --- breaks ---------------------------------------------------------------------------------------


def test_french_break_from_six_hours() -> None:
    plant = scenario(
        employees=[person("e1")],
        extra_shifts=[
            shift("S6", "07:00", "13:00"),
            shift("S5", "07:00", "12:30"),
            shift("S6b", "14:00", "20:00", 20),
        ],
    )
    assert broken(check_roster(plant, roster(("e1", 0, "S5"), ("e1", 1, "S6b"))), "fr.break") == []
    [violation] = broken(check_roster(plant, roster(("e1", 2, "S6"))), "fr.break")
    assert (violation.employee, violation.dates, violation.reference) == ("e1", (day(2),), "FR L3121-16")
    assert violation.details["amount"] == 20


def test_german_breaks_over_six_and_nine_hours() -> None:
    plant = scenario(
        "DE",
        employees=[person("e1")],
        extra_shifts=[
            shift("S6", "07:00", "13:00"),
            shift("S7", "07:00", "14:00"),
            shift("T10", "07:00", "17:00", 30),
            shift("U10", "07:00", "17:00", 45),
        ],
    )
    # Six hours without a break is lawful in Germany (more than 6 h needs one), and 45 min covers 10 h.
    assert broken(check_roster(plant, roster(("e1", 0, "S6"), ("e1", 1, "U10"))), "de.breaks") == []
    found = broken(check_roster(plant, roster(("e1", 2, "S7"), ("e1", 3, "T10"))), "de.breaks")
    assert [(v.employee, v.dates, v.details["amount"]) for v in found] == [
        ("e1", (day(2),), 30),
        ("e1", (day(3),), 15),
    ]
    assert all(v.reference == "DE ArbZG §4" for v in found)


# --- free Sundays (DE ArbZG §11(1)), pro rata, with the §9(2) offset ------------------------------

SUNDAYS = (6, 13, 20, 27)


def test_german_free_sundays_pro_rata() -> None:
    plant = scenario("DE", days=28, employees=[person("e1")])
    # 15 a year pro rata over 4 Sundays: ceil(15 * 4 / 52) = 2 free Sundays are due.
    assert broken(check_roster(plant, roster(("e1", 6, "M"), ("e1", 13, "M"))), "de.free-sundays") == []
    [violation] = broken(check_roster(plant, roster(*[("e1", d, "M") for d in SUNDAYS[:3]])), "de.free-sundays")
    assert violation.employee == "e1" and violation.reference == "DE ArbZG §11(1)"
    assert violation.dates == tuple(day(d) for d in SUNDAYS) and violation.details["amount"] == 1


def test_german_free_sundays_window_offset() -> None:
    saturday_nights = roster(*[("e1", d - 1, "N") for d in SUNDAYS[:3]])  # end 05:00 on Sunday
    monday_earlies = roster(*[("e1", d + 1, "M") for d in SUNDAYS[:3]])  # start 05:00 on Monday
    plain = scenario("DE", days=28, employees=[person("e1")])
    assert len(broken(check_roster(plain, saturday_nights), "de.free-sundays")) == 1
    assert broken(check_roster(plain, monday_earlies), "de.free-sundays") == []
    shifted = scenario(
        "DE",
        days=28,
        employees=[person("e1")],
        rules={"settings": {"de.free-sundays": {"params": {"offset_hours": 6}}}},
    )
    # Sunday 06:00 to Monday 06:00: Saturday nights leave it free, Monday earlies do not.
    assert broken(check_roster(shifted, saturday_nights), "de.free-sundays") == []
    assert len(broken(check_roster(shifted, monday_earlies), "de.free-sundays")) == 1


# --- weeks cut by the horizon's edge --------------------------------------------------------------------
# What a plan holds of a calendar week is a lower bound of that week's work: a limit broken inside the part
# of the week that is planned is broken in the week, whatever happens outside the plan.

TUESDAY = dt.date(2026, 1, 6)
THURSDAY = dt.date(2026, 1, 8)


def test_weekly_maximum_is_judged_in_a_week_cut_by_the_horizon_start() -> None:
    plant = scenario(start=TUESDAY, days=13, employees=[person("e1")], extra_shifts=[LONG_DAY])
    # Tuesday to Sunday: 6 x 9 h 30 = 57 h in the week of Monday 5 January, although Monday is not planned.
    [violation] = broken(
        check_roster(plant, roster(*[("e1", d, "D") for d in range(6)], start=TUESDAY)), "fr.weekly-max"
    )
    assert (violation.employee, violation.dates) == ("e1", (dt.date(2026, 1, 5),))
    assert (
        broken(check_roster(plant, roster(*[("e1", d, "D") for d in range(5)], start=TUESDAY)), "fr.weekly-max") == []
    )


def test_night_worker_status_counts_nights_in_a_week_cut_by_the_horizon() -> None:
    # Thursday and Friday nights are two nights in the week of Monday 5 January: a night worker (L3122-5).
    plant = scenario(start=THURSDAY, days=10, employees=[person("e1")], extra_shifts=[LONG_DAY])
    [violation] = broken(
        check_roster(plant, roster(("e1", 0, "N"), ("e1", 1, "N"), ("e1", 3, "D"), start=THURSDAY)),
        "fr.night-daily-max",
    )
    assert (violation.employee, violation.dates) == ("e1", (dt.date(2026, 1, 11),))


# --- substitute rest day for Sunday work (DE ArbZG §11(3)) -----------------------------------------


def test_each_sunday_worked_needs_its_own_work_free_weekday_within_two_weeks() -> None:
    plant = scenario("DE", days=34, employees=[person("e1")])
    # Days 13 and 20 are Sundays whose two-week windows (days 0-26 and 7-33) lie inside the horizon.
    def worked_except(*free: int) -> list[tuple[str, int, str]]:
        return [("e1", d, "M") for d in range(34) if d not in free and (d % 7 != 6 or d in (13, 20))]

    # Two free weekdays, one in each window: each Sunday has its own substitute day.
    assert broken(check_roster(plant, roster(*worked_except(16, 30))), "de.substitute-rest-day") == []
    # One free weekday inside both windows: it serves one Sunday only.
    [unserved] = broken(check_roster(plant, roster(*worked_except(16))), "de.substitute-rest-day")
    assert unserved.reference == "DE ArbZG §11(3)" and "2026-01-25" in unserved.message
    # A night into Wednesday 16 (Tuesday 21:00 to 05:00) leaves no work-free day: both Sundays unserved.
    night = [r for r in worked_except(16) if r[1] != 15] + [("e1", 15, "N")]
    assert len(broken(check_roster(plant, roster(*night)), "de.substitute-rest-day")) == 2
    # Free Sundays (days 6 and 27 here) are no substitute, nor is a free public holiday: only weekdays count.
    listed = plant.model_dump(mode="json")
    listed["site"]["public_holidays"] = [day(16).isoformat()]
    holiday = Scenario.model_validate(listed)
    assert len(broken(check_roster(holiday, roster(*worked_except(16))), "de.substitute-rest-day")) == 2


def test_a_weekday_public_holiday_worked_needs_a_substitute_within_eight_weeks() -> None:
    listed = scenario("DE", days=120, employees=[person("e1")]).model_dump(mode="json")
    listed["site"]["public_holidays"] = [day(57).isoformat()]  # a Tuesday; its window is days 2 to 112
    plant = Scenario.model_validate(listed)

    def worked(free: set[int], sundays: frozenset[int] = frozenset()) -> Roster:
        return roster(*[("e1", d, "M") for d in range(120) if d not in free and (d % 7 != 6 or d in sundays)])

    assert broken(check_roster(plant, worked({60})), "de.substitute-rest-day") == []
    # Sunday 62 (window 49-75) also wants Friday 60; matched first (its window ends first), it leaves the
    # holiday nothing, unless another weekday is free within the eight weeks.
    [holiday] = broken(check_roster(plant, worked({60}, frozenset({62}))), "de.substitute-rest-day")
    assert "the public holiday 2026-03-03" in holiday.message and "56 days" in holiday.message
    assert broken(check_roster(plant, worked({60, 100}, frozenset({62}))), "de.substitute-rest-day") == []
