"""Players: recognising the people an article names, and telling players from the rest.

There is no player database. A person is a run of capitalised words ("Kobbie Mainoo",
"Randal Kolo Muani", "Gianluca Di Marzio") that is not a club, a place, a competition or
a cited source. Mentions are grouped into `Person`s: a surname alone ("Thuram"), a first
name alone ("Theo") or a nickname ("Kvara") joins the full name the article uses, the
nearest one when two players share a surname (Marcus and Khéphren Thuram).

A person is *staff*, never a player, when the text gives them a staff role ("il ds
Igli Tare", "Andrea Berta, direttore sportivo", "la lista di Giovanni Manna", "il Milan
di Allegri", "piace a Tare"), when they do a director's work ("Fabiani ha inviato
un'offerta"), or when they are in the packaged list of well-known coaches, directors,
agents and journalists (`data/names.yaml`). Nicknames ("Kvara", "il Cholito") come
from the registry's nicknames file and stand for the player's full name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.text import alternation

from .sentences import Article, fold

DATA = Path(__file__).with_name("data") / "names.yaml"
# nicknames of current players, joined to the registry (pipeline/registry/data)
NICKNAMES = Path(__file__).parents[1] / "registry" / "data" / "nicknames.yaml"

# Capitalised words that start sentences but never names.
_STOPWORD_TEXT = """
il lo la i gli le l un uno una un' e ed o ma per con da dal dalla dallo dai dagli dalle
di del della dello dei degli delle a al alla allo ai agli alle in nel nella nello nei
negli nelle su sul sulla sullo sui sugli sulle tra fra se non anche come secondo dopo
prima ora adesso intanto oggi ieri domani poi già qui così chi che cosa dove quando
perché mentre senza sempre tutti tutto tutte questo questa questi queste quello quella
quelli nessun nessuna nessuno niente nulla resta restano c ci si sì no mai ecco proprio
sono è era sarà stando stavolta infine inoltre invece però quindi dunque insomma alla
bomba clamoroso clamorosa esclusivo esclusiva ufficiale colpo fumata salta saltata
notizie brutte buone primo prima nuovo nuova nome idea ipotesi offerta accordo intesa
trattativa contatti sondaggio vertice summit decisivo decisiva decisivi decisive
determinanti ritorno addio colpo report breaking ultim'ora ultimora news mercato
calciomercato le trattative dalle parole benvenuto benvenuta bentornato bentornata
scambio scambi asse
"""
_STOPWORDS = frozenset(fold(w) for w in _STOPWORD_TEXT.split())

_NAME_TOKEN = re.compile(r"[^\W\d_][\w']*")
_PARTICLES = frozenset(
    {"de", "di", "da", "van", "von", "der", "den", "dos", "das", "do", "ter", "te", "el", "bin"}
)
# Lowercase particles that open a foreign surname ("de Vrij", "van Dijk", "de Ligt");
# Italian "di" and "da" are left out: mid-sentence they are prepositions ("la moglie di Rossi").
_LEADING_PARTICLES = frozenset({"de", "van", "von", "der", "den", "ter", "ten", "dos", "das", "du"})
_ELIDED = re.compile(r"^(?:l|dell|all|dall|nell|sull|un|quell|quest|c|s|n|sant|po)'", re.IGNORECASE)
_INITIAL_BEFORE = re.compile(r"(?:^|[.!?«\"“:;–—(]\s*|\n\s*)$")
# Italian puts no article before a person's name: "il Charlton", "dal Cholo" are not people
# (a club, a place, a coach's nickname).
_ARTICLE_BEFORE = re.compile(
    r"(?:\b(?:il|lo|i|gli|del|dello|dei|degli|al|allo|ai|agli|dal|dallo|dai|dagli|nel|nello|nei|negli|"
    r"sul|sullo|sui|sugli|col)\s+|\b(?:l|dell|all|dall|nell|sull)')$",
)
# A name in these positions is mentioned in passing, not as the subject of a move: the
# buying club's own squad ("un'alternativa a X", "il vice di X", "per sostituire X"), a
# player who left ("dopo l'addio di X"), a relative ("fratello di X" - but "il fratello X"
# introduces X himself).
_PASSING_BEFORE = re.compile(
    r"\b(?:sostituire|sostituirlo|sostituto di|rimpiazzare|"
    r"erede di|l'infortunato|dell'infortunato|ko di|"
    r"infortunio di|dopo la cessione di|dopo l'addio di|"
    r"dopo la partenza di|dopo|fratell[oi](?: (?:maggiore|minore))? di|sorella di|figlio di|"
    r"alternativ[ae](?: \w+){0,2} (?:a|ad)|(?:il |come |da |fare il )?vice(?: di)?|"
    r"concorrenza (?:a|di)|in attesa del rientro di|chiuso da|"
    r"insieme a|accanto a|"
    r"oltre a|alternarsi con|alternare con|affiancare|"
    r"dialogare con|compagno|compagni|respiro a|alle spalle di|"
    r"al posto di|coppia con|intesa tra il \w+ e|gol di|"
    r"assist di|rete di|la strada (?:già )?percorsa da)\s+$",
    re.IGNORECASE,
)

STAFF_ROLES = (
    r"allenator[ei]|tecnico|mister|ds|d\.s\.|direttor[ei](?:\s+(?:sportiv[oi]|tecnic[oi]|general[ei]|"
    r"dell'area tecnica))?|dirigent[ei]|president[ei]|vicepresidente|patron|proprietari[oa]|"
    r"amministratore delegato|a\.d\.|ceo|dg|agente|procurator[ei]|intermediari[oa]|"
    r"giornalist[ai]|esperto di mercato|insider|collega|ct|commissario tecnico|vice|"
    r"responsabile dell'area (?:tecnica|scouting)|capo scout|osservator[ei]|cholo"
)
_ROLE_GAP_WORDS = frozenset(
    {
        "del",
        "dello",
        "della",
        "dell'",
        "dei",
        "degli",
        "di",
        "d'",
        "sportivo",
        "generale",
        "tecnico",
        "esecutivo",
        "delegato",
        "nuovo",
        "ex",
        "attuale",
        "storico",
        "area",
        "dell'area",
        "scouting",
        "mercato",
        "il",
        "l'",
        "la",
        "lo",
    }
)
_STAFF_BEFORE = re.compile(
    r"\b(?:(?:lista|taccuino|scrivania|mediazione|richiesta|gerarchie|pupillo|fedelissimo|ordini|"
    r"formazione|"
    r"chiamata|idee|volontà|squadra|gruppo|sistema|scacchiere|"
    r"punti fermi|uomini|mani)\s+(?:di|del|dello|della)|"
    r"allenat[oa] da|guidat[oa] da|a disposizione di|agli ordini di|(?:piace|piacerebbe|piaceva|"
    r"piacciono|gradito|graditi)(?:\s+(?:molto|tanto|parecchio|anche))?\s+(?:a|ad))\s+$",
    re.IGNORECASE,
)
_STAFF_AFTER = re.compile(
    r"^\s+(?:(?:ha|avrebbe|hanno|avrebbero)\s+(?:già\s+|anche\s+|poi\s+)?(?:effettuato|avviato|aperto|"
    r"inviato|presentato|avuto un(?:\s+nuovo)? (?:contatto|colloquio)|chiesto informazioni|"
    r"individuato|contattato|sondato|incontrato|ricevuto|"
    r"fissato|chiesto alla (?:dirigenza|società)|"
    r"indicato|sottoposto alla)|in conferenza|ai microfoni|"
    r"(?:pensa|punta|lavora)\s+(?:a|ad|per)\s+[A-Z]|"
    r"(?:vuole|sogna|insegue|chiede|blinda|non molla)\s+[A-Z])",
)


@dataclass
class NameMention:
    start: int
    end: int
    surface: str
    tokens: tuple[str, ...]  # folded
    passing: bool = False  # named in passing: "per sostituire l'infortunato Pavlović"


@dataclass
class Person:
    key: str  # folded full name: the player_key
    display: str
    tokens: tuple[str, ...]
    mentions: list[NameMention] = field(default_factory=list)
    staff: bool = False

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


@dataclass(frozen=True)
class NameLists:
    people: frozenset[str]  # folded full names of non-players
    people_surnames: frozenset[str]
    not_people: re.Pattern[str]
    nicknames: dict[str, str]  # folded nickname -> full name


@lru_cache(maxsize=1)
def name_lists() -> NameLists:
    with open(DATA, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    people = frozenset(" ".join(fold(p).split()) for p in data["people"])
    surnames = frozenset(p.split()[-1] for p in people if len(p.split()) > 1)
    pattern = re.compile(r"(?<!\w)" + alternation(fold(p) for p in data["not_people"])
                         + r"(?!\w)")
    with open(NICKNAMES, encoding="utf-8") as fh:
        registry_names = yaml.safe_load(fh) or {}
    nicknames = {
        fold(nick): entry["name"]
        for entry in registry_names.get("players", [])
        for nick in entry.get("nicknames", [])
    }
    return NameLists(people, surnames, pattern, nicknames)


def _blocked_offsets(article: Article, blocked: Iterable[tuple[int, int]]) -> set[int]:
    lists = name_lists()
    spans = list(blocked)
    for m in lists.not_people.finditer(article.folded):
        spans.append((m.start(), m.end()))
    return {i for a, b in spans for i in range(a, b)}


def _runs(article: Article, blocked: set[int]) -> list[list[tuple[int, int]]]:
    """Runs of capitalised tokens (with name particles inside), split at blocked text."""
    text = article.text
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    pending_particle = False
    lead: tuple[int, int] | None = None  # "de Vrij", "van Dijk": a particle opening a name
    last_end = -1
    for m in _NAME_TOKEN.finditer(text):
        word = m.group(0)
        if not current and lead is None and word.islower() and "'" not in word \
                and word not in _LEADING_PARTICLES:
            # a lowercase word ("ha", "presentato") outside a name leaves nothing to end
            # or to open: most words of an article, skipped before any other test
            continue
        start, end = m.start(), m.end()
        elided = _ELIDED.match(word)
        if elided and word[elided.end() :][:1].isupper():
            start += elided.end()
            word = word[elided.end() :]
        gap = text[last_end:start] if last_end >= 0 else ""
        joined = current and (gap in (" ", "-") or (pending_particle and gap == " "))
        capital = word[:1].isupper() and not (word.isupper() and len(word) > 2)
        if capital and start not in blocked:
            if not joined and current:
                runs.append(current)
                current = []
            if not current and lead is not None and gap == " ":
                current.append(lead)
            current.append((start, end))
            pending_particle = False
            lead = None
        elif not current and word in _LEADING_PARTICLES and start not in blocked:
            lead = (start, end)
        elif current and word.lower() in _PARTICLES and gap == " " and not pending_particle:
            pending_particle = True
            last_end = end
            continue
        else:
            if current:
                runs.append(current)
            current = []
            pending_particle = False
            lead = None
        last_end = end
    if current:
        runs.append(current)
    return runs


def _is_initial(text: str, start: int) -> bool:
    return bool(_INITIAL_BEFORE.search(text[max(0, start - 3) : start]))


def find_people(
    article: Article,
    blocked: Iterable[tuple[int, int]] = (),
    is_footballer: Callable[[str], bool] | None = None,
) -> list[Person]:
    """Every person the article names, mentions grouped, staff flagged.

    A lone capitalised word opening a sentence is a name only when it is also written
    mid-sentence, or when `is_footballer` knows it ("Lucumí nel mirino del Napoli").
    """
    lists = name_lists()
    text = article.text
    blocked_set = _blocked_offsets(article, blocked)
    raw: list[tuple[int, int]] = []
    for run in _runs(article, blocked_set):
        while run and fold(text[run[0][0] : run[0][1]]) in _STOPWORDS:
            first = fold(text[run[0][0] : run[0][1]])
            if len(run) > 1 and first in _PARTICLES and not _is_initial(text, run[0][0]):
                break  # "la formazione di Di Biagio": a capital particle mid-sentence is a name's
            run = run[1:]
        if run:
            raw.append((run[0][0], run[-1][1]))
    # Words seen capitalised away from a sentence start are names wherever they occur.
    mid_words = {fold(text[s:e]) for s, e in raw if not _is_initial(text, s)}
    for s, e in raw:
        mid_words.update(fold(w) for w in text[s:e].replace("-", " ").split()[1:])
    mentions: list[NameMention] = []
    for s, e in raw:
        for part_start, part_end in _split_hyphens(text, s, e, raw, is_footballer):
            part = text[part_start:part_end]
            tokens = tuple(fold(part).replace("-", " ").split())
            if not tokens:
                continue
            if (
                len(tokens) == 1
                and _is_initial(text, part_start)
                and tokens[0] not in mid_words
                and tokens[0] not in lists.nicknames
                and not (is_footballer and is_footballer(part))
            ):
                continue
            if len(tokens) == 1 and len(tokens[0]) < 3:
                continue
            before = text[max(0, part_start - 40) : part_start]
            if _ARTICLE_BEFORE.search(before):
                continue
            passing = bool(_PASSING_BEFORE.search(before))
            mentions.append(NameMention(part_start, part_end, part, tokens, passing))
    mentions.extend(_nickname_mentions(article, lists, blocked_set))
    mentions.sort(key=lambda m: m.start)
    _pass_along_lists(text, mentions)
    people = _group(mentions, lists)
    _flag_staff(article, people, lists)
    _name_siblings(text, people)
    return people


_SIBLING_BEFORE = re.compile(
    r"\b(?:il|suo|del|al|dal|col|per il)\s+fratell[oi](?:\s+(?:minore|maggiore|gemello))?\s+$",
    re.IGNORECASE,
)


def _name_siblings(text: str, people: list[Person]) -> None:
    """ "Lucas Hernández ... il fratello Theo": a brother named by his first name shares
    the surname of the player named before him (and is not that player)."""
    full = [(m.start, p) for p in people for m in p.mentions if len(m.tokens) > 1 and not p.staff]
    taken = {p.key for p in people}
    for person in people:
        if len(person.tokens) != 1:
            continue
        first = min(person.mentions, key=lambda m: m.start)
        if not _SIBLING_BEFORE.search(text[max(0, first.start - 30) : first.start]):
            continue
        before = [p for start, p in sorted(full, key=lambda x: x[0]) if start < first.start]
        if not before:
            continue
        surname_display = before[-1].display.split()[-1]
        surname = before[-1].tokens[-1]
        new_key = f"{person.tokens[0]} {surname}"
        if new_key in taken:
            continue
        person.key, person.tokens = new_key, (person.tokens[0], surname)
        person.display = f"{person.display} {surname_display}"


def _pass_along_lists(text: str, mentions: list[NameMention]) -> None:
    """ "un'alternativa a Rossi e Bianchi": every name of a list after a passing position
    is in passing."""
    for previous, current in zip(mentions, mentions[1:], strict=False):
        gap = text[previous.end : current.start]
        if previous.passing and re.fullmatch(r"\s*(?:,|e|ed|o|oppure|né)\s*", gap):
            current.passing = True


def _split_hyphens(
    text: str,
    s: int,
    e: int,
    raw: list[tuple[int, int]],
    is_footballer: Callable[[str], bool] | None = None,
) -> list[tuple[int, int]]:
    """ "Koopmeiners-Éderson" is two players when each side also stands alone somewhere,
    or when the registry knows each side and not the whole ("Dovbyk-Gimenez");
    "Milinković-Savić" is one surname."""
    surface = text[s:e]
    if "-" not in surface:
        return [(s, e)]
    if (
        is_footballer
        and not is_footballer(surface)
        and all(piece.strip() and is_footballer(piece) for piece in surface.split("-"))
    ):
        parts, pos = [], s
        for piece in surface.split("-"):
            parts.append((pos, pos + len(piece)))
            pos += len(piece) + 1
        return parts
    elsewhere = {fold(text[a:b]) for a, b in raw if "-" not in text[a:b]}
    parts, pos = [], s
    for piece in surface.split("-"):
        parts.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    if any(
        fold(text[a:b]).split()[-1:]
        and fold(text[a:b]) in elsewhere
        or any(fold(text[a:b]) in fold(text[x:y]).split() for x, y in raw if "-" not in text[x:y])
        for a, b in parts
    ):
        return parts
    return [(s, e)]


@lru_cache(maxsize=4)
def _nickname_pattern(nicknames: tuple[str, ...]) -> re.Pattern[str]:
    """Every nickname in one pass; a lookahead, so "il cholito" and the "cholito" inside
    it are both found, as separate searches would find them."""
    return re.compile(rf"(?<!\w)(?=({alternation(nicknames)})(?!\w))")


def _nickname_mentions(article: Article, lists: NameLists, blocked: set[int]) -> list[NameMention]:
    out: list[NameMention] = []
    if not lists.nicknames:
        return out
    for m in _nickname_pattern(tuple(lists.nicknames)).finditer(article.folded):
        start, end = m.start(), m.start() + len(m.group(1))
        if start in blocked or not article.text[start:end].strip()[-1:].isalpha():
            continue
        full = lists.nicknames[m.group(1)]
        out.append(NameMention(start, end, article.text[start:end], tuple(fold(full).split())))
    return out


def _group(mentions: list[NameMention], lists: NameLists) -> list[Person]:
    people: dict[str, Person] = {}
    full = [m for m in mentions if len(m.tokens) > 1]
    for m in full:
        k = " ".join(m.tokens)
        if not any(
            k != other and _contains(other.split(), m.tokens)
            for other in (" ".join(f.tokens) for f in full)
        ):
            person = people.setdefault(k, Person(k, m.surface, m.tokens))
            if (
                len(m.surface) > len(person.display)
                or person.display.isascii()
                and not m.surface.isascii()
                and len(m.surface) == len(person.display)
            ):
                person.display = m.surface
    for m in mentions:
        owners = [p for p in people.values() if _contains(p.tokens, m.tokens)]
        if not owners:
            k = " ".join(m.tokens)
            person = people.setdefault(k, Person(k, m.surface, m.tokens))
            person.mentions.append(m)
            continue
        if len(owners) > 1:  # same surname: the full name written nearest before, else after

            def distance(p: Person, m: NameMention = m) -> tuple[int, int]:
                starts = [x.start for x in p.mentions if len(x.tokens) > len(m.tokens)] or [
                    x.start for x in full if x.tokens == p.tokens
                ]
                before = [m.start - s for s in starts if s <= m.start]
                return (0, min(before)) if before else (1, min(s - m.start for s in starts))

            owners.sort(key=distance)
        owners[0].mentions.append(m)
    return [p for p in people.values() if p.mentions]


def _contains(tokens: tuple[str, ...] | list[str], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(tuple(tokens[i : i + n]) == tuple(part) for i in range(len(tokens) - n + 1))


def _flag_staff(article: Article, people: list[Person], lists: NameLists) -> None:
    text = article.text
    role_before = re.compile(
        rf"\b(?:{STAFF_ROLES})\b((?:[\s,]+[\w']+){{0,4}}?)[\s,]+$", re.IGNORECASE
    )
    role_after = re.compile(
        rf"^\s*,\s*(?:(?:il|l'|lo|la|ex|attuale|nuovo)\s+)?(?:{STAFF_ROLES})\b", re.IGNORECASE
    )
    # words that may stand between a role and a name: club names and colour adjectives
    # ("il ds rossonero Igli Tare", "il direttore sportivo del Napoli, Giovanni Manna")
    club_words = re.compile(
        r"^(?:[A-Z][\w'-]*|\w*(?:ross|ner|bianc|giall|azzurr|celest|viola|granata|blu|verd|"
        r"grigi|rosa|turc|ingles|tedesc|spagnol|frances|bavares|partenope)\w*)$"
    )
    ends = {(n.split()[0], n.split()[-1]) for n in lists.people if len(n.split()) > 1}
    for person in people:
        if (
            person.key in lists.people
            or (len(person.tokens) == 1 and person.tokens[0] in lists.people_surnames)
            # "Diego Pablo Simeone" is the listed Diego Simeone
            or (len(person.tokens) > 2 and (person.tokens[0], person.tokens[-1]) in ends)
        ):
            person.staff = True
            continue
        for m in person.mentions:
            before = text[max(0, m.start - 60) : m.start]
            after = text[m.end : m.end + 60]
            if (
                _STAFF_BEFORE.search(before)
                or _STAFF_AFTER.search(after)
                or role_after.search(after)
            ):
                person.staff = True
                break
            rb = role_before.search(before)
            if rb:
                gap = rb.group(1).replace(",", " ").split()
                if all(fold(w) in _ROLE_GAP_WORDS or club_words.match(w) for w in gap):
                    person.staff = True
                    break
            # "il Milan di Allegri": a club followed by "di NAME" is the coach's team
            if re.search(r"\b(?:il|la|l')\s*[A-Z][\w'-]+\s+di\s+$", before) and len(m.tokens) == 1:
                person.staff = True
                break
