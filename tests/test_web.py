"""`voci web` on a real store: the pages through Flask's client on SQLite and PostgreSQL,
and rendered by a real headless Chromium (Debian's package; CI installs it)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.demo import run_demo
from pipeline.sources import load_sources
from pipeline.store import Store
from pipeline.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SOURCES = load_sources(ROOT / "sources.yaml")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    run_demo(db_url, journalists_from=SOURCES)  # the bundled sample, served on loopback
    with Store(db_url) as s:
        yield s


def test_the_pages_answer_on_both_databases(store: Store) -> None:
    client = create_app(store, SOURCES).test_client()
    board = client.get("/")
    assert board.status_code == 200
    page = board.get_data(as_text=True)
    rows = store.board(limit=50)
    assert rows and page.index(rows[0].rumour_id) < page.index(rows[1].rumour_id)
    ids = lambda q: [r["rumour_id"] for r in client.get(f"/board.json?{q}").get_json()]  # noqa: E731
    assert ids("club=juventus") and ids("club=juve") == ids("club=juventus") == ids(
        "club=la+Vecchia+Signora")
    bad = client.get("/?club=xyz")
    assert bad.status_code == 400 and "unknown club" in bad.get_data(as_text=True)
    first = rows[0].rumour_id
    rumour = client.get(f"/rumour/{first}").get_data(as_text=True)
    evidence = store.evidence([first])
    assert evidence and all(e.article_url in rumour for e in evidence)
    assert '<svg id="chart"' in rumour and "<polyline" in rumour
    outlet = evidence[0].outlet_id
    record = client.get(f"/source/{outlet}")
    assert record.status_code == 200 and first in record.get_data(as_text=True)
    assert client.get("/rumour/nobody/nowhere/2026-07").status_code == 404
    assert client.get("/source/nobody").status_code == 404


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp / 'profile'}", *args],
        capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian's package "
                    "'chromium'; .ci/run installs it): the browser test was skipped")
def test_a_real_browser_renders_the_board_and_a_rumour(tmp_path: Path) -> None:
    from waitress import create_server

    db = tmp_path / "web.db"
    url = f"sqlite:///{db}"
    run_demo(url, journalists_from=SOURCES)
    result = CliRunner().invoke(cli, ["--db", url, "top", "--json", "--limit", "5"])
    code, output = result.exit_code, result.output
    assert code == 0, output
    top = json.loads(output)
    with Store(url) as store:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = create_server(create_app(store, SOURCES), host="127.0.0.1", port=port)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            base = f"http://127.0.0.1:{port}"
            dom = chromium("--dump-dom", f"{base}/", tmp=tmp_path)
            assert dom.returncode == 0, dom.stderr[-500:]
            first_row = dom.stdout.split('<tr class="rumour"', 1)[1].split(">", 1)[0]
            assert f'data-rumour-id="{top[0]["rumour_id"]}"' in first_row
            page = chromium("--dump-dom", f"{base}/rumour/{top[0]['rumour_id']}", tmp=tmp_path)
            assert '<svg id="chart"' in page.stdout and "<polyline" in page.stdout
            shot = tmp_path / "board.png"
            taken = chromium(f"--screenshot={shot}", "--window-size=1200,900", f"{base}/",
                             tmp=tmp_path)
            assert taken.returncode == 0, taken.stderr[-500:]
        finally:
            server.close()
    from matplotlib import image

    pixels = image.imread(shot)
    assert pixels.shape[0] >= 600 and pixels.std() > 0.01  # a page, not a blank image
