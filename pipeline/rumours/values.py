"""The values grouping takes and gives: `ClaimRef` in; `Player`, `Rumour`, `Grouping` out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.model import Claim


@dataclass(frozen=True)
class ClaimRef:
    """A stored claim as grouping sees it."""
    claim_id: int  # unique and stable: the store's id
    article_id: int
    outlet_id: str
    published_at: dt.datetime  # aware; compared and windowed in UTC
    claim: Claim

    def __post_init__(self) -> None:
        if self.published_at.tzinfo is None or self.published_at.utcoffset() is None:
            raise ValueError(f"claim {self.claim_id}: published_at must be timezone-aware")


@dataclass(frozen=True)
class Player:
    """One player: `id` from its canonical name's folded form ("dusan-vlahovic"), `name`
    its best spelling, `spellings` every `Claim.player` string resolved to it."""
    id: str
    name: str
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class Rumour:
    """One move: a player to a destination club in a transfer window, and its claims.
    `id` is "<player id>/<to_club>/<window>"; `from_club` is the claims' consensus (most
    frequent non-null, ties to the alphabetically first)."""
    id: str
    player_id: str
    player: str
    from_club: str | None
    to_club: str
    window: str  # "2027-01", "2027-07" (pipeline.windows)
    first_seen: dt.datetime
    last_seen: dt.datetime
    claim_ids: tuple[int, ...]  # ascending


@dataclass(frozen=True)
class Grouping:
    """All players and rumours, sorted by id; `unassigned` are the ids (ascending) of
    claims that join no rumour: no destination club, or no usable player name."""
    players: tuple[Player, ...]
    rumours: tuple[Rumour, ...]
    unassigned: tuple[int, ...]
