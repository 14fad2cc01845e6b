"""The HTML pages: thin shells in the reader's language; their script reads and writes through /api."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from roulement.store.models import StoredScenario
from roulement.web.context import Backend, Id
from roulement.web.i18n import CATALOGUE, LANGUAGES, PLURALS, language, locale_data

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))
PAGES = ("login", "planner", "roster", "setup", "employee", "council", "admin")


def site_zone(request: Request) -> str:
    """The plant's time zone for the times a page shows: the newest scenario's site (one plant per install)."""
    store: Backend = request.app.state.backend
    with store.transaction() as session:
        data = session.scalar(select(StoredScenario.data).order_by(StoredScenario.id.desc()).limit(1))
    return str(data["site"].get("timezone") or "UTC") if data else "UTC"


def _page(request: Request, page: str, **extra: object) -> Response:
    lang = language(request)
    locale = {**locale_data(lang), "zone": site_zone(request)}
    response = templates.TemplateResponse(request, f"{page}.html", {
        "page": page, "lang": lang, "t": CATALOGUE[lang], "plurals": PLURALS[lang], "languages": LANGUAGES,
        # French sets a (non-breaking) space before a colon.
        "colon": "\u00a0:" if lang == "fr" else ":", "locale": locale, **extra})
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("roulement_lang", lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/")
def home() -> Response:
    return RedirectResponse("/login")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _page(request, "login")


@router.get("/planner", response_class=HTMLResponse)
def planner_page(request: Request) -> Response:
    return _page(request, "planner")


@router.get("/roster/{roster_id}", response_class=HTMLResponse)
def roster_page(request: Request, roster_id: Id) -> Response:
    return _page(request, "roster", roster_id=roster_id)


@router.get("/setup/{scenario_id}", response_class=HTMLResponse)
def setup_page(request: Request, scenario_id: Id) -> Response:
    return _page(request, "setup", scenario_id=scenario_id)


@router.get("/employee", response_class=HTMLResponse)
def employee_page(request: Request) -> Response:
    return _page(request, "employee")


@router.get("/council", response_class=HTMLResponse)
def council_page(request: Request) -> Response:
    return _page(request, "council")


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request) -> Response:
    return _page(request, "admin")
