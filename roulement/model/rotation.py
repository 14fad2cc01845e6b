"""A rotating crew cycle (roulement, Schichtmodell): one cycle of weeks that every crew follows from its own start.

Crew c works on date d the token
`cycle[(weeks_between(anchor, monday_of(d)) + c.start_week - 1) mod len(cycle)][d.weekday()]`,
a shift id or `-` (off). Checks that need only the rotation live here; those that need the rest of the
scenario (shift ids, posts, employees' crews) are in `references.find_reference_errors`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from roulement.model.base import Identifier, Strict
from roulement.model.problems import Problem, refused

OFF = "-"
DAYS_PER_WEEK = 7


def _seven_tokens(row: list[str]) -> list[str]:
    if len(row) != DAYS_PER_WEEK:
        raise refused("cycle_row_length", "a cycle row has exactly 7 tokens, Monday to Sunday (shift ids or '-'); "
                      "this one has {count}: {row}", count=len(row), row=" ".join(row))
    return row


def _token(value: Any) -> str:
    # A YAML `-` inside a flow list, a shift id; numbers are refused rather than turned into text silently.
    if not isinstance(value, str) or not value.strip():
        raise refused("cycle_token", "cycle token '{value}' is not a shift id or '-'", value=str(value))
    return value.strip()


CycleToken = Annotated[str, AfterValidator(_token)]
CycleRow = Annotated[list[CycleToken], AfterValidator(_seven_tokens)]


class Crew(Strict):
    """A team that works the cycle together, starting at `start_week` of the cycle on the anchor Monday."""

    id: Identifier
    name: str = ""
    start_week: int = Field(default=1, ge=1, description="Week of the cycle this crew works in the anchor week.")


class ReliefPool(Strict):
    """The relief pool (volants, Springer): people outside the cycle who cover absences."""

    id: Identifier = "relief"
    name: str = ""


class Rotation(Strict):
    """The plant's cycle of weeks, its crews and the posts they staff."""

    anchor: dt.date = Field(description="A Monday: the day a crew with start_week 1 begins week 1 of the cycle.")
    cycle: list[CycleRow] = Field(
        min_length=1, description="One row per week of the cycle, 7 tokens Monday..Sunday: shift ids or '-' (off)."
    )
    crews: list[Crew] = Field(min_length=1)
    posts: list[Identifier] | None = Field(
        default=None,
        description="Posts the crews staff; default: every post with demand on a shift the cycle uses "
        "(day posts stay outside).",
    )
    relief_pool: ReliefPool | None = None

    @field_validator("anchor")
    @classmethod
    def _monday(cls, value: dt.date) -> dt.date:
        if value.weekday() != 0:
            raise refused("anchor_not_monday", "the anchor {date} is a {weekday}; it must be a Monday", date=value,
                          weekday=value.strftime("%A"))
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Rotation:
        problems = rotation_problems(self)
        if problems:
            # The loader reads `located` to point each problem at its own field and line.
            raise PydanticCustomError(
                "rotation", "{summary}", {"summary": "; ".join(p.message for p in problems), "located": problems}
            )
        return self

    @property
    def weeks(self) -> int:
        return len(self.cycle)

    def shift_codes(self) -> set[str]:
        """The shift ids the cycle uses."""
        return {token for row in self.cycle for token in row if token != OFF}

    def crew(self, crew_id: str) -> Crew:
        return next(c for c in self.crews if c.id == crew_id)

    def week_of_cycle(self, crew: Crew | str, day: dt.date) -> int:
        """0-based row of the cycle that `crew` works in the week of `day`."""
        crew = self.crew(crew) if isinstance(crew, str) else crew
        return (weeks_between(self.anchor, monday_of(day)) + crew.start_week - 1) % self.weeks

    def token_on(self, crew: Crew | str, day: dt.date) -> str:
        """The cycle's token for `crew` on `day`: a shift id or '-'."""
        return self.cycle[self.week_of_cycle(crew, day)][day.weekday()]

    def shift_on(self, crew: Crew | str, day: dt.date) -> str | None:
        """The shift id `crew` works on `day`, or None on a day off."""
        token = self.token_on(crew, day)
        return None if token == OFF else token

    def flat(self) -> list[str]:
        """The cycle as one sequence of days (week 1 Monday first)."""
        return [token for row in self.cycle for token in row]


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weeks_between(first_monday: dt.date, second_monday: dt.date) -> int:
    return (second_monday - first_monday).days // DAYS_PER_WEEK


def rotation_problems(rotation: Rotation) -> list[Problem]:
    """Mistakes inside the rotation itself, each with its location relative to the rotation."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, crew in enumerate(rotation.crews):
        if crew.id in seen:
            problems.append(Problem(("crews", index, "id"), "duplicate_crew", f"duplicate crew id {crew.id!r}",
                                    {"value": crew.id}))
        seen.add(crew.id)
        if crew.start_week > rotation.weeks:
            problems.append(Problem(("crews", index, "start_week"), "start_week_outside_cycle",
                                    f"start week {crew.start_week} is outside the cycle of {rotation.weeks} week(s)",
                                    {"week": crew.start_week, "weeks": rotation.weeks}))
    if rotation.relief_pool is not None and rotation.relief_pool.id in seen:
        problems.append(Problem(("relief_pool", "id"), "relief_pool_is_crew",
                                f"relief pool id {rotation.relief_pool.id!r} is also a crew id",
                                {"value": rotation.relief_pool.id}))
    for index, post in enumerate(rotation.posts or []):
        if (rotation.posts or []).index(post) != index:
            problems.append(Problem(("posts", index), "listed_twice", f"post {post!r} is listed twice",
                                    {"value": post}))
    return problems
