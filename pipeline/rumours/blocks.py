"""Blocks: the groups of name forms that may be one player, kept up as forms arrive.

Owns `Blocks`, an incremental union-find over folded name forms, and the registry of
*cross links*. Pairs are found through keys, never by scanning all forms, and joined only
when a rule of `names.py` actually relates the two strings, so a block is a player's
spellings, not a surname's every bearer, and adding a form costs a few look-ups.

* Full names ("marcus thuram") join when one is a slip of the other ("markus thuram",
  "joe gomex"/"joe gomez": keyed by all words but one, and that one's one-edit keys)
  or part of the other ("kolo muani"/"randal kolo muani": keyed by the surname, and
  compared only between names of different lengths).
  "marcus thuram" and "khephren thuram" share a surname and stay in separate blocks.
* One-word forms join each other likewise when one is a slip of the other:
  "vlahovic"/"vlahovich".
* A one-word form is cross-linked, not joined, to the forms it may stand for: a full
  name's surname ("thuram" -> every Thuram), a first name ("lautaro" -> "lautaro
  martinez"), a nickname cut from a surname ("kvara" -> "khvicha kvaratskhelia", and
  "kvara" -> a bare "kvaratskhelia"). Joining on these would put every Martínez - and
  through first names every Marcus - into one block; and joining cuts would chain every
  one-word form that starts with "mari" or "teri" into one block that grows with the
  claims and is worked out again whenever any of its forms changes. The one-word form
  depends on the blocks it links to; they do not depend on it.

Blocks are connected components of a relation between strings, over the *set* of forms:
they do not depend on arrival order, and only ever grow by merging. Each related pair is
recorded when its second form arrives (`inside`, `matched`), so a block's identity is
worked out from recorded pairs, never by comparing its forms again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence, Set

from .names import (
    MIN_WORD_LEN,
    NICKNAME_MIN_LEN,
    contained_in,
    edits,
    matches,
    near_keys,
    prefixes,
)


def _join_keys(words: tuple[str, ...]) -> list[str]:
    """Keys shared by any two forms of one length that `matches` may relate: the same
    words but one, and that one within an edit ("joe gomex"/"joe gomez")."""
    if len(words) == 1:
        return [f"n:{k}" for k in near_keys(words[0])]
    keys = []
    for i, word in enumerate(words):
        head, tail = " ".join(words[:i]), " ".join(words[i + 1:])
        keys += [f"e:{len(words)}|{head}|{k}|{tail}" for k in edits(word)]
    return keys


def _offered(words: tuple[str, ...]) -> list[str]:
    """What a form offers one-word forms: a full name its surname, other words and
    surname cuts; a one-word form its cuts ("kvara" of a bare "kvaratskhelia")."""
    if len(words) == 1:
        return [f"c:{p}" for p in prefixes(words[0])]
    return ([f"m:{k}" for k in near_keys(words[-1])]
            + [f"w:{w}" for w in sorted(set(words[:-1])) if len(w) >= MIN_WORD_LEN]
            + [f"c:{p}" for p in prefixes(words[-1])])


def _sought(word: str) -> list[str]:
    """What a one-word form looks for among full names."""
    keys = [f"m:{k}" for k in near_keys(word)] + [f"w:{word}"]
    return keys + ([f"c:{word}"] if len(word) >= NICKNAME_MIN_LEN else [])


_NONE: Mapping[str, int] = {}
_NO_ONE: Set[str] = frozenset()


class _Index:
    """key -> forms. Most keys (one-edit variants) hold one form: it is stored bare, not
    in a list, which keeps the garbage collector from walking a list per key - at 100k
    claims that walk was a third of the grouping time."""

    __slots__ = ("_map",)

    def __init__(self) -> None:
        self._map: dict[Hashable, str | list[str]] = {}

    def add(self, key: Hashable, form: str) -> None:
        held = self._map.get(key)
        if held is None:
            self._map[key] = form
        elif isinstance(held, str):
            self._map[key] = [held, form]
        else:
            held.append(form)

    def get(self, key: Hashable) -> Sequence[str]:
        held = self._map.get(key, ())
        return (held,) if isinstance(held, str) else held


class Blocks:
    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._parent: list[int] = []
        self._size: list[int] = []
        self._joinable = _Index()  # join key -> forms holding it
        self._surnamed = _Index()  # (surname key, words) -> full names
        self._lengths: set[int] = set()  # how many words full names have had
        self._cross: dict[str, dict[str, int]] = {}  # one-word form -> forms it may stand for
        self._crossed_by: dict[str, set[str]] = {}  # the same links, from the other end
        self._offers = _Index()  # cross key -> forms offering it
        self._seekers = _Index()  # cross key -> one-word forms seeking it
        self._inside: dict[str, dict[str, int]] = {}  # form -> forms it is part of: tier
        self._matched: dict[str, dict[str, int]] = {}  # form -> forms it matches: kind

    def __len__(self) -> int:
        return len(self._ids)

    def block_of(self, form: str) -> int:
        return self._find(self._ids[form])

    def add(self, form: str) -> tuple[int, list[tuple[int, int]], set[str]]:
        """Add a new form. Returns its block, the merges it caused in order as (absorbed,
        surviving) blocks, and the one-word forms whose cross links grew (the form itself
        when it is one word)."""
        if form in self._ids:
            raise ValueError(f"form {form!r} added twice")
        words = tuple(form.split())
        me = len(self._parent)
        self._ids[form] = me
        self._parent.append(me)
        self._size.append(1)
        merges: list[tuple[int, int]] = []
        kin: list[Iterable[str]] = []
        for key in _join_keys(words):
            kin.append(self._joinable.get(key))
            self._joinable.add(key, form)
        if len(words) > 1:  # a shorter or longer full name with a close surname
            for key in near_keys(words[-1]):
                kin.extend(self._surnamed.get((key, n)) for n in self._lengths if n != len(words))
                self._surnamed.add((key, len(words)), form)
            self._lengths.add(len(words))
        for other in {g for group in kin for g in group}:
            if self._relate(form, words, other, tuple(other.split())):
                self._union(me, self._ids[other], merges)
        seeking: set[str] = set()
        for key in _offered(words):
            self._offers.add(key, form)
            seeking.update(self._seekers.get(key))
        # Cross links only ever grow: the new form is added to the links already worked
        # out, never by working them out again (a bare "Garcia" has a hundred).
        linked: set[str] = set()
        for single in seeking:
            tier = contained_in((single,), words)
            if tier is not None:
                linked.add(single)
                self._link(single, form, tier)
        if len(words) == 1:
            self._cross[form] = {}
            for key in _sought(words[0]):
                self._seekers.add(key, form)
                for g in self._offers.get(key):  # its links to the forms already here
                    tier = contained_in(words, tuple(g.split()))
                    if tier is not None:
                        self._link(form, g, tier)
            linked.add(form)
        return self._find(me), merges, linked

    def _link(self, single: str, form: str, tier: int) -> None:
        self._cross[single][form] = tier
        self._crossed_by.setdefault(form, set()).add(single)

    def _relate(self, f: str, fw: tuple[str, ...], g: str, gw: tuple[str, ...]) -> bool:
        """Record how two forms relate, once, when the second of them arrives."""
        related = False
        kind = matches(fw, gw)
        if kind is not None:
            self._matched.setdefault(f, {})[g] = kind
            self._matched.setdefault(g, {})[f] = kind
            related = True
        for a, aw, b, bw in ((f, fw, g, gw), (g, gw, f, fw)):
            tier = contained_in(aw, bw)
            if tier is not None:
                self._inside.setdefault(a, {})[b] = tier
                related = True
        return related

    def inside(self, form: str) -> Mapping[str, int]:
        """The forms of its block that this form is a partial of, with the tier."""
        return self._inside.get(form, _NONE)

    def matched(self, form: str) -> Mapping[str, int]:
        """The forms of its block that `names.matches` this one, with the kind."""
        return self._matched.get(form, _NONE)

    def cross(self, single: str) -> Mapping[str, int]:
        """The forms a one-word form may stand for, with the tier of each link (worked
        out when the form arrives, then kept up as the forms it may stand for arrive)."""
        return self._cross[single]

    def seekers(self, form: str) -> Set[str]:
        """The one-word forms whose cross links reach this form."""
        return self._crossed_by.get(form, _NO_ONE)

    def _find(self, form_id: int) -> int:
        parent = self._parent
        root = form_id
        while parent[root] != root:
            root = parent[root]
        while parent[form_id] != root:  # path compression
            parent[form_id], form_id = root, parent[form_id]
        return root

    def _union(self, a: int, b: int, merges: list[tuple[int, int]]) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]
        merges.append((rb, ra))
