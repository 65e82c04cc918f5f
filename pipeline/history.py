"""Orchestration of a history pass: past articles from sitemaps and WARC archives.

    outlets -> walk sitemaps -> new links -+-> ingest (fetch page -> read -> store)
    WARC files -> outlet pages -> new links +-> ingest (read -> store)

The twin of `pipeline.run.fetch_pass` for the past, through the same ingest path
(`pipeline.ingest`), and like it decides nothing itself: the stages are called in order,
every failure is a value in the summary (and a link failure in the store), and everything
that touches the database runs in the calling thread. Pages are fetched in one small
thread pool per host (politeness is the Fetcher's) and read in worker processes over all
cores when there is enough work for them to pay for themselves (threads otherwise).
Outcomes are stored in input order, so both store the same articles in the same order.

Resumable: a link that already led to a stored article is neither fetched nor read again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TypeVar

from pipeline import run
from pipeline.claims import KnownSource
from pipeline.extract import normalize_url
from pipeline.fetch import Fetcher
from pipeline.fetch.sitemaps import (
    SitemapPage,
    SitemapProblem,
    SitemapRead,
    walk_sitemaps,
)
from pipeline.fetch.warc import WarcError, WarcPage, WarcTally, read_warc
from pipeline.ingest import (
    POOL_THRESHOLD,
    Failure,
    Ingest,
    Link,
    Outcome,
    Page,
    Progress,
    Recorder,
)
from pipeline.sources import Outlet, Sources
from pipeline.store import Store

log = logging.getLogger(__name__)

_FETCH_WINDOW = 64  # pages fetched ahead of the one being extracted: bounds memory
_WALKERS = 8  # outlets whose sitemaps are walked at once (each walk is one host's)
_T = TypeVar("_T")


@dataclass(frozen=True)
class WarcReport:
    path: str
    records: int
    kept: int  # pages of the outlets, handed on to extraction
    skipped: dict[str, int]  # by reason: foreign_host, not_html, not_response, ...
    error: str | None = None  # why the file could not be read to its end

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


@dataclass(frozen=True)
class HistorySummary:
    sitemaps_read: int
    sitemap_problems: tuple[SitemapProblem, ...]
    listed_out_of_range: int  # dated outside the range by their sitemap: never fetched
    pages_new: int
    pages_known: int  # already stored (earlier runs, or twice in this one): not fetched
    pages_out_of_range: int  # dated outside the range by their own page: not stored
    page_failures: tuple[Failure, ...]  # kind: a FetchError kind, "http" or "extraction"
    warcs: tuple[WarcReport, ...]
    requests: int

    @property
    def sitemaps_failed(self) -> int:
        return len(self.sitemap_problems)

    @property
    def pages_failed(self) -> int:
        return len(self.page_failures)

    @property
    def warc_records_kept(self) -> int:
        return sum(w.kept for w in self.warcs)

    @property
    def warc_records_skipped(self) -> int:
        return sum(w.skipped_total for w in self.warcs)

    @property
    def exit_code(self) -> int:
        """0 when some sitemap or archive could be read (or none was asked for), else 1."""
        asked = self.sitemaps_read or self.sitemap_problems or self.warcs
        readable = self.sitemaps_read or any(w.error is None for w in self.warcs)
        return 0 if readable or not asked else 1


# ---------------------------------------------------------------- values between stages

@dataclass
class _Tally:
    claimed: set[str] = field(default_factory=set)  # links taken by this pass
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


def history_pass(sources: Sources, store: Store, fetcher: Fetcher, *, since: dt.datetime,
                 until: dt.datetime | None, warcs: Sequence[str | Path] = (),
                 now: dt.datetime, progress: Progress | None = None,
                 known_sources: Sequence[KnownSource] | None = None,
                 sitemaps: bool = True, max_sitemaps: int = 200,
                 clock: Callable[[], dt.datetime] | None = None,
                 pool_threshold: int = POOL_THRESHOLD,
                 workers: int | None = None) -> HistorySummary:
    """Store the articles of [since, until) (no `until`: no upper bound) that every
    outlet's sitemaps list (unless `sitemaps` is false) and that `warcs` hold. Pages are
    read in `workers` processes (default: every core) once there are more than
    `pool_threshold` of them."""
    if since.tzinfo is None or (until is not None and until.tzinfo is None):
        raise ValueError("history_pass needs timezone-aware since and until")
    progress = progress or Progress()
    clock = clock or (lambda: now)
    known = tuple(known_sources if known_sources is not None else run.known_sources(sources))
    store.sync_sources(sources, now)
    requests_before = fetcher.request_count
    tally = _Tally()
    read = listed_out = 0
    problems: list[SitemapProblem] = []
    reports = []
    with Ingest(fetcher, known, clock=clock, workers=workers,
                threshold=pool_threshold) as ingest:
        window = max(_FETCH_WINDOW, 4 * ingest.workers)
        if sitemaps:
            listed: list[tuple[Outlet, SitemapPage]] = []
            for outlet, items in _walk_all(fetcher, sources.outlets, since, until,
                                           max_sitemaps, progress):
                for item in items:
                    if isinstance(item, SitemapPage):
                        listed.append((outlet, item))
                    elif isinstance(item, SitemapRead):
                        read += 1
                        listed_out += item.pages_out_of_range
                    else:
                        log.warning("%s: sitemap: %s", item.outlet_id, item.message)
                        problems.append(item)
            fresh = _new_links(store, [(normalize_url(p.url), (o, p)) for o, p in listed],
                               tally)
            progress.started("pages", len(fresh))
            ingest.expect(len(fresh))
            links = (_sitemap_link(o, p, link, since, until) for link, (o, p) in fresh)
            _store_all(store, (ingest.submit(x) for x in links), window, tally, clock,
                       lambda: progress.advanced("pages"))

        if warcs:
            sizes = [_size(path) for path in warcs]
            progress.started("warc", sum(sizes))
            for path, size in zip(warcs, sizes, strict=True):
                archive = _read_archive(path, size, sources.outlets, store, tally, progress,
                                        since, until)
                pages = _announced(ingest, archive.pages)
                _store_all(store, (ingest.submit_page(p) for p in pages), window, tally,
                           clock, lambda: None)
                reports.append(archive.finish())

    c = tally.counts
    return HistorySummary(
        sitemaps_read=read, sitemap_problems=tuple(problems), listed_out_of_range=listed_out,
        pages_new=c["new"], pages_known=c["known"], pages_out_of_range=c["out_of_range"],
        page_failures=tuple(tally.failures), warcs=tuple(reports),
        requests=fetcher.request_count - requests_before)


def _sitemap_link(outlet: Outlet, page: SitemapPage, link: str, since: dt.datetime,
                  until: dt.datetime | None) -> Link:
    published = page.published_at if page.dated_by == "publication_date" else None
    return Link(outlet, link, fetch_url=page.url, title_hint=page.title,
                published_hint=published, since=since, until=until)


def _announced(ingest: Ingest, pages: Iterator[Page]) -> Iterator[Page]:
    """An archive's pages, each announced to the ingest before it is read: the first
    ones at once, so that a big archive is read by the worker processes from its start."""
    head = list(islice(pages, ingest.threshold + 1))
    ingest.expect(len(head))
    yield from head
    for page in pages:
        ingest.expect(1)
        yield page


def _store_all(store: Store, outcomes: Iterator[Future[Outcome]], window: int, tally: _Tally,
               clock: Callable[[], dt.datetime], advance: Callable[[], None]) -> None:
    """Each outcome stored in the order it was asked for (the reads in batches),
    `window` of them under way."""
    ahead: deque[Future[Outcome]] = deque()
    recorder: Recorder[None] = Recorder(store)

    def take() -> None:
        future = ahead.popleft()
        while True:  # a batch waiting for a slow page is stored when it is due
            try:
                outcome = future.result(timeout=recorder.due())
                break
            except FutureTimeout:
                _count(recorder.flush_due(), tally, advance)
        if isinstance(outcome, Failure) and outcome.kind != "stopped":
            log.warning("%s: %s", outcome.outlet_id, outcome.message)
        _count(recorder.add(outcome, clock(), None), tally, advance)

    for future in outcomes:
        ahead.append(future)
        if len(ahead) >= window:
            take()
    while ahead:
        take()
    _count(recorder.flush(), tally, advance)


# ---------------------------------------------------------------- sitemaps

def _walk_all(fetcher: Fetcher, outlets: Sequence[Outlet], since: dt.datetime,
              until: dt.datetime | None, max_sitemaps: int, progress: Progress
              ) -> list[tuple[Outlet, list[SitemapPage | SitemapRead | SitemapProblem]]]:
    """Every outlet's walk, a few outlets at a time, in the outlets' order."""
    progress.started("sitemaps", len(outlets))
    if not outlets:
        return []
    with ThreadPoolExecutor(max_workers=min(_WALKERS, len(outlets)),
                            thread_name_prefix="voci-sitemaps") as pool:
        futures = {pool.submit(lambda o: list(walk_sitemaps(fetcher, o, since, until,
                                                            max_sitemaps=max_sitemaps)), o): o
                   for o in outlets}
        for _ in as_completed(futures):
            progress.advanced("sitemaps")
        by_outlet = {o.id: f.result() for f, o in futures.items()}
    return [(o, by_outlet[o.id]) for o in outlets]


# ---------------------------------------------------------------- archives

@dataclass
class _Archive:
    """One archive being read: its pages (lazily, in this thread) and then its report."""

    path: str
    tally: WarcTally
    pages: Iterator[Page] = field(default_factory=lambda: iter(()))
    error: str | None = None

    def finish(self) -> WarcReport:
        return WarcReport(self.path, self.tally.records, self.tally.kept,
                          dict(self.tally.skipped), self.error)


def _read_archive(path: str | Path, size: int, outlets: Sequence[Outlet], store: Store,
                  tally: _Tally, progress: Progress, since: dt.datetime,
                  until: dt.datetime | None) -> _Archive:
    archive = _Archive(str(path), WarcTally())
    by_id = {o.id: o for o in outlets}
    position = [0]

    def advance(now_at: int) -> None:
        progress.advanced("warc", now_at - position[0])
        position[0] = now_at

    def pages() -> Iterator[Page]:
        records = read_warc(path, outlets, tally=archive.tally, on_position=advance)
        try:
            for record in records:
                link = normalize_url(record.url)
                if _new_links(store, [(link, record)], tally):
                    yield _archived(by_id[record.outlet_id], record, link, since, until)
        except WarcError as exc:  # what was readable has been yielded: report, go on
            log.warning("%s", exc)
            archive.error = str(exc)
        advance(max(position[0], size))

    archive.pages = pages()
    return archive


def _archived(outlet: Outlet, page: WarcPage, link: str, since: dt.datetime,
              until: dt.datetime | None) -> Page:
    """An archived page, in hand: dated by its capture when it says no date itself."""
    return Page(Link(outlet, link, since=since, until=until), page.url, page.content,
                page.fetched_at, dated_fallback=page.fetched_at)


def _size(path: str | Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # read_warc will say why it cannot be opened


# ---------------------------------------------------------------- bookkeeping (this thread)

def _new_links(store: Store, items: list[tuple[str, _T]], tally: _Tally
               ) -> list[tuple[str, _T]]:
    """The items whose link is neither stored nor already taken by this pass."""
    by_link: dict[str, _T] = {}
    for link, item in items:
        by_link.setdefault(link, item)
    fresh, known = run.fresh_links(by_link, store.known_links(by_link), tally.claimed)
    tally.counts["known"] += known + len(items) - len(by_link)  # repeats count as known
    return fresh


def _count(stored: list[tuple[None, Outcome, str]], tally: _Tally,
           advance: Callable[[], None]) -> None:
    """Tally what the recorder stored (an article with its claims is stored whole)."""
    for _, outcome, kept in stored:
        if kept == "failed":
            assert isinstance(outcome, Failure)
            tally.failures.append(outcome)
        elif kept != "stopped":  # a stop is no failure of the page: the next run takes it
            tally.counts[kept] += 1
        advance()
