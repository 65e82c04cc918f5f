"""Rumours and scores: players, rumours, scores and their history, evidence; the views.

The views rumour_board and rumour_evidence are voci's public SQL interface (documented in
db/README.md): change them only in a new migration, keeping their columns.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

RUMOUR_BOARD = """
CREATE VIEW rumour_board AS
SELECT r.id AS rumour_id, r.player, r.from_club, r.to_club, r."window",
       s.probability, s.stage, s.fee_eur, s.n_reports, s.n_outlets, s.n_independent,
       r.first_seen, r.last_seen, s.status, s.scored_at, s.reason
FROM rumours r JOIN scores s ON s.rumour_id = r.id
"""

RUMOUR_EVIDENCE = """
CREATE VIEW rumour_evidence AS
SELECT e.rumour_id, a.url AS article_url, a.outlet_id, a.published_at, c.stage,
       c.fee_eur, c.cites, e.independent, e.weight, e.origin, c.player, c.id AS claim_id
FROM evidence e
JOIN claims c ON c.id = e.claim_id
JOIN articles a ON a.id = c.article_id
"""


def upgrade() -> None:
    op.create_table(
        "players",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("spellings", sa.JSON(), nullable=False),
    )
    op.create_table(
        "rumours",
        sa.Column("id", sa.String(300), primary_key=True),
        sa.Column("player_id", sa.String(200), nullable=False),
        sa.Column("player", sa.String(200), nullable=False),
        sa.Column("from_club", sa.String(64)),
        sa.Column("to_club", sa.String(64), nullable=False),
        sa.Column("window", sa.String(7), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
    )
    op.create_index("ix_rumours_player_id", "rumours", ["player_id"])
    op.create_index("ix_rumours_to_club", "rumours", ["to_club"])
    op.create_table(
        "rumour_claims",
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claims.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("rumour_id", sa.String(300),
                  sa.ForeignKey("rumours.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_rumour_claims_rumour_id", "rumour_claims", ["rumour_id"])
    op.create_table(
        "scores",
        sa.Column("rumour_id", sa.String(300), sa.ForeignKey("rumours.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("as_of", TS, nullable=False),
        sa.Column("scored_at", TS, nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(16)),
        sa.Column("fee_eur", sa.BigInteger()),
        sa.Column("n_reports", sa.Integer(), nullable=False),
        sa.Column("n_outlets", sa.Integer(), nullable=False),
        sa.Column("n_independent", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_table(
        "score_history",
        sa.Column("rumour_id", sa.String(300), primary_key=True),
        sa.Column("as_of", TS, primary_key=True),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("claim_id", sa.Integer(), sa.ForeignKey("claims.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("rumour_id", sa.String(300),
                  sa.ForeignKey("rumours.id", ondelete="CASCADE"), nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("independent", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
    )
    op.create_index("ix_evidence_rumour_id", "evidence", ["rumour_id"])
    op.execute(RUMOUR_BOARD)
    op.execute(RUMOUR_EVIDENCE)


def downgrade() -> None:
    op.execute("DROP VIEW rumour_evidence")
    op.execute("DROP VIEW rumour_board")
    for table in ("evidence", "score_history", "scores", "rumour_claims", "rumours",
                  "players"):
        op.drop_table(table)
