"""Player identity inside one block, and the choice of player for a partial name.

Owns two pure functions. `identify` takes what a block's name forms say - the forms, the
clubs their claims name, and how the forms relate as `blocks.py` recorded them - and
returns its `Identity`: which forms are players' full names, how they cluster into
players, and which players each partial form may stand for. `choose` then decides,
one claim at a time, which of those players a partial claim is about. Neither looks at
claim counts or at other claims' decisions, so a decision depends only on the claim and
on its form's `Identity` - which is what lets the grouper reuse a decision for as long
as those inputs are unchanged.

The rules (string rules and their thresholds in `names.py`):

1. A one-word form that some full name contains (a surname alone, a first name alone,
   a nickname: "Thuram", "Lautaro", "Kvara"), or that is a nickname cut of a bare
   surname ("Kvara" of "Kvaratskhelia"), is *crossing*: it is decided like a partial,
   against the players of the blocks holding those forms. A form that is a partial
   of another form of its own block ("kolo muani" of "randal kolo muani", "vlahovic"
   of a misspelt bare "vlahovich") is *partial*. The rest are *full*.
2. Two full forms are one player when `names.matches` and their clubs do not contradict:
   when both carry from_clubs, one side's from_club must be among the other's clubs
   (from or to). A SLIP in a short word ("joe gomex") also needs a club the two share.
   "Markus Thuram" of Inter joins "Marcus Thuram" of Inter; a "Dusan Vlahovich" of
   Fiorentina does not join the "Dusan Vlahovic" of Juventus.
3. A partial claim's candidates are the players owning a full form its form is part of.
   `choose` then: drops candidates whose clubs contradict the claim's from_club (a
   Juventus "Thuram" is not Marcus, whose clubs are Inter and Arsenal); keeps those at
   the surest tier left (an exact surname beats a misspelt one: "Hernandez" goes to
   Theo Hernández, not Enzo Fernández, while a misspelt "Khephren Thuarm" still takes a
   Juventus "Thuram" that Marcus cannot); keeps those named in full in the claim's own
   article if any; then with one candidate left takes it, else scores 2 for the claim's
   from_club among a candidate's from_clubs and 1 for its to_club among the candidate's
   destinations, and takes a unique best. A tie is not guessed (None): the claim keeps
   a player of its own, named by the partial form ("thuram"), until evidence decides.
   Only full forms define a player's clubs, so no decision depends on another's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from .names import EXACT, SLIP

Cluster = tuple[str, ...]  # a player's full forms, sorted: its identity inside the grouper
K = TypeVar("K", str, Cluster)


@dataclass(frozen=True)
class Facts:
    """What identity needs to know of one form: its clubs, over all its claims."""

    form: str
    from_clubs: frozenset[str]
    to_clubs: frozenset[str]


@dataclass(frozen=True)
class Profile:
    """What a player's full-form claims say of their clubs."""

    from_clubs: frozenset[str]
    to_clubs: frozenset[str]


@dataclass(frozen=True)
class Identity:
    clusters: tuple[Cluster, ...]
    cluster_of: Mapping[str, Cluster]  # full form -> its player
    profiles: Mapping[Cluster, Profile]
    partial: Mapping[str, Mapping[Cluster, int]]  # partial form -> candidate players' tiers
    backers: Mapping[str, tuple[str, ...]]  # full form -> partial forms exactly inside it
    backs: Mapping[str, tuple[str, ...]]  # partial form -> full forms it is exactly inside
    crossing: frozenset[str]  # one-word forms decided against other blocks


_NOTHING: Mapping = MappingProxyType({})


def identify_alone(facts: Facts, crossing: bool) -> Identity:
    """`identify` of a block of one form (most blocks): its own player, or crossing."""
    if crossing:
        return Identity((), _NOTHING, _NOTHING, _NOTHING, _NOTHING, _NOTHING,
                        frozenset((facts.form,)))
    cluster = (facts.form,)
    return Identity((cluster,), {facts.form: cluster},
                    {cluster: Profile(facts.from_clubs, facts.to_clubs)},
                    _NOTHING, _NOTHING, _NOTHING, frozenset())


def identify(facts: Iterable[Facts], inside: Mapping[str, Mapping[str, int]],
             matched: Mapping[str, Mapping[str, int]], linked: Collection[str] = ()) -> Identity:
    """A block's identity, from its forms' facts and how they relate (`names`):
    `inside` maps a form to the forms it is a partial of (with the tier), `matched` to
    the forms it matches (with the kind, CLOSE or SLIP). `linked`: its one-word forms
    that some full name contains (they are crossing)."""
    by_form = {f.form: f for f in facts}
    forms = sorted(by_form)
    crossing = frozenset(f for f in forms if f in linked)
    # A crossing form is decided claim by claim, so it names no player here for others
    # to be part of: a form inside only crossing forms is full.
    containers = {f: {g: t for g, t in inside.get(f, {}).items() if g not in crossing}
                  for f in forms}
    full = [f for f in forms if not containers[f] and f not in crossing]
    clusters = _clusters(full, matched, by_form)
    cluster_of = {f: c for c in clusters for f in c}
    profiles = {c: Profile(frozenset().union(*(by_form[f].from_clubs for f in c)),
                           frozenset().union(*(by_form[f].to_clubs for f in c)))
                for c in clusters}
    partial: dict[str, dict[Cluster, int]] = {}
    backers: dict[str, list[str]] = defaultdict(list)
    backs: dict[str, tuple[str, ...]] = {}
    memo: dict[str, dict[str, int]] = {}
    for f in forms:
        if not containers[f]:
            continue
        tiers: dict[Cluster, int] = {}
        exact: list[str] = []
        for g, tier in _full_containers(f, containers, memo).items():
            c = cluster_of[g]
            tiers[c] = min(tiers.get(c, tier), tier)
            if tier == EXACT:
                backers[g].append(f)
                exact.append(g)
        partial[f] = tiers
        if exact:
            backs[f] = tuple(exact)
    return Identity(tuple(clusters), cluster_of, profiles, partial,
                    {g: tuple(fs) for g, fs in backers.items()}, backs, crossing)


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
    scores = {c: 2 * (from_club in profiles[c].from_clubs) + (to_club in profiles[c].to_clubs)
              for c in ok}
    best = max(scores.values())
    winners = [c for c in ok if scores[c] == best]
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
              facts: Mapping[str, Facts]) -> list[Cluster]:
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
            if a == b or not _agree(facts[f].from_clubs, clubs[f], facts[g].from_clubs, clubs[g]):
                continue
            if kind == SLIP and not clubs[f] & clubs[g]:
                continue  # a short word one edit off: only with a club in common
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for f in full:
        groups[find(f)].append(f)
    return sorted(tuple(sorted(g)) for g in groups.values())


def _agree(from_a: frozenset[str], clubs_a: frozenset[str],
           from_b: frozenset[str], clubs_b: frozenset[str]) -> bool:
    if not from_a or not from_b:
        return True
    return bool(from_a & clubs_b) or bool(from_b & clubs_a)
