"""Extraction over every page of the labelled corpora, and over real pages when present."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import ExtractionError, _garbled_share, extract_page, normalize_url
from tests.conftest import CORPORA, SHARED

BASE = "http://127.0.0.9:8000"
# Boilerplate every corpus style wraps around its articles (FORMAT.md): none may leak.
BOILERPLATE = ["Leggi anche", "Accetta", "Commenti (", "forza_calcio88", "Ultime notizie",
               "I più letti", "PUBBLICITÀ", "newsletter", "Condividi su", "Tutti i diritti",
               "testata giornalistica"]


def corpus_pages() -> list[Any]:
    cases = []
    for name in ("dev-a", "dev-b"):
        content = yaml.safe_load((CORPORA / name / "content.yaml").read_text(encoding="utf-8"))
        gold = yaml.safe_load((CORPORA / name / "gold.yaml").read_text(encoding="utf-8"))
        articles = {a["id"]: a for a in content["articles"]}
        styles = {o["id"]: o["style"] for o in content["outlets"]}
        for g in gold["articles"]:
            cases.append(pytest.param(name, g, articles[g["id"]], styles[g["outlet"]],
                                      id=f"{name}-{g['id']}-{styles[g['outlet']]}"))
    return cases


@pytest.mark.parametrize("corpus,gold,article,style", corpus_pages())
def test_corpus_page_body_is_the_article_and_nothing_else(corpus: str, gold: dict, article: dict,
                                                          style: str) -> None:
    raw = (CORPORA / corpus / "site" / gold["outlet"] / gold["path"].lstrip("/")).read_bytes()
    url = BASE + gold["path"]
    page = extract_page(raw.replace(b"{{BASE}}", BASE.encode()), url=url,
                        owns_host=lambda host: host == "127.0.0.9")
    for paragraph in article["body"].strip().split("\n\n"):
        assert " ".join(paragraph.split()) in page.body
    leaked = [b for b in BOILERPLATE + article.get("related", []) if b in page.body]
    assert not leaked
    assert page.title == article["title"]
    assert not page.body.startswith(article["title"])
    if style in ("A", "C", "E"):  # the styles whose pages carry rel=canonical
        assert page.canonical_url == url
    if style in ("A", "C", "D", "E", "F"):  # the styles with a machine-readable date
        assert page.published_at is not None
        assert page.published_at.isoformat()[:16] == \
            _utc(article["published"]).isoformat()[:16]


def _utc(value: Any) -> Any:
    import datetime as dt

    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return when.astimezone(dt.UTC)


def test_canonical_on_a_foreign_host_is_ignored() -> None:
    html = (b'<html lang="it"><head><title>T</title><link rel="canonical" '
            b'href="https://original.example/a"></head><body><article><h1>T</h1><p>'
            + b"Testo dell'articolo copiato parola per parola da un'altra testata. " * 8
            + b"</p></article></body></html>")
    page = extract_page(html, url=BASE + "/copy", owns_host=lambda h: h == "127.0.0.9")
    assert page.canonical_url is None
    assert page.language == "it"


@pytest.mark.parametrize("raw", [
    b"", b"%PDF-1.4 binary", b"<html><body><nav>Menu</nav></body></html>",
    b"<html><body><article><p>Solo un titolo.</p></article></body></html>",
])
def test_pages_without_an_article_are_extraction_errors(raw: bytes) -> None:
    with pytest.raises(ExtractionError):
        extract_page(raw, url=BASE + "/x")


@pytest.mark.parametrize("url,expected", [
    ("https://www.x.it/a.html?utm_source=rss&utm_medium=feed", "https://www.x.it/a.html"),
    ("https://www.x.it/a.html?id=3&fbclid=abc#comments", "https://www.x.it/a.html?id=3"),
    ("HTTPS://WWW.X.IT:443/a.html?gclid=1", "https://www.x.it/a.html"),
])
def test_tracking_parameters_are_removed(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


# ---------------------------------------------------------------- real pages (read in place)
# Third-party pages without a licence: read from ../shared/realworld, never copied here.
# A gate like trafilatura's own: the figures measured when these floors were set are in
# the comments; a floor may go up with the extractor, never silently down.

TRAFILATURA = SHARED / "realworld" / "trafilatura"
FUNDUS = SHARED / "realworld" / "fundus"
SNIPPETS_FOUND_FLOOR = 1.0  # 9 of 9 must-have snippets found (3 Italian pages)
SNIPPETS_LEAKED_CEILING = 1  # 1 of 9 must-not-have snippets leaks (parcoabruzzo.it)
FUNDUS_PARAGRAPHS_FLOOR = 0.95  # 49 of 50 long paragraphs found (4 pages; the miss is a
#                                 dateline fundus glued to the first paragraph)


def test_real_italian_pages_from_the_trafilatura_evaluation() -> None:
    index = TRAFILATURA / "evaldata_italian_subset.json"
    if not index.is_file():
        pytest.skip(f"{TRAFILATURA} absent")
    found = wanted = leaked = 0
    for url, case in json.loads(index.read_text(encoding="utf-8")).items():
        if not (TRAFILATURA / case["file"]).is_file():
            continue
        page = extract_page((TRAFILATURA / case["file"]).read_bytes(), url=url)
        found += sum(snippet in page.body for snippet in case["with"])
        wanted += len(case["with"])
        leaked += sum(snippet in page.body for snippet in case["without"])
    assert wanted and found / wanted >= SNIPPETS_FOUND_FLOOR, f"{found}/{wanted} found"
    assert leaked <= SNIPPETS_LEAKED_CEILING, f"{leaked} boilerplate snippets leaked"


def test_real_pages_from_fundus_keep_their_paragraphs() -> None:
    if not FUNDUS.is_dir():
        pytest.skip(f"{FUNDUS} absent")
    found = wanted = 0
    for expected_file in sorted(FUNDUS.glob("*.json")):
        pages = list(FUNDUS.glob(expected_file.stem + "_*.html.gz"))
        if not pages:
            continue
        record = next(iter(json.loads(expected_file.read_text(encoding="utf-8")).values()))
        page = extract_page(gzip.decompress(pages[0].read_bytes()), url="https://example.org/a")
        paragraphs = [p for s in record["body"]["sections"] for p in s["paragraphs"]
                      if len(p) > 80]
        found += sum(p[:60] in page.body for p in paragraphs)
        wanted += len(paragraphs)
    assert wanted and found / wanted >= FUNDUS_PARAGRAPHS_FLOOR, f"{found}/{wanted} found"


def test_stored_urls_never_carry_credentials():
    from pipeline.extract import normalize_url

    assert normalize_url("http://user:s3cret@www.example.it/a/rossi/?utm_source=x#top") == (
        "http://www.example.it/a/rossi/")
    assert normalize_url("https://user@[::1]:8443/x") == "https://[::1]:8443/x"


def test_a_page_of_bytes_that_are_not_text_is_no_article():
    import random

    rng = random.Random(7)
    junk = bytes(rng.getrandbits(8) for _ in range(20_000))
    page = b"<!DOCTYPE html><html><body><article><p>" + junk + b"</p></article></body></html>"
    with pytest.raises(ExtractionError, match="not text"):
        extract_page(page, url="http://www.example.it/a")


@given(st.text(alphabet=st.characters(codec=None), max_size=400)
       | st.text(alphabet=" \n\t\r\x00\x01\x0b\x7f\x85\x9f\xa0\ufffd\u3000ab", max_size=400))
def test_the_garbled_share_counts_what_a_character_by_character_reading_counts(text: str
                                                                               ) -> None:
    def reference(text: str) -> float:  # the definition, one character at a time
        if not text:
            return 0.0
        if len(text) > 200 and sum(ch.isspace() for ch in text) < len(text) / 50:
            return 1.0
        return sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\n\t\r")
                   or "\x7f" <= ch < "\xa0") / len(text)

    assert _garbled_share(text) == reference(text)
