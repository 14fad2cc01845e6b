"""The API checked from its own schema (schemathesis on /openapi.json): for generated requests, signed in as a
planner, no answer is a 500 and every answer matches the schema. Bounded (a few examples per operation) so the
default run stays fast; solves and pricing are left out (they would start real solver work)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance  # noqa: E402

from roulement.store import accounts, repository  # noqa: E402
from roulement.web.app import create_app  # noqa: E402
from tests.conftest import PASSWORD, small_plant, small_roster  # noqa: E402

# Made when the module is collected (schemathesis parametrizes from the app's schema then): every process that
# collects it (each xdist worker) removes its folder when it exits, whether it ran these tests or not.
_folder = tempfile.mkdtemp(prefix="roulement-schema-")
app = create_app(f"sqlite:///{Path(_folder) / 'schema.db'}", solver_workers=1)


@atexit.register
def _remove_folder() -> None:
    app.state.backend.engine.dispose()
    shutil.rmtree(_folder, ignore_errors=True)

with app.state.backend.transaction() as _session:
    accounts.add_user(_session, "paula", "planner", PASSWORD)
    _scenario_id = repository.add_scenario(_session, None, small_plant(), "Test plant").id
    repository.add_roster(_session, None, _scenario_id, small_roster(), "week")

schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path_regex=r"/solve$|/decision$|/cancel$")


def _signed_in_headers() -> dict[str, str]:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    answer = client.post("/api/login", json={"username": "paula", "password": PASSWORD}).json()
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return {"Cookie": cookie, "X-CSRF-Token": answer["csrf_token"]}


HEADERS = _signed_in_headers()


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_500_and_answers_match_the_schema(case: Any) -> None:
    # The login route would sign the planner out of the shared session or trip the throttle: left alone.
    if case.path in ("/api/login", "/api/logout", "/api/me/password"):
        return
    case.call_and_validate(headers=HEADERS, checks=[not_a_server_error, response_schema_conformance],
                           excluded_checks=[status_code_conformance])
