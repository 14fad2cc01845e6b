"""Fixtures for the web app's tests: a fresh database per test (SQLite, or PostgreSQL when
ROULEMENT_TEST_DATABASE_URL names a server), accounts for each role, and a small plant with a roster."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.factory import roster, scenario

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id still, but with test-sized cost: the production cost (64 MiB, 3 passes) is slow on purpose."""
    from argon2 import PasswordHasher

    from roulement.store import accounts

    monkeypatch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def small_plant():  # type: ignore[no-untyped-def]
    """Six operators in two teams on a 3x8 line, one week: small enough to plan in a second."""
    return scenario(
        days=7,
        employees=[{"id": f"e{i}", "name": f"Person {i}", "skills": ["op"], "team": "A" if i < 3 else "B",
                    "contract": {"weekly_hours": 28, "tolerance_hours": 6}}
                   for i in range(6)],
        demand=[{"post": "line", "shifts": ["M", "A", "N"], "min": 1}],
    )


def small_roster():  # type: ignore[no-untyped-def]
    """A lawful hand-made week: each shift covered by a different pair, forward rotation."""
    rows = []
    for d in range(7):
        rows += [(f"e{(d % 2)}", d, "M"), (f"e{2 + d % 2}", d, "A"), (f"e{4 + d % 2}", d, "N")]
    return roster(*rows)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """SQLite in a temporary file, or an emptied PostgreSQL database (one per xdist worker) when
    ROULEMENT_TEST_DATABASE_URL names a server (.ci/run starts one on loopback)."""
    server = os.environ.get("ROULEMENT_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'roulement.db'}"
        return
    from sqlalchemy import make_url, text

    from roulement.store.db import make_engine, normalise_url

    name = f"roulement_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.execute(text("select 1 from pg_database where datname = :name"), {"name": name}).first() is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(normalise_url(server)).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield url


@dataclass
class Site:
    """A running app (test client) with one account per role and a small plant with a roster."""

    app: object
    scenario_id: int
    roster_id: int

    def client(self, username: str | None = None):  # type: ignore[no-untyped-def]
        from fastapi.testclient import TestClient

        client = TestClient(self.app)  # type: ignore[arg-type]
        if username is not None:
            response = client.post("/api/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client


def publish_approved(site: Site, version: int = 1) -> int:
    """Publish the site's roster and have the council approve it: what employees see where consent is required."""
    publication = site.client("paula").post(f"/api/rosters/{site.roster_id}/publish", json={"version": version})
    assert publication.status_code in (200, 201), publication.text
    publication_id: int = publication.json()["id"]
    decided = site.client("carla").post(f"/api/publications/{publication_id}/decision", json={"decision": "approve"})
    assert decided.status_code == 201, decided.text
    return publication_id


@pytest.fixture
def site(database_url: str) -> Iterator[Site]:
    from roulement.store import accounts, repository
    from roulement.web.app import create_app

    app = create_app(database_url, solver_workers=1)
    store = app.state.backend
    with store.transaction() as session:
        for name, role, employee in [("paula", "planner", None), ("pierre", "planner", None),
                                     ("emma", "employee", "e0"), ("erik", "employee", "e1"),
                                     ("bea", "employee", "e4"), ("carla", "council", None),
                                     ("adam", "admin", None)]:
            accounts.add_user(session, name, role, PASSWORD, employee)
        scenario_id = repository.add_scenario(session, None, small_plant(), "Test plant").id
        roster_id = repository.add_roster(session, None, scenario_id, small_roster(), "hand-made week").id
    yield Site(app, scenario_id, roster_id)
    app.state.jobs.wait(30)
    app.state.reads.wait(30)
    store.engine.dispose()


@pytest.fixture(scope="session")
def local_ray() -> Iterator[None]:
    """One embedded Ray runtime with 2 CPUs for every Ray test of this test process (starting one takes seconds),
    started in the background as the commands start it (`roulement.tasks.engine_started`): every run uses it,
    and it stops at the end. The Ray tests are one xdist group (`ON_RAY`), so `./scripts/test` (`--dist
    loadgroup`) runs them all in one process, on one runtime."""
    from roulement.tasks import engine_started, ray_available

    if not ray_available():
        pytest.skip("Ray is not installed (pip install 'roulement[cluster]')")
    import ray

    with engine_started("ray", workers=2, warm=("roulement.tasks",)):
        yield
        assert ray.is_initialized()
    assert not ray.is_initialized()


# Marks a test that runs on Ray: all of them go to one test process (see `local_ray`).
ON_RAY = pytest.mark.xdist_group("ray")
