"""Beyond one machine: voci's work as procrastinate tasks on PostgreSQL.

When feeds and history outgrow one machine, several `voci worker` processes on several
machines share one PostgreSQL database, and procrastinate (a task queue that lives in
that same database) hands out the work:

* `voci:schedule` runs every minute (procrastinate runs a periodic task once per tick,
  whichever worker gets it) and queues a `voci:poll_feed` job for every feed due;
* each poll job carries a *queueing lock* per feed (at most one waiting poll of a
  feed) and a *lock* per host (jobs for one host run one after the other, whatever
  machine takes them: the politeness limits hold across machines);
* when a poll is queued, the feed's next due time is pushed forward, so a feed whose
  poll is still running is not queued again in the same cycle;
* `voci:score` regroups and rescores after polls that stored something (its queueing
  lock keeps one such job waiting at most).

The tasks call the same orchestration as `voci backfill` (pipeline.run). Worker
settings (database, sources) come from `configure()`, called by `voci worker`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import procrastinate
import procrastinate.jobs
import procrastinate.schema
import psycopg
from procrastinate.exceptions import AlreadyEnqueued

from pipeline import USER_AGENT
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.refresh import refresh
from pipeline.run import fetch_pass
from pipeline.sources import Sources, load_sources
from pipeline.store import Store, StoreError, psycopg_conninfo

log = logging.getLogger(__name__)
QUEUE = "voci"
# How far a queued poll pushes its feed's next due time: longer than any poll takes,
# shorter than any feed's interval is likely to be; the poll then sets the real time.
QUEUED_HOLD = dt.timedelta(minutes=5)

# The tasks, on a blueprint: each process builds the app it needs around them (an async
# connector for working, a sync one for deferring from plain code).
tasks = procrastinate.Blueprint()


def make_app(connector: procrastinate.BaseConnector) -> procrastinate.App:
    app = procrastinate.App(connector=connector)
    app.add_tasks_from(tasks, namespace="voci")
    return app


@dataclass
class _Runtime:
    sources_path: Path
    db_url: str
    conninfo: str  # the same database, as psycopg wants it (procrastinate's tables)
    fetch: FetchConfig
    app: procrastinate.App
    alerts_path: Path | None = None  # alert rules, run after each rescore
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from pipeline.registry import load_active

            self._store = Store(self.db_url)
            load_active(self._store)  # claims read with the imported registry, if any
        return self._store

    def sources(self) -> Sources:
        return load_sources(self.sources_path)  # re-read: edits apply without a restart


_runtime: _Runtime | None = None


def configure(db_url: str, sources_path: Path, fetch: FetchConfig | None = None,
              alerts_path: Path | None = None) -> procrastinate.App:
    """Point the tasks at a database and a sources file; the app, connected to it.
    ValueError unless the database is PostgreSQL."""
    global _runtime
    try:
        conninfo = psycopg_conninfo(db_url)
    except StoreError as exc:
        raise ValueError(f"workers need PostgreSQL: {exc}") from None
    app = make_app(procrastinate.PsycopgConnector(conninfo=conninfo))
    _runtime = _Runtime(sources_path, db_url, conninfo,
                        fetch or FetchConfig(user_agent=USER_AGENT), app, alerts_path)
    return app


def ensure_queue_schema(conninfo: str) -> bool:
    """Create procrastinate's tables in voci's database if they are not there yet.

    Run under Store.schema_lock(): workers starting together must not race."""
    with psycopg.connect(conninfo) as conn:  # one transaction, committed on leaving
        row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row and row[0]:
            return False
        # Without parameters: the schema's own '%' signs must not be read as
        # placeholders, and psycopg sends a script of several statements as it is.
        conn.execute(procrastinate.schema.SchemaManager.get_schema())
    return True


def _rt() -> _Runtime:
    if _runtime is None:
        raise RuntimeError("pipeline.workers.configure() was not called")
    return _runtime


def _due_polls(now: dt.datetime) -> list[tuple[int, str]]:
    """(feed id, host) of every feed due by `now`, after syncing the sources."""
    rt = _rt()
    rt.store.sync_sources(rt.sources(), now)
    return [(f.feed_id, (urlsplit(f.url).hostname or "").lower())
            for f in rt.store.feeds_for_update(due_by=now)]


def _poll_job(feed_id: int, host: str) -> procrastinate.jobs.JobDeferrer:
    # lock: one job per host at a time across all workers (politeness);
    # queueing_lock: at most one waiting poll per feed.
    return _rt().app.configure_task("voci:poll_feed", lock=f"host:{host}",
                                    queueing_lock=f"feed:{feed_id}")


def queue_due_polls(now: dt.datetime | None = None) -> int:
    """Queue a poll for every feed due by `now`, from inside a worker; how many."""
    now = now or dt.datetime.now(dt.UTC)
    queued = 0
    for feed_id, host in _due_polls(now):
        try:
            _poll_job(feed_id, host).defer(feed_id=feed_id)
        except AlreadyEnqueued:
            continue
        _rt().store.postpone_feed(feed_id, now + QUEUED_HOLD)
        queued += 1
    return queued


async def queue_due_polls_async(now: dt.datetime | None = None) -> int:
    """The same from asynchronous code, with the app open (`voci worker --once`)."""
    now = now or dt.datetime.now(dt.UTC)
    queued = 0
    for feed_id, host in _due_polls(now):
        try:
            await _poll_job(feed_id, host).defer_async(feed_id=feed_id)
        except AlreadyEnqueued:
            continue
        _rt().store.postpone_feed(feed_id, now + QUEUED_HOLD)
        queued += 1
    return queued


def pending_jobs() -> int:
    """voci's jobs waiting or running, on any worker (a job held back by its host's lock
    is waiting, though no worker can take it yet)."""
    with psycopg.connect(_rt().conninfo, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM procrastinate_jobs "
                           "WHERE queue_name = %s AND status IN ('todo', 'doing')",
                           (QUEUE,)).fetchone()
    return int(row[0]) if row else 0


@tasks.periodic(cron="* * * * *", periodic_id="voci-schedule")
@tasks.task(name="schedule", queue=QUEUE, queueing_lock="voci-schedule")
def schedule(timestamp: int) -> int:
    return queue_due_polls(dt.datetime.fromtimestamp(timestamp, dt.UTC))


@tasks.task(name="poll_feed", queue=QUEUE)
def poll_feed(feed_id: int) -> dict[str, int]:
    rt = _rt()
    now = dt.datetime.now(dt.UTC)
    with Fetcher(rt.fetch) as fetcher:
        # The scheduler synced the feeds table when it queued this poll.
        summary = fetch_pass(rt.sources(), rt.store, fetcher, now=now, feed_ids=[feed_id],
                             clock=lambda: dt.datetime.now(dt.UTC), sync_sources=False)
    for report in summary.feeds:
        log.info("feed %s %s: %d new, %d known, %d failed%s", report.outlet_id,
                 report.outcome, report.new, report.known, report.failed,
                 f" ({report.error})" if report.error else "")
    if summary.articles_new:
        with contextlib.suppress(AlreadyEnqueued):  # a rescore is already waiting
            rt.app.configure_task("voci:score").defer()
    return {"new": summary.articles_new, "known": summary.articles_known,
            "failed": summary.articles_failed}


@tasks.task(name="score", queue=QUEUE, queueing_lock="voci-score", lock="voci-score")
def rescore() -> int:
    rt = _rt()
    now = dt.datetime.now(dt.UTC)
    scored = refresh(rt.sources(), rt.store, as_of=now).scored
    if rt.alerts_path is not None:  # re-read: edits apply without a restart
        from pipeline.alerts import load_rules, run_alerts

        run_alerts(rt.store, load_rules(rt.alerts_path))
    return scored
