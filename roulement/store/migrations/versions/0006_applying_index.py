"""indexes that find the publication applying to a person without reading publication rows

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_publications_status_scenario", "publications", ["status", "scenario_id"])
    op.create_index("ix_scenarios_consent_required", "scenarios", ["consent_required"])


def downgrade() -> None:
    op.drop_index("ix_scenarios_consent_required", "scenarios")
    op.drop_index("ix_publications_status_scenario", "publications")
