"""A real HTTP/1.1 server on a loopback address, for voci's tests.

Owns: answering scripted routes (fixed answers, sequences, conditional GET, slow and
chunked answers, redirects) and recording every request it saw, with its start time, so
tests can check what a client really sent. Several servers on different addresses
(127.0.0.1, 127.0.0.2, ...) stand in for different hosts; Linux routes all of 127/8 to lo.

    with LoopbackServer() as server:
        server.route("/feed.xml", b"<rss/>", headers={"Content-Type": "application/rss+xml"})
        ... fetch server.url("/feed.xml") ...
        assert server.requests_for("/feed.xml")[0].header("user-agent").startswith("voci")
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True, eq=False)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str  # as sent, query included
    headers: Mapping[str, str]  # names lower-cased
    started: float  # time.monotonic() when the request line had been read
    host: str  # the server address it arrived at

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Response:
    """One scripted answer."""

    body: bytes | str = b""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line: provokes read timeouts
    chunked: bool = False  # Transfer-Encoding: chunked, no Content-Length
    chunk_size: int = 16 * 1024
    chunk_delay: float = 0.0  # seconds between chunks: a slowly dripping body
    etag: str | None = None  # answer 304 when If-None-Match matches it
    last_modified: str | None = None  # answer 304 when If-Modified-Since equals it
    # Called with the request before answering, on the handler thread: lets a test
    # block a request or observe ordering between servers.
    hook: Callable[[RecordedRequest], None] | None = None


class LoopbackServer:
    """A ThreadingHTTPServer on `host` and a free port, serving from a daemon thread."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._lock = threading.Lock()
        self._routes: dict[str, list[Response]] = {}
        self._served: dict[str, int] = {}
        self._requests: list[RecordedRequest] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd = _Server((host, 0), _handler_for(self))
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"loopback-{host}:{self.port}",
            daemon=True,
        )

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; interrupts slow routes and idle keep-alive connections."""
        self._stopping.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                conn.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- scripting --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        *,
        chunked: bool = False,
        chunk_delay: float = 0.0,
        etag: str | None = None,
        last_modified: str | None = None,
        hook: Callable[[RecordedRequest], None] | None = None,
    ) -> None:
        """Answer `path` always the same way (see Response for the options)."""
        response = Response(
            body,
            status,
            dict(headers or {}),
            delay,
            chunked=chunked,
            chunk_delay=chunk_delay,
            etag=etag,
            last_modified=last_modified,
            hook=hook,
        )
        self.route_sequence(path, [response])

    def route_sequence(self, path: str, responses: Iterable[Response]) -> None:
        """Answer successive requests to `path` with `responses`, the last repeating."""
        answers = list(responses)
        if not answers:
            raise ValueError("route_sequence needs at least one Response")
        with self._lock:
            self._routes[path] = answers
            self._served[path] = 0

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.route(path, status=status, headers={"Location": location})

    # -- observing --------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """Requests whose path (with or without its query) is `path`."""
        return [r for r in self.requests if path in (r.path, r.path.split("?", 1)[0])]

    @property
    def max_in_flight(self) -> int:
        """The most requests this server was answering at one moment."""
        with self._lock:
            return self._max_in_flight

    # -- used by the handler ----------------------------------------------------------

    def _begin(self, request: RecordedRequest) -> Response | None:
        with self._lock:
            self._requests.append(request)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            path = request.path if request.path in self._routes else request.path.split("?")[0]
            answers = self._routes.get(path)
            if answers is None:
                return None
            index = min(self._served[path], len(answers) - 1)
            self._served[path] += 1
            return answers[index]

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler stuck on a dead client must not block stop()
    allow_reuse_address = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a reverse DNS lookup that can hang for
        # seconds on a machine without network; a loopback server has no use for it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-body (a size cap, a timeout) is what tests provoke.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


def _handler_for(owner: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, as real servers

        def setup(self) -> None:
            super().setup()
            with owner._lock:
                owner._connections.add(self.connection)

        def finish(self) -> None:
            with owner._lock:
                owner._connections.discard(self.connection)
            super().finish()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep pytest output clean; tests read server.requests instead

        def do_GET(self) -> None:
            request = RecordedRequest(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                started=time.monotonic(),
                host=owner.host,
            )
            response = owner._begin(request)
            try:
                self._answer(request, response)
            finally:
                owner._end()

        def _answer(self, request: RecordedRequest, response: Response | None) -> None:
            if response is None:
                response = Response(b"not found", 404, {"Content-Type": "text/plain"})
            if response.hook is not None:
                response.hook(request)
            if response.delay and owner._stopping.wait(response.delay):
                self.close_connection = True
                return
            body = response.body.encode() if isinstance(response.body, str) else response.body
            status, headers = response.status, dict(response.headers)
            if response.etag is not None:
                headers["ETag"] = response.etag
            if response.last_modified is not None:
                headers["Last-Modified"] = response.last_modified
            if _not_modified(request, response):
                status, body = 304, b""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status in (204, 304) or 100 <= status < 200:
                self.end_headers()
            elif response.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self._send_chunks(body, response)
            else:
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def _send_chunks(self, body: bytes, response: Response) -> None:
            for start in range(0, len(body), response.chunk_size):
                if start and response.chunk_delay and owner._stopping.wait(response.chunk_delay):
                    self.close_connection = True
                    return
                chunk = body[start : start + response.chunk_size]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

    return Handler


def _not_modified(request: RecordedRequest, response: Response) -> bool:
    """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since when both are sent."""
    if_none_match = request.header("if-none-match")
    if response.etag is not None and if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        return "*" in tags or response.etag in tags
    if_modified_since = request.header("if-modified-since")
    return (
        response.last_modified is not None
        and if_modified_since is not None
        and if_modified_since == response.last_modified
    )
