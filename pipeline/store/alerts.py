"""The store's side of alerts: score changes in, alerts recorded once, deliveries marked.

A mixin of `Store`. An alert is recorded under a key unique per rule and rumour (a
threshold crossed, a move made official, a day's rise, a watched change), so however
often the same change is looked at - a daemon restarted, two workers - it is recorded
once; `delivered_at` says whether it went out. The cursor is the last score_history
instant looked at, per rule file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline.store.tables import Base, ScoreHistoryRow, UTCDateTime


class AlertRow(Base):
    """An alert a rule raised: recorded once, delivered once it went out."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rule", "rumour_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(100))
    rumour_id: Mapped[str] = mapped_column(String(300), index=True)
    key: Mapped[str] = mapped_column(String(100))  # what about it: "crossed 0.7", "official"
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class AlertCursorRow(Base):
    """How far a rules file has looked into score_history."""

    __tablename__ = "alert_cursors"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    as_of: Mapped[dt.datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Change:
    """A score that changed: its previous probability and status (None: a new rumour)."""
    rumour_id: str
    as_of: dt.datetime
    before: tuple[float, str] | None
    probability: float
    status: str


@dataclass(frozen=True)
class PendingAlert:
    id: int
    rule: str
    rumour_id: str
    key: str
    payload: dict[str, Any]
    attempts: int


class AlertStore:
    def _tx(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def changes_since(self, cursor: str) -> tuple[list[Change], dt.datetime | None]:
        """The score changes after this cursor's instant, each with the score before it,
        in time order, and the newest instant. A cursor seen for the first time starts
        at the newest instant: alerts are about what happens from then on."""
        with self._tx() as s:
            newest = s.scalar(select(func.max(ScoreHistoryRow.as_of)))
            since = s.scalar(select(AlertCursorRow.as_of).where(AlertCursorRow.name == cursor))
            if since is None or newest is None:
                return [], newest
            rows = s.execute(select(ScoreHistoryRow.rumour_id, ScoreHistoryRow.as_of,
                                    ScoreHistoryRow.probability, ScoreHistoryRow.status)
                             .where(ScoreHistoryRow.as_of > since)
                             .order_by(ScoreHistoryRow.as_of, ScoreHistoryRow.rumour_id)).all()
            ids = sorted({r for r, _, _, _ in rows})
            last: dict[str, tuple[float, str]] = {}
            for i in range(0, len(ids), 500):
                for rid, _, p, st in s.execute(
                        select(ScoreHistoryRow.rumour_id, ScoreHistoryRow.as_of,
                               ScoreHistoryRow.probability, ScoreHistoryRow.status)
                        .where(ScoreHistoryRow.rumour_id.in_(ids[i:i + 500]),
                               ScoreHistoryRow.as_of <= since)
                        .order_by(ScoreHistoryRow.as_of)):
                    last[rid] = (p, st)
        out = []
        for rid, as_of, p, st in rows:
            out.append(Change(rid, as_of, last.get(rid), p, st))
            last[rid] = (p, st)
        return out, newest

    def record_alerts(self, cursor: str, until: dt.datetime | None,
                      alerts: Sequence[tuple[str, str, str, dict[str, Any]]],
                      now: dt.datetime) -> int:
        """Record these (rule, rumour, key, payload) alerts, each once ever, and move the
        cursor to `until`, in one transaction. Returns how many were new."""
        with self._tx() as s:
            new = 0
            for rule, rid, key, payload in alerts:
                exists = s.scalar(select(AlertRow.id).where(
                    AlertRow.rule == rule, AlertRow.rumour_id == rid, AlertRow.key == key))
                if exists is None:
                    s.add(AlertRow(rule=rule, rumour_id=rid, key=key, payload=payload,
                                   created_at=now, attempts=0))
                    new += 1
            if until is not None:
                row = s.get(AlertCursorRow, cursor)
                if row is None:
                    s.add(AlertCursorRow(name=cursor, as_of=until))
                elif until > row.as_of:
                    row.as_of = until
        return new

    def pending_alerts(self, rules: Sequence[str]) -> list[PendingAlert]:
        """The alerts of these rules not delivered yet, oldest first."""
        with self._tx() as s:
            return [PendingAlert(a.id, a.rule, a.rumour_id, a.key, dict(a.payload), a.attempts)
                    for a in s.scalars(select(AlertRow).where(
                        AlertRow.delivered_at.is_(None), AlertRow.rule.in_(list(rules)))
                        .order_by(AlertRow.id))]

    def mark_alert(self, alert_id: int, *, delivered_at: dt.datetime | None,
                   error: str | None = None) -> None:
        """An attempt at delivering: delivered (at that time), or failed with `error`."""
        with self._tx() as s:
            s.execute(update(AlertRow).where(AlertRow.id == alert_id).values(
                attempts=AlertRow.attempts + 1, delivered_at=delivered_at, last_error=error))

    def alerts(self) -> list[tuple[str, str, str, dt.datetime | None]]:
        """(rule, rumour, key, delivered at) of every alert recorded, oldest first."""
        with self._tx() as s:
            return [(a.rule, a.rumour_id, a.key, a.delivered_at)
                    for a in s.scalars(select(AlertRow).order_by(AlertRow.id))]


