"""Orchestration: one pass over the feeds, sequencing the stages. Decides nothing itself.

    feeds due -> fetch feed -> parse -> new links -> ingest (fetch page -> read -> store)

Feeds and pages are fetched in one small thread pool per host (its size is the per-host
concurrency limit, so a slow host never holds up the others); each new link is handed to
the one ingest path (`pipeline.ingest`), which reads pages in worker processes once a pass
has enough of them. Everything that touches the database runs here, in the calling
thread, the articles in batches (a transaction stores many; a feed's state is stored
once its articles are). A failed feed or page is a value in the summary,
recorded in the store, and the pass goes on. Used by `voci backfill`, the daemon and the
workers.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from pipeline.claims import KnownSource
from pipeline.extract import normalize_url
from pipeline.fetch import Fetcher, FetchResult, retry_after_seconds
from pipeline.fetch.feeds import FeedParseError, parse_feed
from pipeline.ingest import (
    POOL_THRESHOLD,
    Failure,
    Ingest,
    Link,
    Outcome,
    Progress,
    Recorder,
    claims_of,
)
from pipeline.model import FeedEntry, FeedState, ParsedFeed
from pipeline.schedule import freshness, next_due, unchanged_polls_from
from pipeline.sources import Sources
from pipeline.store import FeedFetch, Store

log = logging.getLogger(__name__)
T = TypeVar("T")


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
class PassSummary:
    feeds: tuple[FeedReport, ...]
    link_failures: tuple[Failure, ...]
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


@dataclass
class _FeedTally:
    state: FeedState
    report: FeedReport
    fetch: FeedFetch  # recorded once every page of the feed is stored
    pending: int = 0  # its pages not yet stored
    awaited: int = 0  # its pages not yet fetched and read
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # the fetcher was stopped during the feed or one of its pages: nothing of it is
    # recorded as done, so the next run fetches it again in full
    stopped: bool = False


def fetch_pass(sources: Sources, store: Store, fetcher: Fetcher, *, now: dt.datetime,
               progress: Progress | None = None,
               clock: Callable[[], dt.datetime] | None = None,
               due_only: bool = False,
               feed_ids: Iterable[int] | None = None,
               sync_sources: bool = True,
               pool_threshold: int = POOL_THRESHOLD,
               workers: int | None = None) -> PassSummary:
    """Fetch every active feed once (`due_only`: those due by `now`; `feed_ids`: these
    only), store the new articles they list. `sync_sources=False` when the caller has
    just synced the feeds table with `sources` (a worker's poll of one feed). Pages are
    read in `workers` processes (default: every core) once the pass has more than
    `pool_threshold` of them."""
    progress = progress or Progress()
    clock = clock or (lambda: now)
    if sync_sources:
        store.sync_sources(sources, now)
    states = store.feeds_for_update(due_by=now if due_only else None, feed_ids=feed_ids)
    outlets = {o.id: o for o in sources.outlets}
    progress.started("feeds", len(states))
    tallies: dict[int, _FeedTally] = {}
    failures: list[Failure] = []
    claimed: set[str] = set()  # links taken by this pass, across all feeds
    requests_before = fetcher.request_count
    with Ingest(fetcher, known_sources(sources), clock=clock, workers=workers,
                threshold=pool_threshold) as ingest:
        pending: _Finished[FeedState | Link] = _Finished()
        for state in states:
            pending.watch(ingest.hosts.submit(state.url, _fetch_feed, fetcher, state), state)
        recorder: Recorder[_FeedTally] = Recorder(store)
        while pending.count:
            stored: list[tuple[_FeedTally, Outcome, str]] = []
            for fut, item in pending.take(timeout=recorder.due()):
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
                        _feed_done(progress, _complete(store, tally))
                        continue
                    jobs, known_count = fresh_links(by_link, stored_links, claimed)
                    tally.counts["known"] += known_count
                    outlet = outlets[item.outlet_id]
                    ingest.expect(len(jobs))
                    for link, entry in jobs:
                        page = Link(outlet, link, feed_id=item.feed_id, entry=entry,
                                    language=parsed.language)
                        pending.watch(ingest.submit(page), page)
                    tally.pending = tally.awaited = len(jobs)
                    progress.added("pages", len(jobs))
                    if not jobs:
                        _feed_done(progress, _complete(store, tally))
                else:
                    assert item.feed_id is not None
                    tally = tallies[item.feed_id]
                    stored += recorder.add(fut.result(), clock(), tally)
                    tally.awaited -= 1
                    if tally.awaited == 0:  # its feed is done once its pages are stored
                        stored += recorder.flush()
            stored += recorder.flush_due()
            for tally, outcome, kept in stored:
                if kept == "stopped":
                    tally.stopped = True  # not a failure of the link: taken next run
                else:
                    if isinstance(outcome, Failure):
                        failures.append(outcome)
                    tally.counts[kept] += 1
                progress.advanced("pages")
                tally.pending -= 1
                if tally.pending == 0:
                    _feed_done(progress, _complete(store, tally))
    reports = tuple(_finish(tallies[s.feed_id]) for s in states)
    return PassSummary(reports, tuple(failures), fetcher.request_count - requests_before)


class _Finished(Generic[T]):
    """A pass's futures, each handed back once it is done, with what it was for. (Waiting
    with concurrent.futures.wait takes and releases the lock of every future not yet done,
    thousands in a backfill, each time one is done.)"""

    def __init__(self) -> None:
        self._done: queue.SimpleQueue[tuple[Future, T]] = queue.SimpleQueue()
        self.count = 0  # watched and not yet taken

    def watch(self, future: Future, item: T) -> None:
        self.count += 1
        future.add_done_callback(lambda f: self._done.put((f, item)))

    def take(self, timeout: float | None) -> list[tuple[Future, T]]:
        """Those done by now; waits up to `timeout` seconds (None: for ever) for the first."""
        try:
            taken = [self._done.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:
            try:
                taken.append(self._done.get_nowait())
            except queue.Empty:
                break
        self.count -= len(taken)
        return taken


def _feed_done(progress: Progress, report: FeedReport) -> None:
    progress.feed_done(report)
    progress.advanced("feeds")


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


# ---------------------------------------------------------------- claims

def known_sources(sources: Sources) -> tuple[KnownSource, ...]:
    """The outlets and journalists an article may cite, for the claims stage."""
    return tuple([KnownSource(o.id, o.name, o.aliases, "outlet") for o in sources.outlets]
                 + [KnownSource(j.id, j.name, j.aliases, "journalist")
                    for j in sources.journalists])


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
