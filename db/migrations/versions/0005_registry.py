"""The player registry in the database, and the board saying who each player is.

Tables registry_players, registry_clubs, registry_transfers (the transfermarkt-datasets
tables as last imported, or the snapshot players that claims name) and registry_imports
(one row per `voci registry import`). rumour_evidence gains each claim's from_club,
whether it was inferred from the registry, and its registry id. The rumour_board view
gains the player's registry id, position, age (on the day of the score), current club
and market value, and shows
the registry's full name as `player` when the rumour's claims identified him.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

# the registry id most of a rumour's identified claims name
_REF = """(SELECT c.player_ref FROM rumour_claims rc JOIN claims c ON c.id = rc.claim_id
         WHERE rc.rumour_id = r.id AND c.player_ref IS NOT NULL
         GROUP BY c.player_ref ORDER BY count(*) DESC, c.player_ref LIMIT 1)"""

AGE = {
    "sqlite": "CAST((julianday(b.scored_at) - julianday(p.date_of_birth)) / 365.2425 AS INTEGER)",
    "postgresql": "CAST(date_part('year', age(b.scored_at, p.date_of_birth)) AS INTEGER)",
}

BOARD = """
CREATE VIEW rumour_board AS
SELECT b.rumour_id, COALESCE(p.name, b.player) AS player, b.from_club, b.to_club, b."window",
       b.probability, b.stage, b.fee_eur, b.n_reports, b.n_outlets, b.n_independent,
       b.first_seen, b.last_seen, b.status, b.scored_at, b.reason,
       b.player_ref, p.position, {age} AS age, p.club AS player_club,
       p.club_name AS player_club_name, p.market_value_eur
FROM (SELECT r.id AS rumour_id, r.player, r.from_club, r.to_club, r."window",
             s.probability, s.stage, s.fee_eur, s.n_reports, s.n_outlets, s.n_independent,
             r.first_seen, r.last_seen, s.status, s.scored_at, s.reason, {ref} AS player_ref
      FROM rumours r JOIN scores s ON s.rumour_id = r.id) b
LEFT JOIN registry_players p ON p.id = b.player_ref
"""

EVIDENCE = """
CREATE VIEW rumour_evidence AS
SELECT e.rumour_id, a.url AS article_url, a.outlet_id, a.published_at, c.stage,
       c.fee_eur, c.cites, e.independent, e.weight, e.origin, c.player, c.id AS claim_id,
       c.from_club, c.from_inferred, c.player_ref
FROM evidence e
JOIN claims c ON c.id = e.claim_id
JOIN articles a ON a.id = c.article_id
"""

OLD_EVIDENCE = """
CREATE VIEW rumour_evidence AS
SELECT e.rumour_id, a.url AS article_url, a.outlet_id, a.published_at, c.stage,
       c.fee_eur, c.cites, e.independent, e.weight, e.origin, c.player, c.id AS claim_id
FROM evidence e
JOIN claims c ON c.id = e.claim_id
JOIN articles a ON a.id = c.article_id
"""

OLD_BOARD = """
CREATE VIEW rumour_board AS
SELECT r.id AS rumour_id, r.player, r.from_club, r.to_club, r."window",
       s.probability, s.stage, s.fee_eur, s.n_reports, s.n_outlets, s.n_independent,
       r.first_seen, r.last_seen, s.status, s.scored_at, s.reason
FROM rumours r JOIN scores s ON s.rumour_id = r.id
"""


def upgrade() -> None:
    op.create_table(
        "registry_players",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("date_of_birth", sa.Date()),
        sa.Column("position", sa.String(64)),
        sa.Column("citizenship", sa.String(100)),
        sa.Column("club_id", sa.Integer()),
        sa.Column("club", sa.String(64)),
        sa.Column("club_name", sa.String(200)),
        sa.Column("market_value_eur", sa.BigInteger()),
        sa.Column("last_season", sa.Integer()),
    )
    op.create_table(
        "registry_clubs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("competition", sa.String(16)),
        sa.Column("coach", sa.String(200)),
        sa.Column("last_season", sa.Integer()),
        sa.Column("club", sa.String(64)),
    )
    op.create_table(
        "registry_transfers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("from_club_id", sa.Integer()),
        sa.Column("to_club_id", sa.Integer()),
        sa.Column("fee_eur", sa.BigInteger()),
        sa.Column("from_club_name", sa.String(200)),
        sa.Column("to_club_name", sa.String(200)),
    )
    op.create_index("ix_registry_transfers_player_id", "registry_transfers", ["player_id"])
    op.create_table(
        "registry_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("imported_at", TS, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("players", sa.Integer(), nullable=False),
        sa.Column("clubs", sa.Integer(), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    op.execute("DROP VIEW rumour_board")
    op.execute(BOARD.format(age=AGE.get(dialect, AGE["postgresql"]), ref=_REF))
    op.execute("DROP VIEW rumour_evidence")
    op.execute(EVIDENCE)


def downgrade() -> None:
    op.execute("DROP VIEW rumour_evidence")
    op.execute(OLD_EVIDENCE)
    op.execute("DROP VIEW rumour_board")
    op.execute(OLD_BOARD)
    for table in ("registry_imports", "registry_transfers", "registry_clubs",
                  "registry_players"):
        op.drop_table(table)
