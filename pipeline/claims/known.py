"""Who the people of an article are, read with the player registry.

A capitalised run of words is a *player* when

1. the registry knows the name: the full name ("Marcus Thuram"), the end of a full name
   ("Thuram", "Kolo Muani") or a nickname ("Kvara") - and, when several players share it,
   the article's clubs say which one ("Thuram ... la Juventus blinda": the Thuram who
   plays for Juventus on the article's day); or
2. the text presents an unknown person as a player: a role or an age before the name
   ("il centrocampista classe 2006 Rossi", "l'attaccante argentino Pérez", "the striker
   Smith"), an apposition after it ("Rossi, difensore del Genoa", "Rossi (classe 2005)"),
   or his club right after it ("Rossi del Venezia", "Rossi dell'Empoli").

Anyone else is not a player: places ("Marassi"), newspapers ("Secolo"), companies,
months, feed boilerplate - none is a footballer the registry knows, and none is presented
as one. A coach of the registry's clubs is staff, never a player, and so is a registry
name whose owner is far outside playing age on the article's day (an ex-player who now
coaches or directs: "Pirlo" in 2021).

What the registry tells about an identified player is kept for the claims: his id, his
canonical name (so "Gigio Donnarumma", "Donnarumma" and "Gianluigi Donnarumma" meet) and
his club on the article's day (the from-club when the text does not say it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from ..registry.index import Registry, RegPlayer, name_key
from .clubs import ClubMention
from .direction import EN_PLAYER_ROLES, NATIONALITIES, PLAYER_ROLES, epithets
from .players import Person
from .sentences import Article

# playing age: a registry name whose owner is outside it on the article's day is not a
# player being moved (juniors below, retired players - today's coaches - above)
MIN_AGE, MAX_AGE = 15, 40

_ROLE = rf"(?:{PLAYER_ROLES}|giovane|baby|under \d\d|talent\w*|promessa|gioiell\w*|esterno|ala)"
_EN_ROLE = rf"(?:{EN_PLAYER_ROLES})"
# "il centrocampista (classe 2006 | argentino | del Genoa)? NAME"
# words that end like adjectives but tie the name to something else ("il centrocampista
# biancoceleste degli anni Cinquanta" presents no one called "Cinquanta")
_NOT_EPITHET = (
    r"(?!(?:degli|dei|delle|della|dello|del|di|da|dal|dalla|dai|negli|nei|nelle|nella|anni|"
    r"che|per|con|tra|fra|sui|sugli|alle|agli|ai|gli|le|la|lo|il|una|uno|e|o|ma|si|ci|ne|"
    r"poi|già|più|anche|sempre|molto|ancora|proprio|quasi|come|dove|quando|questo|questa|"
    r"quello|quella|sono|era|ha|ho|hanno|sarà|sta|stato|stata)\b)"
)
_PRESENTED_BEFORE = re.compile(
    rf"(?:\b(?:{_ROLE})(?:\s+(?:{NATIONALITIES}|classe\s+\d{{4}}|class\s+\d{{4}}|"
    rf"(?:del|dello|della|dell'|dei)\s*[A-ZÀ-Þ][\w'-]*|di\s+proprietà\s+\w+\s+\w+|"
    rf"ex\s+[A-ZÀ-Þ][\w'-]*|{_NOT_EPITHET}[a-zà-ù]+(?:o|a|e|i))){{0,3}}"
    rf"|\b{_EN_ROLE}(?:\s+[A-Z][\w'-]*)?)\s+$",
    re.IGNORECASE,
)
# "NAME, difensore del Genoa", "NAME (classe 2005)", "NAME, 21 anni"
_PRESENTED_AFTER = re.compile(
    rf"^\s*(?:,|\(|–|-)\s*(?:(?:il|lo|la|l'|un|una|the|a)\s+)?(?:"
    rf"(?:{_ROLE})\b|classe\s+\d{{4}}|\d{{2}}\s+anni|(?:{NATIONALITIES})\s+(?:{_ROLE})|"
    rf"\d{{2}}-year-old|{_EN_ROLE}\b)",
    re.IGNORECASE,
)
_OF_CLUB = re.compile(r"^\s*(?:del|dello|della|dell'|dei|degli|of)\s*$", re.IGNORECASE)
# "NAME è un nuovo giocatore del Milan", "NAME is a Juventus player"
_IS_PLAYER = re.compile(
    r"^\s+(?:è|e'|sarà|diventa|is|becomes)\s+(?:un|il|a|the)\s+(?:nuovo\s+|new\s+)?"
    r"(?:giocatore|calciatore|acquisto|rinforzo|signing|player)\b",
    re.IGNORECASE,
)
# the name as the object of a transfer word: "Napoli torna su Keita", "il Tottenham vuole
# Rossi", "spinge per Bianchi", "sondaggio per Verdi"
_TARGETED = re.compile(
    r"(?:\b(?:torn\w*|piomb\w*|punt\w*|pens\w*|vir\w*|insist\w*|sping\w*|string\w*|"
    r"accelera\w*|affondo|assalto|offert\w*|trattativ\w*|sondaggio|contatti|interesse|"
    r"mirino|obiettivo|idea|blitz|pressing|in chiusura|chiude|rilancio)\s+(?:su|sull'|per|a|ad)|"
    r"\b(?:vuole|vogliono|prendere|acquistare|riportare|rivuole|sogna|sognano|insegue|"
    r"seguono|segue|nome di|quello di|colpo|piace|chiede|chiama|blinda|tratta|"
    r"wants?|targets?|eyes?|in talks with|bid for|move for|sign|signing of|race for))\s+$",
    re.IGNORECASE,
)
# a sentence about a team's bench: a person named there whom the registry does not know as
# a footballer is a coach ("Esonero Montella, Paulo Sousa in pole per la panchina")
_BENCH = re.compile(
    r"\b(?:panchin\w*|esoner\w*|successor\w*|guida tecnica|"
    r"nuov[oa] (?:allenatore|tecnico|mister|ct|guida)|head coach|new manager|sacked)",
    re.IGNORECASE,
)
# the article goes on about him by role, or about his agent: "... per Ian Rossi.
# L'attaccante classe 2007 ...", "Rossi per il dopo Bianchi, parla l'agente"
_ROLE_ANAPHOR = re.compile(
    rf"\b(?:il|lo|la|l'|dell'|del|della|al|all'|sull'|sul|per l'|per il|the|his)\s*(?:{_ROLE}|"
    rf"{_EN_ROLE}|classe\s+\d{{4}}|agente|ag\.|procuratore|entourage|agent)(?!\w)",
    re.IGNORECASE,
)


# The Italian adjective of a citizenship, as `direction.epithets` gives its stem ("il
# cileno" -> "cilen"): the registry's citizenships are in English.
_DEMONYMS = {
    "Albania": "albanes", "Algeria": "algerin", "Angola": "angolan", "Argentina": "argentin",
    "Armenia": "armen", "Australia": "australian", "Austria": "austriac", "Belgium": "belg",
    "Bosnia-Herzegovina": "bosniac", "Brazil": "brasilian", "Bulgaria": "bulgar",
    "Cameroon": "camerunens", "Canada": "canades", "Cape Verde": "capoverdian", "Chile": "cilen",
    "Colombia": "colombian", "Cote d'Ivoire": "ivorian", "Croatia": "croat",
    "Czech Republic": "cec", "Denmark": "danes", "DR Congo": "congoles", "Ecuador": "ecuadorian",
    "Egypt": "egizian", "England": "ingles", "Estonia": "eston", "Finland": "finlandes",
    "France": "frances", "Gabon": "gabones", "Georgia": "georgian", "Germany": "tedesc",
    "Ghana": "ghanes", "Greece": "grec", "Guinea": "guinean", "Hungary": "ungheres",
    "Iceland": "islandes", "Iran": "iranian", "Ireland": "irlandes", "Israel": "israelian",
    "Italy": "italian", "Japan": "giappones", "Kazakhstan": "kazak", "Korea, South": "corean",
    "Kosovo": "kosovar", "Latvia": "letton", "Lithuania": "lituan", "Mali": "malian",
    "Mexico": "messican", "Montenegro": "montenegrin", "Morocco": "marocchin",
    "Netherlands": "olandes", "New Zealand": "neozelandes", "Nigeria": "nigerian",
    "North Macedonia": "macedon", "Norway": "norveges", "Paraguay": "paraguaian",
    "Peru": "peruvian",
    "Poland": "polacc", "Portugal": "portoghes", "Romania": "ruman", "Russia": "russ",
    "Scotland": "scozzes", "Senegal": "senegales", "Serbia": "serb", "Slovakia": "slovacc",
    "Slovenia": "sloven", "South Africa": "sudafrican", "Spain": "spagnol", "Sweden": "svedes",
    "Switzerland": "svizzer", "Tunisia": "tunisin", "Türkiye": "turc", "Turkey": "turc",
    "Ukraine": "ucrain", "United States": "american", "Uruguay": "uruguaian",
    "Uzbekistan": "uzbek", "Venezuela": "venezuelan", "Wales": "galles",
}


@dataclass(frozen=True)
class Known:
    """What the registry says of one person of the article."""

    player: RegPlayer | None  # the registry's player, when one is identified
    footballer: bool  # a player: known to the registry, or presented as one by the text
    staff: bool  # a coach of the registry's clubs, or a registry name out of playing age
    club_then: str | None  # his club on the article's day (voci id), when identified
    # when the name fits several footballers: each, with his club on the article's day
    options: tuple[tuple[RegPlayer, str | None], ...] = ()
    # club_then surely precedes the story: it comes from a recorded move at or before the
    # story's day (a snapshot's current club may already show the move the story is about,
    # or miss a move made since)
    dated: bool = False
    # the club he joined his club of that day from (a loanee's owner), when recorded
    came_from: str | None = None
    # his owner when his club of that day is a loan: the club a move is made from
    owner: str | None = None
    # options[0] ranks above the other namesakes, by too little to name him on its own
    leads: bool = False
    # days from his recorded move to club_then to the story, when recorded
    since_move: int | None = None
    # how many of the run's last words are his name, when words glued before it are not
    # ("Sogno Griezmann", "L'articolo Lucumí": 1); None when the whole run is
    name_words: int | None = None

    def for_move(self, buyer: str, article_clubs: set[str]) -> tuple[RegPlayer | None, str | None]:
        """The player and his club of the day, for a move to `buyer`: the identified one,
        else the only namesake who plays for another club the article names ("la Juventus
        blinda Thuram, respinto l'assalto dell'Inter": not the Thuram of the Inter)."""
        if self.player is not None:
            return self.player, self.club_then
        fits = [(p, c) for p, c in self.options if c and c != buyer and c in article_clubs]
        return fits[0] if len(fits) == 1 else (None, None)


def identify(
    article: Article,
    people: list[Person],
    clubs: list[ClubMention],
    registry: Registry,
    day: dt.date | None,
) -> dict[str, Known]:
    """person.key -> what the registry (and the text) say of that person."""
    index = registry.clubs
    article_clubs = {m.club_id for m in clubs if m.club_id}
    nationalities = set(epithets(article.text, 0, len(article.text)))
    starts = sorted(
        (m.start, p.key) for p in people if not p.staff for m in p.mentions if not m.passing
    )
    out: dict[str, Known] = {}
    for person in people:
        if all(
            index.is_form(m.surface) and _dashed_to_club(article, m.start, m.end, clubs)
            for m in person.mentions
        ):
            # "Toro-Crotone": a club's nickname against a club is a fixture, whatever
            # footballer also carries the name
            out[person.key] = Known(None, False, False, None)
            continue
        presented = any(
            _presented(article, m.start, m.end, clubs)
            or _followed_by_role(article, m.end, person.key, starts)
            for m in person.mentions
        )
        targeted = any(
            _TARGETED.search(article.text[max(0, m.start - 40) : m.start])
            or _paired_with_club(article, m.start, m.end, clubs)
            for m in person.mentions
        )
        bench = any(
            _BENCH.search(article.sentence_text(article.sentence_at(m.start)))
            for m in person.mentions
        )
        # the headline's subject: "Rossi conquista tutti, ..." opens the title with him
        opens_title = any(
            m.start < article.title_end and not re.search(r"\w", article.text[: m.start])
            for m in person.mentions
        )
        out[person.key] = _identify(
            person, presented, targeted, article_clubs, nationalities, registry, day, bench,
            opens_title,
        )
    _listed_with_footballers(article, people, out, registry, day)
    return out


# between two names of a list: "Rossi, Bianchi e Verdi"
_LIST_GAP = re.compile(r"\s*(?:,|\be\b|\bed\b)\s*", re.IGNORECASE)


def _listed_with_footballers(
    article: Article,
    people: list[Person],
    out: dict[str, Known],
    registry: Registry,
    day: dt.date | None,
) -> None:
    """A footballer's name listed with footballers is a footballer too ("Rabiot, Bernat e
    altri 4": whichever Bernat, he is one of the players of the list); of his namesakes,
    the one the registry ranks first when one is ahead."""
    spans = sorted(
        (m.start, m.end, p.key) for p in people if not p.staff for m in p.mentions
    )
    changed = True
    while changed:
        changed = False
        for (_, a1, ka), (b0, _, kb) in zip(spans, spans[1:], strict=False):
            if ka == kb or not _LIST_GAP.fullmatch(article.text[a1:b0]):
                continue
            for this, other in ((ka, kb), (kb, ka)):
                k = out.get(this)
                if k is None or k.footballer or not k.options or not out[other].footballer:
                    continue
                best, club = k.options[0]
                out[this] = (
                    _identified(best, club, registry, day, k.name_words)
                    if k.leads
                    else replace(k, footballer=True)
                )
                changed = True


def _names(person: Person, registry: Registry) -> list[tuple[str, bool]]:
    """The names to look the person up by, fullest first: (name, is his whole name).
    A run's ending is tried too, so a word glued before a name ("L'articolo Lucumí",
    "Instagram da Luis Alberto") does not hide it - but not past a first name: "Luca Rossi"
    is not whichever Rossi the registry knows."""
    tokens = person.tokens
    names = [(" ".join(tokens), True)]
    for i in range(1, len(tokens)):
        if name_key(tokens[i - 1]) in registry.first_names:
            break
        names.append((" ".join(tokens[i:]), False))
    return names


def _identify(
    person: Person,
    presented: bool,
    targeted: bool,
    article_clubs: set[str],
    nationalities: set[str],
    registry: Registry,
    day: dt.date | None,
    bench: bool = False,
    opens_title: bool = False,
) -> Known:
    full_name = " ".join(person.tokens)
    candidates: list[tuple[RegPlayer, bool]] = []
    name_words = None
    for name, whole in _names(person, registry):
        found = registry.by_name(name)
        if found:
            full_ids = {p.id for p in registry.full_match(name)}
            candidates = [(p, whole and p.id in full_ids) for p in found]
            name_words = None if whole else len(name.split())
            break
    if not candidates:
        if registry.is_coach(full_name) or bench and not presented:
            return Known(None, False, True, None)  # a coach, or a bench's candidate
        # a first name and a surname the registry does not know: a person, and in a
        # transfer story most likely a young or foreign player ("Ian Subiabre")
        named = len(person.tokens) >= 2 and person.tokens[0] in registry.first_names
        return Known(None, presented or named, False, None)
    in_age = [(p, exact) for p, exact in candidates if _playing_age(p, day)]
    if not in_age:
        # every footballer of that name is a junior or retired on that day: an ex-player
        # now coaching, directing or commenting
        return Known(None, False, True, None, name_words=name_words)
    if registry.is_coach(full_name) and not any(exact for _, exact in in_age):
        return Known(None, False, True, None, name_words=name_words)
    scored = []
    for p, exact in in_age:
        club = registry.club_on(p, day)
        score = 0
        if exact:
            score += 4
        if club and club in article_clubs:
            score += 3
        if _DEMONYMS.get(p.citizenship or "") in nationalities:
            score += 3  # "Bonucci chiama Vidal: il cileno ..." is the Chilean Vidal
        if club:
            score += 1  # plays in a league voci follows
        if registry.clubs_of(p) & article_clubs - {club}:
            score += 1  # the article names a club of his career
        if registry.played_in_italy(p):
            score += 1  # the Italian press's namesake of choice: one who played in Italy
        age = p.age_on(day or dt.date.today())
        if age is not None and age > 35:
            score -= 1  # a veteran is rarely the one a move is about
        scored.append((score, p, club))
    scored.sort(key=lambda x: -x[0])
    best_score, best, club = scored[0]
    unique = len(scored) == 1 or scored[1][0] < best_score
    # one namesake stands out: by the article's own clues (a club, a nationality: 3), or by
    # playing in a followed league and having played in Italy when no other namesake does;
    # or he is the only footballer of that name, he played in Italy and the headline opens
    # with him ("Rossini conquista tutti, ..."), as an Italian headline opens with its
    # subject
    only_one = len(scored) == 1
    if unique and (
        best_score >= 2
        or only_one and club is not None
        or only_one and opens_title and registry.played_in_italy(best)
    ):
        return _identified(best, club, registry, day, name_words)
    options = tuple((p, c) for _, p, c in scored)
    # a footballer's name, but the article does not say which one: a player when his full
    # name is written, when the text speaks of him as a player or a transfer target
    # ("Napoli torna su Keita"), or when the club of one of his namesakes is named; a bare
    # word that some footballer also carries ("Nottingham", "Foggia") is not enough
    footballer = (
        presented
        or targeted
        or any(exact for _, exact in in_age)
        or any(c in article_clubs for _, _, c in scored if c)  # a namesake's club is named
    )
    return Known(None, footballer, False, None, options, name_words=name_words, leads=unique)


def _identified(
    player: RegPlayer, club: str | None, registry: Registry, day: dt.date | None,
    name_words: int | None,
) -> Known:
    joined = registry.joined_on(player, day)
    return Known(
        player, True, False, club, dated=registry.is_before_the_story(player, day),
        came_from=registry.came_from(player, day), owner=registry.owner_on(player, day),
        name_words=name_words,
        since_move=(day - joined).days if joined is not None and day is not None else None,
    )


def _playing_age(p: RegPlayer, day: dt.date | None) -> bool:
    age = p.age_on(day or dt.date.today())
    return age is None or MIN_AGE <= age <= MAX_AGE


def _presented(article: Article, start: int, end: int, mentions: list[ClubMention]) -> bool:
    text = article.text
    before = text[max(0, start - 80) : start]
    after = text[end : end + 40]
    if (
        _PRESENTED_BEFORE.search(before)
        or _PRESENTED_AFTER.match(after)
        or _IS_PLAYER.match(after)
    ):
        return True
    # "Falzerano del Venezia": a club right after the name, joined by "del"
    return any(
        m.club_id and 0 <= m.start - end <= 8 and _OF_CLUB.match(text[end : m.start])
        for m in mentions
    )


def _paired_with_club(article: Article, start: int, end: int, mentions: list[ClubMention]) -> bool:
    """The market's headline formula "Milan-Rossi", "Rossi-Milan". Only for names the
    registry knows: an unknown word paired with a club may be a club voci does not list
    ("Lazio-Benevento", a fixture)."""
    return start < article.title_end and _dashed_to_club(article, start, end, mentions)


def _dashed_to_club(article: Article, start: int, end: int, mentions: list[ClubMention]) -> bool:
    text = article.text
    return any(
        m.club_id
        and (
            re.fullmatch(r"\s*[-–]\s*", text[m.end : start])
            or re.fullmatch(r"\s*[-–]\s*", text[end : m.start])
        )
        for m in mentions
    )


def _followed_by_role(article: Article, end: int, key: str, starts: list[tuple[int, str]]) -> bool:
    """A role noun refers back to him ("... per Ian Rossi. L'attaccante classe 2007 ...")
    in the rest of his sentence or the next one, before anyone else is named."""
    following = [i for i, s in enumerate(article.sentences) if s.end > end][:2]
    if not following:
        return False
    stop = article.sentences[following[-1]].end
    nxt = next((s for s, k in starts if s > end and k != key), None)
    if nxt is not None:
        stop = min(stop, nxt)
    return bool(_ROLE_ANAPHOR.search(article.text, end, stop))


def spelling(display: str, known: Known | None) -> str:
    """The player's name as the article wrote it, without words glued before it."""
    if known is None or known.name_words is None:
        return display
    words = display.split()
    return " ".join(words[-known.name_words :]) if len(words) > known.name_words else display


def canonical_key(player: RegPlayer) -> str:
    """The player_key of a registry player: his registry name, folded like any name."""
    return name_key(player.name)
