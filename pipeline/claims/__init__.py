"""Italian transfer claims: an article's title and body in, `Claim`s out (pure code).

Where things are handled:
  sentences.py  paragraphs, sentences, clauses; diacritic folding
  clubs.py      the clubs data file (data/clubs.yaml), club mentions, nicknames in context
  players.py    people's names, surname-only mentions, staff vs players (data/names.yaml)
  direction.py  buyer / seller / past club of a club mention; nationality epithets
  stages.py     stage vocabulary, denials, collapses, deal shapes, hedging, noise
                (match reports, press-release kickers, renewals and injuries)
  fees.py       amounts: "18 milioni più 2 di bonus", ranges, parametro zero, salaries
  relays.py     "secondo quanto riportato da X" and matching X to known sources
  context.py    what is known about one article while walking it; a club mention's role
  walk.py       the player(s) each clause is about; each player's current club
  buyers.py     the buying club a clause speaks of for a player
  moves.py      what was said about a (player, buyer) pair -> one Claim; swaps
  extract.py    the assembly: `extract_claims`
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clubs import ClubIndex, default_clubs, load_clubs
    from .extract import extract_claims
    from .relays import KnownSource

__all__ = ["ClubIndex", "KnownSource", "default_clubs", "extract_claims", "load_clubs"]

# Each name is imported on first use, so that reading the clubs (the board, the registry)
# does not load the whole extractor: a command starts in a fraction of a second.
_HOME = {"ClubIndex": "clubs", "default_clubs": "clubs", "load_clubs": "clubs",
         "extract_claims": "extract", "KnownSource": "relays"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
