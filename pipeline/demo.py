"""`voci demo`: the whole pipeline on a bundled sample, with no network and no set-up.

The sample is a small labelled corpus of Italian transfer news written for voci (the
dev-a corpus of tests/fixtures/corpus: invented outlets, real clubs and players, each
outlet in its own style). It is served on loopback (pipeline.corpus), one address per
outlet, and voci reads it exactly as it reads the web: feeds, pages, claims, rumours,
scores, into a fresh SQLite file, scored as of the sample's own date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import pipeline
from pipeline import USER_AGENT
from pipeline.corpus import CorpusServer
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.model import BoardRow
from pipeline.refresh import refresh
from pipeline.run import PassSummary, fetch_pass
from pipeline.sources import Sources
from pipeline.store import Store


def sample_dir() -> Path:
    """The sample: inside the package of an installed wheel (pyproject.toml puts it
    there), else in the checkout's test fixtures."""
    package = Path(pipeline.__file__).resolve().parent
    for candidate in (package / "_demo", package.parent / "tests/fixtures/corpus/dev-a"):
        if (candidate / "gold.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"the demo's sample is missing (looked in {package / '_demo'})")


@dataclass(frozen=True)
class Demo:
    outlets: int
    summary: PassSummary
    as_of: dt.datetime
    rows: list[BoardRow]
    histories: dict[str, list[tuple[dt.datetime, float, str]]]


def run_demo(db_url: str, *, journalists_from: Sources | None = None,
             limit: int = 10) -> Demo:
    """Serve the sample, fetch it into the store at `db_url` (a new one), score it as of
    the sample's date and read the board."""
    with CorpusServer(sample_dir()) as server:
        sources = server.sources()
        if journalists_from is not None:  # articles cite real journalists
            sources = replace(sources, journalists=journalists_from.journalists)
        as_of = dt.datetime.fromisoformat(str(server.gold["as_of"])).astimezone(dt.UTC)
        # our own loopback server: no need to wait between requests; every other guard on
        config = FetchConfig(user_agent=USER_AGENT, min_host_delay=0.0)
        with Store(db_url) as store, Fetcher(config) as fetcher:
            summary = fetch_pass(sources, store, fetcher, now=as_of)
            refresh(sources, store, as_of=as_of)
            rows = store.board(limit=limit)
            histories = store.histories([r.rumour_id for r in rows])
    return Demo(len(sources.outlets), summary, as_of, rows, histories)
