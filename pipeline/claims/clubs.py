"""Clubs: the packaged clubs data file, and finding clubs in an article.

Owns `ClubIndex` (canonical ids, names, aliases, nicknames, places, loaded from
`data/clubs.yaml` and validated) and `find_clubs`, which returns every club mention of
an article with its candidate ids. Ambiguous nicknames ("i nerazzurri": Inter, Atalanta
or Pisa) are resolved here from the clubs the article names explicitly; when the context
does not decide, the mention keeps `club_id=None` rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from pipeline.text import alternation

from .sentences import Article, fold, key

DATA = Path(__file__).with_name("data") / "clubs.yaml"

# Surface kinds, strongest first: a name/alias says "this club"; a nickname may be shared;
# a context nickname means the club only when it is named elsewhere; a place stands for it.
NAME, NICKNAME, CONTEXT, PLACE, CITY = "name", "nickname", "context", "place", "city"

# A club name right after a bare locative preposition is the city, not the club:
# "a Roma", "in Torino", "da Napoli" (the club always takes the article: "alla Roma").
_LOCATIVE = re.compile(r"(?:^|[\s(«\"])(?:a|ad|in|da)\s+$", re.IGNORECASE)
_ARTICLE_BEFORE = re.compile(
    r"(?:\b(?:il|lo|la|i|gli|le|del|dello|della|dei|degli|delle|al|allo|alla|ai|agli|alle|dal|"
    r"dalla|dai|dagli|nel|nella|nei|negli|sul|sulla|sui|col|in|tra|fra)\s+|\b(?:l|dell|all|dall|nell|sull)')$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Club:
    id: str
    name: str
    league: str | None = None


@dataclass(frozen=True)
class ClubMention:
    start: int
    end: int
    surface: str
    kind: str  # NAME, NICKNAME, CONTEXT or PLACE
    candidates: tuple[str, ...]
    club_id: str | None  # None when ambiguous and the article does not decide

    @property
    def id(self) -> str:
        """The club of a resolved mention (the article context keeps only those)."""
        if self.club_id is None:
            raise ValueError(f"unresolved club mention {self.surface!r}")
        return self.club_id


class ClubDataError(ValueError):
    """The clubs data file is malformed (duplicate id, alias claimed twice, ...)."""


def _expand(form: str) -> list[str]:
    # "rossoner*" stands for the four endings of an Italian adjective.
    if form.endswith("*"):
        stem = form[:-1]
        return [stem + end for end in ("o", "a", "i", "e")]
    return [form]


class ClubIndex:
    """Every known club and every way of writing it; immutable once built."""

    def __init__(self, entries: Iterable[dict], cities: dict[str, list[str]] | None = None):
        self.clubs: dict[str, Club] = {}
        # folded surface -> (kind, ids, needs_capital)
        self._forms: dict[str, tuple[str, tuple[str, ...], bool]] = {}
        shared: dict[str, list[str]] = {}
        for entry in entries:
            unknown = set(entry) - {
                "id",
                "name",
                "league",
                "aliases",
                "nicknames",
                "context_nicknames",
                "places",
            }
            if unknown or "id" not in entry or "name" not in entry:
                raise ClubDataError(f"bad club entry {entry!r}: unknown keys {sorted(unknown)}")
            cid = entry["id"]
            if cid in self.clubs or not re.fullmatch(r"[a-z0-9-]+", cid):
                raise ClubDataError(f"duplicate or malformed club id {cid!r}")
            self.clubs[cid] = Club(cid, entry["name"], entry.get("league"))
            for form in [entry["name"], *entry.get("aliases", [])]:
                self._add(form, NAME, cid, exclusive=True)
            for kind, field in (
                (NICKNAME, "nicknames"),
                (CONTEXT, "context_nicknames"),
                (PLACE, "places"),
            ):
                for raw in entry.get(field, []):
                    for form in _expand(raw):
                        shared.setdefault(fold(form), []).append(cid)
                        self._add(form, kind, cid, exclusive=False)
        for folded, ids in shared.items():
            kind, _, cap = self._forms[folded]
            self._forms[folded] = (kind, tuple(dict.fromkeys(ids)), cap)
        self._cities: dict[str, tuple[str, ...]] = {}
        for city, ids in (cities or {}).items():
            unknown_ids = [i for i in ids if i not in self.clubs]
            if unknown_ids:
                raise ClubDataError(f"city {city!r} names unknown clubs {unknown_ids}")
            self._cities[fold(city)] = tuple(ids)
            if fold(city) not in self._forms:
                self._forms[fold(city)] = (CITY, tuple(ids), True)
        # lookup()'s fallback: a club's name compared without punctuation, or its id
        # (the first club listed wins, as a scan in file order would have it)
        self._by_key: dict[str, str] = {}
        for cid, club in reversed(self.clubs.items()):
            self._by_key[key(club.name)] = cid
        for cid in self.clubs:
            self._by_key.setdefault(cid, cid)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        """Every form, longest first, as one pattern: built when text is first searched
        (reading clubs by name needs none of it)."""
        return re.compile(r"(?<!\w)" + alternation(self._forms) + r"(?!\w)")

    def _add(self, form: str, kind: str, cid: str, *, exclusive: bool) -> None:
        folded = fold(form)
        needs_capital = form[:1].isupper()
        if folded in self._forms:
            old_kind, old_ids, _ = self._forms[folded]
            if exclusive or old_kind == NAME:
                if old_ids == (cid,):
                    return
                raise ClubDataError(f"{form!r} names both {old_ids} and {cid!r}")
            return
        self._forms[folded] = (kind, (cid,), needs_capital)

    def name(self, club_id: str) -> str:
        return self.clubs[club_id].name

    def is_form(self, text: str) -> bool:
        """Whether text is one of the ways of writing a club (a name, a nickname, ...)."""
        return fold(text.strip()) in self._forms

    def forms(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """Every surface form: (folded form, kind, club ids)."""
        return [(form, kind, ids) for form, (kind, ids, _) in self._forms.items()]

    def lookup(self, name: str) -> str | None:
        """The id of a club written as a plain name ("Bayern Munich", "AS Roma")."""
        if not name:
            return None
        entry = self._forms.get(fold(name.strip()))
        if entry and len(entry[1]) == 1:
            return entry[1][0]
        folded = key(name)
        return self._by_key.get(folded) or self._by_key.get(folded.replace(" ", "-"))

    def _matches(self, folded: str, text: str) -> list[re.Match[str]]:
        """The longest form at each place; when it wants a capital the text does not have
        ("in casa Milan" is not the place "Casa Milan"), the forms inside it are tried."""
        out: list[re.Match[str]] = []
        pos = 0
        while (m := self._pattern.search(folded, pos)) is not None:
            if self._forms[m.group(0)][2] and not text[m.start()].isupper():
                pos = m.start() + 1
                continue
            out.append(m)
            pos = m.end()
        return out

    def raw_mentions(
        self, text: str, folded: str
    ) -> tuple[list[ClubMention], list[tuple[int, int]]]:
        """Club mentions, and the spans of club names used as places ("a Roma")."""
        found: list[ClubMention] = []
        places: list[tuple[int, int]] = []
        for m in self._matches(folded, text):
            kind, ids, needs_capital = self._forms[m.group(0)]
            surface = text[m.start() : m.end()]
            before = text[max(0, m.start() - 24) : m.start()]
            if kind == NAME and _LOCATIVE.search(before):
                places.append((m.start(), m.end()))
                if m.group(0) not in self._cities:
                    continue
                kind, ids = CITY, self._cities[m.group(0)]
            if kind == CONTEXT and surface[:1].isupper() and not _ARTICLE_BEFORE.search(before):
                continue  # "Viola" mid-sentence is a surname; "la Viola" is the club
            if surface.isupper() and len(surface) > 4 and kind != NAME:
                continue
            found.append(
                ClubMention(
                    m.start(), m.end(), surface, kind, ids, ids[0] if len(ids) == 1 else None
                )
            )
        return found, places


def _resolve(mentions: list[ClubMention]) -> list[ClubMention]:
    """Decide shared nicknames from the clubs the article names without ambiguity."""
    explicit = [m for m in mentions if m.kind in (NAME, PLACE, NICKNAME) and len(m.candidates) == 1]
    # a city says where, not who: "a Torino" is Juventus only if the article names Juventus
    explicit_ids = {m.candidates[0] for m in explicit}
    named_ids = {m.candidates[0] for m in explicit if m.kind == NAME}
    # the city and the colours of one club support each other when the article names no
    # club they could be: "A Bologna trova poco spazio ... con il club rossoblù"
    city_ids = {c for m in mentions if m.kind == CITY for c in m.candidates}
    colour_ids: set[str] = set()
    out: list[ClubMention] = []
    for m in mentions:
        if m.kind in (CONTEXT, CITY):
            out.append(m)  # decided below, once the shared nicknames are
        elif len(m.candidates) > 1:
            chosen = [c for c in m.candidates if c in explicit_ids]
            if len(chosen) > 1:  # several named: take the nearest one named before it
                before = [e for e in explicit if e.end <= m.start and e.candidates[0] in chosen]
                chosen = [before[-1].candidates[0]] if before else []
            elif not chosen:
                chosen = [c for c in m.candidates if c in city_ids]
                colour_ids.update(chosen[:1] if len(chosen) == 1 else ())
            out.append(_with(m, chosen[0] if len(chosen) == 1 else None))
        else:
            out.append(m)
    for i, m in enumerate(out):
        if m.kind in (CONTEXT, CITY):
            pool = named_ids if m.kind == CONTEXT else explicit_ids | colour_ids
            chosen = [c for c in m.candidates if c in pool]
            out[i] = _with(m, chosen[0] if len(chosen) == 1 else None)
    return out


def _with(m: ClubMention, club_id: str | None) -> ClubMention:
    return ClubMention(m.start, m.end, m.surface, m.kind, m.candidates, club_id)


def find_clubs(
    article: Article, index: ClubIndex
) -> tuple[list[ClubMention], list[tuple[int, int]]]:
    """All club mentions of the article, in order, ambiguous ones resolved where possible;
    and the spans of club names that the article uses as city names."""
    mentions, places = index.raw_mentions(article.text, article.folded)
    return _resolve(mentions), places


def load_clubs(path: Path | str = DATA) -> ClubIndex:
    with open(path, encoding="utf-8") as fh:  # libyaml's parser where PyYAML has it: 10x
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict) or not isinstance(data.get("clubs"), list):
        raise ClubDataError(f"{path}: expected a mapping with a 'clubs' list")
    return ClubIndex(data["clubs"], data.get("cities"))


@lru_cache(maxsize=1)
def default_clubs() -> ClubIndex:
    """The packaged clubs index, loaded once."""
    return load_clubs()
