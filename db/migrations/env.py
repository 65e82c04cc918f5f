"""Alembic's entry point for voci: runs the migrations on the engine voci hands it.

voci calls Alembic programmatically (`voci db upgrade`, and on first use of an empty
database), passing its engine in config.attributes. Running plain `alembic` from db/ also
works: alembic.ini there reads the URL from VOCI_DB.
"""

from __future__ import annotations

import os

from alembic import context

from pipeline.settings import DEFAULT_DB_URL
from pipeline.store.engine import make_engine
from pipeline.store.tables import Base

config = context.config
engine = config.attributes.get("engine") or make_engine(os.environ.get("VOCI_DB", DEFAULT_DB_URL))

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    context.run_migrations()
