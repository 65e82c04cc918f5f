"""Assembly: an article's title and body in, its transfer claims out.

The steps, each owned by its module:
  sentences.split_article     paragraphs -> sentences -> clauses
  clubs.find_clubs            club mentions, ambiguous nicknames resolved from context
  relays.find_relays          "secondo quanto riportato da X" -> cited sources
  players.find_people         names -> people; staff (coaches, directors...) flagged
  walk                        the player(s) each clause is about; each player's club
  buyers                      the buying club a clause speaks of for a player
  stages / fees               stage cues, deal shapes, hedging, amounts
  moves                       what was said about a (player, buyer) pair -> a Claim

Only the first MAX_TITLE (1,000) characters of a title and MAX_BODY (100,000) of a body
are read, and a run of text without a sentence end is cut every 1,000 characters
(sentences.MAX_SENTENCE): the work grows in proportion to the text, and a megabyte title
from a hostile feed costs what 100 KB of prose does.

This module walks the clauses in order and files every cue, fee and relay of a clause
under (player in focus, buying club). A move is then claimed when it has at least one
cue, or when the title ties the player to the club ("Gomez-Milan", "Thuram all'Arsenal?").
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import Claim
from .buyers import buyers_for
from .clubs import ClubIndex, ClubMention, default_clubs, find_clubs
from .context import Context
from .direction import (
    BUYER,
    ENDS_ON_OF,
    NATIONALITIES,
    ON_PLAYER,
    PLAYER_ROLES,
    presented_of,
)
from .fees import Fee, find_fees
from .known import identify
from .lists import Listed, window_lists
from .moves import Move, Moves, claims_of
from .players import Person, find_people
from .relays import KnownSource, Relay, find_relays
from .sentences import Article, Clause, split_article
from .stages import (
    Cue,
    deal_shape,
    is_match_report,
    is_page_label,
    opens_hypothesis,
    stage_cues,
)
from .walk import find_sellers, learn_epithets, names_only, walk

if TYPE_CHECKING:
    from ..registry import Registry


def extract_claims(
    title: str,
    body: str,
    *,
    outlet_id: str | None = None,
    known_sources: Sequence[KnownSource] = (),
    clubs: ClubIndex | None = None,
    published_at: dt.datetime | None = None,
    registry: Registry | None = None,
) -> list[Claim]:
    """The transfer claims an article makes, in the order the article makes them.

    `registry`: who the footballers are (default: the active registry, see
    pipeline.registry); `published_at` is the day their clubs are looked up for.
    """
    title, body = _capped(title, MAX_TITLE), _capped(body, MAX_BODY)
    index = clubs or default_clubs()
    if registry is None:
        from ..registry import active

        registry = active()
    title, body = _uncapped(title, registry), _uncapped(body, registry)
    if is_match_report(title, body):
        return []
    article = split_article(title, body)
    mentions, city_spans = find_clubs(article, index)
    club_spans = [(m.start, m.end) for m in mentions] + city_spans
    relays = find_relays(article, known_sources, outlet_id, blocked=club_spans)
    # "Diavolo a Quattro" is an outlet, not the Diavolo (Milan)
    mentions = [
        m
        for m in mentions
        if not any(r.start <= m.start < r.end and r.end - r.start > m.end - m.start for r in relays)
    ]
    people = find_people(
        article,
        blocked=club_spans + [(r.start, r.end) for r in relays],
        is_footballer=registry.knows,
    )
    day = published_at.date() if published_at else None
    known = identify(article, people, mentions, registry, day)
    footballers = [
        p for p in people if not p.staff and known[p.key].footballer and not known[p.key].staff
    ]
    players = [p for p in footballers if _is_transfer_subject(article, p, mentions)]
    players += _listed_after(article, players, [p for p in footballers if p not in players])
    ctx = Context(
        article,
        [m for m in mentions if m.club_id],
        players,
        {m.start: p for p in players for m in p.mentions},
        {m.start for p in players for m in p.mentions if m.passing},
        known=known,
        others={
            m.start for p in footballers if p not in players for m in p.mentions if not m.passing
        },
    )
    learn_epithets(ctx)
    find_sellers(ctx)
    moves = _collect(ctx, relays)
    _add_listed(ctx, moves, window_lists(article, ctx.clubs, people))
    return claims_of(ctx, moves, index, known_sources, outlet_id, _swap_pairs(ctx))


# How much of an article is read for claims. A headline is a line (real ones stay under
# 300 characters) and a news article a few thousand characters; a hostile or broken feed
# may send megabytes. Reading costs time in proportion to the text, so past these caps
# the text is cut at a space: claims come from the first MAX_BODY characters of a body.
MAX_TITLE = 1_000
MAX_BODY = 100_000


def _capped(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut > 0 else limit]


# A word, and its capitals: roundups print the names of the day's moves in capitals ("JUVE,
# IL PRIMO GIORNO DI MARCO BELLOTTI - È ufficiale l'arrivo di MARCO BELLOTTI dal Parma"),
# and a run of capitals reads as an acronym or a shouted heading, not as a name.
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# two letters in a row that are not lowercase (a word in capitals holds them): most texts
# hold none but acronyms, and are left as they are at once
_TWO_CAPITALS = re.compile(r"[^\W\d_a-zß-ÿ]{2}")


def _uncapped(text: str, registry: Registry) -> str:
    """`text` with each full name written in capitals written as a name ("MARCO BELLOTTI"
    -> "Marco Bellotti"), when the registry knows a footballer of that whole name: two
    words or more, so a heading's lone word ("UFFICIALE", "BOMBA") stays as it is. Only
    stretches as long as the registry's longest name are tried: a page-long block in
    capitals (a notice, a shouted roundup) costs a few look-ups a word, not one per pair
    of its words (each word here folds to one name word or more)."""
    if not _TWO_CAPITALS.search(text):
        return text
    runs: list[list[re.Match[str]]] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not (word.isupper() and len(word) > 1):
            continue
        if runs and text[runs[-1][-1].end():m.start()] == " ":
            runs[-1].append(m)
        else:
            runs.append([m])
    out: list[str] | None = None
    for run in runs:
        n = len(run)
        taken: list[tuple[int, int]] = []
        # the longest stretches of it that name a footballer
        for size in range(min(n, registry.longest_name), 1, -1):
            for i in range(n - size + 1):
                j = i + size
                if any(i < b and a < j for a, b in taken):
                    continue
                written = text[run[i].start():run[j - 1].end()]
                name = written.title()
                if len(name) == len(written) and registry.full_match(name):
                    taken.append((i, j))
        for i, j in taken:
            start, end = run[i].start(), run[j - 1].end()
            out = out if out is not None else list(text)
            out[start:end] = text[start:end].title()
    return text if out is None else "".join(out)


_TRANSFER_POSITION = re.compile(
    r"(?:\bper|\bsu|\bsull'|nome di|quello di|pens\w* a|"
    r"punt\w* a|mirino|obiettivo|idea|piace|vuole|"
    r"chiesto|prendere|acquistare|riportare|portare|rivuole|sogna|insegue|segu\w+|arriv\w+|colpo|"
    r"trattativa|offerta|sondaggio|contatti)\s+$",
    re.IGNORECASE,
)


def _is_transfer_subject(
    article: Article, person: Person, clubs: Sequence[ClubMention] = ()
) -> bool:
    """A player named once, in passing, is not the subject of a move ("dare respiro a
    Kean"): keep those in the title, named twice, or named where a move is spoken of."""
    mentions = [m for m in person.mentions if not m.passing]
    if not mentions:
        return False
    if any(m.start < article.title_end for m in mentions) or len(mentions) >= 2:
        return True
    m = mentions[0]
    before = article.text[max(0, m.start - 30) : m.start]
    after = article.text[m.end : m.end + 12]
    if _TRANSFER_POSITION.search(before) or re.match(
        r"\s*(?:del|dello|della|dell'|dei|al|alla|all')\b", after
    ):
        return True
    # the market's formula "Højlund-Napoli:" heading a paragraph of a list-style round-up
    if any(re.fullmatch(r"[-–]\s{0,2}", article.text[m.end : c.start]) for c in clubs):
        return True
    clauses = article.clauses
    i = next((i for i, c in enumerate(clauses) if c.start <= m.start < c.end), None)
    if i is None:
        return False
    if stage_cues(article.text[clauses[i].start : clauses[i].end]):
        return True
    # the name after "per l'attaccante del Lecce,": the clause before presented him
    prev = clauses[i - 1] if i else None
    return bool(prev and article.text[prev.end : m.start].strip() == ","
                and stage_cues(article.text[prev.start : prev.end])
                and _presents_by_club(article.text, prev, clubs))


_AND_BEFORE = re.compile(r"(?:,|\be|\bed)\s*$", re.IGNORECASE)


def _listed_after(article: Article, players: list[Person], others: list[Person]) -> list[Person]:
    """Footballers listed right after a transfer subject are subjects too: "piacciono Rossi
    del Genoa e Bianchi", "Rossi, Bianchi e Verdi"."""
    added: list[Person] = []
    ends = sorted(m.end for p in players for m in p.mentions)
    changed = True
    while changed:
        changed = False
        for q in others:
            if q in added:
                continue
            for m in q.mentions:
                i = bisect.bisect_right(ends, m.start) - 1  # the nearest name ending before
                if i < 0 or m.start - ends[i] > 40:
                    continue
                gap = article.text[ends[i] : m.start]
                if _AND_BEFORE.search(gap) and not re.search(r"[.;:!?]", gap):
                    added.append(q)
                    for x in q.mentions:
                        bisect.insort(ends, x.end)
                    changed = True
                    break
    return added


def _clause_cues(ctx: Context, clause: Clause):
    """The stage cues of a clause in its sentence: none in a page label ("Comunicato
    ufficiale"), hypothetical ones after a sentence-opening "Se ..."."""
    article = ctx.article
    sentence = article.sentences[clause.sentence]
    if is_page_label(article.sentence_text(clause.sentence)):
        return []
    conditional = sentence.clauses[0] != clause and opens_hypothesis(
        article.text[sentence.start : sentence.end]
    )
    return stage_cues(article.text[clause.start : clause.end], conditional=conditional)


def _collect(ctx: Context, relays: list[Relay]) -> Moves:
    article = ctx.article
    moves: Moves = defaultdict(Move)
    last_buyer: dict[str, str] = {}
    strong_buyer: dict[str, str] = {}
    sentence_fees: dict[int, list[Fee]] = {}
    # relays said before the player they are about is named ("Come anticipato da X, c'è
    # l'intesa per Y"): held for him until the end of the sentence
    held: dict[str, tuple[int, list[Relay]]] = {}
    outside_relays = [r for r in relays if not r.own]
    # a title's collapse or official said before any player is named ("No secco, salta il
    # colpo in casa Milan: niente Casemiro", "Ufficiale: Rossi al Genoa"): held for the one
    # player the rest of the title names
    held_collapse: list[Cue] = []
    # cues of a clause that names a club but no player and ends on a colon ("la Juventus
    # valuta tre profili: Rossi del Genoa, Bianchi del Lecce") are said of the players it
    # introduces, in the clauses after it that say nothing of their own
    held_colon: tuple[int, list[Cue]] = (-1, [])
    # cues of a clause that ends on a player presented by his club, before the comma that
    # names him ("il Genoa ha chiesto informazioni per l'attaccante del Lecce, Marco
    # Rossi") are said of the name in the clause right after
    apposed: tuple[int, list[Cue]] = (-1, [])
    listing: tuple[int, list[Cue]] = (-1, [])  # a clause ending on a name, and its cues
    for clause, focus in walk(ctx):
        cues = _clause_cues(ctx, clause)
        named = ctx.named(clause)
        in_list = bool(named) and names_only(ctx, clause)
        inherited = False  # cues said in an earlier clause of a list
        before, apposed = apposed, (-1, [])
        if (
            not named
            and cues
            and article.text[clause.end : clause.end + 1] == ":"
            and ctx.clubs_in(clause.start, clause.end)  # the club whose list it is
        ):
            held_colon = (clause.sentence, cues)
        elif not named and cues and _presents_by_club(
                article.text, clause, ctx.clubs_in(clause.start, clause.end)):
            apposed = (clause.end, cues)
        elif named and not cues and before[0] >= 0 and _opens_on_name(ctx, clause, named[0]) \
                and not article.text[before[0] + 1 : clause.start].strip():
            cues = list(before[1])  # "..., Marco Rossi": the name the clause before presented
            inherited = True
        elif named and held_colon[0] == clause.sentence and not cues:
            cues = list(held_colon[1])  # each item of the list, to the end of the sentence
            inherited = True
        elif in_list and not cues and listing[0] == clause.sentence:
            # a list begun at the end of the clause before: "gli arrivi di Rossi, Bianchi e
            # Verdi" - the rest of the list shares its cues
            cues = list(listing[1])
            inherited = True
        ends_on_name = bool(named) and not re.search(
            r"\w", article.text[max(m.end for p in named for m in p.mentions
                                     if clause.start <= m.start < clause.end) : clause.end]
        )
        if ends_on_name and cues:
            listing = (clause.sentence, cues)
        elif not in_list:
            listing = (-1, [])
        if clause.paragraph == 0 and not focus and not named:
            held_collapse += [c for c in cues if c.stage in ("collapsed", "denied", "official")]
        elif clause.paragraph == 0 and held_collapse and len(named) == 1:
            cues = held_collapse + cues
            held_collapse = []
        if clause.sentence not in sentence_fees:
            s = article.sentences[clause.sentence]
            sentence_fees[clause.sentence] = find_fees(article.text, s.start, s.end)
        fees = [f for f in sentence_fees[clause.sentence] if clause.start <= f.start < clause.end]
        clause_relays = [r for r in outside_relays if clause.start <= r.start < clause.end]
        relay_targets = focus
        if clause_relays and not ctx.named(clause):
            later = _later_named(ctx, clause)
            if later and (
                _is_first_clause(ctx, clause) or not focus or _first_named_is_header(ctx, clause)
            ):
                relay_targets = later
                for q in later:
                    if q not in focus:
                        held[q.key] = (clause.sentence, clause_relays)
        title_link = clause.paragraph == 0 and any(
            ctx.role(m, clause.sentence)[0] == BUYER
            for m in ctx.clubs_in(clause.start, clause.end)
        )
        listed = _heads_list(ctx, clause, focus) if clause.paragraph == 0 else None
        followed = _clubs_on(ctx, clause) if focus else set()
        for p in focus:
            p_relays = clause_relays if p in relay_targets else []
            sentence, waiting = held.pop(p.key, (-1, []))
            if sentence == clause.sentence:
                p_relays = waiting + p_relays
            denial = any(c.stage == "denied" for c in cues)
            buyers = buyers_for(ctx, p, clause, last_buyer, strong_buyer, denial)
            # a listed player is the club's target unless the data has him there already
            p_link = title_link or p.key in followed or listed is not None and (
                ctx.known[p.key].club_then not in (listed, None)
                or ctx.known[p.key].club_then is None and not ctx.known[p.key].options
            )
            if not (cues or fees or p_link or p_relays):
                continue
            destinations: list[str | None] = list(buyers) or [None]  # None: no buyer named
            for b in destinations:
                move = moves[(p.key, b)]
                move.first = min(move.first, clause.start)
                if b is not None and not inherited and _club_of_another(ctx, p, b, clause):
                    # "Ufficiale Rossi, il Genoa pensa a Bianchi": the Genoa of another
                    # player's clause gets Rossi's official only if the text sends him there
                    move.loose.extend((clause.start, c) for c in cues if c.stage == "official")
                    move.cues.extend((clause.start, c) for c in cues if c.stage != "official")
                else:
                    move.cues.extend((clause.start, c) for c in cues)
                move.fees.extend((clause.start, f) for f in fees)
                move.relays.extend(p_relays)
                if cues or fees or clause_relays:
                    move.sentences.add(clause.sentence)
                move.title_link |= p_link
            if buyers:
                last_buyer[p.key] = buyers[-1]
    for (pkey, buyer), move in moves.items():
        move.named_destination = buyer is not None and strong_buyer.get(pkey) == buyer
        if move.named_destination:
            move.cues = sorted(move.cues + move.loose, key=lambda pc: pc[0])
    _attach_orphans(moves)
    return moves


# "l'attaccante del Lecce," - a player presented by role or nationality and club, his name
# to follow
_PRESENTED_OF = re.compile(presented_of(f"giovane|{PLAYER_ROLES}|{NATIONALITIES}"),
                           re.IGNORECASE)


def _presents_by_club(text: str, clause: Clause, clubs: Sequence[ClubMention]) -> bool:
    """Whether a clause ends on a player presented by his club, before a comma: "per
    l'attaccante del Lecce," (the name comes next). `clubs`: club mentions, those of the
    clause among them."""
    if text[clause.end : clause.end + 1] != ",":
        return False
    last = max((c for c in clubs if clause.start <= c.start and c.end <= clause.end),
               key=lambda c: c.end, default=None)
    return last is not None and not text[last.end : clause.end].strip() and bool(
        _PRESENTED_OF.search(text, clause.start, last.start))


def _opens_on_name(ctx: Context, clause: Clause, person: Person) -> bool:
    text = ctx.article.text
    return any(clause.start <= m.start < clause.end and not text[clause.start : m.start].strip()
               for m in person.mentions)


# "su Rossi c'è anche il Torino": the clause opens on the player, the clubs after him
_ON_BEFORE = re.compile(r"(?:^|[,;:(]\s*|\b(?:e|ma|anche|poi)\s+)\W*su(?:\s+|ll')$", re.IGNORECASE)
_THERE_ARE = re.compile(r"\s*,?\s*(?:c'è|c'e'|ci sono)\b", re.IGNORECASE)


def _clubs_on(ctx: Context, clause: Clause) -> set[str]:
    """The players a club of the clause is on - a target, in any paragraph: "il Genoa è su
    Rossi", "Lecce e Genoa sono su Bianchi", "il Torino è forte su Neri", "su Rossi c'è
    anche il Torino". Not a player "su Instagram": the name after "su" must be his."""
    text, keys = ctx.article.text, set()
    for m in ctx.clubs_in(clause.start, clause.end):
        # "la vittoria della Juventus su...": a club named as a noun's complement is not the
        # one on the player (a noun that says so, "il pressing della Juventus su", is a cue)
        if ON_PLAYER.match(text, m.end, clause.end) and not ENDS_ON_OF.search(
                text, max(clause.start, m.start - 8), m.start):
            role, player = ctx.role(m, clause.sentence)
            if role == BUYER and player is not None:
                keys.add(player.key)
    for p in ctx.named(clause):
        for n in p.mentions:
            if (clause.start <= n.start < clause.end
                    and _ON_BEFORE.search(text[clause.start:n.start])
                    and _THERE_ARE.match(text, n.end, clause.end)
                    and ctx.clubs_in(n.end, clause.end)):
                keys.add(p.key)
    return keys


# between a headline's list of names and the club after it: "Rossi, Bianchi e altri 3: "
_LIST_TO_CLUB = re.compile(
    r"\s*(?:(?:e|ed)\s+altr[ie]\s+\w+\s*)?:\s*(?:(?:il|lo|la|l'|i)\s*)?", re.IGNORECASE
)


def _heads_list(ctx: Context, clause: Clause, focus: list[Person]) -> str | None:
    """A headline that lists players and then names a club ("Rossi, Bianchi e Verdi: Torino,
    la lista per gennaio") gives that club's list of targets: the club stands right after
    the colon that closes the list of two or more names. Returns the club."""
    clubs = ctx.clubs_in(clause.start, clause.end)
    if len(focus) < 2 or not clubs:
        return None
    ends = [m.end for p in focus for m in p.mentions if m.end <= clubs[0].start]
    if ends and _LIST_TO_CLUB.fullmatch(ctx.article.text[max(ends) : clubs[0].start]):
        return clubs[0].id
    return None


# a clause whose subject is the main clause's: "Dopo aver ufficializzato Rossi, il Genoa
# ...", "Avendo chiuso per Rossi, il Genoa ..."
_IMPLICIT_SUBJECT = re.compile(r"\W*(?:dopo\s+)?(?:aver|averlo|averla|avendo)\b", re.IGNORECASE)


def _club_of_another(ctx: Context, p: Person, club: str, clause: Clause) -> bool:
    """Whether the sentence of `clause` names `club` only in clauses about other players
    ("Ufficiale Rossi, il Genoa pensa a Bianchi": the Genoa is Bianchi's) - not when the
    clause takes its subject from the main one ("Dopo aver ufficializzato Rossi, il Genoa
    ha chiuso per Bianchi": the Genoa signed both)."""
    if _IMPLICIT_SUBJECT.match(ctx.article.text, clause.start):
        return False
    owners = [
        ctx.named(c)
        for c in ctx.article.sentences[clause.sentence].clauses
        if any(m.id == club for m in ctx.clubs_in(c.start, c.end))
    ]
    return bool(owners) and all(named and p not in named for named in owners)


def _add_listed(ctx: Context, moves: Moves, listed: list[Listed]) -> None:
    """The done deals of window lists (see lists.py): official moves. A name in such a
    list is presented as a player by the list itself, unless he is known as staff."""
    for item in listed:
        p = item.person
        if ctx.known.get(p.key) is not None and ctx.known[p.key].staff:
            continue
        if p not in ctx.players:
            ctx.players.append(p)
        move = moves[(p.key, item.buyer)]
        move.cues.append((item.start, Cue("official", 0, 0)))
        move.first = min(move.first, item.start)
        move.sentences.add(ctx.sentence_of(item.start))
        move.named_destination = move.listed = True
        move.deal = item.deal
        if item.seller is not None:
            ctx.seller[p.key] = item.seller


def _later_named(ctx: Context, clause: Clause) -> list[Person]:
    s = ctx.article.sentences[clause.sentence]
    for other in s.clauses:
        if other.start > clause.start:
            named = ctx.named(other)
            if named:
                return named
    return []


def _is_first_clause(ctx: Context, clause: Clause) -> bool:
    return ctx.article.sentences[clause.sentence].clauses[0] == clause


def _first_named_is_header(ctx: Context, clause: Clause) -> bool:
    """ "ROMA – Come anticipato da X, c'è l'intesa ... per Zirkzee": a round-up section
    header (just a club) before the relay does not make it apply to the previous player."""
    clauses = ctx.article.sentences[clause.sentence].clauses
    before = [c for c in clauses if c.start < clause.start]
    return (
        bool(before)
        and all(
            re.fullmatch(r"[\W]*", ctx.article.text[c.start : c.end].replace(m.surface, "", 1))
            for c in before
            for m in ctx.clubs_in(c.start, c.end)[:1]
        )
        and all(ctx.clubs_in(c.start, c.end) for c in before)
    )


def _attach_orphans(moves: Moves) -> None:
    """Cues said before any buying club was named join the player's main buyer."""
    for pkey, buyer in [k for k in moves if k[1] is None]:
        orphan = moves.pop((pkey, buyer))
        known = [k for k in moves if k[0] == pkey]
        if len(known) != 1:
            continue
        target = moves[known[0]]
        target.cues = orphan.cues + target.cues
        target.fees = orphan.fees + target.fees
        target.relays = orphan.relays + target.relays
        target.sentences |= orphan.sentences
        target.first = min(target.first, orphan.first)


def _swap_pairs(ctx: Context) -> set[frozenset[str]]:
    """Two players named together in a sentence that speaks of a swap ("idea scambio
    Ilić-Mandragora", "lo scambio tra Rossi e Bianchi")."""
    pairs: set[frozenset[str]] = set()
    for i, s in enumerate(ctx.article.sentences):
        if deal_shape(ctx.article.sentence_text(i)) != "swap":
            continue
        named = {p.key for c in s.clauses for p in ctx.named(c)}
        if len(named) == 2:
            pairs.add(frozenset(named))
    return pairs


__all__ = ["KnownSource", "extract_claims"]
