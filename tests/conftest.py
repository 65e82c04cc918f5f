"""Shared fixtures: real SQLite files, a real PostgreSQL when VOCI_TEST_PG_URL is set,
the labelled corpora served on loopback, and a fetch configuration without politeness
delays (the politeness itself is tested in test_fetch_http.py)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import USER_AGENT
from pipeline.corpus import CorpusServer
from pipeline.fetch import FetchConfig

FIXTURES = Path(__file__).parent / "fixtures"
CORPORA = FIXTURES / "corpus"
SHARED = Path(__file__).resolve().parents[2] / "shared"
PG_ENV = "VOCI_TEST_PG_URL"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'voci.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} "
                    "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1)
                   if base.startswith("postgresql://") else base)
    name = f"voci_test_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on both backends."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def fetch_config() -> FetchConfig:
    return FetchConfig(user_agent=USER_AGENT, min_host_delay=0.0, connect_timeout=2.0,
                       read_timeout=2.0, max_retries=2, backoff_base=0.05, backoff_cap=2.0)


@pytest.fixture(params=["dev-a", "dev-b"])
def corpus(request: pytest.FixtureRequest) -> Iterator[CorpusServer]:
    with CorpusServer(CORPORA / request.param) as server:
        yield server



# No per-example deadline: timings flake on a busy 2-core CI machine, and speed is
# measured by benchmarks/, not by tests. `pytest --hypothesis-profile=thorough` searches
# longer (2,000 examples a property) before a release.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("voci", deadline=None)
_hypothesis_settings.register_profile("thorough", max_examples=2000, deadline=None)
_hypothesis_settings.load_profile("voci")
