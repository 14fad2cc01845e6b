"""The admin's API: accounts, and the audit trail (declarations' contents redacted)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from roulement.store import accounts
from roulement.store.audit import record, trail
from roulement.store.errors import Invalid, NotFound
from roulement.store.models import ROLES, User
from roulement.web.context import Actor, Backend, Id, QueryId, backend, role

router = APIRouter(prefix="/api", tags=["admin"])
admin = role("admin")


@router.get("/users")
def users(actor: Actor = Depends(admin), store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        return [accounts.account_view(u) for u in session.scalars(select(User).order_by(User.id))]


class NewAccount(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    role: str
    employee_id: str | None = None


@router.post("/users", status_code=201)
def add_user(body: NewAccount, actor: Actor = Depends(admin), store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        user = accounts.add_user(session, body.username, body.role, body.password, body.employee_id, actor.user)
        return accounts.account_view(user)


class AccountChange(BaseModel):
    role: str | None = None
    active: bool | None = None
    employee_id: str | None = None
    password: str | None = None


@router.patch("/users/{user_id}")
def change_user(user_id: Id, body: AccountChange, actor: Actor = Depends(admin),
                store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"no account {user_id}", "user_id")
        before = accounts.account_view(user)
        if body.role is not None:
            if body.role not in ROLES:
                raise Invalid(f"role: must be one of {', '.join(ROLES)}", "role", code="unknown_role",
                              params={"value": body.role, "known": ", ".join(ROLES)})
            user.role = body.role
        if body.employee_id is not None:
            user.employee_id = body.employee_id or None
        if body.active is not None:
            if user.id == actor.id and not body.active:
                raise Invalid("active: an admin cannot lock out their own account", "active",
                              code="cannot_lock_oneself")
            user.active = body.active
        if (user.role == "employee") != (user.employee_id is not None):
            raise Invalid("employee_id: employee accounts, and only they, are linked to an employee id",
                          "employee_id", code="employee_link_mismatch")
        if before["role"] == "admin" and before["active"] and not (user.role == "admin" and user.active):
            session.flush()
            others = session.scalar(select(func.count()).select_from(User).where(
                User.role == "admin", User.active.is_(True), User.id != user.id))
            if not others:
                field = "role" if user.role != "admin" else "active"
                raise Invalid(f"{field}: {user.username} is the last active admin; make another admin first",
                              field, code="last_active_admin", params={"value": user.username})
        if before["employee_id"] != user.employee_id:
            # A feed link shows the person it was made for; a relinked account starts with none.
            accounts.revoke_feed_links(session, user)
        if body.password is not None:
            accounts.set_password(session, user, body.password, actor.user)
        if not user.active or before["role"] != user.role or before["employee_id"] != user.employee_id:
            # Locked, or given other rights: open sessions must not keep the old ones.
            accounts.end_sessions(session, user)
        record(session, actor.user, "user.change", "user", user.id, before, accounts.account_view(user))
        return accounts.account_view(user)


@router.get("/audit")
def audit_trail(entity: str | None = Query(default=None, max_length=32),
                action: str | None = Query(default=None, max_length=64),
                before_id: QueryId | None = None, limit: int = Query(default=50, ge=1, le=500),
                actor: Actor = Depends(admin), store: Backend = Depends(backend)) -> dict[str, Any]:
    """Newest first, `limit` at a time; the next page starts below `next_before_id`."""
    with store.transaction() as session:
        entries = trail(session, entity, limit=limit + 1, before_id=before_id, action=action)
    more = len(entries) > limit
    entries = entries[:limit]
    for entry in entries:
        if entry["entity"] == "declaration":
            # Who declared what is the employee's own business: the trail shows that a change happened.
            entry["before"] = entry["after"] = "(private)"
    return {"entries": entries, "next_before_id": entries[-1]["id"] if more and entries else None}
