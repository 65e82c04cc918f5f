"""Buyers: which club a clause speaks of as the destination of the player in focus.

The nearest club that can be one wins: in the clause (a club tied to the player, "Prati
al Genoa", before any other); else the club last tied to him; else in the sentence
(before, then after); else his last buyer; else earlier in the paragraph; else the club
the whole article is about. A club the text sends the player to ("porterebbe Rossi in
rossoblù") is his destination even if he played there before. Otherwise a club can be a
buyer when it is not the player's current or past club and its role there is buyer or
neutral (or, in the clause itself, the other side of a negotiation for a player whose
club is known: "accordo con l'Eintracht" for a Roma player; or the club his side denies
talking to: the agent's "Nessun contatto con il Torino" denies the Torino's move for him).
"""

from __future__ import annotations

import re
from collections import Counter

from .clubs import ClubMention
from .context import Context
from .direction import BUYER, COUNTERPART, NEUTRAL
from .players import Person
from .sentences import Clause


def can_buy(
    ctx: Context, p: Person, m: ClubMention, sentence: int, counterpart: bool = False,
    denial: bool = False,
) -> bool:
    if m.id == ctx.seller.get(p.key) or m.id in ctx.former[p.key]:
        return False
    role = ctx.role(m, sentence)[0]
    if role in (BUYER, NEUTRAL):
        return True
    # the other side of a negotiation buys him when his club is known and is another, or
    # when his side denies talking to it ("Nessun contatto con il Torino")
    known = ctx.known.get(p.key)
    his_club = ctx.seller.get(p.key) or (known.club_then if known and known.dated else None)
    return counterpart and role == COUNTERPART and (his_club is not None or denial)


def buyers_for(
    ctx: Context,
    p: Person,
    clause: Clause,
    last_buyer: dict[str, str],
    strong_buyer: dict[str, str] | None = None,
    denial: bool = False,
) -> list[str]:
    """The buying club(s) a clause speaks of for player p (see the module docstring).

    `strong_buyer` (updated here) keeps the club last tied to each player; `denial`: the
    clause denies contacts, so the club it names as the other side is the would-be buyer."""
    strong_buyer = {} if strong_buyer is None else strong_buyer
    here: list[str] = []
    tied: list[str] = []
    for m in ctx.clubs_in(clause.start, clause.end):
        role, gap_player = ctx.role(m, clause.sentence)
        if role == BUYER and gap_player is p and m.id != ctx.seller.get(p.key):
            tied.append(m.id)  # "riporterebbe Rossi in rossoblù": a return is a move
            continue
        if not can_buy(ctx, p, m, clause.sentence, counterpart=True, denial=denial):
            continue
        if role == "place":
            continue
        if gap_player is not None and gap_player is not p and role == BUYER:
            continue  # "porterebbe Éderson alla Continassa" is Éderson's destination only
        (tied if role == BUYER else here).append(m.id)
    if tied:
        strong_buyer[p.key] = tied[-1]
    if tied or here:
        return list(dict.fromkeys(tied or here))
    if p.key in strong_buyer:
        return [strong_buyer[p.key]]
    s = ctx.article.sentences[clause.sentence]
    before = [
        m for m in ctx.clubs_in(s.start, clause.start) if can_buy(ctx, p, m, clause.sentence)
    ]
    if before:
        return [before[-1].id]
    after = [m for m in ctx.clubs_in(clause.end, s.end) if can_buy(ctx, p, m, clause.sentence)]
    if after:
        # the nearest, and the clubs coordinated with it ("..., Roma e Lazio ci pensano");
        # not every club the rest of a long sentence names
        chosen = [after[0]]
        for m in after[1:]:
            if not re.fullmatch(r"\s*(?:,|e|ed|o)\s*(?:(?:il|lo|la|l'|i)\s*)?",
                                ctx.article.text[chosen[-1].end : m.start], re.IGNORECASE):
                break
            chosen.append(m)
        return list(dict.fromkeys(m.id for m in chosen))
    if p.key in last_buyer:
        return [last_buyer[p.key]]
    paragraph_start = min(x.start for x in ctx.article.sentences if x.paragraph == clause.paragraph)
    earlier = [
        m
        for m in ctx.clubs_in(paragraph_start, clause.start)
        if can_buy(ctx, p, m, ctx.sentence_of(m.start))
    ]
    if earlier:
        return [earlier[-1].id]
    return article_buyer(ctx, p)


def article_buyer(ctx: Context, p: Person) -> list[str]:
    """The club the whole article is about, for a clause that names none: the most
    mentioned club that could be a buyer for p (ties: the first mentioned)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in ctx.clubs:
        if can_buy(ctx, p, m, ctx.sentence_of(m.start)):
            counts[m.id] += 2 if m.start < ctx.article.title_end else 1
            first.setdefault(m.id, m.start)
    if not counts:
        return []
    return [max(counts, key=lambda c: (counts[c], -first[c]))]
