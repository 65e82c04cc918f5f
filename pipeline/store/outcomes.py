"""The store's side of real outcomes: imported transfer records in, what a rumour's
resolution reads out.

A mixin of `Store`. An import is an upsert in one transaction, compared in memory with
what is stored, so importing the same table twice writes nothing; the rumours of the
windows it changed are made due, so the next refresh rescores them (and `voci score
--full` gives the same scores).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, func, insert, select, update
from sqlalchemy.orm import Session

from pipeline.store.refresh import RESCORE_NOW, _chunks
from pipeline.store.tables import (
    ArticleRow,
    OutcomeCoverageRow,
    OutcomePlayerRow,
    OutcomeTransferRow,
    RumourRow,
    ScoreRow,
)


@dataclass(frozen=True)
class TransferRecord:
    """A completed move of the imported outcomes."""

    player_id: int  # transfermarkt id
    date: dt.date
    from_club_id: int | None
    to_club_id: int | None
    from_club: str | None  # voci club ids, when linked
    to_club: str | None
    from_club_name: str | None
    to_club_name: str | None
    fee_eur: int | None


@dataclass(frozen=True)
class OutcomeImport:
    """What one `voci outcomes import` read and changed."""

    source: str
    players: int
    transfers: int
    players_added: int
    players_changed: int
    transfers_added: int
    transfers_changed: int
    covers: tuple[tuple[dt.date, dt.date], ...]
    coverage_added: bool
    changed_dates: tuple[dt.date, ...]  # of the records added or changed

    @property
    def changed(self) -> bool:
        return bool(self.players_added or self.players_changed or self.transfers_added
                    or self.transfers_changed or self.coverage_added)


_TRANSFER_VALUES = ("from_club", "to_club", "from_club_name", "to_club_name", "fee_eur")


class OutcomeStore:
    def _tx(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def import_outcomes(self, players: Sequence[tuple[int, str, str]],
                        transfers: Sequence[TransferRecord],
                        covers: Sequence[tuple[dt.date, dt.date]], *, source: str,
                        at: dt.datetime) -> OutcomeImport:
        """Store players (id, name, name key), transfers and the period the table covers;
        only what is new or changed is written."""
        with self._tx() as s:
            stored_players = {i: (n, k) for i, n, k in s.execute(
                select(OutcomePlayerRow.id, OutcomePlayerRow.name, OutcomePlayerRow.key))}
            new_p, changed_p = [], []
            for pid, name, key in players:
                old = stored_players.get(pid)
                if old is None:
                    new_p.append({"id": pid, "name": name, "key": key})
                elif old != (name, key):
                    changed_p.append({"pid": pid, "name": name, "key": key})
                stored_players[pid] = (name, key)
            core = cast(Table, OutcomePlayerRow.__table__)
            for chunk in _chunks(new_p, 2000):
                s.execute(insert(core), chunk)
            if changed_p:
                s.execute(update(core).where(core.c.id == bindparam("pid"))
                          .values(name=bindparam("name"), key=bindparam("key")), changed_p)
            t = OutcomeTransferRow
            stored = {(r[1], r[2], r[3], r[4]): (r[0], tuple(r[5:])) for r in s.execute(
                select(t.id, t.player_id, t.date, t.from_club_id, t.to_club_id,
                       *(getattr(t, c) for c in _TRANSFER_VALUES)))}
            new_t: list[dict[str, Any]] = []
            changed_t: list[dict[str, Any]] = []
            dates: set[dt.date] = set()
            for m in transfers:
                key4 = (m.player_id, m.date, m.from_club_id, m.to_club_id)
                values = tuple(getattr(m, c) for c in _TRANSFER_VALUES)
                was = stored.get(key4)
                if was is None:
                    new_t.append({"player_id": m.player_id, "date": m.date,
                                  "from_club_id": m.from_club_id, "to_club_id": m.to_club_id,
                                  **dict(zip(_TRANSFER_VALUES, values, strict=True))})
                    stored[key4] = (0, values)
                    dates.add(m.date)
                elif was[1] != values:
                    changed_t.append({"tid": was[0],
                                      **dict(zip(_TRANSFER_VALUES, values, strict=True))})
                    stored[key4] = (was[0], values)
                    dates.add(m.date)
            tcore = cast(Table, t.__table__)
            for chunk in _chunks(new_t, 2000):
                s.execute(insert(tcore), chunk)
            if changed_t:
                s.execute(update(tcore).where(tcore.c.id == bindparam("tid"))
                          .values({c: bindparam(c) for c in _TRANSFER_VALUES}), changed_t)
            coverage_added = False
            for a, b in covers:
                if not s.scalar(select(exists().where(OutcomeCoverageRow.covers_from == a,
                                                      OutcomeCoverageRow.covers_until == b))):
                    s.add(OutcomeCoverageRow(source=source, imported_at=at, covers_from=a,
                                             covers_until=b))
                    coverage_added = True
        return OutcomeImport(source, len(players), len(transfers), len(new_p), len(changed_p),
                             len(new_t), len(changed_t), tuple(covers), coverage_added,
                             tuple(sorted(dates)))

    def outcome_coverage(self) -> list[tuple[dt.date, dt.date]]:
        """The periods the imported tables record every move of."""
        with self._tx() as s:
            return sorted({(a, b) for a, b in s.execute(
                select(OutcomeCoverageRow.covers_from, OutcomeCoverageRow.covers_until))})

    def has_outcomes(self) -> bool:
        with self._tx() as s:
            return bool(s.scalar(select(exists().where(OutcomePlayerRow.id.isnot(None)))))

    def outcome_players(self, keys: Collection[str], ids: Collection[int]
                        ) -> dict[int, tuple[str, str]]:
        """id -> (name, key) of the outcome players with these name keys or ids."""
        out: dict[int, tuple[str, str]] = {}
        p = OutcomePlayerRow
        with self._tx() as s:
            for chunk in _chunks(sorted(keys)):
                out.update((i, (n, k)) for i, n, k in s.execute(
                    select(p.id, p.name, p.key).where(p.key.in_(chunk))))
            for some in _chunks(sorted(ids)):
                out.update((i, (n, k)) for i, n, k in s.execute(
                    select(p.id, p.name, p.key).where(p.id.in_(some))))
        return out

    def outcome_transfers(self, player_ids: Collection[int]) -> list[TransferRecord]:
        """The imported moves of these players, by date."""
        t = OutcomeTransferRow
        out: list[TransferRecord] = []
        with self._tx() as s:
            for chunk in _chunks(sorted(player_ids)):
                out += [TransferRecord(*r) for r in s.execute(
                    select(t.player_id, t.date, t.from_club_id, t.to_club_id, t.from_club,
                           t.to_club, t.from_club_name, t.to_club_name, t.fee_eur)
                    .where(t.player_id.in_(chunk)))]
        return sorted(out, key=lambda r: (r.player_id, r.date, r.from_club_id or 0,
                                          r.to_club_id or 0))

    def make_windows_due(self, windows: Collection[str]) -> int:
        """Make the scored rumours of these windows due now (new outcomes may resolve
        them). Returns how many."""
        n = 0
        with self._tx() as s:
            for chunk in _chunks(sorted(windows)):
                ids = list(s.scalars(select(RumourRow.id).where(RumourRow.window.in_(chunk))))
                for some in _chunks(ids):
                    s.execute(update(ScoreRow).where(ScoreRow.rumour_id.in_(some))
                              .values(due_at=RESCORE_NOW))
                n += len(ids)
        return n

    def published_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The first and last publication time of the stored articles."""
        with self._tx() as s:
            first, last = s.execute(select(func.min(ArticleRow.published_at),
                                           func.max(ArticleRow.published_at))).one()
        return first, last

    def rumour_windows(self) -> set[str]:
        with self._tx() as s:
            return set(s.scalars(select(RumourRow.window).distinct()))
