"""Alerts: rules read with every problem at once, the alerts score changes raise, and
delivery to a loopback webhook exactly once across passes and daemon restarts."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.alerts import AlertsError, Rule, load_rules, raised, run_alerts
from pipeline.cli import cli
from pipeline.corpus import CorpusServer
from pipeline.daemon import Daemon, DaemonOptions
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.refresh import refresh
from pipeline.run import fetch_pass
from pipeline.store import Store
from pipeline.store.alerts import Change
from tests.conftest import CORPORA

EARLY = dt.datetime(2026, 11, 12, 8, 0, tzinfo=dt.UTC)  # before most of dev-a's news
LATE = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)  # dev-a's own as_of


class Hook:
    """A webhook on loopback that records what it receives; `failing` answers 500."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], str]] = []
        self.failing = False
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.failing:
                    self.send_response(500)
                else:
                    hook.received.append((json.loads(body), self.headers["Idempotency-Key"]))
                    self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/voci"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.close()


def rules_file(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "alerts.yaml"
    path.write_text(f"""alerts:
  - id: likely
    when: {{crosses: 0.7}}
    deliver: {{webhook: {url}}}
  - id: done
    when: official
    deliver: {{webhook: {url}}}
  - id: risers
    when: {{risers: 2}}
    deliver: {{webhook: {url}}}
  - id: juve
    when: watch
    club: la Vecchia Signora
    deliver: {{webhook: {url}}}
""")
    return path


def test_a_rules_file_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("""alerts:
  - id: a
    when: {crosses: 1.5}
    deliver: stdout
  - id: b
    when: sometimes
    deliver: stdout
  - id: c
    when: official
    deliver: {webhook: ftp://x}
  - id: d
    when: watch
    deliver: stdout
""")
    with pytest.raises(AlertsError) as e:
        load_rules(path)
    lines = str(e.value).splitlines()
    assert len(lines) == 4
    assert "crosses needs a probability between 0 and 1" in lines[0]
    assert "when must be official, watch" in lines[1]
    assert "not an http(s) URL" in lines[2]
    assert "watch needs a club, a player or a window" in lines[3]
    code = CliRunner().invoke(cli, ["alerts", "check", str(path)])
    assert code.exit_code == 2 and "alert 4:" in code.output


def test_which_changes_raise_which_alerts() -> None:
    at = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    changes = [Change("a", at, (0.5, "open"), 0.75, "open"),  # crosses 0.7, rises 25
               Change("b", at, (0.72, "open"), 0.8, "open"),  # already above
               Change("c", at, (0.6, "open"), 0.995, "confirmed"),  # official, crosses
               Change("d", at, None, 0.3, "open"),  # new, rises 30 from nothing
               Change("e", at, (0.4, "open"), 0.42, "open")]  # too small a rise
    rules = [Rule("x", "crosses", 0.7, None, None, None, "stdout", ""),
             Rule("o", "official", 0, None, None, None, "stdout", ""),
             Rule("r", "risers", 2, None, None, None, "stdout", ""),
             Rule("w", "watch", 0, "juventus", None, None, "stdout", "")]
    got = {(rule, rid, key) for rule, rid, key, _ in raised(rules, changes, {"w": {"b"}})}
    assert got == {("x", "a", "crossed 0.7"), ("x", "c", "crossed 0.7"),
                   ("o", "c", "official"),
                   ("r", "c", "rose on 2026-12-01"), ("r", "d", "rose on 2026-12-01"),
                   ("w", "b", f"changed {at.isoformat()}")}


def backfilled(url: str, corpus: CorpusServer, as_of: dt.datetime) -> None:
    config = FetchConfig(user_agent="voci-test", min_host_delay=0.0)
    with Store(url) as store, Fetcher(config) as fetcher:
        fetch_pass(corpus.sources(), store, fetcher, now=as_of)
        refresh(corpus.sources(), store, as_of=as_of)


def expected_crossings(store: Store, since: dt.datetime, threshold: float) -> set[str]:
    """From score_history itself: rumours below the threshold as of `since` (or unscored)
    and at or above it at their latest score."""
    history = store.histories(store.rumour_ids())
    out = set()
    for rid, rows in history.items():
        then = [p for t, p, _ in rows if t <= since]
        later = [p for t, p, _ in rows if t > since]
        if later and (not then or then[-1] < threshold) and max(later) >= threshold:
            out.add(rid)
    return out


def test_alerts_are_delivered_once_and_retried_when_the_hook_fails(
        db_url: str, tmp_path: Path, hook: Hook) -> None:
    rules = load_rules(rules_file(tmp_path, hook.url))
    with CorpusServer(CORPORA / "dev-a") as corpus:
        backfilled(db_url, corpus, EARLY)
        with Store(db_url) as store:
            first = run_alerts(store, rules)  # the first look: from now on
            assert (first.raised, first.delivered) == (0, 0)
            refresh(corpus.sources(), store, as_of=LATE)
            hook.failing = True
            failed = run_alerts(store, rules)
            assert failed.raised > 0 and failed.failed == failed.raised
            assert not hook.received
            hook.failing = False
            done = run_alerts(store, rules)  # tried again, recorded once
            assert done.raised == 0 and done.delivered == failed.raised
            crossed = {b["rumour_id"] for b, _ in hook.received if b["rule"] == "likely"}
            assert crossed and crossed == expected_crossings(store, EARLY, 0.7)
            official = {b["rumour_id"] for b, _ in hook.received if b["rule"] == "done"}
            assert official == {r.rumour_id for r in store.board() if r.status == "confirmed"}
            juve = {b["rumour_id"] for b, _ in hook.received if b["rule"] == "juve"}
            assert juve and all("juventus" in (r.to_club, r.from_club)
                                for r in store.board(rumours=juve))
            assert len([b for b, _ in hook.received if b["rule"] == "risers"]) <= 2
        with Store(db_url) as again:  # another process, later: nothing twice
            assert run_alerts(again, rules).delivered == 0
    ids = [b["alert_id"] for b, _ in hook.received]
    assert len(ids) == len(set(ids))
    assert all(key == f"voci-alert-{b['alert_id']}" for b, key in hook.received)


def test_the_daemon_delivers_alerts_once_across_restarts(tmp_path: Path, hook: Hook) -> None:
    url = f"sqlite:///{tmp_path / 'voci.db'}"
    rules = tuple(load_rules(rules_file(tmp_path, hook.url)))
    config = FetchConfig(user_agent="voci-test", min_host_delay=0.0)
    clock = [EARLY]
    options = DaemonOptions(tick=dt.timedelta(milliseconds=10), max_cycles=2,
                            rescore_every=dt.timedelta(hours=1), alerts=rules)

    def step(_: object) -> None:
        clock[0] = LATE  # the second tick scores thirteen days later

    with CorpusServer(CORPORA / "dev-a") as corpus:
        sources = corpus.sources()
        with Store(url) as store:
            Daemon(sources, store, config, clock=lambda: clock[0], on_cycle=step,
                   options=options).run()
        delivered = len(hook.received)
        assert delivered > 0
        with Store(url) as store:  # a restart: the same changes, looked at again
            Daemon(sources, store, config, clock=lambda: clock[0],
                   options=DaemonOptions(tick=dt.timedelta(milliseconds=10), max_cycles=1,
                                         rescore_every=dt.timedelta(hours=1),
                                         alerts=rules)).run()
            recorded = store.alerts()
    assert len(hook.received) == delivered == len(recorded)
    assert all(when is not None for _, _, _, when in recorded)


def test_a_worker_delivers_alerts_after_its_rescore(pg_url: str, tmp_path: Path,
                                                    hook: Hook) -> None:
    from pipeline import workers

    path = rules_file(tmp_path, hook.url)
    with CorpusServer(CORPORA / "dev-a") as corpus:
        backfilled(pg_url, corpus, EARLY)
        sources = tmp_path / "corpus.yaml"
        sources.write_text(corpus.sources_yaml())
        with Store(pg_url) as store:
            run_alerts(store, load_rules(path))  # the first look
        workers.configure(pg_url, sources, alerts_path=path)
        try:
            workers.rescore()  # the score task, as a worker runs it: now, weeks later
            delivered = len(hook.received)
            workers.rescore()
        finally:
            workers.configure(pg_url, sources)  # other tests' workers deliver nothing
    assert delivered > 0 and len(hook.received) == delivered
