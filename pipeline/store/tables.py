"""The SQLAlchemy table models: voci's schema as Python.

The migrations under db/migrations create exactly this schema (a test compares them);
change both together. ORM objects never leave pipeline.store: the repository turns them
into the frozen values of pipeline.model before returning.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend.

    SQLite keeps no zone, so values are stored as naive UTC and given their zone back on
    the way out; PostgreSQL stores timestamptz. Either way Python sees aware UTC values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: voci stores aware datetimes only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if getattr(dialect, "name", "") == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None,
                             dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class OutletRow(Base):
    __tablename__ = "outlets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    reliability: Mapped[float] = mapped_column(Float)  # the prior from sources.yaml
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    kind: Mapped[str | None] = mapped_column(String(32))
    club: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # still in sources.yaml
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[str] = mapped_column(ForeignKey("outlets.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    poll_interval_s: Mapped[int] = mapped_column(Integer, default=600)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[int | None] = mapped_column(Integer)  # HTTP status of the last fetch
    last_error: Mapped[str | None] = mapped_column(Text)  # None when the last fetch worked
    last_fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)  # canonical
    outlet_id: Mapped[str] = mapped_column(ForeignKey("outlets.id"), index=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id"))
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    text_source: Mapped[str] = mapped_column(String(8))  # "page" | "feed"
    fetch_error: Mapped[str | None] = mapped_column(Text)  # why the page was not used
    copy_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))  # syndication


class ArticleLinkRow(Base):
    """Every normalized URL that led to an article: feed links, redirects, the canonical.

    The fetcher consults it before requesting a page, so an article listed under another
    URL (a second feed, a tracking parameter) is never fetched twice.
    """

    __tablename__ = "article_links"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)


class ParagraphRow(Base):
    """Fingerprints of an article's long paragraphs, to find word-for-word copies."""

    __tablename__ = "article_paragraphs"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (Index("ix_article_paragraphs_fingerprint", "fingerprint"),)


class LinkFailureRow(Base):
    """A feed link that yielded no article: refused (foreign host, bad URL) or failed."""

    __tablename__ = "link_failures"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    outlet_id: Mapped[str] = mapped_column(ForeignKey("outlets.id"), index=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id"))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ClaimRow(Base):
    """One transfer claim an article makes (pipeline.model.Claim), in article order."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer)  # order within the article
    player: Mapped[str] = mapped_column(String(200))
    player_key: Mapped[str] = mapped_column(String(200), index=True)
    from_club: Mapped[str | None] = mapped_column(String(64))
    to_club: Mapped[str | None] = mapped_column(String(64), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    fee_eur: Mapped[int | None] = mapped_column(BigInteger)
    fee_max_eur: Mapped[int | None] = mapped_column(BigInteger)
    deal: Mapped[str | None] = mapped_column(String(16))
    cites: Mapped[str | None] = mapped_column(String(200))
    cites_id: Mapped[str | None] = mapped_column(String(64))
    hedged: Mapped[bool] = mapped_column(Boolean)
    evidence: Mapped[list[str]] = mapped_column(JSON)
    player_ref: Mapped[int | None] = mapped_column(Integer, index=True)  # registry id
    from_inferred: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # The folded name grouping keys the claim on; NULL until a refresh has grouped it.
    form: Mapped[str | None] = mapped_column(String(200), index=True)
    # The player grouping placed it under (NULL for a name that names no one).
    player_id: Mapped[str | None] = mapped_column(String(200), index=True)


class NameFormRow(Base):
    """A folded player name that claims use, and its block: the forms one player's
    spellings join (pipeline.rumours.blocks). A refresh regroups the blocks new claims
    reach, and what reads them (pipeline.refresh)."""

    __tablename__ = "name_forms"

    form: Mapped[str] = mapped_column(String(200), primary_key=True)
    component: Mapped[str] = mapped_column(String(200), index=True)


class NameKeyRow(Base):
    """The look-up keys of a form: two forms the name rules relate share one."""

    __tablename__ = "name_keys"

    key: Mapped[str] = mapped_column(String(220), primary_key=True)
    form: Mapped[str] = mapped_column(String(200), primary_key=True)


class StaleFormRow(Base):
    """A form whose claims were removed since the last refresh: its component is regrouped."""

    __tablename__ = "stale_forms"

    form: Mapped[str] = mapped_column(String(200), primary_key=True)


class PlayerRow(Base):
    """A player as grouping identified him, with every spelling seen."""

    __tablename__ = "players"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    spellings: Mapped[list[str]] = mapped_column(JSON)


class RumourRow(Base):
    """One move: a player to a destination club in a transfer window."""

    __tablename__ = "rumours"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    player_id: Mapped[str] = mapped_column(String(200), index=True)
    player: Mapped[str] = mapped_column(String(200))
    from_club: Mapped[str | None] = mapped_column(String(64))
    to_club: Mapped[str] = mapped_column(String(64), index=True)
    window: Mapped[str] = mapped_column(String(7))
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RumourClaimRow(Base):
    """Which rumour a claim belongs to (a claim joins at most one)."""

    __tablename__ = "rumour_claims"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"),
                                          primary_key=True)
    rumour_id: Mapped[str] = mapped_column(ForeignKey("rumours.id", ondelete="CASCADE"),
                                           index=True)


class ScoreRow(Base):
    """A rumour's latest score."""

    __tablename__ = "scores"

    rumour_id: Mapped[str] = mapped_column(ForeignKey("rumours.id", ondelete="CASCADE"),
                                           primary_key=True)
    as_of: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    scored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    probability: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(16))
    fee_eur: Mapped[int | None] = mapped_column(BigInteger)
    n_reports: Mapped[int] = mapped_column(Integer)
    n_outlets: Mapped[int] = mapped_column(Integer)
    n_independent: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    # When time alone changes this score (a new day of decay, the window closing, a
    # report dated later than as_of); NULL when only new evidence can.
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)


class OutcomeRow(Base):
    """A resolved rumour (under the sources' prior reliabilities) and an origin that had
    supported it: what learning counts. Kept up as rumours are rescored."""

    __tablename__ = "rumour_outcomes"

    rumour_id: Mapped[str] = mapped_column(ForeignKey("rumours.id", ondelete="CASCADE"),
                                           primary_key=True)
    origin: Mapped[str] = mapped_column(String(200), primary_key=True)
    happened: Mapped[bool] = mapped_column(Boolean)


class ReliabilityRow(Base):
    """The reliability each origin's weight was last computed with: its prior and the
    learned value (to two decimals). A refresh rescores an origin's rumours when either
    moves."""

    __tablename__ = "reliabilities"

    origin: Mapped[str] = mapped_column(String(200), primary_key=True)
    prior: Mapped[float] = mapped_column(Float)
    learned: Mapped[float] = mapped_column(Float)


class ScoreHistoryRow(Base):
    """Every score ever given, for calibration and "rose fastest" queries."""

    __tablename__ = "score_history"

    rumour_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    as_of: Mapped[dt.datetime] = mapped_column(UTCDateTime, primary_key=True)
    probability: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))


class EvidenceRow(Base):
    """A claim's part in its rumour's latest score."""

    __tablename__ = "evidence"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"),
                                          primary_key=True)
    rumour_id: Mapped[str] = mapped_column(ForeignKey("rumours.id", ondelete="CASCADE"),
                                           index=True)
    origin: Mapped[str] = mapped_column(String(200), index=True)
    independent: Mapped[bool] = mapped_column(Boolean)
    weight: Mapped[float] = mapped_column(Float)


class RegistryPlayerRow(Base):
    """A footballer of the player registry (transfermarkt id), as last imported."""

    __tablename__ = "registry_players"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[str | None] = mapped_column(String(64))
    citizenship: Mapped[str | None] = mapped_column(String(100))
    club_id: Mapped[int | None] = mapped_column(Integer)  # current club, transfermarkt id
    club: Mapped[str | None] = mapped_column(String(64))  # the same, as a voci club id
    club_name: Mapped[str | None] = mapped_column(String(200))  # the data's name for it
    market_value_eur: Mapped[int | None] = mapped_column(BigInteger)
    last_season: Mapped[int | None] = mapped_column(Integer)


class RegistryClubRow(Base):
    """A club of the registry's data (transfermarkt id), linked to a voci club id."""

    __tablename__ = "registry_clubs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    competition: Mapped[str | None] = mapped_column(String(16))
    coach: Mapped[str | None] = mapped_column(String(200))
    last_season: Mapped[int | None] = mapped_column(Integer)
    club: Mapped[str | None] = mapped_column(String(64))  # voci club id, when linked


class RegistryTransferRow(Base):
    """A recorded move of a registry player."""

    __tablename__ = "registry_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[int] = mapped_column(Integer, index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    from_club_id: Mapped[int | None] = mapped_column(Integer)
    to_club_id: Mapped[int | None] = mapped_column(Integer)
    fee_eur: Mapped[int | None] = mapped_column(BigInteger)
    from_club_name: Mapped[str | None] = mapped_column(String(200))
    to_club_name: Mapped[str | None] = mapped_column(String(200))


class RegistryImportRow(Base):
    """One `voci registry import`: when, from where, what it read and changed."""

    __tablename__ = "registry_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(Text)
    players: Mapped[int] = mapped_column(Integer)
    clubs: Mapped[int] = mapped_column(Integer)
    transfers: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)


class OutcomePlayerRow(Base):
    """A player named by imported outcome records (transfermarkt id), by the name key
    rumours are matched with (pipeline.registry.name_key)."""

    __tablename__ = "outcome_players"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)


class OutcomeTransferRow(Base):
    """A completed move of the imported outcomes (`voci outcomes import`): what really
    happened, which resolves rumours."""

    __tablename__ = "outcome_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[int] = mapped_column(Integer, index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    from_club_id: Mapped[int | None] = mapped_column(Integer)
    to_club_id: Mapped[int | None] = mapped_column(Integer)
    from_club: Mapped[str | None] = mapped_column(String(64))  # voci club ids, when linked
    to_club: Mapped[str | None] = mapped_column(String(64))
    from_club_name: Mapped[str | None] = mapped_column(String(200))
    to_club_name: Mapped[str | None] = mapped_column(String(200))
    fee_eur: Mapped[int | None] = mapped_column(BigInteger)


class OutcomeCoverageRow(Base):
    """A period an imported transfers table records every move of (its first record to
    the day it was taken): a window inside it that closed with a player elsewhere
    collapses his rumours."""

    __tablename__ = "outcome_coverage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    covers_from: Mapped[dt.date] = mapped_column(Date)
    covers_until: Mapped[dt.date] = mapped_column(Date)
