"""Rumour grouping on the labelled corpora's gold claims, spelt the ways articles spell.

Claims are built from content.yaml's labels (article time and outlet, each claim's move:
player, from, to); club names become slugs here ("Atlético Madrid" -> "atletico-madrid"),
independent of the claims package's clubs index. Hypothesis re-spells each player the
ways articles do - diacritics dropped, surname only, a one-letter slip - and checks two
things: B-cubed F1 against the gold moves stays >= 0.95, and any order of the same
claims (some given twice) gives the same grouping.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.metrics import bcubed
from pipeline.model import Claim
from pipeline.rumours import ClaimRef, group_claims
from tests.budget import examples

CORPORA = Path(__file__).parent / "fixtures" / "corpus"
F1_FLOOR = 0.95


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slug(club: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in fold(club).lower()).split())


def extractor_key(name: str) -> str:
    """What the claims extractor puts in player_key: lowercase ASCII words."""
    return " ".join("".join(c if c.isalnum() else " " for c in fold(name).lower()).split())


@dataclass(frozen=True)
class Gold:
    claim_id: int
    article_id: int
    outlet: str
    published: dt.datetime
    move: str
    player: str
    from_club: str | None
    to_club: str | None
    stage: str


@lru_cache
def gold_claims(corpus: str, first_id: int = 1) -> tuple[Gold, ...]:
    data = yaml.safe_load((CORPORA / corpus / "content.yaml").read_text(encoding="utf-8"))
    out: list[Gold] = []
    for article_no, article in enumerate(data["articles"]):
        published = article["published"]
        if isinstance(published, str):
            published = dt.datetime.fromisoformat(published)
        for claim in article["claims"]:
            move = data["moves"][claim["move"]]
            out.append(Gold(
                claim_id=first_id + len(out), article_id=first_id + article_no,
                outlet=article["outlet"], published=published.astimezone(dt.UTC),
                move=claim["move"], player=move["player"],
                from_club=slug(move["from"]) if move.get("from") else None,
                to_club=slug(move["to"]) if move.get("to") else None, stage=claim["stage"]))
    return tuple(out)


def both_corpora() -> tuple[Gold, ...]:
    a = gold_claims("dev-a")
    return a + gold_claims("dev-b", first_id=len(a) + 1000)


def as_ref(gold: Gold, spelt: str) -> ClaimRef:
    return ClaimRef(
        claim_id=gold.claim_id, article_id=gold.article_id, outlet_id=gold.outlet,
        published_at=gold.published,
        claim=Claim(player=spelt, player_key=extractor_key(spelt), to_club=gold.to_club,
                    from_club=gold.from_club, stage=gold.stage))


# ---------------------------------------------------------------- spellings

def surname(name: str) -> str:
    """What an article writes for the surname alone: all but the first name ("Kolo Muani"
    of "Randal Kolo Muani"); a one-word name stays whole ("Éderson")."""
    words = name.split()
    return " ".join(words[1:]) if len(words) > 1 else name


RESPELL = {
    "as written": lambda name: name,
    "no diacritics": fold,
    "surname only": surname,
    "surname, no diacritics": lambda name: fold(surname(name)),
}


@st.composite
def slip(draw: st.DrawFn, name: str) -> str:
    """One keyboard slip in one word of 3+ letters: a letter dropped, doubled, replaced,
    or two neighbours swapped (never the first letter, which writers rarely miss)."""
    words = name.split()
    i = draw(st.sampled_from([k for k, w in enumerate(words) if len(w) >= 3]))
    word = words[i]
    at = draw(st.integers(1, len(word) - 1))
    kind = draw(st.sampled_from(["drop", "double", "replace", "swap"]))
    letter = draw(st.sampled_from("aeiourlnstcmk"))
    if kind == "drop":
        word = word[:at] + word[at + 1:]
    elif kind == "double":
        word = word[:at] + word[at] + word[at:]
    elif kind == "replace":
        word = word[:at] + letter + word[at + 1:]
    elif at < len(word) - 1:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    words[i] = word
    return " ".join(words)


@st.composite
def respelt(draw: st.DrawFn, golds: Sequence[Gold]) -> list[ClaimRef]:
    """The gold claims, each player spelt one of the `RESPELL` ways, and up to one claim
    in ten with a slip in its full name (a slip in a bare surname is not resolvable by
    design: "Kine" may be Koné or Kane)."""
    kinds = draw(st.lists(st.sampled_from(sorted(RESPELL)), min_size=len(golds),
                          max_size=len(golds)))
    slipped = draw(st.sets(st.integers(0, len(golds) - 1), max_size=len(golds) // 10))
    refs = []
    for i, (gold, kind) in enumerate(zip(golds, kinds, strict=True)):
        name = RESPELL[kind](gold.player)
        if i in slipped and not kind.startswith("surname"):
            name = draw(slip(name))
        refs.append(as_ref(gold, name))
    return refs


def f1_against_moves(refs: Sequence[ClaimRef], golds: Sequence[Gold]) -> float:
    grouping = group_claims(refs)
    predicted = {c: r.id for r in grouping.rumours for c in r.claim_ids}
    return bcubed(predicted, {g.claim_id: g.move for g in golds}).f1


# ---------------------------------------------------------------- quality

def test_gold_claims_as_written_are_grouped_exactly() -> None:
    for corpus in ("dev-a", "dev-b"):
        golds = gold_claims(corpus)
        assert f1_against_moves([as_ref(g, g.player) for g in golds], golds) == 1.0


def test_every_spelling_alone_is_grouped_exactly() -> None:
    for corpus in ("dev-a", "dev-b"):
        golds = gold_claims(corpus)
        for kind, respell in RESPELL.items():
            refs = [as_ref(g, respell(g.player)) for g in golds]
            assert f1_against_moves(refs, golds) == 1.0, (corpus, kind)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_b_cubed_with_respelt_players(data: st.DataObject) -> None:
    for corpus in ("dev-a", "dev-b"):
        golds = gold_claims(corpus)
        refs = data.draw(respelt(golds), label=corpus)
        assert f1_against_moves(refs, golds) >= F1_FLOOR


def test_marcus_and_khephren_thuram_are_two_players_in_dev_a() -> None:
    golds = gold_claims("dev-a")
    grouping = group_claims([as_ref(g, surname(g.player)) for g in golds])
    thuram = {r.id for r in grouping.rumours if r.player_id == "thuram"}
    # Surname only everywhere: one "thuram" player, still two rumours (two destinations).
    assert thuram == {"thuram/arsenal/2027-01", "thuram/newcastle-united/2027-01"}
    full = group_claims([as_ref(g, g.player) for g in golds])
    assert {"marcus-thuram", "khephren-thuram"} <= {p.id for p in full.players}


# ---------------------------------------------------------------- order independence

def assert_order_independent(refs: list[ClaimRef], data: st.DataObject) -> None:
    order = data.draw(st.permutations(refs), label="order")
    again = data.draw(st.lists(st.sampled_from(refs), max_size=5), label="again")
    assert group_claims([*order, *again]) == group_claims(refs)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_order_of_the_corpora_gives_one_grouping(data: st.DataObject) -> None:
    refs = data.draw(respelt(both_corpora()), label="claims")
    assert_order_independent(refs, data)


# Players chosen to collide: shared surnames, one-edit surnames, a nickname, a mononym
# shared with a full name, a compound surname. (name, current club)
TRICKY = [
    ("Marcus Thuram", "inter"), ("Khéphren Thuram", "juventus"),
    ("Lautaro Martínez", "inter"), ("Lisandro Martínez", "manchester-united"),
    ("Emiliano Martínez", "aston-villa"),
    ("Theo Hernández", "al-hilal"), ("Lucas Hernández", "paris-saint-germain"),
    ("Enzo Fernández", "chelsea"),
    ("Khvicha Kvaratskhelia", "paris-saint-germain"), ("Dušan Vlahović", "juventus"),
    ("Joe Gomez", "liverpool"), ("Manu Koné", "roma"), ("Harry Kane", "bayern-munich"),
    ("Moise Kean", "fiorentina"), ("Ivan Ilić", "torino"), ("Josip Iličić", "maribor"),
    ("Randal Kolo Muani", "paris-saint-germain"), ("Éderson", "atalanta"),
    ("Ederson Moraes", "manchester-city"),
]
CLUBS = ["milan", "roma", "napoli", "juventus", "inter", "arsenal", None]


@st.composite
def tricky_claims(draw: st.DrawFn) -> list[ClaimRef]:
    n = draw(st.integers(1, 60))
    refs = []
    for claim_id in range(1, n + 1):
        name, club = draw(st.sampled_from(TRICKY))
        kind = draw(st.sampled_from(["full", "no diacritics", "surname", "first name",
                                     "nickname", "slip"]))
        words = name.split()
        spelt = {"full": name, "no diacritics": fold(name), "surname": surname(name),
                 "first name": words[0], "nickname": words[-1][:5]}.get(kind)
        if spelt is None:
            spelt = draw(slip(name))
        day = draw(st.sampled_from(["2026-06-10", "2026-11-10", "2027-01-10"]))
        refs.append(ClaimRef(
            claim_id=claim_id, article_id=draw(st.integers(1, 8)), outlet_id="x",
            published_at=dt.datetime.fromisoformat(f"{day}T12:00:00+00:00"),
            claim=Claim(player=spelt, player_key=extractor_key(spelt),
                        to_club=draw(st.sampled_from(CLUBS)),
                        from_club=draw(st.sampled_from([club, None])), stage="talks")))
    return refs


@settings(max_examples=examples(150), deadline=None)
@given(data=st.data())
def test_any_order_of_colliding_names_gives_one_grouping(data: st.DataObject) -> None:
    assert_order_independent(data.draw(tricky_claims(), label="claims"), data)


@settings(max_examples=examples(30), deadline=None)
@given(refs=tricky_claims())
def test_grouping_is_a_partition_of_the_claims(refs: list[ClaimRef]) -> None:
    grouping = group_claims(refs)
    in_rumours = [c for r in grouping.rumours for c in r.claim_ids]
    assert sorted(in_rumours + list(grouping.unassigned)) == sorted(r.claim_id for r in refs)
    assert len({r.id for r in grouping.rumours}) == len(grouping.rumours)
    players = {p.id for p in grouping.players}
    assert len(players) == len(grouping.players)
    assert {r.player_id for r in grouping.rumours} <= players
    by_id = {r.claim_id: r for r in refs}
    for rumour in grouping.rumours:
        assert {by_id[c].claim.to_club for c in rumour.claim_ids} == {rumour.to_club}
        assert rumour.first_seen <= rumour.last_seen


def test_ids_do_not_depend_on_claim_ids() -> None:
    golds = gold_claims("dev-b")
    shifted = [replace(g, claim_id=g.claim_id + 7000) for g in golds]
    a = group_claims([as_ref(g, g.player) for g in golds])
    b = group_claims([as_ref(g, g.player) for g in shifted])
    assert [r.id for r in a.rumours] == [r.id for r in b.rumours]
    assert a.players == b.players
