"""Sitemaps: parsing (pure), and walking an outlet's sitemaps on loopback servers."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterator

import pytest

from pipeline.fetch import FetchConfig, Fetcher
from pipeline.fetch.sitemaps import (
    SitemapError,
    SitemapPage,
    SitemapProblem,
    SitemapRead,
    parse_sitemap,
    parse_w3c_datetime,
    url_period,
    walk_sitemaps,
)
from pipeline.sources import Outlet, parse_sources
from tests.loopback import LoopbackServer

SINCE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
XML = {"Content-Type": "application/xml"}
NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
      'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"')


def urlset(*entries: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{"".join(entries)}</urlset>'


def news_url(loc: str, published: str, title: str) -> str:
    return (f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Sito</news:name>"
            "<news:language>it</news:language></news:publication>"
            f"<news:publication_date>{published}</news:publication_date>"
            f"<news:title>{title}</news:title></news:news></url>")


def plain_url(loc: str, lastmod: str | None = None) -> str:
    return f"<url><loc>{loc}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</url>"


def index(*children: tuple[str, str | None]) -> str:
    items = "".join(f"<sitemap><loc>{loc}</loc>"
                    f"{f'<lastmod>{mod}</lastmod>' if mod else ''}</sitemap>"
                    for loc, mod in children)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>')


# ---------------------------------------------------------------- parsing

def test_a_news_sitemap_gives_publication_dates_and_titles_else_lastmod() -> None:
    content = urlset(
        news_url("https://sito.it/mercato/mainoo-napoli", "2026-11-20T18:30:00+01:00",
                 "Napoli, accordo vicino per Mainoo"),
        plain_url("https://sito.it/mercato/vlahovic", "2026-11-02"),
        plain_url("https://sito.it/mercato/senza-data"),
    ).encode()
    sitemap = parse_sitemap(content, "https://sito.it/news-sitemap.xml")
    assert sitemap.children == ()
    assert sitemap.pages == (
        SitemapPage("https://sito.it/mercato/mainoo-napoli",
                    dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC),
                    "Napoli, accordo vicino per Mainoo", "publication_date"),
        SitemapPage("https://sito.it/mercato/vlahovic",
                    dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC), None, "lastmod"),
        SitemapPage("https://sito.it/mercato/senza-data", None),
    )


def test_an_index_gzipped_or_not_lists_its_children() -> None:
    content = index(("https://sito.it/sitemap-2026-11.xml.gz", "2026-11-25T08:00:00Z"),
                    ("https://sito.it/news-sitemap.xml", None)).encode()
    for raw in (content, gzip.compress(content)):
        sitemap = parse_sitemap(raw, "https://sito.it/sitemap_index.xml")
        assert [(c.url, c.lastmod) for c in sitemap.children] == [
            ("https://sito.it/sitemap-2026-11.xml.gz", dt.datetime(2026, 11, 25, 8, tzinfo=dt.UTC)),
            ("https://sito.it/news-sitemap.xml", None)]
        assert sitemap.pages == ()


def test_a_plain_text_sitemap_is_a_list_of_undated_pages() -> None:
    sitemap = parse_sitemap(b"https://sito.it/a\nhttps://sito.it/b\n", "https://sito.it/s.txt")
    assert [p.url for p in sitemap.pages] == ["https://sito.it/a", "https://sito.it/b"]


@pytest.mark.parametrize(("content", "kind"), [
    (b'<?xml version="1.0"?><urlset><url><loc>https://sito.it/a</loc></url>', "malformed"),
    (gzip.compress(b"<urlset></urlset>")[:-9], "malformed"),
    (b"<!doctype html><html><body>Pagina non trovata</body></html>", "not_sitemap"),
    (b"<rss version='2.0'><channel/></rss>", "not_sitemap"),
    (b"", "not_sitemap"),
])
def test_what_is_not_a_sitemap_is_an_error_naming_the_url(content: bytes, kind: str) -> None:
    with pytest.raises(SitemapError) as caught:
        parse_sitemap(content, "https://sito.it/rotta.xml")
    assert caught.value.kind == kind
    assert str(caught.value).startswith("https://sito.it/rotta.xml: ")


def test_entities_are_not_expanded() -> None:
    content = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b'<urlset><url><loc>https://sito.it/&x;</loc></url></urlset>')
    sitemap = parse_sitemap(content, "https://sito.it/s.xml")
    assert all("root:" not in p.url for p in sitemap.pages)


def test_w3c_dates() -> None:
    assert parse_w3c_datetime("2026-11") == dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    assert parse_w3c_datetime("2026-11-02T10:00+01:00") == dt.datetime(2026, 11, 2, 9,
                                                                        tzinfo=dt.UTC)
    assert parse_w3c_datetime("2026-11-02T10:00:00") == dt.datetime(2026, 11, 2, 10,
                                                                     tzinfo=dt.UTC)
    assert parse_w3c_datetime("ieri") is None and parse_w3c_datetime(None) is None


@pytest.mark.parametrize(("url", "start", "days"), [
    ("https://sito.it/sitemap/2026/11/", dt.date(2026, 11, 1), 30),
    ("https://sito.it/sitemap-2026-11-02.xml", dt.date(2026, 11, 2), 1),
    ("https://sito.it/archivio/2025/sitemap-2026-02.xml.gz", dt.date(2026, 2, 1), 28),
    ("https://sito.it/sitemap.xml?yyyy=2026&mm=11&dd=03", dt.date(2026, 11, 3), 1),
    ("https://sito.it/sitemap_2025.xml", dt.date(2025, 1, 1), 365),
])
def test_a_dated_archive_url_names_its_period(url: str, start: dt.date, days: int) -> None:
    period = url_period(url)
    assert period is not None
    assert period[0].date() == start and (period[1] - period[0]).days == days


@pytest.mark.parametrize("url", ["https://sito.it/post-sitemap3.xml",
                                 "https://sito.it/sitemap-news-99.xml",
                                 "https://sito.it/articolo-120261101.xml"])
def test_urls_without_a_date(url: str) -> None:
    assert url_period(url) is None


# ---------------------------------------------------------------- walking

@pytest.fixture
def servers() -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    with LoopbackServer("127.0.0.41") as site, LoopbackServer("127.0.0.42") as foreign:
        yield site, foreign


def outlet_of(site: LoopbackServer) -> Outlet:
    return parse_sources(f"outlets:\n  - id: sito\n    name: Sito\n    reliability: 0.5\n"
                         f"    feeds:\n      - {site.url('/feed.xml')}\n").outlets[0]


def walk(fetch_config: FetchConfig, outlet: Outlet, max_sitemaps: int = 200
         ) -> list[SitemapPage | SitemapRead | SitemapProblem]:
    with Fetcher(fetch_config) as fetcher:
        return list(walk_sitemaps(fetcher, outlet, SINCE, UNTIL, max_sitemaps=max_sitemaps))


def test_the_walk_follows_robots_into_an_index_of_news_and_dated_sitemaps(
        servers: tuple[LoopbackServer, LoopbackServer], fetch_config: FetchConfig) -> None:
    site, foreign = servers
    site.route("/robots.txt", f"User-agent: *\nDisallow: /riservato/\n"
               f"Sitemap: {site.url('/sitemap_index.xml')}\n")
    site.route("/sitemap_index.xml", index(
        (site.url("/news-sitemap.xml"), "2026-11-25T08:00:00+01:00"),
        (site.url("/sitemaps/2026-11.xml.gz"), "2026-11-24"),
        (site.url("/sitemaps/2025-01.xml.gz"), "2026-11-24"),  # an old month edited later
        (site.url("/sitemaps/autori.xml"), "2025-06-01"),  # unchanged since before the range
        (site.url("/sitemaps/rotta.xml"), None),
        (foreign.url("/sitemap-altrui.xml"), None),
    ), headers=XML)
    site.route("/news-sitemap.xml", urlset(
        news_url(site.url("/mercato/mainoo-napoli"), "2026-11-20T18:30:00+01:00",
                 "Napoli, accordo vicino per Mainoo"),
        news_url(site.url("/mercato/vecchia"), "2026-10-30T10:00:00+01:00", "Vecchia notizia"),
        news_url(site.url("/mercato/futura"), "2026-12-02T10:00:00+01:00", "Troppo recente"),
    ), headers=XML)
    site.route("/sitemaps/2026-11.xml.gz", gzip.compress(urlset(
        plain_url(site.url("/mercato/vlahovic-juve"), "2026-11-03T09:00:00+01:00"),
        plain_url(site.url("/mercato/mainoo-napoli"), "2026-11-20"),  # listed twice
        plain_url(site.url("/mercato/aggiornata"), "2026-12-05"),  # edited after: kept
        plain_url(site.url("/mercato/ritoccata-prima"), "2026-10-05"),
    ).encode()), headers={"Content-Type": "application/x-gzip"})
    site.route("/sitemaps/rotta.xml", "<urlset><url><loc>", headers=XML)
    foreign.route("/sitemap-altrui.xml", urlset(plain_url(foreign.url("/x"))), headers=XML)

    items = walk(fetch_config, outlet_of(site))

    pages = [i for i in items if isinstance(i, SitemapPage)]
    assert [p.url for p in pages] == [site.url("/mercato/mainoo-napoli"),
                                      site.url("/mercato/vlahovic-juve"),
                                      site.url("/mercato/aggiornata")]
    assert pages[0].title == "Napoli, accordo vicino per Mainoo"
    reads = {i.url: i for i in items if isinstance(i, SitemapRead)}
    assert reads[site.url("/sitemap_index.xml")].children == 4  # the foreign one too
    assert reads[site.url("/sitemap_index.xml")].children_skipped == 2
    assert reads[site.url("/news-sitemap.xml")].pages_out_of_range == 2
    assert reads[site.url("/sitemaps/2026-11.xml.gz")].pages_out_of_range == 1
    problems = {i.kind: i for i in items if isinstance(i, SitemapProblem)}
    assert set(problems) == {"malformed", "foreign_host"}
    assert site.url("/sitemaps/rotta.xml") in problems["malformed"].message
    assert foreign.requests == []
    assert site.requests_for("/sitemaps/2025-01.xml.gz") == []
    assert site.requests_for("/sitemaps/autori.xml") == []


def test_without_robots_sitemaps_the_usual_addresses_are_tried(
        servers: tuple[LoopbackServer, LoopbackServer], fetch_config: FetchConfig) -> None:
    site, _ = servers
    site.route("/robots.txt", "User-agent: *\nDisallow:\n")
    site.route("/sitemap_index.xml", index((site.url("/news-sitemap.xml"), None)), headers=XML)
    site.route("/news-sitemap.xml", urlset(
        news_url(site.url("/mercato/a"), "2026-11-20T18:30:00Z", "A")), headers=XML)
    items = walk(fetch_config, outlet_of(site))
    assert [i.url for i in items if isinstance(i, SitemapPage)] == [site.url("/mercato/a")]
    assert not [i for i in items if isinstance(i, SitemapProblem)]  # /sitemap.xml: a 404
    assert len(site.requests_for("/news-sitemap.xml")) == 1


def test_a_site_without_any_sitemap_is_one_problem(
        servers: tuple[LoopbackServer, LoopbackServer], fetch_config: FetchConfig) -> None:
    site, _ = servers
    site.route("/sitemap.xml", "<!doctype html><html><body>Non trovata</body></html>",
               headers={"Content-Type": "text/html"})
    items = walk(fetch_config, outlet_of(site))
    assert [(i.kind, i.url) for i in items if isinstance(i, SitemapProblem)] == [
        ("none_found", site.base_url)]


def test_the_walk_stops_at_its_sitemap_limit(
        servers: tuple[LoopbackServer, LoopbackServer], fetch_config: FetchConfig) -> None:
    site, _ = servers
    site.route("/robots.txt", f"Sitemap: {site.url('/sitemap.xml')}\n")
    site.route("/sitemap.xml", index(*[(site.url(f"/s{n}.xml"), None) for n in range(5)]),
               headers=XML)
    for n in range(5):
        site.route(f"/s{n}.xml", urlset(plain_url(site.url(f"/p{n}"))), headers=XML)
    items = walk(fetch_config, outlet_of(site), max_sitemaps=3)
    assert len([i for i in items if isinstance(i, SitemapRead)]) == 3
    assert [i.kind for i in items if isinstance(i, SitemapProblem)] == ["limit"]
