"""Benchmark: backfill pages/s beside bare trafilatura on the same pages and processes.

    python benchmarks/backfill_bench.py [--pages 2000] [--outlets 4] [--repeats 3]
                                        [--processes N] [--kb 100] [--cli]

What a user waits for when a backfill meets many new articles: each feed's links fetched,
every page extracted, its claims read and the article stored. The script writes `--pages`
article pages of about `--kb` KB each (generated here: a real page's shape - head full of
meta, styles and scripts, menus, the article, a column of related headlines, a footer -
around an Italian transfer story with players, clubs and fees), serves them with one RSS
feed per outlet from a separate process on loopback addresses (127.0.0.71, .72, ...; no
host delay), and each repeat:

- voci: one `fetch_pass` - what `voci backfill` runs before it regroups and rescores - into
  a fresh SQLite store, timed from the call to its return (the extraction workers' start
  included);
- bare: `trafilatura.extract` on the identical page bytes, already in memory, in a process
  pool of the same size, timed from the pool's creation to the last page;
- reading: what voci must do to a page whatever fetches and stores it - `extract_page`
  (trafilatura with the title, author, date and canonical link) and the claims of its
  text - on the same bytes in memory, in a pool of the same size.

It prints each side's pages/s (the median over the repeats, and each repeat's) and two
ratios: voci / bare, how close ingest runs to extraction alone; and voci / reading, what
fetching over HTTP, handing pages to the workers and storing cost on top of the reading
of each page, which no ingest can skip. With --cli it also times
the real `voci backfill` command once (its regroup and rescore included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import html
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_HOST = 71  # 127.0.0.71 is the first outlet's host
CLUBS = ["Milan", "Inter", "Juventus", "Napoli", "Roma", "Lazio", "Atalanta", "Fiorentina",
         "Bologna", "Torino", "Genoa", "Udinese", "Lecce", "Cagliari", "Verona", "Parma",
         "Como", "Sassuolo", "Arsenal", "Chelsea", "Liverpool", "Tottenham", "Real Madrid",
         "Barcellona", "Siviglia", "Bayern Monaco", "Benfica", "Porto", "Ajax", "Galatasaray"]
FIRST = ["Marco", "Luca", "Davide", "Lorenzo", "Matteo", "Riccardo", "Giacomo", "Mattia",
         "Nicolò", "Federico", "Andrea", "Kevin", "Teun", "Jhon", "Dušan", "Khéphren"]
ONSETS = ["b", "br", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "z"]
ENDINGS = ["ini", "etti", "one", "ari", "elli", "ucci", "ović", "ero", "inho", "ier"]
MOVES = [
    "Il {buyer} ha chiesto {player} al {seller}: la trattativa è avviata sulla base di "
    "{fee} milioni di euro.",
    "Secondo quanto riportato dalla Gazzetta dello Sport, il {buyer} è in pressing su "
    "{player}, che il {seller} valuta {fee} milioni.",
    "{player} si avvicina al {buyer}: c'è l'accordo con il giocatore, manca quello con il "
    "{seller}.",
    "Il {seller} ha respinto la prima offerta del {buyer} per {player}, da {fee} milioni "
    "più bonus.",
    "Visite mediche fissate per {player}, che domani firmerà con il {buyer} un contratto "
    "fino al 2030.",
]
FILLER = [
    "La squadra si è allenata questa mattina al centro sportivo, con il gruppo al completo "
    "tranne due giocatori alle prese con piccoli acciacchi.",
    "Domenica la partita in casa, davanti a uno stadio che si annuncia esaurito, vale "
    "punti pesanti per la classifica.",
    "L'allenatore ha parlato in conferenza stampa della crescita della squadra e della "
    "necessità di restare concentrati fino alla fine della stagione.",
    "Il direttore sportivo lavora da settimane per rinforzare la rosa, con un occhio al "
    "bilancio e uno ai giovani del vivaio.",
    "Nelle prossime ore sono attesi nuovi contatti tra le parti, ma la strada resta in "
    "salita e i tempi potrebbero allungarsi.",
    "I tifosi aspettano novità, mentre la società ripete che non ci sarà alcuna cessione "
    "a prezzo di saldo.",
]


def _surname(rng: random.Random) -> str:
    stem = "".join(rng.choice(ONSETS) + rng.choice("aeiou") for _ in range(rng.choice((1, 2))))
    return (stem + rng.choice(ENDINGS)).capitalize()


def story(rng: random.Random) -> tuple[str, list[str]]:
    """A title and the paragraphs of a transfer story."""
    player = f"{rng.choice(FIRST)} {_surname(rng)}"
    buyer, seller = rng.sample(CLUBS, 2)
    fee = rng.choice((8, 12, 15, 20, 25, 30, 40))
    title = f"{buyer}, assalto a {player}: il {seller} chiede {fee} milioni"
    paragraphs = []
    for i in range(rng.randint(7, 11)):
        sentences = [rng.choice(FILLER) for _ in range(rng.randint(2, 4))]
        if i % 3 == 0:
            sentences.insert(rng.randint(0, len(sentences)), rng.choice(MOVES).format(
                buyer=buyer, seller=seller, player=player, fee=fee))
        paragraphs.append(" ".join(sentences))
    return title, paragraphs


def _padding(rng: random.Random, kind: str, size: int) -> str:
    """Style or script text of about `size` characters: what real pages carry in bulk."""
    parts: list[str] = []
    n = 0
    while n < size:
        token = f"{kind}{rng.randrange(10**6):06d}"
        if kind == "css":
            td, colour = rng.randrange(999), rng.randrange(16**6)
            a, b = rng.randrange(40), rng.randrange(40)
            part = (f".{token} .td-{td} > a:hover{{color:#{colour:06x};"
                    f"margin:{a}px {b}px;line-height:1.{rng.randrange(9)}}}\n")
        else:
            part = (f"var {token}=window.{token}||[];{token}.push({{id:'{rng.randrange(10**9)}',"
                    f"sizes:[[300,250],[728,90]],slot:'/{rng.randrange(10**8)}/{token}'}});\n")
        parts.append(part)
        n += len(part)
    return "".join(parts)


def page(rng: random.Random, base: str, number: int, title: str, paragraphs: Sequence[str],
         published: dt.datetime, headlines: Sequence[str], kb: int) -> str:
    """One article page of about `kb` KB, shaped as a news site's page is."""
    menu = "".join(f'<li class="menu-item"><a href="{base}/categoria/{_slug(c)}/">'
                   f"{html.escape(c)}</a></li>" for c in CLUBS)
    related = "".join(
        f'<div class="td-module"><div class="td-module-thumb"><a href="{base}/altro/{i}/">'
        f'<img src="{base}/img/{i}.jpg" alt="" width="218" height="150"></a></div>'
        f'<h3 class="entry-title"><a href="{base}/altro/{i}/">{html.escape(h)}</a></h3>'
        f'<span class="td-post-date">{published:%d/%m/%Y}</span></div>'
        for i, h in enumerate(headlines))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    head_meta = "".join(f'<meta name="x-meta-{i}" content="{rng.randrange(10**9)}">'
                        for i in range(30))
    url = f"{base}/mercato/{number}/"
    skeleton = (
        f'<!doctype html><html lang="it-IT"><head><meta charset="UTF-8">'
        f"<title>{html.escape(title)} - Notizie</title>"
        f'<link rel="canonical" href="{url}">'
        f'<meta property="og:title" content="{html.escape(title)}">'
        f'<meta name="author" content="{rng.choice(FIRST)} {_surname(rng)}">'
        f'<meta property="article:published_time" content="{published.isoformat()}">'
        f"{head_meta}<style>{{css}}</style></head><body class=\"single\">"
        f'<div class="td-header"><ul class="menu">{menu}</ul></div>'
        f'<div class="td-container"><div class="td-crumb"><a href="{base}/">Home</a> &gt; '
        f'<a href="{base}/mercato/">Mercato</a></div>'
        f'<article class="post"><header><h1 class="entry-title">{html.escape(title)}</h1>'
        f'<div class="td-author">di Redazione</div><time datetime="{published.isoformat()}">'
        f"{published:%d/%m/%Y %H:%M}</time></header>"
        f'<div class="td-post-content">{body}</div></article>'
        f'<aside class="td-related"><h4>Leggi anche</h4>{related}</aside></div>'
        f'<footer class="td-footer"><p>Testata giornalistica registrata. P.IVA 0{number:010d}'
        f"</p><ul>{menu}</ul></footer>{{script}}</body></html>")
    room = max(0, kb * 1024 - len(skeleton.encode()))
    # as real pages of that size (Italian news sites): 600-900 elements, about half the
    # bytes scripts and styles
    scripts = "".join(f"<script>{_padding(rng, 'js', room // 2 // 40)}</script>"
                      for _ in range(40))
    return (skeleton.replace("{css}", _padding(rng, "css", room // 4))
            .replace("{script}", _widgets(rng, base, headlines, room // 4) + scripts))


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def _widgets(rng: random.Random, base: str, headlines: Sequence[str], size: int) -> str:
    """Sidebar and footer widgets - nested blocks of links, thumbnails, dates, counters -
    of about `size` characters: the markup a page's text must be found among."""
    parts: list[str] = []
    n = 0
    while n < size:
        items = "".join(
            f'<li class="td-item"><div class="td-thumb"><a href="{base}/w/{rng.randrange(10**6)}/"'
            f' title="{html.escape(h)}"><img src="{base}/img/w{rng.randrange(10**6)}.jpg" '
            f'alt="" width="100" height="70"></a></div><div class="td-meta"><a href='
            f'"{base}/w/{rng.randrange(10**6)}/">{html.escape(h)}</a><span class="td-date">'
            f"{rng.randrange(1, 29)}/{rng.randrange(1, 13)}/2026</span><span class="
            f'"td-comments">{rng.randrange(200)}</span></div></li>'
            for h in rng.sample(list(headlines), 5))
        part = (f'<div class="td-widget td-block-{rng.randrange(999)}"><div class="td-block-'
                f'title-wrap"><h4 class="block-title"><span>{rng.choice(CLUBS)}</span></h4>'
                f'</div><div class="td-block-inner"><ul class="td-list">{items}</ul></div></div>')
        parts.append(part)
        n += len(part)
    return "".join(parts)


def rss(base: str, items: Sequence[tuple[str, str, dt.datetime]]) -> str:
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{u}</link>"
        f"<pubDate>{email.utils.format_datetime(d)}</pubDate>"
        f"<description>{html.escape(t)}</description></item>" for t, u, d in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Notizie</title><link>{base}/</link><description>Mercato</description>"
            f"{entries}</channel></rss>")


def build(folder: Path, pages: int, outlets: int, port: int, kb: int) -> list[Path]:
    """Every outlet's feed and pages under folder/<host>/; returns the page files."""
    rng = random.Random(20261205)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    stories = [story(rng) for _ in range(pages)]
    files: list[Path] = []
    for o in range(outlets):
        host = f"127.0.0.{FIRST_HOST + o}"
        base = f"http://{host}:{port}"
        items = []
        for number in range(o, pages, outlets):
            title, paragraphs = stories[number]
            published = now - dt.timedelta(minutes=number)
            headlines = [stories[rng.randrange(pages)][0] for _ in range(30)]
            path = folder / host / "mercato" / str(number) / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page(rng, base, number, title, paragraphs, published, headlines, kb),
                            encoding="utf-8")
            files.append(path)
            items.append((title, f"{base}/mercato/{number}/", published))
        (folder / host / "feed.xml").write_text(rss(base, items), encoding="utf-8")
    return files


def sources_yaml(outlets: int, port: int) -> str:
    lines = ["outlets:"]
    for o in range(outlets):
        host = f"127.0.0.{FIRST_HOST + o}"
        lines += [f"  - id: sito-{o}", f"    name: Sito {o}", "    reliability: 0.5",
                  "    feeds:", f"      - http://{host}:{port}/feed.xml"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the server (own process)

def serve(folder: Path, outlets: int, port: int) -> None:
    """Serve folder/<host>/... on each outlet's loopback address from memory, until stdin
    closes. HTTP/1.1 with keep-alive; robots.txt is a 404 (everything allowed)."""
    files: dict[tuple[str, str], bytes] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            host, *rest = path.relative_to(folder).parts
            route = "/" + "/".join(rest)
            files[(host, route.removesuffix("index.html"))] = path.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = files.get((self.server.server_address[0], self.path.split("?")[0]))
            kind = ("application/rss+xml" if self.path.endswith(".xml")
                    else "text/html; charset=utf-8")
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", kind if body is not None else "text/plain")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    servers = []
    for o in range(outlets):
        server = ThreadingHTTPServer((f"127.0.0.{FIRST_HOST + o}", port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    print("ready", flush=True)
    sys.stdin.read()
    for server in servers:
        server.shutdown()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((f"127.0.0.{FIRST_HOST}", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------- the two sides

def time_voci(sources_text: str, db: Path) -> tuple[float, int]:
    """One fetch_pass into a fresh store: its seconds and the articles it stored."""
    from pipeline import USER_AGENT
    from pipeline.fetch import FetchConfig, Fetcher
    from pipeline.run import fetch_pass
    from pipeline.sources import parse_sources
    from pipeline.store import Store

    sources = parse_sources(sources_text)
    config = FetchConfig(user_agent=USER_AGENT, min_host_delay=0)
    with Store(f"sqlite:///{db}") as store, Fetcher(config) as fetcher:
        now = dt.datetime.now(dt.UTC)
        start = time.perf_counter()
        summary = fetch_pass(sources, store, fetcher, now=now)
        seconds = time.perf_counter() - start
    if summary.articles_failed or summary.count("failed"):
        raise SystemExit(f"the pass failed on some pages: {summary}")
    return seconds, summary.articles_new


def _bare(content: bytes) -> int:
    import trafilatura

    return len(trafilatura.extract(content) or "")


def _reading(content: bytes) -> int:
    from pipeline.extract import extract_page
    from pipeline.ingest import claims_of

    page = extract_page(content, url="http://127.0.0.71/mercato/")
    claims_of(page.title or "", page.body, "sito-0", (), page.published_at)
    return len(page.body)


def _warm() -> None:
    import trafilatura  # noqa: F401  (a worker's start-up, as voci's workers have theirs)


def _warm_reading() -> None:
    import pipeline.ingest  # noqa: F401  (what voci's fork server imports once)


def time_bare(contents: Sequence[bytes], processes: int,
              work: Callable[[bytes], int] | None = None) -> float:
    """trafilatura.extract (or `work`) over every page in a pool of `processes`: seconds,
    the pool's start included."""
    work, warm = (work, _warm_reading) if work else (_bare, _warm)
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
    start = time.perf_counter()
    with ProcessPoolExecutor(processes, mp_context=context, initializer=warm) as pool:
        empty = sum(1 for n in pool.map(work, contents, chunksize=4) if n == 0)
    seconds = time.perf_counter() - start
    if empty:
        raise SystemExit(f"{work.__name__} found nothing in {empty} pages")
    return seconds


def time_cli(sources_file: Path, db: Path) -> float:
    voci = shutil.which("voci") or "voci"
    start = time.perf_counter()
    subprocess.run([voci, "--db", f"sqlite:///{db}", "--sources", str(sources_file),
                    "backfill", "--host-delay", "0", "--json"], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _median_line(name: str, pages: int, seconds: Sequence[float]) -> str:
    rates = [pages / s for s in seconds]
    each = " ".join(f"{r:.1f}" for r in rates)
    return f"{name:7} {statistics.median(rates):8.1f} pages/s   (each repeat: {each})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--outlets", type=int, default=4, help="hosts, one feed each")
    parser.add_argument("--kb", type=int, default=100, help="size of a page")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="bare trafilatura's pool (voci sizes its own to the cores)")
    parser.add_argument("--cli", action="store_true",
                        help="also time one real `voci backfill` (regroup and rescore included)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--serve", nargs=3, metavar=("DIR", "OUTLETS", "PORT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]), int(args.serve[2]))
        return 0
    if args.pages < 1 or args.outlets < 1 or args.repeats < 1 or args.processes < 1:
        parser.error("--pages, --outlets, --repeats and --processes must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="voci-backfill-bench-"))
    port = _free_port()
    try:
        files = build(work / "site", args.pages, args.outlets, port, args.kb)
        contents = [f.read_bytes() for f in files]
        size = statistics.mean(len(c) for c in contents) / 1024
        print(f"{len(contents)} pages of {size:.0f} KB on {args.outlets} hosts; "
              f"{args.processes} processes for bare trafilatura, voci's pool sized to "
              f"{os.cpu_count()} cores", flush=True)
        (work / "sources.yaml").write_text(sources_yaml(args.outlets, port), encoding="utf-8")
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(work / "site"),
                                   str(args.outlets), str(port)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            if server.stdout is None or server.stdout.readline().strip() != "ready":
                raise SystemExit("the page server did not start")
            voci: list[float] = []
            bare: list[float] = []
            reading: list[float] = []
            for n in range(args.repeats):
                db = work / f"voci-{n}.db"
                seconds, stored = time_voci(sources_yaml(args.outlets, port), db)
                if stored != args.pages:
                    raise SystemExit(f"voci stored {stored} articles of {args.pages}")
                voci.append(seconds)
                db.unlink()
                bare.append(time_bare(contents, args.processes))
                reading.append(time_bare(contents, args.processes, _reading))
                print(f"repeat {n + 1}: voci {args.pages / voci[-1]:.1f} pages/s, "
                      f"bare {args.pages / bare[-1]:.1f} pages/s, "
                      f"reading {args.pages / reading[-1]:.1f} pages/s", flush=True)
            cli = time_cli(work / "sources.yaml", work / "cli.db") if args.cli else None
        finally:
            _stop(server)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rate = statistics.median(args.pages / s for s in voci)
    bare_rate = statistics.median(args.pages / s for s in bare)
    reading_rate = statistics.median(args.pages / s for s in reading)
    print(_median_line("voci", args.pages, voci))
    print(_median_line("bare", args.pages, bare))
    print(_median_line("reading", args.pages, reading))
    print(f"ratio  {rate / bare_rate:8.2f}   (voci / bare trafilatura, medians)")
    print(f"ratio  {rate / reading_rate:8.2f}   (voci / reading: extraction and claims, "
          "pages in memory, medians)")
    if cli is not None:
        print(f"voci backfill (whole command): {cli:.1f} s, {args.pages / cli:.1f} pages/s")
    if args.json:
        args.json.write_text(json.dumps({
            "pages": args.pages, "kb": round(size), "processes": args.processes,
            "voci_pages_per_s": rate, "bare_pages_per_s": bare_rate,
            "reading_pages_per_s": reading_rate, "ratio": rate / bare_rate,
            "ratio_to_reading": rate / reading_rate, "voci_seconds": voci,
            "bare_seconds": bare, "reading_seconds": reading,
            "cli_seconds": cli}, indent=2))
    return 0


def _stop(server: subprocess.Popen[str]) -> None:
    if server.stdin is not None:
        server.stdin.close()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


if __name__ == "__main__":
    raise SystemExit(main())
