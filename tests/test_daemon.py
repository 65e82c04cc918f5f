"""The daemon (pipeline.daemon, `voci run`): real SQLite files, the corpus on loopback,
real subprocesses for signals. Time is injected; nothing asserts on how long anything took
beyond generous upper bounds for a process to exit."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.corpus import CorpusServer
from pipeline.daemon import Cycle, Daemon, DaemonOptions, LockHeld, daemon_lock
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.refresh import refresh
from pipeline.run import claims_of, fetch_pass, known_sources
from pipeline.sources import Sources
from pipeline.store import Store
from tests.conftest import CORPORA

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
FAST = DaemonOptions(tick=dt.timedelta(seconds=0.02))


class Clock:
    """voci's time, moved by the test: ticks are real, the schedule's clock is not."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, by: dt.timedelta) -> Callable[[Cycle], None]:
        def step(_cycle: Cycle) -> None:
            self.now += by
        return step


@pytest.fixture(scope="module")
def dev_a() -> Iterator[CorpusServer]:
    """One server for the module (stopping one takes a second); tests count requests
    from where they start."""
    with CorpusServer(CORPORA / "dev-a") as server:
        yield server


def run_daemon(sources: Sources, url: str, config: FetchConfig, clock: Clock, *,
               cycles: int, step: dt.timedelta) -> list[Cycle]:
    seen: list[Cycle] = []

    def on_cycle(cycle: Cycle) -> None:
        seen.append(cycle)
        clock.now += step

    with Store(url) as store:
        daemon = Daemon(sources, store, config, clock=clock, on_cycle=on_cycle,
                        options=DaemonOptions(tick=FAST.tick, max_cycles=cycles))
        result = daemon.run()
    assert result.exit_code == 0 and result.cycles == cycles
    return seen


def snapshot(url: str) -> tuple[set[tuple[object, ...]], dict[str, tuple[str, ...]],
                                dict[str, float]]:
    """Articles (without fetch times), rumours with their claims, probabilities."""
    with Store(url) as store:
        articles = store.articles()
        urls = {a.id: a.url for a in articles}
        rows: set[tuple[object, ...]] = {
            (a.url, a.outlet_id, a.title, a.body, a.published_at, a.text_source,
             urls.get(a.copy_of_id) if a.copy_of_id else None) for a in articles}
        # Claim ids are row ids, which follow the order articles arrived in: compare the
        # articles behind each rumour instead.
        article_of = {c.claim_id: urls[c.article_id] for c in store.stored_claims()}
        rumours = {r.id: tuple(sorted(article_of[c] for c in r.claim_ids))
                   for r in store.rumours()}
        probabilities = {b.rumour_id: b.probability for b in store.board()}
    return rows, rumours, probabilities


# ---------------------------------------------------------------- in-process daemon

def test_a_few_daemon_cycles_end_where_one_backfill_does(
        dev_a: CorpusServer, tmp_path: Path, fetch_config: FetchConfig) -> None:
    sources = dev_a.sources()
    daemon_db, backfill_db = f"sqlite:///{tmp_path / 'd.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    clock = Clock(NOW)
    cycles = run_daemon(sources, daemon_db, fetch_config, clock, cycles=4,
                        step=dt.timedelta(minutes=11))
    gold = len(dev_a.gold["articles"])
    feeds = sum(len(o.feeds) for o in sources.outlets)
    assert len(cycles[0].feeds) == feeds and cycles[0].articles_new == gold
    assert cycles[0].scored_as_of == NOW
    assert sum(c.articles_new for c in cycles) == gold  # later cycles: nothing new
    assert all(f.outcome != "failed" for c in cycles for f in c.feeds)

    with Store(backfill_db) as store, Fetcher(fetch_config) as fetcher:
        fetch_pass(sources, store, fetcher, now=NOW)
        refresh(sources, store, as_of=NOW)
    daemon_state, backfill_state = snapshot(daemon_db), snapshot(backfill_db)
    assert len(daemon_state[0]) == gold and daemon_state[1]
    assert daemon_state == backfill_state


def test_unchanged_feeds_are_polled_less_often_and_each_poll_is_conditional_after_the_first(
        dev_a: CorpusServer, sqlite_url: str, fetch_config: FetchConfig) -> None:
    sources = dev_a.sources()
    clock = Clock(NOW)
    before = len(dev_a.requests)
    # One cycle a minute of voci time: a 10-minute feed comes due every 10-11 cycles at
    # first, then less often as 304 follows 304.
    cycles = run_daemon(sources, sqlite_url, fetch_config, clock, cycles=90,
                        step=dt.timedelta(minutes=1))
    url = sources.outlets[0].feeds[0].url
    polled = [c.at for c in cycles if any(f.url == url for f in c.feeds)]
    gaps = [b - a for a, b in zip(polled, polled[1:], strict=False)]
    assert len(gaps) >= 3
    assert all(g >= dt.timedelta(minutes=10) for g in gaps)
    assert gaps[-1] > gaps[0]  # stretched: 10, 15, 22.5, ... minutes
    feed_requests = [r for r in dev_a.requests[before:] if r.path.endswith(".xml") or
                     r.path.endswith("/feed/")]
    first_per_feed: dict[tuple[str, str], bool] = {}
    for r in feed_requests:
        first_per_feed.setdefault((r.host, r.path), r.conditional)
    assert not any(first_per_feed.values())  # first poll after start: unconditional
    assert sum(r.conditional for r in feed_requests) == len(feed_requests) - len(first_per_feed)


def test_a_restart_resumes_the_schedule_and_polls_nothing_not_due(
        dev_a: CorpusServer, sqlite_url: str, fetch_config: FetchConfig) -> None:
    sources = dev_a.sources()
    clock = Clock(NOW)
    run_daemon(sources, sqlite_url, fetch_config, clock, cycles=1, step=dt.timedelta(0))
    with Store(sqlite_url) as store:
        due = {f.url: f.next_due_at for f in store.feeds()}
    assert all(d is not None and d >= NOW + dt.timedelta(minutes=10) for d in due.values())

    requests = len(dev_a.requests)
    again = run_daemon(sources, sqlite_url, fetch_config, Clock(NOW + dt.timedelta(minutes=9)),
                       cycles=3, step=dt.timedelta(0))
    assert [c.feeds for c in again] == [(), (), ()] and len(dev_a.requests) == requests

    earliest = min(d for d in due.values() if d is not None)
    later = run_daemon(sources, sqlite_url, fetch_config, Clock(earliest), cycles=1,
                       step=dt.timedelta(0))
    polled = {f.url for f in later[0].feeds}
    assert polled == {u for u, d in due.items() if d is not None and d <= earliest}


# ---------------------------------------------------------------- one daemon per database

def test_the_lock_admits_one_daemon_per_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'voci.db'}"
    with daemon_lock(url) as where:
        assert where.endswith("voci.db.lock")
        with pytest.raises(LockHeld, match=f"pid {os.getpid()}"), daemon_lock(url):
            pass
    with daemon_lock(url):  # released
        pass


def test_the_lock_admits_one_daemon_per_postgresql_database(pg_url: str) -> None:
    with daemon_lock(pg_url), pytest.raises(LockHeld, match="advisory lock"), \
            daemon_lock(pg_url):
        pass
    with daemon_lock(pg_url):
        pass


# ---------------------------------------------------------------- the command, as a process

def voci(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def article_count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # not created or not migrated yet
        return 0


def wait_for_articles(db: Path, at_least: int, proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if (n := article_count(db)) >= at_least:
            return n
        time.sleep(0.02)
    raise AssertionError(f"no {at_least} articles in {db} (exit code {proc.poll()})")


def claimless(url: str, sources: Sources) -> set[str]:
    """Articles whose stored claims are not exactly those their text makes; also checks
    that rows are whole and URLs unique."""
    known = known_sources(sources)
    wrong = set()
    with Store(url) as store:
        stored = store.claims_by_article()
        for article_id in store.article_ids():
            a = store.article(article_id)
            assert a.title and a.body and a.url
            if stored.get(article_id, []) != list(claims_of(a.title, a.body, a.outlet_id,
                                                             known, a.published_at)):
                wrong.add(a.url)
        urls = [a.url for a in store.articles()]
        assert len(urls) == len(set(urls))
    return wrong


def assert_consistent(url: str, sources: Sources) -> None:
    """Every stored article has exactly the claims its text makes; rows are whole."""
    assert not claimless(url, sources)


@pytest.fixture
def corpus_files(dev_a: CorpusServer, tmp_path: Path) -> tuple[Path, Path]:
    sources = tmp_path / "sources.yaml"
    sources.write_text(dev_a.sources_yaml(), encoding="utf-8")
    return sources, tmp_path / "voci.db"


def test_sigterm_stops_after_the_article_in_hand_and_a_second_daemon_exits_2(
        dev_a: CorpusServer, corpus_files: tuple[Path, Path], fetch_config: FetchConfig
) -> None:
    sources_file, db = corpus_files
    args = ("--sources", str(sources_file), "--db", str(db))
    proc = subprocess.Popen(voci(*args, "run", "--tick", "0.1", "--host-delay", "0.3",
                                 "--log-format", "json"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_articles(db, 3, proc)
        second = CliRunner().invoke(cli, [*args, "run", "--max-cycles", "1"])
        assert second.exit_code == 2
        assert "another voci daemon" in second.output and str(proc.pid) in second.output
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err.decode()
    lines = [json.loads(line) for line in err.decode().splitlines()]
    polls = [x for x in lines if x.get("event") == "feed_poll"]
    assert polls and all({"outcome", "status", "seconds", "feed"} <= p.keys() for p in polls)
    assert all("new" in p for p in polls if p["outcome"] != "interrupted")
    assert any("SIGTERM" in x["message"] for x in lines)
    stored = article_count(db)
    assert 0 < stored < len(dev_a.gold["articles"])  # it stopped mid-pass
    assert_consistent(f"sqlite:///{db}", dev_a.sources())
    with daemon_lock(str(db)):  # the lock went with the process
        pass

    # The next start picks up what the stop left once the feeds come due (an hour is
    # past any stretched wait): their first poll after a start is unconditional.
    later = Clock(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    run_daemon(dev_a.sources(), f"sqlite:///{db}", fetch_config, later, cycles=2,
               step=dt.timedelta(0))
    assert article_count(db) == len(dev_a.gold["articles"])
    assert_consistent(f"sqlite:///{db}", dev_a.sources())


def kill_backfill_midway(dev_a: CorpusServer, args: tuple[str, ...], db: Path) -> set[str]:
    """Kill a backfill after its fifth article, run it again; the articles left claimless."""
    proc = subprocess.Popen(voci(*args, "backfill", "--host-delay", "0.3"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_articles(db, 5, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert article_count(db) < len(dev_a.gold["articles"])
    hurt = claimless(f"sqlite:///{db}", dev_a.sources())
    again = CliRunner().invoke(cli, [*args, "backfill", "--host-delay", "0"])
    assert again.exit_code == 0, again.output
    assert claimless(f"sqlite:///{db}", dev_a.sources()) == hurt  # no duplicates, whole rows
    return hurt


def test_kill_9_mid_backfill_then_the_daemon_loses_nothing_and_duplicates_nothing(
        dev_a: CorpusServer, corpus_files: tuple[Path, Path], fetch_config: FetchConfig
) -> None:
    sources_file, db = corpus_files
    hurt = kill_backfill_midway(dev_a, ("--sources", str(sources_file), "--db", str(db)), db)
    assert not hurt  # each article is stored with its claims in one transaction
    later = Clock(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    run_daemon(dev_a.sources(), f"sqlite:///{db}", fetch_config, later, cycles=1,
               step=dt.timedelta(0))
    assert article_count(db) == len(dev_a.gold["articles"])
    assert claimless(f"sqlite:///{db}", dev_a.sources()) == hurt


def test_kill_9_mid_backfill_then_backfill_again_loses_nothing(
        dev_a: CorpusServer, corpus_files: tuple[Path, Path]) -> None:
    sources_file, db = corpus_files
    hurt = kill_backfill_midway(dev_a, ("--sources", str(sources_file), "--db", str(db)), db)
    assert article_count(db) == len(dev_a.gold["articles"]) and not hurt
