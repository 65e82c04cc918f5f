"""Real outcomes: completed transfers that resolve rumours (`voci outcomes import`).

outcome_players (the transfermarkt players the records name, with the name key they are
matched to rumours by), outcome_transfers (the completed moves, their clubs also as voci
club ids) and outcome_coverage (the period each imported table records every move of:
a window inside it that closed with a player elsewhere collapses his rumours).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outcome_players",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
    )
    op.create_index("ix_outcome_players_key", "outcome_players", ["key"])
    op.create_table(
        "outcome_transfers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("from_club_id", sa.Integer()),
        sa.Column("to_club_id", sa.Integer()),
        sa.Column("from_club", sa.String(64)),
        sa.Column("to_club", sa.String(64)),
        sa.Column("from_club_name", sa.String(200)),
        sa.Column("to_club_name", sa.String(200)),
        sa.Column("fee_eur", sa.BigInteger()),
    )
    op.create_index("ix_outcome_transfers_player_id", "outcome_transfers", ["player_id"])
    op.create_table(
        "outcome_coverage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("imported_at", TS, nullable=False),
        sa.Column("covers_from", sa.Date(), nullable=False),
        sa.Column("covers_until", sa.Date(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("outcome_coverage")
    op.drop_index("ix_outcome_transfers_player_id", "outcome_transfers")
    op.drop_table("outcome_transfers")
    op.drop_index("ix_outcome_players_key", "outcome_players")
    op.drop_table("outcome_players")
