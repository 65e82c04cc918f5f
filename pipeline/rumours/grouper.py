"""Grouping claims into rumours: `group_claims`, one batch computation.

Each step is a function of the *set* of claims, so their order never matters:
1. forms: a claim's folded name (`form_of`); per form, its claims and clubs. A claim
   without a usable name, or without a destination, joins no rumour.
2. blocks of related forms and cross links (`blocks.py`); each block's `Identity`.
3. a player id per cluster of full forms: its best-supported form (`_canonical`).
4. a claim's player: its full form's cluster; else `identity.choose` over its form's
   candidates (a crossing form's: its cross links' players, a link as sure as its
   weakest step), `here` the players its article names in full; undecided, a player
   named by its own form ("thuram").
5. rumours: (player, to_club, window); from_club the most frequent, ties alphabetical.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from pipeline.windows import window_of

from .blocks import find_blocks
from .identity import Cluster, Identity, Profile, choose, identify
from .names import name_key, usable
from .values import ClaimRef, Grouping, Player, Rumour


def form_of(player: str, player_key: str | None) -> str:
    """The folded name a claim is grouped by: the extractor's key, else the name."""
    return name_key(player_key or player)


def player_id(form: str) -> str:
    return "-".join(form.split())


def form_named(pid: str) -> str:
    return pid.replace("-", " ")  # player_id undone: forms hold no hyphens


def best_spelling(form: str, spellings: Counter[str]) -> str:
    """How to write a player: the commonest of the spellings that fold to its form, one
    with diacritics first (never added by mistake); else the form in capitals."""
    if not spellings:
        return " ".join(w.capitalize() for w in form.split())
    return min(spellings, key=lambda s: (s.isascii(), -spellings[s], s))


def _unique(claims: Iterable[ClaimRef]) -> dict[int, ClaimRef]:
    """Claims by id: a claim given twice counts once; an id with two contents is an error."""
    out: dict[int, ClaimRef] = {}
    for ref in claims:
        if out.setdefault(ref.claim_id, ref) != ref:
            raise ValueError(f"claim {ref.claim_id} added twice with different content")
    return out


def placements(claims: Iterable[ClaimRef]) -> dict[int, str]:
    """claim id -> the player `group_claims` places it under (claims of usable names)."""
    return _place(_unique(claims).values())[0]


def _place(refs: Iterable[ClaimRef]) -> tuple[dict[int, str], dict[str, list[ClaimRef]]]:
    """Steps 1-4: the player of each claim of a usable name; the claims by form."""
    by_form: defaultdict[str, list[ClaimRef]] = defaultdict(list)
    for ref in refs:
        if usable(tuple((form := form_of(ref.claim.player, ref.claim.player_key)).split())):
            by_form[form].append(ref)
    found = find_blocks(by_form)
    identity: dict[str, Identity] = {}  # form -> its block's
    profile: dict[Cluster, Profile] = {}
    for block in found.blocks:
        clubs = {f: Profile(frozenset(r.claim.from_club for r in by_form[f] if r.claim.from_club),
                            frozenset(r.claim.to_club for r in by_form[f] if r.claim.to_club))
                 for f in block}
        linked = {f for f in block if " " not in f and found.cross[f]}
        ident = identify(clubs, found.inside, found.matched, linked)
        identity.update(dict.fromkeys(block, ident))
        profile.update(ident.profiles)
    count = {f: len(rs) for f, rs in by_form.items()}
    pid = {c: player_id(_canonical(c, identity[c[0]], count)) for c in profile}
    full = {f: pid[identity[f].cluster_of[f]] for f in by_form if f in identity[f].cluster_of}
    here: defaultdict[int, set[str]] = defaultdict(set)  # article -> players named in full
    for f, p in full.items():
        for r in by_form[f]:
            here[r.article_id].add(p)
    owner = {r.claim_id: p for f, p in full.items() for r in by_form[f]}
    for f in by_form.keys() - full.keys():
        # a partial form's candidates, or a crossing form's through its links: each
        # linked full form's player, each linked partial form's candidates
        reach = [(identity[f].partial[f], 0)] if f in identity[f].partial else [
            ({identity[g].cluster_of[g]: 0} if g in identity[g].cluster_of
             else identity[g].partial.get(g, {}), link) for g, link in found.cross[f].items()]
        tiers: dict[str, int] = {}
        for clusters, link in reach:
            for c, t in clusters.items():
                tiers[pid[c]] = min(tiers.get(pid[c], max(link, t)), max(link, t))
        profiles = {pid[c]: profile[c] for clusters, _ in reach for c in clusters}
        decided: dict[tuple[str | None, str | None, frozenset[str]], str | None] = {}
        for r in by_form[f]:  # many claims of a bare "Garcia", few questions
            q = (r.claim.from_club, r.claim.to_club, frozenset(here.get(r.article_id, ())))
            if q not in decided:
                decided[q] = choose(q[0], q[1], tiers, profiles, q[2])
            owner[r.claim_id] = decided[q] or player_id(f)
    return owner, by_form


def _canonical(cluster: Cluster, identity: Identity, count: Mapping[str, int]) -> str:
    """The full form naming a player: the most claims spelling it out, counting the
    partial claims that sit exactly inside it ("Kolo Muani" backs "randal kolo muani")
    and, when its forms spell the surname two ways, the bare surname's (a bare "Gomez"
    backs "joe gomez", not a misspelt "joe gomex"); then the most words; alphabetical."""
    split = len({f.rsplit(" ", 1)[-1] for f in cluster if " " in f}) > 1

    def support(g: str) -> int:
        return count[g] + sum(count[f] for f in identity.backers.get(g, ())) + (
            count.get(g.split()[-1], 0) if split else 0)

    return min(cluster, key=lambda g: (-support(g), -len(g.split()), g))


def rumour_of(player: str, name: str, to_club: str, window: str,
              claims: Iterable[ClaimRef]) -> Rumour:
    """One move from its claims: from_club the most named (ties alphabetical)."""
    rs = list(claims)
    origins = Counter(r.claim.from_club for r in rs if r.claim.from_club)
    times = [r.published_at.astimezone(dt.UTC) for r in rs]
    return Rumour(f"{player}/{to_club}/{window}", player, name,
                  min(origins, key=lambda c: (-origins[c], c)) if origins else None,
                  to_club, window, min(times), max(times), tuple(sorted(r.claim_id for r in rs)))


def group_claims(claims: Iterable[ClaimRef]) -> Grouping:
    """Players, rumours and the claims that join none, from any set of claims."""
    refs = _unique(claims)
    owner, by_form = _place(refs.values())
    spellings: defaultdict[str, set[str]] = defaultdict(set)
    moves: defaultdict[tuple[str, str, str], list[ClaimRef]] = defaultdict(list)
    for claim_id, p in owner.items():
        claim = (ref := refs[claim_id]).claim
        spellings[p].add(claim.player)
        if claim.to_club is not None:
            moves[p, claim.to_club, window_of(ref.published_at)].append(ref)
    names = {p: best_spelling(f, Counter(r.claim.player for r in by_form[f]
                                         if name_key(r.claim.player) == f))
             for p in spellings for f in (form_named(p),)}
    rumours = [rumour_of(p, names[p], to_club, window, rs)
               for (p, to_club, window), rs in moves.items()]
    return Grouping(
        tuple(Player(p, names[p], tuple(sorted(spellings[p]))) for p in sorted(spellings)),
        tuple(sorted(rumours, key=lambda r: r.id)),
        tuple(sorted(c for c, r in refs.items() if c not in owner or r.claim.to_club is None)))
