"""The store's side of the player registry: imports in, the registry's tables out.

A mixin of `Store` (pipeline.store.repository). An import is an upsert in one
transaction: rows are compared in memory with what is stored and only new or changed rows
are written, set-based, so importing the same data twice writes nothing but its record in
registry_imports. Rows absent from an import are kept (a file of clubs alone must not
drop the players). Claims, articles and rumours are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from pipeline.registry.dataset import ClubRow, Dataset, PlayerRow, TransferRow
from pipeline.store.tables import (
    RegistryClubRow,
    RegistryImportRow,
    RegistryPlayerRow,
    RegistryTransferRow,
)

_PLAYER_COLUMNS = ("name", "date_of_birth", "position", "citizenship", "club_id", "club",
                   "club_name", "market_value_eur", "last_season")
_CLUB_COLUMNS = ("name", "competition", "coach", "last_season", "club")


@dataclass(frozen=True)
class RegistryImport:
    """What one import read, added and changed, per table."""

    source: str
    at: dt.datetime
    read: Mapping[str, int]
    added: Mapping[str, int] = field(default_factory=dict)
    changed: Mapping[str, int] = field(default_factory=dict)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())


def player_values(p: PlayerRow, clubs: Mapping[int, str | None],
                  club_names: Mapping[int, str]) -> dict[str, Any]:
    """A registry_players row of a dataset player (`clubs`: transfermarkt id -> voci id)."""
    return {"id": p.id, "name": p.name, "date_of_birth": p.date_of_birth,
            "position": p.position, "citizenship": p.citizenship, "club_id": p.club_id,
            "club": clubs.get(p.club_id) if p.club_id else None,
            "club_name": club_names.get(p.club_id) if p.club_id else None,
            "market_value_eur": p.market_value_eur, "last_season": p.last_season}


class RegistryStore:
    def _tx(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def import_registry(self, dataset: Dataset, clubs: Mapping[int, str | None], *,
                        source: str, at: dt.datetime) -> RegistryImport:
        """Store a data set (`clubs`: its clubs linked to voci ids); see the module doc."""
        names = {c.id: c.name for c in dataset.clubs}
        with self._tx() as s:
            names.update({cid: name for cid, name in s.execute(
                select(RegistryClubRow.id, RegistryClubRow.name)) if cid not in names})
            players = _upsert(s, RegistryPlayerRow, _PLAYER_COLUMNS,
                              [player_values(p, clubs, names) for p in dataset.players])
            club_rows = _upsert(s, RegistryClubRow, _CLUB_COLUMNS,
                                [_club_values(c, clubs) for c in dataset.clubs])
            transfers = _add_transfers(s, dataset.transfers)
            report = RegistryImport(
                source=source, at=at,
                read={"players": len(dataset.players), "clubs": len(dataset.clubs),
                      "transfers": len(dataset.transfers)},
                added={"players": players[0], "clubs": club_rows[0], "transfers": transfers[0]},
                changed={"players": players[1], "clubs": club_rows[1],
                         "transfers": transfers[1]},
            )
            s.add(RegistryImportRow(imported_at=at, source=source, players=len(dataset.players),
                                    clubs=len(dataset.clubs), transfers=len(dataset.transfers),
                                    added=report.total_added, changed=report.total_changed))
        return report

    def registry_imports(self) -> list[RegistryImport]:
        """Every import, oldest first."""
        with self._tx() as s:
            rows = s.scalars(select(RegistryImportRow).order_by(RegistryImportRow.id)).all()
            return [RegistryImport(r.source, r.imported_at,
                                   {"players": r.players, "clubs": r.clubs,
                                    "transfers": r.transfers},
                                   {"all": r.added}, {"all": r.changed}) for r in rows]

    def has_registry_import(self) -> bool:
        with self._tx() as s:
            return bool(s.scalar(select(func.count()).select_from(RegistryImportRow)))

    def registry_dataset(self) -> Dataset | None:
        """The imported registry as a data set; None when nothing was ever imported."""
        with self._tx() as s:
            if not s.scalar(select(func.count()).select_from(RegistryImportRow)):
                return None
            players = tuple(
                PlayerRow(r.id, r.name, r.date_of_birth, r.position, r.citizenship, r.club_id,
                          r.market_value_eur, r.last_season)
                for r in s.execute(select(RegistryPlayerRow.id, RegistryPlayerRow.name,
                                          RegistryPlayerRow.date_of_birth,
                                          RegistryPlayerRow.position,
                                          RegistryPlayerRow.citizenship,
                                          RegistryPlayerRow.club_id,
                                          RegistryPlayerRow.market_value_eur,
                                          RegistryPlayerRow.last_season)))
            clubs = tuple(ClubRow(*r) for r in s.execute(
                select(RegistryClubRow.id, RegistryClubRow.name, RegistryClubRow.competition,
                       RegistryClubRow.coach, RegistryClubRow.last_season)))
            transfers = tuple(TransferRow(*r) for r in s.execute(
                select(RegistryTransferRow.player_id, RegistryTransferRow.date,
                       RegistryTransferRow.from_club_id, RegistryTransferRow.to_club_id,
                       RegistryTransferRow.fee_eur, RegistryTransferRow.from_club_name,
                       RegistryTransferRow.to_club_name)))
            return Dataset(players, clubs, transfers)


def _club_values(c: ClubRow, clubs: Mapping[int, str | None]) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "competition": c.competition, "coach": c.coach,
            "last_season": c.last_season, "club": clubs.get(c.id)}


def _upsert(s: Session, table: Any, columns: tuple[str, ...],
            rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Insert the new rows and update the changed ones; (added, changed)."""
    stored = {r[0]: tuple(r[1:]) for r in s.execute(
        select(table.id, *(getattr(table, c) for c in columns)))}
    new, changed = [], []
    for row in rows:
        old = stored.get(row["id"])
        if old is None:
            new.append(row)
        elif old != tuple(row[c] for c in columns):
            changed.append({"key": row["id"], **{c: row[c] for c in columns}})
    core = cast(Table, table.__table__)  # Core statements: executemany, no ORM bulk mode
    if new:
        s.execute(insert(core), new)
    if changed:
        s.execute(update(core).where(core.c.id == bindparam("key"))
                  .values({c: bindparam(c) for c in columns}), changed)
    return len(new), len(changed)


def _add_transfers(s: Session, transfers: Iterable[TransferRow]) -> tuple[int, int]:
    """A move is known by (player, date, from, to); its fee and names may change."""
    t = RegistryTransferRow
    stored = {(r.player_id, r.date, r.from_club_id, r.to_club_id):
              (r.id, r.fee_eur, r.from_club_name, r.to_club_name)
              for r in s.execute(select(t.id, t.player_id, t.date, t.from_club_id,
                                        t.to_club_id, t.fee_eur, t.from_club_name,
                                        t.to_club_name))}
    new, changed = [], []
    for m in transfers:
        values = (m.fee_eur, m.from_club_name, m.to_club_name)
        old = stored.get((m.player_id, m.date, m.from_club_id, m.to_club_id))
        if old is None:
            new.append({"player_id": m.player_id, "date": m.date,
                        "from_club_id": m.from_club_id, "to_club_id": m.to_club_id,
                        "fee_eur": m.fee_eur, "from_club_name": m.from_club_name,
                        "to_club_name": m.to_club_name})
        elif old[1:] != values:
            changed.append({"key": old[0], "fee_eur": m.fee_eur,
                            "from_club_name": m.from_club_name, "to_club_name": m.to_club_name})
    core = cast(Table, t.__table__)
    if new:
        s.execute(insert(core), new)
    if changed:
        s.execute(update(core).where(core.c.id == bindparam("key"))
                  .values(fee_eur=bindparam("fee_eur"), from_club_name=bindparam("from_club_name"),
                          to_club_name=bindparam("to_club_name")), changed)
    return len(new), len(changed)
