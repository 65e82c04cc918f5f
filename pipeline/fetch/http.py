"""The HTTP client: the only code in voci that talks to the network.

Owns: politeness (a descriptive User-Agent, per-host concurrency and spacing, robots.txt
for pages), safety (http/https only, allowed domains for pages, hand-followed redirects,
a body size cap, timeouts) and resilience (retries with backoff, Retry-After, conditional
GET). Every network or HTTP failure comes back as a `FetchResult` with a `FetchError`;
only genuine bugs raise. Parsing what was fetched is someone else's job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import Enum
from http import HTTPStatus

import httpx
from protego import Protego

from .deadline import DeadlineTransport, Switch, request_deadline

ERROR_KINDS = frozenset({"timeout", "connect", "http", "too_large", "robots", "foreign_host",
                         "bad_url", "too_many_redirects", "not_html", "stopped"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# RFC 9309 §2.5 asks crawlers to parse at least the first 500 KiB; past that we truncate
# instead of failing, because a huge robots.txt is still a valid (if odd) one.
ROBOTS_MAX_BYTES = 512 * 1024
_FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                "text/xml;q=0.9, */*;q=0.5")
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOCATION = "voci.location"  # a response.extensions key, see _hide_location


@dataclass(frozen=True)
class FetchConfig:
    """How politely, how patiently and how much to fetch. Validated on creation."""

    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_bytes: int = 5_000_000
    per_host_concurrency: int = 2
    min_host_delay: float = 1.0
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    max_redirects: int = 5
    # read_timeout bounds each read only: a server dripping a byte every few seconds
    # could otherwise hold a worker thread for hours. One wall-clock deadline per request
    # (connect, status line, headers and body; see deadline.py).
    total_timeout: float = 120.0

    def __post_init__(self) -> None:
        if not self.user_agent.strip():
            raise ValueError("FetchConfig.user_agent is empty; robots.txt rules need a name")
        if min(self.connect_timeout, self.read_timeout, self.total_timeout) <= 0:
            raise ValueError("FetchConfig timeouts must be positive")
        if self.max_bytes < 1 or self.per_host_concurrency < 1:
            raise ValueError("FetchConfig.max_bytes and per_host_concurrency must be >= 1")
        if min(self.min_host_delay, self.backoff_base, self.backoff_cap, self.max_retries,
               self.max_redirects) < 0:
            raise ValueError("FetchConfig delays, retries and redirects must be >= 0")


@dataclass(frozen=True)
class FetchError:
    """Why a fetch failed; `kind` is one of ERROR_KINDS, `message` names the URL."""

    kind: str
    message: str

    def __post_init__(self) -> None:
        if self.kind not in ERROR_KINDS:
            raise ValueError(f"unknown FetchError kind {self.kind!r}")


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch_feed / fetch_page call, success or failure.

    `attempts` counts the requests sent for this URL: every redirect hop and every retry,
    robots.txt not included; 0 when none was sent (bad URL, foreign host, robots).
    """

    url: str  # as requested
    final_url: str  # after redirects (the refused hop, when one was refused)
    status: int | None  # the last HTTP status seen; None without any response
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: FetchError | None = None
    attempts: int = 1
    # What the last response asked of the next request, raw as sent; the scheduler reads
    # them (pipeline.schedule) through `retry_after_seconds` and `max_age` / `age`.
    retry_after: str | None = None
    cache_control: str | None = None
    age_header: str | None = None

    @property
    def max_age(self) -> float | None:
        """Seconds of Cache-Control max-age; None when absent, unreadable or no-store."""
        return max_age_seconds(self.cache_control)

    @property
    def age(self) -> float | None:
        """Seconds the response had already spent in caches (the Age header)."""
        value = (self.age_header or "").strip()
        return float(value) if value.isascii() and value.isdigit() else None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304


def host_allowed(host: str, allowed_domains: Sequence[str]) -> bool:
    """Whether `host` is one of `allowed_domains` or a subdomain of one.

    Case, a trailing dot and a port are ignored. IP literals match only exactly:
    "suffix" means nothing for addresses (127.0.0.11 is not inside 0.0.11).
    """
    if isinstance(allowed_domains, str):
        raise TypeError("allowed_domains must be a sequence of domains, not one string")
    name = _normalise_host(host)
    for domain in map(_normalise_host, allowed_domains):
        if name and domain and (name == domain or (
                name.endswith("." + domain) and not _is_ip(name) and not _is_ip(domain))):
            return True
    return False


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP-date after `now`).

    None when absent or unreadable; a date in the past means 0.
    """
    value = (value or "").strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; obsolete forms may not say so
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def max_age_seconds(cache_control: str | None) -> float | None:
    """The max-age of a Cache-Control header, in seconds (RFC 9111 §5.2.2.1).

    None without one, when unreadable, or when no-store / no-cache say the response must
    not be reused without asking (then max-age promises nothing about freshness).
    """
    max_age: float | None = None
    for directive in (cache_control or "").split(","):
        name, _, value = directive.strip().partition("=")
        name = name.strip().lower()
        if name in ("no-store", "no-cache"):
            return None
        value = value.strip().strip('"')
        if name == "max-age" and value.isascii() and value.isdigit():
            max_age = float(value)
    return max_age


class Fetcher:
    """Fetches feeds and pages politely. Thread-safe: share one across worker threads."""

    def __init__(self, config: FetchConfig, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._sleep = sleep
        self._clock = clock
        self._switch = Switch()
        self._client = httpx.Client(
            transport=DeadlineTransport(self._switch),
            # only what _decoded reads, inflated a bounded piece at a time
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(connect=config.connect_timeout, read=config.read_timeout,
                                  write=config.read_timeout, pool=config.connect_timeout),
            follow_redirects=False,  # every hop is checked by hand, see _follow
            event_hooks={"response": [_hide_location]},
        )
        self._lock = threading.Lock()  # guards the counter and the three dicts below
        self._request_count = 0
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[tuple[str, str, int], _Robots] = {}
        self._robots_locks: dict[tuple[str, str, int], threading.Lock] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def stop(self) -> None:
        """End every request in flight within a fraction of a second, and refuse new ones
        (each comes back as a "stopped" error). For shutting down on a signal."""
        self._switch.stop()

    @property
    def stopped(self) -> bool:
        return self._switch.stopped

    @property
    def config(self) -> FetchConfig:
        return self._config

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far, robots.txt and retries included."""
        with self._lock:
            return self._request_count

    def fetch_feed(self, url: str, *, etag: str | None = None,
                   last_modified: str | None = None) -> FetchResult:
        """GET a feed, conditionally when validators are given; a 304 is a success."""
        headers = {"Accept": _FEED_ACCEPT}
        if etag and _header_safe(etag):
            headers["If-None-Match"] = etag
        if last_modified and _header_safe(last_modified):
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, headers, _Purpose.FEED, check=lambda hop: None)

    def fetch_page(self, url: str, *, allowed_domains: Sequence[str]) -> FetchResult:
        """GET an HTML page on one of `allowed_domains`, obeying its robots.txt."""
        return self._follow(url, {"Accept": _PAGE_ACCEPT}, _Purpose.PAGE,
                            check=self._on_domains(allowed_domains))

    def fetch_sitemap(self, url: str, *, allowed_domains: Sequence[str]) -> FetchResult:
        """GET a sitemap on one of `allowed_domains` (every hop checked), obeying robots.txt.

        Like fetch_page but for XML (or gzip) bodies: a sitemap index may name any host,
        and only the outlet's own are to be followed.
        """
        return self._follow(url, {"Accept": _SITEMAP_ACCEPT}, _Purpose.FEED,
                            check=self._on_domains(allowed_domains))

    def _on_domains(self, allowed_domains: Sequence[str]
                    ) -> Callable[[httpx.URL], FetchError | None]:
        """The check of every hop of a page or sitemap: on the domains, allowed by robots."""
        if isinstance(allowed_domains, str):
            raise TypeError("allowed_domains must be a sequence of domains, not one string")
        domains = tuple(allowed_domains)

        def check(hop: httpx.URL) -> FetchError | None:
            if not host_allowed(hop.host, domains):
                return FetchError("foreign_host", f"{hop} is outside {', '.join(domains)}")
            return self._robots_for(hop).verdict(self._config.user_agent, hop)

        return check

    def robots_sitemaps(self, url: str) -> tuple[str, ...]:
        """The `Sitemap:` URLs of the robots.txt of `url`'s origin, in the file's order.

        Empty when it lists none or could not be read; fetched once per origin and cached
        with its rules, so asking costs at most the robots.txt request pages need anyway.
        """
        origin, _ = _parse_url(url)
        if origin is None:
            return ()
        parser = self._robots_for(origin).parser
        return tuple(parser.sitemaps) if parser is not None else ()

    # -- redirects, retries, one exchange -----------------------------------------------

    def _follow(self, url: str, headers: dict[str, str], purpose: _Purpose, *,
                check: Callable[[httpx.URL], FetchError | None]) -> FetchResult:
        """GET `url`, following at most max_redirects hops; `check` vets each hop first."""
        hop, error = _parse_url(url)
        if hop is None:
            return FetchResult(url, url, None, error=error, attempts=0)
        status: int | None = None
        attempts = 0
        for _ in range(self._config.max_redirects + 1):
            error = check(hop)
            if error is not None:
                return FetchResult(url, str(hop), status, error=error, attempts=attempts)
            reply = self._with_retries(hop, headers, purpose)
            attempts += reply.attempts
            status = reply.status
            if reply.error is not None or reply.location is None:
                return reply.result(url, hop, attempts, purpose)
            target, error = _parse_url(reply.location, base=hop)
            if target is None:
                error = FetchError("bad_url", f"{hop} redirects to {reply.location!r}")
                return FetchResult(url, str(hop), status, error=error, attempts=attempts)
            hop = target
        error = FetchError("too_many_redirects",
                           f"{url} redirected more than {self._config.max_redirects} times")
        return FetchResult(url, str(hop), status, error=error, attempts=attempts)

    def _with_retries(self, url: httpx.URL, headers: dict[str, str], purpose: _Purpose
                      ) -> _Reply:
        config = self._config
        for tries in range(1, config.max_retries + 2):
            reply = self._exchange(url, headers, purpose)
            reply.attempts = tries
            retryable = reply.retryable if reply.error else reply.status in RETRY_STATUSES
            if not retryable or tries > config.max_retries or self._switch.stopped:
                break
            delay = config.backoff_base * 2 ** (tries - 1)
            delay = min(config.backoff_cap, delay * random.uniform(1.0, 1.1))  # jitter
            asked = retry_after_seconds(reply.headers.get("retry-after"),
                                        dt.datetime.now(dt.UTC))
            if asked is not None and asked > config.backoff_cap:
                # Sleeping that long would stall a worker thread; the next run comes back
                # later anyway, which is what the server asked for.
                reply.give_up = f"Retry-After {asked:.0f}s > backoff_cap {config.backoff_cap:g}s"
                break
            delay = max(delay, asked or 0.0)
            if delay > 0:
                self._sleep(delay)
        return reply

    def _exchange(self, url: httpx.URL, headers: dict[str, str], purpose: _Purpose) -> _Reply:
        """One GET through the host's politeness gate; transport failures become values."""
        if self._switch.stopped:
            return _Reply.failed("stopped", f"fetching was stopped before {url}")
        with self._gate_for(url).turn():
            with self._lock:
                self._request_count += 1
            started = time.monotonic()  # real time, not self._clock: real sockets
            deadline = started + self._config.total_timeout
            try:
                with request_deadline(deadline), self._client.stream(
                    "GET", url, headers=headers
                ) as response:
                    return self._read(response, purpose, started)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if self._switch.stopped:
                    return _Reply.failed("stopped", f"fetching was stopped during {url}")
                if time.monotonic() >= deadline:  # not retried: this is no passing blip
                    return _Reply.failed("timeout", f"{url} took over "
                                         f"{self._config.total_timeout:g}s to answer")
                return self._transport_failure(exc, url)

    @staticmethod
    def _transport_failure(
        exc: httpx.TransportError | httpx.DecodingError, url: httpx.URL
    ) -> _Reply:
        if isinstance(exc, httpx.TimeoutException):
            return _Reply.failed("timeout", f"{_describe(exc)} for {url}", retry=True)
        if isinstance(exc, httpx.ConnectError):
            # A name that does not resolve will not resolve in a second either, and a
            # machine without network must finish its run quickly: no retry.
            retry = not _caused_by(exc, socket.gaierror)
            return _Reply.failed("connect", f"{_describe(exc)} for {url}", retry=retry)
        if isinstance(exc, httpx.DecodingError):
            return _Reply.failed("http", f"undecodable body from {url}: {exc}")
        # resets, protocol errors: often passing
        return _Reply.failed("connect", f"{_describe(exc)} for {url}", retry=True)

    def _read(self, response: httpx.Response, purpose: _Purpose, started: float) -> _Reply:
        """The reply to one response; the body is read only from a 2xx worth having."""
        status, url = response.status_code, response.url
        reply = _Reply(status, response.headers, url, location=response.extensions.get(_LOCATION))
        if reply.location is not None or not 200 <= status < 300:
            return reply  # the body of a redirect or an error page is of no use to us
        content_type = response.headers.get("content-type")
        if purpose is _Purpose.PAGE and content_type and not _is_html(content_type, b""):
            return reply.fail("not_html", f"{url} is {content_type}, not HTML")
        robots = purpose is _Purpose.ROBOTS
        cap = min(self._config.max_bytes, ROBOTS_MAX_BYTES) if robots else self._config.max_bytes
        announced = response.headers.get("content-length", "")
        if not robots and announced.isdigit() and int(announced) > cap:
            return reply.fail("too_large", f"{url} announces {announced} bytes, cap is {cap}")
        body = bytearray()
        deadline = started + self._config.total_timeout
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
            return reply.fail("http", f"{url} is encoded as {encoding!r}, which voci did "
                              "not ask for")
        # decoded by hand, a bounded piece at a time: httpx would inflate a whole network
        # chunk at once, and 64 KB of a gzip bomb is gigabytes
        for chunk in _decoded(response.iter_raw(), encoding, cap + 1):
            if len(body) + len(chunk) > cap:
                if robots:
                    body += chunk[: cap - len(body)]
                    break
                return reply.fail("too_large", f"{url} sends over {cap} bytes")
            body += chunk
            if time.monotonic() > deadline:  # not retried: this is no passing blip
                return reply.fail("timeout", f"{url} took over "
                                  f"{self._config.total_timeout:g}s to answer")
        if purpose is _Purpose.PAGE and not content_type and not _is_html(None, body):
            return reply.fail("not_html", f"{url} has no Content-Type and does not look "
                              "like HTML")
        reply.content = bytes(body)
        return reply

    def _gate_for(self, url: httpx.URL) -> _HostGate:
        key = _normalise_host(url.host)  # per machine, not per port: two ports, one server
        with self._lock:
            if key not in self._gates:
                self._gates[key] = _HostGate(self._config, self._sleep, self._clock)
            return self._gates[key]

    # -- robots.txt -----------------------------------------------------------------------

    def _robots_for(self, url: httpx.URL) -> _Robots:
        """The cached rules of url's origin, fetched once, by exactly one thread."""
        origin = (url.scheme, _normalise_host(url.host), url.port or _DEFAULT_PORTS[url.scheme])
        with self._lock:
            if origin in self._robots:
                return self._robots[origin]
            origin_lock = self._robots_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # the others wait here for the one thread fetching it
            with self._lock:
                rules = self._robots.get(origin)
            if rules is None:
                rules = self._load_robots(url.copy_with(path="/robots.txt", query=None,
                                                        fragment=None))
                with self._lock:
                    self._robots[origin] = rules
            return rules

    def _load_robots(self, robots_url: httpx.URL) -> _Robots:
        # RFC 9309 §2.3.1.2: follow redirects even to another authority, so there is no
        # domain check here; _parse_url still refuses anything but http and https.
        result = self._follow(str(robots_url), {}, _Purpose.ROBOTS, check=lambda hop: None)
        if result.ok:
            # protego reads robots.txt as RFC 9309 does: the longest matching rule wins
            # (Allow on a tie), "*" and "$" in paths, groups for several user agents
            parser = Protego.parse(result.content.decode("utf-8", errors="replace"))
            return _Robots(parser=parser)
        error, status = result.error, result.status
        if error is not None and error.kind in ("timeout", "connect"):
            # RFC 9309 §2.3.1.4: an unreachable robots.txt means "disallow everything".
            # The pages' error keeps the transport kind: the host is down, not forbidding.
            return _Robots(denial=FetchError(error.kind, f"robots.txt unreachable, host "
                                             f"treated as disallowed: {error.message}"))
        if status is not None and (status >= 500 or status == 429):
            # RFC 9309 §2.3.1.4: a server error on robots.txt means "disallow everything".
            # A 429 that outlasted our retries too: the site asked us to back off.
            return _Robots(denial=FetchError("robots", f"robots.txt at {robots_url} answered "
                                             f"HTTP {status}, host treated as disallowed"))
        # RFC 9309 §2.3.1.3: a 4xx means "unavailable", so no rules: everything allowed.
        # Endless redirects and unusable redirect targets count as unavailable too.
        return _Robots()


class _Purpose(Enum):
    FEED = "feed"
    PAGE = "page"
    ROBOTS = "robots"


@dataclass(frozen=True)
class _Robots:
    """One origin's robots.txt: parsed rules, allow-all, or a denial with its reason."""

    parser: Protego | None = None
    denial: FetchError | None = None

    def verdict(self, user_agent: str, url: httpx.URL) -> FetchError | None:
        if self.denial is not None:
            return FetchError(self.denial.kind, f"{url}: {self.denial.message}")
        if self.parser is not None and not self.parser.can_fetch(str(url), _product(user_agent)):
            return FetchError("robots", f"robots.txt disallows {url}")
        return None


class _HostGate:
    """One host's politeness: at most N requests in flight, starts min_host_delay apart."""

    def __init__(self, config: FetchConfig, sleep: Callable[[float], None],
                 clock: Callable[[], float]) -> None:
        self._slots = threading.BoundedSemaphore(config.per_host_concurrency)
        self._delay, self._sleep, self._clock = config.min_host_delay, sleep, clock
        self._lock = threading.Lock()
        self._next_start: float | None = None

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self._slots:
            # Reserve a start time under the lock, then wait outside it: concurrent
            # callers get successive slots instead of all waking at the same moment.
            with self._lock:
                now = self._clock()
                start = now if self._next_start is None else max(now, self._next_start)
                self._next_start = start + self._delay
            if start > now:
                self._sleep(start - now)
            yield


@dataclass
class _Reply:
    """What one exchange produced; mutable because it is filled in while reading."""

    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    url: httpx.URL | None = None
    content: bytes = b""
    location: str | None = None  # set on a redirect (the raw Location header)
    error: FetchError | None = None
    retryable: bool = False  # for errors; statuses are judged by RETRY_STATUSES
    give_up: str | None = None  # why a retryable status was not retried
    attempts: int = 1

    @classmethod
    def failed(cls, kind: str, message: str, *, retry: bool = False) -> _Reply:
        return cls(error=FetchError(kind, message), retryable=retry)

    def fail(self, kind: str, message: str) -> _Reply:
        self.error = FetchError(kind, message)
        return self

    def result(self, url: str, hop: httpx.URL, attempts: int, purpose: _Purpose
               ) -> FetchResult:
        """The FetchResult of the last hop: a 304 to a feed is fine, other non-2xx not."""
        error, status, final = self.error, self.status, str(self.url or hop)
        if (error is None and status is not None and not 200 <= status < 300
                and not (status == 304 and purpose is _Purpose.FEED)):
            message = f"HTTP {status}{_phrase(status)} for {final}"
            error = FetchError("http", message + (f" ({self.give_up})" if self.give_up else ""))
        return FetchResult(
            url=url, final_url=final, status=status,
            content=self.content if error is None else b"",
            content_type=self.headers.get("content-type"), etag=self.headers.get("etag"),
            last_modified=self.headers.get("last-modified"), error=error, attempts=attempts,
            retry_after=self.headers.get("retry-after"),
            cache_control=self.headers.get("cache-control"), age_header=self.headers.get("age"))


_PIECE = 64 * 1024  # the most a compressed body is inflated by in one step


def _decoded(raw: Iterator[bytes], encoding: str, limit: int) -> Iterator[bytes]:
    """The body of `raw` chunks in `encoding` (identity, gzip or deflate), in pieces of at
    most _PIECE bytes, stopping once `limit` bytes have come out."""
    if encoding in ("identity", ""):
        yield from raw
        return
    inflater = zlib.decompressobj(wbits=47 if encoding != "deflate" else 15)  # 47: gzip/zlib
    out = 0
    for chunk in raw:
        data = chunk
        while data and out < limit:
            try:
                piece = inflater.decompress(data, _PIECE)
            except zlib.error:
                if out == 0 and encoding == "deflate":  # raw deflate, without a zlib header
                    inflater = zlib.decompressobj(wbits=-15)
                    continue
                raise httpx.DecodingError(f"bad {encoding} data") from None
            out += len(piece)
            if piece:
                yield piece
            data = inflater.unconsumed_tail
        if out >= limit:
            return


def _hide_location(response: httpx.Response) -> None:
    """Move a redirect's Location where httpx will not act on it; _follow reads it.

    Even with follow_redirects=False httpx builds the next request of every redirect,
    and raises on a malformed Location before we see the response. Each hop must be
    judged by _parse_url and the caller's checks alone, so httpx never parses it.
    """
    if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
        response.extensions[_LOCATION] = response.headers["location"]
        del response.headers["location"]


def _parse_url(raw: str, base: httpx.URL | None = None
               ) -> tuple[httpx.URL | None, FetchError | None]:
    """An absolute http(s) URL with a plausible host, or a bad_url error (no request)."""
    try:
        url = base.join(raw) if base is not None else httpx.URL(raw.strip())
        host, port = url.raw_host.decode("ascii"), url.port
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        return None, FetchError("bad_url", f"{raw!r} is not a usable URL ({exc})")
    if url.scheme not in _DEFAULT_PORTS:
        return None, FetchError("bad_url", f"{raw!r}: only http and https URLs are fetched")
    plausible = host and (all(c.isalnum() or c in ".-_" for c in host) or _is_ip(host))
    if not plausible or (port is not None and not 0 < port < 65536):
        return None, FetchError("bad_url", f"{raw!r} has no valid host and port")
    # credentials in a link from a feed or a page are never sent (httpx would turn them
    # into an Authorization header, to robots.txt and the page alike)
    return url.copy_with(fragment=None, username=None, password=None), None


def _normalise_host(host: str) -> str:
    """Lower-case ASCII (IDNA) host without port, brackets or trailing dot; "" if unusable."""
    host = host.strip().lstrip(".")
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host.strip("[]")))
    try:
        return httpx.URL(f"http://{host}/").raw_host.decode("ascii").lower().rstrip(".")
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return ""


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_html(content_type: str | None, body: bytes | bytearray) -> bool:
    """By the declared media type; without one, by how the body starts."""
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
    head = bytes(body[:512]).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _phrase(status: int) -> str:
    # The standard reason phrase, not the server's: that may be empty, or anything.
    try:
        return " " + HTTPStatus(status).phrase
    except ValueError:
        return ""


def _product(user_agent: str) -> str:
    """The product token robots.txt groups name: "voci" of "voci/0.1 (+https://...)"."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else user_agent


def _header_safe(value: str) -> bool:
    # Stored validators come from servers; one with a newline or non-Latin-1 text must
    # not make httpx raise: the request is then sent unconditionally instead.
    return value.isprintable() and all(ord(c) < 256 for c in value)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, kind):
        seen = seen.__cause__ or seen.__context__
    return seen is not None


def _describe(exc: httpx.TransportError) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
