"""Orchestration of a history pass: past articles from sitemaps and WARC archives.

    outlets -> walk sitemaps -> new links -> fetch page -+
    WARC files -> outlet pages -> new links -------------+-> extract + claims -> store

The twin of `pipeline.run.fetch_pass` for the past, and like it decides nothing itself:
the stages are called in order, every failure is a value in the summary (and a link
failure in the store), and everything that touches the database runs in the calling
thread. Pages are fetched in one small thread pool per host (politeness is the
Fetcher's); extraction and claims run in a thread pool, or in a process pool over all
cores when there is enough work for the processes to pay for themselves. Results are
consumed in input order, so both pools store the same articles in the same order.

Resumable: a link that already led to a stored article is neither fetched nor read again.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import (
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TypeVar

from pipeline import run
from pipeline.articles import page_draft
from pipeline.claims import KnownSource
from pipeline.extract import ExtractionError, extract_page, normalize_url
from pipeline.fetch import Fetcher, FetchResult
from pipeline.fetch.sitemaps import (
    SitemapPage,
    SitemapProblem,
    SitemapRead,
    in_range,
    walk_sitemaps,
)
from pipeline.fetch.warc import WarcError, WarcPage, WarcTally, read_warc
from pipeline.model import ArticleDraft, Claim
from pipeline.sources import Outlet, Sources
from pipeline.store import Store

log = logging.getLogger(__name__)

# Above this many pages to extract, a process pool (every core) beats threads, which
# trafilatura's pure-Python work keeps on one core; below it, starting the processes
# (each imports trafilatura and the claims data) costs more than it saves.
POOL_THRESHOLD = 50
_FETCH_WINDOW = 64  # pages fetched ahead of the one being extracted: bounds memory
_WALKERS = 8  # outlets whose sitemaps are walked at once (each walk is one host's)
_T = TypeVar("_T")


@dataclass(frozen=True)
class PageFailure:
    outlet_id: str
    url: str
    kind: str  # a FetchError kind, or "extraction"
    message: str


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
    page_failures: tuple[PageFailure, ...]
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


class HistoryProgress:
    """What a history pass reports as it goes; the CLI draws it, tests ignore it.

    Stages: "sitemaps" (total: outlets), "pages" (total: pages to fetch and read, known
    once the sitemaps are walked), "warc" (total: bytes of the archives).
    """

    def started(self, stage: str, total: int | None) -> None: ...

    def advanced(self, stage: str, amount: int = 1) -> None: ...


# ---------------------------------------------------------------- values between stages

@dataclass(frozen=True)
class _Job:
    """One page to extract: everything the worker needs, picklable for a process pool."""

    outlet: Outlet
    link: str  # normalized: how it was listed
    final_url: str  # after redirects
    content: bytes
    fetched_at: dt.datetime
    title_hint: str | None  # news:title
    published_hint: dt.datetime | None  # news:publication_date
    dated_fallback: dt.datetime | None  # the capture date of an archived page
    since: dt.datetime
    until: dt.datetime | None
    known: tuple[KnownSource, ...]


@dataclass(frozen=True)
class _Extracted:
    draft: ArticleDraft
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class _OutOfRange:
    url: str
    published_at: dt.datetime


@dataclass
class _Tally:
    claimed: set[str] = field(default_factory=set)  # links taken by this pass
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[PageFailure] = field(default_factory=list)


def history_pass(sources: Sources, store: Store, fetcher: Fetcher, *, since: dt.datetime,
                 until: dt.datetime | None, warcs: Sequence[str | Path] = (),
                 now: dt.datetime, progress: HistoryProgress | None = None,
                 known_sources: Sequence[KnownSource] | None = None,
                 sitemaps: bool = True, max_sitemaps: int = 200,
                 clock: Callable[[], dt.datetime] | None = None,
                 pool_threshold: int = POOL_THRESHOLD,
                 workers: int | None = None) -> HistorySummary:
    """Store the articles of [since, until) (no `until`: no upper bound) that every
    outlet's sitemaps list (unless `sitemaps` is false) and that `warcs` hold."""
    if since.tzinfo is None or (until is not None and until.tzinfo is None):
        raise ValueError("history_pass needs timezone-aware since and until")
    progress = progress or HistoryProgress()
    clock = clock or (lambda: now)
    known = tuple(known_sources if known_sources is not None else run.known_sources(sources))
    workers = workers or os.cpu_count() or 1
    store.sync_sources(sources, now)
    requests_before = fetcher.request_count
    tally = _Tally()
    read = listed_out = 0
    problems: list[SitemapProblem] = []

    def extract_and_store(jobs: Iterable[_Job | PageFailure], stage: str) -> None:
        for outcome in _extract_all(jobs, pool_threshold, workers):
            _store_outcome(store, outcome, tally, clock())
            if stage == "pages":
                progress.advanced(stage)

    if sitemaps:
        listed: list[tuple[Outlet, SitemapPage]] = []
        for outlet, items in _walk_all(fetcher, sources.outlets, since, until, max_sitemaps,
                                       progress):
            for item in items:
                if isinstance(item, SitemapPage):
                    listed.append((outlet, item))
                elif isinstance(item, SitemapRead):
                    read += 1
                    listed_out += item.pages_out_of_range
                else:
                    log.warning("%s: sitemap: %s", item.outlet_id, item.message)
                    problems.append(item)
        fresh = _new_links(store, [(normalize_url(p.url), (o, p)) for o, p in listed], tally)
        progress.started("pages", len(fresh))
        extract_and_store(_fetch_all(fetcher, fresh, since, until, known, clock), "pages")

    reports = []
    if warcs:
        sizes = [_size(path) for path in warcs]
        progress.started("warc", sum(sizes))
        for path, size in zip(warcs, sizes, strict=True):
            report = _read_archive(path, size, sources.outlets, store, tally, progress,
                                   since, until, known)
            extract_and_store(report.jobs, "warc")
            reports.append(report.finish())

    c = tally.counts
    return HistorySummary(
        sitemaps_read=read, sitemap_problems=tuple(problems), listed_out_of_range=listed_out,
        pages_new=c["new"], pages_known=c["known"], pages_out_of_range=c["out_of_range"],
        page_failures=tuple(tally.failures), warcs=tuple(reports),
        requests=fetcher.request_count - requests_before)


# ---------------------------------------------------------------- sitemaps

def _walk_all(fetcher: Fetcher, outlets: Sequence[Outlet], since: dt.datetime,
              until: dt.datetime | None, max_sitemaps: int, progress: HistoryProgress
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


def _fetch_all(fetcher: Fetcher, fresh: list[tuple[str, tuple[Outlet, SitemapPage]]],
               since: dt.datetime, until: dt.datetime | None, known: tuple[KnownSource, ...],
               clock: Callable[[], dt.datetime]) -> Iterator[_Job | PageFailure]:
    """The listed pages fetched, in listing order, a bounded window ahead."""
    with run.HostPools(fetcher.config.per_host_concurrency) as pools:
        window: deque[tuple[str, Outlet, SitemapPage, Future[FetchResult]]] = deque()

        def outcome() -> _Job | PageFailure:
            link, outlet, page, future = window.popleft()
            result = future.result()
            if result.error is not None or not result.ok:
                kind = result.error.kind if result.error else "http"
                message = result.error.message if result.error else f"HTTP {result.status}"
                return PageFailure(outlet.id, link, kind, message)
            published = page.published_at if page.dated_by == "publication_date" else None
            return _Job(outlet, link, result.final_url, result.content, clock(), page.title,
                        published, None, since, until, known)

        for link, (outlet, page) in fresh:
            fetch = functools.partial(fetcher.fetch_page, page.url,
                                      allowed_domains=outlet.domains)
            window.append((link, outlet, page, pools.submit(page.url, fetch)))
            if len(window) >= _FETCH_WINDOW:
                yield outcome()
        while window:
            yield outcome()


# ---------------------------------------------------------------- archives

@dataclass
class _Archive:
    """One archive being read: its jobs (lazily, in this thread) and then its report."""

    path: str
    tally: WarcTally
    jobs: Iterator[_Job | PageFailure] = field(default_factory=lambda: iter(()))
    error: str | None = None

    def finish(self) -> WarcReport:
        return WarcReport(self.path, self.tally.records, self.tally.kept,
                          dict(self.tally.skipped), self.error)


def _read_archive(path: str | Path, size: int, outlets: Sequence[Outlet], store: Store,
                  tally: _Tally, progress: HistoryProgress, since: dt.datetime,
                  until: dt.datetime | None, known: tuple[KnownSource, ...]) -> _Archive:
    archive = _Archive(str(path), WarcTally())
    by_id = {o.id: o for o in outlets}
    position = [0]

    def advance(now_at: int) -> None:
        progress.advanced("warc", now_at - position[0])
        position[0] = now_at

    def jobs() -> Iterator[_Job | PageFailure]:
        pages = read_warc(path, outlets, tally=archive.tally, on_position=advance)
        try:
            for page in pages:
                link = normalize_url(page.url)
                if _new_links(store, [(link, page)], tally):
                    yield _job_of(by_id[page.outlet_id], page, link, since, until, known)
        except WarcError as exc:  # what was readable has been yielded: report, go on
            log.warning("%s", exc)
            archive.error = str(exc)
        advance(max(position[0], size))

    archive.jobs = jobs()
    return archive


def _job_of(outlet: Outlet, page: WarcPage, link: str, since: dt.datetime,
            until: dt.datetime | None, known: tuple[KnownSource, ...]) -> _Job:
    return _Job(outlet, link, page.url, page.content, page.fetched_at, None, None,
                page.fetched_at, since, until, known)


def _size(path: str | Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # read_warc will say why it cannot be opened


# ---------------------------------------------------------------- extraction (any pool)

def _extract_all(jobs: Iterable[_Job | PageFailure], threshold: int, workers: int
                 ) -> Iterator[_Extracted | _OutOfRange | PageFailure]:
    """Each job's outcome, in the jobs' order; a process pool when there are more than
    `threshold` of them (and more than one core), threads otherwise."""
    it = iter(jobs)
    head = list(islice(it, threshold + 1))
    if not head:
        return
    executor: Executor
    if len(head) > threshold and workers > 1:
        from pipeline import registry  # the workers read claims with this registry too

        executor = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context(),
                                       initializer=registry.adopt,
                                       initargs=(registry.handover(),))
    else:
        executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="voci-extract")
    with executor:
        window: deque[Future[_Extracted | _OutOfRange | PageFailure] | PageFailure] = deque()
        for job in chain(head, it):
            window.append(job if isinstance(job, PageFailure) else executor.submit(_extract, job))
            if len(window) >= 4 * workers:
                yield _outcome(window.popleft())
        while window:
            yield _outcome(window.popleft())


def _outcome(item: Future[_Extracted | _OutOfRange | PageFailure] | PageFailure
             ) -> _Extracted | _OutOfRange | PageFailure:
    return item if isinstance(item, PageFailure) else item.result()


def _process_context() -> multiprocessing.context.BaseContext:
    # Not fork: the parent runs fetcher and loopback threads, and a forked child would
    # inherit their locks mid-flight. forkserver forks from a clean process instead.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _extract(job: _Job) -> _Extracted | _OutOfRange | PageFailure:
    """Page bytes -> the article and its claims. Runs in a worker thread or process."""
    outlet = job.outlet
    try:
        page = extract_page(job.content, url=job.final_url, owns_host=outlet.owns_host)
    except ExtractionError as exc:
        return PageFailure(outlet.id, job.link, "extraction", f"{job.final_url}: {exc}")
    when = page.published_at or job.published_hint or job.dated_fallback
    if when is not None and not in_range(when, job.since, job.until):
        return _OutOfRange(job.link, when)
    draft = page_draft(page, link=job.link, final_url=job.final_url, outlet_id=outlet.id,
                       fetched_at=job.fetched_at, title_hint=job.title_hint,
                       published_hint=job.published_hint)
    return _Extracted(draft, run.claims_of(draft.title, draft.body, outlet.id, job.known,
                                           draft.published_at))


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


def _store_outcome(store: Store, outcome: _Extracted | _OutOfRange | PageFailure,
                   tally: _Tally, at: dt.datetime) -> None:
    if isinstance(outcome, PageFailure) and outcome.kind == "stopped":
        return  # a stop is no failure of the page: the next run takes it
    if isinstance(outcome, PageFailure):
        log.warning("%s: %s", outcome.outlet_id, outcome.message)
        store.record_link_failure(url=outcome.url, outlet_id=outcome.outlet_id, feed_id=None,
                                  kind=outcome.kind, message=outcome.message, at=at)
        tally.failures.append(outcome)
    elif isinstance(outcome, _OutOfRange):
        tally.counts["out_of_range"] += 1
    else:
        stored = store.add_article(outcome.draft, claims=outcome.claims)  # one transaction
        tally.counts["new" if stored.new else "known"] += 1
