"""Moves to claims: everything the article said about one (player, buying club) pair
becomes at most one `Claim`.

A `Move` gathers the stage cues, fees and relays filed under the pair while the
assembly walked the article. Here they are weighed: the stage (the furthest current
stage, a collapse or a denial winning), the fee (one said with that stage first), the
cited source (or the buying club's own site, for an announcement read there), the deal
shape and the hedging - and in a swap, each player's club of origin is the other
player's destination.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..model import Claim
from .clubs import ClubIndex
from .context import Context
from .direction import OPPONENT
from .fees import Fee
from .known import Known, canonical_key, spelling
from .relays import KnownSource, Relay, club_source
from .stages import NEGATIVE, ORDER, Cue, deal_shape, is_hedged

_OFFICIAL_SOURCE_CUE = re.compile(
    r"comunicat|sito ufficiale|annunciat|nota ufficiale|ha annunciato", re.IGNORECASE
)


@dataclass
class Move:
    """Everything the article says about one (player, buying club) pair."""

    cues: list[tuple[int, Cue]] = field(default_factory=list)  # (clause start, cue)
    # official cues said where the club is not named for him: his only if the text ties
    # him to the club elsewhere
    loose: list[tuple[int, Cue]] = field(default_factory=list)
    fees: list[tuple[int, Fee]] = field(default_factory=list)
    relays: list[Relay] = field(default_factory=list)
    sentences: set[int] = field(default_factory=set)
    first: int = 10**9
    title_link: bool = False
    named_destination: bool = False  # the text ties this club to the player ("Prati al Genoa")
    # a done deal of a window list ("Acquisti: Rossi (Lecce, prestito)"), with its own deal
    listed: bool = False
    deal: str | None = None


Moves = dict[tuple[str, str | None], Move]

# a recorded move this many days before a story reporting it as done is that move
_JUST_MOVED_DAYS = 120
_BUY_OUT = re.compile(r"\briscatt(?:are|arlo|arla|erà|erebbe|eranno|erebbero|o)\b", re.IGNORECASE)


def _stage(cues: list[tuple[int, Cue]]) -> tuple[str, list[int]]:
    current = [(pos, c) for pos, c in cues if not c.past] or cues
    stages = {c.stage for _, c in current}
    for negative in ("collapsed", "denied"):
        if negative in stages:
            return negative, [pos for pos, c in current if c.stage == negative]
    best = max(stages, key=lambda s: ORDER[s])
    return best, [pos for pos, c in current if c.stage == best]


def claims_of(
    ctx: Context,
    moves: Moves,
    index: ClubIndex,
    known: Sequence[KnownSource],
    outlet_id: str | None,
    swap_pairs: Collection[frozenset[str]] = (),
) -> list[Claim]:
    """The claims of an article's moves, in the order the article makes them.

    `swap_pairs`: the player keys the article names together in a swap.
    """
    article = ctx.article
    persons = {p.key: p for p in ctx.players}
    official_sources = club_source(known, index.lookup)
    claims: list[tuple[int, Claim]] = []
    article_clubs = {m.id for m in ctx.clubs}
    # a club the article names as a match opponent ("il prossimo avversario è l'Atalanta")
    # is a destination only where the text ties the player to it
    opponents = {m.id for m in ctx.clubs if ctx.role(m, ctx.sentence_of(m.start))[0] == OPPONENT}
    for (pkey, buyer), move in moves.items():
        if buyer is None or buyer == ctx.seller.get(pkey) or not (move.cues or move.title_link):
            continue
        if buyer in opponents and not move.named_destination:
            continue
        who = ctx.known.get(pkey)
        seller = ctx.seller.get(pkey)
        inferred = False
        ref, then = who.for_move(buyer, article_clubs) if who else (None, None)
        evidence = tuple(article.sentence_text(i) for i in sorted(move.sentences)) or (
            article.sentence_text(ctx.sentence_of(move.first)),
        )
        joined = " ".join(evidence)
        if then is not None and move.listed and (buyer == then or move.deal == "free"):
            # the list says he moved there (data that has him there agrees), or that he
            # came as a free agent: the data's club is not the one he left
            then = None
        if then is not None and buyer == then:
            other = _other_club(ctx, move, then) if not move.named_destination else None
            if not (who and who.dated) and not (other and who and who.player is ref):
                # the data is older than the story: he may be at the buyer because of it
                then = None
            elif not (who and who.dated) and other is not None:
                # "Napoli-Marsiglia, accordo di massima per Højbjerg": nothing in the text
                # ties him to either club, and the data has him at one: the other buys
                if (pkey, other) in moves:
                    continue  # that move is claimed in its own right
                buyer, seller, inferred = other, then, True
            elif who.player is ref and (_BUY_OUT.search(joined) or _just_moved(who, move)):
                # "la Salernitana vuole riscattare Kiyine": the club he is on loan at buys
                # him from the club that lent him; or the data records the very move the
                # article reports as done ("Rossi è stato ceduto al Lecce" a week after it).
                # Either way he moves from the club he came from.
                then = None
                if seller is None and who.came_from is not None:
                    seller, inferred = who.came_from, True
            elif seller is None:
                continue  # the club he played for that day is no destination
            else:
                # "Napoli-Marsiglia, accordo per Højbjerg": read as a move to the club he
                # played for that day, the other club of the deal is the buyer
                buyer, seller = seller, then
                if any(k == (pkey, buyer) for k in moves):
                    continue  # that move is claimed in its own right
        if seller is None and then is not None and then in ctx.former[pkey]:
            then = None  # "l'ex terzino del Milan": the text has him gone from the data's club
        if seller is None and then is not None:
            # a loanee is sold by the club that owns him, not the one he is on loan at
            seller, inferred = (who.owner if who and who.owner else then), True
        if seller is not None and seller == buyer:
            continue  # a club is no move away from itself (a loanee's owner taking him back)
        stage, stage_clauses = _stage(move.cues) if move.cues else ("interest", [])
        fee = _pick_fee(move, stage_clauses)
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
        deal = (
            move.deal
            if move.listed
            else deal_shape(joined) or ("transfer" if fee and fee.eur else None)
        )
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
                    player=spelling(persons[pkey].display, who),
                    player_key=canonical_key(ref) if ref else pkey,
                    player_ref=ref.id if ref else None,
                    from_inferred=inferred,
                    to_club=buyer,
                    from_club=seller,
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
    # two names of one registry player ("Gigio", "Donnarumma") make one claim per club
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for _, c in claims:
        if (c.player_key, c.to_club) not in seen:
            seen.add((c.player_key, c.to_club))
            unique.append(c)
    final = {
        pkey: canonical_key(k.player) for pkey, k in ctx.known.items() if k.player is not None
    }
    pairs = {frozenset(final.get(k, k) for k in pair) for pair in swap_pairs}
    # where each claim is first made: claims of one sentence, or of one title, are read
    # together as one deal
    where = {id(c): (ctx.article.sentences[ctx.sentence_of(first)].paragraph == 0,
                     ctx.sentence_of(first)) for first, c in claims}
    return complete_swaps(unique, [p for p in pairs if len(p) == 2], where)


def _just_moved(who: Known, move: Move) -> bool:
    """A move to his club of the day recorded within _JUST_MOVED_DAYS before a story that
    reports it at least agreed."""
    return (
        who.since_move is not None
        and who.since_move <= _JUST_MOVED_DAYS
        and bool(move.cues)
        and ORDER.get(_stage(move.cues)[0], -1) >= ORDER["agreement"]
    )


# "tra il Napoli e il Marsiglia", "fra Inter e Parma": the two sides of one deal
_BETWEEN = re.compile(r"\b(?:tra|fra)\s+(?:(?:il|lo|la|l'|i|gli|le)\s*)?$", re.IGNORECASE)
_AND = re.compile(r"\s+e\s+(?:(?:il|lo|la|l'|i|gli|le)\s*)?", re.IGNORECASE)


def _other_club(ctx: Context, move: Move, club: str) -> str | None:
    """The club paired with `club` in the sentence a move was first read in, by a dash or
    as "tra X e Y" ("Napoli-Marsiglia, accordo per Højbjerg", "contatti tra Napoli e
    Marsiglia per Højbjerg": the two sides of one deal)."""
    s = ctx.article.sentences[ctx.sentence_of(move.first)]
    mentions = ctx.clubs_in(s.start, s.end)
    text = ctx.article.text
    for a, b in zip(mentions, mentions[1:], strict=False):
        between = text[a.end : b.start]
        paired = re.fullmatch(r"\s*[-–]\s*", between) or (
            _AND.fullmatch(between) and _BETWEEN.search(text[max(s.start, a.start - 12) : a.start]))
        if paired and club in (a.id, b.id):
            other = b.id if a.id == club else a.id
            return other if other != club else None
    return None


def _pick_fee(move: Move, stage_clauses: list[int]) -> Fee | None:
    if not move.fees:
        return None
    with_stage = [f for pos, f in move.fees if pos in stage_clauses]
    return (with_stage or [f for _, f in sorted(move.fees, key=lambda x: x[1].start)])[0]


def complete_swaps(
    claims: list[Claim],
    swap_pairs: Collection[frozenset[str]] = (),
    where: Mapping[int, tuple[bool, int]] | None = None,
) -> list[Claim]:
    """In a swap each player leaves for the club the other one comes from.

    The two players of a swap are the pair the article names together with swap words
    ("scambio Ilić-Mandragora"), else the only two claims whose deal is a swap. A swap
    needs two different destinations: each player's single claim gives the other's origin.
    """
    pairs: list[tuple[Claim, Claim]] = []
    for pair in swap_pairs:
        a_key, b_key = sorted(pair)
        a_claims = [c for c in claims if c.player_key == a_key]
        b_claims = [c for c in claims if c.player_key == b_key]
        if len(a_claims) == 1 and len(b_claims) == 1:
            pairs.append((a_claims[0], b_claims[0]))
    if not pairs:
        swaps = [c for c in claims if c.deal == "swap"]
        if len(swaps) == 2:
            pairs.append((swaps[0], swaps[1]))
    fixed: dict[int, Claim] = {}
    for a, b in pairs:
        if a.to_club == b.to_club:
            # both read as going to one club ("Juve-Atalanta, prende quota lo scambio
            # Rossi-Bianchi"): the one coming from elsewhere goes there, and the other comes
            # from there to the club he leaves
            sure = [c for c in (a, b) if c.from_club not in (None, c.to_club)]
            if len(sure) == 1:
                k = sure[0]
                other = b if k is a else a
                if other.from_club in (None, k.to_club):  # nothing puts him elsewhere
                    fixed[id(k)] = _replace(k, deal="swap")
                    fixed[id(other)] = _replace(other, from_club=k.to_club, to_club=k.from_club,
                                                from_inferred=False, deal="swap")
            continue
        fixed[id(a)] = _replace(a, from_club=a.from_club or b.to_club, deal="swap")
        fixed[id(b)] = _replace(b, from_club=b.from_club or a.to_club, deal="swap")
    # "La Fiorentina spinge per Fabbian, al Bologna andrebbe Sohm": one sentence sends one
    # player from the Bologna to the Fiorentina and another to the Bologna - he comes from
    # the Fiorentina, whatever an older record of his club says
    for a in claims:
        for b in claims:
            if (
                a is not b
                and id(b) not in fixed
                and (b.from_club is None or b.from_inferred)
                and a.from_club is not None
                and a.from_club == b.to_club
                and a.to_club not in (None, b.to_club)
                and a.player_key != b.player_key
                and _together(a, b, where or {})
            ):
                fixed[id(b)] = _replace(b, from_club=a.to_club, from_inferred=False)
    return [fixed.get(id(c), c) for c in claims]


def _together(a: Claim, b: Claim, where: Mapping[int, tuple[bool, int]]) -> bool:
    """Two claims made in one sentence, or both in the title."""
    wa, wb = where.get(id(a)), where.get(id(b))
    if wa and wb and (wa[1] == wb[1] or wa[0] and wb[0]):
        return True
    return bool(set(a.evidence) & set(b.evidence))


def _replace(claim: Claim, **changes: object) -> Claim:
    return replace(claim, **changes)  # type: ignore[arg-type]
