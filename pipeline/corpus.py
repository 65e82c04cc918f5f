"""A labelled corpus (tests/fixtures/corpus/FORMAT.md) served on loopback, like a small web.

Each outlet of the corpus gets its own loopback address (127.0.0.11, .12, … in the order
of gold.yaml) on one shared port, so per-host politeness and domain checks behave as they
do on the real web. Files answer conditional requests with 304. Used by `voci eval` and
by the tests; it never listens beyond 127.0.0.0/8.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from pipeline.sources import Sources, parse_sources

LAST_MODIFIED = "Tue, 24 Nov 2026 08:00:00 GMT"


@dataclass(frozen=True)
class ServedRequest:
    host: str
    path: str
    status: int
    conditional: bool  # carried If-None-Match or If-Modified-Since
    user_agent: str


class CorpusServer:
    def __init__(self, corpus_dir: str | Path, *, first_host: int = 11) -> None:
        self.root = Path(corpus_dir).resolve()
        gold_path = self.root / "gold.yaml"
        if not gold_path.is_file():
            raise FileNotFoundError(f"{self.root} is not a corpus: no gold.yaml")
        self.gold: dict[str, Any] = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        self.requests: list[ServedRequest] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self.hosts: dict[str, str] = {}  # outlet id -> loopback address
        for n, outlet_id in enumerate(self.gold["outlets"], start=first_host):
            self.hosts[outlet_id] = f"127.0.0.{n}"
        self.port = _free_port(next(iter(self.hosts.values())))

    def base_url(self, outlet_id: str) -> str:
        return f"http://{self.hosts[outlet_id]}:{self.port}"

    def start(self) -> CorpusServer:
        for outlet_id, host in self.hosts.items():
            handler = _handler(self, self.root / "site" / outlet_id, self.base_url(outlet_id))
            server = _QuietServer((host, self.port), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True,
                             name=f"corpus-{outlet_id}").start()
            self._servers.append(server)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> CorpusServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sources_yaml(self) -> str:
        """A sources file listing every outlet of the corpus with its served feeds."""
        outlets = []
        for outlet_id, o in self.gold["outlets"].items():
            outlets.append({
                "id": outlet_id, "name": o["name"], "aliases": list(o.get("aliases", [])),
                "reliability": o["reliability"],
                "feeds": [self.base_url(outlet_id) + path for path in o["feeds"]],
            })
        return yaml.safe_dump({"outlets": outlets}, allow_unicode=True, sort_keys=False)

    def sources(self) -> Sources:
        return parse_sources(self.sources_yaml(), f"<corpus {self.root.name}>")

    def article_url(self, outlet_id: str, path: str) -> str:
        return self.base_url(outlet_id) + path

    def _record(self, request: ServedRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _handler(owner: CorpusServer, site: Path, base: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet: the owner records requests
            pass

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            target = (site / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.xml"
            conditional = bool(self.headers.get("If-None-Match")
                               or self.headers.get("If-Modified-Since"))
            if not (target.is_file() and site.resolve() in target.parents):
                self._send(404, b"not found", {"Content-Type": "text/plain"}, path, conditional)
                return
            body = target.read_bytes().replace(b"{{BASE}}", base.encode())
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            charset = "windows-1252" if b"windows-1252" in body[:400].lower() else "utf-8"
            kind = "application/xml" if target.suffix == ".xml" else "text/html"
            headers = {"Content-Type": f"{kind}; charset={charset}", "ETag": etag,
                       "Last-Modified": LAST_MODIFIED}
            if self.headers.get("If-None-Match") == etag or (
                    not self.headers.get("If-None-Match")
                    and self.headers.get("If-Modified-Since") == LAST_MODIFIED):
                self._send(304, b"", headers, path, conditional)
            else:
                self._send(200, body, headers, path, conditional)

        def _send(self, status: int, body: bytes, headers: dict[str, str], path: str,
                  conditional: bool) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            owner._record(ServedRequest(self.server.server_address[0], path, status,  # type: ignore[index]
                                        conditional, self.headers.get("User-Agent", "")))

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client closing its keep-alive connection is normal, not worth a traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])
