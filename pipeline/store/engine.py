"""Database URLs, engines and the schema's migrations.

SQLite by default (a file, zero set-up; WAL so readers never block the writer, and a busy
timeout so two voci processes wait for each other instead of failing), PostgreSQL through
psycopg 3. Alembic owns the schema: an empty database is migrated on first use, a database
at an older revision is left alone until `voci db upgrade` (a deliberate step, so a user
can back it up first).
"""

from __future__ import annotations

import fcntl
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

import pipeline

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_BUSY_TIMEOUT_MS = 30_000


class StoreError(Exception):
    """The database cannot be used as it is (bad URL, unreachable, wrong schema)."""


def normalize_url(url: str) -> str:
    """Accept what people type: a bare file path means SQLite; postgres:// means psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{url}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def psycopg_conninfo(url: str) -> str:
    """libpq's own form of a database URL, for psycopg and procrastinate: the driver goes
    (postgresql+psycopg://… → postgresql://…), credentials and parameters stay.
    StoreError for anything but PostgreSQL."""
    parsed = _parse(url)
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"not a PostgreSQL database: {parsed.get_backend_name()} "
                         f"({parsed.render_as_string(hide_password=True)})")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def is_operational_error(exc: BaseException) -> bool:
    """The database driver's report that the database failed (disk full, read-only file,
    lost server), for callers that import no SQLAlchemy."""
    return isinstance(exc, OperationalError)


def _parse(url: str) -> URL:
    url = normalize_url(url)
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} ({exc})") from None


def make_engine(url: str) -> Engine:
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            # a SQLite URI ("file:/path/voci.db", with ?mode=ro&uri=true) names a path too
            path = parsed.database.removeprefix("file:").split("?", 1)[0]
            folder = Path(path).expanduser().resolve().parent
            if not folder.is_dir():
                raise StoreError(f"cannot create the SQLite database {parsed.database}: "
                                 f"folder {folder} does not exist")
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"unsupported database {parsed.get_backend_name()!r}: "
                         "use a SQLite path or a postgresql+psycopg:// URL")
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrations_dir() -> Path:
    """db/migrations in a checkout; pipeline/_db/migrations inside an installed wheel."""
    package = Path(pipeline.__file__).resolve().parent
    for candidate in (package / "_db" / "migrations", package.parent / "db" / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise StoreError("voci's migrations are missing from this installation")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # alembic only to migrate: every command starts faster

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|None)",
                       re.MULTILINE)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration: read off the migration files (each names its revision and the
    one it follows); alembic itself decides when they do not make one line."""
    revisions: set[str] = set()
    follows: set[str] = set()
    for path in (migrations_dir() / "versions").glob("*.py"):
        for kind, double, single in _REVISION.findall(path.read_text(encoding="utf-8")):
            name = double or single
            if name:
                (revisions if kind == "revision" else follows).add(name)
    heads = revisions - follows
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None, "the migrations have no head"
    return head


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (alembic's version table), None when it has none."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


# Any fixed number: PostgreSQL advisory locks are keyed by a bigint.
_SCHEMA_LOCK_KEY = 0x766F6369  # "voci"
_REFRESH_LOCK_KEY = 0x766F6372  # "vocr"


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Serialize schema changes between processes starting at once (workers on several
    machines, two commands started together on a new file). PostgreSQL: a session
    advisory lock; SQLite: an OS lock on `<database file>-schema.lock` (SQLite's own
    locks cover one transaction, and creating the schema takes several)."""
    with _exclusive(engine, "schema", _SCHEMA_LOCK_KEY):
        yield


@contextmanager
def refresh_lock(engine: Engine) -> Iterator[None]:
    """One refresh at a time on a database: a refresh reads what is stored in one
    transaction and writes what it decided in later ones, so two at once (two backfills,
    the daemon and `voci score`) would each write players and rumours the other is
    writing too. Same kinds of lock as `schema_lock`, on `<database file>-refresh.lock`."""
    with _exclusive(engine, "refresh", _REFRESH_LOCK_KEY):
        yield


@contextmanager
def _exclusive(engine: Engine, what: str, key: int) -> Iterator[None]:
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            yield
            return
        lock_path = Path(database).expanduser().resolve().with_name(
            Path(database).name + f"-{what}.lock")
        with open(lock_path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released with the handle, however we end
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


def ensure_schema(engine: Engine) -> None:
    """Migrate an empty database; refuse one that is foreign or behind."""
    try:
        with schema_lock(engine):
            _ensure_schema(engine)
    except StoreError:
        raise
    except Exception as exc:  # the driver's own errors: unreachable server, bad file
        raise StoreError(f"cannot open the database {engine.url!r}: {exc}") from None


def _ensure_schema(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    if not tables:
        upgrade(engine)
        return
    if "alembic_version" not in tables:
        raise StoreError(f"{engine.url!r} already holds tables that are not voci's "
                         f"({', '.join(sorted(tables)[:5])}…): use another database")
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise StoreError(f"the database is at schema revision {current}, this voci needs "
                         f"{head}: run `voci db upgrade` (back it up first)")
