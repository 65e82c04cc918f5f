"""Page bytes -> ExtractedPage: the article's body and metadata, with trafilatura.

trafilatura finds the main text and drops menus, banners, related-article boxes and
comments. Around it voci adds what trafilatura leaves to the caller: the page's own
rel=canonical (only when it stays on the outlet's domains — a syndicated copy often points
its canonical at the original, and must still be stored as its own article), the `lang`
attribute, and a publication date with its time of day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan
import lxml.html
import trafilatura
from htmldate import find_date
from trafilatura.metadata import (
    Document,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_title,
    extract_url,
)
from trafilatura.utils import line_processing

from pipeline.model import ExtractedPage
from pipeline.text import tidy

# A body shorter than this is a paywall teaser, a cookie wall or an error page, not an
# article: the feed's own text is the better source then.
MIN_BODY_CHARS = 200

_DATE_PARAMS: dict[str, Any] = {
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",  # keep the time of day, not only the date
    "original_date": True,  # the publication date, not the last update
    "extensive_search": False,  # no guessing from stray numbers in the text
}


class ExtractionError(Exception):
    """The page holds no article text voci can use."""


# Real text has no replacement characters (U+FFFD: bytes that were not text in the page's
# encoding) and no control characters but line breaks and tabs. A page of binary served as
# text/html decodes into little else; a stray one in a real article is tolerated.
MAX_GARBLED_SHARE = 0.01


# what `_garbled_share` counts as no text: U+FFFD, control characters but line breaks and
# tabs, DEL and the C1 controls (U+007F-U+009F)
_GARBLED = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s")  # the characters str.isspace() is true of


def _garbled_share(text: str) -> float:
    """The share of characters that cannot be prose. Prose also has spaces between its
    words (about one character in six): a long run without any is no text either, and
    counts as wholly garbled."""
    if not text:
        return 0.0
    if len(text) > 200 and len(_SPACE.findall(text)) < len(text) / 50:
        return 1.0
    return len(_GARBLED.findall(text)) / len(text)


def normalize_url(url: str) -> str:
    """The form of a URL voci stores and compares: tracking parameters and fragment removed,
    and any credentials ("http://user:pass@host/...", from a feed or a page) dropped - they
    are never sent nor stored."""
    url = without_credentials(url.strip())
    cleaned = courlan.normalize_url(url, strict=True)
    return without_credentials(cleaned) if cleaned else url


def without_credentials(url: str) -> str:
    """`url` without a user name or password in its authority."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def extract_page(content: bytes, *, url: str,
                 owns_host: Callable[[str], bool] | None = None) -> ExtractedPage:
    """Extract an article page fetched from `url` (its final URL after redirects)."""
    # trafilatura's own loader: it sniffs the encoding better than a bare lxml parse (on a
    # real Il Giornale page, lxml's guess lost a paragraph).
    tree = trafilatura.load_html(content)
    if tree is None:
        raise ExtractionError("not parseable as HTML")
    doc = trafilatura.bare_extraction(
        # Balanced mode: on the real Italian pages of tests/test_extract.py, favouring
        # precision lost a paragraph of the lead and kept no less boilerplate.
        tree, url=url, include_comments=False, include_tables=False, with_metadata=False,
    )
    if isinstance(doc, dict):  # only with as_dict=True, which is not asked for
        raise TypeError("trafilatura returned a dict")
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError("no article text found in the page")
    meta = _metadata(tree)
    title = (meta.title or "").strip() or None
    body = _drop_repeated_title(_body_text(doc.body, doc.text or ""), title)
    if len(body) < MIN_BODY_CHARS:
        raise ExtractionError(f"only {len(body)} characters of text: a teaser, paywall "
                              "or error page")
    garbled = _garbled_share(f"{title or ''} {body}")
    if garbled > MAX_GARBLED_SHARE:
        raise ExtractionError(f"the page's text is not text: {garbled:.0%} of it is "
                              "undecodable bytes or control characters")
    return ExtractedPage(
        body=body,
        title=title,
        author=(meta.author or "").strip() or None,
        published_at=_meta_date(tree) or _parse_date(_trafilatura_date(tree, meta, url)),
        canonical_url=_canonical(tree, url, owns_host),
        language=_language(tree),
    )


def _metadata(tree: lxml.html.HtmlElement) -> Document:
    """The title and author as trafilatura's own metadata extraction finds them (meta
    tags, then JSON-LD, then the page's headings and bylines), and the URL it dates the
    page by, without the rest it would read (site name, categories, tags, licence) that
    voci does not store: a third of the time of reading a page went there. Reads `tree`,
    changes nothing in it."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    with contextlib.suppress(Exception):  # as trafilatura does: its JSON-LD reading's bugs
        meta = extract_meta_json(tree, meta)
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.author:
        meta.author = extract_author(tree)
    meta.title, meta.author = _trimmed(meta.title), _trimmed(meta.author)
    return meta


def _trafilatura_date(tree: lxml.html.HtmlElement, meta: Document, url: str) -> str | None:
    """The date trafilatura would give the page (htmldate's), asked only when the page
    states no exact publication time of its own (`_meta_date`)."""
    page_url = meta.url or extract_url(tree, url)
    return _trimmed(find_date(tree, url=page_url, **_DATE_PARAMS))


def _trimmed(value: str | None) -> str | None:
    """A metadata field as trafilatura's Document.clean_and_trim leaves it."""
    if not isinstance(value, str):
        return value
    if len(value) > 10000:
        value = value[:9999] + "…"
    return line_processing(html.unescape(value))


def _body_text(body: Any, fallback: str) -> str:
    """The article's paragraphs, lists and quotes, one paragraph a block.

    Headings are left out: the <h1> is the title, stored apart, and sub-headings are
    fragments that announce what the next paragraph says in full (often its very first
    words), which only confuses the reading of claims downstream.
    """
    if body is None:
        return tidy(fallback.replace("\n", "\n\n"))
    blocks: list[str] = []
    for element in body:
        if element.tag == "head":
            continue
        if element.tag == "list":
            blocks.extend(" ".join(item.itertext()) for item in element.iter("item"))
        else:
            blocks.append(" ".join(element.itertext()))
    return tidy("\n\n".join(blocks))


def _drop_repeated_title(body: str, title: str | None) -> str:
    """trafilatura keeps the page's <h1> as the first line; the title is stored apart."""
    if not title:
        return body
    first, _, rest = body.partition("\n\n")
    return rest if first.strip() == title and rest else body


def _canonical(tree: lxml.html.HtmlElement, url: str,
               owns_host: Callable[[str], bool] | None) -> str | None:
    for link in tree.iterfind(".//link[@rel]"):
        if "canonical" not in (link.get("rel") or "").lower().split():
            continue
        href = (link.get("href") or "").strip()
        if not href:
            continue
        absolute = urljoin(url, href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        if owns_host is not None and not owns_host(parts.hostname):
            continue
        return normalize_url(absolute)
    return None


def _language(tree: lxml.html.HtmlElement) -> str | None:
    lang = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
    lang = lang.strip().lower().replace("_", "-")
    if lang:
        return lang.split("-")[0]
    for meta in tree.iterfind(".//meta[@http-equiv]"):
        if meta.get("http-equiv", "").lower() == "content-language" and meta.get("content"):
            return meta.get("content", "").strip().lower().split("-")[0] or None
    return None


# Metadata that states the publication time exactly, most specific first. htmldate (inside
# trafilatura) prefers a date-only value read from a URL path like /2026/11/02/, so these
# are read first and trafilatura's date is the fallback.
_DATE_META = ("article:published_time", "datepublished", "og:published_time", "pubdate",
              "publishdate", "dc.date.issued", "date")


def _meta_date(tree: lxml.html.HtmlElement) -> dt.datetime | None:
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META and meta.get("content"):
            found.setdefault(key, meta.get("content", ""))
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str):
                found.setdefault("datepublished", item["datePublished"])
    for key in _DATE_META:
        when = _iso(found.get(key))
        if when:
            return when
    for time in tree.iterfind(".//time[@datetime]"):
        when = _iso(time.get("datetime"))
        if when:
            return when
    return None


def _iso(value: str | None) -> dt.datetime | None:
    """An ISO 8601 timestamp with its time of day and zone; anything less is not trusted."""
    if not value or len(value) < 16:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(dt.UTC) if when.tzinfo else None


def _parse_date(value: str | None) -> dt.datetime | None:
    """trafilatura's date: with a zone when the page gave one; a bare date means its noon UTC."""
    if not value:
        return None
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
        # Noon keeps a date-only publication on the same calendar day in every
        # European zone, which is what the rumour's window is computed from.
        return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)
