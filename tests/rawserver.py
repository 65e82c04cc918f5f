"""A raw TCP server on loopback whose every connection runs a scripted function: for the
faults an HTTP library will not produce (headers dripped a byte at a time, a reset in the
middle of a status line, garbage instead of HTTP).

    def drip(conn, request):           # request: the bytes of the request head
        for b in b"HTTP/1.1 200 OK\\r\\n\\r\\n":
            conn.sendall(bytes([b])); time.sleep(0.5)

    with RawServer(drip) as server:
        fetcher.fetch_feed(server.url("/feed.xml"))
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable

Handler = Callable[[socket.socket, bytes], None]


class RawServer:
    def __init__(self, handler: Handler, host: str = "127.0.0.1") -> None:
        self.host = host
        self._handler = handler
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self._sock.listen(64)
        self._sock.settimeout(0.1)
        self.port: int = self._sock.getsockname()[1]
        self._stopping = threading.Event()
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.requests: list[bytes] = []

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.close()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        head = b""
        with contextlib.suppress(OSError):
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                head += chunk
        self.requests.append(head)
        with contextlib.suppress(OSError):
            self._handler(conn, head)
        with contextlib.suppress(OSError):
            conn.close()

    @property
    def stopping(self) -> threading.Event:
        """Set when the server closes: handlers that wait should give up on it."""
        return self._stopping
