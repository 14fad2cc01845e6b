"""several web processes: leases for the solve caps, progress and cancel on the job row, judged violations

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("solve_jobs") as batch:
        batch.add_column(sa.Column("progress", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "solve_leases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("server_slot", sa.Integer(), nullable=False, unique=True),
        sa.Column("site_slot", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("solve_jobs.id", ondelete="CASCADE"), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ux_solve_leases_site_slot", "solve_leases", ["site", "site_slot"], unique=True)
    op.create_table(
        "judged_violations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("roster_id", sa.Integer(), sa.ForeignKey("rosters.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False, unique=True),
        sa.Column("violations", sa.JSON(), nullable=False),
    )
    op.create_index("ix_judged_violations_roster_id", "judged_violations", ["roster_id"])


def downgrade() -> None:
    op.drop_index("ix_judged_violations_roster_id", "judged_violations")
    op.drop_table("judged_violations")
    op.drop_index("ux_solve_leases_site_slot", "solve_leases")
    op.drop_table("solve_leases")
    with op.batch_alter_table("solve_jobs") as batch:
        batch.drop_column("cancel_requested")
        batch.drop_column("progress")
