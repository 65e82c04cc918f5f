"""The values grouping takes and gives, and the transfer-window rule.

Owns `ClaimRef` (a stored claim as grouping sees it), `Player`, `Rumour`, `Grouping` and
`GroupingUpdate`, and `window_of`, the one place that decides which window a claim is
about.

The window rule (from the publication date, in UTC): the Italian market has a winter
window in January and a summer window from July to the start of September, and a rumour
is about the next window that can still happen.

    published Sep-Dec of year Y  ->  "Y+1-01"  (next January)
    published January of year Y  ->  "Y-01"    (this January: the window is open)
    published Feb-Aug of year Y  ->  "Y-07"    (this summer)

So late-August deadline-day stories belong to that summer and early-September stories to
the next January; an article at 00:30 Rome time on 1 September is still 31 August in UTC
and counts as summer (UTC is what the store keeps, and a day's slack either side of the
boundary changes nothing that matters).
"""

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
    """One distinct player: `id` is derived from the canonical name's folded form
    ("dusan-vlahovic"), `name` is its best spelling, `spellings` every `Claim.player`
    string that was resolved to this player."""

    id: str
    name: str
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class Rumour:
    """One move: a player to a destination club in a transfer window, and its claims.

    `id` is "<player id>/<to_club>/<window>", so it is the same whatever order the
    claims arrived in; `from_club` is the consensus of the claims (most frequent
    non-null, ties to the alphabetically first)."""

    id: str
    player_id: str
    player: str
    from_club: str | None
    to_club: str
    window: str  # "2027-01", "2027-07"
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


@dataclass(frozen=True)
class GroupingUpdate:
    """What one `Grouper.add` changed: a delta; `Grouper.grouping()` gives the whole.

    `players` and `rumours` are those the batch created or changed (whole values, to
    upsert by id); `removed_*` the ids that existed before the batch and exist no more
    (a player merged into another, a rumour whose claims moved to a renamed player);
    `unassigned` the batch's own claims that join no rumour (no destination, or no
    usable name) - a claim never leaves that state, so it is all a store must add.
    Applying every update in turn gives the same state as `grouping()`."""

    players: tuple[Player, ...]
    rumours: tuple[Rumour, ...]
    unassigned: tuple[int, ...]
    removed_player_ids: tuple[str, ...]
    removed_rumour_ids: tuple[str, ...]


def window_of(published_at: dt.datetime) -> str:
    """The transfer window a claim published at this time is about (see module doc)."""
    at = published_at.astimezone(dt.UTC)
    if at.month >= 9:
        return f"{at.year + 1}-01"
    if at.month == 1:
        return f"{at.year}-01"
    return f"{at.year}-07"
