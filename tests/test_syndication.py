from __future__ import annotations

import datetime as dt

from pipeline import syndication

P1 = ("Il Milan cerca un difensore centrale per gennaio e tra i nomi sul taccuino del ds "
      "spunta quello di un serbo che conosce bene il campionato italiano.")
P2 = ("Una cifra che il club potrebbe considerare alla portata, anche se in società non tutti "
      "sono convinti di investire su un difensore di quasi trent'anni.")
P3 = "Nei prossimi giorni attesi aggiornamenti."


def test_short_paragraphs_and_subheadings_do_not_count() -> None:
    assert len(syndication.fingerprints(f"{P1}\n\n{P3}\n\n{P2}")) == 2


def test_copies_match_across_templates_and_case() -> None:
    original = syndication.fingerprints(f"{P1}\n\n{P2}")
    copy = syndication.fingerprints(f"Il Milan cerca un difensore\n\n{P1.upper()}\n\n{P2}  ")
    shared = len(original & copy)
    assert syndication.is_copy(shared, len(original), len(copy))


def test_one_shared_paragraph_of_many_is_no_copy() -> None:
    other = ("Un altro paragrafo del tutto diverso, dedicato al mercato in uscita della squadra "
             "e alle cessioni che la dirigenza ha in mente.")
    a = syndication.fingerprints(f"{P1}\n\n{P2}")
    b = syndication.fingerprints(f"{P1}\n\n{other}")
    assert not syndication.is_copy(len(a & b), len(a), len(b))
    assert not syndication.is_copy(0, 0, 3)


def test_content_hash_ignores_layout_only() -> None:
    assert syndication.content_hash(f"{P1}\n\n{P2}") == syndication.content_hash(f" {P1}\n{P2} ")
    assert syndication.content_hash(P1) != syndication.content_hash(P2)


def test_a_drafts_fingerprints_are_its_bodys() -> None:
    # the worker that reads a page hashes its paragraphs; the store takes them as they are
    from pipeline.articles import draft_from_feed, page_draft
    from pipeline.model import ExtractedPage, FeedEntry

    at = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
    for body in (f"{P1}\n\n{P3}\n\n{P2}", f"{P1.upper()}\n{P2}", P3, ""):
        assert syndication.digests(body) == (syndication.content_hash(body),
                                             syndication.fingerprints(body))
        page = ExtractedPage(body=body, title="T", author=None, published_at=at,
                             canonical_url=None, language="it")
        draft = page_draft(page, link="http://a.example/1", final_url="http://a.example/1",
                           outlet_id="a", fetched_at=at)
        entry = FeedEntry(link="http://a.example/2", title="T", summary=body, content="",
                          author=None, published_at=at)
        fed = draft_from_feed(entry, outlet_id="a", feed_id=None, fetched_at=at, why="x")
        assert fed is not None
        for d in (draft, fed):
            assert d.fingerprints == syndication.fingerprints(d.body)
            assert d.content_hash == syndication.content_hash(d.body)
