"""Assembly: an article's title and body in, its transfer claims out.

The steps, each owned by its module:
  sentences.split_article     paragraphs -> sentences -> clauses
  clubs.find_clubs            club mentions, ambiguous nicknames resolved from context
  relays.find_relays          "secondo quanto riportato da X" -> cited sources
  players.find_people         names -> people; staff (coaches, directors...) flagged
  direction.club_role         each club mention: buyer, seller, past club, counterpart
  stages / fees               stage cues, deal shapes, hedging, amounts

This module only walks the clauses in order keeping a *focus* - the player(s) the text is
about right now (the last clause that named one, or "il difensore del Liverpool" pointing
at the player whose club that is) - and files every cue, fee and relay of a clause under
(player in focus, buying club). A move is then claimed when it has at least one cue, or
when the title ties the player to the club ("Gomez-Milan", "Thuram all'Arsenal?").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..model import Claim
from .clubs import CITY, NICKNAME, ClubIndex, ClubMention, default_clubs, find_clubs
from .direction import BUYER, COUNTERPART, FORMER, NEUTRAL, SELLER, anaphor_spans, club_role
from .fees import Fee, find_fees
from .players import Person, find_people
from .relays import KnownSource, Relay, club_source, find_relays
from .sentences import Article, Clause, split_article
from .stages import NEGATIVE, ORDER, Cue, deal_shape, is_hedged, is_match_report, stage_cues

_OFFICIAL_SOURCE_CUE = re.compile(
    r"comunicat|sito ufficiale|annunciat|nota ufficiale|ha annunciato", re.IGNORECASE
)
_WEIGHT = {SELLER: 3, COUNTERPART: 1}


@dataclass
class _Move:
    """Everything the article says about one (player, buying club) pair."""

    cues: list[tuple[int, Cue]] = field(default_factory=list)  # (clause start, cue)
    fees: list[tuple[int, Fee]] = field(default_factory=list)
    relays: list[Relay] = field(default_factory=list)
    sentences: set[int] = field(default_factory=set)
    first: int = 10**9
    title_link: bool = False
    named_destination: bool = False  # the text ties this club to the player ("Prati al Genoa")


@dataclass
class _Context:
    article: Article
    clubs: list[ClubMention]
    players: list[Person]
    by_start: dict[int, Person]
    passing: set[int] = field(default_factory=set)  # starts of mentions made in passing
    seller: dict[str, str] = field(default_factory=dict)
    former: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def extract_claims(
    title: str,
    body: str,
    *,
    outlet_id: str | None = None,
    known_sources: Sequence[KnownSource] = (),
    clubs: ClubIndex | None = None,
) -> list[Claim]:
    """The transfer claims an article makes, in the order the article makes them."""
    index = clubs or default_clubs()
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
    people = find_people(article, blocked=club_spans + [(r.start, r.end) for r in relays])
    players = [p for p in people if not p.staff and _is_transfer_subject(article, p)]
    ctx = _Context(
        article,
        [m for m in mentions if m.club_id],
        players,
        {m.start: p for p in players for m in p.mentions},
        {m.start for p in players for m in p.mentions if m.passing},
    )
    _find_sellers(ctx)
    moves = _collect(ctx, relays)
    return _claims(ctx, moves, index, known_sources, outlet_id)


# ------------------------------------------------------------------ walking the clauses

_TRANSFER_POSITION = re.compile(
    r"(?:\bper|\bsu|\bsull'|nome di|quello di|pens\w* a|"
    r"punt\w* a|mirino|obiettivo|idea|piace|vuole|"
    r"chiesto|prendere|acquistare|riportare|portare|rivuole|sogna|insegue|segu\w+|arriv\w+|colpo|"
    r"trattativa|offerta|sondaggio|contatti)\s+$",
    re.IGNORECASE,
)


def _is_transfer_subject(article: Article, person: Person) -> bool:
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
    clause = next((c for c in article.clauses if c.start <= m.start < c.end), None)
    return bool(clause and stage_cues(article.text[clause.start : clause.end]))


def _named(ctx: _Context, clause: Clause) -> list[Person]:
    seen: list[Person] = []
    for start in sorted(ctx.by_start):
        if (
            clause.start <= start < clause.end
            and ctx.by_start[start] not in seen
            and start not in ctx.passing
        ):
            seen.append(ctx.by_start[start])
    return seen


def _clubs_in(ctx: _Context, start: int, end: int) -> list[ClubMention]:
    return [m for m in ctx.clubs if start <= m.start < end]


def _gap_from_player(ctx: _Context, mention: ClubMention) -> tuple[str | None, Person | None]:
    for p in ctx.players:
        for m in p.mentions:
            if 0 <= mention.start - m.end <= 8:
                return ctx.article.text[m.end : mention.start], p
    return None, None


def _role(ctx: _Context, mention: ClubMention, sentence_index: int) -> tuple[str, Person | None]:
    s = ctx.article.sentences[sentence_index]
    gap, player = _gap_from_player(ctx, mention)
    sentence = ctx.article.text[s.start : s.end]
    role = club_role(
        sentence, mention.start - s.start, mention.end - s.start, gap, mention.kind in (NICKNAME,)
    )
    follow = re.match(r"\s*[-–]\s*", ctx.article.text[mention.end : mention.end + 3])
    if follow and mention.end + follow.end() in ctx.by_start and role in (NEUTRAL, BUYER):
        return BUYER, ctx.by_start[mention.end + follow.end()]  # "Lazio-Laurienté" in a title
    if role == BUYER and player is None:
        # "il City su Cambiaso": the destination of the player named right after
        on = re.match(
            r"\s+(?:è\s+|sono\s+|fa\s+|fanno\s+)?su(?:ll')?\s*",
            ctx.article.text[mention.end : mention.end + 16],
        )
        if on:
            player = ctx.by_start.get(mention.end + on.end())
    if mention.kind == CITY and role not in (BUYER, SELLER):
        role = FORMER if role == FORMER else "place"  # "a Torino" says where, not who
    return role, player


def _walk(ctx: _Context):
    """Yield (clause, players in focus) for every clause, in order."""
    focus: list[Person] = []
    for clause in ctx.article.clauses:
        named = _named(ctx, clause)
        if named:
            focus = named
        else:
            switched = _anaphor_switch(ctx, clause, focus)
            if switched:
                focus = [switched]
        yield clause, list(focus)


def _anaphor_switch(ctx: _Context, clause: Clause, focus: list[Person]) -> Person | None:
    """ "il bomber dell'Atalanta" names, without naming him, the player the Atalanta sells."""
    if not ctx.seller:
        return None
    text = ctx.article.text
    for _a_start, a_end in anaphor_spans(text, clause.start, clause.end):
        for m in _clubs_in(ctx, a_end, min(clause.end, a_end + 20)):
            if not re.fullmatch(
                r"\s*(?:\w+\s+)?(?:del|dello|della|dell'|dei|degli)\s*", text[a_end : m.start]
            ):
                continue
            owners = [p for p in ctx.players if ctx.seller.get(p.key) == m.club_id]
            if len(owners) == 1 and owners[0] not in focus:
                return owners[0]
    return None


def _find_sellers(ctx: _Context) -> None:
    """Each player's current club, from every seller-like mention in the article."""
    score: dict[str, Counter[str]] = defaultdict(Counter)
    buyer: dict[str, Counter[str]] = defaultdict(Counter)
    anaphoric: list[tuple[str, str]] = []
    for clause, focus in _walk(ctx):
        for m in _clubs_in(ctx, clause.start, clause.end):
            role, gap_player = _role(ctx, m, clause.sentence)
            targets = [gap_player] if gap_player else focus
            named_here = bool(_named(ctx, clause))
            for p in targets:
                if role == FORMER:
                    if gap_player or p in _named(
                        ctx, clause
                    ):  # "passati dallo United" is about whoever is named there
                        ctx.former[p.key].add(m.club_id)
                elif role in _WEIGHT:
                    weight = _WEIGHT[role]
                    if role == SELLER and not gap_player and not named_here:
                        weight = 2
                        anaphoric.append((p.key, m.club_id))
                    score[p.key][m.club_id] += weight
                elif role == BUYER:
                    buyer[p.key][m.club_id] += 3
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


def _collect(ctx: _Context, relays: list[Relay]) -> dict[tuple[str, str | None], _Move]:
    article = ctx.article
    moves: dict[tuple[str, str | None], _Move] = defaultdict(_Move)
    last_buyer: dict[str, str] = {}
    strong_buyer: dict[str, str] = {}
    sentence_fees: dict[int, list[Fee]] = {}
    outside_relays = [r for r in relays if not r.own]
    for clause, focus in _walk(ctx):
        text = article.text[clause.start : clause.end]
        cues = stage_cues(text)
        if clause.sentence not in sentence_fees:
            s = article.sentences[clause.sentence]
            sentence_fees[clause.sentence] = find_fees(article.text, s.start, s.end)
        fees = [f for f in sentence_fees[clause.sentence] if clause.start <= f.start < clause.end]
        clause_relays = [r for r in outside_relays if clause.start <= r.start < clause.end]
        relay_targets = focus
        if clause_relays and not _named(ctx, clause):
            later = _later_named(ctx, clause)
            if later and (
                _is_first_clause(ctx, clause) or not focus or _first_named_is_header(ctx, clause)
            ):
                relay_targets = later
        for p in focus:
            buyers = _buyers_for(ctx, p, clause, last_buyer, strong_buyer)
            title_link = clause.paragraph == 0 and any(
                _role(ctx, m, clause.sentence)[0] == BUYER
                for m in _clubs_in(ctx, clause.start, clause.end)
            )
            if not (cues or fees or title_link or (clause_relays and p in relay_targets)):
                continue
            for b in buyers or [None]:
                move = moves[(p.key, b)]
                move.first = min(move.first, clause.start)
                move.cues.extend((clause.start, c) for c in cues)
                move.fees.extend((clause.start, f) for f in fees)
                if p in relay_targets:
                    move.relays.extend(clause_relays)
                if cues or fees or clause_relays:
                    move.sentences.add(clause.sentence)
                move.title_link |= title_link
            if buyers:
                last_buyer[p.key] = buyers[-1]
    for (pkey, buyer), move in moves.items():
        move.named_destination = buyer is not None and strong_buyer.get(pkey) == buyer
    _attach_orphans(ctx, moves)
    return moves


def _later_named(ctx: _Context, clause: Clause) -> list[Person]:
    s = ctx.article.sentences[clause.sentence]
    for other in s.clauses:
        if other.start > clause.start:
            named = _named(ctx, other)
            if named:
                return named
    return []


def _is_first_clause(ctx: _Context, clause: Clause) -> bool:
    return ctx.article.sentences[clause.sentence].clauses[0] == clause


def _first_named_is_header(ctx: _Context, clause: Clause) -> bool:
    """ "ROMA – Come anticipato da X, c'è l'intesa ... per Zirkzee": a round-up section
    header (just a club) before the relay does not make it apply to the previous player."""
    clauses = ctx.article.sentences[clause.sentence].clauses
    before = [c for c in clauses if c.start < clause.start]
    return (
        bool(before)
        and all(
            re.fullmatch(r"[\W]*", ctx.article.text[c.start : c.end].replace(m.surface, "", 1))
            for c in before
            for m in _clubs_in(ctx, c.start, c.end)[:1]
        )
        and all(_clubs_in(ctx, c.start, c.end) for c in before)
    )


def _candidate(
    ctx: _Context, p: Person, m: ClubMention, sentence: int, counterpart: bool = False
) -> bool:
    if m.club_id == ctx.seller.get(p.key) or m.club_id in ctx.former[p.key]:
        return False
    role = _role(ctx, m, sentence)[0]
    # in the clause that names it, the other party of a negotiation is the buyer when
    # the seller is someone else ("accordo con l'Eintracht" for a Roma player)
    return role in (BUYER, NEUTRAL) or counterpart and role == COUNTERPART and p.key in ctx.seller


def _buyers_for(
    ctx: _Context,
    p: Person,
    clause: Clause,
    last_buyer: dict[str, str],
    strong_buyer: dict[str, str] | None = None,
) -> list[str]:
    """The buying club(s) a clause speaks of for player p: in the clause; else the club
    last named as p's destination ("riporterebbe Koopmeiners a Bergamo"); else in the
    sentence (before, then after); else p's last buyer; else the paragraph; else the
    club the article is about."""
    strong_buyer = {} if strong_buyer is None else strong_buyer
    here: list[str] = []
    tied: list[str] = []
    for m in _clubs_in(ctx, clause.start, clause.end):
        if not _candidate(ctx, p, m, clause.sentence, counterpart=True):
            continue
        role, gap_player = _role(ctx, m, clause.sentence)
        if role == "place":
            continue
        if gap_player is not None and gap_player is not p and role == BUYER:
            continue  # "porterebbe Éderson alla Continassa" is Éderson's destination only
        (tied if role == BUYER else here).append(m.club_id)
    if tied:
        strong_buyer[p.key] = tied[-1]
    if tied or here:
        return list(dict.fromkeys(tied or here))
    if p.key in strong_buyer:
        return [strong_buyer[p.key]]
    s = ctx.article.sentences[clause.sentence]
    before = [
        m for m in _clubs_in(ctx, s.start, clause.start) if _candidate(ctx, p, m, clause.sentence)
    ]
    if before:
        return [before[-1].club_id]
    after = [
        m.club_id
        for m in _clubs_in(ctx, clause.end, s.end)
        if _candidate(ctx, p, m, clause.sentence)
    ]
    if after:
        return list(dict.fromkeys(after))
    if p.key in last_buyer:
        return [last_buyer[p.key]]
    paragraph_start = min(x.start for x in ctx.article.sentences if x.paragraph == clause.paragraph)
    earlier = [
        m
        for m in _clubs_in(ctx, paragraph_start, clause.start)
        if _candidate(ctx, p, m, _sentence_of(ctx, m.start))
    ]
    if earlier:
        return [earlier[-1].club_id]
    return _article_buyer(ctx, p)


def _article_buyer(ctx: _Context, p: Person) -> list[str]:
    """The club the whole article is about, for a clause that names none: the most
    mentioned club that could be a buyer for p (ties: the first mentioned)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in ctx.clubs:
        if _candidate(ctx, p, m, _sentence_of(ctx, m.start)):
            counts[m.club_id] += 2 if m.start < ctx.article.title_end else 1
            first.setdefault(m.club_id, m.start)
    if not counts:
        return []
    return [max(counts, key=lambda c: (counts[c], -first[c]))]


def _sentence_of(ctx: _Context, offset: int) -> int:
    for i, s in enumerate(ctx.article.sentences):
        if s.start <= offset < s.end:
            return i
    return len(ctx.article.sentences) - 1


def _attach_orphans(ctx: _Context, moves: dict[tuple[str, str | None], _Move]) -> None:
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


# ------------------------------------------------------------------ moves -> claims


def _stage(cues: list[tuple[int, Cue]]) -> tuple[str, list[int]]:
    current = [(pos, c) for pos, c in cues if not c.past] or cues
    stages = {c.stage for _, c in current}
    for negative in ("collapsed", "denied"):
        if negative in stages:
            return negative, [pos for pos, c in current if c.stage == negative]
    best = max(stages, key=lambda s: ORDER[s])
    return best, [pos for pos, c in current if c.stage == best]


def _claims(
    ctx: _Context,
    moves: dict[tuple[str, str | None], _Move],
    index: ClubIndex,
    known: Sequence[KnownSource],
    outlet_id: str | None,
) -> list[Claim]:
    article = ctx.article
    persons = {p.key: p for p in ctx.players}
    official_sources = club_source(known, index.lookup)
    claims: list[tuple[int, Claim]] = []
    for (pkey, buyer), move in moves.items():
        if buyer is None or buyer == ctx.seller.get(pkey) or not (move.cues or move.title_link):
            continue
        stage, stage_clauses = _stage(move.cues) if move.cues else ("interest", [])
        fee = _pick_fee(move, stage_clauses)
        evidence = tuple(article.sentence_text(i) for i in sorted(move.sentences)) or (
            article.sentence_text(_sentence_of(ctx, move.first)),
        )
        joined = " ".join(evidence)
        relay = move.relays[0] if move.relays else None
        cites, cites_id = (relay.cites, relay.cites_id) if relay else (None, None)
        if (
            stage == "official"
            and not relay
            and buyer in official_sources
            and official_sources[buyer].id != outlet_id
            and _OFFICIAL_SOURCE_CUE.search(joined)
        ):
            cites, cites_id = official_sources[buyer].name, official_sources[buyer].id
        deal = deal_shape(joined) or ("transfer" if fee and fee.eur else None)
        person = persons[pkey]
        if (
            deal == "swap"
            and not move.named_destination
            and any(
                k[0] == pkey and k[1] != buyer and m.named_destination for k, m in moves.items()
            )
        ):
            continue  # in a swap, the club named as this player's destination wins
        claims.append(
            (
                move.first,
                Claim(
                    player=person.display,
                    player_key=pkey,
                    to_club=buyer,
                    from_club=ctx.seller.get(pkey),
                    stage=stage,
                    fee_eur=None
                    if stage in NEGATIVE and fee is None
                    else (fee.eur if fee else None),
                    fee_max_eur=fee.max_eur if fee else None,
                    deal=deal,
                    cites=cites,
                    cites_id=cites_id,
                    hedged=is_hedged(joined),
                    evidence=evidence,
                ),
            )
        )
    claims.sort(key=lambda x: (x[0], x[1].player_key, x[1].to_club or ""))
    return _complete_swaps([c for _, c in claims])


def _pick_fee(move: _Move, stage_clauses: list[int]) -> Fee | None:
    if not move.fees:
        return None
    with_stage = [f for pos, f in move.fees if pos in stage_clauses]
    return (with_stage or [f for _, f in sorted(move.fees, key=lambda x: x[1].start)])[0]


def _complete_swaps(claims: list[Claim]) -> list[Claim]:
    """In a swap each player leaves for the club the other one comes from."""
    swaps = [c for c in claims if c.deal == "swap"]
    if len(swaps) != 2 or swaps[0].to_club == swaps[1].to_club:
        return claims
    a, b = swaps
    fixed = {
        id(a): a if a.from_club else _replace(a, from_club=b.to_club),
        id(b): b if b.from_club else _replace(b, from_club=a.to_club),
    }
    return [fixed.get(id(c), c) for c in claims]


def _replace(claim: Claim, **changes: object) -> Claim:
    return replace(claim, **changes)  # type: ignore[arg-type]


__all__ = ["KnownSource", "extract_claims"]
