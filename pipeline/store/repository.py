"""The store: every read and write voci makes, behind plain methods and frozen values.

This is the only place that opens SQLAlchemy sessions. Each method is one transaction, so
an interrupted run leaves every article either fully stored (row, links, fingerprints,
syndication link) or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pipeline import syndication
from pipeline.model import (
    Article,
    ArticleDraft,
    Claim,
    FeedState,
    StoredArticle,
    TextSource,
)
from pipeline.sources import Sources
from pipeline.store.alerts import AlertStore
from pipeline.store.board import RumourStore
from pipeline.store.engine import (
    current_revision,
    ensure_schema,
    make_engine,
    psycopg_conninfo,
    refresh_lock,
    schema_lock,
    upgrade,
)
from pipeline.store.outcomes import OutcomeStore
from pipeline.store.refresh import RESCORE_NOW, RefreshStore, _chunks
from pipeline.store.registry import RegistryStore
from pipeline.store.tables import (
    ArticleLinkRow,
    ArticleRow,
    ClaimRow,
    FeedRow,
    LinkFailureRow,
    OutletRow,
    ParagraphRow,
    PlayerRow,
    RegistryPlayerRow,
    RumourClaimRow,
    RumourRow,
    ScoreRow,
    StaleFormRow,
)


@dataclass(frozen=True)
class FeedFetch:
    """The outcome of one feed request, as the store records it."""

    feed_id: int
    at: dt.datetime
    status: int | None
    ok: bool  # 2xx or 304
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_due_at: dt.datetime | None = None


@dataclass(frozen=True)
class FeedInfo:
    """A feed's stored state, for status displays and tests."""

    id: int
    outlet_id: str
    url: str
    active: bool
    etag: str | None
    last_modified: str | None
    last_status: int | None
    last_error: str | None
    last_fetched_at: dt.datetime | None
    failures: int
    next_due_at: dt.datetime | None


class Store(RumourStore, RefreshStore, RegistryStore, OutcomeStore, AlertStore):
    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        if migrate:
            ensure_schema(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # ------------------------------------------------------------ outlets and feeds

    def sync_sources(self, sources: Sources, now: dt.datetime) -> None:
        """Make the outlets and feeds tables say what sources.yaml says.

        Outlets and feeds no longer listed are marked inactive, never deleted: their
        articles stay, and reappearing in the file brings back their fetch state.
        """
        for attempt in range(3):
            try:
                self._sync_sources(sources, now)
                return
            except IntegrityError:
                # Another process (a second worker starting) inserted the same rows
                # between our read and our write: read again, and update them instead.
                if attempt == 2:
                    raise

    def _sync_sources(self, sources: Sources, now: dt.datetime) -> None:
        with self._tx() as s:
            outlets = {o.id: o for o in s.scalars(select(OutletRow))}
            feeds = {f.url: f for f in s.scalars(select(FeedRow))}
            listed_outlets, listed_feeds = set(), set()
            for o in sources.outlets:
                row = outlets.get(o.id) or OutletRow(id=o.id)
                row.name, row.aliases, row.reliability = o.name, list(o.aliases), o.reliability
                row.domains, row.kind, row.club = list(o.domains), o.kind, o.club
                row.active, row.updated_at = True, now
                s.add(row)
                listed_outlets.add(o.id)
            s.flush()  # outlets before the feeds that refer to them
            for o in sources.outlets:
                for f in o.feeds:
                    feed = feeds.get(f.url)
                    if feed is None:
                        feed = FeedRow(url=f.url, failures=0, next_due_at=now)
                        feeds[f.url] = feed
                    feed.outlet_id, feed.active = o.id, True
                    feed.poll_interval_s = int(f.poll_interval.total_seconds())
                    s.add(feed)
                    listed_feeds.add(f.url)
            for oid, orow in outlets.items():
                if oid not in listed_outlets:
                    orow.active = False
            for url, frow in feeds.items():
                if url not in listed_feeds:
                    frow.active = False

    def feeds_for_update(self, outlet_ids: Iterable[str] | None = None, *,
                         due_by: dt.datetime | None = None,
                         feed_ids: Iterable[int] | None = None) -> list[FeedState]:
        """Active feeds; with `due_by`, only those whose next due time has come."""
        with self._tx() as s:
            query = select(FeedRow).where(FeedRow.active.is_(True)).order_by(FeedRow.id)
            if feed_ids is not None:
                query = query.where(FeedRow.id.in_(list(feed_ids)))
            if outlet_ids is not None:
                query = query.where(FeedRow.outlet_id.in_(list(outlet_ids)))
            if due_by is not None:
                query = query.where((FeedRow.next_due_at.is_(None))
                                    | (FeedRow.next_due_at <= due_by))
            return [FeedState(f.id, f.outlet_id, f.url, f.etag, f.last_modified,
                              dt.timedelta(seconds=f.poll_interval_s), f.failures)
                    for f in s.scalars(query)]

    def record_feed_fetch(self, fetch: FeedFetch) -> None:
        with self._tx() as s:
            feed = s.get_one(FeedRow, fetch.feed_id)
            feed.last_status, feed.last_error, feed.last_fetched_at = (
                fetch.status, fetch.error, fetch.at)
            feed.next_due_at = fetch.next_due_at
            if fetch.ok:
                feed.failures, feed.last_ok_at = 0, fetch.at
                # A 304 carries no validators; keep the ones that earned it.
                if fetch.etag is not None or fetch.last_modified is not None:
                    feed.etag, feed.last_modified = fetch.etag, fetch.last_modified
            else:
                feed.failures += 1

    def postpone_feed(self, feed_id: int, until: dt.datetime) -> None:
        """Push a feed's next due time (a poll of it is queued: don't queue another)."""
        with self._tx() as s:
            s.get_one(FeedRow, feed_id).next_due_at = until

    def feed(self, feed_id: int) -> FeedInfo | None:
        with self._tx() as s:
            f = s.get(FeedRow, feed_id)
            return None if f is None else _feed_info(f)

    def feeds(self) -> list[FeedInfo]:
        with self._tx() as s:
            return [_feed_info(f) for f in s.scalars(select(FeedRow).order_by(FeedRow.id))]

    # ------------------------------------------------------------ articles

    def known_links(self, urls: Iterable[str]) -> set[str]:
        """Those of `urls` that already led to a stored article."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        with self._tx() as s:
            for i in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
                chunk = wanted[i:i + 500]
                found.update(s.scalars(select(ArticleLinkRow.url)
                                       .where(ArticleLinkRow.url.in_(chunk))))
        return found

    def add_article(self, draft: ArticleDraft, claims: Iterable[Claim] = ()) -> StoredArticle:
        """Store a draft once, with its claims, in one transaction: a canonical URL
        already stored only gains the new links (its claims stay as they are)."""
        try:
            with self._tx() as s:
                stored = self._add_article(s, draft)
                if stored.new:
                    _write_claims(s, stored.id, claims)
                return stored
        except IntegrityError:
            # Another process stored the same URL between our check and our insert.
            with self._tx() as s:
                existing = s.scalars(select(ArticleRow).where(ArticleRow.url == draft.url)).one()
                self._add_links(s, existing.id, draft)
                return StoredArticle(existing.id, new=False, copy_of_id=existing.copy_of_id)

    def add_articles(self, items: Sequence[tuple[ArticleDraft, Sequence[Claim]]], *,
                     players: Mapping[int, dict[str, Any]] | None = None
                     ) -> list[StoredArticle]:
        """Store many drafts with their claims in one transaction, as `add_article` one
        after the other would (in order: a URL stored earlier in the batch is known to the
        drafts after it). Rows are written set-based, a statement a table. On any error
        the batch is rolled back and its drafts stored one by one: an article that cannot
        be stored loses none of the others, and its error is raised once they are.
        `players`: registry_players rows of players the claims name, by id, as the caller
        read them from the active registry (the others are read from it here)."""
        if not items:
            return []
        try:
            with self._tx() as s:
                return self._add_articles(s, items, players or {})
        except Exception:
            pass  # which one? each on its own
        out: list[StoredArticle] = []
        error: Exception | None = None
        for draft, claims in items:
            try:
                out.append(self.add_article(draft, claims))
            except Exception as exc:
                error = error or exc
        if error is not None:
            raise error
        return out

    def _add_articles(self, s: Session, items: Sequence[tuple[ArticleDraft, Sequence[Claim]]],
                      players: Mapping[int, dict[str, Any]]) -> list[StoredArticle]:
        articles = cast(Table, ArticleRow.__table__)
        urls = list(dict.fromkeys(draft.url for draft, _ in items))
        stored: dict[str, tuple[int, int | None]] = {}
        for chunk in _chunks(urls):
            stored.update((url, (aid, copy_of)) for url, aid, copy_of in s.execute(
                select(ArticleRow.url, ArticleRow.id, ArticleRow.copy_of_id)
                .where(ArticleRow.url.in_(chunk))))
        first: dict[str, tuple[ArticleDraft, Sequence[Claim]]] = {}
        for draft, claims in items:  # a URL twice in the batch: the first one is stored
            if draft.url not in stored:
                first.setdefault(draft.url, (draft, claims))
        fresh = list(first.values())
        if fresh:
            ids = s.execute(
                insert(articles).returning(articles.c.id, sort_by_parameter_order=True),
                [_article_values(draft) for draft, _ in fresh]).scalars().all()
            for (draft, _), aid in zip(fresh, ids, strict=True):
                stored[draft.url] = (aid, None)
        new = {draft.url for draft, _ in fresh}
        # every link that led to each article, those no article holds yet
        links = [(stored[draft.url][0], sorted(set(draft.seen_urls) | {draft.url}))
                 for draft, _ in items]
        wanted = list(dict.fromkeys(u for _, us in links for u in us))
        taken: set[str] = set()
        for chunk in _chunks(wanted):
            taken.update(s.scalars(select(ArticleLinkRow.url)
                                   .where(ArticleLinkRow.url.in_(chunk))))
        link_rows = []
        for aid, us in links:
            for u in us:
                if u not in taken:
                    taken.add(u)
                    link_rows.append({"url": u, "article_id": aid})
        if link_rows:
            s.execute(insert(cast(Table, ArticleLinkRow.__table__)), link_rows)
        for chunk in _chunks(wanted):
            s.execute(delete(LinkFailureRow).where(LinkFailureRow.url.in_(chunk)))
        prints = {draft.url: _fingerprints(draft) for draft, _ in fresh}
        paragraph_rows = [{"article_id": stored[url][0], "fingerprint": fp}
                          for url, fps in prints.items() for fp in sorted(fps)]
        if paragraph_rows:
            s.execute(insert(cast(Table, ParagraphRow.__table__)), paragraph_rows)
        # copies: only an article that shares enough paragraphs with another one to be a
        # copy of it (or it of this one) is looked at again, as add_article looks
        holders: dict[str, set[int]] = {}
        every_print = list({fp for fps in prints.values() for fp in fps})
        for chunk in _chunks(every_print):
            for fp, aid in s.execute(select(ParagraphRow.fingerprint, ParagraphRow.article_id)
                                     .where(ParagraphRow.fingerprint.in_(chunk))):
                holders.setdefault(fp, set()).add(aid)
        shared = {draft.url: Counter(other for fp in prints[draft.url]
                                     for other in holders.get(fp, ())
                                     if other != stored[draft.url][0])
                  for draft, _ in fresh}
        sizes: dict[int, int] = {}
        for ids in _chunks(list({a for counts in shared.values() for a in counts})):
            sizes.update((a, n) for a, n in s.execute(
                select(ParagraphRow.article_id, func.count())
                .where(ParagraphRow.article_id.in_(ids)).group_by(ParagraphRow.article_id)))
        linked: dict[str, ArticleRow] = {}
        for draft, _ in fresh:
            aid, count = stored[draft.url][0], len(prints[draft.url])
            if any(syndication.is_copy(n, count, sizes[other])
                   for other, n in shared[draft.url].items()):
                row = s.get_one(ArticleRow, aid)
                self._link_copies(s, row, prints[draft.url])
                linked[draft.url] = row
        refs = {c.player_ref for _, claims in fresh for c in claims if c.player_ref is not None}
        _remember_players(s, refs, players)
        claim_rows = [_claim_values(stored[draft.url][0], i, c)
                      for draft, claims in fresh for i, c in enumerate(claims)]
        if claim_rows:
            s.execute(insert(cast(Table, ClaimRow.__table__)), claim_rows)
        out = []
        seen: set[str] = set()
        for draft, _ in items:
            aid, copy_of = stored[draft.url]
            if draft.url in linked:
                copy_of = linked[draft.url].copy_of_id
            out.append(StoredArticle(aid, new=draft.url in new and draft.url not in seen,
                                     copy_of_id=copy_of))
            seen.add(draft.url)
        return out

    def _add_article(self, s: Session, draft: ArticleDraft) -> StoredArticle:
        existing = s.scalars(select(ArticleRow).where(ArticleRow.url == draft.url)).first()
        if existing is not None:
            self._add_links(s, existing.id, draft)
            return StoredArticle(existing.id, new=False, copy_of_id=existing.copy_of_id)
        row = ArticleRow(**_article_values(draft))
        s.add(row)
        s.flush()
        self._add_links(s, row.id, draft)
        prints = _fingerprints(draft)
        s.add_all(ParagraphRow(article_id=row.id, fingerprint=fp) for fp in prints)
        s.flush()
        self._link_copies(s, row, prints)
        return StoredArticle(row.id, new=True, copy_of_id=row.copy_of_id)

    def _add_links(self, s: Session, article_id: int, draft: ArticleDraft) -> None:
        urls = set(draft.seen_urls) | {draft.url}
        taken = set(s.scalars(select(ArticleLinkRow.url).where(ArticleLinkRow.url.in_(urls))))
        s.add_all(ArticleLinkRow(url=u, article_id=article_id) for u in sorted(urls - taken))
        s.execute(delete(LinkFailureRow).where(LinkFailureRow.url.in_(urls)))

    def _link_copies(self, s: Session, row: ArticleRow, prints: frozenset[str]) -> None:
        """Link word-for-word copies across outlets to the earliest published of them.

        The earliest is decided over the whole group every time one joins, so the links
        come out the same whichever copy was fetched first.
        """
        if not prints:
            return
        shared = dict(s.execute(
            select(ParagraphRow.article_id, func.count())
            .where(ParagraphRow.fingerprint.in_(prints), ParagraphRow.article_id != row.id)
            .group_by(ParagraphRow.article_id)).all())
        if not shared:
            return
        sizes = dict(s.execute(
            select(ParagraphRow.article_id, func.count())
            .where(ParagraphRow.article_id.in_(list(shared)))
            .group_by(ParagraphRow.article_id)).all())
        others = [s.get_one(ArticleRow, aid) for aid, n in shared.items()
                  if syndication.is_copy(n, len(prints), sizes[aid])]
        others = [o for o in others if o.outlet_id != row.outlet_id]
        if not others:
            return
        group = {row.id: row}
        for other in others:
            group[other.id] = other
            original_id = other.copy_of_id
            if original_id is not None and original_id not in group:
                group[original_id] = s.get_one(ArticleRow, original_id)
        for member in list(group.values()):  # copies already linked to any member
            for copy in s.scalars(select(ArticleRow).where(ArticleRow.copy_of_id == member.id)):
                group.setdefault(copy.id, copy)
        original = min(group.values(), key=_publication_order)
        relinked = []
        for member in group.values():
            copy_of = None if member.id == original.id else original.id
            if member.id != row.id and member.copy_of_id != copy_of:
                relinked.append(member.id)
            member.copy_of_id = copy_of
        if relinked:  # who stands behind their claims changed: rescore their rumours
            s.execute(update(ScoreRow).where(ScoreRow.rumour_id.in_(
                select(RumourClaimRow.rumour_id).join(
                    ClaimRow, ClaimRow.id == RumourClaimRow.claim_id)
                .where(ClaimRow.article_id.in_(relinked)))).values(due_at=RESCORE_NOW))

    def record_link_failure(self, *, url: str, outlet_id: str, feed_id: int | None, kind: str,
                            message: str, at: dt.datetime) -> None:
        with self._tx() as s:
            row = s.get(LinkFailureRow, url)
            if row is None:
                s.add(LinkFailureRow(url=url, outlet_id=outlet_id, feed_id=feed_id, kind=kind,
                                     message=message, attempts=1, first_seen_at=at,
                                     last_seen_at=at))
            else:
                row.kind, row.message, row.last_seen_at = kind, message, at
                row.attempts += 1

    def link_failures(self) -> list[tuple[str, str, str]]:
        """(url, kind, message) of every link that still yields no article."""
        with self._tx() as s:
            rows = s.scalars(select(LinkFailureRow).order_by(LinkFailureRow.url))
            return [(r.url, r.kind, r.message) for r in rows]

    def articles(self) -> list[Article]:
        with self._tx() as s:
            return [_article(r) for r in s.scalars(select(ArticleRow).order_by(ArticleRow.id))]

    def article(self, article_id: int) -> Article:
        with self._tx() as s:
            return _article(s.get_one(ArticleRow, article_id))

    def article_ids(self) -> list[int]:
        with self._tx() as s:
            return list(s.scalars(select(ArticleRow.id).order_by(ArticleRow.id)))

    # ------------------------------------------------------------ claims

    def replace_claims(self, article_id: int, claims: Iterable[Claim]) -> None:
        """Make `claims` the article's claims, in one transaction (re-extraction)."""
        with self._tx() as s:
            # the names its old claims were grouped under are regrouped next refresh
            gone = {f for f in s.scalars(select(ClaimRow.form).where(
                ClaimRow.article_id == article_id)) if f is not None}
            gone -= set(s.scalars(select(StaleFormRow.form).where(StaleFormRow.form.in_(gone))))
            s.add_all(StaleFormRow(form=f) for f in sorted(gone))
            players = set(s.scalars(select(ClaimRow.player_id).distinct().where(
                ClaimRow.article_id == article_id, ClaimRow.player_id.is_not(None))))
            rumours = set(s.scalars(select(RumourClaimRow.rumour_id).distinct()
                                    .join(ClaimRow, ClaimRow.id == RumourClaimRow.claim_id)
                                    .where(ClaimRow.article_id == article_id)))
            s.execute(delete(ClaimRow).where(ClaimRow.article_id == article_id))
            _regroup_one_of(s, players, rumours)
            _write_claims(s, article_id, claims)

    def claims_by_article(self) -> dict[int, list[Claim]]:
        """Every stored claim, grouped by article id, in article order."""
        out: dict[int, list[Claim]] = {}
        with self._tx() as s:
            rows = s.scalars(select(ClaimRow).order_by(ClaimRow.article_id, ClaimRow.position))
            for r in rows:
                out.setdefault(r.article_id, []).append(Claim(
                    player=r.player, player_key=r.player_key, to_club=r.to_club,
                    from_club=r.from_club, stage=r.stage, fee_eur=r.fee_eur,
                    fee_max_eur=r.fee_max_eur, deal=r.deal, cites=r.cites,
                    cites_id=r.cites_id, hedged=r.hedged, evidence=tuple(r.evidence),
                    player_ref=r.player_ref, from_inferred=r.from_inferred))
        return out

    def article_count(self) -> int:
        with self._tx() as s:
            return s.scalar(select(func.count()).select_from(ArticleRow)) or 0

    # The database itself, for the callers that import no SQLAlchemy (cli, workers).

    @contextmanager
    def schema_lock(self) -> Iterator[None]:
        """Schema changes one process at a time (pipeline.store.engine.schema_lock)."""
        with schema_lock(self.engine):
            yield

    @contextmanager
    def refresh_lock(self) -> Iterator[None]:
        """One refresh at a time on this database (pipeline.store.engine.refresh_lock)."""
        with refresh_lock(self.engine):
            yield

    def revision(self) -> str | None:
        """The schema's migration revision; None for an empty database."""
        return current_revision(self.engine)

    def upgrade(self, revision: str = "head") -> None:
        """Apply the migrations up to `revision` (`voci db upgrade`)."""
        upgrade(self.engine, revision)

    def conninfo(self) -> str:
        """This database as a psycopg / libpq connection string, credentials included
        (procrastinate's queue lives in it). StoreError unless it is PostgreSQL."""
        return psycopg_conninfo(self.engine.url.render_as_string(hide_password=False))


def _feed_info(f: FeedRow) -> FeedInfo:
    return FeedInfo(f.id, f.outlet_id, f.url, f.active, f.etag, f.last_modified, f.last_status,
                    f.last_error, f.last_fetched_at, f.failures, f.next_due_at)


def _regroup_one_of(s: Session, players: set[str | None], rumours: set[str]) -> None:
    """After claims are removed: one remaining claim of each player and rumour they were
    placed in is grouped again by the next refresh, which so makes that player and
    rumour again (a name, a from_club, a score may have gone with the removed claims);
    a player or rumour with no claim left goes (a full regroup would not make it)."""
    again: set[int] = set()
    for rid in sorted(rumours):
        left = s.scalar(select(func.min(RumourClaimRow.claim_id))
                        .where(RumourClaimRow.rumour_id == rid))
        if left is None:
            s.execute(delete(RumourRow).where(RumourRow.id == rid))
        else:
            again.add(left)
    for pid in sorted(p for p in players if p):
        left = s.scalar(select(func.min(ClaimRow.id)).where(ClaimRow.player_id == pid))
        if left is None:
            s.execute(delete(RumourRow).where(RumourRow.player_id == pid))
            s.execute(delete(PlayerRow).where(PlayerRow.id == pid))
        else:
            again.add(left)
    if again:
        s.execute(update(ClaimRow).where(ClaimRow.id.in_(sorted(again))).values(form=None))


def _write_claims(s: Session, article_id: int, claims: Iterable[Claim]) -> None:
    claims = list(claims)
    _remember_players(s, {c.player_ref for c in claims if c.player_ref is not None})
    s.add_all(ClaimRow(**_claim_values(article_id, i, c)) for i, c in enumerate(claims))


def _claim_values(article_id: int, position: int, c: Claim) -> dict:
    return {"article_id": article_id, "position": position, "player": c.player,
            "player_key": c.player_key, "from_club": c.from_club, "to_club": c.to_club,
            "stage": c.stage, "fee_eur": c.fee_eur, "fee_max_eur": c.fee_max_eur,
            "deal": c.deal, "cites": c.cites, "cites_id": c.cites_id, "hedged": c.hedged,
            "evidence": list(c.evidence), "player_ref": c.player_ref,
            "from_inferred": c.from_inferred}


def _article_values(draft: ArticleDraft) -> dict:
    return {"url": draft.url, "outlet_id": draft.outlet_id, "feed_id": draft.feed_id,
            "title": draft.title, "author": draft.author, "published_at": draft.published_at,
            "fetched_at": draft.fetched_at, "body": draft.body, "summary": draft.summary,
            "language": draft.language, "content_hash": draft.content_hash,
            "text_source": draft.text_source.value, "fetch_error": draft.fetch_error,
            "copy_of_id": None}


def _fingerprints(draft: ArticleDraft) -> frozenset[str]:
    if draft.fingerprints is not None:
        return draft.fingerprints
    return syndication.fingerprints(draft.body)


def _remember_players(s: Session, refs: set[int],
                      given: Mapping[int, dict[str, Any]] | None = None) -> None:
    """The registry players claims name, stored when they are not yet (players of the
    packaged snapshot), so the board can say who they are. `given`: their rows as the
    caller read them already; the others are read from the active registry."""
    if not refs:
        return
    from pipeline.registry import player_rows

    known = set(s.scalars(select(RegistryPlayerRow.id).where(RegistryPlayerRow.id.in_(refs))))
    given = given or {}
    missing = refs - known
    rows = [given[i] for i in sorted(missing & given.keys())]
    if missing - given.keys():
        rows += player_rows(missing - given.keys())
    if rows:
        # another process may store the same player between the look and the insert (two
        # workers reading two articles about him): that row is as good as ours
        table = cast(Table, RegistryPlayerRow.__table__)
        dialect = s.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
        s.execute(upsert(table).on_conflict_do_nothing(index_elements=["id"]), rows)


def _publication_order(row: ArticleRow) -> tuple[dt.datetime, str]:
    when = row.published_at or row.fetched_at
    if when.tzinfo is None:  # fresh from the session, before a round trip to SQLite
        when = when.replace(tzinfo=dt.UTC)
    return when, row.url


def _article(r: ArticleRow) -> Article:
    return Article(
        id=r.id, url=r.url, outlet_id=r.outlet_id, feed_id=r.feed_id, title=r.title,
        author=r.author, published_at=r.published_at, fetched_at=r.fetched_at, body=r.body,
        summary=r.summary, language=r.language, content_hash=r.content_hash,
        text_source=TextSource(r.text_source), fetch_error=r.fetch_error,
        copy_of_id=r.copy_of_id,
    )
