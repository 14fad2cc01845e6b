"""One person's shifts as an iCalendar feed (RFC 5545), in real local times with the site's time zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar as ICalendar
from icalendar import Event

from roulement.model.calendar import Calendar, Occurrence
from roulement.model.roster import Assignment
from roulement.model.scenario import Scenario


def schedule_to_ical(scenario: Scenario, assignments: Iterable[Assignment], owner: str,
                     employee: str | None = None, cycle_days: int = 365,
                   stamp: dt.datetime | None = None) -> bytes:
    """The published shifts; then, for a crew member (`employee`), the crew's cycle for `cycle_days` after the
    horizon, each event marked as the cycle (CATEGORIES:cycle), not a published roster. `stamp` (DTSTAMP): when
    the shifts were last revised in the store (RFC 5545 §3.8.7.2, a feed without METHOD); now if not given."""
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
    # RFC 5545 §3.6.5: every TZID used must have its VTIMEZONE (icalendar builds it from the zoneinfo data).
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
