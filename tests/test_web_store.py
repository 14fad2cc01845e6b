"""The database side: migrations on an empty database, the CLI's accounts, the pages in three languages."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from roulement.cli import app
from roulement.store.db import alembic_config, make_engine, upgrade
from roulement.store.models import Base
from tests.conftest import PASSWORD, Site


def test_migrations_build_the_whole_schema_on_an_empty_database(database_url: str) -> None:
    engine = make_engine(database_url)
    assert inspect(engine).get_table_names() == []
    upgrade(engine)
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    with engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar() == head
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    # The migrated columns are the models' columns: no drift between the two.
    for name, table in Base.metadata.tables.items():
        assert {c["name"] for c in inspect(engine).get_columns(name)} == {c.name for c in table.columns}, name
    upgrade(engine)  # again: a no-op, not an error
    engine.dispose()


def test_cli_user_add_then_login(database_url: str) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["user", "add", "olga", "--role", "planner", "--password-stdin", "--db", database_url],
                         input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    duplicate = runner.invoke(app, ["user", "add", "olga", "--role", "planner", "--password-stdin",
                                    "--db", database_url], input=PASSWORD + "\n")
    assert duplicate.exit_code == 2 and "username" in duplicate.output
    bad_role = runner.invoke(app, ["user", "add", "ivan", "--role", "boss", "--password-stdin", "--db", database_url],
                             input=PASSWORD + "\n")
    assert bad_role.exit_code == 2 and "role" in bad_role.output
    no_employee = runner.invoke(app, ["user", "add", "ivan", "--role", "employee", "--password-stdin",
                                      "--db", database_url], input=PASSWORD + "\n")
    assert no_employee.exit_code == 2 and "employee_id" in no_employee.output

    from fastapi.testclient import TestClient

    from roulement.web.app import create_app

    web = create_app(database_url)
    client = TestClient(web)
    assert client.post("/api/login", json={"username": "olga", "password": PASSWORD}).json()["role"] == "planner"
    web.state.backend.engine.dispose()


def test_pages_speak_english_french_and_german(site: Site) -> None:
    client = site.client()
    assert "Sign in" in client.get("/login").text
    assert "Se connecter" in client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text
    german = client.get("/login?lang=de")
    assert "Anmelden" in german.text and german.cookies.get("roulement_lang") == "de"
    assert "Anmelden" in client.get("/employee").text  # the choice sticks
    for page in ("/planner", f"/roster/{site.roster_id}", "/employee", "/council", "/admin"):
        response = client.get(page)
        assert response.status_code == 200 and "script-src 'self'" in response.headers["content-security-policy"]
