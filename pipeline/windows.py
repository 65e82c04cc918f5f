"""Transfer windows: which window a claim is about, and when a window closes.

Owns `window_of`, the one place that decides which window a claim is about, and
`window_closes`, when a window ends (scoring expires rumours then).

The windows are Serie A's real ones, read from pipeline/rumours/data/windows.yaml: the
opening and closing day of every summer and winter window from summer 2010 to winter 2027
(a few marked approximate). A claim is about the window that is open when it is
published, else the next one to open:

    inside a window (deadline day included)  ->  that window
    between two windows                      ->  the next one

So a story of 2 September 2019 (deadline day) belongs to "2019-07" and one of 3 September
to "2020-01"; September 2020 stories belong to "2020-07" (that COVID window closed on 5
October) and those of 6 October 2020 to "2021-01"; 1 February 2021 is still "2021-01". A
window's days are Rome calendar days, taken whole: one that closes on 2 September runs to
midnight in Rome (22:00 UTC), so an article at 23:30 Rome time on deadline day is inside
it. Publication times are compared as instants (UTC is what the store keeps); only the
windows' edges are placed in Rome's time. Extra periods of a window (the 1-10 June 2025
one before the Club World Cup) belong to it.

Before the first window in the file and after the last, the month rule of the UTC date:

    published Sep-Dec of year Y  ->  "Y+1-01"  (next January)
    published January of year Y  ->  "Y-01"    (this January)
    published Feb-Aug of year Y  ->  "Y-07"    (this summer)

The file is read and checked once, on first use; `window_of` is then a bisection over the
sorted instants at which windows close.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

WINDOWS_DATA = Path(__file__).with_name("rumours") / "data" / "windows.yaml"


class WindowDataError(ValueError):
    """The windows file is malformed: the message names the file and the entry."""


@dataclass(frozen=True)
class Window:
    """One Serie A transfer window: Rome calendar days, both ends included."""

    id: str  # "2027-01" (winter), "2027-07" (summer)
    opens: dt.date
    closes: dt.date
    approximate: bool = False  # a day follows the usual pattern, not a known date
    also: tuple[tuple[dt.date, dt.date], ...] = ()  # earlier periods it was open

    @property
    def periods(self) -> tuple[tuple[dt.date, dt.date], ...]:
        """Every period the window was open, in order."""
        return tuple(sorted((*self.also, (self.opens, self.closes))))


class WindowCalendar:
    """Known windows, checked (in order, apart, none missing); see the module doc."""

    def __init__(self, windows: Sequence[Window]) -> None:
        _check(windows)
        self.windows = tuple(windows)
        periods = [(start, end, w.id) for w in windows for start, end in w.periods]
        self._start = _rome_midnight(periods[0][0]).timestamp()
        # a period ends at the midnight (Rome) after its last day; bisect_right finds
        # the first period ending after an instant: the open window, else the next one
        self._ends = [_rome_midnight(end + _DAY).timestamp() for _, end, _ in periods]
        self._ids = [window_id for _, _, window_id in periods]
        self._closes = {w.id: _rome_midnight(w.closes + _DAY) for w in windows}

    def window_of(self, published_at: dt.datetime) -> str:
        at = published_at.timestamp()
        i = bisect.bisect_right(self._ends, at)
        if i == len(self._ends):  # after the last window: never it, nor one before it
            return max(_month_rule(published_at), _next_id(self._ids[-1]))
        if at < self._start:
            return _month_rule(published_at)
        return self._ids[i]

    def closes(self, window: str) -> dt.datetime:
        """The instant (UTC) the window closed: midnight in Rome after its last day."""
        if (known := self._closes.get(window)) is not None:
            return known
        year, month = _parse_id(window)
        # the month rule's window ends with its last month, in UTC
        return dt.datetime(year, 2 if month == 1 else 9, 1, tzinfo=dt.UTC)


def load_windows(path: Path | str = WINDOWS_DATA) -> WindowCalendar:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("windows"), list):
        raise WindowDataError(f"{path}: expected a mapping with a 'windows' list")
    try:
        return WindowCalendar([_window(entry) for entry in data["windows"]])
    except WindowDataError as e:
        raise WindowDataError(f"{path}: {e}") from None


@lru_cache(maxsize=1)
def default_windows() -> WindowCalendar:
    """The packaged windows, loaded once."""
    return load_windows()


def window_of(published_at: dt.datetime) -> str:
    """The transfer window a claim published at this time is about (see module doc)."""
    return default_windows().window_of(published_at)


def window_closes(window: str) -> dt.datetime:
    """When a window ("2027-01", "2027-07") closes, as an instant in UTC: midnight in
    Rome after its last day, so the last day counts whole; for a window the file does
    not know, the end of its last month under the month rule (1 February, 1 September)."""
    return default_windows().closes(window)


def published_within(window: str) -> tuple[dt.datetime, dt.datetime]:
    """Instants that every claim `window_of` gives this window was published between:
    after the window before it closed, by its own close (with a margin of weeks for the
    edges of the calendar, where the month rule takes over). A superset: a reader that
    needs exactly the window's claims filters these with `window_of`."""
    year, month = _parse_id(window)
    before = f"{year - 1}-07" if month == 1 else f"{year}-01"
    return window_closes(before) - 45 * _DAY, window_closes(window) + _DAY


_DAY = dt.timedelta(days=1)
_ID = re.compile(r"(\d{4})-(01|07)")
_KIND_MONTH = {"winter": 1, "summer": 7}
_KEYS = {"id", "kind", "opens", "closes", "approximate", "also", "note"}
_PERIOD_KEYS = {"opens", "closes", "note"}


def _month_rule(published_at: dt.datetime) -> str:
    at = published_at.astimezone(dt.UTC)
    if at.month >= 9:
        return f"{at.year + 1}-01"
    if at.month == 1:
        return f"{at.year}-01"
    return f"{at.year}-07"


def _rome_midnight(day: dt.date) -> dt.datetime:
    """The midnight that starts `day` in Rome, in UTC. Rome keeps CEST (UTC+2) from the
    last Sunday of March to the last Sunday of October, clocks changing at 01:00 UTC
    (the EU rule since 1996), and CET (UTC+1) otherwise: so midnight on the March
    Sunday is still CET, midnight on the October Sunday still CEST."""
    summer = _last_sunday(day.year, 3) < day <= _last_sunday(day.year, 10)
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return midnight - dt.timedelta(hours=2 if summer else 1)


def _last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year, month + 1, 1) - _DAY
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


def _next_id(window: str) -> str:
    year, month = _parse_id(window)
    return f"{year}-07" if month == 1 else f"{year + 1}-01"


def _parse_id(window: object) -> tuple[int, int]:
    if not isinstance(window, str) or not (m := _ID.fullmatch(window)):
        raise ValueError(f"not a window id (YYYY-01 or YYYY-07): {window!r}")
    return int(m[1]), int(m[2])


def _day(entry: dict[str, Any], key: str, where: str) -> dt.date:
    value = entry.get(key)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise WindowDataError(f"{where}: '{key}' must be a date (YYYY-MM-DD), not {value!r}")
    return value


def _window(entry: object) -> Window:
    if not isinstance(entry, dict):
        raise WindowDataError(f"expected a mapping per window, not {entry!r}")
    where = f"window {entry.get('id')!r}"
    if unknown := set(entry) - _KEYS:
        raise WindowDataError(f"{where}: unknown keys {sorted(unknown)}")
    try:
        year, month = _parse_id(entry.get("id"))
    except ValueError as e:
        raise WindowDataError(f"{where}: {e}") from None
    kind = entry.get("kind")
    if not isinstance(kind, str) or _KIND_MONTH.get(kind) != month:
        raise WindowDataError(f"{where}: kind {kind!r} does not match the id "
                              f"(YYYY-01 is winter, YYYY-07 summer)")
    approximate = entry.get("approximate", False)
    if not isinstance(approximate, bool):
        raise WindowDataError(f"{where}: 'approximate' must be true or false")
    also = entry.get("also", [])
    if not isinstance(also, list) or not all(isinstance(p, dict) for p in also):
        raise WindowDataError(f"{where}: 'also' must be a list of periods (opens, closes)")
    for period in also:
        if unknown := set(period) - _PERIOD_KEYS:
            raise WindowDataError(f"{where}: unknown keys {sorted(unknown)} in 'also'")
    window = Window(str(entry["id"]), _day(entry, "opens", where), _day(entry, "closes", where),
                    approximate, tuple((_day(p, "opens", where), _day(p, "closes", where))
                                       for p in also))
    for start, end in window.periods:
        if end <= start:
            raise WindowDataError(f"{where}: closes ({end}) must come after opens ({start})")
        if start.year != year or end.year != year:
            raise WindowDataError(f"{where}: {start} - {end} is not in {year}")
    return window


def _check(windows: Sequence[Window]) -> None:
    """In time order, no two periods overlapping, and no window missing in between."""
    if not windows:
        raise WindowDataError("no windows")
    before: Window | None = None
    for w in windows:
        if before is not None:
            expected = _next_id(before.id)
            if w.id != expected:
                raise WindowDataError(f"window {w.id!r} follows {before.id!r}: expected "
                                      f"{expected!r} (in order, none missing)")
            if w.periods[0][0] <= before.periods[-1][1]:
                raise WindowDataError(f"window {w.id!r} opens on {w.periods[0][0]}, before "
                                      f"{before.id!r} closes ({before.periods[-1][1]})")
        for (_, end), (start, _) in itertools.pairwise(w.periods):
            if start <= end:
                raise WindowDataError(f"window {w.id!r}: its periods overlap")
        if w.periods[-1] != (w.opens, w.closes):
            raise WindowDataError(f"window {w.id!r}: an 'also' period after opens")
        before = w
