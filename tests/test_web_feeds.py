"""Calendar feeds put together from kept parts (formats/ical.py) are byte for byte what icalendar renders for
the whole calendar, as the feed was built before (the reference below is that code, unchanged)."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar as ICalendar
from icalendar import Event

from roulement import service
from roulement.formats.ical import schedule_to_ical
from roulement.formats.roster_csv import parse_roster
from roulement.model.calendar import Calendar, Occurrence
from roulement.model.roster import Assignment
from roulement.model.scenario import Scenario
from tests import factory

STAMP = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def reference_ical(scenario: Scenario, assignments: Iterable[Assignment], owner: str,
                   employee: str | None = None, cycle_days: int = 365, stamp: dt.datetime | None = None) -> bytes:
    """The feed as built before its parts were kept (commit 84dad32): one icalendar Calendar, rendered whole."""
    calendar = Calendar(scenario)
    zone = ZoneInfo(scenario.site.timezone)
    feed = ICalendar()
    feed.add("prodid", "-//roulement//shift roster//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{scenario.site.name}: {owner}")
    stamp = stamp or dt.datetime.now(dt.UTC)
    for a in sorted(assignments):
        occurrence = calendar.occurrence((a.date - scenario.horizon.start).days, a.shift)
        shift = scenario.shift(a.shift)
        feed.add_component(_event(f"{a.employee}-{a.date.isoformat()}-{a.shift}@roulement", stamp, occurrence,
                                  zone, f"{shift.name or shift.id} ({a.post})"))
    member = scenario.employee(employee) if employee is not None and scenario.has_employee(employee) else None
    rotation = scenario.rotation
    crews = {c.id for c in rotation.crews} if rotation is not None else set()
    if rotation is not None and member is not None and member.crew in crews:
        for offset in range(scenario.horizon.days, scenario.horizon.days + cycle_days):
            date = calendar.date(offset)
            code = rotation.shift_on(member.crew, date)
            if code is None:
                continue
            occurrence = calendar.occurrence(offset, code)
            shift = scenario.shift(code)
            event = _event(f"{member.id}-{date.isoformat()}-{code}-cycle@roulement", stamp, occurrence, zone,
                           f"{shift.name or shift.id} (cycle, crew {member.crew})")
            event.add("description", "By the published cycle: not yet a published roster.")
            event.add("categories", ["cycle"])
            feed.add_component(event)
    feed.add_missing_timezones()
    return feed.to_ical()  # type: ignore[no-any-return]


def _event(uid: str, stamp: dt.datetime, occurrence: Occurrence, zone: ZoneInfo, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", occurrence.start_local.replace(tzinfo=zone))
    event.add("dtend", occurrence.end_local.replace(tzinfo=zone))
    event.add("summary", summary)
    return event


@pytest.fixture(scope="module")
def kos() -> tuple[Scenario, dict[str, list[Assignment]]]:
    scenario = service.example("kos")
    text = gzip.decompress((Path(__file__).parent / "data/kos-roster.csv.gz").read_bytes()).decode()
    own: dict[str, list[Assignment]] = {}
    for a in parse_roster(text, scenario):
        own.setdefault(a.employee, []).append(a)
    return scenario, own


def test_a_kos_crew_members_feed_with_a_year_of_the_cycle_is_unchanged(
        kos: tuple[Scenario, dict[str, list[Assignment]]]) -> None:
    scenario, own = kos
    assert scenario.rotation is not None
    cycling = {c.id for c in scenario.rotation.crews}
    crews = {}
    for e in scenario.employees:  # one person of each crew, and one without a crew
        crews.setdefault(e.crew, e)
    assert len(crews) >= 3
    for person in crews.values():
        for stamp in (STAMP, STAMP + dt.timedelta(hours=1)):  # a kept event is never another stamp's
            args = (scenario, own.get(person.id, []), person.name or person.id)
            new = schedule_to_ical(*args, employee=person.id, stamp=stamp)
            assert new == reference_ical(*args, employee=person.id, stamp=stamp), person.id
            assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in new
            assert new.count(b"CATEGORIES:cycle") > 200 if person.crew in cycling else b"cycle@" not in new


def test_long_ids_odd_names_other_zones_and_an_empty_feed_are_unchanged() -> None:
    long_id = "a-very-long-employee-identifier-so-its-uid-line-folds-at-75-octets"[:64]
    people = [factory.person(long_id, name="Zoë; Müller, \"the night\" \\ crew"), factory.person("e2", name="Ève")]
    for zone in ("Europe/Paris", "America/New_York", "UTC", "Asia/Kolkata"):
        plant = factory.scenario(employees=people, timezone=zone, extra_shifts=[
            factory.shift("L", "22:00", "10:00", name="Long night, with; punctuation and a name long enough to fold")])
        rows = factory.roster((long_id, 0, "M"), (long_id, 1, "L", "chef"), (long_id, 13, "N"), ("e2", 2, "A"))
        for person, owner in ((long_id, "Zoë; Müller"), ("e2", "Ève"), ("nobody", "nobody")):
            mine = [a for a in rows if a.employee == person]
            new = schedule_to_ical(plant, mine, owner, employee=person, stamp=STAMP)
            assert new == reference_ical(plant, mine, owner, employee=person, stamp=STAMP), (zone, person)
        assert (b"BEGIN:VTIMEZONE" in schedule_to_ical(plant, rows, "x", stamp=STAMP)) is (zone != "UTC")
        assert b"VTIMEZONE" not in schedule_to_ical(plant, [], "x", stamp=STAMP)  # no TZID used: none needed
