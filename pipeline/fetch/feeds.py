"""Feed bytes -> ParsedFeed, with feedparser.

feedparser reads every RSS and Atom dialect and works out the encoding from the XML
declaration and the HTTP Content-Type. A feed with broken XML whose entries feedparser
still recovered ("bozo") is used, with a warning; one with nothing recoverable is an error.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import feedparser

from pipeline.model import FeedEntry, ParsedFeed
from pipeline.text import html_to_text

_BENIGN = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


class FeedParseError(Exception):
    """The bytes are not a feed voci can read."""


def parse_feed(content: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    headers = {"content-location": url}  # resolves relative links against the feed's URL
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers, sanitize_html=False,
                              resolve_relative_uris=True)
    entries = tuple(e for e in (_entry(raw) for raw in parsed.entries) if e is not None)
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    # A missing/odd Content-Type or a wrong encoding declaration is no malformation:
    # feedparser copes, and servers get these wrong all the time.
    problem = None if exc is None or isinstance(exc, _BENIGN) else _describe(exc)
    if not entries:
        if not parsed.get("version"):
            kind = (content_type or "unknown type").split(";")[0]
            detail = f": {problem}" if problem else ""
            raise FeedParseError(f"not an RSS or Atom feed ({kind}){detail}")
        if problem:
            raise FeedParseError(f"malformed feed: {problem}")
    warning = f"malformed feed, {len(entries)} entries recovered: {problem}" if problem else None
    channel = parsed.get("feed") or {}
    language = (channel.get("language") or "").strip().lower().replace("_", "-")
    return ParsedFeed(entries=entries, title=channel.get("title"),
                      language=language.split("-")[0] or None, warning=warning)


def _entry(raw: Any) -> FeedEntry | None:
    link = (raw.get("link") or "").strip()
    if not link:
        # Atom may give only alternate links with other rels; take the first href.
        for candidate in raw.get("links", []):
            if candidate.get("href"):
                link = candidate["href"].strip()
                break
    if not link:
        return None
    content = ""
    for part in raw.get("content", []) or []:
        if part.get("value"):
            content = html_to_text(part["value"])
            break
    summary = html_to_text(raw.get("summary", "") or "")
    if summary and summary == content:  # RSS without a description repeats content here
        summary = ""
    return FeedEntry(
        link=link,
        title=html_to_text(raw.get("title", "") or "").strip(),
        summary=summary,
        content=content,
        author=(raw.get("author") or None),
        published_at=_when(raw.get("published_parsed") or raw.get("updated_parsed")),
        guid=raw.get("id") or None,
    )


def _when(parsed_time: Any) -> dt.datetime | None:
    """feedparser's struct_time is already UTC."""
    if not parsed_time:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed_time), tz=dt.UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _describe(exc: Any) -> str:
    if exc is None:
        return "unknown problem"
    line = getattr(exc, "getLineNumber", None)
    where = f" (line {line()})" if callable(line) else ""
    return f"{getattr(exc, 'getMessage', lambda: str(exc))()}{where}"
