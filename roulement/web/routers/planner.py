"""The planner's API: scenarios and their people, solve jobs, rosters, cell edits, publishing, downloads."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from roulement import service
from roulement.formats.roster_csv import roster_to_csv
from roulement.formats.roster_xlsx import roster_to_xlsx
from roulement.formats.scenario_yaml import ScenarioError, field_path, parse_scenario
from roulement.formats.tables import TableError, demand_from_rows, employees_from_rows, read_rows
from roulement.model.roster import Roster
from roulement.model.scenario import AbsenceKind
from roulement.report.html import render_html
from roulement.store import repository
from roulement.store.audit import record, trail, zoned
from roulement.store.errors import Invalid, NotFound, Refusal, TooBusy
from roulement.web.context import Actor, Backend, Id, QueryId, backend, role
from roulement.web.edit_judge import EditJudge
from roulement.web.i18n import language
from roulement.web.jobs import JobRunner
from roulement.web.precompute import reads_precompute
from roulement.web.problems import day_codes
from roulement.web.roster_pdf import roster_pdf, site_language, teams_of
from roulement.web.solver_process import price_work
from roulement.web.views import (
    JudgedRosters,
    roster_grid,
    shifts_view,
    violation_diff,
)

router = APIRouter(prefix="/api", tags=["planner"])
PRICE_TIME_LIMIT = 10.0  # seconds for the re-solve that prices granting a request
planner = role("planner")


def runner(request: Request) -> JobRunner:
    return request.app.state.jobs  # type: ignore[no-any-return]


class BlankPlant(BaseModel):
    jurisdiction: str = Field(default="FR", description="FR or DE")
    start: dt.date = Field(description="The first day of the plan")


class ScenarioImport(BaseModel):
    name: str = Field(default="", max_length=200)
    yaml: str | None = Field(default=None, description="A scenario in roulement's YAML format.")
    example: str | None = Field(default=None, description="Or a built-in plant: kos or kos-de.")
    blank: BlankPlant | None = Field(default=None, description="Or a new plant to set up in the browser.")


@router.get("/scenarios")
def list_scenarios(actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        return [{"id": s.id, "name": s.name, "version": s.version, "employees": len(s.data["employees"]),
                 "start": s.data["horizon"]["start"], "days": s.data["horizon"]["days"]}
                for s in repository.list_scenarios(session)]


@router.post("/scenarios", status_code=201)
def import_scenario(body: ScenarioImport, actor: Actor = Depends(planner),
                    store: Backend = Depends(backend)) -> dict[str, Any]:
    if sum(x is not None for x in (body.yaml, body.example, body.blank)) != 1:
        raise Invalid("yaml: give one of yaml (the scenario text), example (a built-in plant) or blank", "yaml")
    if body.blank is not None:
        scenario = repository.blank_scenario(body.name, body.blank.jurisdiction, body.blank.start)
    elif body.yaml is not None:
        try:
            scenario = parse_scenario(body.yaml, "yaml")
        except ScenarioError as error:
            # Each problem worded for the reader, its field named and its line in the text.
            raise Invalid("; ".join(error.problems), "yaml", details=[
                Refusal(field_path(p.location), p.code, p.message, p.params) for p in error.details]) from error
    else:
        try:
            scenario = service.example(body.example or "")
        except service.UnknownExample as error:
            raise Invalid(f"example: {error.args[0]}", "example") from error
    with store.transaction() as session:
        row = repository.add_scenario(session, actor.user, scenario, body.name)
        return {"id": row.id, "name": row.name, "version": row.version}


@router.get("/scenarios/{scenario_id}")
def get_scenario(scenario_id: Id, actor: Actor = Depends(planner),
                 store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        row = repository.get_scenario_row(session, scenario_id)
        scenario = repository.scenario_of(row)
        return {"id": row.id, "name": row.name, "version": row.version,
                "consent_required": row.consent_required, "site": row.data["site"],
                "horizon": row.data["horizon"], "shifts": shifts_view(scenario), "data": row.data,
                "posts": row.data["posts"], "employees": row.data["employees"]}


@router.post("/scenarios/{scenario_id}/roll-forward", status_code=201)
def roll_forward(scenario_id: Id, actor: Actor = Depends(planner),
                 store: Backend = Depends(backend)) -> dict[str, Any]:
    """A new scenario for the next period (see repository.roll_forward); plan it like any other."""
    with store.transaction() as session:
        row = repository.roll_forward(session, actor.user, scenario_id)
        return {"id": row.id, "name": row.name, "version": row.version, "start": row.data["horizon"]["start"],
                "days": row.data["horizon"]["days"]}


class EmployeeEdit(BaseModel):
    version: int = Field(description="The scenario version the edit was made on.")
    changes: dict[str, Any] = Field(description="Fields to set: name, skills, team, night_eligible, contract, …")


@router.patch("/scenarios/{scenario_id}/employees/{employee_id}")
def edit_employee(scenario_id: Id, employee_id: str, body: EmployeeEdit, actor: Actor = Depends(planner),
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
def add_absence(scenario_id: Id, employee_id: str, body: AbsenceBody, actor: Actor = Depends(planner),
                store: Backend = Depends(backend)) -> dict[str, Any]:
    absence = {"start": body.start.isoformat(), "end": body.end.isoformat(), "kind": body.kind.value}
    with store.transaction() as session:
        scenario = repository.add_absence(session, actor.user, scenario_id, employee_id, body.version, absence)
        return {"version": body.version + 1,
                "absences": [a.model_dump(mode="json") for a in scenario.employee(employee_id).absences]}


@router.delete("/scenarios/{scenario_id}/employees/{employee_id}/absences/{position}")
def remove_absence(scenario_id: Id, employee_id: str, position: int, version: int,
                   actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        scenario = repository.remove_absence(session, actor.user, scenario_id, employee_id, version, position)
        return {"version": version + 1,
                "absences": [a.model_dump(mode="json") for a in scenario.employee(employee_id).absences]}


class ConsentBody(BaseModel):
    consent_required: bool = Field(description="True: employees and feeds see council-approved versions only.")


# Before the {section} route below, which would take "settings" for a section.
@router.put("/scenarios/{scenario_id}/settings")
def set_consent(scenario_id: Id, body: ConsentBody, request: Request, actor: Actor = Depends(planner),
                store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        row = repository.set_consent_required(session, actor.user, scenario_id, body.consent_required)
        answer = {"id": row.id, "consent_required": row.consent_required}
        newest = repository.last_publication_of_scenario(session, scenario_id)
        proposed = newest.id if newest is not None and newest.status == "proposed" else None
    if not answer["consent_required"] and proposed is not None:
        reads_precompute(request).submit(proposed)  # now read by employees: their reads computed in advance
    return answer


class SectionBody(BaseModel):
    version: int
    items: list[Any] | dict[str, Any] = Field(
        description="The whole section, in the scenario format (see docs/scenario.md): an object for site, "
        "horizon, rules and rotation (an empty object: no rotation), a list for the others. `absences` is "
        "everyone's absences as one list of {employee, start, end, kind}; `requests` everyone's wishes the solver "
        "weighs, {employee, kind: day_off, day_on, shift_on or shift_off, date, shift?, weight}.")


@router.put("/scenarios/{scenario_id}/{section}")
def replace_section(scenario_id: Id, section: str, body: SectionBody, request: Request,
                    actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> dict[str, Any]:
    """Replace a section as a whole (site, horizon, shifts, skills, posts, demand, safety_minimums, employees,
    absences, requests, households, rules, rotation); validated with the rest of the scenario, an error naming the row
    and field, worded in the reader's language. Demand's `days` may be typed in the reader's words (lun, werktags)."""
    items = body.items
    if section == "demand" and isinstance(items, list):
        items = _demand_days(language(request), items)
    with store.transaction() as session:
        scenario = repository.replace_section(session, actor.user, scenario_id, section, body.version, items)
        dumped = scenario.model_dump(mode="json")
        if section in repository.PERSONAL_SECTIONS:
            return {"version": body.version + 1, section: [
                {"employee": e["id"], **a} for e in dumped["employees"] for a in e.get(section, [])]}
        return {"version": body.version + 1, section: dumped[section]}


def _demand_days(lang: str, items: list[Any], lines: list[int] | None = None) -> list[Any]:
    """Each demand row's `days` in the scenario format's codes, read from the reader's words; an unknown word is
    refused naming its row (`demand[2].days`, and its line in an uploaded file)."""
    rows = []
    for number, item in enumerate(items):
        if isinstance(item, dict) and "days" in item:
            days, refusal = day_codes(lang, item["days"], f"demand[{number}].days")
            if refusal is not None:
                suffix = ""
                if lines is not None and number < len(lines):
                    refusal = replace(refusal, params={**refusal.params, "file_line": lines[number]})
                    suffix = f" (file line {lines[number]})"
                raise Invalid(f"{refusal.field}: {refusal.message}{suffix}", refusal.field, details=[refusal])
            item = {**item, "days": days}
        rows.append(item)
    return rows


class TableUpload(BaseModel):
    version: int
    format: str = Field(description="csv or xlsx")
    content: str = Field(description="The file: text for csv, base64 for xlsx (base64 is accepted for csv too).")
    filename: str = Field(default="upload", max_length=200)
    preview: bool = Field(default=False, description="Only say what would change (people or demand rows: added, "
                          "changed, removed); save nothing.")
    keep_missing: bool = Field(default=False, description="People: keep those absent from the file.")


def _table_refusal(error: TableError, field: str) -> Invalid:
    """A spreadsheet's mistakes, each worded again in the reader's language with its line (`web/problems.py`)."""
    return Invalid("; ".join(error.problems), field, details=[
        Refusal(field, problem.code, problem.message,
                {**problem.params, **({} if problem.line is None else {"file_line": problem.line})})
        for problem in error.details])


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
        raise _table_refusal(error, "content" if body.format in ("csv", "xlsx") else "format") from error


@router.post("/scenarios/{scenario_id}/employees/import")
def import_employees(scenario_id: Id, body: TableUpload, actor: Actor = Depends(planner),
                     store: Backend = Depends(backend)) -> dict[str, Any]:
    rows = _rows(body)
    try:
        people = employees_from_rows(rows, body.filename)
    except TableError as error:
        raise _table_refusal(error, "content") from error
    with store.transaction() as session:
        scenario, summary = repository.import_employees(session, actor.user, scenario_id, body.version, people,
                                                        [line for line, _ in rows], body.preview, body.keep_missing)
        if scenario is None:
            return {"version": body.version, "preview": True, **summary}
        return {"version": body.version + 1, "employees": len(scenario.employees), "preview": False, **summary}


@router.post("/scenarios/{scenario_id}/demand/import")
def import_demand(scenario_id: Id, body: TableUpload, request: Request, actor: Actor = Depends(planner),
                  store: Backend = Depends(backend)) -> dict[str, Any]:
    rows = _rows(body)
    try:
        demand = demand_from_rows(rows, body.filename)
    except TableError as error:
        raise _table_refusal(error, "content") from error
    demand = _demand_days(language(request), demand, [line for line, _ in rows])
    with store.transaction() as session:
        if body.preview:
            return {"version": body.version, "preview": True,
                    **repository.preview_demand(session, scenario_id, body.version, demand, [line for line, _ in rows])}
        scenario = repository.replace_section(session, actor.user, scenario_id, "demand", body.version, demand,
                                              [line for line, _ in rows])
        return {"version": body.version + 1, "demand": len(scenario.demand), "preview": False}


class SolveBody(BaseModel):
    time_limit: float = Field(default=30.0, gt=0, le=3600)


@router.post("/scenarios/{scenario_id}/solve", status_code=202)
def start_solve(scenario_id: Id, body: SolveBody, actor: Actor = Depends(planner),
                jobs: JobRunner = Depends(runner), store: Backend = Depends(backend)) -> dict[str, Any]:
    job_id = jobs.start(actor.user, scenario_id, body.time_limit)
    with store.transaction() as session:
        return jobs.view(repository.get_job(session, job_id))


@router.get("/jobs/{job_id}")
def get_job(job_id: Id, actor: Actor = Depends(planner), jobs: JobRunner = Depends(runner),
            store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        return jobs.view(repository.get_job(session, job_id))


@router.post("/jobs/{job_id}/cancel")
def cancel_job(job_id: Id, actor: Actor = Depends(planner), jobs: JobRunner = Depends(runner),
               store: Backend = Depends(backend)) -> dict[str, Any]:
    with store.transaction() as session:
        job = repository.get_job(session, job_id)
        if jobs.cancel(session, job):
            record(session, actor.user, "solve.cancel", "job", job_id, {"status": "running"},
                              {"status": "cancelling"})
        return jobs.view(job)


@router.get("/rosters")
def list_rosters(scenario_id: QueryId | None = None, actor: Actor = Depends(planner),
                 store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        return [{"id": r.id, "scenario_id": r.scenario_id, "name": r.name, "version": r.version,
                 "assignments": len(r.assignments), "updated_at": zoned(r.updated_at)}
                for r in repository.list_rosters(session, scenario_id)]


def _loaded(store: Backend, roster_id: int) -> tuple[Any, Any, Any]:
    with store.transaction() as session:
        row = repository.get_roster_row(session, roster_id)
        stored = repository.scenario_of(repository.get_scenario_row(session, row.scenario_id))
        scenario = repository.scenario_with_web_input(session, stored)
        return row, scenario, repository.roster_of(row.assignments)


def judged(request: Request) -> JudgedRosters:
    return request.app.state.judged  # type: ignore[no-any-return]


async def edit_judge_of(request: Request) -> EditJudge:  # async: no thread-pool hop
    return request.app.state.edit_judge  # type: ignore[no-any-return]


def _judged_key(session: Any, row: Any, version: int) -> tuple[int, int, int, str]:
    """A roster version judged against one state of its scenario and of what employees said on the web."""
    scenario_row = repository.get_scenario_row(session, row.scenario_id)
    return (row.id, version, scenario_row.version, repository.web_input_stamp(session))


@router.get("/rosters/{roster_id}")
def get_roster(roster_id: Id, actor: Actor = Depends(planner), store: Backend = Depends(backend),
               cache: JudgedRosters = Depends(judged)) -> dict[str, Any]:
    row, scenario, roster = _loaded(store, roster_id)
    with store.transaction() as session:
        key = _judged_key(session, row, row.version)
        accepted = repository.accepted_day_off(session, scenario, roster)
        carried = repository.carried_of(session, row.scenario_id)
    # Judged with the previous period's last days when the plant was rolled forward (rest across the boundary).
    grid, violations = roster_grid(scenario, Roster([*carried, *roster]))
    grid["accepted_day_off"] = accepted
    cache.put(key, violations)
    return {"id": row.id, "name": row.name, "scenario_id": row.scenario_id, "version": row.version,
            "solver": row.solver, **grid}


class CellEdit(BaseModel):
    version: int = Field(description="The roster version the edit was made on (optimistic concurrency).")
    employee: str
    date: dt.date
    shift: str | None = Field(description="The shift to work, or null for a day off.")
    post: str | None = None


@router.put("/rosters/{roster_id}/cell")
def edit_cell(roster_id: Id, body: CellEdit, actor: Actor = Depends(planner),
              store: Backend = Depends(backend), cache: JudgedRosters = Depends(judged),
              edit_judge: EditJudge = Depends(edit_judge_of)) -> dict[str, Any]:
    """Judged incrementally against the violations of the version edited (see views.judge_edit); answers the
    edited person's cells and counters, the coverage and every violation, not the whole grid."""
    with store.transaction() as session:
        row, before, after = repository.edit_cell(session, actor.user, roster_id, body.version, body.employee,
                                                  body.date, body.shift, body.post)
        stored = repository.scenario_of(repository.get_scenario_row(session, row.scenario_id))
        scenario = repository.scenario_with_web_input(session, stored)
        version = row.version
        before_key, after_key = _judged_key(session, row, body.version), _judged_key(session, row, version)
        carried = list(repository.carried_of(session, row.scenario_id))
    before, after = Roster([*carried, *before]), Roster([*carried, *after])
    # Judged in the helper process under `roulement serve` (web/edit_judge.py): the GIL stays with the reads.
    scenario_key = (row.scenario_id, before_key[2], before_key[3])
    old, new, view = edit_judge.judge(scenario_key, scenario, cache.get(before_key), before, after, body.employee)
    cache.put(after_key, new)
    caused, resolved = violation_diff([v.as_dict() for v in old], view["violations"])
    return {"id": roster_id, "version": version, "caused": caused, "resolved": resolved, **view}


@router.get("/rosters/{roster_id}/history")
def roster_history(roster_id: Id, actor: Actor = Depends(planner),
                   store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    with store.transaction() as session:
        repository.get_roster_row(session, roster_id)
        return trail(session, "roster", roster_id)


class PublishBody(BaseModel):
    version: int
    accept_violations: bool = Field(default=False, description="Publish although the checker finds violations "
                                    "(the confirmation lists them: GET …/publish/preview).")


def _publication_view(publication: Any, created: bool) -> dict[str, Any]:
    return {"id": publication.id, "roster_id": publication.roster_id,
            "roster_version": publication.roster_version, "status": publication.status, "created": created}


@router.get("/rosters/{roster_id}/publish/preview")
def publish_preview(roster_id: Id, actor: Actor = Depends(planner),
                    store: Backend = Depends(backend)) -> dict[str, Any]:
    """What publishing this version would put before the council: its violations, and its difference from the
    version last put before it for this plant."""
    row, scenario, roster = _loaded(store, roster_id)
    with store.transaction() as session:
        already = repository.publication_for_version(session, roster_id, row.version)
        last = repository.last_publication_of_scenario(session, row.scenario_id,
                                                       before_id=already.id if already else None)
        last_view = None if last is None else {"id": last.id, "status": last.status, "roster_id": last.roster_id,
                                               "roster_version": last.roster_version,
                                               "published_at": zoned(last.published_at)}
        last_assignments = [] if last is None else list(last.assignments)
        consent_required = repository.get_scenario_row(session, row.scenario_id).consent_required
    with store.transaction() as session:
        carried = repository.carried_of(session, row.scenario_id)
    violations = service.audit(scenario, Roster([*carried, *roster])).violations
    return {"roster_id": roster_id, "version": row.version, "violations": violations,
            "already_published": None if already is None else _publication_view(already, False),
            "against": last_view, "diff": repository.cell_diff(scenario, last_assignments, row.assignments),
            "consent_required": consent_required}


@router.post("/rosters/{roster_id}/publish", status_code=201)
def publish(roster_id: Id, body: PublishBody, request: Request, response: Response,
            actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> dict[str, Any]:
    """Idempotent: the same version again answers the publication made the first time (200, not 201). Where the
    site shows proposed versions, employees' reads of it are then computed in advance (web/precompute.py)."""
    row, scenario, roster = _loaded(store, roster_id)
    violations = 0
    if row.version == body.version:
        with store.transaction() as session:
            carried = repository.carried_of(session, row.scenario_id)
        violations = len(service.audit(scenario, Roster([*carried, *roster])).violations)
    try:
        with store.transaction() as session:
            publication, created = repository.publish(session, actor.user, roster_id, body.version, violations,
                                                      body.accept_violations)
            view = _publication_view(publication, created)
    except IntegrityError:
        # A simultaneous request made it a moment ago: answer that one.
        with store.transaction() as session:
            found = repository.publication_for_version(session, roster_id, body.version)
            if found is None:
                raise
            view = _publication_view(found, False)
    if not view["created"]:
        response.status_code = 200
    else:
        reads_precompute(request).submit(view["id"])
    return view


DOWNLOADS = {"roster.csv": "text/csv; charset=utf-8", "report.html": "text/html; charset=utf-8",
             "report.json": "application/json",
             "roster.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/rosters/{roster_id}/roster.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def roster_pdf_download(roster_id: Id, team: str | None = Query(default=None, max_length=200),
                        lang: str | None = Query(default=None, pattern="^(en|fr|de)$"),
                        actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> Response:
    """The roster printed for the notice board: one team per page (or only `team`), in the site's language
    (French for a French site, German for a German one) unless `lang` says otherwise."""
    row, scenario, roster = _loaded(store, roster_id)
    if team is not None and team not in teams_of(scenario):
        known = ", ".join(t for t in teams_of(scenario) if t) or "none"
        raise NotFound(f"team: no team {team!r} in this plant (teams: {known})", "team")
    body = roster_pdf(scenario, roster, lang or site_language(scenario), row.name, row.version, team)
    suffix = f"-{_safe_name(team)}" if team else ""
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="roster-{row.id}{suffix}.pdf"'})


def _safe_name(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in text)[:60]


@router.get("/rosters/{roster_id}/{filename}")
def download(roster_id: Id, filename: str, request: Request, actor: Actor = Depends(planner),
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
        return HTMLResponse(render_html(scenario, roster, report, lang=language(request)),
                            headers={"Content-Disposition": f'attachment; filename="roster-{row.id}-report.html"'})
    return Response(body, media_type=DOWNLOADS[filename],
                    headers={"Content-Disposition": f'attachment; filename="roster-{row.id}-{filename}"'})


@router.get("/requests")
def all_requests(status: str | None = Query(default=None, max_length=16),
                 kind: str | None = Query(default=None, max_length=16),
                 actor: Actor = Depends(planner), store: Backend = Depends(backend)) -> list[dict[str, Any]]:
    """The inbox: every request with the people's names, newest first; filter by status and kind."""
    with store.transaction() as session:
        names = repository.people_names(session)
        return [repository.request_view(r, names) for r in repository.list_requests(session, None, status, kind)]


@router.post("/requests/{request_id}/price")
def price_request(request_id: Id, http: Request, actor: Actor = Depends(planner),
                  store: Backend = Depends(backend), jobs: JobRunner = Depends(runner)) -> dict[str, Any]:
    """What granting an open day-off request would cost, before deciding: why the person works that day, and
    a local re-solve with the day granted priced against the newest roster with them (`explain`), in the
    reader's language. Runs in the solver process, counted in the solve caps (429 when busy)."""
    with store.transaction() as session:
        request = repository.get_request(session, request_id)
        if request.kind != "day_off" or request.status != "open":
            raise Invalid(f"request {request_id}: only an open day-off request is priced (this one is "
                          f"{request.status} {request.kind})", "request_id")
        row = repository.newest_roster_with(session, request.employee_id)
        if row is None:
            raise Invalid(f"request {request_id}: no roster has {request.employee_id} on it yet", "request_id")
        stored = repository.scenario_of(repository.get_scenario_row(session, row.scenario_id))
        scenario = repository.scenario_with_web_input(session, stored)
        roster, employee, date = repository.roster_of(row.assignments), request.employee_id, request.date
        roster_id, version = row.id, row.version
    if not scenario.horizon.start <= date <= scenario.horizon.end:
        raise Invalid(f"request {request_id}: {date.isoformat()} is outside roster {roster_id}'s horizon",
                      "request_id")
    lines = jobs.run_now(scenario.site.name, price_work,
                         (scenario, roster, employee, date, language(http), PRICE_TIME_LIMIT, jobs.workers))
    return {"request_id": request_id, "roster_id": roster_id, "version": version, "lines": lines}


class RequestDecision(BaseModel):
    status: str = Field(description="accepted or refused")


@router.post("/requests/{request_id}/decision")
def decide_request(request_id: Id, body: RequestDecision, actor: Actor = Depends(planner),
                   store: Backend = Depends(backend), jobs: JobRunner = Depends(runner)) -> dict[str, Any]:
    """Accepting acts: a swap is carried out in the newest roster with both people (a new version); a day off
    on a day the person works starts a local re-plan (`job`), whose outcome the request then carries."""
    with store.transaction() as session:
        request = repository.get_request(session, request_id)
        repository.set_request_status(session, actor.user, request, body.status)
        if request.kind == "swap" and request.status == "accepted":
            request.outcome = repository.carry_out_swap(session, actor.user, request)
    job = None
    if request.kind == "day_off" and request.status == "accepted":
        try:
            job_id = jobs.start_replan(actor.user, request_id)
        except TooBusy as busy:
            job_id = None
            with store.transaction() as session:
                repository.get_request(session, request_id).outcome = {
                    "honoured": False, "reason": f"not re-planned now: {busy.message}"}
        if job_id is not None:
            with store.transaction() as session:
                job = jobs.view(repository.get_job(session, job_id))
    with store.transaction() as session:
        request = repository.get_request(session, request_id)
        return {**repository.request_view(request, repository.people_names(session)), "job": job}
