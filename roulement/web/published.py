"""What employees read of a publication, computed once: a publication is frozen, so a person's schedule, her
calendar feed and her team's roster in it never change while the publication's status and the scenario's
version stay the same. Each is kept here under a key holding exactly those stamps (`repository.Applying`), so an
approval, a rejection or an edited scenario makes a new key, never a stale answer. Bounded (least recently used
first out); per process, so each web process fills its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from roulement.formats.ical import schedule_to_ical
from roulement.store import repository
from roulement.store.audit import zoned
from roulement.store.repository import Applying

T = TypeVar("T")


class Memo:
    """A thread-safe least-recently-used memo. Two threads missing one key at once may both compute it (the
    values are equal); neither waits for the other."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


memo = Memo()


def as_json(content: Any) -> bytes:
    # As Starlette's JSONResponse renders it.
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


def schedule(session: Session, applying: Applying, me: str) -> bytes:
    """`GET /api/me/schedule` for this person and publication, as JSON bytes."""

    def compute() -> bytes:
        scenario = repository.scenario_of(repository.get_scenario_row(session, applying.scenario_id))
        shifts = {s.id: s for s in scenario.shifts}
        own = sorted(repository.roster_of(repository.own_assignments(session, applying.publication_id, me)))
        return as_json({
            "publication": {"id": applying.publication_id, "status": applying.status,
                            "published_at": zoned(applying.published_at)},
            "employee": {"id": me, "name": scenario.employee(me).name},
            "shifts": [{"date": a.date.isoformat(), "shift": a.shift, "post": a.post,
                        "start": shifts[a.shift].start.strftime("%H:%M"),
                        "end": shifts[a.shift].end.strftime("%H:%M"),
                        "color": shifts[a.shift].color} for a in own],
        })

    return memo.get(("schedule", applying, me), compute)


def feed(session: Session, applying: Applying, me: str) -> bytes:
    """The person's calendar feed for this publication. Its DTSTAMP is the publication's time: without a METHOD,
    RFC 5545 §3.8.7.2 makes it when the information was last revised in the store."""

    def compute() -> bytes:
        scenario = repository.scenario_of(repository.get_scenario_row(session, applying.scenario_id))
        own = repository.roster_of(repository.own_assignments(session, applying.publication_id, me))
        return schedule_to_ical(scenario, own, scenario.employee(me).name or me, employee=me,
                                stamp=zoned_utc(applying))

    return memo.get(("feed", applying, me), compute)


def zoned_utc(applying: Applying) -> dt.datetime:
    """The publication's instant in UTC (SQLite hands it back without its zone)."""
    at = applying.published_at
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def team(session: Session, applying: Applying, me: str) -> bytes:
    """`GET /api/me/team` as JSON bytes: the team's names and shifts in this publication. The team is computed and
    encoded once per publication and team, a person at a time; a call only splices in who is "me" (encoding the
    whole team on every call held the GIL for milliseconds per read under load, issue 15)."""

    def team_of() -> str | None:
        return repository.scenario_of(repository.get_scenario_row(session, applying.scenario_id)).employee(me).team

    name = memo.get(("team-of", applying, me), team_of)

    def compute() -> tuple[bytes, list[tuple[str, bytes]]]:
        scenario = repository.scenario_of(repository.get_scenario_row(session, applying.scenario_id))
        members = [e for e in scenario.employees if e.team == name]  # team None: the whole site is one team
        cells: dict[str, dict[str, str]] = {e.id: {} for e in members}
        publication = repository.get_publication(session, applying.publication_id)
        for a in repository.roster_of(list(publication.assignments)):
            if a.employee in cells:
                cells[a.employee][a.date.isoformat()] = a.shift
        head = as_json({"team": name, "days": [d.isoformat() for d in scenario.horizon.dates()],
                        "shifts": [{"id": s.id, "name": s.name, "color": s.color} for s in scenario.shifts]})
        people = [(e.id, as_json({"name": e.name or e.id, "me": False, "shifts": cells[e.id]})) for e in members]
        return head, people

    head, people = memo.get(("team", applying, name), compute)
    # One's own entry, marked: a person's row is small.
    me_too = next((as_json({**json.loads(entry), "me": True}) for person, entry in people if person == me), b"")
    publication = as_json({"id": applying.publication_id, "status": applying.status})
    listed = b",".join(me_too if person == me else entry for person, entry in people)
    return b'{"publication":' + publication + b"," + head[1:-1] + b',"people":[' + listed + b"]}"


def etag(kind: str, applying: Applying | None, me: str) -> str:
    """A validator for what `kind` answers this person: it changes exactly when the key of the memo does (the
    publication that applies, its status, the scenario's version), the same in every web process."""
    stamp = "none" if applying is None else (f"{applying.publication_id}-{applying.status}-{applying.scenario_id}-"
                                             f"{applying.scenario_version}-{applying.scenario_created_at.isoformat()}")
    return '"' + hashlib.sha256(f"{kind}|{stamp}|{me}".encode()).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 §13.1.2: If-None-Match compares weakly, and may list several tags or be "*"."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or tag in tags
