"""The only SQLAlchemy code in voci: tables, engine and migrations, the repository.

Everything outside this package talks to the database through `Store`'s methods and gets
frozen values (pipeline.model) back; nothing else imports SQLAlchemy.
"""

from pipeline.settings import DEFAULT_DB_URL
from pipeline.store.board import EvidenceItem, PlayerRecord, RumourRecord, ScoreRecord
from pipeline.store.engine import (
    StoreError,
    current_revision,
    head_revision,
    is_operational_error,
    make_engine,
    normalize_url,
    psycopg_conninfo,
    schema_lock,
    upgrade,
)
from pipeline.store.repository import FeedFetch, FeedInfo, Store

__all__ = [
    "DEFAULT_DB_URL",
    "EvidenceItem",
    "FeedFetch",
    "FeedInfo",
    "PlayerRecord",
    "RumourRecord",
    "ScoreRecord",
    "Store",
    "StoreError",
    "current_revision",
    "head_revision",
    "is_operational_error",
    "make_engine",
    "normalize_url",
    "psycopg_conninfo",
    "schema_lock",
    "upgrade",
]
