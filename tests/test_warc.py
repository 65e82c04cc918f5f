"""WARC archives: written with warcio here, read back for the outlets' pages only."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.fetch.warc import WarcError, WarcTally, read_warc
from pipeline.sources import Outlet

OUTLETS = (Outlet("mercatonews", "Mercato News", 0.4, (), domains=("mercatonews.it",)),
           Outlet("gazzettina", "La Gazzettina", 0.6, (), domains=("gazzettina.it",)))
CAPTURED = "2026-11-21T07:15:00Z"


def article_page(title: str, published: str, lead: str) -> bytes:
    """A real-looking Italian transfer-news page: menus, the article, boxes around it."""
    return (f'<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{published}"></head><body>'
            "<nav>Home · Serie A · Calciomercato · Video</nav><article>"
            f"<h1>{title}</h1><p>{lead}</p>"
            "<p>Secondo quanto riportato dai principali quotidiani sportivi, le parti si "
            "rivedranno nei prossimi giorni per definire gli ultimi dettagli: bonus, "
            "percentuale sulla futura rivendita e durata del contratto del giocatore.</p>"
            "<p>Il direttore sportivo ha confermato l'interesse ai microfoni dei cronisti "
            "presenti, senza sbilanciarsi sui tempi dell'operazione.</p></article>"
            "<aside>Leggi anche: le pagelle della giornata</aside></body></html>").encode()


PAGES = {
    "https://www.mercatonews.it/napoli/mainoo": article_page(
        "Napoli, accordo con il Manchester United per Mainoo", "2026-11-20T18:30:00+01:00",
        "Il Napoli ha trovato l'accordo con il Manchester United per Kobbie Mainoo: "
        "operazione da 45 milioni di euro, bonus compresi."),
    "https://gazzettina.it/calcio/juventus-vlahovic": article_page(
        "Juventus, il Milan ci prova per Vlahovic", "2026-11-19T09:00:00+01:00",
        "Il Milan ha presentato un'offerta alla Juventus per Dusan Vlahovic: sul piatto "
        "30 milioni di euro più il cartellino di un giovane centrocampista."),
    "https://www.altrosito.com/news/mercato": article_page(
        "Mercato, le ultime", "2026-11-20T10:00:00+01:00",
        "Il Barcellona segue con attenzione un difensore della Premier League da tempo."),
}


def write_warc(path: Path, *, gzip: bool = True, extra: bool = True) -> list[tuple[int, int]]:
    """The PAGES as responses, plus a request record and a non-HTML response. Returns
    where each response to a page starts and ends in the file."""
    spans = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        for url, body in PAGES.items():
            if extra:
                writer.write_record(writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            start = out.tell()
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": CAPTURED}))
            spans.append((start, out.tell()))
        if extra:
            image = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")],
                                     protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                "https://www.mercatonews.it/foto/mainoo.jpg", "response",
                payload=io.BytesIO(b"\xff\xd8\xff\xe0 jpeg"), http_headers=image))
    return spans


@pytest.mark.parametrize("gzip", [True, False])
def test_only_the_outlets_html_pages_are_read(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("cc-news.warc.gz" if gzip else "cc-news.warc")
    write_warc(path, gzip=gzip)
    tally = WarcTally()
    pages = list(read_warc(path, OUTLETS, tally=tally))
    assert [(p.outlet_id, p.url) for p in pages] == [
        ("mercatonews", "https://www.mercatonews.it/napoli/mainoo"),
        ("gazzettina", "https://gazzettina.it/calcio/juventus-vlahovic")]
    assert pages[0].content == PAGES["https://www.mercatonews.it/napoli/mainoo"]
    assert pages[0].fetched_at == dt.datetime(2026, 11, 21, 7, 15, tzinfo=dt.UTC)
    assert pages[0].content_type == "text/html; charset=utf-8"
    assert tally.records == 7 and tally.kept == 2
    assert tally.skipped == {"not_response": 3, "foreign_host": 1, "not_html": 1}


def test_a_damaged_archive_yields_what_it_can_then_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rotto.warc.gz"
    start, end = write_warc(path, extra=False)[2]
    # Cut in the middle of the third record. (A cut at a fixed share of the file fell,
    # now and then, where the reader saw no damage: record ids are random, so sizes vary.)
    path.write_bytes(path.read_bytes()[: (start + end) // 2])
    got = []
    with pytest.raises(WarcError) as caught:
        got.extend(p.url for p in read_warc(path, OUTLETS))
    assert len(got) == 2
    assert str(caught.value).startswith(f"{path}: damaged after")


@pytest.mark.parametrize("gzip", [True, False])
@pytest.mark.parametrize("share", [0.02, 0.1, 0.2, 0.25, 0.3, 0.4, 0.6, 0.9])
def test_a_file_cut_anywhere_in_its_last_record_is_damaged(tmp_path: Path, gzip: bool,
                                                           share: float) -> None:
    # warcio itself ends without a word when the cut falls in a record's headers
    path = tmp_path / ("rotto.warc.gz" if gzip else "rotto.warc")
    start, end = write_warc(path, gzip=gzip, extra=False)[2]
    path.write_bytes(path.read_bytes()[: start + int((end - start) * share)])
    with pytest.raises(WarcError, match="damaged after 2 records"):
        list(read_warc(path, OUTLETS))


def test_a_gzip_file_cut_in_its_last_checksum_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "rotto.warc.gz"
    _, end = write_warc(path, extra=False)[2]
    path.write_bytes(path.read_bytes()[: end - 4])  # the record is whole, its CRC is not
    with pytest.raises(WarcError, match="damaged after 3 records.*gzip member"):
        list(read_warc(path, OUTLETS))


@pytest.mark.parametrize("content", [b"questo non \xe8 un archivio\n" * 20, None])
def test_what_is_no_archive_is_an_error_naming_the_file(tmp_path: Path,
                                                       content: bytes | None) -> None:
    path = tmp_path / "altro.warc"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(WarcError, match=str(path)):
        list(read_warc(path, OUTLETS))
