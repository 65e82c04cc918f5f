"""The fault suite: voci against hostile and broken outlets on loopback (tests/faults.py).

One `voci backfill` runs over a healthy outlet and one outlet per kind of fault, each on
its own loopback host, as a user would run it (a process, its exit code, its output). Every
kind then has its own test reading the database: no traceback, the documented exit code,
the healthy outlet's articles stored exactly once, the fault recorded with a clear reason,
bounded time and memory. A second run stores nothing twice. The durability cases run
their own processes: Ctrl-C, SIGTERM to the daemon, a full disk, a read-only database,
two writers on one new file.
"""

from __future__ import annotations

import contextlib
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults import FAULTS, Fault, FaultSite, fault_site, healthy_site, sources_yaml

DEADLINE = "2"  # seconds a request may take, end to end (--deadline)
TIMEOUT = "1"  # seconds a read may wait (--timeout)
RUN_LIMIT = 90  # seconds the whole backfill may take over every fault at once


def voci(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mib: float


def run_voci(args: list[str], *, timeout: float = RUN_LIMIT, preexec=None) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    proc = subprocess.run(voci(*args), capture_output=True, text=True, timeout=timeout,
                          preexec_fn=preexec)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started,
               max(peak, before) / 1024)


@dataclass
class Suite:
    sites: dict[str, FaultSite]
    db: Path
    first: Run
    second: Run


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    folder = tmp_path_factory.mktemp("faults")
    sites = {"healthy": healthy_site("127.0.0.2").start()}
    for i, fault in enumerate(FAULTS):
        sites[fault.name] = fault_site(fault, f"127.0.0.{i + 3}").start()
    try:
        sources = folder / "sources.yaml"
        sources.write_text(sources_yaml(list(sites.values())), encoding="utf-8")
        db = folder / "voci.db"
        args = ["--sources", str(sources), "--db", str(db), "backfill", "--host-delay", "0",
                "--timeout", TIMEOUT, "--deadline", DEADLINE]
        first = run_voci(args)
        second = run_voci(args)
        yield Suite(sites, db, first, second)
    finally:
        for site in sites.values():
            site.close()


def rows(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def outlet(name: str) -> str:
    return name.replace("_", "-")


def test_the_run_over_every_fault_ends_cleanly_in_bounded_time_and_memory(suite: Suite) -> None:
    for run in (suite.first, suite.second):
        assert run.code == 0, run.err[-2000:]  # the healthy outlet answered
        assert "Traceback" not in run.err and "Traceback" not in run.out
        assert run.seconds < RUN_LIMIT
        assert run.peak_mib < 1024, run.peak_mib  # 36 outlets at once: ~770 MiB measured
    assert len(FAULTS) >= 30


def test_the_healthy_outlet_loses_nothing_and_duplicates_nothing(suite: Suite) -> None:
    stored = rows(suite.db, "SELECT url, text_source FROM articles WHERE outlet_id = ?",
                  "healthy")
    assert sorted(url.rsplit("/", 1)[1] for url, _ in stored) == ["bianchi", "rossi", "verdi"]
    assert all(source == "page" for _, source in stored)


def test_a_second_run_stores_nothing_twice(suite: Suite) -> None:
    urls = [u for (u,) in rows(suite.db, "SELECT url FROM articles")]
    assert len(urls) == len(set(urls))
    assert "Traceback" not in suite.second.err


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
def test_each_fault_is_recorded_with_its_reason(suite: Suite, fault: Fault) -> None:
    name = outlet(fault.name)
    articles = rows(suite.db, "SELECT url, text_source, fetch_error FROM articles "
                              "WHERE outlet_id = ?", name)
    if fault.expect == "feed_error":
        (error,) = rows(suite.db, "SELECT last_error FROM feeds WHERE outlet_id = ?", name)[0]
        assert error and re.search(fault.reason, error), error
        assert articles == []
    elif fault.expect == "link_failure":
        failures = rows(suite.db, "SELECT kind, message FROM link_failures WHERE outlet_id = ?",
                        name)
        assert failures and any(re.search(fault.reason, m) for _, m in failures), failures
        assert articles == []
    elif fault.expect == "feed_text":
        assert len(articles) == 1, articles
        _, source, why = articles[0]
        assert source == "feed" and why and re.search(fault.reason, why), why
    else:
        assert len(articles) == 1, articles
        assert articles[0][1] == "page", articles


def test_credentials_in_a_feed_link_are_neither_sent_nor_stored(suite: Suite) -> None:
    site = suite.sites["link_with_credentials"]
    assert all(b"authorization" not in head.lower() for head in site.heads)
    with sqlite3.connect(suite.db) as conn:
        dump = "\n".join(conn.iterdump())
    assert "s3cret" not in dump


def test_a_feed_listing_one_link_twice_gives_one_article(suite: Suite) -> None:
    assert suite.sites["same_link_listed_twice"].hits.get("/art/rossi") == 1


# ---------------------------------------------------------------- durability

def _hostile_sources(tmp_path: Path, *kinds: str) -> tuple[Path, list[FaultSite]]:
    sites = [healthy_site("127.0.0.2").start()]
    chosen = [f for f in FAULTS if f.name in kinds]
    sites += [fault_site(f, f"127.0.0.{60 + i}").start() for i, f in enumerate(chosen)]
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(sites), encoding="utf-8")
    return sources, sites


def test_ctrl_c_stops_a_backfill_at_once_says_what_was_kept_and_exits_130(
        tmp_path: Path) -> None:
    sources, sites = _hostile_sources(tmp_path, "feed_never_answers", "feed_headers_dripped",
                                      "page_body_dripped")
    db = tmp_path / "voci.db"
    args = ["--sources", str(sources), "--db", str(db), "backfill", "--host-delay", "0"]
    try:
        proc = subprocess.Popen(voci(*args, "--timeout", "60", "--deadline", "120"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for_healthy(db, proc)  # stored; the hostile outlets hold their requests
        code, err, took = _signal(proc, signal.SIGINT, settle=0.5)
        assert code == 130, err[-2000:]
        assert took < 5, took
        assert "Stopped by SIGINT" in err and "kept" in err
        stored = rows(db, "SELECT count(*) FROM articles WHERE outlet_id = 'healthy'")[0][0]
        assert stored == 3
        # the page a stop cut short is neither stored nor recorded as failed: the next
        # run fetches it (and, dripped again, stores the feed's text with the real reason)
        assert rows(db, "SELECT count(*) FROM articles WHERE outlet_id = 'page-body-dripped'"
                    )[0][0] == 0
        again = run_voci([*args, "--timeout", TIMEOUT, "--deadline", DEADLINE])
        assert again.code == 0 and "Traceback" not in again.err
        (why,) = rows(db, "SELECT fetch_error FROM articles WHERE outlet_id = "
                          "'page-body-dripped'")[0]
        assert "to answer" in why, why
        assert rows(db, "SELECT count(*) FROM articles WHERE outlet_id = 'healthy'")[0][0] == 3
    finally:
        for site in sites:
            site.close()


def test_the_daemon_over_hostile_outlets_stops_on_sigterm_within_seconds(
        tmp_path: Path) -> None:
    sources, sites = _hostile_sources(tmp_path, "feed_never_answers", "feed_headers_dripped",
                                      "robots_dripped", "page_body_dripped")
    db = tmp_path / "voci.db"
    try:
        proc = subprocess.Popen(
            voci("--sources", str(sources), "--db", str(db), "run", "--tick", "0.2",
                 "--host-delay", "0", "--timeout", "60", "--deadline", "120"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for_healthy(db, proc)
        code, err, took = _signal(proc, signal.SIGTERM, settle=1.0)  # requests in flight
        assert code == 0, err[-2000:]
        assert took < 5, took
    finally:
        if proc.poll() is None:
            proc.kill()
        for site in sites:
            site.close()


def _signal(proc: subprocess.Popen, sig: int, settle: float) -> tuple[int, str, float]:
    """Send `sig` after `settle` seconds; the exit code, stderr and seconds to exit."""
    time.sleep(settle)
    sent = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err
    return proc.returncode, err, time.monotonic() - sent


def _wait_for_healthy(db: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        with contextlib.suppress(sqlite3.Error):
            if rows(db, "SELECT count(*) FROM articles WHERE outlet_id = 'healthy'")[0][0] == 3:
                return
        time.sleep(0.1)
    raise AssertionError(f"the healthy outlet was not stored (exit code {proc.poll()})")


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_a_clear_message_and_exit_3_and_what_was_stored_stays(
        tmp_path: Path) -> None:
    # a file-size limit on the process stands in for a full disk: SQLite's writes past
    # it fail as they do on a full file system ("database or disk is full")
    sources, sites = _hostile_sources(tmp_path)
    db = tmp_path / "voci.db"
    base = ["--sources", str(sources), "--db", str(db)]
    try:
        assert run_voci([*base, "top"]).code == 0  # the schema, before the disk fills
        # no write past 64 KB into any file: the write-ahead log fills (16 pages) before
        # the backfill has stored its articles
        full = run_voci([*base, "backfill", "--host-delay", "0"],
                        preexec=_file_size_limit(64 * 1024))
        assert full.code == 3, (full.code, full.err[-2000:])
        assert "Traceback" not in full.err
        # (past a file-size limit SQLite says "disk I/O error"; on a full disk, "full")
        assert "cannot write to the database" in full.err and "kept" in full.err
        with sqlite3.connect(db) as conn:  # the file is whole
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        again = run_voci([*base, "backfill", "--host-delay", "0"])
        assert again.code == 0, again.err[-2000:]
        assert rows(db, "SELECT count(*) FROM articles WHERE outlet_id = 'healthy'")[0][0] == 3
    finally:
        for site in sites:
            site.close()


def test_a_read_only_database_is_a_clear_message_and_exit_3(tmp_path: Path) -> None:
    sources, sites = _hostile_sources(tmp_path)
    db = tmp_path / "voci.db"
    try:
        assert run_voci(["--sources", str(sources), "--db", str(db), "top"]).code == 0
        read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
        run = run_voci(["--sources", str(sources), "--db", read_only, "backfill",
                        "--host-delay", "0"])
        assert run.code == 3, (run.code, run.err[-2000:])
        assert "read-only" in run.err and "Traceback" not in run.err
    finally:
        for site in sites:
            site.close()


def test_two_backfills_on_one_new_sqlite_file_store_each_article_once(tmp_path: Path) -> None:
    sources, sites = _hostile_sources(tmp_path, "feed_500_persistent", "page_404")
    db = tmp_path / "voci.db"
    args = voci("--sources", str(sources), "--db", str(db), "backfill", "--host-delay", "0",
                "--timeout", TIMEOUT, "--deadline", DEADLINE)
    try:
        procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        for proc in procs:
            _, err = proc.communicate(timeout=RUN_LIMIT)
            assert proc.returncode == 0, err[-2000:]
            assert "Traceback" not in err
        urls = [u for (u,) in rows(db, "SELECT url FROM articles")]
        assert len(urls) == len(set(urls))
        assert rows(db, "SELECT count(*) FROM articles WHERE outlet_id = 'healthy'")[0][0] == 3
    finally:
        for site in sites:
            site.close()
