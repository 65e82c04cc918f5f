"""Player names as grouping compares them, knowing nothing of clubs or articles:

* `name_key` folds a name to lowercase ASCII words ("Dušan Vlahović" -> "dusan vlahovic",
  "Kjær" -> "kjaer": `pipeline.text.fold`), so diacritics never separate two spellings.
* `close`: two name *words* are one word misspelt (rapidfuzz's OSA distance, a swap of
  neighbours one edit). Words of 6+ letters may be one edit apart ("Zirkzee"/"Zirkze",
  "Vlahović"/"Vlahovich", "Markus"/"Marcus"); shorter ones only by a swap ("Jhon"/
  "John"), as one edit there is usually another real name ("Koné"/"Kane", "Kean"/"Kane",
  "Rossi"/"Russo", "Gomez"/"Gomes", "Luca"/"Lucas"); never two edits ("Ilić"/"Iličić",
  "Martins"/"Martinez"): a journalist's slip is one key.
* `matches`: two forms of as many words differing in one. CLOSE when that word is
  `close` ("markus thuram"/"marcus thuram"); SLIP when it is one edit of a short word
  ("joe gomex"/"joe gomez"), which identity accepts only with a shared club. A different
  first name is another player: "marcus thuram"/"khephren thuram" never match.
* `contained_in`: a form is a *partial* of a fuller one, with a tier: EXACT ("thuram" in
  "marcus thuram", "kolo muani" in "randal kolo muani", "lautaro" in "lautaro
  martinez", "jhon lucumi" in "jhon janer lucumi"); FUZZY for a misspelt surname
  ("zirkze" in "joshua zirkzee") or a nickname cut, its first 4+ letters ("kvara" ->
  "kvaratskhelia"). Other nicknames ("la Joya") are the claims extractor's job.

The surname is the last word: Italian copy writes first name then surname, and compound
surnames keep their last word ("Kolo Muani", "Milinković-Savić"). `near_keys` and
`prefixes` are the keys that find every pair these rules relate without comparing all.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from pipeline.text import fold

FUZZY_MIN_LEN = 6  # words this long may carry one slip
NICKNAME_MIN_LEN = 4  # "Kvara", "Vlaho": shorter cuts ("Kva") are not names anyone uses
MIN_WORD_LEN = 3  # a bare word shorter than this ("de", "jr") identifies nobody

EXACT, FUZZY = 0, 1  # tiers of `contained_in`: lower is surer
CLOSE, SLIP = 0, 1  # kinds of `matches`

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Lowercase ASCII words separated by one space: "N'Dicka" -> "n dicka"."""
    return " ".join(_NOT_ALNUM.sub(" ", fold(text)).split())


def usable(tokens: tuple[str, ...]) -> bool:
    """Whether a form can name a player at all (a lone "de" or "jr" cannot)."""
    return bool(tokens) and (len(tokens) > 1 or len(tokens[0]) >= MIN_WORD_LEN)


@lru_cache(maxsize=262144)
def close(a: str, b: str) -> bool:
    """The same word, or one slip of it (thresholds in the module docstring)."""
    if a == b:
        return True
    if min(len(a), len(b)) >= FUZZY_MIN_LEN:
        return OSA.distance(a, b, score_cutoff=1) <= 1
    return len(a) == len(b) and sorted(a) == sorted(b) and OSA.distance(a, b, score_cutoff=1) <= 1


@lru_cache(maxsize=65536)
def near_keys(word: str) -> tuple[str, ...]:
    """Keys that any two `close` words share: the word and its one-letter deletions when
    long enough to carry a slip, else its sorted letters (adjacent swaps keep them)."""
    if len(word) >= FUZZY_MIN_LEN:
        return edits(word)
    return ("".join(sorted(word)),)


@lru_cache(maxsize=65536)
def prefixes(word: str) -> tuple[str, ...]:
    """The cuts of a surname a nickname may be: its proper prefixes of 4+ letters."""
    return tuple(word[:n] for n in range(NICKNAME_MIN_LEN, len(word)))


def is_nickname(short: str, word: str) -> bool:
    return NICKNAME_MIN_LEN <= len(short) < len(word) and word.startswith(short)


@lru_cache(maxsize=65536)
def edits(word: str) -> tuple[str, ...]:
    """The word and its one-letter deletions: any two words one edit apart share one."""
    return tuple(sorted({word} | {word[:i] + word[i + 1:] for i in range(len(word))}))


def matches(f: tuple[str, ...], g: tuple[str, ...]) -> int | None:
    """CLOSE or SLIP when two forms of one length differ in one word (see above), else None."""
    if len(f) != len(g) or f == g:
        return None
    diff = [i for i in range(len(f)) if f[i] != g[i]]
    if len(diff) != 1:
        return None
    a, b = f[diff[0]], g[diff[0]]
    if close(a, b):
        return CLOSE
    if len(f) > 1 and OSA.distance(a, b, score_cutoff=1) <= 1:
        return SLIP
    return None


def contained_in(f: tuple[str, ...], g: tuple[str, ...]) -> int | None:
    """The tier at which form `f` is a partial of the fuller form `g`, or None."""
    if len(f) >= len(g) and not (len(f) == len(g) == 1):
        return None
    if len(f) == 1:
        word = f[0]
        if len(g) == 1:  # a nickname of a bare surname: "kvara" in "kvaratskhelia"
            return FUZZY if is_nickname(word, g[0]) else None
        if word in g:
            return EXACT
        if close(word, g[-1]) or is_nickname(word, g[-1]):
            return FUZZY
        return None
    rest = iter(g[:-1])  # the other words in order
    if not close(f[-1], g[-1]) or not all(word in rest for word in f[:-1]):
        return None
    return EXACT if f[-1] == g[-1] else FUZZY
