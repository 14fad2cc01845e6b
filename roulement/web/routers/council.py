"""The works council's API: versions put before it, aggregate reports, and its recorded decisions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from roulement.store import repository
from roulement.store.audit import zoned
from roulement.web.context import Actor, Backend, Id, backend, role
from roulement.web.precompute import reads_precompute
from roulement.web.views import aggregate_report

router = APIRouter(prefix="/api", tags=["council"])
reader = role("council", "planner")
council = role("council")


@router.get("/publications")
def publications(actor: Actor = Depends(reader), store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        return [{"id": p.id, "roster_id": p.roster_id, "roster_version": p.roster_version,
                 "scenario_id": p.scenario_id, "status": p.status, "published_at": zoned(p.published_at),
                 "assignments": len(p.assignments), "decisions": repository.decisions_of(session, p.id)}
                for p in repository.list_publications(session)]


@router.get("/publications/{publication_id}/report")
def publication_report(publication_id: Id, actor: Actor = Depends(reader),
                       store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        publication = repository.get_publication(session, publication_id)
        stored = repository.scenario_of(repository.get_scenario_row(session, publication.scenario_id))
        scenario = repository.scenario_with_web_input(session, stored)
        declarations = repository.active_declaration_counts(session)
        roster = repository.roster_of(publication.assignments)
        status = publication.status
    return {"id": publication_id, "status": status, **aggregate_report(scenario, roster, declarations)}


class DecisionBody(BaseModel):
    decision: str = Field(description="approve or reject")
    comment: str = Field(default="", max_length=5000)


@router.post("/publications/{publication_id}/decision", status_code=201)
def decide(publication_id: Id, body: DecisionBody, request: Request, actor: Actor = Depends(council),
           store: Backend = Depends(backend)) -> dict[str, Any]:
    """An approval puts the version before employees: their reads of it are then computed in advance
    (web/precompute.py)."""
    with store.transaction() as session:
        decision = repository.decide(session, actor.user, publication_id, body.decision, body.comment)
        publication = repository.get_publication(session, publication_id)
        answer = {"id": publication_id, "status": publication.status, "decision": decision.decision,
                  "comment": decision.comment}
    if answer["status"] == "approved":
        reads_precompute(request).submit(publication_id)
    return answer
