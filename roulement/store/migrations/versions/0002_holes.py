"""login failures in the database, feed links bound to a person, case-insensitive user names

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failures_key", "login_failures", ["key"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    with op.batch_alter_table("feed_links") as batch:
        batch.add_column(sa.Column("employee_id", sa.String(length=64), nullable=True))
    # Existing links keep showing the person their account named when they were made.
    op.execute("UPDATE feed_links SET employee_id = (SELECT users.employee_id FROM users "
               "WHERE users.id = feed_links.user_id)")
    # Fails (and so says so) if two accounts differ only by case: an admin must rename one first.
    op.create_index("ix_users_username_lower", "users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_username_lower", table_name="users")
    with op.batch_alter_table("feed_links") as batch:
        batch.drop_column("employee_id")
    op.drop_index("ix_login_failures_at", table_name="login_failures")
    op.drop_index("ix_login_failures_key", table_name="login_failures")
    op.drop_table("login_failures")
