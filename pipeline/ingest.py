"""One ingest path: a link in, a stored article or a failure out.

    feed entry ---+
    sitemap page -+-> fetch (per-host threads) -+-> read: extract + claims -> store
    WARC record ----------- (page in hand) -----+   (worker processes)    (this thread)

A `Link` is one page to make an article of, whoever listed it: a feed's item (its
metadata wins over the page's, its own text stands in when the page cannot be used), a
sitemap's page (its news:title and date fill what the page lacks) or an archived page (its
bytes already in hand, as a `Page`). `fetch` gets a link's page: politeness is the
Fetcher's (per-host limits, robots.txt, timeouts), run in one small thread pool per host.
`read` makes the article and its claims of a page: pure work on bytes, so it runs in a
process pool over every core once a pass has enough pages for the processes to pay for
their start, in a few threads before. `record` stores what came out, in the calling
thread; a `Recorder` stores a pass's articles in batches, many in one transaction (each
article whole or not at all). `fetch_pass` (feeds) and `history_pass` (sitemaps,
archives) are its callers: they decide which links to take and keep their summaries.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

from pipeline import registry
from pipeline.articles import draft_from_feed, draft_from_page, page_draft
from pipeline.claims import KnownSource, extract_claims
from pipeline.extract import ExtractionError, extract_page
from pipeline.fetch import Fetcher
from pipeline.fetch.sitemaps import in_range
from pipeline.model import ArticleDraft, Claim, FeedEntry
from pipeline.sources import Outlet
from pipeline.store import Store

if TYPE_CHECKING:
    from pipeline.run import FeedReport

log = logging.getLogger(__name__)

# Fetch errors that say the link itself is unacceptable: no fallback to the feed's text.
REFUSED = frozenset({"foreign_host", "bad_url"})
# Above this many pages in a pass, a process pool (every core) reads them: threads stay on
# one core (trafilatura's and the claims' work is pure Python); below it, starting the
# processes (each imports trafilatura and the claims data) costs more than it saves.
POOL_THRESHOLD = 50


# ---------------------------------------------------------------- values

@dataclass(frozen=True)
class Link:
    """One page to make an article of, and all its reading needs; picklable."""

    outlet: Outlet
    url: str  # normalized: how the link is listed, recorded and compared
    fetch_url: str = ""  # as listed, when it is fetched so (a sitemap's); else `url`
    feed_id: int | None = None
    entry: FeedEntry | None = None  # a feed's item: its metadata wins, its text stands in
    language: str | None = None  # the feed's language
    title_hint: str | None = None  # a sitemap's news:title
    published_hint: dt.datetime | None = None  # a sitemap's news:publication_date
    since: dt.datetime | None = None  # history: the dates the article must fall in
    until: dt.datetime | None = None

    @property
    def target(self) -> str:
        return self.fetch_url or self.url


@dataclass(frozen=True)
class Page:
    """A link's page in hand, fetched or archived: what `read` is given."""

    link: Link
    final_url: str  # after redirects
    content: bytes | None  # None: no usable page (`why`); a feed's item stands in
    fetched_at: dt.datetime
    dated_fallback: dt.datetime | None = None  # the capture date of an archived page
    why: str | None = None


@dataclass(frozen=True)
class Failure:
    """A link that gave no article; recorded in the store's link failures."""

    outlet_id: str
    url: str
    kind: str  # a FetchError kind, "http", "extraction", "no_text" or "stopped"
    message: str
    feed_id: int | None = None


@dataclass(frozen=True)
class Read:
    """The article a page makes and the claims it makes."""

    draft: ArticleDraft
    claims: tuple[Claim, ...]
    # the registry_players rows of the registry players its claims name, read where the
    # claims were (the process storing them then needs no registry of its own)
    players: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class OutOfRange:
    """A page dated outside the range a history pass asked for: not stored."""

    url: str
    published_at: dt.datetime


Outcome = Read | OutOfRange | Failure


class Progress:
    """What a pass reports as it goes; the CLI draws it, the daemon logs it, tests ignore it.

    Stages: "feeds" (total: feeds), "pages" (total: pages to fetch and read; a feed pass
    adds them as its feeds list them), "sitemaps" (total: outlets), "warc" (total: bytes
    of the archives).
    """

    def started(self, stage: str, total: int | None) -> None: ...

    def added(self, stage: str, count: int) -> None: ...

    def advanced(self, stage: str, amount: int = 1) -> None: ...

    def feed_done(self, report: FeedReport) -> None: ...


# ---------------------------------------------------------------- the stages

def fetch(fetcher: Fetcher, link: Link, clock: Callable[[], dt.datetime]) -> Page | Failure:
    """A link's page, or why there is none. A feed's item gets a page without content
    when its page cannot be used (the feed's text stands in), unless the link itself was
    refused or the fetcher stopped."""
    outlet = link.outlet
    result = fetcher.fetch_page(link.target, allowed_domains=outlet.domains)
    at = clock()
    error = result.error
    if error is not None and (error.kind == "stopped" or error.kind in REFUSED
                              or link.entry is None):
        if error.kind in REFUSED:
            log.warning("%s: refused %s: %s", outlet.id, link.url, error.message)
        return Failure(outlet.id, link.url, error.kind, error.message, link.feed_id)
    if error is None and result.ok:
        return Page(link, result.final_url, result.content, at)
    why = error.message if error else f"HTTP {result.status}"
    if link.entry is None:
        return Failure(outlet.id, link.url, "http", why, link.feed_id)
    return Page(link, result.final_url, None, at, why=why)


def read(page: Page, known: Sequence[KnownSource]) -> Outcome:
    """Page bytes -> the article and its claims. Pure: runs in a worker thread or process."""
    link, outlet = page.link, page.link.outlet
    why = page.why or ""
    if page.content is not None:
        try:
            extracted = extract_page(page.content, url=page.final_url,
                                     owns_host=outlet.owns_host)
        except ExtractionError as exc:
            if link.entry is None:
                return Failure(outlet.id, link.url, "extraction", f"{page.final_url}: {exc}",
                               link.feed_id)
            why = f"extraction failed: {exc}"
        else:
            if link.entry is not None:
                draft = draft_from_page(link.entry, extracted, final_url=page.final_url,
                                        outlet_id=outlet.id, feed_id=link.feed_id,
                                        fetched_at=page.fetched_at,
                                        feed_language=link.language)
                return _with_claims(draft, known)
            when = extracted.published_at or link.published_hint or page.dated_fallback
            if when is not None and link.since is not None and not in_range(
                    when, link.since, link.until):
                return OutOfRange(link.url, when)
            draft = page_draft(extracted, link=link.url, final_url=page.final_url,
                               outlet_id=outlet.id, fetched_at=page.fetched_at,
                               title_hint=link.title_hint,
                               published_hint=link.published_hint)
            return _with_claims(draft, known)
    if link.entry is None:
        raise ValueError(f"{link.url}: a page without content needs a feed item to stand in")
    fallback = draft_from_feed(link.entry, outlet_id=outlet.id, feed_id=link.feed_id,
                               fetched_at=page.fetched_at, why=why, language=link.language)
    if fallback is None:
        return Failure(outlet.id, link.url, "no_text",
                       f"{why}; the feed has no text for it either", link.feed_id)
    return _with_claims(fallback, known)


def _with_claims(draft: ArticleDraft, known: Sequence[KnownSource]) -> Read:
    claims = claims_of(draft.title, draft.body, draft.outlet_id, known, draft.published_at)
    refs = {c.player_ref for c in claims if c.player_ref is not None}
    return Read(draft, claims, tuple(registry.player_rows(refs)) if refs else ())


def claims_of(title: str, body: str, outlet_id: str, known: Sequence[KnownSource],
              published_at: dt.datetime | None = None) -> tuple[Claim, ...]:
    """The claims of one article; `published_at` (else today) is the day the player
    registry is asked where each player plays."""
    return tuple(extract_claims(title, body, outlet_id=outlet_id, known_sources=known,
                                published_at=published_at))


def record(store: Store, outcome: Outcome, at: dt.datetime) -> str:
    """Store what a link gave; which it was: "new", "known" (its article was stored
    already), "failed" (recorded as a link failure), "out_of_range" or "stopped" (no
    failure of the link: the next run takes it)."""
    if isinstance(outcome, Failure):
        if outcome.kind == "stopped":
            return "stopped"
        store.record_link_failure(url=outcome.url, outlet_id=outcome.outlet_id,
                                  feed_id=outcome.feed_id, kind=outcome.kind,
                                  message=outcome.message, at=at)
        return "failed"
    if isinstance(outcome, OutOfRange):
        return "out_of_range"
    # The article and its claims in one transaction: a kill between them would leave an
    # article that is never read again.
    stored = store.add_article(outcome.draft, claims=outcome.claims)
    return "new" if stored.new else "known"


# Reads are stored this many at a time, in one transaction (one commit, a statement a
# table), or sooner once the first of them has waited BATCH_SECONDS: a commit costs as
# much as writing an article's rows. A stop loses at most the batch under way; its links
# are not stored, so the next run takes them again.
BATCH_SIZE = 50
BATCH_SECONDS = 0.5


Tag = TypeVar("Tag")


class Recorder(Generic[Tag]):
    """`record` for a pass, with the reads stored in batches.

    `add` hands an outcome over and returns the outcomes stored by now, each with its tag
    and what `record` says of it, in the order they were handed over: a failure is
    recorded at once (the reads before it first), a read waits for its batch. `flush`
    stores what waits; `due` says in how many seconds the waiting batch must be stored.
    """

    def __init__(self, store: Store, *, size: int = BATCH_SIZE,
                 seconds: float = BATCH_SECONDS,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self.store, self.size, self.seconds, self.timer = store, size, seconds, timer
        self._reads: list[tuple[Read, Tag]] = []
        self._since = 0.0

    def add(self, outcome: Outcome, at: dt.datetime, tag: Tag) -> list[tuple[Tag, Outcome, str]]:
        if isinstance(outcome, Read):
            if not self._reads:
                self._since = self.timer()
            self._reads.append((outcome, tag))
            return self.flush() if len(self._reads) >= self.size else []
        done = self.flush()
        done.append((tag, outcome, record(self.store, outcome, at)))
        return done

    def due(self) -> float | None:
        """Seconds before the waiting reads must be stored; None when none wait."""
        if not self._reads:
            return None
        return max(0.0, self._since + self.seconds - self.timer())

    def flush_due(self) -> list[tuple[Tag, Outcome, str]]:
        due = self.due()
        return self.flush() if due is not None and due <= 0 else []

    def flush(self) -> list[tuple[Tag, Outcome, str]]:
        reads, self._reads = self._reads, []
        if not reads:
            return []
        stored = self.store.add_articles(
            [(r.draft, r.claims) for r, _ in reads],
            players={row["id"]: row for r, _ in reads for row in r.players})
        return [(tag, r, "new" if a.new else "known")
                for (r, tag), a in zip(reads, stored, strict=True)]


# ---------------------------------------------------------------- the pools

class HostPools:
    """One small thread pool per host: per-host concurrency without head-of-line blocking."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self.pools: dict[str, ThreadPoolExecutor] = {}

    def submit(self, url: str, fn: Callable[..., Any], *args: Any) -> Future:
        host = (urlsplit(url).hostname or "").lower()
        pool = self.pools.get(host)
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=self.per_host, thread_name_prefix=f"voci-{host}")
            self.pools[host] = pool
        return pool.submit(fn, *args)

    def shutdown(self) -> None:
        for pool in self.pools.values():
            pool.shutdown(wait=True, cancel_futures=True)


class Ingest:
    """Links fetched in per-host threads, read in worker processes (threads for a small
    pass), each outcome a future for the caller to store in its own thread.

    `expect(n)` says n more pages are coming: once a pass expects more than `threshold`,
    pages are read by a process pool of `workers` (default: every core). At most a few
    pages per worker are held fetched and not yet read: fetching waits for reading.
    """

    def __init__(self, fetcher: Fetcher, known: Sequence[KnownSource], *,
                 clock: Callable[[], dt.datetime], workers: int | None = None,
                 threshold: int = POOL_THRESHOLD) -> None:
        self.fetcher, self.known, self.clock = fetcher, tuple(known), clock
        self.workers = workers or os.cpu_count() or 1
        self.threshold = threshold
        self.hosts = HostPools(fetcher.config.per_host_concurrency)
        self._lock = threading.Lock()
        self._expected = 0
        self._threads: ThreadPoolExecutor | None = None
        self._processes: ProcessPoolExecutor | None = None
        self._closed = False
        self._in_hand = threading.BoundedSemaphore(max(16, 4 * self.workers))

    def __enter__(self) -> Ingest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.hosts.shutdown()  # fetches under way finish and hand their pages on
        with self._lock:
            self._closed = True
            executors = [e for e in (self._threads, self._processes) if e is not None]
        for executor in executors:
            executor.shutdown(wait=True, cancel_futures=True)

    def expect(self, count: int) -> None:
        with self._lock:
            self._expected += count

    @property
    def pooled(self) -> bool:
        """Whether pages are read in worker processes now."""
        return self._processes is not None

    def submit(self, link: Link) -> Future[Outcome]:
        """The link fetched, then read."""
        out: Future[Outcome] = Future()
        fetched = self.hosts.submit(link.target, self._fetch, link)
        fetched.add_done_callback(functools.partial(self._fetched, out))
        return out

    def submit_page(self, page: Page) -> Future[Outcome]:
        """A page already in hand (an archive's), read."""
        out: Future[Outcome] = Future()
        self._read(page, out, hold=False)
        return out

    # -- inside

    def _fetch(self, link: Link) -> Page | Failure:
        self._in_hand.acquire()  # released once the page is read (or there is none)
        try:
            page = fetch(self.fetcher, link, self.clock)
        except BaseException:
            self._in_hand.release()
            raise
        if isinstance(page, Failure):
            self._in_hand.release()
        return page

    def _fetched(self, out: Future[Outcome], fetched: Future[Page | Failure]) -> None:
        if fetched.cancelled():
            out.cancel()
            return
        error = fetched.exception()
        if error is not None:
            out.set_exception(error)
            return
        page = fetched.result()
        if isinstance(page, Failure):
            out.set_result(page)
        else:
            self._read(page, out, hold=True)

    def _read(self, page: Page, out: Future[Outcome], *, hold: bool) -> None:
        try:
            executor = self._reader()
            done = executor.submit(read, page, self.known)
        except RuntimeError as exc:  # closed while this page was in hand
            if hold:
                self._in_hand.release()
            out.set_exception(exc)
            return
        done.add_done_callback(functools.partial(self._done, out, hold))

    def _done(self, out: Future[Outcome], hold: bool, done: Future[Outcome]) -> None:
        if hold:
            self._in_hand.release()
        if done.cancelled():
            out.cancel()
        elif (error := done.exception()) is not None:
            out.set_exception(error)
        else:
            out.set_result(done.result())

    def _reader(self) -> Executor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the ingest is closed")
            if self._processes is None and self._expected > self.threshold \
                    and self.workers > 1:
                self._processes = ProcessPoolExecutor(  # reading with this registry
                    max_workers=self.workers, mp_context=process_context(),
                    initializer=registry.adopt, initargs=(registry.handover(),))
            if self._processes is not None:
                return self._processes
            if self._threads is None:
                self._threads = ThreadPoolExecutor(max_workers=self.workers,
                                                   thread_name_prefix="voci-read")
            return self._threads


def process_context() -> multiprocessing.context.BaseContext:
    # Not fork: the parent runs fetcher and loopback threads, and a forked child would
    # inherit their locks mid-flight. forkserver forks from a clean process instead.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The fork server imports what reading needs (trafilatura, the claims, SQLAlchemy)
    # once, as it starts; each worker is forked with it imported instead of importing it
    # itself (half a second a worker, and nothing at all for a later pool of the process)
    context.set_forkserver_preload(["pipeline.ingest"])
    return context
