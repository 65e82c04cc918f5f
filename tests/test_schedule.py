"""The scheduling arithmetic (pipeline.schedule): pure, so tested exhaustively."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from pipeline.fetch.http import max_age_seconds
from pipeline.schedule import (
    JITTER,
    MAX_BACKOFF,
    MAX_FRESHNESS,
    MAX_QUIET_FACTOR,
    MAX_RETRY_AFTER,
    QUIET_STRETCH,
    freshness,
    jitter_fraction,
    next_due,
    unchanged_polls_from,
    wait_for,
)

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
TEN = dt.timedelta(minutes=10)
intervals = st.integers(min_value=60, max_value=86_400).map(lambda s: dt.timedelta(seconds=s))
seeds = st.text(max_size=40)


def test_a_healthy_changing_feed_waits_its_interval() -> None:
    assert next_due(NOW, TEN, ok=True, failures=0) == NOW + TEN


def test_backoff_doubles_per_failure_and_caps() -> None:
    waits = [wait_for(TEN, ok=False, failures=n) for n in range(1, 12)]
    assert waits[:4] == [TEN, 2 * TEN, 4 * TEN, 8 * TEN]
    assert all(a <= b for a, b in zip(waits, waits[1:], strict=False))
    assert waits[-1] == MAX_BACKOFF
    # An interval already past the cap is never shortened by failing.
    assert wait_for(dt.timedelta(hours=8), ok=False, failures=5) == dt.timedelta(hours=8)


def test_a_quiet_feed_stretches_caps_and_resets_on_change() -> None:
    waits = [wait_for(TEN, ok=True, failures=0, unchanged_polls=n) for n in range(8)]
    assert waits[0] == TEN and waits[1] == TEN * QUIET_STRETCH
    assert all(a <= b for a, b in zip(waits, waits[1:], strict=False))
    assert waits[-1] == TEN * MAX_QUIET_FACTOR
    assert wait_for(TEN, ok=True, failures=0, unchanged_polls=0) == TEN  # a change: reset


@given(intervals, st.integers(min_value=0, max_value=12), seeds)
def test_the_quiet_level_reads_back_from_the_stored_wait(interval: dt.timedelta, n: int,
                                                          seed: str) -> None:
    """What the daemon stores (a jittered wait) tells the next poll how quiet the feed was,
    up to the cap; so the stretch keeps growing poll after poll, then holds."""
    stored = wait_for(interval, ok=True, failures=0, unchanged_polls=n, jitter_seed=seed)
    level = unchanged_polls_from(stored, interval)
    again = wait_for(interval, ok=True, failures=0, unchanged_polls=level + 1)
    assert again == min(interval * QUIET_STRETCH ** (n + 1), interval * MAX_QUIET_FACTOR)


def test_no_previous_wait_means_no_quiet_polls() -> None:
    assert unchanged_polls_from(None, TEN) == 0
    assert unchanged_polls_from(TEN, TEN) == 0
    assert unchanged_polls_from(dt.timedelta(days=30), TEN) == unchanged_polls_from(
        TEN * MAX_QUIET_FACTOR, TEN)


def test_retry_after_is_a_floor_capped_at_a_day() -> None:
    hour = dt.timedelta(hours=1)
    assert wait_for(TEN, ok=False, failures=1, retry_after=hour) == hour
    assert wait_for(TEN, ok=True, failures=0, retry_after=dt.timedelta(seconds=5)) == TEN
    assert wait_for(TEN, ok=False, failures=1,
                    retry_after=dt.timedelta(days=30)) == MAX_RETRY_AFTER


def test_max_age_is_a_floor_capped_and_ignored_on_errors() -> None:
    half = dt.timedelta(minutes=30)
    assert wait_for(TEN, ok=True, failures=0, max_age=half) == half
    assert wait_for(TEN, ok=True, failures=0, max_age=dt.timedelta(minutes=1)) == TEN
    assert wait_for(TEN, ok=True, failures=0, max_age=dt.timedelta(days=365)) == MAX_FRESHNESS
    assert wait_for(TEN, ok=False, failures=1, max_age=half) == TEN


def test_freshness_is_max_age_minus_age() -> None:
    assert freshness(600.0, 120.0) == dt.timedelta(minutes=8)
    assert freshness(600.0, 900.0) == dt.timedelta(0)
    assert freshness(None, 5.0) is None
    assert max_age_seconds("public, max-age=300") == 300.0
    assert max_age_seconds('max-age="60", s-maxage=9') == 60.0
    assert max_age_seconds("no-cache, max-age=300") is None
    assert max_age_seconds("max-age=soon") is None and max_age_seconds(None) is None


@given(intervals, st.booleans(), st.integers(min_value=0, max_value=20),
       st.integers(min_value=0, max_value=20), seeds,
       st.none() | st.integers(min_value=0, max_value=200_000).map(
           lambda s: dt.timedelta(seconds=s)),
       st.none() | st.integers(min_value=0, max_value=200_000).map(
           lambda s: dt.timedelta(seconds=s)))
def test_jitter_is_deterministic_bounded_and_keeps_the_floors(
        interval: dt.timedelta, ok: bool, failures: int, quiet: int, seed: str,
        retry_after: dt.timedelta | None, max_age: dt.timedelta | None) -> None:
    args = {"ok": ok, "failures": failures if not ok else 0, "unchanged_polls": quiet,
            "retry_after": retry_after, "max_age": max_age}
    plain = wait_for(interval, **args)  # type: ignore[arg-type]
    jittered = wait_for(interval, jitter_seed=seed, **args)  # type: ignore[arg-type]
    assert jittered == wait_for(interval, jitter_seed=seed, **args)  # type: ignore[arg-type]
    assert plain <= jittered < plain * (1 + JITTER) + dt.timedelta(microseconds=1)
    assert next_due(NOW, interval, jitter_seed=seed, **args) == NOW + jittered  # type: ignore[arg-type]
    if retry_after is not None:
        assert jittered >= min(retry_after, MAX_RETRY_AFTER)
    assert jittered >= (interval if ok else min(interval, MAX_BACKOFF))


def test_jitter_spreads_feeds_that_share_an_interval() -> None:
    fractions = {round(jitter_fraction(f"https://example.org/feed{n} {NOW.isoformat()}"), 2)
                 for n in range(30)}
    assert len(fractions) > 15
    assert all(0 <= f < 1 for f in fractions)
