"""The store's side of an incremental refresh: what changed in, set-based writes out.

A mixin of `Store`. A refresh (pipeline.refresh) asks for the claims no refresh has
grouped yet, the name components they reach and those components' claims; it writes
back each component's players and rumours, then the scores of the rumours it rescored.
Every read here is bounded by what changed, never by the size of the store, and every
write touches only the rows that differ, in batches of plain INSERT/UPDATE/DELETE
statements (no ORM merge, no row-by-row SELECT).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from pipeline.model import Claim, StoredClaim
from pipeline.rumours.values import ClaimRef
from pipeline.store.board import PlayerRecord, RumourRecord, ScoreRecord
from pipeline.store.tables import (
    ArticleRow,
    ClaimRow,
    EvidenceRow,
    NameFormRow,
    NameKeyRow,
    OutcomeRow,
    PlayerRow,
    ReliabilityRow,
    RumourClaimRow,
    RumourRow,
    ScoreHistoryRow,
    ScoreRow,
    StaleFormRow,
)

T = TypeVar("T")
BATCH = 500  # values per IN (...) list: under every backend's limit on bound parameters
# A score joins the history when its probability moves at least this much, or its status
# changes: a row per rumour per pass would be tens of millions a season.
HISTORY_STEP = 0.01
RESCORE_NOW = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # a due time already past


@dataclass(frozen=True)
class ScoredRumour:
    """A score to write, with when time alone will change it."""

    record: ScoreRecord
    due_at: dt.datetime | None


def _chunks(values: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for v in values:
        batch.append(v)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class RefreshStore:
    def _tx(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    # ------------------------------------------------------------ names and components

    def ungrouped_claims(self) -> list[tuple[int, str, str]]:
        """(claim id, player, player key) of the claims no refresh has grouped yet."""
        with self._tx() as s:
            return [tuple(r) for r in s.execute(  # type: ignore[misc]
                select(ClaimRow.id, ClaimRow.player, ClaimRow.player_key)
                .where(ClaimRow.form.is_(None)).order_by(ClaimRow.id))]

    def take_stale_forms(self) -> set[str]:
        """The forms whose claims were removed since the last refresh (and forget them)."""
        with self._tx() as s:
            forms = set(s.scalars(select(StaleFormRow.form)))
            s.execute(delete(StaleFormRow))
        return forms

    def components_of(self, forms: Collection[str]) -> dict[str, str]:
        """form -> component, for the forms already known."""
        out: dict[str, str] = {}
        with self._tx() as s:
            for chunk in _chunks(sorted(forms)):
                out.update(s.execute(select(NameFormRow.form, NameFormRow.component)
                                     .where(NameFormRow.form.in_(chunk))).all())
        return out

    def forms_with_keys(self, keys: Collection[str]) -> dict[str, set[str]]:
        """key -> the known forms holding it."""
        out: dict[str, set[str]] = {}
        with self._tx() as s:
            for chunk in _chunks(sorted(keys)):
                for key, form in s.execute(select(NameKeyRow.key, NameKeyRow.form)
                                           .where(NameKeyRow.key.in_(chunk))):
                    out.setdefault(key, set()).add(form)
        return out

    def forms_of_components(self, components: Collection[str]) -> dict[str, str]:
        """form -> component, for every form of these components."""
        out: dict[str, str] = {}
        with self._tx() as s:
            for chunk in _chunks(sorted(components)):
                out.update(s.execute(select(NameFormRow.form, NameFormRow.component)
                                     .where(NameFormRow.component.in_(chunk))).all())
        return out

    def add_names(self, claim_forms: Mapping[int, str], new_forms: Mapping[str, Sequence[str]],
                  merged: Mapping[str, str], component: Mapping[str, str]) -> None:
        """In one transaction: each newly grouped claim's form; the new forms with their
        keys; components merged into others (old id -> new id); every new form's
        component."""
        with self._tx() as s:
            for old, new in sorted(merged.items()):
                s.execute(update(NameFormRow).where(NameFormRow.component == old)
                          .values(component=new))
            rows = [{"form": f, "component": component[f]} for f in sorted(new_forms)]
            for chunk in _chunks(rows):
                s.execute(insert(NameFormRow), chunk)
            keys = [{"key": k, "form": f} for f, ks in sorted(new_forms.items())
                    for k in sorted(set(ks))]
            for chunk in _chunks(keys, 5000):
                s.execute(insert(NameKeyRow), chunk)
            for batch in _chunks(sorted(claim_forms.items()), 2000):
                s.execute(update(ClaimRow), [{"id": c, "form": f} for c, f in batch])

    def claims_of_forms(self, forms: Collection[str]) -> list[ClaimRef]:
        """Every stored claim grouped under these forms, by id."""
        out: list[ClaimRef] = []
        with self._tx() as s:
            for chunk in _chunks(sorted(forms)):
                out += [c for c, _ in _refs(s, ClaimRow.form.in_(chunk))]
        return sorted(out, key=lambda c: c.claim_id)

    def reset_grouping(self) -> None:
        """Forget every form and block: the next refresh groups every claim again (the
        placements, players, rumours and scores stay until it rewrites them)."""
        with self._tx() as s:
            s.execute(update(ClaimRow).values(form=None))
            for table in (NameKeyRow, NameFormRow, StaleFormRow):
                s.execute(delete(table))

    # ------------------------------------------------------------ placements and players

    def placements(self, claim_ids: Collection[int]) -> dict[int, str]:
        """claim id -> the player it is placed under, for those placed."""
        out: dict[int, str] = {}
        with self._tx() as s:
            for chunk in _chunks(sorted(claim_ids)):
                out.update((c, p) for c, p in s.execute(  # type: ignore[misc]
                    select(ClaimRow.id, ClaimRow.player_id).where(
                        ClaimRow.id.in_(chunk), ClaimRow.player_id.is_not(None))))
        return out

    def place(self, moves: Mapping[int, str | None], renamed: Mapping[str, str]) -> None:
        """Rename players (every claim under the old id), then place claims."""
        with self._tx() as s:
            for old, new in sorted(renamed.items()):
                s.execute(update(ClaimRow).where(ClaimRow.player_id == old)
                          .values(player_id=new))
            for batch in _chunks(sorted(moves.items()), 2000):
                s.execute(update(ClaimRow), [{"id": c, "player_id": p} for c, p in batch])

    def player_ids(self) -> set[str]:
        with self._tx() as s:
            return set(s.scalars(select(PlayerRow.id)))

    def claims_of_players(self, players: Collection[str]) -> list[tuple[str, ClaimRef]]:
        """(player id, claim) of every claim placed under these players."""
        out: list[tuple[str, ClaimRef]] = []
        with self._tx() as s:
            for chunk in _chunks(sorted(players)):
                out += [(pid or "", c) for c, pid in _refs(s, ClaimRow.player_id.in_(chunk))]
        return out

    def spellings_of_forms(self, forms: Collection[str]) -> dict[str, dict[str, int]]:
        """form -> how often each spelling of a player's name was grouped under it."""
        out: dict[str, dict[str, int]] = {}
        with self._tx() as s:
            for chunk in _chunks(sorted(forms)):
                for form, player, n in s.execute(
                        select(ClaimRow.form, ClaimRow.player, func.count())
                        .where(ClaimRow.form.in_(chunk))
                        .group_by(ClaimRow.form, ClaimRow.player)):
                    out.setdefault(form or "", {})[player] = n
        return out

    def form_players(self, forms: Collection[str]) -> dict[str, set[str]]:
        """form -> the players its grouped claims are placed under."""
        out: dict[str, set[str]] = {}
        with self._tx() as s:
            for chunk in _chunks(sorted(forms)):
                for form, pid in s.execute(
                        select(ClaimRow.form, ClaimRow.player_id).distinct().where(
                            ClaimRow.form.in_(chunk), ClaimRow.player_id.is_not(None))):
                    out.setdefault(form or "", set()).add(pid or "")
        return out

    def form_clubs(self, forms: Collection[str], *, placed: bool = True
                   ) -> dict[str, tuple[set[str], set[str]]]:
        """form -> the from_clubs and to_clubs its claims name: those already placed
        under a player, or (placed=False) those not yet."""
        waiting = ClaimRow.player_id.is_not(None) if placed else ClaimRow.player_id.is_(None)
        out: dict[str, tuple[set[str], set[str]]] = {}
        with self._tx() as s:
            for chunk in _chunks(sorted(forms)):
                for form, frm, to in s.execute(
                        select(ClaimRow.form, ClaimRow.from_club, ClaimRow.to_club).distinct()
                        .where(ClaimRow.form.in_(chunk), waiting)):
                    held = out.setdefault(form or "", (set(), set()))
                    if frm:
                        held[0].add(frm)
                    if to:
                        held[1].add(to)
        return out

    def representatives(self, forms: Collection[str],
                        articles: Collection[int]) -> list[ClaimRef]:
        """Of these forms' claims: one for each distinct pair of clubs a form's claims
        name, and every one in these articles."""
        ids: set[int] = set()
        with self._tx() as s:
            for chunk in _chunks(sorted(forms)):
                ids.update(s.scalars(select(func.min(ClaimRow.id)).where(
                    ClaimRow.form.in_(chunk)).group_by(
                    ClaimRow.form, ClaimRow.from_club, ClaimRow.to_club)))
            wanted = set(forms)
            for some in _chunks(sorted(articles)):  # by article (indexed): a few claims each
                ids.update(c for c, f in s.execute(select(ClaimRow.id, ClaimRow.form).where(
                    ClaimRow.article_id.in_(some))) if f in wanted)
            out: list[ClaimRef] = []
            for chunk_ids in _chunks(sorted(ids)):
                out += [c for c, _ in _refs(s, ClaimRow.id.in_(chunk_ids))]
        return out

    def rumour_ids_of(self, moves: Collection[tuple[str, str, str]]) -> set[str]:
        """The stored rumours of these (player, to_club, window) moves."""
        with self._tx() as s:
            return {r for chunk in _chunks(sorted(moves))
                    for r in s.scalars(select(RumourRow.id).where(tuple_(
                        RumourRow.player_id, RumourRow.to_club, RumourRow.window).in_(chunk)))}

    def pending_claims_of(self, forms: Collection[str]) -> list[ClaimRef]:
        """The claims of these forms no refresh has placed yet."""
        out: list[ClaimRef] = []
        with self._tx() as s:
            for chunk in _chunks(sorted(forms)):
                out += [c for c, _ in _refs(
                    s, ClaimRow.form.in_(chunk) & ClaimRow.player_id.is_(None))]
        return out

    def articles_of_forms(self, forms: Collection[str]) -> set[int]:
        with self._tx() as s:
            return {a for chunk in _chunks(sorted(forms))
                    for a in s.scalars(select(ClaimRow.article_id).distinct()
                                       .where(ClaimRow.form.in_(chunk)))}

    def claims_to(self, moves: Collection[tuple[str, str]],
                  between: tuple[dt.datetime, dt.datetime]) -> list[tuple[str, ClaimRef]]:
        """(player id, claim) of the claims placed under a player with a destination,
        published between these instants."""
        out: list[tuple[str, ClaimRef]] = []
        wanted = set(moves)
        clubs = sorted({c for _, c in wanted})
        with self._tx() as s:
            for chunk in _chunks(sorted({p for p, _ in wanted})):
                # by player, through its index: a destination compared as an expression,
                # so that SQLite does not walk the to_club index (every claim to "milan")
                out += [(pid or "", c) for c, pid in _refs(
                    s, ClaimRow.player_id.in_(chunk)
                    & func.coalesce(ClaimRow.to_club, "").in_(clubs)
                    & ArticleRow.published_at.between(*between))
                    if (pid, c.claim.to_club) in wanted]
        return out

    def spellings_of_players(self, players: Collection[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        with self._tx() as s:
            for chunk in _chunks(sorted(players)):
                for pid, player in s.execute(select(ClaimRow.player_id, ClaimRow.player)
                                             .distinct().where(ClaimRow.player_id.in_(chunk))):
                    out.setdefault(pid or "", set()).add(player)
        return out

    def rumour_ids_of_players(self, players: Collection[str]) -> set[str]:
        with self._tx() as s:
            return {r for chunk in _chunks(sorted(players))
                    for r in s.scalars(select(RumourRow.id)
                                       .where(RumourRow.player_id.in_(chunk)))}

    def write_players(self, players: Mapping[str, PlayerRecord | None],
                      rumours: Mapping[str, RumourRecord | None]) -> set[str]:
        """Make these players and rumours (by id) exactly these: None deletes. Only rows
        that differ are written; a player's new name reaches all its rumours; and every
        rumour written is due for rescoring (in the same transaction, so a refresh cut
        short before scoring scores them next time). Returns the ids of the rumours
        added, changed or removed."""
        with self._tx() as s:
            old_players: dict[str, PlayerRecord] = {}
            for chunk in _chunks(sorted(players)):
                old_players.update((p.id, PlayerRecord(p.id, p.name, tuple(p.spellings)))
                                   for p in s.scalars(select(PlayerRow)
                                                      .where(PlayerRow.id.in_(chunk))))
            old_rumours = {r.id: r for r in self._rumours_in(s, rumours)}
            gone = sorted(rid for rid, r in rumours.items() if r is None and rid in old_rumours)
            for chunk in _chunks(gone):  # their scores and evidence go with them
                s.execute(delete(RumourRow).where(RumourRow.id.in_(chunk)))
            for chunk in _chunks(sorted(pid for pid, p in players.items()
                                        if p is None and pid in old_players)):
                s.execute(delete(RumourRow).where(RumourRow.player_id.in_(chunk)))
                s.execute(delete(PlayerRow).where(PlayerRow.id.in_(chunk)))
            live = {pid: p for pid, p in players.items() if p is not None}
            _upsert(s, PlayerRow, old_players, {
                pid: (p, {"id": pid, "name": p.name, "spellings": list(p.spellings)})
                for pid, p in live.items()})
            for pid, p in sorted(live.items()):  # a new name reaches every rumour
                if pid in old_players and old_players[pid].name != p.name:
                    s.execute(update(RumourRow).where(RumourRow.player_id == pid)
                              .values(player=p.name))
            present = {rid: r for rid, r in rumours.items() if r is not None}
            changed = _upsert(s, RumourRow, old_rumours, {
                rid: (r, {"id": rid, "player_id": r.player_id, "player": r.player,
                          "from_club": r.from_club, "to_club": r.to_club, "window": r.window,
                          "first_seen": r.first_seen, "last_seen": r.last_seen})
                for rid, r in present.items()})
            left: set[int] = set()
            joined: list[tuple[int, str]] = []
            for rid in changed:
                had = set(old_rumours[rid].claim_ids) if rid in old_rumours else set()
                has = set(present[rid].claim_ids)
                left |= had - has
                joined += [(c, rid) for c in sorted(has - had)]
            for claims in _chunks(sorted(left | {c for c, _ in joined})):
                s.execute(delete(RumourClaimRow).where(RumourClaimRow.claim_id.in_(claims)))
            _insert(s, RumourClaimRow, [{"claim_id": c, "rumour_id": rid}
                                        for c, rid in sorted(joined)])
            for chunk in _chunks(sorted(changed)):
                s.execute(update(ScoreRow).where(ScoreRow.rumour_id.in_(chunk))
                          .values(due_at=RESCORE_NOW))
        return changed | set(gone)

    def _rumours_in(self, s: Session, ids: Collection[str]) -> list[RumourRecord]:
        out: list[RumourRecord] = []
        for chunk in _chunks(sorted(ids)):
            members: dict[str, list[int]] = {}
            for claim_id, rumour_id in s.execute(
                    select(RumourClaimRow.claim_id, RumourClaimRow.rumour_id)
                    .where(RumourClaimRow.rumour_id.in_(chunk))):
                members.setdefault(rumour_id, []).append(claim_id)
            out += [RumourRecord(r.id, r.player_id, r.player, r.from_club, r.to_club,
                                 r.window, r.first_seen, r.last_seen,
                                 tuple(sorted(members.get(r.id, []))))
                    for r in s.scalars(select(RumourRow).where(RumourRow.id.in_(chunk)))]
        return out

    # ------------------------------------------------------------ scoring

    def rumours_by_id(self, ids: Collection[str]) -> list[RumourRecord]:
        with self._tx() as s:
            return sorted(self._rumours_in(s, ids), key=lambda r: r.id)

    def claim_refs(self, ids: Collection[int]) -> list[ClaimRef]:
        """These claims as grouping reads them (see `_refs`)."""
        out: list[ClaimRef] = []
        with self._tx() as s:
            for chunk in _chunks(sorted(ids)):
                out += [c for c, _ in _refs(s, ClaimRow.id.in_(chunk))]
        return out

    def claims_by_id(self, ids: Collection[int]) -> list[StoredClaim]:
        out: list[StoredClaim] = []
        with self._tx() as s:
            for chunk in _chunks(sorted(ids)):
                out += _stored(s, ClaimRow.id.in_(chunk))
        return out

    def rumour_ids(self) -> set[str]:
        with self._tx() as s:
            return set(s.scalars(select(RumourRow.id)))

    def due_rumours(self, as_of: dt.datetime) -> set[str]:
        """Rumours whose score time alone has changed by `as_of`, or that have none."""
        with self._tx() as s:
            due = set(s.scalars(select(ScoreRow.rumour_id).where(ScoreRow.due_at <= as_of)))
            due.update(s.scalars(select(RumourRow.id).outerjoin(
                ScoreRow, ScoreRow.rumour_id == RumourRow.id).where(ScoreRow.rumour_id.is_(None))))
        return due

    def latest_as_of(self) -> dt.datetime | None:
        with self._tx() as s:
            return s.scalar(select(func.max(ScoreRow.as_of)))

    def with_siblings(self, ids: Collection[str]) -> set[str]:
        """The rumours and every other rumour of the same player in the same window (an
        official move of one settles the others)."""
        out = set(ids)
        with self._tx() as s:
            pairs: set[tuple[str, str]] = set()
            for chunk in _chunks(sorted(ids)):
                pairs.update((p, w) for p, w in s.execute(
                    select(RumourRow.player_id, RumourRow.window).where(RumourRow.id.in_(chunk))))
            for some in _chunks(sorted(pairs)):
                out.update(s.scalars(select(RumourRow.id).where(
                    tuple_(RumourRow.player_id, RumourRow.window).in_(some))))
        return out

    def rumours_citing(self, origins: Collection[str]) -> set[str]:
        """The scored rumours whose evidence names any of these origins."""
        with self._tx() as s:
            return {r for chunk in _chunks(sorted(origins))
                    for r in s.scalars(select(EvidenceRow.rumour_id).distinct()
                                       .where(EvidenceRow.origin.in_(chunk)))}

    def write_outcomes(self, rumour_ids: Collection[str],
                       outcomes: Mapping[str, tuple[bool, frozenset[str]]]) -> None:
        """Replace the outcomes of these rumours: id -> (happened, supporting origins)
        for those resolved; the others have none."""
        with self._tx() as s:
            for chunk in _chunks(sorted(rumour_ids)):
                s.execute(delete(OutcomeRow).where(OutcomeRow.rumour_id.in_(chunk)))
            _insert(s, OutcomeRow, [{"rumour_id": rid, "origin": o, "happened": happened}
                                    for rid, (happened, origins) in sorted(outcomes.items())
                                    for o in sorted(origins)])

    def outcome_counts(self) -> dict[str, tuple[int, int]]:
        """origin -> (rumours it supported that happened, that did not)."""
        with self._tx() as s:
            out: dict[str, list[int]] = {}
            for origin, happened, n in s.execute(
                    select(OutcomeRow.origin, OutcomeRow.happened, func.count())
                    .group_by(OutcomeRow.origin, OutcomeRow.happened)):
                out.setdefault(origin, [0, 0])[0 if happened else 1] += n
        return {o: (a, b) for o, (a, b) in out.items()}

    def reliabilities_used(self) -> dict[str, tuple[float, float]]:
        """origin -> (prior, learned) that the stored scores were computed with."""
        with self._tx() as s:
            return {o: (p, lr) for o, p, lr in s.execute(
                select(ReliabilityRow.origin, ReliabilityRow.prior, ReliabilityRow.learned))}

    def write_scores(self, scored: Sequence[ScoredRumour], *, reliabilities:
                     Mapping[str, tuple[float, float]], as_of: dt.datetime,
                     scored_at: dt.datetime, unscored: Collection[str] = ()) -> int:
        """Replace these rumours' scores and evidence, drop the scores of `unscored`
        (nothing reported by `as_of`), record the reliabilities used, and add a history
        row where a probability moved materially or a status changed. Returns how many
        history rows were added."""
        ids = sorted({x.record.rumour_id for x in scored} | set(unscored))
        with self._tx() as s:
            before: dict[str, tuple[float, str]] = {}
            had: dict[int, tuple[str, str, bool, float]] = {}  # claim -> its evidence row
            for chunk in _chunks(ids):
                before.update((r, (p, st)) for r, p, st in s.execute(
                    select(ScoreRow.rumour_id, ScoreRow.probability, ScoreRow.status)
                    .where(ScoreRow.rumour_id.in_(chunk))))
                had.update((c, (r, o, bool(i), w)) for c, r, o, i, w in s.execute(
                    select(EvidenceRow.claim_id, EvidenceRow.rumour_id, EvidenceRow.origin,
                           EvidenceRow.independent, EvidenceRow.weight)
                    .where(EvidenceRow.rumour_id.in_(chunk))))
                s.execute(delete(ScoreRow).where(ScoreRow.rumour_id.in_(chunk)))
            # evidence: only the rows that changed (a star's rumour has thousands, and a
            # pass on the same day changes few of their weights)
            evidence = {c: (x.record.rumour_id, o, i, w)
                        for x in scored for c, o, i, w in x.record.evidence}
            for chunk_ids in _chunks(sorted(c for c, row in had.items()
                                            if evidence.get(c) != row)):
                s.execute(delete(EvidenceRow).where(EvidenceRow.claim_id.in_(chunk_ids)))
            _insert(s, ScoreRow, [{
                "rumour_id": x.record.rumour_id, "as_of": as_of, "scored_at": scored_at,
                "probability": x.record.probability, "status": x.record.status,
                "stage": x.record.stage, "fee_eur": x.record.fee_eur,
                "n_reports": x.record.n_reports, "n_outlets": x.record.n_outlets,
                "n_independent": x.record.n_independent, "reason": x.record.reason,
                "due_at": x.due_at} for x in scored])
            _insert(s, EvidenceRow, [
                {"claim_id": c, "rumour_id": r, "origin": o, "independent": i, "weight": w}
                for c, (r, o, i, w) in sorted(evidence.items()) if had.get(c) != (r, o, i, w)])
            moved = [x.record for x in scored
                     if (was := before.get(x.record.rumour_id)) is None
                     or was[1] != x.record.status
                     or abs(was[0] - x.record.probability) >= HISTORY_STEP]
            stamps: set[str] = set()
            for chunk in _chunks([r.rumour_id for r in moved]):
                stamps.update(s.scalars(select(ScoreHistoryRow.rumour_id).where(
                    ScoreHistoryRow.rumour_id.in_(chunk), ScoreHistoryRow.as_of == as_of)))
            for chunk in _chunks(sorted(stamps)):  # scored again at the same instant
                s.execute(delete(ScoreHistoryRow).where(ScoreHistoryRow.rumour_id.in_(chunk),
                                                        ScoreHistoryRow.as_of == as_of))
            _insert(s, ScoreHistoryRow, [{"rumour_id": r.rumour_id, "as_of": as_of,
                                          "probability": r.probability, "status": r.status}
                                         for r in moved])
            s.execute(delete(ReliabilityRow))
            _insert(s, ReliabilityRow, [{"origin": o, "prior": p, "learned": lr}
                                        for o, (p, lr) in sorted(reliabilities.items())])
        return len(moved)


def _insert(s: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows, 2000):
        s.execute(insert(table), chunk)


def _upsert(s: Session, table: Any, old: Mapping[str, Any],
            new: Mapping[str, tuple[Any, dict[str, Any]]]) -> set[str]:
    """Insert the new rows and update the changed ones. Returns their ids."""
    inserts, updates = [], []
    for key, (record, row) in sorted(new.items()):
        if key not in old:
            inserts.append(row)
        elif old[key] != record:
            updates.append(row)
    _insert(s, table, inserts)
    for chunk in _chunks(updates, 2000):  # executemany UPDATE by primary key
        s.execute(update(table), chunk)
    return {row["id"] for row in inserts + updates}


_CLAIM_COLUMNS = (ClaimRow.id, ClaimRow.article_id, ClaimRow.player, ClaimRow.player_key,
                  ClaimRow.to_club, ClaimRow.from_club, ClaimRow.stage, ClaimRow.fee_eur,
                  ClaimRow.fee_max_eur, ClaimRow.deal, ClaimRow.cites, ClaimRow.cites_id,
                  ClaimRow.hedged, ClaimRow.player_ref, ClaimRow.from_inferred)


def _refs(s: Session, where: Any) -> list[tuple[ClaimRef, str | None]]:
    """Claims as grouping reads them, with the player each is placed under: the name,
    clubs and stage, the article and its time. Only what grouping and rumours read, so
    a few columns, not `_stored`'s (fee, relay, hedging stay at their defaults: these
    are never scored)."""
    query = (select(ClaimRow.id, ClaimRow.article_id, ArticleRow.outlet_id,
                    ArticleRow.published_at, ArticleRow.fetched_at, ClaimRow.player,
                    ClaimRow.player_key, ClaimRow.to_club, ClaimRow.from_club, ClaimRow.stage,
                    ClaimRow.player_id)
             .join(ArticleRow, ArticleRow.id == ClaimRow.article_id).where(where))
    return [(ClaimRef(r[0], r[1], r[2], r[3] or r[4], Claim(
        player=r[5], player_key=r[6], to_club=r[7], from_club=r[8], stage=r[9])), r[10])
        for r in s.execute(query)]


def _stored(s: Session, where: Any) -> list[StoredClaim]:
    return [c for c, _ in _stored_with_player(s, where)]


def _stored_with_player(s: Session, where: Any) -> list[tuple[StoredClaim, str]]:
    """Claims as grouping and scoring read them, with the player each is placed under:
    plain columns, not ORM objects, and without the evidence sentences, which neither
    reads."""
    original = aliased(ArticleRow)
    query = (select(*_CLAIM_COLUMNS, ArticleRow.outlet_id, ArticleRow.published_at,
                    ArticleRow.fetched_at, ArticleRow.copy_of_id, original.outlet_id,
                    ClaimRow.player_id)
             .join(ArticleRow, ArticleRow.id == ClaimRow.article_id)
             .outerjoin(original, original.id == ArticleRow.copy_of_id)
             .where(where))
    return [(StoredClaim(r[0], r[1], r[15], r[16] or r[17], r[18], r[19], Claim(
        player=r[2], player_key=r[3], to_club=r[4], from_club=r[5], stage=r[6],
        fee_eur=r[7], fee_max_eur=r[8], deal=r[9], cites=r[10], cites_id=r[11],
        hedged=bool(r[12]), player_ref=r[13], from_inferred=bool(r[14]))), r[20])
        for r in s.execute(query)]
