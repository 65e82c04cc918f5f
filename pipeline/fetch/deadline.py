"""One wall-clock deadline per request, and a stop switch, under httpx.

httpx's timeouts bound each socket operation: a server that sends its status line and
headers one byte a second never trips a 20 s read timeout, and holds the request (and a
worker thread, and whatever waits on it) for as long as it likes. The network backend
here is httpcore's own, with every operation bounded by the request's deadline as well:

    with request_deadline(time.monotonic() + 120):
        client.get(url)   # connect, headers and body all end by the deadline

Reads are cut into short slices so that a stop switch (`Switch.stop()`, e.g. on SIGTERM)
ends every request in flight within a fraction of a second, not when the server pleases.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
import typing
from collections.abc import Iterator

import httpcore
import httpx

# the deadline (time.monotonic()) of the request being made in this thread, if any
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "voci_request_deadline", default=None
)
_SLICE = 0.25  # seconds: how often a waiting read looks at the deadline and the switch


class Stopped(httpcore.ReadError):
    """The fetcher was told to stop while this request was in flight."""


class DeadlinePassed(httpcore.ReadTimeout):
    """The request's wall-clock deadline passed (connect, headers or body)."""


@contextlib.contextmanager
def request_deadline(deadline: float) -> Iterator[None]:
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


class Switch:
    """Thread-safe "stop now" for every request of one fetcher."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def stop(self) -> None:
        self._event.set()

    @property
    def stopped(self) -> bool:
        return self._event.is_set()


def _remaining(timeout: float | None) -> float | None:
    """The timeout of one operation, cut to what is left of the request's deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, switch: Switch) -> None:
        self._inner = inner
        self._switch = switch

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        # the operation's own timeout (read_timeout) and the request's deadline, whichever
        # comes first, looked at every _SLICE seconds along with the stop switch
        own_end = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._switch.stopped:
                raise Stopped("fetching was stopped")
            left = _remaining(None if own_end is None else own_end - time.monotonic())
            if left is not None and left <= 0:
                raise httpcore.ReadTimeout("timed out")
            try:
                return self._inner.read(max_bytes, _SLICE if left is None else min(left, _SLICE))
            except httpcore.ReadTimeout:
                continue  # a slice ended; the checks above say whether to go on

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if self._switch.stopped:
            raise Stopped("fetching was stopped")
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout))
        return _Stream(inner, self._switch)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, switch: Switch) -> None:
        self._inner = httpcore.SyncBackend()
        self._switch = switch

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        if self._switch.stopped:
            raise Stopped("fetching was stopped")
        stream = self._inner.connect_tcp(
            host, port, _remaining(timeout), local_address, socket_options
        )
        return _Stream(stream, self._switch)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _remaining(timeout), socket_options)
        return _Stream(stream, self._switch)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over the deadline-bounded, stoppable backend above (no proxy:
    requests go straight to the outlets)."""

    def __init__(self, switch: Switch) -> None:
        super().__init__(trust_env=False)
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(switch),
        )
