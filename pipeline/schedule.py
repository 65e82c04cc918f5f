"""Pure: when a feed is next due, from how its last fetch went.

The next-due time is stored per feed, so no schedule lives only in memory: a restarted
daemon, or the next cron run, picks up where the last one stopped.
"""

from __future__ import annotations

import datetime as dt

# A failing feed is retried after interval * 2**(failures-1), but never later than this.
MAX_BACKOFF = dt.timedelta(hours=6)


def next_due(now: dt.datetime, interval: dt.timedelta, *, ok: bool, failures: int,
             retry_after: dt.timedelta | None = None) -> dt.datetime:
    """`failures` counts consecutive failures including this one (0 when `ok`)."""
    wait = interval
    if not ok:
        wait = min(interval * (2 ** max(failures - 1, 0)), max(MAX_BACKOFF, interval))
    if retry_after is not None and retry_after > wait:
        wait = retry_after
    return now + wait
