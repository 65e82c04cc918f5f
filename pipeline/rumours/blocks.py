"""Blocks: the groups of name forms that may be one player, and the cross links.

`find_blocks` returns the connected components of the relations of `names.py` over a set
of folded forms; pairs are found through shared keys, never by comparing all pairs, and
joined only when a rule relates the two strings. Full names join when one is a slip of
the other ("markus thuram"/"marcus thuram", "joe gomex"/"joe gomez") or part of it
("kolo muani"/"randal kolo muani"); "marcus thuram" and "khephren thuram" stay apart.
One-word forms join likewise ("vlahovic"/"vlahovich"). A one-word form is cross-linked,
not joined, to the forms it may stand for: by surname ("thuram" -> every Thuram), first
name ("lautaro" -> "lautaro martinez") or nickname cut ("kvara" -> "khvicha
kvaratskhelia", and a bare "kvaratskhelia"); joining those would put every Martínez,
and through first names every Marcus, into one block. Each related pair is recorded
(`inside`, `matched`), so identity never compares forms again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from .names import MIN_WORD_LEN, NICKNAME_MIN_LEN, contained_in, edits, matches, near_keys, prefixes


def _join_keys(words: tuple[str, ...]) -> list[str]:
    """Keys shared by any two forms of one length that `matches` may relate: the same
    words but one, and that one within an edit ("joe gomex"/"joe gomez")."""
    if len(words) == 1:
        return [f"n:{k}" for k in near_keys(words[0])]
    return [f"e:{len(words)}|{' '.join(words[:i])}|{k}|{' '.join(words[i + 1:])}"
            for i, word in enumerate(words) for k in edits(word)]


def _offered(words: tuple[str, ...]) -> list[str]:
    """What a form offers one-word forms: a full name its surname, other words and
    surname cuts; a one-word form its cuts ("kvara" of a bare "kvaratskhelia")."""
    if len(words) == 1:
        return [f"c:{p}" for p in prefixes(words[0])]
    return ([f"m:{k}" for k in near_keys(words[-1])]
            + [f"w:{w}" for w in sorted(set(words[:-1])) if len(w) >= MIN_WORD_LEN]
            + [f"c:{p}" for p in prefixes(words[-1])])


def _sought(word: str) -> list[str]:
    """What a one-word form looks for among other forms."""
    keys = [f"m:{k}" for k in near_keys(word)] + [f"w:{word}"]
    return keys + ([f"c:{word}"] if len(word) >= NICKNAME_MIN_LEN else [])


@dataclass
class Blocks:
    blocks: list[list[str]]
    inside: dict[str, dict[str, int]]  # form -> forms of its block it is part of: tier
    matched: dict[str, dict[str, int]]  # form -> forms of its block it matches: kind
    cross: dict[str, dict[str, int]]  # one-word form -> forms it may stand for: tier


def find_blocks(forms: Collection[str]) -> Blocks:
    joinable: defaultdict[str, list[str]] = defaultdict(list)
    surnamed: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    offers: defaultdict[str, list[str]] = defaultdict(list)
    lengths: set[int] = set()  # how many words the full names so far have
    parent = {f: f for f in forms}

    def find(f: str) -> str:
        while parent[f] != f:
            parent[f] = parent[parent[f]]
            f = parent[f]
        return f

    out = Blocks([], defaultdict(dict), defaultdict(dict), {})
    for f in forms:  # each against the forms before it: each pair once
        words, kin = tuple(f.split()), set()
        for key in _join_keys(words):
            kin.update(joinable[key])
            joinable[key].append(f)
        if len(words) > 1:  # a shorter or longer full name with a close surname
            for key in near_keys(words[-1]):
                kin.update(g for n in lengths - {len(words)} for g in surnamed[key, n])
                surnamed[key, len(words)].append(f)
            lengths.add(len(words))
        for key in _offered(words):
            offers[key].append(f)
        for g in kin:
            gw, related = tuple(g.split()), False
            if (kind := matches(words, gw)) is not None:
                out.matched[f][g] = out.matched[g][f] = kind
                related = True
            for a, aw, b, bw in ((f, words, g, gw), (g, gw, f, words)):
                if (tier := contained_in(aw, bw)) is not None:
                    out.inside[a][b] = tier
                    related = True
            if related:
                parent[find(f)] = find(g)
    out.cross = {f: {g: tier for key in _sought(f) for g in offers.get(key, ())
                     if (tier := contained_in((f,), tuple(g.split()))) is not None}
                 for f in forms if " " not in f}
    blocks: defaultdict[str, list[str]] = defaultdict(list)
    for f in forms:
        blocks[find(f)].append(f)
    out.blocks = list(blocks.values())
    return out
