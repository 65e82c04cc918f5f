"""Italian transfer claims: an article's title and body in, `Claim`s out (pure code).

Where things are handled:
  sentences.py  paragraphs, sentences, clauses; diacritic folding
  clubs.py      the clubs data file (data/clubs.yaml), club mentions, nicknames in context
  players.py    people's names, surname-only mentions, staff vs players (data/names.yaml)
  direction.py  buyer / seller / past club of a club mention
  stages.py     stage vocabulary, denials, collapses, deal shapes, hedging, noise
  fees.py       amounts: "18 milioni più 2 di bonus", ranges, parametro zero, salaries
  relays.py     "secondo quanto riportato da X" and matching X to known sources
  extract.py    the assembly: `extract_claims`
"""

from .clubs import ClubIndex, default_clubs, load_clubs
from .extract import extract_claims
from .relays import KnownSource

__all__ = ["ClubIndex", "KnownSource", "default_clubs", "extract_claims", "load_clubs"]
