"""The frozen values that travel between voci's stages.

Every stage is a function from these values to these values; none of them carries a
database session, an HTTP client or an ORM object. Datetimes are timezone-aware (UTC
once they leave the parsing stage).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class TextSource(StrEnum):
    """Where an article's body text came from."""

    PAGE = "page"  # trafilatura on the fetched article page
    FEED = "feed"  # the feed's own text (content:encoded, else summary): the page failed


@dataclass(frozen=True)
class FeedState:
    """A feed as the fetcher needs it: where, and the validators of the last fetch."""

    feed_id: int
    outlet_id: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    poll_interval: dt.timedelta = dt.timedelta(minutes=10)
    failures: int = 0  # consecutive failed fetches before this one


@dataclass(frozen=True)
class FeedEntry:
    """One item of a parsed feed, before its page is fetched."""

    link: str  # as the feed gives it (absolute)
    title: str
    summary: str  # plain text
    content: str  # plain text of content:encoded / atom:content, "" when absent
    author: str | None
    published_at: dt.datetime | None
    guid: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    entries: tuple[FeedEntry, ...]
    title: str | None = None
    language: str | None = None  # the channel's declared language, e.g. "it"
    warning: str | None = None  # set when the XML was malformed but entries were recovered


@dataclass(frozen=True)
class ExtractedPage:
    """What trafilatura found in an article page."""

    body: str
    title: str | None
    author: str | None
    published_at: dt.datetime | None
    canonical_url: str | None
    language: str | None


@dataclass(frozen=True)
class ArticleDraft:
    """An article ready to be stored (the store assigns its id)."""

    url: str  # canonical, tracking parameters removed
    outlet_id: str
    feed_id: int | None
    title: str
    author: str | None
    published_at: dt.datetime | None
    fetched_at: dt.datetime
    body: str
    summary: str
    language: str | None
    content_hash: str  # of the normalized body: equal hashes = word-for-word copies
    text_source: TextSource
    fetch_error: str | None = None  # why the page was not used, when text_source is FEED
    seen_urls: tuple[str, ...] = ()  # every normalized link that led here (feeds, redirects)
    # syndication.fingerprints(body) when computed already (where the body was read, in a
    # worker process); None: the store computes them
    fingerprints: frozenset[str] | None = None


@dataclass(frozen=True)
class Article:
    """A stored article, as the store hands it back."""

    id: int
    url: str
    outlet_id: str
    feed_id: int | None
    title: str
    author: str | None
    published_at: dt.datetime | None
    fetched_at: dt.datetime
    body: str
    summary: str
    language: str | None
    content_hash: str
    text_source: TextSource
    fetch_error: str | None
    copy_of_id: int | None


@dataclass(frozen=True)
class StoredArticle:
    """What storing a draft did: a new row, or the article it already was."""

    id: int
    new: bool
    copy_of_id: int | None = None


# ---------------------------------------------------------------- claims

STAGES = ("interest", "talks", "bid", "agreement", "medical", "official", "denied", "collapsed")
DEAL_SHAPES = ("transfer", "loan", "loan_option", "loan_obligation", "free", "swap")


@dataclass(frozen=True)
class Claim:
    """One transfer claim an article makes: a player, a move, how far along, on whose word.

    `from_club` and `to_club` are canonical club ids from the clubs data file (or None
    when the article does not say, or says it too ambiguously to decide). `cites` is the
    display name of the outlet or journalist the article relays (the canonical name when
    it is a known source, else as written) and `cites_id` its id when known.
    """

    player: str  # as written, the fullest form the article uses
    player_key: str  # normalized: lowercase ASCII, e.g. "dusan vlahovic"
    to_club: str | None
    from_club: str | None
    stage: str  # one of STAGES
    fee_eur: int | None = None
    fee_max_eur: int | None = None  # upper end when the article gives a range
    deal: str | None = None  # one of DEAL_SHAPES, None when not said
    cites: str | None = None
    cites_id: str | None = None
    hedged: bool = False
    evidence: tuple[str, ...] = field(default=())  # the sentence(s) the claim rests on
    player_ref: int | None = None  # the player's registry id (transfermarkt), when known
    from_inferred: bool = False  # from_club is the registry's club of the day, not the text's


@dataclass(frozen=True)
class StoredClaim:
    """A stored claim with what grouping and scoring need of its article."""

    claim_id: int
    article_id: int
    outlet_id: str
    published_at: dt.datetime  # the article's, else when it was fetched
    copy_of_id: int | None  # the article this one copies word for word
    copy_of_outlet: str | None
    claim: Claim


@dataclass(frozen=True)
class BoardRow:
    """One row of the rumour board (the rumour_board view)."""

    rumour_id: str
    player: str
    from_club: str | None
    to_club: str
    window: str
    probability: float
    stage: str | None
    fee_eur: int | None
    n_reports: int
    n_outlets: int
    n_independent: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    status: str
    scored_at: dt.datetime
    reason: str
    # who the player is, from the player registry (None when the claims did not identify him)
    player_ref: int | None = None
    position: str | None = None
    age: int | None = None
    player_club: str | None = None  # his current club in the registry's data (voci id)
    player_club_name: str | None = None
    market_value_eur: int | None = None
