"""Real outcomes: completed transfers that resolve rumours (`voci outcomes import`).

The transfers table of transfermarkt-datasets (CC0; player id, date, from club, to club,
fee; full or reduced schema, pipeline.registry.dataset) records what really happened. A
rumour (player -> to_club in a window) is

* **confirmed** when a record has the player joining that club in that window (loans
  included: any record to that club), from the record's day on;
* **collapsed** when the window closed, inside the period the table covers, with the
  player elsewhere or staying: no record of him joining that club in that window;
* left as it is when the table does not cover the window, or names no player the
  rumour's can be matched to.

The official-announcement path (pipeline.scoring) stays: an announcement still confirms,
and a record's collapse never overrules it.

Players are matched by name: the import's players table (its ids and names), else the
names its transfers carry (full schema), else the active registry's names for its ids. A
rumour's player is the outcome player with his full name (pipeline.registry.name_key),
else the registry id his claims carry (claims.player_ref) when that player's surname
agrees. Clubs are linked to voci's club ids by the registry's rules (`link_clubs`), from
the import's clubs table, the names its transfers carry and the active registry.

A table covers the period from its first record to the day it was taken (`data_date`:
its last busy week, not after today), or to `covers_until` when given.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pipeline.model import StoredClaim
from pipeline.registry import active, name_key
from pipeline.registry.dataset import (
    ClubRow,
    Dataset,
    DatasetError,
    TransferRow,
    decode,
    read_clubs,
    read_players,
    read_transfers,
    table_of,
)
from pipeline.registry.index import data_date, link_clubs
from pipeline.scoring import Resolution
from pipeline.store import RumourRecord, Store
from pipeline.store.outcomes import OutcomeImport, TransferRecord
from pipeline.windows import window_closes, window_of

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class OutcomeTables:
    """What an outcomes source holds: players (id, name), clubs, transfers."""

    players: dict[int, str]
    clubs: tuple[ClubRow, ...]
    transfers: tuple[TransferRow, ...]
    dates: tuple[tuple[dt.date, ...], ...] = ()  # each transfers file's dates


def parse_outcome_files(files: Iterable[tuple[str, bytes]]) -> OutcomeTables:
    """The players, clubs and transfers tables among these files (by their names); a
    transfers table is required."""
    players: dict[int, str] = {}
    named: dict[int, str] = {}  # names the transfers table carries (full schema)
    clubs: dict[int, ClubRow] = {}
    transfers: dict[tuple[int, dt.date, int | None, int | None], TransferRow] = {}
    dates: list[tuple[dt.date, ...]] = []
    names = []
    for name, data in sorted(files, key=lambda f: f[0]):
        table = table_of(name.rsplit("/", 1)[-1])
        names.append(name)
        if table is None:
            continue
        text = decode(data, name)
        if table == "players":
            players.update((p.id, p.name) for p in read_players(text, name))
        elif table == "clubs":
            clubs.update((c.id, c) for c in read_clubs(text, name))
        else:
            rows = read_transfers(text, name)
            for t in rows:
                transfers[(t.player_id, t.date, t.from_club_id, t.to_club_id)] = t
            dates.append(tuple(t.date for t in rows))
            named.update(_transfer_names(text))
    if not transfers:
        raise DatasetError("no transfers table (transfers*.csv or transfers*.csv.gz) among: "
                           + (", ".join(names) or "no files"))
    for pid, n in named.items():
        players.setdefault(pid, n)
    return OutcomeTables(players, tuple(clubs.values()),
                         tuple(transfers[k] for k in sorted(transfers, key=_sort_key)),
                         tuple(dates))


def coverage(tables: OutcomeTables, covers_until: dt.date | None = None,
             today: dt.date | None = None) -> list[tuple[dt.date, dt.date]]:
    """The periods the tables record every move of: each transfers file's, from its first
    record to the day it was taken (`data_date`: its last busy week, not after today) -
    a file of moves scheduled ahead (loans ending next June) covers no window. With
    `covers_until`, all the records up to that day."""
    if covers_until is not None:
        first = min((d for ds in tables.dates for d in ds), default=None)
        return [(first, covers_until)] if first and first <= covers_until else []
    out = []
    for ds in tables.dates:
        until = data_date(list(ds), today)
        if ds and until is not None and until >= min(ds):
            out.append((min(ds), until))
    return out


def _sort_key(k: tuple[int, dt.date, int | None, int | None]) -> tuple[int, dt.date, int, int]:
    return (k[0], k[1], k[2] or 0, k[3] or 0)


def _transfer_names(text: str) -> dict[int, str]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if "player_name" not in (reader.fieldnames or ()):
        return {}
    out = {}
    for row in reader:
        name = " ".join((row.get("player_name") or "").split())
        try:
            pid = int(float(row.get("player_id") or ""))
        except ValueError:
            continue
        if name:
            out[pid] = name
    return out


def import_outcomes(store: Store, tables: OutcomeTables, *, source: str, at: dt.datetime,
                    covers_until: dt.date | None = None,
                    today: dt.date | None = None) -> tuple[OutcomeImport, int]:
    """Store the tables' players, transfers and coverage, and make due the rumours of the
    windows that changed. Returns the import's report and how many rumours were made due."""
    registry = active()
    names = dict(tables.players)
    for t in tables.transfers:  # players the tables do not name: the registry's name
        if t.player_id not in names and t.player_id in registry.players:
            names[t.player_id] = registry.players[t.player_id].name
    links = _club_links(tables)
    club_names = {**registry.club_names, **{c.id: c.name for c in tables.clubs}}
    records = [TransferRecord(
        t.player_id, t.date, t.from_club_id, t.to_club_id,
        links.get(t.from_club_id) if t.from_club_id else None,
        links.get(t.to_club_id) if t.to_club_id else None,
        t.from_club_name or (club_names.get(t.from_club_id) if t.from_club_id else None),
        t.to_club_name or (club_names.get(t.to_club_id) if t.to_club_id else None),
        t.fee_eur) for t in tables.transfers]
    players = [(pid, n, name_key(n)) for pid, n in sorted(names.items()) if name_key(n)]
    report = store.import_outcomes(players, records, coverage(tables, covers_until, today),
                                   source=source, at=at)
    windows: set[str] = {window_of(_noon(d)) for d in report.changed_dates}
    if report.players_added or report.players_changed or report.coverage_added:
        # a newly named player or newly covered period can resolve any covered window
        spans = store.outcome_coverage()
        windows |= {w for w in store.rumour_windows() if _covered(w, spans)}
    due = store.make_windows_due(windows) if windows else 0
    return report, due


def _club_links(tables: OutcomeTables) -> dict[int, str | None]:
    """transfermarkt club id -> voci club id: the active registry's links, and the
    import's own clubs (its clubs table, the names its transfers carry) linked by name."""
    from pipeline.claims import default_clubs

    registry = active()
    links: dict[int, str | None] = dict(registry.club_map)
    rows = {c.id: c for c in tables.clubs}
    for t in tables.transfers:
        for cid, name in ((t.from_club_id, t.from_club_name), (t.to_club_id, t.to_club_name)):
            if cid is not None and name and cid not in rows and cid not in links:
                rows[cid] = ClubRow(cid, name, None, None, None)
    if rows:
        own = link_clubs(Dataset((), tuple(rows.values()), ()), default_clubs())
        links.update({k: v for k, v in own.items() if v is not None or k not in links})
    return links


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _opens(window: str) -> dt.datetime:
    """When the records of a window start: the close of the window before it."""
    year, month = int(window[:4]), int(window[5:7])
    return window_closes(f"{year - 1}-07" if month == 1 else f"{year}-01")


def _covered(window: str, spans: Sequence[tuple[dt.date, dt.date]]) -> bool:
    """Whether one imported table records every move of the window."""
    return any(_start(a) <= _opens(window) and _start(b) + DAY >= window_closes(window)
               for a, b in spans)


def resolutions(store: Store, rumours: Sequence[RumourRecord],
                claims: Mapping[int, StoredClaim]) -> dict[str, Resolution]:
    """What the imported records say of these rumours (those they resolve)."""
    if not rumours or not store.has_outcomes():
        return {}
    keys = {r.id: name_key(r.player) for r in rumours}
    refs: dict[str, set[int]] = {r.id: set() for r in rumours}
    for r in rumours:
        for cid in r.claim_ids:
            c = claims.get(cid)
            if c is not None and c.claim.player_ref is not None:
                refs[r.id].add(c.claim.player_ref)
    players = store.outcome_players(set(keys.values()), {i for s in refs.values() for i in s})
    by_key: dict[str, list[int]] = {}
    for known, (_, key) in players.items():
        by_key.setdefault(key, []).append(known)
    matched: dict[str, int] = {}
    for r in rumours:
        hit = _match(keys[r.id], refs[r.id], by_key, players)
        if hit is not None:
            matched[r.id] = hit
    if not matched:
        return {}
    records: dict[int, list[TransferRecord]] = {}
    for t in store.outcome_transfers(set(matched.values())):
        records.setdefault(t.player_id, []).append(t)
    spans = store.outcome_coverage()
    out = {}
    for r in rumours:
        if r.id not in matched:
            continue
        pid = matched[r.id]
        moves = [t for t in records.get(pid, ()) if window_of(_noon(t.date)) == r.window]
        joined = [t for t in moves if t.to_club == r.to_club]
        if joined:
            t = joined[0]
            out[r.id] = Resolution("confirmed", _start(t.date), _describe(t, pid))
        elif _covered(r.window, spans):
            if moves:
                why = "the window closed after he moved: " + "; ".join(
                    _describe(t, pid) for t in moves)
            else:
                why = (f"no recorded move of transfermarkt player {pid} in the window "
                       f"{r.window}")
            out[r.id] = Resolution("collapsed", window_closes(r.window), why)
    return out


def _match(key: str, refs: Collection[int], by_key: Mapping[str, list[int]],
           players: Mapping[int, tuple[str, str]]) -> int | None:
    """The outcome player a rumour's player is: by full name when one player has it (the
    registry id his claims carry settles several), else by that id when the surnames
    agree."""
    named = by_key.get(key, [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        hit = [i for i in named if i in refs]
        return hit[0] if len(hit) == 1 else None
    surname = key.split()[-1] if key else ""
    agree = [i for i in refs if i in players and players[i][1].split()[-1:] == [surname]]
    return agree[0] if len(agree) == 1 else None


def _describe(t: TransferRecord, pid: int) -> str:
    fee = f", fee €{t.fee_eur / 1e6:.1f}m" if t.fee_eur else ""
    return (f"{t.from_club_name or t.from_club or '?'} -> {t.to_club_name or t.to_club or '?'} "
            f"on {t.date.isoformat()}{fee} (transfermarkt player {pid})")


__all__ = ["OutcomeTables", "import_outcomes", "parse_outcome_files",
           "resolutions"]
