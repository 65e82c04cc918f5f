"""Sitemaps: where an outlet lists its past articles, parsed and walked for a date range.

Owns: parsing a sitemap (urlset or sitemap index, plain or gzipped, with the Google News
extension) into frozen values, and walking one outlet's sitemaps: found through the
`Sitemap:` lines of robots.txt, else at the usual addresses, children followed only on the
outlet's own domains and only when their dates can overlap the range asked for. Fetching
goes through `Fetcher.fetch_sitemap`; every problem comes back as a `SitemapProblem` in
the walk's stream and the walk goes on. Fetching the articles themselves is the caller's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import zlib
from collections import deque
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from pipeline.fetch.http import Fetcher, host_allowed
from pipeline.sources import Outlet

# Where sitemaps usually are when robots.txt names none, in the order they are tried.
FALLBACK_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")
# The sitemaps protocol caps a file at 50 MB uncompressed; a gzip that inflates past a
# little more than that is broken or hostile, not a sitemap.
MAX_UNCOMPRESSED = 64 * 1024 * 1024
# A child sitemap's date read from its URL is a calendar period in some local time; a
# day's margin on both sides keeps an Italian midnight inside the UTC range.
_URL_DATE_MARGIN = dt.timedelta(days=1)
_GZIP_MAGIC = b"\x1f\x8b"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                          remove_pis=True, huge_tree=False)
_PATH_DATE = re.compile(r"(?<![0-9])(20[0-9]{2})(?:[/_.-](0[1-9]|1[0-2])"
                        r"(?:[/_.-](0[1-9]|[12][0-9]|3[01]))?)?(?![0-9])")
_QUERY_PART = re.compile(r"(?:^|&)(yyyy|year|mm|month|dd|day)=([0-9]{1,4})(?=&|$)")
_W3C_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


@dataclass(frozen=True)
class SitemapPage:
    """One article URL a sitemap lists, with what the sitemap says about it."""

    url: str
    published_at: dt.datetime | None  # news:publication_date, else lastmod (UTC)
    title: str | None = None  # news:title
    dated_by: str | None = None  # "publication_date" | "lastmod" | None: what published_at is


@dataclass(frozen=True)
class SitemapRef:
    """A child sitemap named by a sitemap index."""

    url: str
    lastmod: dt.datetime | None = None


@dataclass(frozen=True)
class Sitemap:
    url: str
    pages: tuple[SitemapPage, ...] = ()
    children: tuple[SitemapRef, ...] = ()


@dataclass(frozen=True)
class SitemapRead:
    """A sitemap the walk read: how many pages it yielded and what it left out, and why."""

    url: str
    pages: int  # yielded (in range, or without a date)
    children: int  # child sitemaps queued
    pages_out_of_range: int = 0  # dated by the sitemap outside the range
    children_skipped: int = 0  # dated (lastmod or URL) outside the range


@dataclass(frozen=True)
class SitemapProblem:
    """Why a sitemap gave nothing: kind is fetch | malformed | not_sitemap | foreign_host |
    limit | none_found; message names the URL."""

    outlet_id: str
    url: str
    kind: str
    message: str


class SitemapError(Exception):
    """A sitemap that cannot be read; str() names its URL."""

    def __init__(self, url: str, kind: str, message: str) -> None:
        self.url, self.kind, self.message = url, kind, message
        super().__init__(f"{url}: {message}")


# ---------------------------------------------------------------- parsing (pure)

def parse_sitemap(content: bytes, url: str) -> Sitemap:
    """A urlset, a sitemap index or a plain-text list of URLs; gzip is detected by its
    magic bytes. Raises SitemapError (kind malformed | not_sitemap) naming `url`."""
    if content.startswith(_GZIP_MAGIC):
        content = _gunzip(content, url)
    text_start = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text_start:
        raise SitemapError(url, "not_sitemap", "is empty")
    if not text_start.startswith(b"<"):
        return _plain_text(text_start, url)
    if text_start[:64].lower().startswith((b"<!doctype html", b"<html")):
        raise SitemapError(url, "not_sitemap", "is an HTML page, not a sitemap")
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(url, "malformed", f"malformed XML: {exc}") from None
    kind = _local(root)
    if kind == "urlset":
        pages = tuple(p for p in (_page(el, url) for el in root if _local(el) == "url") if p)
        return Sitemap(url, pages=pages)
    if kind == "sitemapindex":
        children = []
        for el in root:
            if _local(el) == "sitemap" and (loc := _absolute(_child_text(el, "loc"), url)):
                children.append(SitemapRef(loc, parse_w3c_datetime(_child_text(el, "lastmod"))))
        return Sitemap(url, children=tuple(children))
    raise SitemapError(url, "not_sitemap", f"is not a sitemap (root element <{kind}>)")


def parse_w3c_datetime(value: str | None) -> dt.datetime | None:
    """A sitemap date (W3C datetime: YYYY, YYYY-MM, YYYY-MM-DD or a full timestamp) in UTC.

    A date without a time is taken as its noon UTC (the same calendar day in every
    European zone, as pipeline.extract does); a time without a zone as UTC.
    """
    value = (value or "").strip()
    if not value:
        return None
    if match := _W3C_DATE.match(value):
        year, month, day = (int(g) if g else 1 for g in match.groups())
        try:
            return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)
        except ValueError:
            return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)


def in_range(when: dt.datetime, since: dt.datetime, until: dt.datetime | None) -> bool:
    """Whether `when` falls in [since, until); no `until` means no upper bound."""
    return when >= since and (until is None or when < until)


def url_period(url: str) -> tuple[dt.datetime, dt.datetime] | None:
    """The calendar period a dated archive's URL names (.../2026/11/, -2026-11-02,
    ?yyyy=2026&mm=11), as [start, end) in UTC; None when it names none."""
    parts = urlsplit(url)
    query = dict((k[0], int(v)) for k, v in _QUERY_PART.findall(parts.query))
    if "y" in query:
        year, month, day = query["y"], query.get("m"), query.get("d")
    else:
        matches = _PATH_DATE.findall(parts.path)
        if not matches:
            return None
        y, m, d = matches[-1]  # the last is the most specific: /archivio/2026/sitemap-2026-11
        year, month, day = int(y), int(m) if m else None, int(d) if d else None
    try:
        if month is None:
            return _utc(year, 1, 1), _utc(year + 1, 1, 1)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return _utc(year, month, 1), _utc(year, month, last) + dt.timedelta(days=1)
        start = _utc(year, month, day)
        return start, start + dt.timedelta(days=1)
    except ValueError:  # ?mm=13, 2026-02-30: not a date after all
        return None


def _utc(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=dt.UTC)


def _gunzip(content: bytes, url: str) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(content, MAX_UNCOMPRESSED)
    except zlib.error as exc:
        raise SitemapError(url, "malformed", f"broken gzip: {exc}") from None
    if inflater.unconsumed_tail:
        raise SitemapError(url, "malformed",
                           f"inflates past {MAX_UNCOMPRESSED // 2**20} MB, the sitemap limit")
    if not inflater.eof:
        raise SitemapError(url, "malformed", "truncated gzip")
    return out


def _plain_text(content: bytes, url: str) -> Sitemap:
    """The protocol's text form: one absolute URL a line, nothing else."""
    lines = content.decode("utf-8", errors="replace").split()
    if not all(line.startswith(("http://", "https://")) for line in lines):
        raise SitemapError(url, "not_sitemap", "is neither XML nor a list of URLs")
    return Sitemap(url, pages=tuple(SitemapPage(line, None) for line in lines))


def _page(el: etree._Element, base: str) -> SitemapPage | None:
    loc = _absolute(_child_text(el, "loc"), base)
    if loc is None:
        return None
    published, title = None, None
    for news in (c for c in el if _local(c) == "news"):
        published = parse_w3c_datetime(_child_text(news, "publication_date"))
        title = (_child_text(news, "title") or "").strip() or None
    if published is not None:
        return SitemapPage(loc, published, title, "publication_date")
    lastmod = parse_w3c_datetime(_child_text(el, "lastmod"))
    return SitemapPage(loc, lastmod, title, "lastmod" if lastmod else None)


def _local(el: etree._Element) -> str:
    # By local name: real sitemaps get their namespace wrong (http vs https, none at all).
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        if _local(child) == name:
            return "".join(child.itertext())
    return None


def _absolute(loc: str | None, base: str) -> str | None:
    loc = (loc or "").strip()
    if not loc:
        return None
    url = urljoin(base, loc)
    return url if urlsplit(url).scheme in ("http", "https") else None


# ---------------------------------------------------------------- walking

def walk_sitemaps(fetcher: Fetcher, outlet: Outlet, since: dt.datetime,
                  until: dt.datetime | None, *, max_sitemaps: int = 200
                  ) -> Iterator[SitemapPage | SitemapRead | SitemapProblem]:
    """The outlet's article URLs that may fall in [since, until), with a SitemapRead for
    every sitemap read and a SitemapProblem for every one that could not be.

    A page dated by its news:publication_date outside the range is left out; one dated
    only by lastmod only when modified before `since` (a later edit says nothing of when
    it was published); an undated one is kept, for its own page to decide.
    """
    if since.tzinfo is None or (until is not None and until.tzinfo is None):
        raise ValueError("walk_sitemaps needs timezone-aware since and until")
    seen_sitemaps: set[str] = set()
    seen_pages: set[str] = set()
    budget = [max_sitemaps]
    for origin in _origins(outlet):
        listed = fetcher.robots_sitemaps(origin + "/robots.txt")
        starts = listed or tuple(origin + path for path in FALLBACK_PATHS)
        found = yield from _walk_origin(fetcher, outlet, starts, bool(listed), since, until,
                                        seen_sitemaps, seen_pages, budget)
        if budget[0] < 0:
            return
        if not found and not listed:
            tried = ", ".join(FALLBACK_PATHS)
            yield SitemapProblem(outlet.id, origin, "none_found",
                                 f"{origin}: robots.txt names no sitemap and {tried} are "
                                 "missing")


def _walk_origin(fetcher: Fetcher, outlet: Outlet, starts: tuple[str, ...], listed: bool,
                 since: dt.datetime, until: dt.datetime | None, seen_sitemaps: set[str],
                 seen_pages: set[str], budget: list[int]
                 ) -> Generator[SitemapPage | SitemapRead | SitemapProblem, None, bool]:
    """Breadth-first from `starts`; returns whether any sitemap was read. A guessed
    start that is missing (404, an HTML page) is no problem, a named one is."""
    queue: deque[tuple[str, bool]] = deque((url, not listed) for url in starts)
    found = False
    while queue:
        url, guessed = queue.popleft()
        if url in seen_sitemaps:
            continue
        seen_sitemaps.add(url)
        host = urlsplit(url).hostname or ""
        if not host_allowed(host, outlet.domains):
            yield SitemapProblem(outlet.id, url, "foreign_host",
                                 f"{url} is outside {', '.join(outlet.domains)}: not followed")
            continue
        if budget[0] == 0:
            budget[0] = -1
            yield SitemapProblem(outlet.id, url, "limit", f"{url} and {len(queue)} more not "
                                 f"read: over the limit of sitemaps for {outlet.id}")
            return found
        budget[0] -= 1
        sitemap = _fetch(fetcher, outlet, url, guessed)
        if sitemap is None:
            continue
        if isinstance(sitemap, SitemapProblem):
            yield sitemap
            continue
        found = True
        skipped = 0
        for ref in sitemap.children:
            if _child_outside(ref, since, until):
                skipped += 1
            else:
                queue.append((ref.url, False))
        kept = out = 0
        for page in sitemap.pages:
            if page.url in seen_pages:
                continue
            seen_pages.add(page.url)
            if _page_outside(page, since, until):
                out += 1
            else:
                kept += 1
                yield page
        yield SitemapRead(url, kept, len(sitemap.children) - skipped, out, skipped)
    return found


def _fetch(fetcher: Fetcher, outlet: Outlet, url: str, guessed: bool
           ) -> Sitemap | SitemapProblem | None:
    """The parsed sitemap, its problem, or None for a guessed address that has none."""
    result = fetcher.fetch_sitemap(url, allowed_domains=outlet.domains)
    if result.error is not None or not result.ok:
        if guessed and result.status in (404, 410):
            return None
        message = result.error.message if result.error else f"HTTP {result.status} for {url}"
        return SitemapProblem(outlet.id, url, "fetch", message)
    try:
        return parse_sitemap(result.content, result.final_url)
    except SitemapError as exc:
        if guessed and exc.kind == "not_sitemap":  # a soft 404: an HTML page answering 200
            return None
        return SitemapProblem(outlet.id, url, exc.kind, str(exc))


def _origins(outlet: Outlet) -> tuple[str, ...]:
    """Where to look: the origins of the outlet's own feeds, else https:// its domains."""
    origins = []
    for feed in outlet.feeds:
        parts = urlsplit(feed.url)
        if parts.hostname and host_allowed(parts.hostname, outlet.domains):
            origins.append(f"{parts.scheme}://{parts.netloc}")
    covered = {urlsplit(o).hostname for o in origins}
    origins += [f"https://{d}" for d in outlet.domains
                if not any(host_allowed(h or "", (d,)) for h in covered)]
    return tuple(dict.fromkeys(origins))


def _child_outside(ref: SitemapRef, since: dt.datetime, until: dt.datetime | None) -> bool:
    # lastmod is when the child last changed: nothing in it was published after that.
    if ref.lastmod is not None and ref.lastmod < since:
        return True
    period = url_period(ref.url)
    if period is None:
        return False
    start, end = period
    return end + _URL_DATE_MARGIN <= since or (
        until is not None and start - _URL_DATE_MARGIN >= until)


def _page_outside(page: SitemapPage, since: dt.datetime, until: dt.datetime | None) -> bool:
    if page.published_at is None:
        return False
    if page.dated_by == "publication_date":
        return not in_range(page.published_at, since, until)
    return page.published_at < since  # lastmod: see walk_sitemaps
