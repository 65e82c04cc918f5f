"""Tests for pipeline.fetch.http against real loopback HTTP servers (no mocked httpx).

Waits go through an injected sleep where the test is about the arithmetic (backoff,
spacing); real sleeps only where the server's own clock must see the gap. Timing checks
are lower bounds, except a generous "finished long before the slow route" for timeouts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.fetch import (
    FetchConfig,
    Fetcher,
    FetchError,
    FetchResult,
    host_allowed,
    retry_after_seconds,
)
from tests.loopback import LoopbackServer, Response

UA = "voci/0.1.0 (+https://github.com/voci-mercato/voci)"
HTML = b"<!DOCTYPE html><html><body><p>Ciao</p></body></html>"
HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}
ROBOTS_HEADERS = {"Content-Type": "text/plain"}
# The server stamps a request once it has read the request line, a moment after the
# client started it; a late stamp on one request shortens the next gap by that moment.
STAMP_SLACK = 0.05


FAST = FetchConfig(UA, connect_timeout=2.0, read_timeout=2.0, min_host_delay=0.0,
                   backoff_base=0.0, backoff_cap=5.0)


def config(**overrides: Any) -> FetchConfig:
    """Fast settings for tests (no politeness delay, no backoff) with `overrides`."""
    return dataclasses.replace(FAST, **overrides)


class FakeTime:
    """A clock that only moves when slept on; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RealSleepRecorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        time.sleep(seconds)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer("127.0.0.1") as srv:
        yield srv


@pytest.fixture
def other() -> Iterator[LoopbackServer]:
    """A second host: another loopback address, so per-host rules apply separately."""
    try:
        srv = LoopbackServer("127.0.0.2")
    except OSError as exc:  # macOS only routes 127.0.0.1 by default
        pytest.skip(f"cannot bind 127.0.0.2: {exc}")
    with srv:
        yield srv


def page(fetcher: Fetcher, srv: LoopbackServer, path: str) -> FetchResult:
    return fetcher.fetch_page(srv.url(path), allowed_domains=[srv.host])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- feeds: headers, conditional GET, errors --------------------------------------------


def test_user_agent_and_accept_sent(server: LoopbackServer) -> None:
    server.route("/feed.xml", b"<rss/>", headers={"Content-Type": "application/rss+xml"})
    with Fetcher(config()) as fetcher:
        result = fetcher.fetch_feed(server.url("/feed.xml"))
    assert result.ok and result.content == b"<rss/>"
    assert result.content_type == "application/rss+xml"
    (request,) = server.requests_for("/feed.xml")
    assert request.header("user-agent") == UA
    assert "application/rss+xml" in (request.header("accept") or "")
    assert request.header("if-none-match") is None


def test_conditional_get_returns_validators_then_not_modified(server: LoopbackServer) -> None:
    stamp = "Tue, 01 Jul 2025 10:00:00 GMT"
    server.route("/feed.xml", b"<rss/>", etag='"v1"', last_modified=stamp)
    with Fetcher(config()) as fetcher:
        first = fetcher.fetch_feed(server.url("/feed.xml"))
        second = fetcher.fetch_feed(server.url("/feed.xml"), etag=first.etag,
                                    last_modified=first.last_modified)
    assert first.ok and (first.etag, first.last_modified) == ('"v1"', stamp)
    assert second.not_modified and not second.ok
    assert second.error is None and second.status == 304 and second.content == b""
    assert second.etag == '"v1"'
    sent = server.requests_for("/feed.xml")[1]
    assert sent.header("if-none-match") == '"v1"'
    assert sent.header("if-modified-since") == stamp


def test_changed_feed_is_sent_again_despite_validators(server: LoopbackServer) -> None:
    server.route("/feed.xml", b"<rss>new</rss>", etag='"v2"')
    with Fetcher(config()) as fetcher:
        result = fetcher.fetch_feed(server.url("/feed.xml"), etag='"v1"')
    assert result.ok and result.content == b"<rss>new</rss>" and result.etag == '"v2"'


def test_unsendable_validator_is_dropped_not_raised(server: LoopbackServer) -> None:
    server.route("/feed.xml", b"<rss/>", etag='"v1"')
    with Fetcher(config()) as fetcher:
        result = fetcher.fetch_feed(server.url("/feed.xml"), etag='"v1"\r\nX-Evil: 1')
    assert result.ok and result.content == b"<rss/>"
    assert server.requests_for("/feed.xml")[0].header("x-evil") is None


def test_404_is_an_http_error_and_not_retried(server: LoopbackServer) -> None:
    with Fetcher(config()) as fetcher:
        result = fetcher.fetch_feed(server.url("/missing"))
    assert result.error is not None and result.error.kind == "http"
    assert result.status == 404 and result.attempts == 1 and not result.ok
    assert "HTTP 404 Not Found" in result.error.message
    assert server.url("/missing") in result.error.message
    assert len(server.requests_for("/missing")) == 1


def test_500_then_200_succeeds_on_the_second_attempt(server: LoopbackServer) -> None:
    server.route_sequence("/feed", [Response(status=500), Response(b"<rss/>")])
    with Fetcher(config()) as fetcher:
        result = fetcher.fetch_feed(server.url("/feed"))
        assert fetcher.request_count == 2
    assert result.ok and result.attempts == 2 and result.content == b"<rss/>"


def test_persistent_503_gives_up_after_max_retries(server: LoopbackServer) -> None:
    server.route("/feed", status=503)
    with Fetcher(config(max_retries=2)) as fetcher:
        result = fetcher.fetch_feed(server.url("/feed"))
    assert result.error is not None and result.error.kind == "http"
    assert result.status == 503 and result.attempts == 3


def test_429_with_retry_after_waits_then_succeeds(server: LoopbackServer) -> None:
    server.route_sequence(
        "/feed", [Response(status=429, headers={"Retry-After": "1"}), Response(b"<rss/>")]
    )
    sleep = RealSleepRecorder()
    with Fetcher(config(backoff_base=0.01), sleep=sleep) as fetcher:
        result = fetcher.fetch_feed(server.url("/feed"))
    assert result.ok and result.attempts == 2
    assert max(sleep.sleeps) >= 1.0
    first, second = server.requests_for("/feed")
    assert second.started - first.started >= 1.0 - STAMP_SLACK


def test_retry_after_beyond_cap_gives_up_without_sleeping(server: LoopbackServer) -> None:
    server.route("/feed", status=429, headers={"Retry-After": "3600"})
    fake = FakeTime()
    with Fetcher(config(backoff_cap=5.0), sleep=fake.sleep, clock=fake.clock) as fetcher:
        result = fetcher.fetch_feed(server.url("/feed"))
    assert result.error is not None and result.error.kind == "http"
    assert result.status == 429 and result.attempts == 1
    assert "Retry-After" in result.error.message
    assert fake.sleeps == []


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    fake = FakeTime()
    settings = config(max_retries=3, backoff_base=0.5, backoff_cap=1.5)
    with Fetcher(settings, sleep=fake.sleep, clock=fake.clock) as fetcher:
        result = fetcher.fetch_feed(f"http://127.0.0.1:{free_port()}/feed")  # refused
    assert result.error is not None and result.error.kind == "connect"
    assert result.status is None and result.attempts == 4
    first, second, third = fake.sleeps
    assert 0.5 <= first <= 0.55 and 1.0 <= second <= 1.1 and third == 1.5


def test_read_timeout_is_reported_quickly(server: LoopbackServer) -> None:
    server.route("/slow", b"late", delay=10.0)
    started = time.monotonic()
    with Fetcher(config(read_timeout=0.3, max_retries=1)) as fetcher:
        result = fetcher.fetch_feed(server.url("/slow"))
    assert result.error is not None and result.error.kind == "timeout"
    assert result.status is None and result.attempts == 2
    assert time.monotonic() - started < 8.0  # far below the route's 10 s


def test_dripping_body_hits_the_total_timeout_and_is_not_retried(
    server: LoopbackServer,
) -> None:
    server.route_sequence("/drip", [Response(b"x" * 10_000, chunked=True, chunk_size=1000,
                                             chunk_delay=0.15)])
    with Fetcher(config(total_timeout=0.3)) as fetcher:
        result = fetcher.fetch_feed(server.url("/drip"))
    assert result.error is not None and result.error.kind == "timeout"
    assert result.attempts == 1 and result.content == b""


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversized_body_is_too_large(server: LoopbackServer, chunked: bool) -> None:
    server.route("/big", b"x" * 300_000, chunked=chunked)
    server.route("/exact", b"x" * 100_000, chunked=chunked)
    with Fetcher(config(max_bytes=100_000)) as fetcher:
        big = fetcher.fetch_feed(server.url("/big"))
        exact = fetcher.fetch_feed(server.url("/exact"))
    assert big.error is not None and big.error.kind == "too_large"
    assert big.content == b"" and big.status == 200 and big.attempts == 1
    assert ("announces 300000" in big.error.message) is not chunked
    assert exact.ok and len(exact.content) == 100_000


def test_dns_failure_is_a_connect_error_and_not_retried() -> None:
    fake = FakeTime()
    with Fetcher(config(max_retries=3, backoff_base=1.0), sleep=fake.sleep,
                 clock=fake.clock) as fetcher:
        feed = fetcher.fetch_feed("http://voci-test.invalid/feed.xml")
        article = fetcher.fetch_page("http://voci-test.invalid/a", allowed_domains=["invalid"])
        assert fetcher.request_count == 2  # the feed, then the page's robots.txt
    assert feed.error is not None and feed.error.kind == "connect"
    assert feed.attempts == 1 and feed.status is None
    # robots.txt unreachable means "disallow all" (RFC 9309), but the page's error keeps
    # the transport kind: the host is down, it is not forbidding anything.
    assert article.error is not None and article.error.kind == "connect"
    assert article.attempts == 0 and "robots.txt" in article.error.message
    assert fake.sleeps == []


BAD_URLS = ["ftp://example.com/feed", "file:///etc/passwd", "javascript:alert(1)",
            "mailto:a@example.com", "http://", "not a url", "//example.com/x",
            "http://[::1/", "http://exa mple.com/", "http://example.com:99999/"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_urls_are_refused_without_a_request(url: str) -> None:
    with Fetcher(config()) as fetcher:
        feed = fetcher.fetch_feed(url)
        article = fetcher.fetch_page(url, allowed_domains=["example.com"])
        assert fetcher.request_count == 0
    for result in (feed, article):
        assert result.error is not None and result.error.kind == "bad_url"
        assert result.status is None and result.attempts == 0 and result.url == url


# -- pages: domains, content type, robots.txt -------------------------------------------


def test_page_on_a_foreign_host_is_never_requested(server: LoopbackServer) -> None:
    server.route("/a", HTML, headers=HTML_HEADERS)
    with Fetcher(config()) as fetcher:
        named = fetcher.fetch_page(server.url("/a"), allowed_domains=["example.com"])
        suffix = fetcher.fetch_page(server.url("/a"), allowed_domains=["0.0.1"])
        assert fetcher.request_count == 0
    for result in (named, suffix):
        assert result.error is not None and result.error.kind == "foreign_host"
        assert result.attempts == 0
    assert server.requests == []  # not even robots.txt


@pytest.mark.parametrize(
    ("content_type", "body", "kind"),
    [
        ("text/html; charset=utf-8", HTML, None),
        ("TEXT/HTML", HTML, None),
        ("application/xhtml+xml", HTML, None),
        (None, HTML, None),
        (None, b"\xef\xbb\xbf\n  <html lang='it'><body>x</body></html>", None),
        ("application/pdf", b"%PDF-1.7", "not_html"),
        ("text/plain", HTML, "not_html"),
        (None, b"%PDF-1.7", "not_html"),
    ],
)
def test_pages_must_be_html(
    server: LoopbackServer, content_type: str | None, body: bytes, kind: str | None
) -> None:
    server.route("/a", body, headers={"Content-Type": content_type} if content_type else {})
    with Fetcher(config()) as fetcher:
        result = page(fetcher, server, "/a")
    if kind is None:
        assert result.ok and result.content == body
    else:
        assert result.error is not None and result.error.kind == kind
        assert result.content == b"" and result.status == 200


def test_redirect_to_a_foreign_host_is_refused(
    server: LoopbackServer, other: LoopbackServer
) -> None:
    other.route("/article", HTML, headers=HTML_HEADERS)
    server.redirect("/go", other.url("/article"))
    with Fetcher(config()) as fetcher:
        result = page(fetcher, server, "/go")
    assert result.error is not None and result.error.kind == "foreign_host"
    assert result.status == 302 and result.final_url == other.url("/article")
    assert other.requests == []


def test_redirect_between_allowed_hosts_checks_each_hosts_robots(
    server: LoopbackServer, other: LoopbackServer
) -> None:
    other.route("/robots.txt", "User-agent: *\nDisallow: /private\n", headers=ROBOTS_HEADERS)
    other.route("/article", HTML, headers=HTML_HEADERS)
    server.redirect("/go", other.url("/article"), status=301)
    server.redirect("/go-private", other.url("/private/article"), status=308)
    domains = [server.host, other.host]
    with Fetcher(config()) as fetcher:
        moved = fetcher.fetch_page(server.url("/go"), allowed_domains=domains)
        refused = fetcher.fetch_page(server.url("/go-private"), allowed_domains=domains)
    assert moved.ok and moved.final_url == other.url("/article") and moved.url.endswith("/go")
    assert moved.attempts == 2 and moved.content == HTML
    assert refused.error is not None and refused.error.kind == "robots"
    assert other.requests_for("/private/article") == []
    assert len(other.requests_for("/robots.txt")) == 1
    assert len(server.requests_for("/robots.txt")) == 1


def test_feed_may_redirect_to_another_host(server: LoopbackServer, other: LoopbackServer) -> None:
    other.route("/feed.xml", b"<rss/>")
    server.redirect("/feed", other.url("/feed.xml"))
    with Fetcher(config()) as fetcher:
        result = fetcher.fetch_feed(server.url("/feed"))
    assert result.ok and result.final_url == other.url("/feed.xml")
    assert other.requests_for("/robots.txt") == []  # robots.txt governs pages only


@pytest.mark.parametrize(("hops", "ok"), [(5, True), (6, False)])
def test_redirect_limit(server: LoopbackServer, hops: int, ok: bool) -> None:
    for i in range(hops):
        server.redirect(f"/r{i}", f"/r{i + 1}")  # relative Location, resolved by hand
    server.route(f"/r{hops}", HTML, headers=HTML_HEADERS)
    with Fetcher(config(max_redirects=5)) as fetcher:
        result = page(fetcher, server, "/r0")
    if ok:
        assert result.ok and result.final_url == server.url("/r5") and result.attempts == 6
    else:
        assert result.error is not None and result.error.kind == "too_many_redirects"
        assert result.status == 302 and server.requests_for("/r6") == []


@pytest.mark.parametrize(
    "location", ["ftp://example.com/x", "javascript:alert(1)", "mailto:a@b.it", "http://[::1"]
)
def test_redirect_to_a_bad_url_is_refused(server: LoopbackServer, location: str) -> None:
    server.redirect("/go", location)
    with Fetcher(config()) as fetcher:
        result = fetcher.fetch_feed(server.url("/go"))
        assert fetcher.request_count == 1
    assert result.error is not None and result.error.kind == "bad_url"
    assert result.status == 302


def test_robots_disallowed_page_is_never_requested(server: LoopbackServer) -> None:
    server.route("/robots.txt", "User-agent: *\nDisallow: /private\n", headers=ROBOTS_HEADERS)
    server.route("/private/a", HTML, headers=HTML_HEADERS)
    server.route("/public/a", HTML, headers=HTML_HEADERS)
    with Fetcher(config()) as fetcher:
        refused = page(fetcher, server, "/private/a")
        allowed = page(fetcher, server, "/public/a")
    assert refused.error is not None and refused.error.kind == "robots"
    assert refused.attempts == 0 and "robots.txt disallows" in refused.error.message
    assert server.requests_for("/private/a") == []
    assert allowed.ok
    assert server.requests_for("/robots.txt")[0].header("user-agent") == UA


def test_robots_rules_for_our_user_agent_apply_to_us_only(server: LoopbackServer) -> None:
    server.route("/robots.txt", "User-agent: voci\nDisallow: /\n\nUser-agent: *\nDisallow:\n",
                 headers=ROBOTS_HEADERS)
    server.route("/a", HTML, headers=HTML_HEADERS)
    with Fetcher(config()) as voci, Fetcher(config(user_agent="otherbot/2.0")) as other_bot:
        ours = page(voci, server, "/a")
        theirs = page(other_bot, server, "/a")
    assert ours.error is not None and ours.error.kind == "robots"
    assert theirs.ok


def test_huge_robots_txt_is_truncated_not_refused(server: LoopbackServer) -> None:
    rules = "User-agent: *\nDisallow: /private\n" + "# padding\n" * 100_000  # ~1 MB
    server.route("/robots.txt", rules, headers=ROBOTS_HEADERS)
    server.route("/public", HTML, headers=HTML_HEADERS)
    with Fetcher(config()) as fetcher:
        refused, allowed = page(fetcher, server, "/private"), page(fetcher, server, "/public")
    assert refused.error is not None and refused.error.kind == "robots"
    assert allowed.ok


def test_robots_fetched_once_per_host_across_threads(server: LoopbackServer) -> None:
    # A slow robots.txt widens the window in which a second thread could fetch it too.
    server.route("/robots.txt", "User-agent: *\nDisallow: /private\n",
                 headers=ROBOTS_HEADERS, delay=0.3)
    for i in range(16):
        server.route(f"/p{i}", HTML, headers=HTML_HEADERS)
    with Fetcher(config(per_host_concurrency=4)) as fetcher, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: page(fetcher, server, f"/p{i}"), range(16)))
        assert fetcher.request_count == 17
    assert all(result.ok for result in results)
    assert len(server.requests_for("/robots.txt")) == 1


def test_robots_404_allows_everything(server: LoopbackServer) -> None:
    server.route("/a", HTML, headers=HTML_HEADERS)
    with Fetcher(config()) as fetcher:
        first, second = page(fetcher, server, "/a"), page(fetcher, server, "/a")
    assert first.ok and second.ok
    assert len(server.requests_for("/robots.txt")) == 1


def test_robots_503_disallows_the_host(server: LoopbackServer) -> None:
    server.route("/robots.txt", status=503)
    server.route("/a", HTML, headers=HTML_HEADERS)
    with Fetcher(config(max_retries=1)) as fetcher:
        first, second = page(fetcher, server, "/a"), page(fetcher, server, "/a")
    for result in (first, second):
        assert result.error is not None and result.error.kind == "robots"
        assert "503" in result.error.message and result.attempts == 0
    assert server.requests_for("/a") == []
    assert len(server.requests_for("/robots.txt")) == 2  # one retry, then cached


# -- politeness ---------------------------------------------------------------------------


def test_requests_to_one_host_start_min_host_delay_apart(server: LoopbackServer) -> None:
    delay = 0.2
    server.route("/robots.txt", "User-agent: *\nAllow: /\n", headers=ROBOTS_HEADERS)
    for i in range(4):
        server.route(f"/p{i}", HTML, headers=HTML_HEADERS)
    with Fetcher(config(min_host_delay=delay)) as fetcher, ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: page(fetcher, server, f"/p{i}"), range(4)))
    assert all(result.ok for result in results)
    starts = sorted(request.started for request in server.requests)
    assert len(starts) == 5  # robots.txt is spaced like any other request
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= delay - STAMP_SLACK


def test_spacing_is_per_host(server: LoopbackServer, other: LoopbackServer) -> None:
    server.route("/feed", b"<rss/>")
    other.route("/feed", b"<rss/>")
    fake = FakeTime()
    with Fetcher(config(min_host_delay=10.0), sleep=fake.sleep, clock=fake.clock) as fetcher:
        for srv in (server, other, server, server, other):
            assert fetcher.fetch_feed(srv.url("/feed")).ok
    # The clock only moves when slept on: each repeat visit to a host waits the full
    # delay, and a first visit to the other host waits for nothing.
    assert fake.sleeps == [10.0, 10.0]


def test_per_host_concurrency_is_capped_but_used(server: LoopbackServer) -> None:
    # Requests wait at a two-party barrier: if fewer than two could be in flight at once,
    # the barrier would break and the requests would fail.
    barrier = threading.Barrier(2, timeout=5)

    def meet_another_request(request: object) -> None:
        barrier.wait()

    server.route("/feed", b"<rss/>", hook=meet_another_request)
    with Fetcher(config(per_host_concurrency=2)) as fetcher, ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: fetcher.fetch_feed(server.url("/feed")), range(6)))
    assert all(result.ok for result in results)
    assert server.max_in_flight == 2


def test_a_busy_host_does_not_hold_up_another(
    server: LoopbackServer, other: LoopbackServer
) -> None:
    slow_started, other_seen = threading.Event(), threading.Event()
    waited: list[bool] = []

    def hold_until_other_is_seen(request: object) -> None:
        slow_started.set()
        waited.append(other_seen.wait(5))

    server.route("/slow", b"<rss/>", hook=hold_until_other_is_seen)
    other.route("/fast", b"<rss/>", hook=lambda request: other_seen.set())
    with Fetcher(config(per_host_concurrency=1)) as fetcher, ThreadPoolExecutor(1) as pool:
        slow = pool.submit(fetcher.fetch_feed, server.url("/slow"))
        assert slow_started.wait(5)
        fast = fetcher.fetch_feed(other.url("/fast"))
        assert fast.ok and slow.result().ok
    assert waited == [True]


# -- values and pure helpers ------------------------------------------------------------


def test_request_count_includes_robots_and_retries(server: LoopbackServer) -> None:
    server.route_sequence("/a", [Response(status=502),
                                 Response(HTML, headers=HTML_HEADERS)])
    with Fetcher(config()) as fetcher:
        result = page(fetcher, server, "/a")
        assert fetcher.request_count == 3
    assert result.ok and result.attempts == 2


def test_closed_fetcher_refuses_to_work(server: LoopbackServer) -> None:
    fetcher = Fetcher(config())
    fetcher.close()
    with pytest.raises(RuntimeError):  # using a closed fetcher is a bug, not a fetch error
        fetcher.fetch_feed(server.url("/feed"))


def test_invalid_values_are_bugs() -> None:
    with pytest.raises(ValueError):
        FetchConfig(UA, max_bytes=0)
    with pytest.raises(ValueError):
        FetchConfig(" ")
    with pytest.raises(ValueError):
        FetchError("oops", "not a kind")
    with Fetcher(config()) as fetcher, pytest.raises(TypeError):
        fetcher.fetch_page("http://example.com/", allowed_domains="example.com")


def test_result_flags() -> None:
    assert FetchResult("u", "u", 200).ok
    assert not FetchResult("u", "u", 200, error=FetchError("not_html", "x")).ok
    assert FetchResult("u", "u", 304).not_modified
    assert not FetchResult("u", "u", 304).ok
    assert not FetchResult("u", "u", None, error=FetchError("connect", "x")).ok


@pytest.mark.parametrize(
    ("host", "domains", "allowed"),
    [
        ("gazzetta.it", ["gazzetta.it"], True),
        ("www.Gazzetta.IT", ["gazzetta.it"], True),
        ("www.gazzetta.it.", ["GAZZETTA.it"], True),
        ("www.gazzetta.it", ["gazzetta.it:443"], True),
        ("notgazzetta.it", ["gazzetta.it"], False),
        ("gazzetta.it.evil.com", ["gazzetta.it"], False),
        ("it", ["gazzetta.it"], False),
        ("tuttomercatoweb.com", ["gazzetta.it", "tuttomercatoweb.com"], True),
        ("127.0.0.11", ["127.0.0.11"], True),
        ("127.0.0.11", ["0.0.11"], False),
        ("127.0.0.11", ["127.0.0.1"], False),
        ("evil.127.0.0.1", ["127.0.0.1"], False),
        ("::1", ["[::1]"], True),
        ("", ["gazzetta.it"], False),
        ("gazzetta.it", [""], False),
        ("corrieredellosport.it", [], False),
    ],
)
def test_host_allowed(host: str, domains: list[str], allowed: bool) -> None:
    assert host_allowed(host, domains) is allowed


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
# A top-level label of letters, as real ones are: all-digit names would be IP addresses,
# which match only exactly.
_DOMAIN = st.builds("{}.{}".format, st.lists(_LABEL, min_size=1, max_size=3).map(".".join),
                    st.from_regex(r"[a-z]{2,6}", fullmatch=True))


@given(domain=_DOMAIN, sub=_LABEL, glued=_LABEL)
def test_host_allowed_means_equal_or_a_subdomain(domain: str, sub: str, glued: str) -> None:
    assert host_allowed(domain.upper(), [domain])
    assert host_allowed(f"{sub}.{domain}", [domain])
    # Glued on without a dot, a label makes another domain, never a subdomain.
    assert not host_allowed(f"{glued}{domain}", [domain])
    assert not host_allowed(domain, [f"{sub}.{domain}"])


def test_retry_after_seconds() -> None:
    now = dt.datetime(2025, 7, 1, 10, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(" 0 ", now) == 0.0
    assert retry_after_seconds("Tue, 01 Jul 2025 10:01:30 GMT", now) == 90.0
    assert retry_after_seconds("Tue, 01 Jul 2025 09:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("-5", now) is None
    assert retry_after_seconds(None, now) is None


def _drip_headers(conn: socket.socket, request: bytes) -> None:
    # a status line and headers, one byte every 0.2 s: each read gets its byte in time
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Slow: " + b"y" * 200:
        conn.sendall(bytes([byte]))
        time.sleep(0.2)


def test_headers_dripped_a_byte_at_a_time_hit_the_total_timeout() -> None:
    from tests.rawserver import RawServer

    with RawServer(_drip_headers) as server, Fetcher(
        config(read_timeout=2.0, total_timeout=1.5, max_retries=2)
    ) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch_feed(server.url("/feed.xml"))
        took = time.monotonic() - started
    assert result.error is not None and result.error.kind == "timeout", result
    assert "1.5s" in result.error.message
    assert result.attempts == 1  # a deadline is no passing blip: not retried
    assert took < 4.0, took


def test_stop_ends_requests_in_flight_at_once(server: LoopbackServer) -> None:
    server.route("/slow.xml", b"<rss/>", delay=8.0)
    fetcher = Fetcher(config(read_timeout=30.0, total_timeout=60.0))
    with fetcher:
        threading.Timer(0.5, fetcher.stop).start()
        started = time.monotonic()
        result = fetcher.fetch_feed(server.url("/slow.xml"))
        took = time.monotonic() - started
        after = fetcher.fetch_feed(server.url("/slow.xml"))
    assert result.error is not None and result.error.kind == "stopped", result
    assert took < 2.0, took
    assert after.error is not None and after.error.kind == "stopped"
    assert len(server.requests_for("/slow.xml")) == 1  # nothing sent once stopped


def test_credentials_in_a_url_are_never_sent(server: LoopbackServer) -> None:
    server.route("/robots.txt", b"User-agent: *\nAllow: /\n", headers=ROBOTS_HEADERS)
    server.route("/page.html", HTML, headers=HTML_HEADERS)
    server.route("/feed.xml", b"<rss/>")
    url = server.url("/page.html").replace("http://", "http://user:s3cret@")
    with Fetcher(config()) as fetcher:
        page = fetcher.fetch_page(url, allowed_domains=[server.host])
        feed = fetcher.fetch_feed(server.url("/feed.xml").replace("http://", "http://u:p@"))
    assert page.ok and feed.ok
    assert "s3cret" not in page.final_url
    assert all(r.header("authorization") is None for r in server.requests)


def test_robots_txt_is_read_as_rfc_9309_says(server: LoopbackServer) -> None:
    # the longest matching rule wins, not the first; "*" and "$" are patterns
    server.route("/robots.txt", b"User-agent: *\nDisallow: /news\nAllow: /news/calcio\n"
                 b"Disallow: /*.php$\n", headers=ROBOTS_HEADERS)
    for path in ("/news/calcio/rossi.html", "/news/tennis.html", "/a.php", "/a.php5"):
        server.route(path, HTML, headers=HTML_HEADERS)
    with Fetcher(config()) as fetcher:
        verdicts = {path: fetcher.fetch_page(server.url(path), allowed_domains=[server.host])
                    for path in ("/news/calcio/rossi.html", "/news/tennis.html", "/a.php",
                                 "/a.php5")}
    assert verdicts["/news/calcio/rossi.html"].ok
    assert verdicts["/news/tennis.html"].error.kind == "robots"
    assert verdicts["/a.php"].error.kind == "robots"
    assert verdicts["/a.php5"].ok
