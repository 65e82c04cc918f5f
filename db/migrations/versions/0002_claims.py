"""Claims: the transfer claims each article makes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
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
        "claims",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("player", sa.String(200), nullable=False),
        sa.Column("player_key", sa.String(200), nullable=False),
        sa.Column("from_club", sa.String(64)),
        sa.Column("to_club", sa.String(64)),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("fee_eur", sa.BigInteger()),
        sa.Column("fee_max_eur", sa.BigInteger()),
        sa.Column("deal", sa.String(16)),
        sa.Column("cites", sa.String(200)),
        sa.Column("cites_id", sa.String(64)),
        sa.Column("hedged", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
    )
    op.create_index("ix_claims_article_id", "claims", ["article_id"])
    op.create_index("ix_claims_player_key", "claims", ["player_key"])
    op.create_index("ix_claims_to_club", "claims", ["to_club"])


def downgrade() -> None:
    op.drop_table("claims")
