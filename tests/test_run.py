"""One pass over the feeds, end to end: real HTTP servers on loopback, a real SQLite file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from pipeline.corpus import CorpusServer
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.model import TextSource
from pipeline.run import PassSummary, fetch_pass
from pipeline.sources import Sources, parse_sources
from pipeline.store import Store
from tests.loopback import LoopbackServer, Response

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
BOILERPLATE = ["Leggi anche", "Accetta", "Commenti (", "Ultime notizie", "I più letti",
               "PUBBLICITÀ", "newsletter", "Condividi su"]


def run_pass(sources: Sources, db_url: str, config: FetchConfig) -> PassSummary:
    with Store(db_url) as store, Fetcher(config) as fetcher:
        return fetch_pass(sources, store, fetcher, now=NOW)


# ---------------------------------------------------------------- the labelled corpora

def test_backfill_stores_every_corpus_article_once_then_only_revalidates_feeds(
        corpus: CorpusServer, sqlite_url: str, fetch_config: FetchConfig) -> None:
    sources = corpus.sources()
    gold = corpus.gold["articles"]
    content = yaml.safe_load((corpus.root / "content.yaml").read_text(encoding="utf-8"))
    bodies = {a["id"]: a for a in content["articles"]}

    first = run_pass(sources, sqlite_url, fetch_config)
    assert first.exit_code == 0 and first.count("failed") == 0
    assert first.articles_new == len(gold) and first.articles_failed == 0

    with Store(sqlite_url) as store:
        stored = {(a.outlet_id, urlsplit(a.url).path): a for a in store.articles()}
    assert len(stored) == len(gold)
    ids = {a.id: a for a in stored.values()}
    for g in gold:
        article = stored[(g["outlet"], g["path"])]
        source = bodies[g["id"]]
        for paragraph in source["body"].strip().split("\n\n"):
            assert " ".join(paragraph.split()) in article.body
        assert not [b for b in BOILERPLATE + source.get("related", []) if b in article.body]
        assert article.text_source is TextSource.PAGE
        assert article.published_at == dt.datetime.fromisoformat(g["published"]).astimezone(dt.UTC)
        if "copy_of" in g:
            original = next(x for x in gold if x["id"] == g["copy_of"])
            assert ids[article.copy_of_id].url.endswith(original["path"])
        else:
            assert article.copy_of_id is None

    pages_before = len([r for r in corpus.requests if not _is_feed(r.path)])
    second = run_pass(sources, sqlite_url, fetch_config)
    assert second.articles_new == 0 and second.count("not_modified") == len(second.feeds)
    later = corpus.requests[len(corpus.requests) - second.requests:]
    assert all(_is_feed(r.path) and r.conditional and r.status == 304 for r in later)
    assert len([r for r in corpus.requests if not _is_feed(r.path)]) == pages_before


def _is_feed(path: str) -> bool:
    return path.endswith((".xml", "/feed/"))



def test_worker_processes_store_the_same_articles_and_claims_as_this_process(
        corpus: CorpusServer, tmp_path: Path, fetch_config: FetchConfig) -> None:
    """A backfill with many pages reads them in worker processes; a small poll reads
    them here, in threads. Both store the same articles with the same claims."""
    stored = []
    for name, threshold in (("processes", 0), ("threads", 10**6)):
        url = f"sqlite:///{tmp_path / name}.db"
        with Store(url) as store, Fetcher(fetch_config) as fetcher:
            summary = fetch_pass(corpus.sources(), store, fetcher, now=NOW,
                                 pool_threshold=threshold, workers=2)
            assert summary.articles_new > 0 and not summary.link_failures
            articles = store.articles()
            claims = store.claims_by_article()
        by_id = {a.id: a.url for a in articles}
        # ids, which copy of a syndicated story came first and which of an outlet's
        # feeds listing the same link took it follow the order pages and feeds arrived
        # in (threads and processes alike); the articles and copies themselves do not
        rows = {a.url: {**dataclasses.asdict(a), "id": None, "copy_of_id": None,
                        "feed_id": None} for a in articles}
        copies = {frozenset((a.url, by_id[a.copy_of_id])) for a in articles if a.copy_of_id}
        stored.append((rows, copies, {by_id[i]: c for i, c in claims.items()}))
    assert stored[0] == stored[1]
    assert any(stored[0][2].values())

# ---------------------------------------------------------------- a site that misbehaves

ARTICLE = ("<p>Il Napoli ha presentato un'offerta per il centrocampista: sul piatto una cifra "
           "importante, bonus compresi, con la formula del prestito con obbligo di riscatto.</p>"
           "<p>La trattativa prosegue nei prossimi giorni, quando è atteso un nuovo incontro "
           "tra le parti per definire gli ultimi dettagli dell'operazione.</p>")


def page(title: str) -> str:
    return (f'<!doctype html><html lang="it"><head><title>{title}</title></head><body>'
            f"<nav>Home · Serie A · Mercato</nav><article><h1>{title}</h1>{ARTICLE} "
            f"<p>{title}: ultime notizie in aggiornamento costante, restate con noi.</p>"
            "</article></body></html>")


def rss(items: list[tuple[str, str, dt.datetime | None]], *, encoding: str = "utf-8",
        full_text: bool = False) -> bytes:
    parts = []
    for title, link, when in items:
        date = f"<pubDate>{format_datetime(when)}</pubDate>" if when else ""
        content = (f"<content:encoded><![CDATA[<p>{title}.</p>{ARTICLE}]]></content:encoded>"
                   if full_text else "")
        parts.append(f"<item><title>{title}</title><link>{link}</link>{date}"
                     f"<description>Sommario di {title}</description>{content}</item>")
    xml = (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
           f"<title>Sito</title><language>it</language>{''.join(parts)}</channel></rss>")
    return xml.encode(encoding)


@pytest.fixture
def site() -> LoopbackServer:
    with LoopbackServer("127.0.0.21") as server, LoopbackServer("127.0.0.22") as foreign:
        server.foreign = foreign  # type: ignore[attr-defined]
        yield server


def site_sources(site: LoopbackServer, *feeds: str) -> Sources:
    urls = "".join(f"      - {site.url(f)}\n" for f in feeds)
    return parse_sources(f"outlets:\n  - id: sito\n    name: Sito\n    reliability: 0.5\n"
                         f"    feeds:\n{urls}")


HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/rss+xml"}


def test_a_misbehaving_site_yields_every_article_it_can_and_records_the_rest(
        site: LoopbackServer, sqlite_url: str, fetch_config: FetchConfig) -> None:
    foreign: LoopbackServer = site.foreign  # type: ignore[attr-defined]
    when = NOW - dt.timedelta(hours=1)
    items = [
        ("Buona", site.url("/buona.html?utm_source=rss"), when),
        ("Sparita", site.url("/sparita.html"), when),            # 404: feed text
        ("Instabile", site.url("/instabile.html"), when),        # 500 then 200: page text
        ("Lenta", site.url("/lenta.html"), when),                # read timeout: feed text
        ("Enorme", site.url("/enorme.html"), when),              # over the size cap: feed text
        ("Documento", site.url("/documento.pdf"), when),         # not HTML: feed text
        ("Vietata", site.url("/privato/vietata.html"), when),    # robots.txt: feed text
        ("Altrove", foreign.url("/altrove.html"), when),         # foreign host: refused
        ("Senza data", site.url("/senza-data.html"), None),      # date from the page
    ]
    site.route("/feed.xml", rss(items, full_text=True), headers=XML, etag='"f1"')
    site.route("/robots.txt", "User-agent: *\nDisallow: /privato/\n",
               headers={"Content-Type": "text/plain"})
    site.route("/buona.html", page("Buona"), headers=HTML)
    site.route("/sparita.html", "gone", status=404)
    site.route_sequence("/instabile.html", [Response("boom", 500),
                                            Response(page("Instabile"), 200, HTML)])
    site.route("/lenta.html", page("Lenta"), headers=HTML, delay=3.0)
    site.route("/enorme.html", page("Enorme") + " " * (3 * 1024 * 1024), headers=HTML)
    site.route("/documento.pdf", b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})
    site.route("/privato/vietata.html", page("Vietata"), headers=HTML)
    foreign.route("/altrove.html", page("Altrove"), headers=HTML)
    dated = page("Senza data").replace(
        "<title>", '<meta property="article:published_time" content="2026-11-20T10:00:00+01:00">'
                   "<title>")
    site.route("/senza-data.html", dated, headers=HTML)
    config = FetchConfig(**{**fetch_config.__dict__, "read_timeout": 1.0, "max_retries": 1,
                            "max_bytes": 1024 * 1024})

    summary = run_pass(site_sources(site, "/feed.xml"), sqlite_url, config)

    assert summary.exit_code == 0
    assert (summary.articles_new, summary.articles_failed) == (8, 1)
    with Store(sqlite_url) as store:
        articles = {a.title: a for a in store.articles()}
        failures = store.link_failures()
    from_page = {t for t, a in articles.items() if a.text_source is TextSource.PAGE}
    assert from_page == {"Buona", "Instabile", "Senza data"}
    reasons = {t: a.fetch_error for t, a in articles.items() if a.text_source is TextSource.FEED}
    assert "404" in reasons["Sparita"]
    assert "timed out" in reasons["Lenta"] or "timeout" in reasons["Lenta"].lower()
    assert "too large" in reasons["Enorme"].lower() or "bytes" in reasons["Enorme"]
    assert "html" in reasons["Documento"].lower()
    assert "robots" in reasons["Vietata"].lower()
    assert all("offerta per il centrocampista" in articles[t].body for t in reasons)
    assert articles["Buona"].url == site.url("/buona.html")  # tracking parameters gone
    assert articles["Senza data"].published_at == dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    assert articles["Buona"].published_at == when
    assert [(u, k) for u, k, _ in failures] == [(foreign.url("/altrove.html"), "foreign_host")]
    assert foreign.requests == []  # never contacted
    assert site.requests_for("/privato/vietata.html") == []
    assert len(site.requests_for("/robots.txt")) == 1


def test_items_shared_by_two_feeds_are_fetched_and_stored_once(
        site: LoopbackServer, sqlite_url: str, fetch_config: FetchConfig) -> None:
    when = NOW - dt.timedelta(hours=2)
    shared = ("Condivisa", site.url("/condivisa.html"), when)
    site.route("/uno.xml", rss([shared, ("Sola", site.url("/sola.html"), when)]), headers=XML)
    tracked = site.url("/condivisa.html?utm_source=rss&utm_medium=feed")
    site.route("/due.xml", rss([("Condivisa", tracked, when)]), headers=XML)
    site.route("/condivisa.html", page("Condivisa"), headers=HTML)
    site.route("/sola.html", page("Sola"), headers=HTML)

    summary = run_pass(site_sources(site, "/uno.xml", "/due.xml"), sqlite_url, fetch_config)

    assert (summary.articles_new, summary.articles_known) == (2, 1)
    assert len(site.requests_for("/condivisa.html")) == 1
    with Store(sqlite_url) as store:
        assert store.article_count() == 2


def test_feed_failures_are_reported_per_feed_and_the_pass_goes_on(
        site: LoopbackServer, sqlite_url: str, fetch_config: FetchConfig) -> None:
    when = NOW - dt.timedelta(hours=2)
    site.route("/buono.xml", rss([("Buona", site.url("/buona.html"), when)]), headers=XML)
    site.route("/rotto.xml", b"<?xml version='1.0'?><rss><channel><item><title>x</ti",
               headers=XML)
    site.route("/pagina.xml", page("Non un feed"), headers=HTML)
    site.route("/buona.html", page("Buona"), headers=HTML)
    cp1252 = rss([("Però è già qui", site.url("/buona.html"), when)], encoding="windows-1252")

    summary = run_pass(site_sources(site, "/buono.xml", "/rotto.xml", "/pagina.xml",
                                    "/manca.xml"), sqlite_url, fetch_config)

    outcomes = {urlsplit(f.url).path: (f.outcome, f.error) for f in summary.feeds}
    assert outcomes["/buono.xml"] == ("ok", None)
    assert outcomes["/rotto.xml"][0] == "failed" and "malformed" in outcomes["/rotto.xml"][1]
    assert "not an RSS or Atom feed" in outcomes["/pagina.xml"][1]
    assert outcomes["/manca.xml"][0] == "failed" and "404" in outcomes["/manca.xml"][1]
    assert summary.exit_code == 0 and summary.articles_new == 1
    with Store(sqlite_url) as store:
        feeds = {urlsplit(f.url).path: f for f in store.feeds()}
    assert feeds["/manca.xml"].failures == 1 and feeds["/manca.xml"].last_status == 404
    assert feeds["/buono.xml"].last_error is None
    site.route("/rotto.xml", cp1252, headers={"Content-Type": "application/xml"})
    again = run_pass(site_sources(site, "/rotto.xml"), sqlite_url, fetch_config)
    assert again.feeds[0].outcome == "ok" and again.articles_known == 1


def test_no_feed_answering_means_exit_code_1(sqlite_url: str,
                                             fetch_config: FetchConfig) -> None:
    sources = parse_sources("outlets:\n  - id: via\n    name: Via\n    reliability: 0.5\n"
                            "    feeds: [https://feed.voci-test.invalid/rss]\n")
    summary = run_pass(sources, sqlite_url, fetch_config)
    assert summary.exit_code == 1 and summary.count("failed") == 1
    assert "feed.voci-test.invalid" in (summary.feeds[0].error or "")


def test_reextracting_claims_gives_what_a_fresh_backfill_stored(
        tmp_path, fetch_config: FetchConfig) -> None:  # type: ignore[no-untyped-def]
    from pipeline.run import reextract_claims
    from tests.conftest import CORPORA

    url = f"sqlite:///{tmp_path / 'voci.db'}"
    with CorpusServer(CORPORA / "dev-b") as corpus:
        sources = corpus.sources()
        run_pass(sources, url, fetch_config)
    with Store(url) as store:
        fresh = store.claims_by_article()
        assert sum(len(c) for c in fresh.values()) > 40
        with store.engine.begin() as conn:  # an earlier extractor's output, to be replaced
            from sqlalchemy import text
            conn.execute(text("update claims set stage = 'interest', fee_eur = 1"))
        reextract_claims(sources, store)
        assert store.claims_by_article() == fresh


def test_a_headline_only_item_is_read_from_its_title_and_a_feed_footer_is_no_text(
        site: LoopbackServer, sqlite_url: str, fetch_config: FetchConfig) -> None:
    # Many outlets publish nothing but the headline, or the headline inside WordPress's
    # footer ("L'articolo <title> proviene da <site>."); the page is unreachable.
    when = NOW - dt.timedelta(hours=1)
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Sito</title>'
        f"<item><title>Il Lecce pensa a Valdarno dell'Empoli</title>"
        f"<link>{site.url('/solo-titolo.html')}</link>"
        f"<pubDate>{format_datetime(when)}</pubDate><description></description></item>"
        f"<item><title>Il Genoa pensa a Ferro del Torino</title>"
        f"<link>{site.url('/con-piede.html')}</link><pubDate>{format_datetime(when)}</pubDate>"
        "<description>L'articolo Il Genoa pensa a Ferro del Torino proviene da Sito News."
        "</description></item>"
        "</channel></rss>"
    )
    site.route("/feed.xml", xml, headers=XML)
    site.route("/solo-titolo.html", "gone", status=404)
    site.route("/con-piede.html", "gone", status=404)

    summary = run_pass(site_sources(site, "/feed.xml"), sqlite_url, fetch_config)

    assert (summary.articles_new, summary.articles_failed) == (2, 0)
    with Store(sqlite_url) as store:
        bodies = {a.title: a.body for a in store.articles()}
        claims = [(c.player, c.from_club, c.to_club)
                  for cs in store.claims_by_article().values() for c in cs]
    assert bodies == {"Il Lecce pensa a Valdarno dell'Empoli": "",
                      "Il Genoa pensa a Ferro del Torino": ""}  # the footer is no body
    assert sorted(claims) == [("Ferro", "torino", "genoa"), ("Valdarno", "empoli", "lecce")]


def test_reads_are_stored_in_batches_and_a_failure_after_the_reads_before_it(
        sqlite_url: str) -> None:
    from pipeline.ingest import Failure, Read, Recorder
    from pipeline.model import ArticleDraft
    from pipeline.syndication import content_hash

    def read(n: int) -> Read:
        body = f"Articolo numero {n}, con un testo che basta."
        return Read(ArticleDraft(
            url=f"http://alfa.example/{n}", outlet_id="alfa", feed_id=None, title="T",
            author=None, published_at=NOW, fetched_at=NOW, body=body, summary="",
            language="it", content_hash=content_hash(body), text_source=TextSource.PAGE), ())

    now = [0.0]
    sources = parse_sources("outlets:\n  - id: alfa\n    name: Alfa\n    reliability: 0.5\n"
                            "    feeds: [http://alfa.example/feed]\n")
    with Store(sqlite_url) as store:
        store.sync_sources(sources, NOW)
        recorder: Recorder[int] = Recorder(store, size=3, seconds=0.5, timer=lambda: now[0])
        assert recorder.due() is None
        assert recorder.add(read(1), NOW, 1) == [] and recorder.add(read(2), NOW, 2) == []
        assert store.article_count() == 0 and recorder.due() == 0.5
        now[0] = 0.4
        assert recorder.flush_due() == [] and store.article_count() == 0
        now[0] = 0.6  # the first read has waited long enough: the batch is due
        assert [(tag, kept) for tag, _, kept in recorder.flush_due()] == [(1, "new"), (2, "new")]
        assert store.article_count() == 2 and recorder.due() is None
        assert recorder.add(read(3), NOW, 3) == [] and recorder.add(read(1), NOW, 4) == []
        assert [(t, k) for t, _, k in recorder.add(read(5), NOW, 5)] == [
            (3, "new"), (4, "known"), (5, "new")]  # the batch is full
        failure = Failure("alfa", "http://alfa.example/x", "http", "HTTP 500")
        recorder.add(read(6), NOW, 6)
        assert [(t, k) for t, _, k in recorder.add(failure, NOW, 7)] == [(6, "new"),
                                                                         (7, "failed")]
        assert store.article_count() == 5 and len(store.link_failures()) == 1
