"""Rumours: player identity, and claims grouped into one rumour per move.

A rumour is a player to a destination club in a transfer window, whatever the articles
call the player. Pure: no clock, and no I/O but reading the packaged windows file
(data/windows.yaml, Serie A's real window dates) once. The map:

    values.py    ClaimRef in; Player, Rumour, Grouping, GroupingUpdate out; window rule
    names.py     folding names, and when two are one name (thresholds, examples)
    blocks.py    which name forms may be one player, kept up as forms arrive
    identity.py  one block's players, and the choice of player for a partial name
    ledger.py    players and rumours as claims are placed on them; what changed
    grouper.py   Grouper (a batch at a time) and group_claims (all at once)
"""

from .grouper import Grouper, group_claims
from .names import name_key
from .values import (
    ClaimRef,
    Grouping,
    GroupingUpdate,
    Player,
    Rumour,
    window_closes,
    window_of,
)

__all__ = [
    "ClaimRef",
    "Grouper",
    "Grouping",
    "GroupingUpdate",
    "Player",
    "Rumour",
    "group_claims",
    "name_key",
    "window_closes",
    "window_of",
]
