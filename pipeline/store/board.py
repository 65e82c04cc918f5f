"""The store's side of rumours and scores: grouping and scores in, the board out.

A mixin of `Store` (pipeline.store.repository), kept apart so each module stays small.
Reads of the grouping and the scores; pipeline.store.refresh writes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session, aliased

from pipeline.model import BoardRow, Claim, StoredClaim
from pipeline.store.tables import (
    ArticleRow,
    ClaimRow,
    EvidenceRow,
    OutletRow,
    PlayerRow,
    RumourClaimRow,
    RumourRow,
    ScoreHistoryRow,
    ScoreRow,
)


@dataclass(frozen=True)
class PlayerRecord:
    id: str
    name: str
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class RumourRecord:
    id: str
    player_id: str
    player: str
    from_club: str | None
    to_club: str
    window: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    claim_ids: tuple[int, ...]


@dataclass(frozen=True)
class ScoreRecord:
    rumour_id: str
    probability: float
    status: str
    stage: str | None
    fee_eur: int | None
    n_reports: int
    n_outlets: int
    n_independent: int
    reason: str
    evidence: tuple[tuple[int, str, bool, float], ...]  # claim id, origin, independent, weight


@dataclass(frozen=True)
class EvidenceItem:
    """One article's part in a rumour's score (a row of the rumour_evidence view)."""
    rumour_id: str
    claim_id: int
    outlet_id: str
    published_at: dt.datetime | None
    article_url: str
    title: str
    stage: str
    fee_eur: int | None
    cites: str | None  # whom the article relays
    origin: str  # the outlet or journalist its word is counted as
    independent: bool
    weight: float


class RumourStore:
    def _tx(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def stored_claims(self) -> list[StoredClaim]:
        """Every claim with its article's outlet, time and syndication link."""
        original = aliased(ArticleRow)
        query = (select(ClaimRow, ArticleRow.outlet_id, ArticleRow.published_at,
                        ArticleRow.fetched_at, ArticleRow.copy_of_id, original.outlet_id)
                 .join(ArticleRow, ArticleRow.id == ClaimRow.article_id)
                 .outerjoin(original, original.id == ArticleRow.copy_of_id)
                 .order_by(ClaimRow.id))
        with self._tx() as s:
            return [StoredClaim(c.id, c.article_id, outlet, published or fetched, copy_of,
                                copy_outlet, _claim(c))
                    for c, outlet, published, fetched, copy_of, copy_outlet in s.execute(query)]

    def rumours(self) -> list[RumourRecord]:
        with self._tx() as s:
            members: dict[str, list[int]] = {}
            for claim_id, rumour_id in s.execute(select(RumourClaimRow.claim_id,
                                                        RumourClaimRow.rumour_id)):
                members.setdefault(rumour_id, []).append(claim_id)
            return [RumourRecord(r.id, r.player_id, r.player, r.from_club, r.to_club, r.window,
                                 r.first_seen, r.last_seen, tuple(sorted(members.get(r.id, []))))
                    for r in s.scalars(select(RumourRow).order_by(RumourRow.id))]

    def players(self) -> list[PlayerRecord]:
        with self._tx() as s:
            return [PlayerRecord(p.id, p.name, tuple(p.spellings))
                    for p in s.scalars(select(PlayerRow).order_by(PlayerRow.id))]

    def outlet_reliabilities(self) -> dict[str, float]:
        """Every outlet's prior as stored (retired outlets too: their articles remain)."""
        with self._tx() as s:
            return dict(s.execute(select(OutletRow.id, OutletRow.reliability)).all())

    def board(self, *, limit: int | None = None, club: str | None = None,
              players: Collection[str] = (), source: str | None = None,
              window: str | None = None, rumours: Collection[str] = ()) -> list[BoardRow]:
        """The rumour_board view, most probable first: rumours to or from `club`, of
        these players (ids), with evidence from `source` (an outlet's articles or an
        origin: an outlet or journalist), in `window`, or these rumours (ids)."""
        where: list[str] = []
        params: dict[str, object] = {}
        binds: list[Any] = []
        if club:
            where.append("(to_club = :club OR from_club = :club)")
            params["club"] = club
        if players:
            where.append('rumour_id IN (SELECT id FROM rumours WHERE player_id IN :players)')
            params["players"] = sorted(players)
            binds.append(bindparam("players", expanding=True))
        if source:
            where.append("rumour_id IN (SELECT rumour_id FROM rumour_evidence "
                         "WHERE outlet_id = :source OR origin = :source)")
            params["source"] = source
        if window:
            where.append('"window" = :window')
            params["window"] = window
        if rumours:
            where.append("rumour_id IN :rumours")
            params["rumours"] = sorted(rumours)
            binds.append(bindparam("rumours", expanding=True))
        sql = "SELECT * FROM rumour_board"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY probability DESC, last_seen DESC, rumour_id"
        if limit:
            sql += " LIMIT :limit"
            params["limit"] = limit
        with self._tx() as s:
            rows = s.execute(text(sql).bindparams(*binds), params).mappings().all()
        return [_board_row(r) for r in rows]

    def histories(self, rumours: Collection[str]
                  ) -> dict[str, list[tuple[dt.datetime, float, str]]]:
        """rumour -> its score_history: (as of, probability, status), in time order."""
        out: dict[str, list[tuple[dt.datetime, float, str]]] = {}
        with self._tx() as s:
            ids = sorted(rumours)
            for i in range(0, len(ids), 500):
                for rid, as_of, p, status in s.execute(
                        select(ScoreHistoryRow.rumour_id, ScoreHistoryRow.as_of,
                               ScoreHistoryRow.probability, ScoreHistoryRow.status)
                        .where(ScoreHistoryRow.rumour_id.in_(ids[i:i + 500]))
                        .order_by(ScoreHistoryRow.rumour_id, ScoreHistoryRow.as_of)):
                    out.setdefault(rid, []).append((_when(as_of), p, status))
        return out

    def evidence(self, rumours: Collection[str]) -> list[EvidenceItem]:
        """Every article behind these rumours' scores (the rumour_evidence view), by
        rumour and time."""
        sql = text("SELECT e.*, a.title FROM rumour_evidence e "
                   "JOIN claims c ON c.id = e.claim_id JOIN articles a ON a.id = c.article_id "
                   "WHERE e.rumour_id IN :ids "
                   "ORDER BY e.rumour_id, e.published_at, e.claim_id"
                   ).bindparams(bindparam("ids", expanding=True))
        with self._tx() as s:
            rows = s.execute(sql, {"ids": sorted(rumours) or [""]}).mappings().all()
        return [EvidenceItem(
            rumour_id=r["rumour_id"], claim_id=int(r["claim_id"]), outlet_id=r["outlet_id"],
            published_at=None if r["published_at"] is None else _when(r["published_at"]),
            article_url=r["article_url"], title=r["title"], stage=r["stage"],
            fee_eur=r["fee_eur"], cites=r["cites"], origin=r["origin"],
            independent=bool(r["independent"]), weight=float(r["weight"])) for r in rows]

    def track_record(self, source: str) -> list[tuple[BoardRow, bool]]:
        """The rumours this outlet or journalist reported, most recent first, each with
        whether its word counted first-hand (independent) there."""
        sql = text("SELECT rumour_id, max(CASE WHEN independent THEN 1 ELSE 0 END) AS own "
                   "FROM rumour_evidence WHERE outlet_id = :s OR origin = :s "
                   "GROUP BY rumour_id")
        with self._tx() as s:
            own = {r: bool(o) for r, o in s.execute(sql, {"s": source})}
        rows = self.board(rumours=own) if own else []
        rows.sort(key=lambda r: (r.last_seen, r.rumour_id), reverse=True)
        return [(r, own[r.rumour_id]) for r in rows]

    def standing(self) -> tuple[int, dict[str, tuple[float, str]]]:
        """How many claims are stored, and every scored rumour's probability and status:
        what a backfill compares before and after to say what it found."""
        with self._tx() as s:
            claims = s.scalar(select(func.count()).select_from(ClaimRow)) or 0
            scores = {r: (p, st) for r, p, st in s.execute(
                select(ScoreRow.rumour_id, ScoreRow.probability, ScoreRow.status))}
        return claims, scores

    def source_ids(self) -> set[str]:
        """Every outlet stored and every origin the evidence names."""
        with self._tx() as s:
            return set(s.scalars(select(OutletRow.id))) | set(
                s.scalars(select(EvidenceRow.origin).distinct()))

    def resolved(self) -> list[tuple[str, str, frozenset[str]]]:
        """(rumour id, status, origins that supported it) of every resolved rumour."""
        with self._tx() as s:
            statuses = dict(s.execute(select(ScoreRow.rumour_id, ScoreRow.status)
                                      .where(ScoreRow.status != "open")).all())
            origins: dict[str, set[str]] = {}
            for rumour_id, origin in s.execute(
                    select(EvidenceRow.rumour_id, EvidenceRow.origin)
                    .where(EvidenceRow.independent.is_(True), EvidenceRow.weight > 0)):
                origins.setdefault(rumour_id, set()).add(origin)
        return [(r, st, frozenset(origins.get(r, ()))) for r, st in sorted(statuses.items())]

    def score_history(self) -> Iterator[tuple[str, dt.datetime, float, str]]:
        with self._tx() as s:
            yield from s.execute(select(ScoreHistoryRow.rumour_id, ScoreHistoryRow.as_of,
                                        ScoreHistoryRow.probability, ScoreHistoryRow.status)
                                 .order_by(ScoreHistoryRow.rumour_id, ScoreHistoryRow.as_of))


def _claim(c: ClaimRow) -> Claim:
    return Claim(player=c.player, player_key=c.player_key, to_club=c.to_club,
                 from_club=c.from_club, stage=c.stage, fee_eur=c.fee_eur,
                 fee_max_eur=c.fee_max_eur, deal=c.deal, cites=c.cites, cites_id=c.cites_id,
                 hedged=c.hedged, evidence=tuple(c.evidence), player_ref=c.player_ref,
                 from_inferred=c.from_inferred)


def _when(value: object) -> dt.datetime:
    """Views bypass the ORM's types: SQLite hands back text, PostgreSQL aware values."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def _board_row(r: Any) -> BoardRow:
    return BoardRow(
        rumour_id=r["rumour_id"], player=r["player"], from_club=r["from_club"],
        to_club=r["to_club"], window=r["window"], probability=float(r["probability"]),
        stage=r["stage"], fee_eur=r["fee_eur"], n_reports=int(r["n_reports"]),
        n_outlets=int(r["n_outlets"]), n_independent=int(r["n_independent"]),
        first_seen=_when(r["first_seen"]), last_seen=_when(r["last_seen"]),
        status=r["status"], scored_at=_when(r["scored_at"]), reason=r["reason"],
        player_ref=r["player_ref"], position=r["position"],
        age=None if r["age"] is None else int(r["age"]), player_club=r["player_club"],
        player_club_name=r["player_club_name"], market_value_eur=r["market_value_eur"],
    )
