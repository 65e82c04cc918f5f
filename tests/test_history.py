"""A history pass end to end: sitemaps on loopback servers, WARC files written here,
real SQLite files."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from pipeline.fetch import FetchConfig, Fetcher
from pipeline.history import HistorySummary, history_pass
from pipeline.model import TextSource
from pipeline.sources import Sources, parse_sources
from pipeline.store import Store
from tests.loopback import LoopbackServer
from tests.test_sitemaps import XML, news_url, plain_url, urlset
from tests.test_warc import PAGES, article_page, write_warc

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
SINCE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
HTML = {"Content-Type": "text/html; charset=utf-8"}


def history(sources: Sources, db_url: str, config: FetchConfig, **options: object
            ) -> HistorySummary:
    with Store(db_url) as store, Fetcher(config) as fetcher:
        return history_pass(sources, store, fetcher, since=SINCE, until=UNTIL, now=NOW,
                            **options)  # type: ignore[arg-type]


def test_sitemap_pages_in_range_are_stored_once_and_a_rerun_fetches_none_again(
        sqlite_url: str, fetch_config: FetchConfig) -> None:
    with LoopbackServer("127.0.0.51") as site:
        sources = parse_sources(f"outlets:\n  - id: sito\n    name: Sito\n    reliability: 0.5\n"
                                f"    feeds:\n      - {site.url('/feed.xml')}\n")
        site.route("/robots.txt", f"Sitemap: {site.url('/news-sitemap.xml')}\n")
        site.route("/news-sitemap.xml", urlset(
            news_url(site.url("/mercato/mainoo"), "2026-11-20T18:30:00+01:00",
                     "Napoli, accordo con il Manchester United per Mainoo"),
            plain_url(site.url("/mercato/vlahovic?utm_source=sitemap")),
            plain_url(site.url("/mercato/vecchia")),
            plain_url(site.url("/mercato/sparita")),
        ), headers=XML)
        mainoo, vlahovic, _ = PAGES.values()
        site.route("/mercato/mainoo", mainoo, headers=HTML)
        site.route("/mercato/vlahovic", vlahovic, headers=HTML)
        site.route("/mercato/vecchia", article_page(
            "Inter, vecchie voci su Frattesi", "2026-09-01T10:00:00+02:00",
            "L'Inter ha parlato con il Sassuolo di Davide Frattesi per una cifra vicina ai "
            "30 milioni di euro."), headers=HTML)

        first = history(sources, sqlite_url, fetch_config)
        assert (first.sitemaps_read, first.sitemaps_failed) == (1, 0)
        assert (first.pages_new, first.pages_known, first.pages_out_of_range,
                first.pages_failed) == (2, 0, 1, 1)
        assert first.page_failures[0].kind == "http" and first.exit_code == 0
        with Store(sqlite_url) as store:
            articles = {a.url: a for a in store.articles()}
            claims = store.claims_by_article()
            assert [u for u, _, _ in store.link_failures()] == [site.url("/mercato/sparita")]
        assert set(articles) == {site.url("/mercato/mainoo"), site.url("/mercato/vlahovic")}
        article = articles[site.url("/mercato/mainoo")]
        assert article.title == "Napoli, accordo con il Manchester United per Mainoo"
        assert article.published_at == dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)
        assert article.text_source is TextSource.PAGE and article.feed_id is None
        assert "Kobbie Mainoo" in article.body and "Leggi anche" not in article.body
        assert any(c.to_club == "napoli" for c in claims[article.id])

        second = history(sources, sqlite_url, fetch_config)
        assert (second.pages_new, second.pages_known) == (0, 2)
        assert len(site.requests_for("/mercato/mainoo")) == 1
        assert len(site.requests_for("/mercato/vlahovic")) == 1


def warc_sources() -> Sources:
    return parse_sources(
        "outlets:\n"
        "  - id: mercatonews\n    name: Mercato News\n    reliability: 0.4\n"
        "    domains: [mercatonews.it]\n    feeds:\n      - https://www.mercatonews.it/feed\n"
        "  - id: gazzettina\n    name: La Gazzettina\n    reliability: 0.6\n"
        "    domains: [gazzettina.it]\n    feeds:\n      - https://gazzettina.it/rss\n")


def test_a_warc_stores_only_the_outlets_pages_without_any_request(
        tmp_path: Path, sqlite_url: str, fetch_config: FetchConfig) -> None:
    archive = tmp_path / "CC-NEWS-20261121.warc.gz"
    write_warc(archive)
    summary = history(warc_sources(), sqlite_url, fetch_config, warcs=[archive], sitemaps=False)
    assert summary.requests == 0 and summary.pages_new == 2
    assert (summary.warc_records_kept, summary.warc_records_skipped) == (2, 5)
    assert summary.warcs[0].error is None
    with Store(sqlite_url) as store:
        stored = {(a.outlet_id, a.url) for a in store.articles()}
    assert stored == {("mercatonews", "https://www.mercatonews.it/napoli/mainoo"),
                      ("gazzettina", "https://gazzettina.it/calcio/juventus-vlahovic")}
    again = history(warc_sources(), sqlite_url, fetch_config, warcs=[archive], sitemaps=False)
    assert (again.pages_new, again.pages_known) == (0, 2)


def test_a_damaged_warc_is_reported_and_what_it_held_is_stored(
        tmp_path: Path, sqlite_url: str, fetch_config: FetchConfig) -> None:
    good, bad = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    write_warc(good, extra=False)
    bad.write_bytes(b"questo non \xe8 un archivio\n")
    summary = history(warc_sources(), sqlite_url, fetch_config, warcs=[bad, good],
                      sitemaps=False)
    assert summary.pages_new == 2 and summary.exit_code == 0
    assert summary.warcs[0].error is not None and str(bad) in summary.warcs[0].error


def test_the_process_pool_and_the_threads_store_the_same_articles(
        tmp_path: Path, fetch_config: FetchConfig) -> None:
    archive = tmp_path / "cc-news.warc.gz"
    write_warc(archive)
    stored = []
    for name, threshold in (("pool", 0), ("threads", 1000)):
        url = f"sqlite:///{tmp_path / name}.db"
        history(warc_sources(), url, fetch_config, warcs=[archive], sitemaps=False,
                pool_threshold=threshold, workers=2)
        with Store(url) as store:
            stored.append(([dataclasses.asdict(a) for a in store.articles()],
                           store.claims_by_article()))
    assert stored[0] == stored[1] and stored[0][0] and stored[0][1]
