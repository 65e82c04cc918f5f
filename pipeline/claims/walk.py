"""Walking an article: which player(s) each clause is about, and each player's club.

The walk keeps a *focus* - the player(s) the text is about right now: those the last
clause named; or the player an epithet points at ("l'olandese" when one player of the
article is Dutch, "il bomber dell'Atalanta" when one player belongs to the Atalanta);
nobody, at the section header of a round-up ("ROMA – ...", "Juventus. ..."), until the
section names its player.

`find_sellers` walks once to learn each player's current club (`Context.seller`) and past
clubs (`Context.former`) from every seller-like or past-club mention.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from .context import Context
from .direction import (
    BUYER,
    COUNTERPART,
    FORMER,
    NEUTRAL,
    PLAYER_ROLES,
    SELLER,
    anaphor_spans,
    epithets,
)
from .players import Person
from .sentences import Clause
from .stages import is_squad_news, stage_cues

_WEIGHT = {SELLER: 3, COUNTERPART: 1}
# a role noun with "ex" right before a club: "l'ex terzino del Milan"
_EX_ROLE = re.compile(
    rf"\b(?:l'|dell'|all'|sull')?ex\s+(?:{PLAYER_ROLES})\s+(?:del|dello|della|dell'|dei|degli)\s*$",
    re.IGNORECASE,
)
# what may follow a round-up section header: "ROMA – ...", "Juventus. ...", "MILAN: ..."
_HEADER_END = re.compile(r"\s*(?:[-–—:.]|$)")


# what may stand between the names of a list: "Rossi, Bianchi e Verdi", "... e altri 4"
_LIST_WORDS = re.compile(r"(?:\s|,|\be\b|\bed\b|\baltr[ie]\s+\w+)*", re.IGNORECASE)


def names_only(ctx: Context, clause: Clause) -> bool:
    """The clause is nothing but names of players: one item (or more) of a list."""
    text = ctx.article.text
    named = ctx.named(clause)
    if not named:
        return False
    spans = sorted(
        (m.start, m.end)
        for p in named
        for m in p.mentions
        if clause.start <= m.start < clause.end
    )
    rest, last = [], clause.start
    for a, b in spans:
        rest.append(text[last:a])
        last = max(last, b)
    rest.append(text[last : clause.end])
    return bool(_LIST_WORDS.fullmatch(" ".join(rest)))


def walk(ctx: Context) -> Iterator[tuple[Clause, list[Person]]]:
    """Yield (clause, players in focus) for every clause, in order. The names of a list
    ("Rossi, Bianchi e Verdi: il Torino ...") are all in focus after it."""
    focus: list[Person] = []
    listing = -1  # the sentence whose clauses so far list names only
    for clause in ctx.article.clauses:
        named = ctx.named(clause)
        if named:
            in_list = names_only(ctx, clause)
            if in_list and listing == clause.sentence:
                focus = focus + [p for p in named if p not in focus]
            else:
                focus = named
            listing = clause.sentence if in_list else -1
        elif is_section_header(ctx, clause):
            focus = []
            listing = -1
        elif ctx.names_someone_else(clause):
            focus = []  # "... In uscita Bakker va in prestito": someone else now
            listing = -1
        else:
            switched = _epithet_switch(ctx, clause, focus) or _anaphor_switch(ctx, clause, focus)
            if switched:
                focus = [switched]
            listing = -1
        yield clause, list(focus)


def is_section_header(ctx: Context, clause: Clause) -> bool:
    """A body paragraph that opens with a club alone, then a dash, a colon or a full stop:
    the header of one section of a round-up ("ROMA – Come anticipato da ...")."""
    if clause.paragraph == 0:
        return False
    sentence = ctx.article.sentences[clause.sentence]
    if sentence.clauses[0] != clause:
        return False
    clubs = ctx.clubs_in(clause.start, clause.end)
    if len(clubs) != 1:  # (asked before the sentence's place: that one reads them all)
        return False
    first_of_paragraph = min(
        s.start for s in ctx.article.sentences if s.paragraph == clause.paragraph
    )
    if sentence.start != first_of_paragraph:
        return False
    text = ctx.article.text
    rest = text[clause.start : clause.end].replace(clubs[0].surface, "", 1)
    return not re.search(r"\w", rest) and bool(_HEADER_END.match(text, clubs[0].end))


def learn_epithets(ctx: Context) -> None:
    """The nationality each player is called by: an epithet in a clause that names only him
    ("Zirkzee, l'olandese del Manchester United" is two clauses: the name's own clause or
    the next one), or in a sentence that names nobody right after one that names only him
    ("... per Joshua Zirkzee. I bianconeri trattano per l'attaccante olandese"). Not from a
    sentence that names him elsewhere: "Rossi resta, mentre il brasiliano parte" contrasts
    two players. A nationality given to two players identifies neither."""
    seen: dict[str, set[str]] = defaultdict(set)
    by_key = {p.key: p for p in ctx.players}
    text = ctx.article.text
    previous: set[str] = set()
    previous_paragraph = -1
    for s in ctx.article.sentences:
        named_in = [{p.key for p in ctx.named(c)} for c in s.clauses]
        named = set().union(*named_in) if named_in else set()
        for i, clause in enumerate(s.clauses):
            owners = named_in[i] or (named_in[i - 1] if i and len(named) == 1 else set())
            if not named and s.paragraph == previous_paragraph:
                owners = previous
            if len(owners) == 1:
                for stem in epithets(text, clause.start, clause.end):
                    seen[stem] |= owners
        previous, previous_paragraph = named, s.paragraph
    ctx.epithets = {stem: by_key[next(iter(k))] for stem, k in seen.items() if len(k) == 1}


def _epithet_switch(ctx: Context, clause: Clause, focus: list[Person]) -> Person | None:
    """ "La trattativa per l'olandese si è arenata": the one Dutch player of the article."""
    for stem in epithets(ctx.article.text, clause.start, clause.end):
        player = ctx.epithets.get(stem)
        if player is not None and player not in focus:
            return player
    return None


def _anaphor_switch(ctx: Context, clause: Clause, focus: list[Person]) -> Person | None:
    """ "il bomber dell'Atalanta" names, without naming him, the player the Atalanta sells."""
    if not ctx.seller:
        return None
    text = ctx.article.text
    for _a_start, a_end in anaphor_spans(text, clause.start, clause.end):
        for m in ctx.clubs_in(a_end, min(clause.end, a_end + 20)):
            if not re.fullmatch(
                r"\s*(?:\w+\s+)?(?:del|dello|della|dell'|dei|degli)\s*", text[a_end : m.start]
            ):
                continue
            owners = [p for p in ctx.players if ctx.seller.get(p.key) == m.id]
            if len(owners) == 1 and owners[0] not in focus:
                return owners[0]
    return None


def _elsewhere(ctx: Context, p: Person, club: str, sentence: int) -> bool:
    """The other side of a negotiation is no club of his when the sentence names no other
    club and a recorded move has him elsewhere on the article's day ("Rossi ha trovato
    l'accordo con il Milan", Rossi of the Genoa)."""
    known = ctx.known.get(p.key)
    s = ctx.article.sentences[sentence]
    return (
        known is not None
        and known.dated
        and known.club_then not in (None, club)
        and len({m.id for m in ctx.clubs_in(s.start, s.end)}) == 1
    )


def find_sellers(ctx: Context) -> None:
    """Each player's current club, from every seller-like mention in the article."""
    score: dict[str, Counter[str]] = defaultdict(Counter)
    buyer: dict[str, Counter[str]] = defaultdict(Counter)
    anaphoric: list[tuple[str, str]] = []
    for clause, focus in walk(ctx):
        mentions = ctx.clubs_in(clause.start, clause.end)
        if not mentions:
            continue  # a clause naming no club says nothing of anyone's club
        # a renewal or an injury in a sentence that speaks of no move
        sentence = ctx.article.sentences[clause.sentence]
        squad_news = is_squad_news(ctx.article.sentence_text(clause.sentence)) and not any(
            stage_cues(ctx.article.text[c.start : c.end]) for c in sentence.clauses
        )
        # a sentence that opens on a renewal or an injury and names one club is about his
        # club, whatever else it says: "Rinnovo di Rossi, il Genoa tratta"
        first = sentence.clauses[0]
        squad_news = squad_news or (
            is_squad_news(ctx.article.text[first.start : first.end])
            and len({m.id for m in ctx.clubs_in(sentence.start, sentence.end)}) == 1
        )
        named_here = ctx.named(clause)
        clause_text = ctx.article.text[clause.start : clause.end]
        denial = any(c.stage == "denied" for c in stage_cues(clause_text))
        for m in mentions:
            role, gap_player = ctx.role(m, clause.sentence)
            if squad_news and role == NEUTRAL:
                role = SELLER  # "AC Milan annuncia il rinnovo di X": the club he plays for
            if denial and role == COUNTERPART:
                continue  # "Nessun contatto con la Lazio": the club denied is no seller
            targets = [gap_player] if gap_player else focus
            for p in targets:
                if role == COUNTERPART and _elsewhere(ctx, p, m.id, clause.sentence):
                    continue  # "Rossi ha trovato l'accordo con il Milan": he plays elsewhere
                if role == FORMER:
                    if gap_player or p in named_here or len(targets) == 1 and _EX_ROLE.search(
                        ctx.article.text, max(0, m.start - 40), m.start
                    ):
                        # "passati dallo United" is about whoever is named there; "l'ex
                        # terzino del Milan" about the one player in focus
                        ctx.former[p.key].add(m.id)
                elif role in _WEIGHT:
                    weight = _WEIGHT[role]
                    if role == SELLER and not gap_player and not named_here:
                        weight = 2
                        anaphoric.append((p.key, m.id))
                    score[p.key][m.id] += weight
                elif role == BUYER:
                    buyer[p.key][m.id] += 3
    # an anaphor may have pointed at the wrong player: the club goes to the player who
    # has firm (non-anaphoric) evidence of belonging to it
    for pkey, cid in anaphoric:
        rivals = [k for k in score if k != pkey and score[k][cid] >= 3]
        if rivals:
            score[pkey][cid] -= 2
    for pkey, counts in score.items():
        ranked = [(n - buyer[pkey][cid], cid) for cid, n in counts.items() if n > buyer[pkey][cid]]
        if ranked:
            ctx.seller[pkey] = max(ranked)[1]
