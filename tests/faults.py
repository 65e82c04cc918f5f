"""Hostile and broken outlets on loopback: one site per fault, for the fault suite.

Each `Fault` is an outlet whose server misbehaves in one way - in its feed, its robots.txt
or its article pages - and says what voci must record about it. `FaultSite` serves one
fault on its own loopback address (127.0.0.N, so each outlet is its own host), answering
with raw bytes so that anything can be sent: headers a byte at a time, a reset in the
middle of a status line, garbage instead of HTTP, gzip and entity bombs.

A healthy outlet ("healthy") serves a clean feed of three articles; every fault site
also lists one healthy article, so the suite checks that a fault in one place loses
nothing elsewhere.
"""

from __future__ import annotations

import gzip
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from tests.rawserver import RawServer

Action = Callable[[socket.socket, "FaultSite"], None]

PUBLISHED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

# Invented articles, each making one claim (player, buyer), long enough to be extracted.
ARTICLES = {
    "rossi": ("Genoa, fatta per Matteo Rossini",
              "Il Genoa ha chiuso per Matteo Rossini, centrocampista classe 2003 del Lecce. "
              "L'accordo tra i club è stato trovato sulla base di otto milioni di euro più "
              "bonus, e il giocatore ha già detto sì al trasferimento. Nei prossimi giorni "
              "sono attese le visite mediche, poi la firma sul contratto quinquennale."),
    "bianchi": ("Torino, sondaggio per Luca Bianchetti",
                "Il Torino ha effettuato un sondaggio per Luca Bianchetti, difensore classe "
                "2002 dell'Empoli. Per ora si tratta di un primo contatto esplorativo con "
                "l'entourage del giocatore, ma la dirigenza granata lo considera un profilo "
                "ideale per rinforzare la retroguardia già nella sessione di gennaio."),
    "verdi": ("Lecce, idea Paolo Verdello per l'attacco",
              "Il Lecce pensa a Paolo Verdello, attaccante classe 2004 del Cagliari. Il "
              "club salentino segue da tempo il giovane centravanti, autore di sei gol in "
              "questa stagione, e potrebbe presentare un'offerta nelle prossime settimane "
              "se le condizioni economiche lo permetteranno."),
}


def article_html(key: str) -> bytes:
    title, body = ARTICLES[key]
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (f"<!DOCTYPE html><html lang=\"it\"><head><meta charset=\"utf-8\"><title>{title}"
            f"</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body>"
            "</html>").encode()


def rss(items: list[tuple[str, str, str]], *, encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 feed of (title, link, description) items."""
    date = format_datetime(PUBLISHED)
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date}</pubDate><description>{d}</description></item>"
        for t, link, d in items)
    return (f"<?xml version=\"1.0\" encoding=\"{encoding}\"?><rss version=\"2.0\"><channel>"
            f"<title>Mercato</title><link>http://example.it/</link><description>news"
            f"</description><language>it</language>{body}</channel></rss>").encode(encoding)


def respond(conn: socket.socket, status: int = 200, body: bytes = b"",
            headers: dict[str, str] | None = None, reason: str = "OK") -> None:
    head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}",
            "Connection: close"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)


def wait_until_closed(site: FaultSite, seconds: float) -> None:
    site.server.stopping.wait(seconds)


@dataclass
class FaultSite:
    """One outlet's server: routes from path to an action writing raw bytes."""

    name: str
    host: str
    routes: dict[str, Action] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    heads: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.server = RawServer(self._handle, host=self.host)

    def url(self, path: str) -> str:
        return self.server.url(path)

    def start(self) -> FaultSite:
        self.server.__enter__()
        return self

    def close(self) -> None:
        self.server.close()

    def _handle(self, conn: socket.socket, head: bytes) -> None:
        line = head.split(b"\r\n", 1)[0].decode("latin-1", "replace")
        parts = line.split()
        path = parts[1] if len(parts) > 1 else "/"
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.heads.append(head)
        action = self.routes.get(path)
        if action is None:
            respond(conn, 404, b"not found", reason="Not Found")
        else:
            action(conn, self)


# ---------------------------------------------------------------- the actions

def ok(body: bytes, content_type: str, **extra: str) -> Action:
    return lambda conn, site: respond(conn, 200, body, {"Content-Type": content_type, **extra})


def status(code: int, reason: str, **extra: str) -> Action:
    return lambda conn, site: respond(conn, code, b"", extra, reason=reason)


def sequence(*actions: Action) -> Action:
    """Each request gets the next action; the last repeats."""
    count = [0]

    def act(conn: socket.socket, site: FaultSite) -> None:
        index = min(count[0], len(actions) - 1)
        count[0] += 1
        actions[index](conn, site)

    return act


def drip_headers(conn: socket.socket, site: FaultSite) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Pad: " + b"x" * 500:
        if site.server.stopping.is_set():
            return
        conn.sendall(bytes([byte]))
        time.sleep(0.2)


def drip_body(conn: socket.socket, site: FaultSite) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(1000):
        if site.server.stopping.is_set():
            return
        conn.sendall(b"<p>")
        time.sleep(0.2)


def silent(conn: socket.socket, site: FaultSite) -> None:
    wait_until_closed(site, 60)  # accepts, reads the request, never answers


def reset_mid_status(conn: socket.socket, site: FaultSite) -> None:
    conn.sendall(b"HTTP/1.1 2")
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


def garbage(conn: socket.socket, site: FaultSite) -> None:
    conn.sendall(random.Random(5).randbytes(4096))


def endless_chunks(conn: socket.socket, site: FaultSite) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                 b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"<item>" * 10_000
    for _ in range(2000):  # 120 MB, far over any cap
        if site.server.stopping.is_set():
            return
        conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")


def gzip_bomb(content_type: str) -> Action:
    bomb = gzip.compress(b"<" + b"a" * 50_000_000, compresslevel=9)  # 50 MB from ~50 KB
    return ok(bomb, content_type, **{"Content-Encoding": "gzip"})


def redirect(location: str, code: int = 302) -> Action:
    return lambda conn, site: respond(conn, code, b"", {"Location": location}, reason="Found")


def _entity_bomb() -> bytes:
    """A "billion laughs" feed: ten levels of entities, each ten of the one below."""
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?><!DOCTYPE rss [{"".join(entities)}]><rss version="2.0">'
            "<channel><title>&lol9;</title><item><title>&lol9;</title>"
            "<link>http://example.it/x</link></item></channel></rss>").encode()


ENTITY_BOMB = _entity_bomb()


# ---------------------------------------------------------------- the catalogue

@dataclass(frozen=True)
class Fault:
    """One kind of fault: what its site serves, and what voci must make of it.

    `feed`: the feed's action, or None for a healthy feed listing `pages`. `pages`: the
    article paths the healthy feed lists, with their actions. `robots`: robots.txt.
    `expect`: "feed_error" (the feed's failure recorded, `reason` - a regex - found in it),
    "link_failure" (the page's failure recorded in link_failures), "feed_text" (the
    article stored from the feed's own text, with `reason` in its fetch_error), or "ok"
    (stored from the page, as if nothing were wrong).
    """

    name: str
    expect: str
    reason: str = ""
    feed: Callable[[FaultSite], Action] | None = None
    page: Action | None = None  # the action of the fault's own article page
    robots: Action | None = None
    link: Callable[[FaultSite], str] | None = None  # the link the feed gives its article


def _own(site: FaultSite, path: str = "/art/rossi") -> str:
    return site.url(path)


FAULTS: tuple[Fault, ...] = (
    # the feed
    Fault("malformed_xml", "feed_error", "malformed feed",
          feed=lambda s: ok(b"<rss><channel><item><title>Rossi</ti", "application/rss+xml")),
    Fault("html_instead_of_feed", "feed_error", "not an RSS or Atom feed",
          feed=lambda s: ok(b"<!DOCTYPE html><html><body>Pagina</body></html>", "text/html")),
    Fault("empty_feed_body", "feed_error", "not an RSS or Atom feed",
          feed=lambda s: ok(b"", "application/rss+xml")),
    Fault("feed_404", "feed_error", "HTTP 404", feed=lambda s: status(404, "Not Found")),
    Fault("feed_500_persistent", "feed_error", "HTTP 500",
          feed=lambda s: status(500, "Internal Server Error")),
    Fault("feed_503_retry_after_an_hour", "feed_error", "Retry-After",
          feed=lambda s: status(503, "Service Unavailable", **{"Retry-After": "3600"})),
    Fault("feed_429_then_ok", "ok",
          feed=lambda s: sequence(status(429, "Too Many Requests", **{"Retry-After": "0"}),
                                  ok(rss([(*ARTICLES["rossi"][:1], _own(s), "x")]),
                                     "application/rss+xml"))),
    Fault("feed_redirect_loop", "feed_error", "redirected more than",
          feed=lambda s: redirect("/feed.xml")),
    Fault("feed_redirect_to_bad_url", "feed_error", "redirects to",
          feed=lambda s: redirect("javascript:alert(1)")),
    Fault("feed_announces_too_large", "feed_error", "cap is",
          feed=lambda s: lambda conn, site: conn.sendall(
              b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
              b"Content-Length: 900000000\r\n\r\n<rss>")),
    Fault("feed_endless_chunks", "feed_error", "sends over", feed=lambda s: endless_chunks),
    Fault("feed_headers_dripped", "feed_error", "to answer", feed=lambda s: drip_headers),
    Fault("feed_never_answers", "feed_error", "Timeout", feed=lambda s: silent),
    Fault("feed_reset_mid_status", "feed_error", "for http", feed=lambda s: reset_mid_status),
    Fault("feed_garbage_not_http", "feed_error", "for http", feed=lambda s: garbage),
    Fault("feed_gzip_bomb", "feed_error", "sends over",
          feed=lambda s: gzip_bomb("application/rss+xml")),
    # expat stops the expansion; the one link left points off the outlet's host
    Fault("feed_entity_bomb", "link_failure", "outside",
          feed=lambda s: ok(ENTITY_BOMB, "application/rss+xml")),
    Fault("feed_megabyte_title", "ok",
          feed=lambda s: ok(rss([("Calciomercato " * 80_000, _own(s), "x")]),
                            "application/rss+xml")),
    Fault("feed_latin1_declared_utf8", "ok",
          feed=lambda s: ok(rss([("Città, fatta per Matteo Rossini", _own(s), "è")],
                                encoding="latin-1").replace(b"latin-1", b"utf-8"),
                            "application/rss+xml; charset=utf-8")),
    Fault("feed_garbage_dates", "ok",
          feed=lambda s: ok(rss([(*ARTICLES["rossi"][:1], _own(s), "x")]).replace(
              b"<pubDate>", b"<pubDate>il 31 di febbraio ").replace(b"+0000", b""),
              "application/rss+xml")),
    # the links a feed gives
    Fault("link_to_a_foreign_host", "link_failure", "outside",
          link=lambda s: "http://127.0.0.254:9/art/rossi"),
    Fault("link_not_http", "link_failure", "only http and https",
          link=lambda s: "ftp://example.it/art/rossi"),
    Fault("link_with_credentials", "ok",
          link=lambda s: s.url("/art/rossi").replace("http://", "http://user:s3cret@")),
    Fault("same_link_listed_twice", "ok",
          feed=lambda s: ok(rss([(*ARTICLES["rossi"][:1], _own(s), "x")] * 2),
                            "application/rss+xml")),
    # robots.txt
    Fault("robots_disallows_all", "feed_text", "robots.txt disallows",
          robots=ok(b"User-agent: *\nDisallow: /\n", "text/plain")),
    Fault("robots_503", "feed_text", "treated as disallowed",
          robots=status(503, "Service Unavailable")),
    Fault("robots_dripped", "feed_text", "treated as disallowed", robots=drip_headers),
    # the article page
    Fault("page_random_bytes", "feed_text", "not text",
          page=ok(b"<!DOCTYPE html><html><body><article><p>"
                  + random.Random(9).randbytes(30_000)
                  + b"</p></article></body></html>", "text/html")),
    Fault("page_404", "feed_text", "HTTP 404", page=status(404, "Not Found")),
    Fault("page_is_pdf", "feed_text", "not HTML", page=ok(b"%PDF-1.4 ...", "application/pdf")),
    Fault("page_redirects_abroad", "link_failure", "outside",
          page=redirect("http://127.0.0.254:9/elsewhere")),
    Fault("page_too_large", "feed_text", "cap is",
          page=lambda conn, site: conn.sendall(
              b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 900000000\r\n\r\n")),
    Fault("page_body_dripped", "feed_text", "to answer", page=drip_body),
    Fault("page_empty", "feed_text", "not parseable", page=ok(b"", "text/html")),
    Fault("page_gzip_bomb", "feed_text", "sends over|to answer", page=gzip_bomb("text/html")),
)


def fault_site(fault: Fault, host: str) -> FaultSite:
    site = FaultSite(fault.name, host)
    link = fault.link(site) if fault.link else _own(site)
    feed_action = fault.feed(site) if fault.feed else ok(
        rss([(ARTICLES["rossi"][0], link, "Il Genoa ha chiuso per Matteo Rossini del Lecce.")]),
        "application/rss+xml")
    site.routes["/feed.xml"] = feed_action
    site.routes["/robots.txt"] = fault.robots or ok(b"User-agent: *\nAllow: /\n", "text/plain")
    site.routes["/art/rossi"] = fault.page or ok(article_html("rossi"), "text/html; charset=utf-8")
    return site


def healthy_site(host: str) -> FaultSite:
    site = FaultSite("healthy", host)
    items = [(ARTICLES[k][0], site.url(f"/art/{k}"), ARTICLES[k][1][:80]) for k in ARTICLES]
    site.routes["/feed.xml"] = ok(rss(items), "application/rss+xml")
    site.routes["/robots.txt"] = ok(b"User-agent: *\nAllow: /\n", "text/plain")
    for key in ARTICLES:
        site.routes[f"/art/{key}"] = ok(article_html(key), "text/html; charset=utf-8")
    return site


def sources_yaml(sites: list[FaultSite]) -> str:
    lines = ["outlets:"]
    for site in sites:
        lines += [f"  - id: {site.name.replace('_', '-')}", f"    name: {site.name}",
                  "    reliability: 0.5", f"    feeds: [{site.url('/feed.xml')}]"]
    return "\n".join(lines) + "\n"

