"""The validated domain: a site, its shift types, posts and demand, its people and the rules in force.

Field-level checks live here (pydantic); cross-references (an unknown skill, overlapping absences)
are checked by `references.find_reference_errors`, so every message can point at one field.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import (
    Field,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from roulement.model.base import Identifier, Strict
from roulement.model.problems import refused
from roulement.model.rotation import Rotation

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_clock(value: Any) -> dt.time:
    """Accept 'HH:MM' (24 h) or a time; YAML 1.1 may hand us an int of minutes for 05:00-like values."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        # PyYAML reads unquoted 05:00 as a base-60 integer (300).
        if 0 <= value < 24 * 60:
            return dt.time(value // 60, value % 60)
        raise refused("time_format", "time '{value}' is not a clock time HH:MM (00:00 to 23:59)", value=str(value))
    if isinstance(value, str):
        parts = value.strip().split(":")
        # 'HH:MM:SS' with zero seconds is what a JSON dump of a time gives (`roulement example` writes it).
        if len(parts) == 3 and parts[2] == "00":
            parts = parts[:2]
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            hours, minutes = int(parts[0]), int(parts[1])
            if 0 <= hours <= 23 and 0 <= minutes <= 59:
                return dt.time(hours, minutes)
    raise refused("time_format", "time '{value}' is not a clock time HH:MM (00:00 to 23:59)", value=str(value))


class Jurisdiction(StrEnum):
    FR = "FR"
    DE = "DE"


class Site(Strict):
    name: str
    jurisdiction: Jurisdiction
    timezone: str = "Europe/Paris"
    night_start: dt.time | None = Field(
        default=None, description="Start of the legal night period; default FR 21:00 (L3122-20), DE 23:00 (§2(3))."
    )
    night_end: dt.time | None = Field(default=None, description="End of the legal night period; default 06:00.")
    night_shift_min_hours: float | None = Field(
        default=None,
        description="A shift is a night shift when it has at least this many hours in the night period; "
        "default FR 3 h (L3122-5), DE more than 2 h (§2(4)).",
    )
    region: str | None = Field(
        default=None,
        description="Where the site is, for its public holidays: a German Land (e.g. NW, BY) or a French "
        "subdivision (e.g. 57 for Moselle, with Alsace-Moselle's extra days). Default: the national days only.",
    )
    public_holidays: list[dt.date] | None = Field(
        default=None,
        description="The site's public holidays, when given; default: the jurisdiction's (and region's) from "
        "the `holidays` library.",
    )

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None, info: ValidationInfo) -> str | None:
        jurisdiction = info.data.get("jurisdiction")
        if value is not None and jurisdiction is not None:
            known = holidays.country_holidays(jurisdiction.value).subdivisions
            if value not in known:
                raise refused("unknown_region", "unknown {jurisdiction} region '{value}' (one of {known})",
                              jurisdiction=jurisdiction.value, value=value, known=", ".join(known))
        return value

    def holidays_between(self, first: dt.date, last: dt.date) -> frozenset[dt.date]:
        """The public holidays from `first` to `last` (inclusive)."""
        if self.public_holidays is not None:
            return frozenset(d for d in self.public_holidays if first <= d <= last)
        calendar = holidays.country_holidays(self.jurisdiction.value, subdiv=self.region,
                                             years=range(first.year, last.year + 1))
        return frozenset(d for d in calendar if first <= d <= last)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise refused("unknown_timezone", "unknown time zone '{value}' (use an IANA name such as Europe/Paris)",
                          value=value) from exc
        return value

    @field_validator("night_start", "night_end", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> dt.time | None:
        return None if value is None else parse_clock(value)

    @field_serializer("night_start", "night_end")
    def _write_clock(self, value: dt.time | None) -> str | None:
        return None if value is None else value.strftime("%H:%M")


class Horizon(Strict):
    start: dt.date
    days: int = Field(ge=1, le=731)

    @property
    def end(self) -> dt.date:
        """The last planned day (inclusive)."""
        return self.start + dt.timedelta(days=self.days - 1)

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=d) for d in range(self.days)]


class ShiftType(Strict):
    id: Identifier
    name: str = ""
    start: dt.time = Field(description="Local clock time HH:MM the shift starts.")
    end: dt.time = Field(
        description="Local clock time HH:MM it ends; earlier than start means the next day. Must differ from "
        "start: no shift lasts 24 h (no law allows it), and 06:00 to 06:00 is refused rather than guessed."
    )
    break_minutes: int = Field(default=0, ge=0, le=240)
    break_paid: bool = Field(
        default=True, description="A paid break counts as work time (the usual 3x8 'pause casse-croûte')."
    )
    night: bool | None = Field(default=None, description="Force night status; default follows the night period.")
    color: str | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> dt.time:
        return parse_clock(value)

    @field_serializer("start", "end")
    def _write_clock(self, value: dt.time) -> str:
        return value.strftime("%H:%M")

    @property
    def duration_minutes(self) -> int:
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return (end - start) % (24 * 60)

    @property
    def crosses_midnight(self) -> bool:
        return (self.end.hour, self.end.minute) <= (self.start.hour, self.start.minute)

    @model_validator(mode="after")
    def _break_fits(self) -> ShiftType:
        if self.start == self.end:
            raise refused("shift_end_equals_start", "end equals start ({start}): a shift lasts less than 24 h",
                          at=("end",), start=f"{self.start:%H:%M}")
        if self.break_minutes >= self.duration_minutes:
            raise refused("break_too_long", "break_minutes must be shorter than the shift", at=("break_minutes",))
        return self


class Skill(Strict):
    id: Identifier
    name: str = ""


class Post(Strict):
    id: Identifier
    name: str = ""
    skills: list[Identifier] = Field(default_factory=list, description="Every skill the holder of the post needs.")


# Bounds that no plant reaches and that keep the solver's sums far inside 64-bit integers: a minimum of
# 10^12 people is a typo, and refusing it beats a model that overflows or runs for ever.
MAX_PEOPLE = 100_000
MAX_WEIGHT = 1_000_000

DaySelector = Literal["all", "weekdays", "weekends", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Demand(Strict):
    """How many people a post needs on some shifts and days."""

    post: Identifier
    shifts: list[Identifier] = Field(min_length=1)
    days: DaySelector | list[DaySelector] = "all"
    dates: list[dt.date] | None = Field(default=None, description="Only these dates (overrides `days`).")
    min: int = Field(ge=0, le=MAX_PEOPLE, description="Must be met: fewer is a violation.")
    preferred: int | None = Field(
        default=None, ge=0, le=MAX_PEOPLE, description="Target level, at least min; default = min."
    )
    max: int | None = Field(default=None, ge=0, le=MAX_PEOPLE, description="Hard cap; default none.")
    under_weight: int = Field(default=100, ge=0, le=MAX_WEIGHT, description="Cost per person below preferred.")
    over_weight: int = Field(default=1, ge=0, le=MAX_WEIGHT, description="Cost per person above preferred.")

    @model_validator(mode="after")
    def _levels(self) -> Demand:
        preferred = self.min if self.preferred is None else self.preferred
        if preferred < self.min:
            # A target below the minimum would be met by every lawful roster: a typo, not a wish.
            raise refused("preferred_below_min", "preferred ({preferred}) is below min ({min})", at=("preferred",),
                          preferred=preferred, min=self.min)
        if self.max is not None and self.max < self.min:
            raise refused("max_below_min", "max ({max}) is below min ({min})", at=("max",), max=self.max, min=self.min)
        if self.max is not None and preferred > self.max:
            raise refused("preferred_above_max", "preferred ({preferred}) is above max ({max})", at=("preferred",),
                          preferred=preferred, max=self.max)
        return self

    @property
    def preferred_level(self) -> int:
        return self.min if self.preferred is None else self.preferred

    def applies_to(self, day: dt.date) -> bool:
        if self.dates is not None:
            return day in self.dates
        return _on_days(self.days, day)


class SafetyMinimum(Strict):
    """At least `min` people holding `skill` on site at every moment (a Seveso intervention team, say)."""

    id: Identifier
    skill: Identifier
    min: int = Field(ge=1, le=MAX_PEOPLE)
    shifts: list[Identifier] | None = Field(
        default=None, description="Only during the hours of these shift types; default: whenever any shift runs."
    )
    reference: str = Field(default="site safety study", description="Where the minimum comes from.")


class Contract(Strict):
    weekly_hours: float = Field(default=35.0, gt=0, le=60)
    tolerance_hours: float = Field(
        default=4.0, ge=0, description="Allowed deviation from the weekly target, per week, over the horizon."
    )
    min_minutes: int | None = Field(default=None, ge=0, description="Hard minimum over the horizon (overrides).")
    max_minutes: int | None = Field(default=None, ge=0, description="Hard maximum over the horizon (overrides).")
    hours_target: bool = Field(default=True, description="Steer worked hours towards weekly_hours (soft).")
    max_shifts: dict[Identifier, int] = Field(
        default_factory=dict, description="At most this many shifts of each type over the horizon (0 = never)."
    )
    max_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days: int | None = Field(default=None, ge=1)
    min_consecutive_days_off: int | None = Field(default=None, ge=1)
    max_weekends: int | None = Field(default=None, ge=0, description="Weekends (Sat or Sun) worked, over the horizon.")


class AbsenceKind(StrEnum):
    HOLIDAY = "holiday"
    SICKNESS = "sickness"
    TRAINING = "training"
    OTHER = "other"


class Absence(Strict):
    """A leave or sickness record. It may reach beyond the horizon, or lie wholly outside it (an HR file
    with the year's leave, reused plan after plan): only the days inside the horizon count. Requests, by
    contrast, are addressed to this plan, and one dated outside it is an error."""

    start: dt.date
    end: dt.date = Field(description="Last day of the absence (inclusive).")
    kind: AbsenceKind = AbsenceKind.HOLIDAY
    strict: bool = Field(
        default=False,
        description="If true, no work may even overlap these days (a night shift ending on the first day); "
        "by default only shifts starting on these days are excluded.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Absence:
        if self.end < self.start:
            raise refused("absence_ends_before_start", "absence ends ({end}) before it starts ({start})", at=("end",),
                          end=self.end, start=self.start)
        return self

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class RequestKind(StrEnum):
    DAY_OFF = "day_off"
    DAY_ON = "day_on"
    SHIFT_ON = "shift_on"
    SHIFT_OFF = "shift_off"


class Request(Strict):
    kind: RequestKind
    date: dt.date
    shift: Identifier | None = None
    weight: int = Field(default=1, ge=0, le=1_000_000)

    @model_validator(mode="after")
    def _shift_given(self) -> Request:
        needs_shift = self.kind in (RequestKind.SHIFT_ON, RequestKind.SHIFT_OFF)
        if needs_shift and self.shift is None:
            raise refused("request_needs_shift", "a {request_kind} request needs a shift", at=("shift",),
                          request_kind=self.kind.value)
        if not needs_shift and self.shift is not None:
            raise refused("request_takes_no_shift", "a {request_kind} request takes no shift", at=("shift",),
                          request_kind=self.kind.value)
        return self


class DayPostReason(StrEnum):
    CHILD_UNDER_12 = "child_under_12"
    DEPENDENT_RELATIVE = "dependent_relative"
    # FR L3122-12: night work incompatible with imperative family obligations.
    FAMILY_OBLIGATIONS = "family_obligations"
    HEALTH = "health"


class Declaration(Strict):
    """Who declared a sensitive fact and for which purpose (GDPR art. 5(1)(b), art. 88): the fact is used for
    that purpose only, and the employee can withdraw it by removing the declaration."""

    declared_by: Identifier = Field(description="The employee who made the declaration.")
    purpose: str = Field(default="roster", description="What the fact may be used for, e.g. roster.")
    declared_on: dt.date | None = None


class DayPostPriority(Strict):
    """The legal priority for a day post (DE ArbZG §6(4), FR L3122-12): the person works no night shifts.

    Only the reason's category is stored, never the family details behind it."""

    reason: DayPostReason = DayPostReason.CHILD_UNDER_12
    declaration: Declaration


class Employee(Strict):
    id: Identifier
    name: str = ""
    skills: list[Identifier] = Field(default_factory=list)
    contract: Contract = Field(default_factory=Contract)
    night_eligible: bool = True
    night_worker: bool = Field(
        default=False, description="Already a night worker by status (e.g. 270 h of night work over 12 months)."
    )
    seniority_date: dt.date | None = None
    team: str | None = None
    absences: list[Absence] = Field(default_factory=list)
    requests: list[Request] = Field(default_factory=list)
    day_post_priority: DayPostPriority | None = Field(
        default=None, description="Declared priority for a day post (ArbZG §6(4), L3122-12): no night shifts."
    )
    crew: Identifier | None = Field(
        default=None, description="The rotation crew (or the relief pool) the person belongs to; none: outside "
        "the cycle (day posts).",
    )

    def absent_on(self, day: dt.date) -> bool:
        return any(absence.covers(day) for absence in self.absences)


class RuleMode(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    OFF = "off"


def _on_days(selectors: DaySelector | list[DaySelector], day: dt.date) -> bool:
    for selector in [selectors] if isinstance(selectors, str) else selectors:
        if selector == "all" or selector == WEEKDAY_NAMES[day.weekday()]:
            return True
        if selector == "weekdays" and day.weekday() < 5:
            return True
        if selector == "weekends" and day.weekday() >= 5:
            return True
    return False


class ClockWindow(Strict):
    """Clock times on some days; `end` before `start` runs past midnight, `end` equal to `start` is 24 h."""

    days: DaySelector | list[DaySelector] = "all"
    start: dt.time
    end: dt.time

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> dt.time:
        return parse_clock(value)

    def applies_to(self, day: dt.date) -> bool:
        return _on_days(self.days, day)


class Caregiver(Strict):
    """Someone outside the roster who minds the child at set times (a grandparent, a crèche).

    Only a label and the times are stored, not who the person is."""

    label: str = Field(default="caregiver", max_length=64)
    available: list[ClockWindow] = Field(min_length=1)


class Childcare(Strict):
    """Times a child needs a member of the household, unless a caregiver covers them."""

    windows: list[ClockWindow] = Field(min_length=1)
    caregivers: list[Caregiver] = Field(default_factory=list)
    commute_minutes: int = Field(default=30, ge=0, le=240,
                                 description="Travel each way: a member is busy this long before and after a shift.")
    mode: Literal["hard", "soft"] = Field(default="hard", description="hard: never uncovered; soft: priced.")
    weight: int = Field(default=100, ge=0, description="Cost per uncovered hour when soft.")


class SharedDaysOff(Strict):
    """The members want their days off on the same days; each day only one of them is off costs `weight`."""

    weight: int = Field(default=2, ge=0, le=10_000)


class Household(Strict):
    """Employees who live together (a couple, a single parent) and what they declared for the roster."""

    id: Identifier
    members: list[Identifier] = Field(min_length=1, max_length=8)
    declaration: Declaration
    shared_days_off: SharedDaysOff | None = None
    childcare: Childcare | None = None


class RuleSetting(Strict):
    mode: RuleMode | None = None
    weight: int | None = Field(default=None, ge=0)
    params: dict[str, Any] = Field(default_factory=dict)


class RuleConfig(Strict):
    packs: list[Literal["core", "FR", "DE", "plant", "contract", "people"]] | None = Field(
        default=None, description="Rule packs in force; default: core, the site's law, plant, contract, people."
    )
    settings: dict[str, RuleSetting] = Field(
        default_factory=dict, description="Per rule id: mode (hard/soft/off), weight and parameters."
    )


class Scenario(Strict):
    """Everything roulement needs to plan one site over one horizon."""

    version: Literal[1] = 1
    site: Site
    horizon: Horizon
    shifts: list[ShiftType] = Field(min_length=1)
    skills: list[Skill] = Field(default_factory=list)
    posts: list[Post] = Field(min_length=1)
    demand: list[Demand] = Field(default_factory=list)
    safety_minimums: list[SafetyMinimum] = Field(default_factory=list)
    employees: list[Employee] = Field(default_factory=list)
    households: list[Household] = Field(
        default_factory=list, description="Declared households (sensitive: purpose-bound, see docs/people.md)."
    )
    rules: RuleConfig = Field(default_factory=RuleConfig)
    rotation: Rotation | None = Field(
        default=None, description="The rotating crew cycle (roulement), when the plant runs one (docs/rotation.md)."
    )

    def replaced(self, **changes: Any) -> Scenario:
        """A copy with some fields replaced, unvalidated, and its cached lookups dropped: `model_copy` alone
        would keep the old `employees_by_id` and answer with the people it replaced."""
        copy = self.model_copy(update=changes)
        for cached in ("shifts_by_id", "posts_by_id", "employees_by_id", "public_holidays", "posts_by_skill_set",
                       "days_present"):
            copy.__dict__.pop(cached, None)
        return copy

    @cached_property
    def public_holidays(self) -> frozenset[dt.date]:
        """The site's public holidays inside the horizon."""
        return self.site.holidays_between(self.horizon.start, self.horizon.end)

    @cached_property
    def shifts_by_id(self) -> dict[str, ShiftType]:
        return {shift.id: shift for shift in self.shifts}

    @cached_property
    def posts_by_id(self) -> dict[str, Post]:
        return {post.id: post for post in self.posts}

    @cached_property
    def employees_by_id(self) -> dict[str, Employee]:
        return {employee.id: employee for employee in self.employees}

    @cached_property
    def days_present(self) -> dict[str, int]:
        """Employee id -> days of the horizon with no absence. Fair shares weigh people by it on every check,
        and counting it takes a walk over every day and absence (a third of a KOS check when not kept)."""
        dates = self.horizon.dates()
        return {e.id: sum(1 for date in dates if not e.absent_on(date)) if e.absences else len(dates)
                for e in self.employees}

    def shift(self, shift_id: str) -> ShiftType:
        return self.shifts_by_id[shift_id]

    def post(self, post_id: str) -> Post:
        return self.posts_by_id[post_id]

    def employee(self, employee_id: str) -> Employee:
        return self.employees_by_id[employee_id]

    def has_employee(self, employee_id: str) -> bool:
        return employee_id in self.employees_by_id

    def household_of(self, employee_id: str) -> Household | None:
        return next((h for h in self.households if employee_id in h.members), None)

    def eligible_posts(self, employee: Employee) -> list[Post]:
        held = frozenset(employee.skills)
        # People share skill sets (a line's operators): on a site of thousands, scanning every post for every
        # person each time grows with the square of the site.
        known = self.posts_by_skill_set
        if held not in known:
            known[held] = [post for post in self.posts if set(post.skills) <= held]
        return list(known[held])

    @cached_property
    def posts_by_skill_set(self) -> dict[frozenset[str], list[Post]]:
        return {}
