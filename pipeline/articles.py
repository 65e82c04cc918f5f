"""Pure: a feed entry plus what its page gave -> the ArticleDraft to store.

The rules of precedence live here, apart from the fetching: the feed's date, title and
author win (the feed is what the outlet publishes as metadata; pages are templates), the
page's body wins over the feed's text, the page's own canonical URL names the article.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline import syndication
from pipeline.extract import normalize_url
from pipeline.model import ArticleDraft, ExtractedPage, FeedEntry, TextSource

# The footer WordPress adds to every feed item, in its Italian and English wording: "L'articolo
# <title> proviene da <site>." / "The post <title> appeared first on <site>." It repeats the
# title and names the site; it is no part of the article.
_FEED_FOOTER = re.compile(
    r"(?:^|\n|(?<=[.!?»\"”]\s))\s*"
    r"(?:L['’]articolo\s.+?\sproviene da\s|The post\s.+?\sappeared first on\s)"
    r"[^\n]{1,120}?\.?\s*$",
    re.DOTALL,
)


def feed_text(entry: FeedEntry) -> str:
    """The fullest text the feed itself carries (content:encoded, else the summary), without
    the WordPress footer that only repeats the title and names the site."""
    text = entry.content or entry.summary
    return _FEED_FOOTER.sub("", text).strip() if text else text


def draft_from_page(entry: FeedEntry, page: ExtractedPage, *, final_url: str, outlet_id: str,
                    feed_id: int | None, fetched_at: dt.datetime,
                    feed_language: str | None = None) -> ArticleDraft:
    link = normalize_url(entry.link)
    final = normalize_url(final_url)
    url = page.canonical_url or final
    digest, prints = syndication.digests(page.body)
    return ArticleDraft(
        url=url,
        outlet_id=outlet_id,
        feed_id=feed_id,
        title=entry.title or page.title or "",
        author=entry.author or page.author,
        published_at=entry.published_at or page.published_at,
        fetched_at=fetched_at,
        body=page.body,
        summary=entry.summary,
        language=page.language or feed_language,
        content_hash=digest,
        text_source=TextSource.PAGE,
        seen_urls=tuple(dict.fromkeys((link, final, url))),
        fingerprints=prints,
    )


def draft_from_feed(entry: FeedEntry, *, outlet_id: str, feed_id: int | None,
                    fetched_at: dt.datetime, why: str,
                    language: str | None = None) -> ArticleDraft | None:
    """The article as the feed alone tells it, when its page could not be used.

    Many outlets publish nothing in their feed but the headline; the headline is then the
    whole article (body empty) and claims are read from it. None when the item has neither
    a title nor any text.
    """
    body = feed_text(entry)
    if not body.strip() and not (entry.title or "").strip():
        return None
    url = normalize_url(entry.link)
    digest, prints = syndication.digests(body)
    return ArticleDraft(
        url=url,
        outlet_id=outlet_id,
        feed_id=feed_id,
        title=entry.title,
        author=entry.author,
        published_at=entry.published_at,
        fetched_at=fetched_at,
        body=body,
        summary=entry.summary,
        language=language,
        content_hash=digest,
        text_source=TextSource.FEED,
        fetch_error=why,
        seen_urls=(url,),
        fingerprints=prints,
    )


def page_draft(page: ExtractedPage, *, link: str, final_url: str, outlet_id: str,
               fetched_at: dt.datetime, title_hint: str | None = None,
               published_hint: dt.datetime | None = None) -> ArticleDraft:
    """Pure: an article known by its page alone (no feed entry). The page's title, author
    and date win; a sitemap's news:title and news:publication_date fill what it lacks."""
    final = normalize_url(final_url)
    url = page.canonical_url or final
    digest, prints = syndication.digests(page.body)
    return ArticleDraft(
        url=url, outlet_id=outlet_id, feed_id=None, title=page.title or title_hint or "",
        author=page.author, published_at=page.published_at or published_hint,
        fetched_at=fetched_at, body=page.body, summary="", language=page.language,
        content_hash=digest, text_source=TextSource.PAGE,
        seen_urls=tuple(dict.fromkeys((link, final, url))), fingerprints=prints,
    )
