"""What the assembly knows about one article while it walks it, and the questions it asks.

`Context` holds the article cut into clauses, its club mentions, its players (with the
start of each name mention) and what has been worked out about each player so far: his
current club (`seller`), his past clubs (`former`), the nationality he is called by
(`epithets`), and what the player registry says of him (`known`). The helpers
answer the questions every step asks of one clause: which
players it names, which clubs it mentions, and the role of a club mention there.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from .clubs import CITY, NICKNAME, ClubMention
from .direction import BUYER, BUYER_AFTER, FORMER, NEUTRAL, ON_PLAYER, SELLER, club_role
from .known import Known
from .players import Person
from .sentences import Article, Clause


@dataclass
class Context:
    article: Article
    clubs: list[ClubMention]
    players: list[Person]
    by_start: dict[int, Person]
    passing: set[int] = field(default_factory=set)  # starts of mentions made in passing
    seller: dict[str, str] = field(default_factory=dict)
    former: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    epithets: dict[str, Person] = field(default_factory=dict)  # "olandes" -> the Dutchman
    known: dict[str, Known] = field(default_factory=dict)  # what the registry says of each
    # starts of the names of footballers who are no transfer subject here ("In uscita
    # Bakker va in prestito"): a clause naming one has moved on from the players in focus
    others: set[int] = field(default_factory=set)

    def names_someone_else(self, clause: Clause) -> bool:
        return any(clause.start <= s < clause.end for s in self.others)

    def __post_init__(self) -> None:
        # sorted offsets, so that what a span holds is found by bisection (an article of
        # a thousand mentions must not cost a million comparisons)
        self._name_starts = sorted(self.by_start)
        self.clubs = sorted(self.clubs, key=lambda m: m.start)
        self._club_starts = [m.start for m in self.clubs]
        self._name_ends: dict[int, tuple[int, Person]] = {}
        for p in self.players:
            for m in p.mentions:
                self._name_ends.setdefault(m.end, (m.start, p))

    def named(self, clause: Clause) -> list[Person]:
        """The players a clause names (not in passing), in order."""
        seen: list[Person] = []
        lo = bisect.bisect_left(self._name_starts, clause.start)
        hi = bisect.bisect_left(self._name_starts, clause.end)
        for start in self._name_starts[lo:hi]:
            if self.by_start[start] not in seen and start not in self.passing:
                seen.append(self.by_start[start])
        return seen

    def clubs_in(self, start: int, end: int) -> list[ClubMention]:
        lo = bisect.bisect_left(self._club_starts, start)
        hi = bisect.bisect_left(self._club_starts, end)
        return self.clubs[lo:hi]

    def sentence_of(self, offset: int) -> int:
        return self.article.sentence_at(offset)

    def gap_from_player(self, mention: ClubMention) -> tuple[str | None, Person | None]:
        """The text between a player's name and a club mention right after it."""
        for end in range(mention.start, mention.start - 9, -1):  # the nearest name first
            if end in self._name_ends:
                return self.article.text[end : mention.start], self._name_ends[end][1]
        return None, None

    def role(self, mention: ClubMention, sentence_index: int) -> tuple[str, Person | None]:
        """The role of a club mention, and the player it is tied to when the text ties it
        to one ("Thuram all'Arsenal", "il City su Cambiaso")."""
        text = self.article.text
        s = self.article.sentences[sentence_index]
        gap, player = self.gap_from_player(mention)
        role = club_role(
            text[s.start : s.end],
            mention.start - s.start,
            mention.end - s.start,
            gap,
            mention.kind in (NICKNAME,),
        )
        follow = re.match(r"\s*[-–]\s*", text[mention.end : mention.end + 3])
        if follow and mention.end + follow.end() in self.by_start and role in (NEUTRAL, BUYER):
            return BUYER, self.by_start[mention.end + follow.end()]  # "Lazio-Laurienté"
        verb = BUYER_AFTER.match(text[mention.end : mention.end + 40])
        if role == BUYER and verb and mention.end + verb.end() - 1 in self.by_start:
            # "al Bologna andrebbe Sohm": the destination of the player named after the verb
            return BUYER, self.by_start[mention.end + verb.end() - 1]
        if role == BUYER and player is None:
            # "il City su Cambiaso": the destination of the player named right after
            on = ON_PLAYER.match(text, mention.end, mention.end + 40)
            if on:
                player = self.by_start.get(on.end())
        if mention.kind == CITY and role not in (BUYER, SELLER):
            role = FORMER if role == FORMER else "place"  # "a Torino" says where, not who
        return role, player
