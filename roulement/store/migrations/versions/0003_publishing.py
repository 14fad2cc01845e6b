"""publishing with meaning: the site's consent setting, one publication per roster version, who is on each

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scenarios") as batch:
        batch.add_column(sa.Column("consent_required", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        "publication_people",
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.String(length=64), nullable=False),
        sa.Column("assignments", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["publication_id"], ["publications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("publication_id", "employee_id"),
    )
    op.create_index("ix_publication_people_employee_id", "publication_people", ["employee_id"])
    bind = op.get_bind()
    publications = bind.execute(sa.text(
        "SELECT p.id, p.roster_id, p.roster_version, s.data, p.assignments FROM publications p "
        "JOIN scenarios s ON s.id = p.scenario_id ORDER BY p.id")).all()
    seen: set[tuple[int, int]] = set()
    for publication_id, roster_id, roster_version, data, assignments in publications:
        if (roster_id, roster_version) in seen:
            # A double click made two proposals of one version: the later copies go (decisions with them).
            bind.execute(sa.text("DELETE FROM publications WHERE id = :id"), {"id": publication_id})
            continue
        seen.add((roster_id, roster_version))
        scenario = json.loads(data) if isinstance(data, str) else data
        rows = json.loads(assignments) if isinstance(assignments, str) else assignments
        for employee in scenario.get("employees", []):
            own = [a for a in rows if a[0] == employee["id"]]
            bind.execute(sa.text("INSERT INTO publication_people (publication_id, employee_id, assignments) "
                                 "VALUES (:p, :e, :a)"),
                         {"p": publication_id, "e": employee["id"], "a": json.dumps(own)})
    op.create_index("ux_publications_roster_version", "publications", ["roster_id", "roster_version"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_publications_roster_version", table_name="publications")
    op.drop_index("ix_publication_people_employee_id", table_name="publication_people")
    op.drop_table("publication_people")
    with op.batch_alter_table("scenarios") as batch:
        batch.drop_column("consent_required")
