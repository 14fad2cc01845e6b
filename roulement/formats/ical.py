"""One person's shifts as an iCalendar feed (RFC 5545), in real local times with the site's time zone.

A feed is the calendar's own lines, its VTIMEZONE, then one VEVENT per shift; each part is what icalendar
renders for it, put together in the order icalendar would (VTIMEZONE first: `add_missing_timezones` inserts it
before the events). What is the same for many feeds is rendered once and kept: the VTIMEZONE per zone (built from
the zoneinfo data over icalendar's fixed default range, so it depends on the zone only), and each event per what
it shows (times, zone, summary, stamp), with its UID (the one per-person line) put in per feed. A crew member's
year of the cycle is then the same few hundred kept events for everyone in the crew: a feed costs a few
milliseconds instead of ~80 ms of icalendar (issue 15). The bytes are those of one `Calendar.to_ical()` over the
same components (tests/test_web_feeds.py compares them with that whole-calendar rendering)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar as ICalendar
from icalendar import Event

from roulement.model.calendar import Calendar, Occurrence
from roulement.model.roster import Assignment
from roulement.model.scenario import Scenario

CYCLE_DESCRIPTION = "By the published cycle: not yet a published roster."
_UID_PLACEHOLDER = "uid-placeholder"  # short: its line is never folded, so it splits cleanly
_END = b"END:VCALENDAR\r\n"
KEPT_CYCLES = 64  # crews' cycles kept (a plant has a handful of crews; a new publication brings a new stamp)
_cycles: OrderedDict[tuple[int, str, int, dt.datetime], tuple[Scenario, list[tuple[str, bytes, bytes]]]] = \
    OrderedDict()
_cycles_lock = threading.Lock()
_PLAIN_UID = re.compile(r"[A-Za-z0-9@._:-]{1,66}")  # nothing icalendar escapes, and its line is never folded


def schedule_to_ical(scenario: Scenario, assignments: Iterable[Assignment], owner: str,
                     employee: str | None = None, cycle_days: int = 365,
                     stamp: dt.datetime | None = None) -> bytes:
    """The published shifts; then, for a crew member (`employee`), the crew's cycle for `cycle_days` after the
    horizon, each event marked as the cycle (CATEGORIES:cycle), not a published roster. `stamp` (DTSTAMP): when
    the shifts were last revised in the store (RFC 5545 §3.8.7.2, a feed without METHOD); now if not given."""
    calendar = Calendar(scenario)
    tzid = scenario.site.timezone
    stamp = stamp or dt.datetime.now(dt.UTC)
    events: list[bytes] = []
    for a in sorted(assignments):
        occurrence = calendar.occurrence((a.date - scenario.horizon.start).days, a.shift)
        shift = scenario.shift(a.shift)
        events.append(_event_bytes(f"{a.employee}-{a.date.isoformat()}-{a.shift}@roulement", stamp, occurrence,
                                   tzid, f"{shift.name or shift.id} ({a.post})", cycle=False))
    member = scenario.employee(employee) if employee is not None and scenario.has_employee(employee) else None
    rotation = scenario.rotation
    crews = {c.id for c in rotation.crews} if rotation is not None else set()
    if rotation is not None and member is not None and member.crew in crews:
        for day_and_code, before, after in _crew_cycle(scenario, calendar, member.crew, cycle_days, stamp):
            events.append(before + _uid_line(f"{member.id}-{day_and_code}-cycle@roulement") + after)
    # RFC 5545 §3.6.5: every TZID used must have its VTIMEZONE (icalendar builds it from the zoneinfo data).
    zones = _vtimezones(tzid) if events else b""
    return _head(scenario.site.name, owner) + zones + b"".join(events) + _END


def _crew_cycle(scenario: Scenario, calendar: Calendar, crew: str, cycle_days: int, stamp: dt.datetime
                ) -> list[tuple[str, bytes, bytes]]:
    """The crew's cycle events after the horizon, the same for every member but for the UID: ("date-code", the
    lines before the UID, after it). Kept per scenario object (a stored scenario is parsed once per version and
    never changed), crew, length and stamp."""
    key = (id(scenario), crew, cycle_days, stamp)
    with _cycles_lock:
        kept = _cycles.get(key)
        if kept is not None and kept[0] is scenario:
            _cycles.move_to_end(key)
            return kept[1]
    rotation = scenario.rotation
    assert rotation is not None
    tzid = scenario.site.timezone
    events = []
    for offset in range(scenario.horizon.days, scenario.horizon.days + cycle_days):
        date = calendar.date(offset)
        code = rotation.shift_on(crew, date)
        if code is None:
            continue
        occurrence = calendar.occurrence(offset, code)
        shift = scenario.shift(code)
        events.append((f"{date.isoformat()}-{code}", *_event_around_uid(
            stamp, occurrence.start_local, occurrence.end_local, tzid,
            f"{shift.name or shift.id} (cycle, crew {crew})", True)))
    with _cycles_lock:
        _cycles[key] = (scenario, events)  # the scenario held too: its id is not reused while kept
        while len(_cycles) > KEPT_CYCLES:
            _cycles.popitem(last=False)
    return events


def _head(site: str, owner: str) -> bytes:
    """The calendar's own lines (BEGIN and its properties), as icalendar renders them."""
    feed = ICalendar()
    feed.add("prodid", "-//roulement//shift roster//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{site}: {owner}")
    whole: bytes = feed.to_ical()
    return whole.removesuffix(_END)


@lru_cache(maxsize=64)
def _vtimezones(tzid: str) -> bytes:
    """The VTIMEZONE components `add_missing_timezones` gives a calendar whose events use this zone (none for UTC,
    whose times are written with Z)."""
    probe = ICalendar()
    probe.add_component(_event(_UID_PLACEHOLDER, dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                               dt.datetime(2000, 1, 1, 6), dt.datetime(2000, 1, 1, 14), ZoneInfo(tzid), ""))
    probe.add_missing_timezones()
    return b"".join(zone.to_ical() for zone in probe.timezones)


def _event_bytes(uid: str, stamp: dt.datetime, occurrence: Occurrence, tzid: str, summary: str, cycle: bool) -> bytes:
    before, after = _event_around_uid(stamp, occurrence.start_local, occurrence.end_local, tzid, summary, cycle)
    return before + _uid_line(uid) + after


@lru_cache(maxsize=1 << 14)
def _event_around_uid(stamp: dt.datetime, start_local: dt.datetime, end_local: dt.datetime, tzid: str,
                      summary: str, cycle: bool) -> tuple[bytes, bytes]:
    """An event rendered once for what it shows: its lines before the UID line and after it."""
    event = _event(_UID_PLACEHOLDER, stamp, start_local, end_local, ZoneInfo(tzid), summary)
    if cycle:
        event.add("description", CYCLE_DESCRIPTION)
        event.add("categories", ["cycle"])
    rendered: bytes = event.to_ical()
    before, after = rendered.split(b"\r\nUID:" + _UID_PLACEHOLDER.encode() + b"\r\n")
    return before + b"\r\n", after


def _uid_line(uid: str) -> bytes:
    """The UID's content line as icalendar writes it (escaped, folded at 75 octets), with its CRLF. A plain, short
    UID is written as is: "UID:" and at most 66 characters is never folded (icalendar folds past 74 octets)."""
    if _PLAIN_UID.fullmatch(uid):
        return b"UID:" + uid.encode() + b"\r\n"
    alone = Event()
    alone.add("uid", uid)
    rendered: bytes = alone.to_ical()
    return rendered.removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(b"END:VEVENT\r\n")


def _event(uid: str, stamp: dt.datetime, start_local: dt.datetime, end_local: dt.datetime, zone: ZoneInfo,
           summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start_local.replace(tzinfo=zone))
    event.add("dtend", end_local.replace(tzinfo=zone))
    event.add("summary", summary)
    return event
