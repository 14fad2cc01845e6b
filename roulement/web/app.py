"""The web app factory: database (migrated on start), routers per role, pages, error shapes, headers,
a request body limit and the API documentation served from the app itself (no CDN)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from roulement import __version__
from roulement.store.db import make_engine, session_factory, transaction, upgrade
from roulement.store.errors import Refusal, StoreError
from roulement.store.repository import abandon_running_jobs
from roulement.web.context import Backend
from roulement.web.edit_judge import EditJudge
from roulement.web.i18n import language
from roulement.web.jobs import JobRunner, SolveLimits
from roulement.web.precompute import ReadsPrecompute
from roulement.web.problems import refusal_json
from roulement.web.routers import admin, auth, council, employee, pages, planner
from roulement.web.views import JudgedRosters

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")
# Uploads carry an XLSX file in base64, so the general limit is generous; a sign-in is a few hundred bytes.
MAX_BODY = 8 * 1024 * 1024
# Requests are short and a cell edit's judging is a long run of Python: slices of 1 ms instead of 5 let a schedule
# read take its turn sooner while an edit is judged (docs/benchmarks.md, issue 15). Set by `roulement serve`.
GIL_SLICE = 0.001  # seconds
# The cyclic garbage collector: a full collection walks every object the process holds (a quarter of a million
# with KOS loaded) and stops every thread for 150–230 ms; with Python's default thresholds (700, 10, 10) a KOS
# cell edit set one off about every second edit, and each stalled every employee's read. Collect the youngest
# generation after 50,000 new objects instead of 700 (reference counting frees all but cycles at once anyway),
# and move what start-up built into the permanent generation, which no collection walks (gc.freeze).
GC_THRESHOLDS = (50_000, 10, 10)
SMALL_BODY_PATHS = {"/api/login": 16 * 1024, "/api/logout": 16 * 1024, "/api/me/password": 16 * 1024}


class BodyLimit:
    """413 for a body over the limit, told by Content-Length or found while reading a chunked body: the
    app never reads more than the limit."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = SMALL_BODY_PATHS.get(scope["path"], self.limit)
        too_large = JSONResponse({"detail": f"request body: larger than {limit} bytes", "field": "body"},
                                 status_code=413)
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                await too_large(scope, receive, send)
                return
        if any(name == b"content-length" for name, _ in scope["headers"]) or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        # A streamed body of unknown length: read it here, up to the limit, and hand it on in one piece
        # (the app's own reader would turn an error raised mid-read into a 400).
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)


class SecurityHeaders:
    """The headers every answer carries (and no-store on the API). Plain ASGI, not `@app.middleware`: Starlette's
    BaseHTTPMiddleware costs a task and a stream per request, a good share of a cheap read's time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                if api:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


class FieldProblem(BaseModel):
    field: str | None
    type: str | None = None  # a stable code: pydantic's error type or the model's own (`request_needs_shift`)
    message: str  # in the reader's language


class Problem(BaseModel):
    """Every 4xx this app answers: what is wrong, naming the field (and, for a refusal with reasons, each reason
    with its field and code), in the reader's language (Accept-Language or the page's language cookie)."""

    detail: str
    field: str | None = None
    problems: list[FieldProblem] | None = None


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>roulement API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>"""


def prepare_database(database_url: str) -> None:
    """Once per server start, before any web process serves: the schema at its newest revision, and the jobs
    a stopped server left 'running' marked failed (their slots freed)."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with transaction(session_factory(engine)) as session:
            abandon_running_jobs(session)
    finally:
        engine.dispose()


def create_app(database_url: str, secure_cookies: bool = False, solver_workers: int = 2,
               limits: SolveLimits | None = None, max_body: int = MAX_BODY, prepare: bool = True,
               edits_apart: bool = False) -> FastAPI:
    """The app. `prepare=False` for each of several web processes started together: the server's start
    (`prepare_database`) was done once before them, and one process must not fail another's running jobs.
    `edits_apart`: cell edits are judged in a helper process (`web/edit_judge.py`), and a publication's reads are
    computed in advance in one (`web/precompute.py`), as `roulement serve` runs."""
    if prepare:
        prepare_database(database_url)
    engine = make_engine(database_url)
    store = Backend(engine, session_factory(engine), secure_cookies)
    jobs = JobRunner(store, workers=solver_workers, limits=limits or SolveLimits())
    edit_judge = EditJudge(apart=edits_apart)
    reads = ReadsPrecompute(store, apart=edits_apart)  # a publication's reads: in a helper process when serving

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        edit_judge.warm()
        yield
        jobs.stop_all()
        jobs.wait(30)
        edit_judge.close()
        reads.close()
        engine.dispose()

    # FastAPI's own /docs loads Swagger UI from a CDN with an inline script, which our CSP blocks: the page
    # below serves the assets shipped in the swagger-ui-bundle package and starts them from a file.
    app = FastAPI(title="roulement", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Shift rostering: planners plan, employees read and ask, the works council approves.")
    app.state.backend = store
    app.state.jobs = jobs
    app.state.judged = JudgedRosters(store=store)
    app.state.edit_judge = edit_judge
    app.state.reads = reads

    @app.exception_handler(StoreError)
    async def store_error(request: Request, error: StoreError) -> Response:
        # The reasons in the reader's language (`web/problems.py`), each with the field as the API names it.
        return JSONResponse(refusal_json(language(request), error.message, error.field, error.details),
                            status_code=error.status, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        details = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"] if part != "body") or "body"
            details.append(Refusal(field, item["type"], item["msg"], item.get("ctx") or {}))
        if not details:
            details.append(Refusal(None, "bad_request", "bad request"))
        return JSONResponse(refusal_json(language(request), "", None, details), status_code=422)

    @app.exception_handler(OverflowError)
    async def out_of_range(_: Request, error: OverflowError) -> Response:
        # The last line of defence: path ids are bounded by their types (context.Id), but a number too large
        # for the database must never become a 500.
        return JSONResponse({"detail": "a number is out of range", "field": None}, status_code=422)

    @app.exception_handler(DataError)
    async def database_refused(_: Request, error: DataError) -> Response:
        # A value the database cannot hold (a number out of its column's range, …) is the caller's to fix.
        return JSONResponse({"detail": "a value is out of the range the database can store", "field": None},
                            status_code=422)

    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(SecurityHeaders)

    def openapi() -> dict[str, Any]:
        """FastAPI's document, with the error shape this app really answers (see `Problem`) for 4xx."""
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description,
                                   routes=app.routes)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(problem.pop("$defs", {}))
            schemas["HTTPValidationError"] = problem
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    for module in (auth, planner, employee, council, admin, pages):
        app.include_router(module.router)
    app.include_router(employee.feeds)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    return app


def tune_for_serving() -> None:
    """Set by `roulement serve` in each web process, once the app is built: short GIL slices and rare, short
    garbage collections (see GIL_SLICE and GC_THRESHOLDS; docs/benchmarks.md, issue 15)."""
    import gc
    import sys

    sys.setswitchinterval(GIL_SLICE)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


# `roulement serve --workers N`: uvicorn starts N processes, each building its app from these variables (set
# by the serve command, which prepared the database once before).
ENVIRONMENT = {"database": "ROULEMENT_WEB_DB", "secure_cookies": "ROULEMENT_WEB_SECURE_COOKIES",
               "solver_workers": "ROULEMENT_WEB_SOLVER_WORKERS"}


def worker_app() -> FastAPI:
    """The app of one of several web processes (uvicorn's factory)."""
    import os

    app = create_app(os.environ[ENVIRONMENT["database"]],
                     secure_cookies=os.environ.get(ENVIRONMENT["secure_cookies"]) == "1",
                     solver_workers=int(os.environ.get(ENVIRONMENT["solver_workers"], "2")), prepare=False,
                     edits_apart=True)
    tune_for_serving()
    return app
