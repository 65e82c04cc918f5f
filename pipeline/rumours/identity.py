"""Player identity inside one block, and the choice of player for a partial name.

`identify` turns a block's forms (their clubs, and how `blocks.py` found them related)
into its `Identity`: full forms clustered into players, and the players each partial form
may stand for. `choose` decides which of those a partial claim is about. Neither reads
claim counts or other claims' decisions. The rules (string rules in `names.py`):

1. A one-word form that some full name contains ("Thuram", "Lautaro", "Kvara") or a
   nickname cut of a bare surname ("Kvara" of "Kvaratskhelia") is *crossing*: decided
   against the players of the blocks holding those forms. A partial of another form of
   its block ("kolo muani" of "randal kolo muani", "vlahovic" of a misspelt bare
   "vlahovich") is *partial*, crossing or not. The rest are *full*.
2. Two full forms are one player when `names.matches` and their clubs do not contradict
   (when both have from_clubs, one's from_club is among the other's clubs); a SLIP
   ("joe gomex") also needs a shared club. "Markus Thuram" of Inter joins "Marcus
   Thuram" of Inter; a "Dusan Vlahovich" of Fiorentina is not the Juventus one.
3. A partial claim's candidates: the players owning a full form its form is part of.
   `choose` drops those whose clubs contradict the claim's from_club (a Juventus
   "Thuram" is not Marcus, of Inter and Arsenal); keeps the surest tier ("Hernandez" is
   Theo Hernández, not Enzo Fernández); keeps those named in full in the claim's
   article, if any; with one left takes it, else scores 2 for the claim's from_club
   among a candidate's from_clubs and 1 for its to_club among its destinations, and
   takes a unique best. A tie is not guessed (None). Only full forms define clubs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

from .names import EXACT, SLIP

Cluster = tuple[str, ...]  # a player's full forms, sorted
K = TypeVar("K", str, Cluster)


@dataclass(frozen=True)
class Profile:
    """The clubs a form's claims, or a player's full forms' claims, name."""
    from_clubs: frozenset[str]
    to_clubs: frozenset[str]


@dataclass(frozen=True)
class Identity:
    cluster_of: Mapping[str, Cluster]  # full form -> its player
    profiles: Mapping[Cluster, Profile]  # player -> its clubs
    partial: Mapping[str, Mapping[Cluster, int]]  # partial form -> candidate players' tiers
    backers: Mapping[str, tuple[str, ...]]  # full form -> partial forms exactly inside it


def identify(clubs: Mapping[str, Profile], inside: Mapping[str, Mapping[str, int]],
             matched: Mapping[str, Mapping[str, int]], linked: Collection[str] = ()) -> Identity:
    """A block's identity from its forms' clubs and how they relate (`names`): `inside`
    maps a form to the forms it is a partial of (with the tier), `matched` to those it
    matches (CLOSE or SLIP). `linked`: its one-word forms some full name contains."""
    forms = sorted(clubs)
    crossing = {f for f in forms if f in linked}
    # A crossing form is decided claim by claim, so it names no player here for others
    # to be part of: a form inside only crossing forms is full.
    containers = {f: {g: t for g, t in inside.get(f, {}).items() if g not in crossing}
                  for f in forms}
    clusters = _clusters([f for f in forms if not containers[f] and f not in crossing],
                         matched, clubs)
    cluster_of = {f: c for c in clusters for f in c}
    profiles = {c: Profile(frozenset().union(*(clubs[f].from_clubs for f in c)),
                           frozenset().union(*(clubs[f].to_clubs for f in c))) for c in clusters}
    partial: dict[str, dict[Cluster, int]] = {}
    backers: dict[str, list[str]] = defaultdict(list)
    memo: dict[str, dict[str, int]] = {}
    for f in (f for f in forms if containers[f]):
        tiers = partial[f] = {}
        for g, tier in _full_containers(f, containers, memo).items():
            tiers[cluster_of[g]] = min(tiers.get(cluster_of[g], tier), tier)
            if tier == EXACT:
                backers[g].append(f)
    return Identity(cluster_of, profiles, partial, {g: tuple(fs) for g, fs in backers.items()})


def choose(from_club: str | None, to_club: str | None, tiers: Mapping[K, int],
           profiles: Mapping[K, Profile], here: Collection[K]) -> K | None:
    """The player a partial claim is about, or None when the evidence does not decide.
    Candidates are keyed by anything orderable (player ids); `here` are those named in
    full in the claim's own article."""
    ok = sorted(c for c in tiers if not (
        from_club and profiles[c].from_clubs
        and from_club not in profiles[c].from_clubs | profiles[c].to_clubs))
    if not ok:
        return None
    surest = min(tiers[c] for c in ok)
    ok = [c for c in ok if tiers[c] == surest]
    ok = [c for c in ok if c in here] or ok
    if len(ok) == 1:
        return ok[0]
    score = {c: 2 * (from_club in profiles[c].from_clubs) + (to_club in profiles[c].to_clubs)
             for c in ok}
    winners = [c for c in ok if score[c] == max(score.values())]
    return winners[0] if len(winners) == 1 else None


def _full_containers(f: str, containers: dict[str, dict[str, int]],
                     memo: dict[str, dict[str, int]]) -> dict[str, int]:
    """The full forms a partial reaches through partials of partials; a chain is as sure
    as its weakest link. Containment strictly lengthens a form, so chains end."""
    if f in memo:
        return memo[f]
    out: dict[str, int] = {}
    for g, tier in containers[f].items():
        reach = _full_containers(g, containers, memo) if containers[g] else {g: EXACT}
        for h, t in reach.items():
            out[h] = min(out.get(h, max(tier, t)), max(tier, t))
    memo[f] = out
    return out


def _clusters(full: list[str], matched: Mapping[str, Mapping[str, int]],
              facts: Mapping[str, Profile]) -> list[Cluster]:
    """Full forms joined where they match and their clubs agree; sorted."""
    parent = {f: f for f in full}

    def find(f: str) -> str:
        while parent[f] != f:
            parent[f] = parent[parent[f]]
            f = parent[f]
        return f

    clubs = {f: facts[f].from_clubs | facts[f].to_clubs for f in full}
    for f in full:
        for g, kind in matched.get(f, {}).items():
            if g <= f or g not in parent:
                continue  # each pair once; partial and crossing forms take no part
            a, b = find(f), find(g)
            froms = facts[f].from_clubs, facts[g].from_clubs
            if a == b or all(froms) and not (froms[0] & clubs[g] or froms[1] & clubs[f]):
                continue  # one of them, or clubs that contradict
            if kind == SLIP and not clubs[f] & clubs[g]:
                continue  # a short word one edit off: only with a club in common
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for f in full:
        groups[find(f)].append(f)
    return sorted(tuple(sorted(g)) for g in groups.values())

