from __future__ import annotations

import datetime as dt

import pytest

from pipeline.fetch.feeds import FeedParseError, parse_feed
from tests.conftest import CORPORA

BASE = "http://127.0.0.9:8000"


def corpus_feed(relpath: str) -> bytes:
    return (CORPORA / relpath).read_bytes().replace(b"{{BASE}}", BASE.encode())


def test_rss2_with_content_encoded() -> None:
    raw = corpus_feed("dev-a/site/trattativaaperta/feed/index.xml")
    feed = parse_feed(raw, url=BASE + "/feed/")
    assert feed.warning is None and feed.language == "it"
    entry = feed.entries[0]
    assert entry.link.startswith(BASE + "/2026/")
    assert entry.published_at == dt.datetime(2026, 11, 25, 7, 30, tzinfo=dt.UTC)
    assert entry.author == "Marco Bellandi"
    assert "Kolo Muani" in entry.content and "\n\n" in entry.content  # paragraphs kept
    assert "<p>" not in entry.content


def test_atom() -> None:
    feed = parse_feed(corpus_feed("dev-a/site/taccuino/atom.xml"), url=BASE + "/atom.xml")
    entry = feed.entries[0]
    assert entry.link == (BASE + "/mercato/2026-11-23/"
                          "mainoo-napoli-intesa-raggiunta-con-il-manchester-united")
    assert entry.published_at == dt.datetime(2026, 11, 23, 8, 50, tzinfo=dt.UTC)
    assert entry.summary.startswith("Prestito con diritto di riscatto")


def test_windows_1252_feed_is_decoded() -> None:
    raw = corpus_feed("dev-a/site/calciosottovoce/rss/calciomercato.xml")
    assert b"windows-1252" in raw[:100]
    feed = parse_feed(raw, url=BASE + "/rss/calciomercato.xml",
                      content_type="application/xml; charset=windows-1252")
    titles = " ".join(e.title + e.summary for e in feed.entries)
    assert "Koné" in titles
    assert "\ufffd" not in titles


def test_entries_without_dates() -> None:
    feed = parse_feed(corpus_feed("dev-a/site/diavoloaquattro/rss.xml"), url=BASE + "/rss.xml")
    assert feed.entries and all(e.published_at is None for e in feed.entries)


def test_relative_links_resolve_against_the_feed_url() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>A</title><link>/2026/a.html</link></item></channel></rss>"""
    assert parse_feed(rss, url=BASE + "/rss/x.xml").entries[0].link == BASE + "/2026/a.html"


@pytest.mark.parametrize("raw", [
    b"""<?xml version="1.0"?><rss version="0.91"><channel><title>t</title>
        <item><title>A</title><link>http://x.it/a</link><description>d</description></item>
        </channel></rss>""",
    b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://x.it/"><title>t</title>
        </channel><item rdf:about="http://x.it/a"><title>A</title><link>http://x.it/a</link>
        </item></rdf:RDF>""",
])
def test_rss_091_and_rss_10(raw: bytes) -> None:
    (entry,) = parse_feed(raw, url="http://x.it/feed").entries
    assert (entry.title, entry.link) == ("A", "http://x.it/a")


def test_malformed_xml_with_recovered_entries_is_used_with_a_warning() -> None:
    raw = corpus_feed("dev-a/site/trattativaaperta/feed/index.xml")
    second_end = raw.index(b"</item>", raw.index(b"</item>") + 1) + len(b"</item>")
    cut = raw[:second_end] + b"<item><title>broken"
    feed = parse_feed(cut, url=BASE + "/feed/")
    assert len(feed.entries) >= 2
    assert feed.warning and "malformed" in feed.warning


@pytest.mark.parametrize("raw,content_type,problem", [
    (b"<html><body><p>Not a feed</p></body></html>", "text/html", "not an RSS or Atom feed"),
    (b"\x00\x01garbage", None, "not an RSS or Atom feed"),
    (b"<rss version='2.0'><channel><item><title>x</ti", "application/xml", "malformed"),
])
def test_unusable_feeds_are_errors_with_a_reason(raw: bytes, content_type: str | None,
                                                 problem: str) -> None:
    with pytest.raises(FeedParseError, match=problem):
        parse_feed(raw, url="http://x.it/feed", content_type=content_type)
