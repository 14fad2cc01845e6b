"""The employee's API: one's own schedule, one's team's published roster (names and shifts only), requests,
purpose-bound declarations and a private calendar feed. Everything is looked up from the signed-in account;
no route takes another person's id, and another person's request or declaration answers 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from roulement.store import accounts, repository
from roulement.store.audit import zoned
from roulement.store.errors import NotFound
from roulement.web import published
from roulement.web.context import Actor, Backend, Id, backend, role

router = APIRouter(prefix="/api/me", tags=["employee"])
employee = role("employee")
feeds = APIRouter(tags=["feed"])


def _own_employee_id(actor: Actor) -> str:
    if actor.user.employee_id is None:  # enforced when the account is made; kept for safety
        raise NotFound("this account is linked to no employee", "employee_id")
    return actor.user.employee_id


@router.get("/schedule", response_model=dict[str, Any])
def my_schedule(actor: Actor = Depends(employee), store: Backend = Depends(backend)) -> Response:
    """One's own shifts in the version that applies (computed once per publication and person)."""
    me = _own_employee_id(actor)
    with store.transaction() as session:
        applying = repository.applying_publication(session, me)
        if applying is None:
            return JSONResponse({"publication": None, "shifts": []})
        return Response(published.schedule(session, applying, me), media_type="application/json")


@router.get("/team", response_model=dict[str, Any])
def my_team(actor: Actor = Depends(employee), store: Backend = Depends(backend)) -> Response:
    """The published roster of one's team: names and shifts, nothing else (no ids, posts or absences)."""
    me = _own_employee_id(actor)
    with store.transaction() as session:
        applying = repository.applying_publication(session, me)
        if applying is None:
            return JSONResponse({"publication": None, "days": [], "people": []})
        return Response(published.team(session, applying, me), media_type="application/json")


@router.get("/colleagues")
def my_colleagues(actor: Actor = Depends(employee), store: Backend = Depends(backend)) -> list[dict[str, str]]:
    """The people one may ask to swap with, by name: everyone else on the version that applies to me (or, before
    any, on the newest plan that has me)."""
    me = _own_employee_id(actor)
    with store.transaction() as session:
        publication = repository.current_publication_for(session, me)
        if publication is not None:
            row = repository.get_scenario_row(session, publication.scenario_id)
        else:
            roster = repository.newest_roster_with(session, me)
            if roster is None:
                return []
            row = repository.get_scenario_row(session, roster.scenario_id)
        scenario = repository.scenario_of(row)
    people = [{"id": e.id, "name": e.name or e.id} for e in scenario.employees if e.id != me]
    return sorted(people, key=lambda p: p["name"])


class RequestBody(BaseModel):
    kind: str = Field(description="day_off or swap")
    date: dt.date
    swap_with: str | None = Field(default=None, description="For a swap: the colleague's employee id.")
    note: str = Field(default="", max_length=2000)


@router.get("/requests")
def my_requests(actor: Actor = Depends(employee), store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        names = repository.people_names(session)
        return [repository.request_view(r, names) for r in repository.list_requests(session, actor.user)]


@router.post("/requests", status_code=201)
def add_request(body: RequestBody, actor: Actor = Depends(employee),
                store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        return repository.request_view(
            repository.add_request(session, actor.user, body.kind, body.date, body.swap_with, body.note))


@router.post("/requests/{request_id}/withdraw")
def withdraw_request(request_id: Id, actor: Actor = Depends(employee),
                     store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        request = repository.get_request(session, request_id)
        if request.user_id != actor.id:
            raise NotFound(f"no request {request_id}", "request_id")
        repository.set_request_status(session, actor.user, request, "withdrawn")
        return repository.request_view(request)


@router.get("/declarations")
def my_declarations(actor: Actor = Depends(employee), store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        return {
            "purposes": repository.PURPOSES,
            "declarations": [{"id": d.id, "purpose": d.purpose, "declared_at": zoned(d.declared_at),
                              "active": d.withdrawn_at is None}
                             for d in repository.declarations_of(session, actor.user)],
        }


class DeclarationBody(BaseModel):
    purpose: str = Field(description="One of the purposes listed by GET /api/me/declarations.")


@router.post("/declarations", status_code=201)
def declare(body: DeclarationBody, actor: Actor = Depends(employee),
            store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        declaration = repository.declare(session, actor.user, body.purpose)
        return {"id": declaration.id, "purpose": declaration.purpose, "active": True}


@router.post("/declarations/{declaration_id}/withdraw")
def withdraw_declaration(declaration_id: Id, actor: Actor = Depends(employee),
                         store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        repository.withdraw(session, actor.user, declaration_id)
        return {"id": declaration_id, "active": False}


@router.post("/feed", status_code=201)
def new_feed(request: Request, actor: Actor = Depends(employee),
             store: Backend = Depends(backend)) -> dict[str, str]:
    with store.transaction() as session:
        token = accounts.new_feed_link(session, actor.user)
    return {"url": str(request.url_for("feed", token=token))}


@router.delete("/feed")
def revoke_feed(actor: Actor = Depends(employee), store: Backend = Depends(backend)) -> dict[str, int]:
    with store.transaction() as session:
        return {"revoked": accounts.revoke_feed_links(session, actor.user)}


@feeds.get("/feed/{token}.ics", name="feed")
def feed(token: str, request: Request, store: Backend = Depends(backend)) -> Response:
    """The private link itself is the credential (calendar apps send no cookies); revoking it ends it. A calendar
    app that sends back the feed's ETag (If-None-Match) gets 304 Not Modified until another version applies."""
    with store.transaction() as session:
        me = accounts.feed_person(session, token)
        applying = repository.applying_publication(session, me)
        tag = published.etag("feed", applying, me)
        headers = {"Cache-Control": "private, no-cache", "ETag": tag}
        if published.matches(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers=headers)
        if applying is None:
            body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roulement//shift roster//EN\r\nEND:VCALENDAR\r\n"
        else:
            body = published.feed(session, applying, me)
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
