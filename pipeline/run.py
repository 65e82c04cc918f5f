"""Orchestration: one pass over the feeds, sequencing the stages. Decides nothing itself.

    feeds due -> fetch feed -> parse -> new links -> fetch page -> extract -> draft -> store

Network work runs in one small thread pool per host (its size is the per-host concurrency
limit, so a slow host never holds up the others); everything that touches the database
runs here, in the calling thread, one transaction per article. A failed feed or page is a
value in the summary, recorded in the store, and the pass goes on. Used by `voci backfill`
and, later, by the daemon and the workers.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pipeline.articles import draft_from_feed, draft_from_page
from pipeline.claims import KnownSource, extract_claims
from pipeline.extract import ExtractionError, extract_page, normalize_url
from pipeline.fetch import Fetcher, FetchResult, retry_after_seconds
from pipeline.fetch.feeds import FeedParseError, parse_feed
from pipeline.model import ArticleDraft, Claim, FeedEntry, FeedState, ParsedFeed
from pipeline.schedule import freshness, next_due, unchanged_polls_from
from pipeline.sources import Outlet, Sources
from pipeline.store import FeedFetch, Store

log = logging.getLogger(__name__)
T = TypeVar("T")

# Fetch errors that say the link itself is unacceptable: no fallback to the feed's text.
REFUSED = frozenset({"foreign_host", "bad_url"})


@dataclass(frozen=True)
class FeedReport:
    feed_id: int
    outlet_id: str
    url: str
    outcome: str  # "ok" | "not_modified" | "failed"
    error: str | None = None
    warning: str | None = None
    entries: int = 0
    new: int = 0
    known: int = 0
    failed: int = 0


@dataclass(frozen=True)
class LinkFailure:
    outlet_id: str
    feed_id: int
    url: str
    kind: str
    message: str


@dataclass(frozen=True)
class PassSummary:
    feeds: tuple[FeedReport, ...]
    link_failures: tuple[LinkFailure, ...]
    requests: int

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.feeds if f.outcome == outcome)

    @property
    def articles_new(self) -> int:
        return sum(f.new for f in self.feeds)

    @property
    def articles_known(self) -> int:
        return sum(f.known for f in self.feeds)

    @property
    def articles_failed(self) -> int:
        return sum(f.failed for f in self.feeds)

    @property
    def exit_code(self) -> int:
        """0 when at least one feed answered (new or unchanged), 1 when none did."""
        return 0 if any(f.outcome != "failed" for f in self.feeds) else 1


class Progress:
    """What a pass reports as it goes; the CLI draws it, tests ignore it."""

    def feeds_started(self, total: int) -> None: ...

    def feed_done(self, report: FeedReport) -> None: ...

    def pages_queued(self, count: int) -> None: ...

    def page_done(self) -> None: ...


@dataclass(frozen=True)
class _Fetched:
    """A page job's outcome: the article to store and the claims it makes."""

    draft: ArticleDraft
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class _PageJob:
    feed_id: int
    link: str


@dataclass
class _FeedTally:
    state: FeedState
    report: FeedReport
    fetch: FeedFetch  # recorded once every page of the feed is stored
    pending: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # the fetcher was stopped during the feed or one of its pages: nothing of it is
    # recorded as done, so the next run fetches it again in full
    stopped: bool = False


def fetch_pass(sources: Sources, store: Store, fetcher: Fetcher, *, now: dt.datetime,
               progress: Progress | None = None,
               clock: Callable[[], dt.datetime] | None = None,
               due_only: bool = False,
               feed_ids: Iterable[int] | None = None,
               sync_sources: bool = True) -> PassSummary:
    """Fetch every active feed once (`due_only`: those due by `now`; `feed_ids`: these
    only), store the new articles they list. `sync_sources=False` when the caller has
    just synced the feeds table with `sources` (a worker's poll of one feed)."""
    progress = progress or Progress()
    clock = clock or (lambda: now)
    if sync_sources:
        store.sync_sources(sources, now)
    states = store.feeds_for_update(due_by=now if due_only else None, feed_ids=feed_ids)
    outlets = {o.id: o for o in sources.outlets}
    progress.feeds_started(len(states))
    tallies: dict[int, _FeedTally] = {}
    failures: list[LinkFailure] = []
    claimed: set[str] = set()  # links taken by this pass, across all feeds
    known = known_sources(sources)
    requests_before = fetcher.request_count
    with HostPools(fetcher.config.per_host_concurrency) as pools:
        pending: dict[Future, FeedState | _PageJob] = {}
        for state in states:
            pending[pools.submit(state.url, _fetch_feed, fetcher, state)] = state
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                item = pending.pop(fut)
                if isinstance(item, FeedState):
                    result, parsed, error = fut.result()
                    by_link: dict[str, FeedEntry] = {}
                    for entry in parsed.entries if parsed else ():
                        by_link.setdefault(normalize_url(entry.link), entry)
                    stored_links = store.known_links(by_link) if by_link else set()
                    nothing_new = result.not_modified or (
                        parsed is not None and not by_link.keys() - stored_links)
                    tally = _record_feed(store, item, result, parsed, error, clock(),
                                         nothing_new=nothing_new)
                    tally.stopped = _was_stopped(result)
                    tallies[item.feed_id] = tally
                    if parsed is None:
                        progress.feed_done(_complete(store, tally))
                        continue
                    jobs, known_count = fresh_links(by_link, stored_links, claimed)
                    tally.counts["known"] += known_count
                    outlet = outlets[item.outlet_id]
                    for link, entry in jobs:
                        job = pools.submit(link, _fetch_article, fetcher, outlet, item, entry,
                                           link, parsed.language, clock, known)
                        pending[job] = _PageJob(item.feed_id, link)
                    tally.pending = len(jobs)
                    progress.pages_queued(len(jobs))
                    if not jobs:
                        progress.feed_done(_complete(store, tally))
                else:
                    tally = tallies[item.feed_id]
                    outcome = fut.result()
                    if isinstance(outcome, LinkFailure) and outcome.kind == "stopped":
                        tally.stopped = True  # not a failure of the link: taken next run
                    elif isinstance(outcome, LinkFailure):
                        store.record_link_failure(url=outcome.url, outlet_id=outcome.outlet_id,
                                                  feed_id=outcome.feed_id, kind=outcome.kind,
                                                  message=outcome.message, at=clock())
                        failures.append(outcome)
                        tally.counts["failed"] += 1
                    else:
                        # The article and its claims in one transaction: a kill between
                        # them would leave an article that is never read again.
                        stored = store.add_article(outcome.draft, claims=outcome.claims)
                        tally.counts["new" if stored.new else "known"] += 1
                    progress.page_done()
                    tally.pending -= 1
                    if tally.pending == 0:
                        progress.feed_done(_complete(store, tally))
    reports = tuple(_finish(tallies[s.feed_id]) for s in states)
    return PassSummary(reports, tuple(failures), fetcher.request_count - requests_before)


# ---------------------------------------------------------------- work done in the pools

def _fetch_feed(fetcher: Fetcher, state: FeedState
                ) -> tuple[FetchResult, ParsedFeed | None, str | None]:
    result = fetcher.fetch_feed(state.url, etag=state.etag, last_modified=state.last_modified)
    if result.error is not None:
        return result, None, result.error.message
    if result.not_modified:
        return result, None, None
    try:
        parsed = parse_feed(result.content, url=result.final_url, content_type=result.content_type)
    except FeedParseError as exc:
        return result, None, f"{exc} ({state.url})"
    return result, parsed, None


def _fetch_article(fetcher: Fetcher, outlet: Outlet, state: FeedState, entry: FeedEntry,
                   link: str, language: str | None, clock: Callable[[], dt.datetime],
                   known: Sequence[KnownSource]) -> _Fetched | LinkFailure:
    outcome = _fetch_draft(fetcher, outlet, state, entry, link, language, clock)
    if isinstance(outcome, LinkFailure):
        return outcome
    return _Fetched(outcome, claims_of(outcome.title, outcome.body, outlet.id, known,
                                       outcome.published_at))


def _fetch_draft(fetcher: Fetcher, outlet: Outlet, state: FeedState, entry: FeedEntry,
                 link: str, language: str | None,
                 clock: Callable[[], dt.datetime]) -> ArticleDraft | LinkFailure:
    result = fetcher.fetch_page(link, allowed_domains=outlet.domains)
    if _was_stopped(result):
        return LinkFailure(outlet.id, state.feed_id, link, "stopped", result.error.message
                           if result.error else "stopped")
    if result.error is not None and result.error.kind in REFUSED:
        log.warning("%s: refused %s: %s", outlet.id, link, result.error.message)
        return LinkFailure(outlet.id, state.feed_id, link, result.error.kind,
                           result.error.message)
    if result.error is None and result.ok:
        try:
            page = extract_page(result.content, url=result.final_url, owns_host=outlet.owns_host)
        except ExtractionError as exc:
            why = f"extraction failed: {exc}"
        else:
            return draft_from_page(entry, page, final_url=result.final_url, outlet_id=outlet.id,
                                   feed_id=state.feed_id, fetched_at=clock(),
                                   feed_language=language)
    else:
        why = result.error.message if result.error else f"HTTP {result.status}"
    draft = draft_from_feed(entry, outlet_id=outlet.id, feed_id=state.feed_id,
                            fetched_at=clock(), why=why, language=language)
    if draft is None:
        return LinkFailure(outlet.id, state.feed_id, link, "no_text",
                           f"{why}; the feed has no text for it either")
    return draft


# ---------------------------------------------------------------- claims

def known_sources(sources: Sources) -> tuple[KnownSource, ...]:
    """The outlets and journalists an article may cite, for the claims stage."""
    return tuple([KnownSource(o.id, o.name, o.aliases, "outlet") for o in sources.outlets]
                 + [KnownSource(j.id, j.name, j.aliases, "journalist")
                    for j in sources.journalists])


def claims_of(title: str, body: str, outlet_id: str, known: Sequence[KnownSource],
              published_at: dt.datetime | None = None) -> tuple[Claim, ...]:
    """The claims of one article; `published_at` (else today) is the day the player
    registry is asked where each player plays."""
    return tuple(extract_claims(title, body, outlet_id=outlet_id, known_sources=known,
                                published_at=published_at))


def reextract_claims(sources: Sources, store: Store,
                     progress: Callable[[int, int], None] | None = None) -> int:
    """Re-run claim extraction over every stored article (after the extractor changed).

    Each article's claims are replaced in their own transaction, so an interrupted run
    leaves every article with either its old claims or its new ones. Returns the number
    of claims now stored.
    """
    known = known_sources(sources)
    ids = store.article_ids()
    total = 0
    for done, article_id in enumerate(ids, start=1):
        article = store.article(article_id)
        claims = claims_of(article.title, article.body, article.outlet_id, known,
                           article.published_at)
        store.replace_claims(article_id, claims)
        total += len(claims)
        if progress:
            progress(done, len(ids))
    return total


# ---------------------------------------------------------------- bookkeeping (this thread)

def _record_feed(store: Store, state: FeedState, result: FetchResult,
                 parsed: ParsedFeed | None, error: str | None, at: dt.datetime, *,
                 nothing_new: bool) -> _FeedTally:
    """What this fetch of the feed says of it; stored by _complete once its pages are.

    `nothing_new`: a 304, or every entry already stored.
    """
    ok = error is None
    failures = 0 if ok else state.failures + 1
    # Quiet polls are not counted in the feeds table: the count is read back from the
    # wait chosen last time (see unchanged_polls_from), and grows by one when this poll
    # brought nothing new either (a 304, or every entry already stored).
    unchanged = 0
    if ok and nothing_new:
        previous = store.feed(state.feed_id)
        last_wait = (previous.next_due_at - previous.last_fetched_at
                     if previous and previous.next_due_at and previous.last_fetched_at
                     and state.failures == 0 else None)
        unchanged = unchanged_polls_from(last_wait, state.poll_interval) + 1
    retry_after = retry_after_seconds(result.retry_after, at)
    fetch = FeedFetch(
        feed_id=state.feed_id, at=at, status=result.status, ok=ok, error=error,
        etag=result.etag if ok else None, last_modified=result.last_modified if ok else None,
        next_due_at=next_due(
            at, state.poll_interval, ok=ok, failures=failures, unchanged_polls=unchanged,
            retry_after=None if retry_after is None else dt.timedelta(seconds=retry_after),
            max_age=freshness(result.max_age, result.age),
            jitter_seed=f"{state.url} {at.isoformat()}"),
    )
    outcome = "failed" if not ok else ("not_modified" if result.not_modified else "ok")
    if parsed is not None and parsed.warning:
        log.warning("%s: %s", state.url, parsed.warning)
    report = FeedReport(state.feed_id, state.outlet_id, state.url, outcome, error=error,
                        warning=parsed.warning if parsed else None,
                        entries=len(parsed.entries) if parsed else 0)
    return _FeedTally(state, report, fetch)


def fresh_links(by_link: Mapping[str, T], stored: set[str], claimed: set[str]
                ) -> tuple[list[tuple[str, T]], int]:
    """The items whose link is neither `stored` nor already `claimed` by this pass (now
    claimed), and how many were either. Shared by feed passes and history passes."""
    known = (by_link.keys() & stored) | (by_link.keys() & claimed)
    fresh = [(link, item) for link, item in by_link.items() if link not in known]
    claimed.update(link for link, _ in fresh)
    return fresh, len(known)


def _complete(store: Store, tally: _FeedTally) -> FeedReport:
    """A feed is done: only now are its validators and next due time stored, so a pass
    killed half-way through a feed fetches it in full again next time (not a 304); nor
    are they when a stop cut the feed short."""
    if not tally.stopped:
        store.record_feed_fetch(tally.fetch)
    return _finish(tally)


def _was_stopped(result: FetchResult) -> bool:
    return result.error is not None and result.error.kind == "stopped"


def _finish(tally: _FeedTally) -> FeedReport:
    c = tally.counts
    return replace(tally.report, new=c["new"], known=c["known"], failed=c["failed"])


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

    def __enter__(self) -> HostPools:
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in self.pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
