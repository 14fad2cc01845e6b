"""employees' reads of a publication computed in advance (schedule, feed, team)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "published_reads",
        sa.Column("publication_id", sa.Integer(), sa.ForeignKey("publications.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("kind", sa.String(length=16), primary_key=True),
        sa.Column("subject", sa.String(length=200), primary_key=True),
        sa.Column("stamp", sa.String(length=200), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("published_reads")
