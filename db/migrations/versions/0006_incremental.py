"""Incremental refresh: name components, due times, outcomes and the reliabilities used.

claims.form (the folded name a claim is grouped by; NULL until a refresh has grouped
it) and claims.player_id (the player it was placed under), name_forms / name_keys (each
form's block, and keys that find the forms the name rules relate), stale_forms (forms
whose claims were removed),
scores.due_at (when time alone changes a score), rumour_outcomes (what learning counts)
and reliabilities (what each origin's weights were computed with).

Players, rumours, their memberships, scores and evidence are derived from the claims:
they are cleared here, and the first refresh after the upgrade rebuilds them (with
their history kept).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    for table in ("evidence", "scores", "rumour_claims", "rumours", "players"):
        op.execute(f"DELETE FROM {table}")
    op.add_column("claims", sa.Column("form", sa.String(200)))
    op.create_index("ix_claims_form", "claims", ["form"])
    op.add_column("claims", sa.Column("player_id", sa.String(200)))
    op.create_index("ix_claims_player_id", "claims", ["player_id"])
    op.create_table(
        "name_forms",
        sa.Column("form", sa.String(200), primary_key=True),
        sa.Column("component", sa.String(200), nullable=False),
    )
    op.create_index("ix_name_forms_component", "name_forms", ["component"])
    op.create_table(
        "name_keys",
        sa.Column("key", sa.String(220), primary_key=True),
        sa.Column("form", sa.String(200), primary_key=True),
    )
    op.create_table("stale_forms", sa.Column("form", sa.String(200), primary_key=True))
    op.add_column("scores", sa.Column("due_at", TS))
    op.create_index("ix_scores_due_at", "scores", ["due_at"])
    op.create_index("ix_evidence_origin", "evidence", ["origin"])
    op.create_table(
        "rumour_outcomes",
        sa.Column("rumour_id", sa.String(300),
                  sa.ForeignKey("rumours.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("origin", sa.String(200), primary_key=True),
        sa.Column("happened", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "reliabilities",
        sa.Column("origin", sa.String(200), primary_key=True),
        sa.Column("prior", sa.Float(), nullable=False),
        sa.Column("learned", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    for table in ("evidence", "scores", "rumour_claims", "rumours", "players"):
        op.execute(f"DELETE FROM {table}")
    op.drop_table("reliabilities")
    op.drop_table("rumour_outcomes")
    op.drop_index("ix_evidence_origin", "evidence")
    op.drop_index("ix_scores_due_at", "scores")
    with op.batch_alter_table("scores") as batch:
        batch.drop_column("due_at")
    op.drop_table("stale_forms")
    op.drop_table("name_keys")
    op.drop_index("ix_name_forms_component", "name_forms")
    op.drop_table("name_forms")
    op.drop_index("ix_claims_player_id", "claims")
    op.drop_index("ix_claims_form", "claims")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("player_id")
        batch.drop_column("form")
