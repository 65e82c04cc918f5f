"""Reading the transfermarkt-datasets tables (CC0): players, clubs, transfers.

The data set (github.com/dcaribou/transfermarkt-datasets) publishes one CSV per table,
plain or gzipped, in two shapes that voci both reads:

- the full schema: players with first_name, last_name, current_club_name,
  market_value_in_eur, last_season, ...; transfers with names and plain decimal fees
  ("20000000.000");
- the reduced schema some copies carry: players cut to id, name, date of birth, position,
  foot, current club id, height and citizenship; transfers with ids only and fees written
  with dots between every three digits ("52.140.000.000" is 52,140,000.000).

`read_dataset` takes the files of a folder (or explicit files) and returns the three tables
as frozen rows. A table it cannot read is a `DatasetError` naming the file, the line and
what is wrong; nothing is half-read.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

TABLES = ("players", "clubs", "transfers")


class DatasetError(ValueError):
    """A table of the data set is missing, malformed or of an unknown shape."""


@dataclass(frozen=True)
class PlayerRow:
    id: int
    name: str
    date_of_birth: dt.date | None
    position: str | None  # sub_position: "Centre-Back", "Attacking Midfield", ...
    citizenship: str | None
    club_id: int | None  # current club (transfermarkt id)
    market_value_eur: int | None
    last_season: int | None  # the last season he played (full schema only)


@dataclass(frozen=True)
class ClubRow:
    id: int
    name: str
    competition: str | None  # domestic competition: "IT1", "GB1", ...
    coach: str | None
    last_season: int | None


@dataclass(frozen=True)
class TransferRow:
    player_id: int
    date: dt.date
    from_club_id: int | None
    to_club_id: int | None
    fee_eur: int | None
    from_club_name: str | None
    to_club_name: str | None


@dataclass(frozen=True)
class Dataset:
    players: tuple[PlayerRow, ...]
    clubs: tuple[ClubRow, ...]
    transfers: tuple[TransferRow, ...]


def table_of(name: str) -> str | None:
    """Which table a file holds, from its name: players.csv, clubs-NEW.csv.gz,
    transfers-2025-07-reduced.csv -> players, clubs, transfers; None for other files."""
    m = re.match(r"(players|clubs|transfers)(?:[-_.][\w.-]*)?\.csv(?:\.gz)?$", name.lower())
    return m.group(1) if m else None


def decode(data: bytes, name: str) -> str:
    """A table's bytes as text, gunzipped when they are gzip (whatever the name says)."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise DatasetError(f"{name}: not a readable gzip file ({exc})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{name}: not UTF-8 text ({exc})") from exc


def _rows(text: str, name: str, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = set(reader.fieldnames or ())
    missing = [f for f in required if f not in fields]
    if missing:
        raise DatasetError(f"{name}: missing column(s) {', '.join(missing)}"
                           f" (has: {', '.join(sorted(fields)) or 'nothing'})")
    for row in reader:
        yield reader.line_num, row


def _int(value: str | None, name: str, line: int, column: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(float(value))
    except ValueError:
        raise DatasetError(f"{name}, line {line}: {column} {value!r} is not a number") from None


def _money(value: str | None, name: str, line: int, column: str) -> int | None:
    """Euros: "20000000.000" (full schema) or "52.140.000.000" (reduced: the dots group
    every three digits and the last three are decimals)."""
    value = (value or "").strip().replace(",", "")
    if not value or value in {"-", "?"}:
        return None
    if value.count(".") > 1:
        digits = value.replace(".", "")
        if not digits.isdigit():
            raise DatasetError(f"{name}, line {line}: {column} {value!r} is not an amount")
        return int(digits) // 1000
    try:
        return int(float(value))
    except ValueError:
        raise DatasetError(f"{name}, line {line}: {column} {value!r} is not an amount") from None


def _date(value: str | None, name: str, line: int, column: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise DatasetError(f"{name}, line {line}: {column} {value!r} is not a date") from None


def _text(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def read_players(text: str, name: str = "players.csv") -> list[PlayerRow]:
    out = []
    for line, r in _rows(text, name, ("player_id", "name")):
        pid = _int(r["player_id"], name, line, "player_id")
        full = _text(r.get("name")) or _text(
            f"{r.get('first_name') or ''} {r.get('last_name') or ''}")
        if pid is None or not full:
            continue  # a row with no id or no name identifies nobody
        out.append(PlayerRow(
            id=pid, name=full,
            date_of_birth=_date(r.get("date_of_birth"), name, line, "date_of_birth"),
            position=_text(r.get("sub_position")) or _text(r.get("position")),
            citizenship=_text(r.get("country_of_citizenship")),
            club_id=_int(r.get("current_club_id"), name, line, "current_club_id"),
            market_value_eur=_money(r.get("market_value_in_eur"), name, line,
                                    "market_value_in_eur"),
            last_season=_int(r.get("last_season"), name, line, "last_season"),
        ))
    return out


def read_clubs(text: str, name: str = "clubs.csv") -> list[ClubRow]:
    out = []
    for line, r in _rows(text, name, ("club_id", "name")):
        cid = _int(r["club_id"], name, line, "club_id")
        club_name = _text(r.get("name"))
        if cid is None or not club_name:
            continue
        out.append(ClubRow(
            id=cid, name=club_name,
            competition=_text(r.get("domestic_competition_id")),
            coach=_text(r.get("coach_name")),
            last_season=_int(r.get("last_season"), name, line, "last_season"),
        ))
    return out


def read_transfers(text: str, name: str = "transfers.csv") -> list[TransferRow]:
    out = []
    for line, r in _rows(text, name, ("player_id", "transfer_date", "from_club_id", "to_club_id")):
        pid = _int(r["player_id"], name, line, "player_id")
        date = _date(r["transfer_date"], name, line, "transfer_date")
        if pid is None or date is None:
            continue
        out.append(TransferRow(
            player_id=pid, date=date,
            from_club_id=_int(r["from_club_id"], name, line, "from_club_id"),
            to_club_id=_int(r["to_club_id"], name, line, "to_club_id"),
            fee_eur=_money(r.get("transfer_fee"), name, line, "transfer_fee"),
            from_club_name=_text(r.get("from_club_name")),
            to_club_name=_text(r.get("to_club_name")),
        ))
    return out


_READERS: dict[str, Callable[[str, str], list]] = {
    "players": read_players, "clubs": read_clubs, "transfers": read_transfers,
}


def merge(tables: dict[str, list[list]]) -> Dataset:
    """One data set from several files per table: a later file's row wins over an earlier
    one's for the same id; a club keeps the row of its latest season (of one season, the
    row that names its coach)."""
    players: dict[int, PlayerRow] = {}
    for rows in tables.get("players", []):
        for p in rows:
            players[p.id] = p
    clubs: dict[int, ClubRow] = {}
    for rows in tables.get("clubs", []):
        for c in rows:
            old = clubs.get(c.id)
            if old is None or (c.last_season or 0) > (old.last_season or 0):
                clubs[c.id] = c
            elif (c.last_season or 0) == (old.last_season or 0) and (c.coach or not old.coach):
                clubs[c.id] = c  # same season: the row that names the coach
    transfers: dict[tuple[int, dt.date, int | None, int | None], TransferRow] = {}
    for rows in tables.get("transfers", []):
        for t in rows:
            transfers[(t.player_id, t.date, t.from_club_id, t.to_club_id)] = t
    return Dataset(
        players=tuple(sorted(players.values(), key=lambda p: p.id)),
        clubs=tuple(sorted(clubs.values(), key=lambda c: c.id)),
        transfers=tuple(sorted(transfers.values(),
                               key=lambda t: (t.player_id, t.date, t.from_club_id or 0,
                                              t.to_club_id or 0))),
    )


def parse_files(files: Iterable[tuple[str, bytes]]) -> Dataset:
    """A data set from (file name, bytes) pairs; names say which table each file is.
    Files are merged in name order, so "clubs-NEW.csv" wins over "clubs.csv"."""
    tables: dict[str, list[list]] = {}
    for name, data in sorted(files, key=lambda f: f[0]):
        table = table_of(Path(name).name)
        if table is None:
            continue
        tables.setdefault(table, []).append(_READERS[table](decode(data, name), name))
    if "players" not in tables:
        raise DatasetError("no players table (players*.csv or players*.csv.gz) among: "
                           + ", ".join(sorted(n for n, _ in files)) if files else
                           "no players table: no files given")
    return merge(tables)


def read_dataset(path: Path | str) -> Dataset:
    """The data set in a folder (every players*/clubs*/transfers* CSV, plain or .gz), or in
    one file."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if table_of(p.name))
    elif path.is_file():
        files = [path]
    else:
        raise DatasetError(f"{path}: no such file or folder")
    return parse_files([(p.name, p.read_bytes()) for p in files])
