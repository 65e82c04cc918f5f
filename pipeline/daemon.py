"""The daemon behind `voci run`: APScheduler wiring, the single-daemon lock, clean stops.

It decides nothing about when a feed is polled: pipeline.schedule does, and the answer is
stored per feed (feeds.next_due_at). The daemon only asks, every `tick`, whether any feed
is due, and if so runs one `fetch_pass(due_only=True)` — the same orchestration as
`voci backfill` — then regroups and rescores when new articles arrived.

Why one ticking job and not one APScheduler job per feed: with per-feed jobs the schedule
would live twice (APScheduler's job store and the feeds table) and every poll would have
to reschedule its job from the table; one tick keeps the table the only truth, so a
restart resumes from it, and APScheduler's in-memory job store holds nothing voci cannot
rebuild. The price is one indexed query per tick.

Stopping (SIGTERM, SIGINT, `Daemon.stop`) takes effect at once: requests in flight end
within a fraction of a second (the fetcher's stop switch, pipeline.fetch.deadline, so a
server that drips its answer cannot hold the daemon), and the pass is abandoned at the
next article or feed boundary, each article having been stored with its claims in one
transaction. A feed's validators and next due time are stored
only once all its entries are (pipeline.run), so a feed whose pass was cut short is
fetched in full, not answered 304, when it is polled again.

One daemon per database: an OS lock on `<db file>.lock` for SQLite, a session advisory
lock on PostgreSQL; both vanish with the process, however it ends.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.fetch import FetchConfig, Fetcher, FetchResult
from pipeline.refresh import refresh
from pipeline.run import FeedReport, Progress, fetch_pass
from pipeline.sources import Sources
from pipeline.store import Store, normalize_url, psycopg_conninfo

if TYPE_CHECKING:
    from pipeline.alerts import Rule

log = logging.getLogger(__name__)

# How often the daemon asks whether a feed is due. Feeds are polled every few minutes at
# the most, so a few seconds' lateness is nothing, and the question is one indexed query.
DEFAULT_TICK = dt.timedelta(seconds=5)

# Probabilities depend on time as well as on articles (rumours go stale, windows close),
# so the board is rescored this often even when no article arrived.
RESCORE_EVERY = dt.timedelta(hours=1)

# The PostgreSQL advisory lock key: any fixed 64-bit number nobody else uses; this one is
# derived from a name so that it documents itself.
PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"voci.daemon").digest()[:8], "big", signed=True)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class DaemonOptions:
    """How the daemon runs; the defaults are production's, tests shorten them."""

    tick: dt.timedelta = DEFAULT_TICK
    max_cycles: int | None = None  # stop after this many ticks (None: until stopped)
    rescore_every: dt.timedelta = RESCORE_EVERY
    alerts: tuple[Rule, ...] = ()  # alert rules (pipeline.alerts), run after every tick

    def __post_init__(self) -> None:
        if self.tick <= dt.timedelta(0):
            raise ValueError("DaemonOptions.tick must be positive")
        if self.max_cycles is not None and self.max_cycles < 1:
            raise ValueError("DaemonOptions.max_cycles must be >= 1")


@dataclass(frozen=True)
class Cycle:
    """One tick: the feeds it polled, what arrived, whether it rescored."""

    number: int
    at: dt.datetime
    feeds: tuple[FeedReport, ...] = ()
    articles_new: int = 0
    scored_as_of: dt.datetime | None = None
    interrupted: bool = False  # a stop cut the pass short


@dataclass(frozen=True)
class DaemonResult:
    cycles: int
    polls: int
    articles_new: int
    last_scored_as_of: dt.datetime | None
    error: str | None = None  # an unexpected exception (a bug): logged with its traceback

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else 1


class LockHeld(Exception):
    """Another daemon runs on this database."""


# ---------------------------------------------------------------- the daemon


class Daemon:
    """Polls due feeds every tick until stopped. `cycle()` is one tick, usable alone."""

    def __init__(self, sources: Sources, store: Store, fetch_config: FetchConfig, *,
                 options: DaemonOptions | None = None,
                 clock: Callable[[], dt.datetime] = utc_now,
                 on_cycle: Callable[[Cycle], None] | None = None) -> None:
        self.sources, self.store, self.options = sources, store, options or DaemonOptions()
        self.fetcher = _PollingFetcher(fetch_config)
        self._clock = clock
        self._on_cycle = on_cycle
        self._stop = threading.Event()
        self._cycles = self._polls = self._new = 0
        self._scored_as_of: dt.datetime | None = None
        self._error: str | None = None

    def stop(self) -> None:
        """Stop now (safe from a signal handler): requests in flight end within a fraction
        of a second, the articles stored so far stay, and the feeds the stop cut short are
        fetched in full next time."""
        self._stop.set()
        self.fetcher.stop()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def cycle(self) -> Cycle:
        """Poll every feed due now; regroup and rescore when articles arrived (or stale)."""
        now = self._clock()
        number = self._cycles = self._cycles + 1
        progress = _PollLog(self.fetcher, self._stop)
        interrupted = False
        try:
            summary = fetch_pass(self.sources, self.store, self.fetcher, now=now,
                                 progress=progress, clock=self._clock, due_only=True)
            feeds, new = summary.feeds, summary.articles_new
        except _Stopping:
            interrupted = True
            feeds, new = tuple(progress.reports), progress.stored
            progress.log_unfinished()
        self._polls += len(feeds)
        self._new += new
        scored = None
        stale = (self._scored_as_of is None
                 or now - self._scored_as_of >= self.options.rescore_every)
        if not interrupted and (new or stale):
            refresh(self.sources, self.store, as_of=now, scored_at=self._clock())
            scored = self._scored_as_of = now
        if self.options.alerts and not interrupted:
            self._alert()
        report = Cycle(number, now, feeds, new, scored, interrupted)
        if self._on_cycle is not None:
            self._on_cycle(report)
        if self.options.max_cycles is not None and number >= self.options.max_cycles:
            self.stop()
        return report

    def _alert(self) -> None:
        """Record and deliver the alerts of the score changes; a channel that fails is
        logged and tried again next tick."""
        from pipeline.alerts import AlertsError, run_alerts

        try:
            done = run_alerts(self.store, self.options.alerts)
        except AlertsError as e:
            log.error("alerts: %s", e)
            return
        if done.raised or done.delivered or done.failed:
            log.info("alerts: %d raised, %d delivered, %d failed", done.raised,
                     done.delivered, done.failed,
                     extra={"fields": {"raised": done.raised, "delivered": done.delivered,
                                       "failed": done.failed}})

    def run(self) -> DaemonResult:
        """Tick until `stop()` (or max_cycles); returns what was done.

        APScheduler runs the tick in its one worker thread, never two at once (a pass
        longer than a tick delays the next tick instead of overlapping it); this thread
        only waits for the stop, so signal handlers stay responsive.
        """
        scheduler = BackgroundScheduler(timezone=dt.UTC,
                                        executors={"default": {"type": "threadpool",
                                                               "max_workers": 1}})
        scheduler.add_job(self._tick, IntervalTrigger(
            seconds=self.options.tick.total_seconds(), timezone=dt.UTC),
            id="voci-tick", next_run_time=utc_now(), max_instances=1, coalesce=True,
            misfire_grace_time=None)
        # A tick still running when the next is due is expected, not worth a warning.
        logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
        logging.getLogger("apscheduler.executors").setLevel(logging.ERROR)
        log.info("daemon started: tick %ss, %d feeds", self.options.tick.total_seconds(),
                 sum(len(o.feeds) for o in self.sources.outlets))
        scheduler.start()
        try:
            while not self._stop.wait(0.2):
                pass
        finally:
            scheduler.shutdown(wait=True)  # lets the tick in hand reach its boundary
            self.fetcher.close()
        log.info("daemon stopped after %d cycles: %d polls, %d new articles",
                 self._cycles, self._polls, self._new)
        return DaemonResult(self._cycles, self._polls, self._new, self._scored_as_of,
                            self._error)

    def _tick(self) -> None:
        if self._stop.is_set():
            return
        try:
            self.cycle()
        except Exception as exc:  # a bug: surface it and stop; a supervisor restarts us
            log.exception("daemon cycle failed; stopping")
            self._error = f"{type(exc).__name__}: {exc}"
            self._stop.set()


class _Stopping(Exception):
    """Raised at an article or feed boundary to abandon the pass in hand."""


class _PollLog(Progress):
    """One log line per feed poll; stops the pass at a boundary once a stop is asked."""

    def __init__(self, fetcher: _PollingFetcher, stop: threading.Event) -> None:
        self.fetcher, self.stop = fetcher, stop
        self.reports: list[FeedReport] = []
        self.stored = 0
        self.began = time.monotonic()

    def feed_done(self, report: FeedReport) -> None:
        self.reports.append(report)
        self.stored += report.new
        self._log(report.url, report.outcome, outlet=report.outlet_id, new=report.new,
                  known=report.known, failed=report.failed, error=report.error)
        if self.stop.is_set():
            raise _Stopping

    def advanced(self, stage: str, amount: int = 1) -> None:
        if self.stop.is_set():  # a page (or a feed) stored: a boundary
            raise _Stopping

    def log_unfinished(self) -> None:
        """The feeds a stop cut short still get their line (their articles so far are in)."""
        done = {r.url for r in self.reports}
        for url in self.fetcher.polled_since(self.began):
            if url not in done:
                self._log(url, "interrupted")

    def _log(self, url: str, outcome: str, **counts: object) -> None:
        status, started = self.fetcher.last_poll(url)
        seconds = round(time.monotonic() - started, 3) if started is not None else None
        fields = {"event": "feed_poll", "feed": url, "outcome": outcome, "status": status,
                  "seconds": seconds, **counts}
        level = logging.WARNING if outcome == "failed" else logging.INFO
        log.log(level, " ".join(f"{k}={_plain(v)}" for k, v in fields.items()
                                if v is not None), extra={"fields": fields})


class _PollingFetcher(Fetcher):
    """A Fetcher that remembers when each feed poll started and how it ended, for the
    one log line a poll."""

    def __init__(self, config: FetchConfig) -> None:
        super().__init__(config)
        self._polls_lock = threading.Lock()
        self._last: dict[str, tuple[int | None, float]] = {}

    def fetch_feed(self, url: str, *, etag: str | None = None,
                   last_modified: str | None = None) -> FetchResult:
        started = time.monotonic()
        with self._polls_lock:
            self._last[url] = (None, started)
        result = super().fetch_feed(url, etag=etag, last_modified=last_modified)
        with self._polls_lock:
            self._last[url] = (result.status, started)
        return result

    def polled_since(self, started: float) -> list[str]:
        """The feeds whose last poll started at or after `started` (monotonic)."""
        with self._polls_lock:
            return [url for url, (_, at) in self._last.items() if at >= started]

    def last_poll(self, url: str) -> tuple[int | None, float | None]:
        """The status of the last poll of `url` and when (monotonic) it started."""
        with self._polls_lock:
            return self._last.get(url, (None, None))


def _plain(value: object) -> str:
    text = str(value)
    return json.dumps(text) if any(c.isspace() for c in text) or not text else text


# ---------------------------------------------------------------- one daemon per database


@contextmanager
def daemon_lock(db_url: str) -> Iterator[str]:
    """Hold the database's daemon lock for the block; LockHeld when another has it.

    Yields a description of the lock (for logs). An in-memory SQLite database cannot be
    shared, so it needs none.
    """
    url = normalize_url(db_url)
    if url.startswith("sqlite:"):
        path = _sqlite_path(url)
        if path is None:
            yield "none (in-memory database)"
            return
        with _file_lock(Path(str(path) + ".lock")) as where:
            yield where
    elif url.startswith("postgresql"):
        with _pg_lock(url) as where:
            yield where
    else:
        raise LockHeld(f"cannot lock {url!r}: not a SQLite or PostgreSQL URL")


def _sqlite_path(url: str) -> Path | None:
    rest = url.split("://", 1)[1].split("?", 1)[0]
    name = rest[1:] if rest.startswith("/") else rest  # sqlite:///rel, sqlite:////abs
    if not name or name == ":memory:":
        return None
    return Path(name).expanduser().resolve()


@contextmanager
def _file_lock(path: Path) -> Iterator[str]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise LockHeld(f"another voci daemon (pid {holder}) is running on this "
                           f"database: {path} is locked") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield str(path)
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)  # the file stays: removing it would race with a starting daemon


@contextmanager
def _pg_lock(url: str) -> Iterator[str]:
    import psycopg

    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (PG_LOCK_KEY,)).fetchone()
        if not row or not row[0]:
            raise LockHeld("another voci daemon is running on this database "
                           f"(PostgreSQL advisory lock {PG_LOCK_KEY} is held)")
        try:
            yield f"PostgreSQL advisory lock {PG_LOCK_KEY}"
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (PG_LOCK_KEY,))


# ---------------------------------------------------------------- the process around it


@contextmanager
def stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """SIGTERM and SIGINT call `stop` (once each is enough); the old handlers come back."""
    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("%s received: stopping after the article in hand",
                 signal.Signals(signum).name)
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def serve(sources: Sources, db_url: str, fetch_config: FetchConfig, *,
          options: DaemonOptions | None = None) -> DaemonResult:
    """`voci run`: take the lock, open the store, tick until a signal. LockHeld if taken."""
    with daemon_lock(db_url) as lock, Store(db_url) as store:
        log.info("daemon lock held: %s", lock)
        from pipeline.registry import load_active

        load_active(store)  # claims are read with the store's imported registry, if any
        daemon = Daemon(sources, store, fetch_config, options=options)
        with stop_on_signals(daemon.stop):
            return daemon.run()


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage()}
        out.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)

