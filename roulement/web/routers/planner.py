"""The planner's API: scenarios and their people, solve jobs, rosters, cell edits, publishing, downloads."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from roulement import service
from roulement.formats.roster_csv import roster_to_csv
from roulement.formats.roster_xlsx import roster_to_xlsx
from roulement.formats.scenario_yaml import ScenarioError, parse_scenario
from roulement.formats.tables import TableError, demand_from_rows, employees_from_rows, read_rows
from roulement.model.scenario import AbsenceKind
from roulement.report.html import render_html
from roulement.store import repository
from roulement.store.audit import record, trail
from roulement.store.errors import Invalid, NotFound
from roulement.web.context import Actor, Backend, backend, role
from roulement.web.jobs import JobRunner
from roulement.web.views import roster_grid, shifts_view, violation_diff

router = APIRouter(prefix="/api", tags=["planner"])
planner = role("planner")


def runner(request: Request) -> JobRunner:
    return request.app.state.jobs  # type: ignore[no-any-return]


class ScenarioImport(BaseModel):
    name: str = Field(default="", max_length=200)
    yaml: str | None = Field(default=None, description="A scenario in roulement's YAML format.")
    example: str | None = Field(default=None, description="Or a built-in plant: kos or kos-de.")


@router.get("/scenarios")
def list_scenarios(actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        return [{"id": s.id, "name": s.name, "version": s.version, "employees": len(s.data["employees"]),
                 "start": s.data["horizon"]["start"], "days": s.data["horizon"]["days"]}
                for s in repository.list_scenarios(session)]


@router.post("/scenarios", status_code=201)
def import_scenario(body: ScenarioImport, actor: Actor = Depends(planner),
                    store: Backend = Depends(backend)) -> dict[str, Any]:
    if (body.yaml is None) == (body.example is None):
        raise Invalid("yaml: give either yaml (the scenario text) or example (a built-in plant)", "yaml")
    if body.yaml is not None:
        try:
            scenario = parse_scenario(body.yaml, "yaml")
        except ScenarioError as error:
            raise Invalid("; ".join(error.problems), "yaml") from error
    else:
        try:
            scenario = service.example(body.example or "")
        except service.UnknownExample as error:
            raise Invalid(f"example: {error.args[0]}", "example") from error
    with store.transaction() as session:
        row = repository.add_scenario(session, actor.user, scenario, body.name)
        return {"id": row.id, "name": row.name, "version": row.version}


@router.get("/scenarios/{scenario_id}")
def get_scenario(scenario_id: int, actor: Actor = Depends(planner),
                 store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        row = repository.get_scenario_row(session, scenario_id)
        scenario = repository.scenario_of(row)
        return {"id": row.id, "name": row.name, "version": row.version,
                "site": row.data["site"], "horizon": row.data["horizon"], "shifts": shifts_view(scenario),
                "posts": row.data["posts"], "employees": row.data["employees"]}


class EmployeeEdit(BaseModel):
    version: int = Field(description="The scenario version the edit was made on.")
    changes: dict[str, Any] = Field(description="Fields to set: name, skills, team, night_eligible, contract, …")


@router.patch("/scenarios/{scenario_id}/employees/{employee_id}")
def edit_employee(scenario_id: int, employee_id: str, body: EmployeeEdit, actor: Actor = Depends(planner),
                  store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        scenario = repository.edit_employee(session, actor.user, scenario_id, employee_id, body.version,
                                            body.changes)
        return {"version": body.version + 1,
                "employee": scenario.employee(employee_id).model_dump(mode="json")}


class AbsenceBody(BaseModel):
    version: int
    start: dt.date
    end: dt.date
    kind: AbsenceKind = AbsenceKind.HOLIDAY


@router.post("/scenarios/{scenario_id}/employees/{employee_id}/absences", status_code=201)
def add_absence(scenario_id: int, employee_id: str, body: AbsenceBody, actor: Actor = Depends(planner),
                store: Backend = Depends(backend)) -> dict[str, Any]:
    absence = {"start": body.start.isoformat(), "end": body.end.isoformat(), "kind": body.kind.value}
    with store.transaction() as session:
        scenario = repository.add_absence(session, actor.user, scenario_id, employee_id, body.version, absence)
        return {"version": body.version + 1,
                "absences": [a.model_dump(mode="json") for a in scenario.employee(employee_id).absences]}


@router.delete("/scenarios/{scenario_id}/employees/{employee_id}/absences/{position}")
def remove_absence(scenario_id: int, employee_id: str, position: int, version: int,
                   actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        scenario = repository.remove_absence(session, actor.user, scenario_id, employee_id, version, position)
        return {"version": version + 1,
                "absences": [a.model_dump(mode="json") for a in scenario.employee(employee_id).absences]}


class SectionBody(BaseModel):
    version: int
    items: list[Any] = Field(description="The whole section, in the scenario format (see docs/scenario.md).")


@router.put("/scenarios/{scenario_id}/{section}")
def replace_section(scenario_id: int, section: str, body: SectionBody, actor: Actor = Depends(planner),
                    store: Backend = Depends(backend)) -> dict[str, Any]:
    """Replace posts, demand, skills or safety_minimums as a whole; validated with the rest of the scenario."""
    with store.transaction() as session:
        scenario = repository.replace_section(session, actor.user, scenario_id, section, body.version, body.items)
        return {"version": body.version + 1, section: scenario.model_dump(mode="json")[section]}


class TableUpload(BaseModel):
    version: int
    format: str = Field(description="csv or xlsx")
    content: str = Field(description="The file: text for csv, base64 for xlsx (base64 is accepted for csv too).")
    filename: str = Field(default="upload", max_length=200)


def _rows(body: TableUpload) -> list[tuple[int, dict[str, str]]]:
    if body.format == "xlsx" or body.content.startswith("base64:"):
        try:
            raw = base64.b64decode(body.content.removeprefix("base64:"), validate=True)
        except (binascii.Error, ValueError) as error:
            raise Invalid("content: not valid base64", "content") from error
    else:
        raw = body.content.encode()
    try:
        return read_rows(raw, body.format, body.filename)
    except TableError as error:
        raise Invalid("; ".join(error.problems), "content" if body.format in ("csv", "xlsx") else "format") from error


@router.post("/scenarios/{scenario_id}/employees/import")
def import_employees(scenario_id: int, body: TableUpload, actor: Actor = Depends(planner),
                     store: Backend = Depends(backend)) -> dict[str, Any]:
    rows = _rows(body)
    try:
        people = employees_from_rows(rows, body.filename)
    except TableError as error:
        raise Invalid("; ".join(error.problems), "content") from error
    with store.transaction() as session:
        scenario = repository.import_employees(session, actor.user, scenario_id, body.version, people,
                                               [line for line, _ in rows])
        return {"version": body.version + 1, "employees": len(scenario.employees)}


@router.post("/scenarios/{scenario_id}/demand/import")
def import_demand(scenario_id: int, body: TableUpload, actor: Actor = Depends(planner),
                  store: Backend = Depends(backend)) -> dict[str, Any]:
    rows = _rows(body)
    try:
        demand = demand_from_rows(rows, body.filename)
    except TableError as error:
        raise Invalid("; ".join(error.problems), "content") from error
    with store.transaction() as session:
        scenario = repository.replace_section(session, actor.user, scenario_id, "demand", body.version, demand,
                                              [line for line, _ in rows])
        return {"version": body.version + 1, "demand": len(scenario.demand)}


class SolveBody(BaseModel):
    time_limit: float = Field(default=30.0, gt=0, le=3600)


@router.post("/scenarios/{scenario_id}/solve", status_code=202)
def start_solve(scenario_id: int, body: SolveBody, actor: Actor = Depends(planner),
                jobs: JobRunner = Depends(runner), store: Backend = Depends(backend)) -> dict[str, Any]:
    job_id = jobs.start(actor.user, scenario_id, body.time_limit)
    with store.transaction() as session:
        return jobs.view(repository.get_job(session, job_id))


@router.get("/jobs/{job_id}")
def get_job(job_id: int, actor: Actor = Depends(planner), jobs: JobRunner = Depends(runner),
            store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        return jobs.view(repository.get_job(session, job_id))


@router.post("/jobs/{job_id}/cancel")
def cancel_job(job_id: int, actor: Actor = Depends(planner), jobs: JobRunner = Depends(runner),
               store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        job = repository.get_job(session, job_id)
        if job.status == "running" and jobs.cancel(job_id):
            record(session, actor.user, "solve.cancel", "job", job_id, {"status": "running"},
                              {"status": "cancelling"})
        return jobs.view(job)


@router.get("/rosters")
def list_rosters(scenario_id: int | None = None, actor: Actor = Depends(planner),
                 store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        return [{"id": r.id, "scenario_id": r.scenario_id, "name": r.name, "version": r.version,
                 "assignments": len(r.assignments), "updated_at": r.updated_at.isoformat()}
                for r in repository.list_rosters(session, scenario_id)]


def _loaded(store: Backend, roster_id: int) -> tuple[Any, Any, Any]:
    with store.transaction() as session:
        row = repository.get_roster_row(session, roster_id)
        stored = repository.scenario_of(repository.get_scenario_row(session, row.scenario_id))
        scenario = repository.scenario_with_web_input(session, stored)
        return row, scenario, repository.roster_of(row.assignments)


@router.get("/rosters/{roster_id}")
def get_roster(roster_id: int, actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> dict[str, Any]:
    row, scenario, roster = _loaded(store, roster_id)
    return {"id": row.id, "name": row.name, "scenario_id": row.scenario_id, "version": row.version,
            "solver": row.solver, **roster_grid(scenario, roster)}


class CellEdit(BaseModel):
    version: int = Field(description="The roster version the edit was made on (optimistic concurrency).")
    employee: str
    date: dt.date
    shift: str | None = Field(description="The shift to work, or null for a day off.")
    post: str | None = None


@router.put("/rosters/{roster_id}/cell")
def edit_cell(roster_id: int, body: CellEdit, actor: Actor = Depends(planner),
              store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        row, before, after = repository.edit_cell(session, actor.user, roster_id, body.version, body.employee,
                                                  body.date, body.shift, body.post)
        stored = repository.scenario_of(repository.get_scenario_row(session, row.scenario_id))
        scenario = repository.scenario_with_web_input(session, stored)
        version = row.version
    old_violations = service.audit(scenario, before).violations
    grid = roster_grid(scenario, after)
    caused, resolved = violation_diff(old_violations, grid["violations"])
    return {"id": roster_id, "version": version, "caused": caused, "resolved": resolved, **grid}


@router.get("/rosters/{roster_id}/history")
def roster_history(roster_id: int, actor: Actor = Depends(planner),
                   store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        repository.get_roster_row(session, roster_id)
        return trail(session, "roster", roster_id)


class PublishBody(BaseModel):
    version: int


@router.post("/rosters/{roster_id}/publish", status_code=201)
def publish(roster_id: int, body: PublishBody, actor: Actor = Depends(planner),
            store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        publication = repository.publish(session, actor.user, roster_id, body.version)
        return {"id": publication.id, "roster_id": roster_id, "roster_version": publication.roster_version,
                "status": publication.status}


DOWNLOADS = {"roster.csv": "text/csv; charset=utf-8", "report.html": "text/html; charset=utf-8",
             "report.json": "application/json",
             "roster.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/rosters/{roster_id}/{filename}")
def download(roster_id: int, filename: str, actor: Actor = Depends(planner),
             store: Backend = Depends(backend)) -> Response:
    if filename not in DOWNLOADS:
        raise NotFound(f"filename: no download {filename!r} (choose {', '.join(DOWNLOADS)})", "filename")
    row, scenario, roster = _loaded(store, roster_id)
    report = service.audit(scenario, roster).report
    if filename == "roster.csv":
        body: str | bytes = roster_to_csv(scenario, roster)
    elif filename == "roster.xlsx":
        body = roster_to_xlsx(scenario, roster, report)
    elif filename == "report.json":
        body = json.dumps(report, indent=2, ensure_ascii=False)
    else:
        return HTMLResponse(render_html(scenario, roster, report),
                            headers={"Content-Disposition": f'attachment; filename="roster-{row.id}-report.html"'})
    return Response(body, media_type=DOWNLOADS[filename],
                    headers={"Content-Disposition": f'attachment; filename="roster-{row.id}-{filename}"'})


@router.get("/requests")
def all_requests(actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        return [repository.request_view(r) for r in repository.list_requests(session)]


class RequestDecision(BaseModel):
    status: str = Field(description="accepted or refused")


@router.post("/requests/{request_id}/decision")
def decide_request(request_id: int, body: RequestDecision, actor: Actor = Depends(planner),
                   store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        request = repository.get_request(session, request_id)
        repository.set_request_status(session, actor.user, request, body.status)
        return repository.request_view(request)
