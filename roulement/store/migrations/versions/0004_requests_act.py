"""requests that act: what accepting a request did, and re-plan jobs

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("outcome", sa.JSON(), nullable=True))
    with op.batch_alter_table("solve_jobs") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="plan"))
        batch.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_solve_jobs_request_id", "requests", ["request_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("solve_jobs") as batch:
        batch.drop_constraint("fk_solve_jobs_request_id", type_="foreignkey")
        batch.drop_column("request_id")
        batch.drop_column("kind")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("outcome")
