"""Workers on a real PostgreSQL: two `voci worker` processes share one cycle of polls."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.corpus import CorpusServer
from pipeline.store import Store
from tests.conftest import CORPORA


def test_two_workers_poll_every_feed_exactly_once_per_cycle(pg_url: str,
                                                            tmp_path: Path) -> None:
    with CorpusServer(CORPORA / "dev-a") as corpus:
        sources = tmp_path / "corpus.yaml"
        sources.write_text(corpus.sources_yaml())
        env = {**os.environ, "VOCI_DB": pg_url, "VOCI_SOURCES": str(sources)}
        # The first worker queues the cycle's polls; both then share the queue.
        first = subprocess.Popen([sys.executable, "-m", "pipeline", "worker", "--once",
                                  "--concurrency", "2"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
        second = subprocess.Popen([sys.executable, "-m", "pipeline", "worker", "--once",
                                   "--concurrency", "2"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        outputs = [p.communicate(timeout=180)[0] for p in (first, second)]
        assert [p.returncode for p in (first, second)] == [0, 0], outputs
        feeds = collections.Counter((r.host, r.path) for r in corpus.requests
                                    if r.path.endswith((".xml", "/feed/")))
        gold = corpus.gold
        expected = {(corpus.hosts[oid], path) for oid, o in gold["outlets"].items()
                    for path in o["feeds"]}
        assert set(feeds) == expected
        assert all(n == 1 for n in feeds.values()), feeds
        queued = sum(int(line.split()[0]) for out in outputs for line in out.splitlines()
                     if line.endswith("feed polls queued"))
        assert queued == len(expected)  # the second worker found nothing more due
        # A second cycle right away: nothing is due, nothing is fetched.
        again = subprocess.run([sys.executable, "-m", "pipeline", "worker", "--once"],
                               env=env, capture_output=True, text=True, timeout=120)
        assert "0 feed polls queued" in again.stdout, again.stdout + again.stderr
    with Store(pg_url) as store:
        articles = store.articles()
        assert len(articles) == len(gold["articles"])
        assert len({a.url for a in articles}) == len(articles)


def test_the_queue_schema_is_created_once(pg_url: str) -> None:
    from pipeline import workers

    with Store(pg_url) as store, store.schema_lock():
        assert workers.ensure_queue_schema(store.conninfo()) is True
        assert workers.ensure_queue_schema(store.conninfo()) is False


def test_workers_refuse_sqlite(tmp_path: Path) -> None:
    from pipeline import workers

    with pytest.raises(ValueError, match="workers need PostgreSQL"):
        workers.configure(f"sqlite:///{tmp_path / 'v.db'}", tmp_path / "sources.yaml")
