"""Ingest: outlets, feeds, articles, their links, paragraph fingerprints, link failures.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("reliability", sa.Float(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(32)),
        sa.Column("club", sa.String(64)),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("outlet_id", sa.String(64), sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False, unique=True),
        sa.Column("poll_interval_s", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(500)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("last_status", sa.Integer()),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_fetched_at", TS),
        sa.Column("last_ok_at", TS),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_due_at", TS),
    )
    op.create_index("ix_feeds_outlet_id", "feeds", ["outlet_id"])
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False, unique=True),
        sa.Column("outlet_id", sa.String(64), sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("feed_id", sa.Integer(), sa.ForeignKey("feeds.id")),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author", sa.String(500)),
        sa.Column("published_at", TS),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("text_source", sa.String(8), nullable=False),
        sa.Column("fetch_error", sa.Text()),
        sa.Column("copy_of_id", sa.Integer(), sa.ForeignKey("articles.id")),
    )
    op.create_index("ix_articles_outlet_id", "articles", ["outlet_id"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_table(
        "article_links",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_article_links_article_id", "article_links", ["article_id"])
    op.create_table(
        "article_paragraphs",
        sa.Column("article_id", sa.Integer(),
                  sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("fingerprint", sa.String(32), primary_key=True),
    )
    op.create_index("ix_article_paragraphs_fingerprint", "article_paragraphs", ["fingerprint"])
    op.create_table(
        "link_failures",
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("outlet_id", sa.String(64), sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("feed_id", sa.Integer(), sa.ForeignKey("feeds.id")),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
    )
    op.create_index("ix_link_failures_outlet_id", "link_failures", ["outlet_id"])


def downgrade() -> None:
    for table in ("link_failures", "article_paragraphs", "article_links", "articles",
                  "feeds", "outlets"):
        op.drop_table(table)
