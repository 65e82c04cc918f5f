"""The ledger: players and rumours as claims are placed on them, and what changed.

Owns `Ledger`, the grouper's bookkeeping of its output. The grouper decides which player
each claim is about; the ledger files the claim under that player and, when it has a
destination, under the rumour (player, to_club, window), keeping each rumour's claim
ids sorted and its from_club tally, first and last sighting up to date as claims come
and go - so publishing a changed rumour never re-reads its other claims. `flush` returns
what changed since the previous flush: new or changed players and rumours (whole
values), and the ids that no longer exist.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from .values import ClaimRef, Player, Rumour, window_of

RumourKey = tuple[str, str, str]  # (player id, to_club, window)


@dataclass
class _Rumour:
    claim_ids: list[int] = field(default_factory=list)  # ascending
    origins: Counter[str] = field(default_factory=Counter)  # from_club tally
    first: dt.datetime | None = None
    last: dt.datetime | None = None


@dataclass(frozen=True)
class Changes:
    players: tuple[Player, ...]
    rumours: tuple[Rumour, ...]
    removed_player_ids: tuple[str, ...]
    removed_rumour_ids: tuple[str, ...]


def rumour_key(player_id: str, ref: ClaimRef) -> RumourKey | None:
    to_club = ref.claim.to_club
    return None if to_club is None else (player_id, to_club, window_of(ref.published_at))


def rumour_id(key: RumourKey) -> str:
    return "/".join(key)


class Ledger:
    def __init__(self, claims: Mapping[int, ClaimRef]) -> None:
        self._claims = claims
        self._spellings: dict[str, Counter[str]] = {}  # player -> spellings of its claims
        self._names: dict[str, str] = {}
        self._rumours: dict[RumourKey, _Rumour] = {}
        self._rumours_of: dict[str, set[RumourKey]] = {}
        self._players_out: dict[str, Player] = {}  # as last published
        self._rumours_out: dict[RumourKey, Rumour] = {}
        self._dirty_players: set[str] = set()
        self._dirty_rumours: set[RumourKey] = set()

    def place(self, ref: ClaimRef, player_id: str) -> None:
        spellings = self._spellings.setdefault(player_id, Counter())
        if not spellings[ref.claim.player]:  # a Player shows the spellings, not their counts
            self._dirty_players.add(player_id)
        spellings[ref.claim.player] += 1
        key = rumour_key(player_id, ref)
        if key is None:
            return
        row = self._rumours.get(key)
        if row is None:
            row = self._rumours[key] = _Rumour()
            self._rumours_of.setdefault(player_id, set()).add(key)
        bisect.insort(row.claim_ids, ref.claim_id)
        if ref.claim.from_club:
            row.origins[ref.claim.from_club] += 1
        at = ref.published_at.astimezone(dt.UTC)
        row.first = at if row.first is None else min(row.first, at)
        row.last = at if row.last is None else max(row.last, at)
        self._dirty_rumours.add(key)

    def unplace(self, ref: ClaimRef, player_id: str) -> None:
        spellings = self._spellings[player_id]
        spellings[ref.claim.player] -= 1
        if spellings[ref.claim.player] == 0:
            del spellings[ref.claim.player]
            self._dirty_players.add(player_id)
        if not spellings:
            del self._spellings[player_id]
            self._names.pop(player_id, None)
        key = rumour_key(player_id, ref)
        if key is None:
            return
        row = self._rumours[key]
        del row.claim_ids[bisect.bisect_left(row.claim_ids, ref.claim_id)]
        if ref.claim.from_club:
            row.origins[ref.claim.from_club] -= 1
            if not row.origins[ref.claim.from_club]:
                del row.origins[ref.claim.from_club]
        if not row.claim_ids:
            del self._rumours[key]
            self._rumours_of[player_id].discard(key)
            if not self._rumours_of[player_id]:
                del self._rumours_of[player_id]
        else:  # the span may have shrunk: read it again from the claims left
            times = [self._claims[c].published_at.astimezone(dt.UTC) for c in row.claim_ids]
            row.first, row.last = min(times), max(times)
        self._dirty_rumours.add(key)

    def has_player(self, player_id: str) -> bool:
        return player_id in self._spellings

    def name(self, player_id: str, name: str) -> None:
        """Set a placed player's display name; its rumours carry it too."""
        if self._names.get(player_id) != name:
            self._names[player_id] = name
            self._dirty_players.add(player_id)
            self._dirty_rumours.update(self._rumours_of.get(player_id, ()))

    def flush(self) -> Changes:
        players, removed_players = [], []
        for pid in sorted(self._dirty_players):
            if pid in self._spellings:
                player = Player(pid, self._names[pid], tuple(sorted(self._spellings[pid])))
                if self._players_out.get(pid) != player:
                    self._players_out[pid] = player
                    players.append(player)
            elif self._players_out.pop(pid, None) is not None:
                removed_players.append(pid)
        rumours, removed_rumours = [], []
        for key in sorted(self._dirty_rumours):
            row = self._rumours.get(key)
            if row is not None:
                assert row.first is not None and row.last is not None
                origin = min(row.origins, key=lambda c: (-row.origins[c], c)) \
                    if row.origins else None
                rumour = Rumour(
                    id=rumour_id(key), player_id=key[0], player=self._names[key[0]],
                    from_club=origin, to_club=key[1], window=key[2], first_seen=row.first,
                    last_seen=row.last, claim_ids=tuple(row.claim_ids))
                if self._rumours_out.get(key) != rumour:
                    self._rumours_out[key] = rumour
                    rumours.append(rumour)
            elif self._rumours_out.pop(key, None) is not None:
                removed_rumours.append(rumour_id(key))
        self._dirty_players.clear()
        self._dirty_rumours.clear()
        return Changes(tuple(players), tuple(rumours), tuple(removed_players),
                       tuple(removed_rumours))

    def players(self) -> list[Player]:
        return [self._players_out[p] for p in sorted(self._players_out)]

    def rumours(self) -> list[Rumour]:
        return sorted(self._rumours_out.values(), key=lambda r: r.id)
