"""Relays: whose report an article passes on ("secondo quanto riportato da X").

Owns `KnownSource` (an outlet or journalist of sources.yaml), `SourceMatcher` (a cited
name -> the known source it means: exact on name or alias, case- and
diacritic-insensitive, then a safe fuzzy match) and `find_relays`, which returns every
relay of an article with the span of the cited name.

A relay is either a relay cue followed by a name ("come scrive La Gazzetta dello Sport",
"stando a Marca", "anticipata questa mattina da MercatoBussola", "lo rivela il Taccuino
del Mercato", "secondo il quotidiano turco Fanatik"), or the plain mention of a known
source. "Secondo il sito" / "scrive il quotidiano tedesco" point back to the last relay.
An outlet citing itself ("secondo quanto risulta al Taccuino del Mercato" on the
Taccuino's own site, "la nostra redazione") is marked `own` and is not a relay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from pipeline.text import alternation

from .sentences import Article, fold, key


@dataclass(frozen=True)
class KnownSource:
    """An outlet or journalist from sources.yaml."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "outlet"  # or "journalist"


@dataclass(frozen=True)
class Relay:
    start: int  # span of the cited name (or of the cue, for an anaphoric relay)
    end: int
    written: str  # the name as the article writes it
    cites: str  # canonical name when known, else as written
    cites_id: str | None
    own: bool  # the outlet citing itself: not a relay


_ARTICLES = {"il", "lo", "la", "l", "i", "gli", "le", "the"}
# Words too common in outlet names to identify one on their own.
_GENERIC = {
    "calcio",
    "mercato",
    "calciomercato",
    "sport",
    "sports",
    "news",
    "notizie",
    "giornale",
    "quotidiano",
    "sito",
    "it",
    "com",
    "net",
    "eu",
    "tv",
    "radio",
    "live",
    "online",
    "web",
    "del",
    "della",
    "dello",
    "di",
    "e",
    "&",
    "italia",
    "italy",
    "football",
    "fc",
}


def _tokens(name: str) -> list[str]:
    return [t for t in key(name).split() if t not in _ARTICLES]


class SourceMatcher:
    """Maps a cited name to a known source."""

    def __init__(self, sources: Sequence[KnownSource]):
        self.sources = list(sources)
        self._exact: dict[str, KnownSource] = {}
        for s in self.sources:
            for form in (s.name, *s.aliases):
                toks = _tokens(form)
                self._exact.setdefault(" ".join(toks), s)
                self._exact.setdefault("".join(toks), s)
        forms = {fold(f) for s in self.sources for f in (s.name, *s.aliases) if len(f) > 2}
        self.pattern = (
            re.compile(r"(?<!\w)" + alternation(forms) + r"(?!\w)") if forms else None
        )

    def match(self, cited: str) -> KnownSource | None:
        toks = _tokens(cited)
        if not toks:
            return None
        hit = self._exact.get(" ".join(toks)) or self._exact.get("".join(toks))
        if hit:
            return hit
        distinctive = [t for t in toks if t not in _GENERIC and len(t) >= 4]
        best: tuple[float, KnownSource] | None = None
        for s in self.sources:
            for form in (s.name, *s.aliases):
                ftoks = _tokens(form)
                # "il Taccuino" for "Il Taccuino del Mercato": every cited word is in the name
                # and at least one of them identifies it
                if distinctive and set(toks) <= set(ftoks):
                    return s
                score = fuzz.ratio("".join(toks), "".join(ftoks))
                if score >= 90 and (best is None or score > best[0]):
                    best = (score, s)
        return best[1] if best else None


_PREP = (
    r"(?:da|dal|dalla|dallo|dall'|dai|dagli|dalle|a|al|alla|allo|all'|ai|agli|di|del|della|"
    r"dello|dell'|su|sul|sulla)"
)
_CUE = re.compile(
    r"\b(?:secondo\s+quanto\s+(?:riportato|riferito|scritto|rivelato|raccolto|appreso|anticipato|pubblicato|"
    r"spiegato|svelato|risulta)\s+"
    + _PREP
    + r"|secondo\s+le\s+informazioni\s+(?:raccolte|in\s+possesso)\s+"
    + _PREP
    + r"|secondo|come\s+(?:(?:ha\s+)?(?:scrive|scritto|riporta|riportato|riferisce|riferito|"
    r"rivela|rivelato|"
    r"anticipa|anticipato|annunciato|spiega|sottolinea|racconta|svela|evidenzia|sostiene|aggiunge|conferma|"
    r"confermato|reso\s+noto|segnala|appreso|raccolto|precisa|assicura|rilanciato|lanciato|svelato)(?:\s+"
    + _PREP
    + r")?)|stando\s+a(?:\s+quanto\s+(?:scrive|riporta|riferisce|rivela|raccolto\s+da|"
    r"appreso\s+da|riportato\s+da))?"
    r"|a\s+quanto\s+(?:apprende|riporta|scrive|riferisce|risulta\s+" + _PREP + r")"
    # (reflexive, no relay: "il Genoa si assicura Rossi", "Rossi si conferma decisivo")
    r"|(?<!\bsi\s)(?:lo\s+|la\s+|l')?(?:rivela|riporta|scrive|riferisce|rilancia|racconta|svela|conferma|"
    r"assicura|sostiene)"
    r"|(?:anticipat|riportat|rivelat|lanciat|svelat|annunciat|raccontat)[oaie](?:\s+\w+){0,3}?\s+"
    + _PREP
    + r")"
    r"(?=\s|')",
    re.IGNORECASE,
)
# Words every relay cue holds (lowercased): "secondo", "come" ("come riporta"), "stando",
# "quanto" ("a quanto risulta") or the stem of its verb ("rivela", "riportato", "lo
# scrive"). An article holding none cites nobody by a cue, and the cue pattern, tried at
# every word, is most of reading an article's relays.
_CUE_WORDS = (
    "secondo", "come", "stando", "quanto", "rivel", "riport", "scriv", "riferisc", "rilanc",
    "raccont", "svel", "conferm", "assicur", "sostien", "anticipat", "lanciat", "annunciat",
)
# code points that match an ASCII letter ignoring case but do not lower to it (dotted and
# dotless I, long s): an article holding one is searched without the word test
_ODD_CASE = frozenset("\u0130\u0131\u017f")


def _may_cite(text: str) -> bool:
    """False only when no relay cue can be found in text."""
    if not _ODD_CASE.isdisjoint(text):
        return True
    lowered = text.lower()
    return any(w in lowered for w in _CUE_WORDS)


_DESCRIPTOR = re.compile(
    r"^(?:\s*(?-i:il|lo|la|l'|i|gli|le)\b)?\s*(?:(?:quotidian[oi]|giornal[ei]|sit[oi]|portale|testata|emittente|tabloid|"
    r"giornalista|esperto\s+di\s+mercato|insider|collega|radio|tv|rivista|settimanale|agenzia|media)\b"
    r"(?:\s+(?:sportiv[oi]|turco|tedesco|inglese|spagnolo|francese|argentino|brasiliano|portoghese|olandese|"
    r"saudita|americano|statunitense|belga|greco|svizzero|austriaco|romano|milanese|torinese|napoletano|"
    r"britannico|catalano|madrileno|locale|specializzato|online|di\s+mercato|d'oltremanica|iberico))*)?\s*",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"(?:[\w-]+\.(?:it|com|net|eu|es|de|fr|co\.uk|org|tv)\b)"
    r"|(?:(?:[A-ZÀ-ÖØ-Þ][\w'.&-]*|&)(?:\s+(?:(?:dello|della|del|di|de|dos|e|&|the|of)\s+)?(?:[A-ZÀ-ÖØ-Þ][\w'.&-]*|&))*)"
)
_OWN = re.compile(
    r"nostr[aoie]|ci risulta|redazione|in esclusiva|le nostre fonti|fonti vicine|\bnoi\b",
    re.IGNORECASE,
)
_NOT_A_SOURCE_AFTER_SECONDO = re.compile(
    r"^\s*(?:quanto|le\s+nostre|la\s+nostra|alcun|cui|me\b|noi\b|fonti|indiscrezion|"
    r"voci|tempo|tempo|posto|piano|anno|giorno|turno|gol)",
    re.IGNORECASE,
)
_ANAPHORIC = re.compile(
    r"^\s*(?:il|lo|la|l')?\s*(?:sit[oi]|quotidian[oi]|giornal[ei]|portale|testata|tabloid|"
    r"emittente|media)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=8)
def _matcher(known: tuple[KnownSource, ...]) -> SourceMatcher:
    """One matcher per set of known sources: every article of a pass cites from the same
    sources, and building the matcher (folding every name, compiling the pattern) cost
    more than reading an article's relays."""
    return SourceMatcher(known)


def find_relays(
    article: Article,
    known: Sequence[KnownSource],
    outlet_id: str | None,
    blocked: Sequence[tuple[int, int]] = (),
) -> list[Relay]:
    """Every relay of the article, in order, own-outlet ones marked `own`.

    `blocked` spans (clubs) are never taken as a cited name.
    """
    matcher = _matcher(tuple(known))
    text = article.text
    blocked_at = {i for a, b in blocked for i in range(a, b)}
    relays: dict[int, Relay] = {}

    def add(start: int, end: int, written: str) -> None:
        hit = matcher.match(written)
        if hit:
            relays[start] = Relay(start, end, written, hit.name, hit.id, hit.id == outlet_id)
        else:
            relays[start] = Relay(start, end, written, written, None, False)

    for m in _CUE.finditer(text) if _may_cite(text) else ():
        rest = text[m.end() :]
        if m.group(0).lower() == "secondo" and _NOT_A_SOURCE_AFTER_SECONDO.match(rest):
            continue
        d = _DESCRIPTOR.match(rest)
        pos = m.end() + (d.end() if d else 0)
        name = _NAME.match(text, pos)
        if _OWN.match(rest.lstrip()) or _OWN.search(text[m.start() : pos + 20]) and not name:
            relays[m.start()] = Relay(m.start(), m.end(), m.group(0), "", None, True)
            continue
        if name and name.start() not in blocked_at:
            written = _trim_name(name.group(0))
            add(name.start(), name.start() + len(written), written)
        elif _ANAPHORIC.match(rest):
            previous = [r for r in relays.values() if r.start < m.start() and not r.own]
            if previous:
                last = max(previous, key=lambda r: r.start)
                relays[m.start()] = Relay(
                    m.start(), m.end(), last.written, last.cites, last.cites_id, False
                )
    if matcher.pattern:
        for m in matcher.pattern.finditer(article.folded):
            if m.start() in relays or any(r.start <= m.start() < r.end for r in relays.values()):
                continue
            written = text[m.start() : m.end()]
            if not _looks_like_a_name(written):
                continue  # "il centravanti romano" is not Fabrizio Romano
            add(m.start(), m.end(), text[m.start() : m.end()])
    return sorted(relays.values(), key=lambda r: r.start)


def _looks_like_a_name(written: str) -> bool:
    """A source named in plain text is capitalised, or is a web address or a handle."""
    return written[:1].isupper() or not written[:1].isalpha() or "." in written


def _trim_name(name: str) -> str:
    # a name ends before sentence punctuation glued to it ("Marca." -> "Marca")
    name = name.rstrip(".'&- ")
    words = name.split()
    while words and words[-1].lower() in {"e", "&", "del", "della", "dello", "di", "the", "of"}:
        words.pop()
    return " ".join(words)


def club_source(known: Sequence[KnownSource], resolve: Callable[[str], str | None]
                ) -> dict[str, KnownSource]:
    """Known sources that are a club's own site, by club id ("AC Milan" -> milan).

    `resolve` maps a plain name to a club id (ClubIndex.lookup). The same sources and
    resolver give the same answer: it is kept (a pass asks it once per article); callers
    must not change the mapping returned.
    """
    return _club_source(tuple(known), resolve)


@lru_cache(maxsize=8)
def _club_source(known: tuple[KnownSource, ...], resolve: Callable[[str], str | None]
                 ) -> dict[str, KnownSource]:
    out: dict[str, KnownSource] = {}
    for s in known:
        for form in (s.name, *s.aliases):
            cid = resolve(form)
            if cid:
                out.setdefault(cid, s)
                break
    return out
