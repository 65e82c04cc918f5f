"""Rumours: player identity, and claims grouped into one rumour per move.

A rumour is a player to a destination club in a transfer window (`pipeline.windows`),
whatever the articles call the player. Pure: no clock, no I/O. The map:

    values.py    ClaimRef in; Player, Rumour, Grouping out
    names.py     folding names, and when two are one name (thresholds, examples)
    blocks.py    which name forms may be one player, and the forms a one-word form may be
    identity.py  one block's players, and the choice of player for a partial name
    grouper.py   group_claims: the steps, from claims to rumours
"""

from pipeline.windows import window_closes, window_of

from .grouper import best_spelling, group_claims, placements, rumour_of
from .names import name_key
from .values import ClaimRef, Grouping, Player, Rumour

__all__ = ["ClaimRef", "Grouping", "Player", "Rumour", "best_spelling", "group_claims", "name_key",
           "placements", "rumour_of", "window_closes", "window_of"]
