"""Alerts: each alert a rule raised, recorded once and marked when delivered, and how far
each rules file has looked into score_history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("rumour_id", sa.String(300), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("delivered_at", TS),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
        sa.UniqueConstraint("rule", "rumour_id", "key"),
    )
    op.create_index("ix_alerts_rumour_id", "alerts", ["rumour_id"])
    op.create_index("ix_alerts_delivered_at", "alerts", ["delivered_at"])
    op.create_table(
        "alert_cursors",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("as_of", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alert_cursors")
    op.drop_index("ix_alerts_delivered_at", "alerts")
    op.drop_index("ix_alerts_rumour_id", "alerts")
    op.drop_table("alerts")
