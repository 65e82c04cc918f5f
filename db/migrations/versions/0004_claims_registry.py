"""Claims know their player in the registry, and whether from_club was inferred.

`claims.player_ref` is the player's registry (transfermarkt) id when the claim identified
him; `claims.from_inferred` is true when from_club is the registry's club of the article's
day rather than something the article says.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN: SQLite's table copy (batch mode) would break the views on claims
    op.add_column("claims", sa.Column("player_ref", sa.Integer()))
    op.add_column("claims", sa.Column("from_inferred", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_index("ix_claims_player_ref", "claims", ["player_ref"])


def downgrade() -> None:
    op.drop_index("ix_claims_player_ref", "claims")
    op.drop_column("claims", "from_inferred")
    op.drop_column("claims", "player_ref")
