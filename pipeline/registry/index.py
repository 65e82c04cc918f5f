"""The registry in memory: who is a footballer, where he played when, and who coaches.

Built from a `Dataset` (the packaged snapshot or the last `voci registry import`) and
voci's clubs data file:

- every transfermarkt club is linked to a voci club id by name and league
  ("Associazione Calcio Milan", IT1 -> `milan`; "Sporting Clube de Portugal", PO1 ->
  `sporting`); a club voci does not list stays unlinked;
- players are found by full name ("Marcus Thuram"), by the end of it ("Thuram",
  "Kolo Muani", "Di Lorenzo") and by the nicknames of `data/nicknames.yaml`;
- a player's club on a given day comes from his transfers (the club he last joined
  before that day), else from his current club;
- the clubs table names each club's coach: coaches are staff, never players.

Pure and immutable once built; building it takes a fraction of a second.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from ..claims.clubs import NAME, ClubIndex
from ..claims.sentences import fold
from .dataset import Dataset

NICKNAMES = Path(__file__).with_name("data") / "nicknames.yaml"

# transfermarkt's domestic competition ids -> the league codes of voci's clubs data file
LEAGUES = {
    "IT1": "ITA1", "IT2": "ITA2", "GB1": "ENG1", "GB2": "ENG2", "ES1": "ESP1", "ES2": "ESP2",
    "L1": "GER1", "L2": "GER2", "FR1": "FRA1", "FR2": "FRA2", "PO1": "POR1", "NL1": "NED1",
    "TR1": "TUR1", "BE1": "BEL1", "SC1": "SCO1", "RU1": "RUS1", "GR1": "GRE1", "UKR1": "UKR1",
    "DK1": "DEN1", "A1": "AUT1", "C1": "SUI1", "TS1": "CZE1", "KR1": "CRO1", "SER1": "SRB1",
    "SA1": "KSA1", "ARG1": "ARG1", "BRA1": "BRA1", "MLS1": "USA1", "MEX1": "MEX1", "NO1": "NOR1",
}
# words of clubs' formal names that say nothing about which club it is
_LEGAL = frozenset({
    "fc", "cf", "ac", "as", "ss", "ssc", "us", "sc", "afc", "cfc", "sv", "vfl", "vfb",
    "tsg", "fk", "nk", "sk", "bk", "if", "ik", "aik", "sl", "sd", "ud", "cd", "rc", "rcd",
    "club", "football", "futbol", "futebol", "fussball", "calcio", "sportiva", "sportivo",
    "sporting", "associazione", "kv", "krc", "kaa", "rsc", "ksc", "hnk", "gnk", "jk",
    "societa", "spa", "s", "p", "a", "sad", "sa", "de", "da", "do", "del", "la", "le", "of",
    "and", "the", "clube", "associacao", "athletic", "olympique", "sport", "sports",
    "verein", "e", "v", "ev", "gmbh", "co", "kgaa", "ltd", "plc",
})

_APOSTROPHE = str.maketrans({"'": "", "’": ""})


def name_key(name: str) -> str:
    """A person's name as the registry compares it: folded, hyphens as spaces, apostrophes
    and dots dropped ("Pierre-Emile Højbjerg" -> "pierre emile hojbjerg", "D'Ambrosio" ->
    "dambrosio")."""
    folded = fold(name).translate(_APOSTROPHE)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def _club_words(name: str) -> str:
    words = [w for w in name_key(name).split() if w not in _LEGAL and not w.isdigit()]
    return " ".join(words)


@dataclass(frozen=True)
class RegPlayer:
    id: int
    name: str
    born: dt.date | None
    position: str | None
    citizenship: str | None
    tm_club: int | None  # current club, transfermarkt id
    club: str | None  # current club, voci id (None when voci does not list it)
    market_value_eur: int | None

    def age_on(self, day: dt.date) -> int | None:
        if self.born is None:
            return None
        return day.year - self.born.year - ((day.month, day.day) < (self.born.month, self.born.day))


@dataclass(frozen=True)
class Coach:
    name: str
    club: str | None  # voci id of the club he coaches in the data


class Registry:
    """Who is a footballer, by which names, and at which club on a given day."""

    def __init__(self, dataset: Dataset, clubs: ClubIndex,
                 nicknames: Mapping[str, Iterable[int]] | None = None) -> None:
        self.clubs = clubs
        self.club_map: dict[int, str | None] = link_clubs(dataset, clubs)
        self.club_names: dict[int, str] = {c.id: c.name for c in dataset.clubs}
        self.players: dict[int, RegPlayer] = {}
        self._full: dict[str, list[int]] = defaultdict(list)
        self._tail: dict[str, list[int]] = defaultdict(list)
        first_names: Counter[str] = Counter()
        for p in dataset.players:
            player = RegPlayer(p.id, p.name, p.date_of_birth, p.position, p.citizenship,
                               p.club_id, self.club_map.get(p.club_id) if p.club_id else None,
                               p.market_value_eur)
            self.players[p.id] = player
            key = name_key(p.name)
            if not key:
                continue
            self._full[key].append(p.id)
            tokens = key.split()
            if len(tokens) > 1:
                first_names[tokens[0]] += 1
            for i in range(1, len(tokens)):
                tail = " ".join(tokens[i:])
                if len(tail) >= 3:
                    self._tail[tail].append(p.id)
        # a first name is one that several footballers carry ("ian", "marcello")
        self.first_names = frozenset(n for n, count in first_names.items() if count >= 3)
        self._nick: dict[str, list[int]] = {
            name_key(k): [i for i in ids if i in self.players]
            for k, ids in (nicknames or {}).items()
        }
        # the most words a whole name or nickname has: no longer stretch of text is one
        self.longest_name = max((len(k.split()) for k in (*self._full, *self._nick)), default=0)
        self._moves: dict[int, list[tuple[dt.date, int | None, int | None]]] = defaultdict(list)
        for t in dataset.transfers:
            self._moves[t.player_id].append((t.date, t.from_club_id, t.to_club_id))
        for moves in self._moves.values():
            moves.sort(key=lambda m: m[0])
        self.as_of: dt.date | None = data_date([t.date for t in dataset.transfers])
        self.coaches: dict[str, Coach] = {}
        for c in dataset.clubs:
            if c.coach:
                self.coaches[name_key(c.coach)] = Coach(c.coach, self.club_map.get(c.id))
        self._coach_tails = {k.split()[-1] for k in self.coaches if len(k.split()) > 1}

    # ------------------------------------------------------------------ names

    def by_name(self, name: str) -> list[RegPlayer]:
        """Players whose full name is `name`, or whose name ends with it ("Thuram",
        "Kolo Muani"), or who are known by it as a nickname. Full names first."""
        key = name_key(name)
        ids = list(self._nick.get(key, ()))
        for i in self._full.get(key, ()):
            if i not in ids:
                ids.append(i)
        for i in self._tail.get(key, ()):
            if i not in ids:
                ids.append(i)
        return [self.players[i] for i in ids]

    def knows(self, name: str) -> bool:
        """Whether some footballer is called so (full name, end of a name or nickname)."""
        key = name_key(name)
        return key in self._full or key in self._tail or key in self._nick

    def full_match(self, name: str) -> list[RegPlayer]:
        """Players whose whole name, or one of whose nicknames, is `name`."""
        key = name_key(name)
        ids = dict.fromkeys([*self._nick.get(key, ()), *self._full.get(key, ())])
        return [self.players[i] for i in ids]

    def is_coach(self, name: str) -> bool:
        """A coach of the clubs table: by full name, or by surname alone."""
        key = name_key(name)
        return key in self.coaches or (" " not in key and key in self._coach_tails)

    # ------------------------------------------------------------------ clubs

    def club_on(self, player: RegPlayer, day: dt.date | None) -> str | None:
        """The voci id of the club the player belonged to on `day` (his current club when
        no day is given or his transfers do not cover it); None when voci does not list
        that club."""
        tm = self.tm_club_on(player, day)
        return self.club_map.get(tm) if tm else None

    def owner_on(self, player: RegPlayer, day: dt.date | None) -> str | None:
        """When his club of `day` is a loan - a recorded move there and, next, back to the
        club he came from - that club, his owner (voci id); else None."""
        moves = self._moves.get(player.id)
        if not moves or day is None or (self.as_of is not None and day >= self.as_of):
            return None
        i = _moves_until(moves, day) - 1
        if i < 0 or i + 1 >= len(moves):
            return None
        (_, left, joined), (_, back_from, back_to) = moves[i], moves[i + 1]
        if left and back_to == left and back_from == joined:
            return self.club_map.get(left)
        return None

    def came_from(self, player: RegPlayer, day: dt.date | None) -> str | None:
        """The voci id of the club he left for his club of that day (for a loanee, the
        club that lent him), when the data records that move."""
        moves = self._moves.get(player.id)
        if not moves or day is None:
            return None
        i = _moves_until(moves, day)
        origin = moves[i - 1][1] if i else None
        return self.club_map.get(origin) if origin else None

    def joined_on(self, player: RegPlayer, day: dt.date | None) -> dt.date | None:
        """The day of the recorded move that took him to his club of `day`, if any."""
        moves = self._moves.get(player.id)
        if not moves or day is None:
            return None
        i = _moves_until(moves, day)
        return moves[i - 1][0] if i else None

    def is_before_the_story(self, player: RegPlayer, day: dt.date | None) -> bool:
        """Whether his club of `day` comes from a recorded move at or before that day, so
        that it surely precedes the story. His current club may not: for a story older
        than the data it may already show the move the story is about, and for a newer one
        he may have moved since (a loan ended, a late deal)."""
        if day is None or self.as_of is None or day > self.as_of:
            return False
        return bool(self._moves.get(player.id))

    def tm_club_on(self, player: RegPlayer, day: dt.date | None) -> int | None:
        moves = self._moves.get(player.id)
        if day is None or (self.as_of is not None and day >= self.as_of):
            return player.tm_club  # the data's own word on where he is, newest of all
        if not moves:
            # no recorded move: his current club holds for the data's last season, not for
            # years before it (the data may simply not cover his moves back then)
            if self.as_of and day < self.as_of - dt.timedelta(days=365):
                return None
            return player.tm_club
        i = _moves_until(moves, day)
        if i:
            return moves[i - 1][2]
        return moves[0][1]  # before his first recorded move: the club he left then

    def played_in_italy(self, player: RegPlayer) -> bool:
        """Whether his current club or a club of his recorded moves is Italian."""
        return any(
            (self.clubs.clubs[c].league or "").startswith("ITA")
            for c in self.clubs_of(player)
            if c in self.clubs.clubs
        )

    def clubs_of(self, player: RegPlayer) -> set[str]:
        """Every voci club he is recorded at, now or in a recorded move."""
        out = {self.club_map.get(c) for m in self._moves.get(player.id, ()) for c in m[1:] if c}
        out.add(player.club)
        return {c for c in out if c}


def _moves_until(moves: list[tuple[dt.date, int | None, int | None]], day: dt.date) -> int:
    """How many of a player's moves (sorted by date) were made on or before `day`."""
    return bisect.bisect_right(moves, day, key=lambda m: m[0])


def data_date(dates: list[dt.date], today: dt.date | None = None) -> dt.date | None:
    """The day a transfers table was taken, roughly: its latest busy day (10 moves or more
    in the week up to it), not after today. A stray date or a few moves scheduled ahead
    do not make the data newer; a whole dump's worth of loans ending on one day does, so
    a table of scheduled moves alone reads as newer than it is."""
    today = today or dt.date.today()
    ordered = sorted(d for d in dates if d <= today)
    for i in range(len(ordered) - 1, -1, -1):
        week = bisect.bisect_left(ordered, ordered[i] - dt.timedelta(days=6))
        if i - week + 1 >= 10:
            return ordered[i]
    return ordered[-1] if ordered else None


def link_clubs(dataset: Dataset, clubs: ClubIndex) -> dict[int, str | None]:
    """transfermarkt club id -> voci club id, by name (and league where both say it).

    An exact name or alias of voci's data file links at once ("Bologna FC 1909");
    otherwise the club's distinctive words are compared with every voci name and alias
    ("Associazione Calcio Milan" -> "milan"; "Inter Milan" stays with `inter`, not
    `milan`, because the whole of each side must agree). A voci club is given to one
    transfermarkt club only: the closest.
    """
    forms: list[tuple[str, frozenset[str], str, str | None]] = []
    for folded, kind, ids in clubs.forms():
        if kind != NAME or len(ids) != 1:
            continue
        words = _club_words(folded)
        if words:
            forms.append((words, frozenset(words.split()), ids[0], clubs.clubs[ids[0]].league))
    by_country: dict[str, list[tuple[str, frozenset[str], str, str | None]]] = defaultdict(list)
    for form in forms:
        by_country[(form[3] or "")[:3]].append(form)
    best: dict[str, tuple[float, int]] = {}
    proposal: dict[int, tuple[str, float]] = {}
    for c in dataset.clubs:
        exact = clubs.lookup(c.name)
        if exact:
            proposal[c.id] = (exact, 200.0)
            continue
        words = _club_words(c.name)
        if not words:
            continue
        own = words.split()
        league = LEAGUES.get(c.competition or "")
        pool = by_country.get(league[:3], []) if league else forms
        top: tuple[float, str] | None = None
        for form_text, form_words, cid, form_league in pool:
            if form_words <= set(own):
                # every distinctive word of voci's name is in the club's: "ajax" in
                # "AFC Ajax Amsterdam"; the more of the club's words it covers, the better
                score = 85 + 10 * len(form_words) / len(own)
            else:
                score = fuzz.ratio(words, form_text)
                if score < 88:
                    continue
            if league == form_league:
                score += 5
            if top is None or score > top[0]:
                top = (score, cid)
        if top:
            proposal[c.id] = (top[1], top[0])
    for tm, (cid, score) in proposal.items():
        if cid not in best or score > best[cid][0]:
            best[cid] = (score, tm)
    linked: dict[int, str | None] = {c.id: None for c in dataset.clubs}
    for cid, (_, tm) in best.items():
        linked[tm] = cid
    # exact names always hold, even when two transfermarkt ids share one
    for tm, (cid, score) in proposal.items():
        if score >= 200:
            linked[tm] = cid
    return linked


def load_nicknames(path: Path = NICKNAMES) -> dict[str, list[int]]:
    """data/nicknames.yaml: {registry player id: [nicknames and short names]} -> the
    reverse map, nickname -> ids."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    out: dict[str, list[int]] = defaultdict(list)
    for entry in data.get("players", []):
        for nick in entry.get("nicknames", []):
            out[nick].append(int(entry["id"]))
    return dict(out)
