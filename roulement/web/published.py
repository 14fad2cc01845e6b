"""What employees read of a publication, computed once: a publication is frozen, so a person's schedule, her
calendar feed and her team's roster in it never change while the publication's status and the scenario's
version stay the same. Each is kept here under a key holding exactly those stamps (`repository.Applying`), so an
approval, a rejection or an edited scenario makes a new key, never a stale answer. Bounded (least recently used
first out); per process, so each web process fills its own.

Where it is not kept yet, a read looks for it in the database first: once a publication may be read (published
where the site shows proposed versions, or approved), everyone's reads are computed in advance, apart from the
request, and stored under the same stamps (`all_reads`, web/precompute.py, table `published_reads`), so the
first read of each person after a publication is a lookup in every web process. Missing or stale there (the
precompute still running, failed, or the scenario edited since): computed here, as before."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from roulement.formats.ical import schedule_to_ical
from roulement.model.scenario import Scenario
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


def schedule_body(scenario: Scenario, applying: Applying, me: str, own: list[Any]) -> bytes:
    """`GET /api/me/schedule` for this person and publication, from her rows of it (`own`)."""
    shifts = {s.id: s for s in scenario.shifts}
    return as_json({
        "publication": {"id": applying.publication_id, "status": applying.status,
                        "published_at": zoned(applying.published_at)},
        "employee": {"id": me, "name": scenario.employee(me).name},
        "shifts": [{"date": a.date.isoformat(), "shift": a.shift, "post": a.post,
                    "start": shifts[a.shift].start.strftime("%H:%M"),
                    "end": shifts[a.shift].end.strftime("%H:%M"),
                    "color": shifts[a.shift].color} for a in sorted(repository.roster_of(own))],
    })


def feed_body(scenario: Scenario, applying: Applying, me: str, own: list[Any]) -> bytes:
    """The person's calendar feed for this publication. Its DTSTAMP is the publication's time: without a METHOD,
    RFC 5545 §3.8.7.2 makes it when the information was last revised in the store."""
    return schedule_to_ical(scenario, repository.roster_of(own), scenario.employee(me).name or me, employee=me,
                            stamp=zoned_utc(applying))


TeamParts = tuple[bytes, list[tuple[str, bytes]]]  # the team's head, and each member's (id, entry)


def team_parts(scenario: Scenario, name: str | None, assignments: list[Any]) -> TeamParts:
    """The team `name` in a publication (`assignments`: all its rows), encoded a member at a time."""
    members = [e for e in scenario.employees if e.team == name]  # team None: the whole site is one team
    cells: dict[str, dict[str, str]] = {e.id: {} for e in members}
    for a in repository.roster_of(assignments):
        if a.employee in cells:
            cells[a.employee][a.date.isoformat()] = a.shift
    head = as_json({"team": name, "days": [d.isoformat() for d in scenario.horizon.dates()],
                    "shifts": [{"id": s.id, "name": s.name, "color": s.color} for s in scenario.shifts]})
    people = [(e.id, as_json({"name": e.name or e.id, "me": False, "shifts": cells[e.id]})) for e in members]
    return head, people


def team_subject(name: str | None) -> str:
    """A team's key among the stored reads: its name as JSON (None is the whole site), hashed when too long for
    the column."""
    subject = json.dumps(name)
    return subject if len(subject) <= 120 else "sha256:" + hashlib.sha256(subject.encode()).hexdigest()


def encode_team(parts: TeamParts) -> bytes:
    head, people = parts
    return as_json({"head": head.decode(), "people": [[person, entry.decode()] for person, entry in people]})


def decode_team(stored: bytes) -> TeamParts:
    data = json.loads(stored)
    return data["head"].encode(), [(person, entry.encode()) for person, entry in data["people"]]


def _scenario(session: Session, applying: Applying) -> Scenario:
    return repository.scenario_of(repository.get_scenario_row(session, applying.scenario_id))


def _stored(session: Session, applying: Applying, kind: str, subject: str) -> bytes | None:
    """The read computed in advance (web/precompute.py), when there is one for exactly these stamps."""
    body = repository.stored_read(session, applying, kind, subject)
    if body is None:
        return None
    try:
        return zlib.decompress(body)
    except zlib.error:  # never worse than no stored read: computed on demand
        return None


def schedule(session: Session, applying: Applying, me: str) -> bytes:
    """`GET /api/me/schedule` for this person and publication, as JSON bytes."""

    def compute() -> bytes:
        return _stored(session, applying, "schedule", me) or schedule_body(
            _scenario(session, applying), applying, me,
            repository.own_assignments(session, applying.publication_id, me))

    return memo.get(("schedule", applying, me), compute)


def feed(session: Session, applying: Applying, me: str) -> bytes:
    """The person's calendar feed for this publication (`feed_body`)."""

    def compute() -> bytes:
        return _stored(session, applying, "feed", me) or feed_body(
            _scenario(session, applying), applying, me,
            repository.own_assignments(session, applying.publication_id, me))

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
        stored = _stored(session, applying, "team-of", me)
        name: str | None = json.loads(stored) if stored is not None else _scenario(session, applying).employee(me).team
        return name

    name = memo.get(("team-of", applying, me), team_of)

    def compute() -> TeamParts:
        stored = _stored(session, applying, "team", team_subject(name))
        if stored is not None:
            return decode_team(stored)
        publication = repository.get_publication(session, applying.publication_id)
        return team_parts(_scenario(session, applying), name, list(publication.assignments))

    head, people = memo.get(("team", applying, name), compute)
    # One's own entry, marked: a person's row is small.
    me_too = next((as_json({**json.loads(entry), "me": True}) for person, entry in people if person == me), b"")
    publication = as_json({"id": applying.publication_id, "status": applying.status})
    listed = b",".join(me_too if person == me else entry for person, entry in people)
    return b'{"publication":' + publication + b"," + head[1:-1] + b',"people":[' + listed + b"]}"


def all_reads(scenario: Scenario, applying: Applying, assignments: list[Any]) -> list[tuple[str, str, bytes]]:
    """Everything employees read of this publication, as stored in advance: (kind, subject, zlib-compressed body)
    with the same bytes the reads above compute on demand."""
    own: dict[str, list[Any]] = {e.id: [] for e in scenario.employees}
    for row in assignments:
        own.setdefault(row[0], []).append(row)
    reads: list[tuple[str, str, bytes]] = []
    for e in scenario.employees:
        reads.append(("schedule", e.id, schedule_body(scenario, applying, e.id, own[e.id])))
        reads.append(("feed", e.id, feed_body(scenario, applying, e.id, own[e.id])))
        reads.append(("team-of", e.id, json.dumps(e.team).encode()))
    for name in dict.fromkeys(e.team for e in scenario.employees):
        reads.append(("team", team_subject(name), encode_team(team_parts(scenario, name, assignments))))
    return [(kind, subject, zlib.compress(body)) for kind, subject, body in reads]


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
