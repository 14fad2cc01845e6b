"""The web app factory: database (migrated on start), routers per role, pages, error shapes, headers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from roulement import __version__
from roulement.store.db import make_engine, session_factory, upgrade
from roulement.store.errors import StoreError
from roulement.store.repository import abandon_running_jobs
from roulement.web.context import Backend, LoginThrottle
from roulement.web.jobs import JobRunner
from roulement.web.routers import admin, auth, council, employee, pages, planner

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")


def create_app(database_url: str, secure_cookies: bool = False, solver_workers: int = 2) -> FastAPI:
    engine = make_engine(database_url)
    upgrade(engine)
    store = Backend(engine, session_factory(engine), LoginThrottle(), secure_cookies)
    with store.transaction() as session:
        abandon_running_jobs(session)
    jobs = JobRunner(store, workers=solver_workers)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        for job_id in list(jobs.running):
            jobs.cancel(job_id)
        jobs.wait(30)
        engine.dispose()

    app = FastAPI(title="roulement", version=__version__, lifespan=lifespan,
                  description="Shift rostering: planners plan, employees read and ask, the works council approves.")
    app.state.backend = store
    app.state.jobs = jobs

    @app.exception_handler(StoreError)
    async def store_error(_: Request, error: StoreError) -> Response:
        return JSONResponse({"detail": error.message, "field": error.field}, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, error: RequestValidationError) -> Response:
        problems = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"] if part != "body")
            problems.append({"field": field, "message": item["msg"]})
        first = problems[0] if problems else {"field": None, "message": "bad request"}
        return JSONResponse({"detail": f"{first['field']}: {first['message']}", "field": first["field"],
                             "problems": problems}, status_code=422)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.url.path.startswith("/api"):
            response.headers["Cache-Control"] = "no-store"
        return response

    for module in (auth, planner, employee, council, admin, pages):
        app.include_router(module.router)
    app.include_router(employee.feeds)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    return app
