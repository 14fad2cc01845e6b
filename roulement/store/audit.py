"""The audit trail: who changed what, when, with the state before and after. Written in the same
transaction as the change itself, so a change and its record stand or fall together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roulement.store.models import AuditEntry, User


def record(
    session: Session, actor: User | None, action: str, entity: str, entity_id: object, before: Any, after: Any,
    anonymous: str = "(command line)",
) -> None:
    """`anonymous` names who acted when no account did (the command line, or a visitor not signed in)."""
    session.add(AuditEntry(
        user_id=actor.id if actor is not None else None,
        username=actor.username if actor is not None else anonymous,
        action=action, entity=entity, entity_id=str(entity_id), before=before, after=after,
    ))


def zoned(at: dt.datetime) -> str:
    """An instant as ISO 8601 with its offset: stored in UTC, and SQLite hands it back without the zone."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).isoformat(timespec="seconds")


def trail(session: Session, entity: str | None = None, entity_id: object | None = None,
          limit: int = 200, before_id: int | None = None, action: str | None = None) -> list[dict[str, Any]]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if action is not None:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    return [
        {"id": e.id, "at": zoned(e.at), "user": e.username, "action": e.action, "entity": e.entity,
         "entity_id": e.entity_id, "before": e.before, "after": e.after}
        for e in session.scalars(query)
    ]
