"""Pure: when a feed is next due, from how its last fetch went.

The next-due time is stored per feed, so no schedule lives only in memory: a restarted
daemon, or the next cron run, picks up where the last one stopped. Nothing here reads a
clock, the network or the database; `now` and everything else come in as arguments, and
the jitter is a hash of its seed, so the same inputs always give the same time.

How the wait is built, in order:

1. the feed's own interval (sources.yaml `poll_interval`, default 10 minutes);
2. a failed fetch: exponential backoff on that interval, capped (`MAX_BACKOFF`);
   a quiet feed (its last polls brought nothing new): the interval stretched by
   `QUIET_STRETCH` per unchanged poll, capped at `MAX_QUIET_FACTOR` times the interval;
   a change resets both;
3. what the server asked for, as a floor: `Retry-After`, and the remaining freshness of
   the response (Cache-Control max-age minus Age), each capped so a misconfigured server
   cannot switch a feed off;
4. jitter: the wait lengthened by up to `JITTER`, so feeds that share an interval do not
   all fall due on the same tick. Jitter only lengthens, so the floors of step 3 hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

# A failing feed is retried after interval * 2**(failures-1), but never later than this:
# an outlet that was down overnight is back in the rotation by the morning.
MAX_BACKOFF = dt.timedelta(hours=6)

# Each consecutive poll that brought nothing new (a 304, or a feed whose every entry is
# already stored) multiplies the wait by this. 1.5 is gentle: a 10-minute feed goes to
# 15, 22.5, 34 and then 40 minutes, so a feed that wakes up is seen again within the hour.
QUIET_STRETCH = 1.5

# A quiet feed is polled at most this many times less often than its interval asks. The
# interval is the outlet's own setting; stretching it without bound would let a feed that
# was quiet all summer miss the first morning of the window.
MAX_QUIET_FACTOR = 4.0

# Retry-After is honoured up to a day: a longer one is more likely a misconfigured server
# than a real request, and checking once a day costs the server nothing.
MAX_RETRY_AFTER = dt.timedelta(days=1)

# Cache-Control freshness is honoured up to an hour. Feeds served by CDNs often carry
# max-age values meant for static files (a day, a year); transfer news older than an hour
# is late news, so past that we revalidate anyway (a conditional GET: a 304 is cheap).
MAX_FRESHNESS = dt.timedelta(hours=1)

# The wait is lengthened by a deterministic fraction in [0, JITTER) of itself: enough to
# spread a few dozen feeds over a tick window, small enough that the quiet level read
# back from a stored wait (`unchanged_polls_from`) is never off by one
# (log(1 + JITTER) / log(QUIET_STRETCH) = 0.24 < 0.5).
JITTER = 0.1


def next_due(now: dt.datetime, interval: dt.timedelta, *, ok: bool, failures: int,
             unchanged_polls: int = 0, retry_after: dt.timedelta | None = None,
             max_age: dt.timedelta | None = None,
             jitter_seed: str | None = None) -> dt.datetime:
    """When to poll a feed next, having just polled it at `now`.

    `failures` counts consecutive failures including this one (0 when `ok`);
    `unchanged_polls` the consecutive successful polls, this one included, that brought
    nothing new (0 when this one did). `retry_after` and `max_age` are what the last
    response asked for (max_age already minus the response's Age). `jitter_seed` names
    the poll (e.g. the feed's URL and `now`); None means no jitter.
    """
    return now + wait_for(interval, ok=ok, failures=failures,
                          unchanged_polls=unchanged_polls, retry_after=retry_after,
                          max_age=max_age, jitter_seed=jitter_seed)


def wait_for(interval: dt.timedelta, *, ok: bool, failures: int, unchanged_polls: int = 0,
             retry_after: dt.timedelta | None = None, max_age: dt.timedelta | None = None,
             jitter_seed: str | None = None) -> dt.timedelta:
    """The wait `next_due` adds to `now` (see the module docstring for the steps)."""
    if interval <= dt.timedelta(0):
        raise ValueError(f"a poll interval must be positive, not {interval}")
    if not ok:
        wait = min(interval * (2 ** max(failures - 1, 0)), max(MAX_BACKOFF, interval))
    else:
        wait = min(interval * QUIET_STRETCH ** max(unchanged_polls, 0),
                   interval * MAX_QUIET_FACTOR)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
    if max_age is not None and ok:  # an error response's freshness says nothing of the feed
        wait = max(wait, min(max_age, MAX_FRESHNESS))
    if jitter_seed is not None:
        wait += wait * (JITTER * jitter_fraction(jitter_seed))
    return wait


def jitter_fraction(seed: str) -> float:
    """A number in [0, 1), the same for the same seed on every machine and run."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def unchanged_polls_from(previous_wait: dt.timedelta | None, interval: dt.timedelta) -> int:
    """How many unchanged polls the wait chosen last time implies (0 when unknown).

    The feeds table keeps a feed's last fetch time and the due time then chosen but no
    counter of quiet polls; their difference is the last wait, which (jitter aside) is
    interval * QUIET_STRETCH**n for a quiet feed. Waits stretched by a server's
    Retry-After or max-age read back as quieter than they were, which only matters
    below the MAX_QUIET_FACTOR cap and is reset by the next change.
    """
    if previous_wait is None or interval <= dt.timedelta(0) or previous_wait <= interval:
        return 0
    ratio = min(previous_wait / interval, MAX_QUIET_FACTOR)
    return max(0, round(math.log(ratio) / math.log(QUIET_STRETCH)))


def freshness(max_age: float | None, age: float | None) -> dt.timedelta | None:
    """What is left of a response's Cache-Control max-age once its Age has passed."""
    if max_age is None:
        return None
    return dt.timedelta(seconds=max(0.0, max_age - (age or 0.0)))
