"""The tables: accounts and sessions, scenarios, rosters with their versions, publications and the council's
decisions, employees' requests and purpose-bound declarations, feed links, solve jobs and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, false, func, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


ROLES = ("planner", "employee", "council", "admin")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    # For employees: the scenario employee id this account reads as (e.g. 'k042').
    employee_id: Mapped[str | None] = mapped_column(String(64), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)

    # "Paula" and "paula" are one account: names are unique whatever their case.
    __table_args__ = (Index("ix_users_username_lower", func.lower(username), unique=True),)


class LoginFailure(Base):
    """A failed sign-in, kept in the database so the throttle survives a restart (and serves several workers)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    # "address" or "address|username" (lower case)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class LoginSession(Base):
    __tablename__ = "sessions"
    # sha256 of the cookie value: a stolen database row does not open a session.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StoredScenario(Base):
    __tablename__ = "scenarios"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The validated scenario as JSON (Scenario.model_dump(mode="json")). Deferred: most reads find the parsed
    # scenario in repository.scenario_of's cache and need not load (and decode) this column at all.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    # The works council's consent is required before a roster applies (DE: BetrVG §87(1) Nr. 2 and 3; FR: the
    # CSE is consulted, L2312-8): employees and feeds see approved versions only. False: a site whose
    # agreement lets proposed versions show too.
    consent_required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), index=True)
    # A period made by roll-forward: the previous period's last days as worked (assignments, as a roster
    # stores them), so rest and runs of days across the boundary are judged with this period's rosters.
    carried: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True, deferred=True)


class StoredRoster(Base):
    __tablename__ = "rosters"
    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    # [[employee, date, shift, post], ...]
    assignments: Mapped[list[Any]] = mapped_column(JSON)
    # Optimistic concurrency: every saved change bumps it; an edit made against an older number is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    solver: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Publication(Base):
    """A frozen version of a roster put before the employees and the works council. One per roster version:
    publishing the same version again answers the existing one (a double click makes one proposal)."""

    __tablename__ = "publications"
    __table_args__ = (Index("ux_publications_roster_version", "roster_id", "roster_version", unique=True),
                      # Covering: the publication applying to a person is found without reading any row.
                      Index("ix_publications_status_scenario", "status", "scenario_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"))
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"))
    roster_version: Mapped[int] = mapped_column(Integer)
    # Deferred: an employee's own rows are in publication_people; only whole-roster reads load this.
    assignments: Mapped[list[Any]] = mapped_column(JSON, deferred=True)
    # proposed (awaiting the council) -> approved | rejected
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    published_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class PublicationPerson(Base):
    """Who is on a publication: an employee's current version is found by index, without parsing them all."""

    __tablename__ = "publication_people"
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True)
    employee_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    # This person's rows of the publication ([[employee, date, shift, post], ...]): a schedule reads only these.
    assignments: Mapped[list[Any]] = mapped_column(JSON, default=list)


class PublishedRead(Base):
    """What employees read of a publication, computed in advance once it may be read (web/precompute.py): a
    person's schedule (`kind` "schedule", `subject` the employee id), her calendar feed ("feed"), her team's name
    ("team-of") and a team's roster ("team", `subject` the team's name). Valid only while `stamp` is the
    publication's current stamp (its status, the scenario's id, version and creation): a read compares it, and
    computes on demand when it differs or the row is missing (web/published.py). `body` is zlib-compressed."""

    __tablename__ = "published_reads"
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(200))
    body: Mapped[bytes] = mapped_column(LargeBinary)


class Decision(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class EmployeeRequest(Base):
    __tablename__ = "requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # day_off | swap
    date: Mapped[dt.date] = mapped_column()
    swap_with: Mapped[str | None] = mapped_column(String(64), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | accepted | refused | withdrawn
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    # What accepting it did to the roster: {"honoured": bool, "roster_id", "version", "changes", "reason"}.
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class Declaration(Base):
    """A purpose-bound flag an employee declares and may withdraw; never the raw household facts."""

    __tablename__ = "declarations"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))
    declared_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class FeedLink(Base):
    __tablename__ = "feed_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The person whose shifts the link shows, fixed when it is made: relinking the account does not repoint it.
    employee_id: Mapped[str | None] = mapped_column(String(64), default=None)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class SolveJob(Base):
    __tablename__ = "solve_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | done | cancelled | failed
    # plan (a new roster) | replan (a local re-plan of a roster for an accepted day off)
    kind: Mapped[str] = mapped_column(String(16), default="plan", server_default="plan")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id", ondelete="SET NULL"), default=None)
    time_limit: Mapped[float] = mapped_column()
    roster_id: Mapped[int | None] = mapped_column(ForeignKey("rosters.id"), default=None)
    message: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # The solver's latest progress ({solutions, objective, bound}), written by the web process that watches the
    # solve, so any web process answers GET /api/jobs/ID alike.
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, default=None)
    # Set by whichever web process receives the cancel; the watching process polls it and stops the solve.
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SolveLease(Base):
    """A solve running now (a job, or the pricing of a request answered within its request), holding one of the
    server's slots and one of its site's. The unique indexes make the caps hold across several web processes:
    two processes taking the last slot at once cannot both insert it."""

    __tablename__ = "solve_leases"
    __table_args__ = (Index("ux_solve_leases_site_slot", "site", "site_slot", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site: Mapped[str] = mapped_column(String(200))
    server_slot: Mapped[int] = mapped_column(Integer, unique=True)
    site_slot: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("solve_jobs.id", ondelete="CASCADE"), default=None)
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class JudgedViolations(Base):
    """The checker's violations of one roster version judged against one state of its scenario and of what
    employees said (`key`), kept so a cell edit reaching any web process judges only what it changed."""

    __tablename__ = "judged_violations"
    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # [{rule, reference, message, employee, dates, details}, ...] as Violation.as_dict gives them
    violations: Mapped[list[Any]] = mapped_column(JSON)


class AuditEntry(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    after: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
