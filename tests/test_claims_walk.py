"""The walk: who each clause is about - epithets, round-up sections, relays said before
the name. Invented articles."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.claims import KnownSource, direction, extract_claims
from tests.budget import examples

KNOWN = (
    KnownSource("faro", "Il Faro del Mercato", ("Faro Mercato",)),
    KnownSource("lancia", "Lancia Sport", ()),
)


def test_a_nationality_epithet_points_at_the_one_player_of_that_nationality():
    claims = extract_claims(
        "Lecce, stop per Svensson: ora si pensa a Moreno",
        "La trattativa per lo svedese si è arenata.\n\n"
        "Niente da fare per Erik Svensson. Il Lecce ha interrotto i contatti per l'attaccante "
        "svedese con il Malmö.\n\n"
        "Il nome nuovo è Pablo Moreno del Betis. Lo spagnolo piace molto.",
    )
    got = {(c.player_key, c.stage) for c in claims}
    assert got == {("erik svensson", "collapsed"), ("pablo moreno", "interest")}


def test_an_epithet_shared_by_two_players_identifies_neither():
    claims = extract_claims(
        "Il Como su Pérez e Vidal",
        "Il Como ha messo nel mirino Tomás Pérez del Boca. Il centrocampista argentino piace.\n\n"
        "Offerta del Como al River per Matías Vidal. L'attaccante argentino costa 9 milioni.\n\n"
        "L'argentino ha già detto sì.",
    )
    got = {c.player_key: c.stage for c in claims}
    # "l'argentino" could be either: the last paragraph stays with the player in focus
    assert got == {"tomas perez": "interest", "matias vidal": "bid"}


def test_a_round_up_section_header_starts_a_new_subject_and_a_relay_waits_for_its_name():
    claims = extract_claims(
        "Il punto sul mercato: Nzola, Bianco e Mertens",
        "GENOA – Come rivela il Faro del Mercato, c'è l'intesa con il Lecce per Mbala Nzola.\n\n"
        "TORINO – Primi contatti con il Monza per Alessandro Bianco.\n\n"
        "LAZIO – Secondo Lancia Sport, offerta al Galatasaray per Dries Mertens.",
        known_sources=KNOWN,
    )
    got = {(c.player_key, c.to_club, c.cites) for c in claims}
    assert got == {
        ("mbala nzola", "genoa", "Il Faro del Mercato"),
        ("alessandro bianco", "torino", None),
        ("dries mertens", "lazio", "Lancia Sport"),
    }


# --- order independence of paragraphs about different players

_PLAYERS = [
    ("Tommaso Ferri", "Ferri"),
    ("Jonas Lindqvist", "Lindqvist"),
    ("Mateo Sandoval", "Sandoval"),
    ("Kwame Osei", "Osei"),
    ("Piotr Zielak", "Zielak"),
]
_CLUBS = ["Genoa", "Lecce", "Cagliari", "Udinese", "Empoli", "Verona", "Monza", "Parma"]
_SENTENCES = [
    "Il {buyer} ha presentato un'offerta da {fee} milioni al {seller} per {full}.",
    "Secondo Lancia Sport, il {buyer} ha avviato i contatti con il {seller} per {full}.",
    "Il {buyer} ha messo nel mirino {full} del {seller}. {short} piace molto.",
    "Fumata bianca tra {buyer} e {seller} per {full}: manca solo la firma.",
    "Il {buyer} ha raggiunto l'accordo con il {seller} per {full}, affare da {fee} milioni.",
]


@st.composite
def _paragraphs(draw):
    n = draw(st.integers(2, 4))
    players = draw(st.permutations(_PLAYERS))[:n]
    paragraphs = []
    for full, short in players:
        buyer, seller = draw(st.lists(st.sampled_from(_CLUBS), min_size=2, max_size=2, unique=True))
        template = draw(st.sampled_from(_SENTENCES))
        fee = draw(st.integers(2, 40))
        paragraphs.append(
            template.format(buyer=buyer, seller=seller, full=full, short=short, fee=fee)
        )
    order = draw(st.permutations(range(n)))
    return paragraphs, order


def _claim_set(title, paragraphs):
    claims = extract_claims(title, "\n\n".join(paragraphs), known_sources=KNOWN)
    return {
        (c.player_key, c.to_club, c.from_club, c.stage, c.fee_eur, c.deal, c.cites, c.hedged)
        for c in claims
    }


@settings(max_examples=examples(150), deadline=None)
@given(_paragraphs())
def test_reordering_self_contained_paragraphs_does_not_change_the_claims(case):
    """Paragraphs that each name their player and both clubs make the same claims in any
    order. This cannot hold for paragraphs that lean on their neighbours, and is not
    tested for them: a paragraph that names no player continues the previous one ("Il
    centrocampista piace anche al Lecce"), a clause that names no club falls back on the
    club the whole article is about (most mentioned, ties broken by the first mention),
    and a player's current club is decided over the whole article - so moving a
    paragraph that relies on its predecessor, or breaking a tie, may move a claim."""
    paragraphs, order = case
    title = "Il punto sul mercato"
    assert _claim_set(title, paragraphs) == _claim_set(title, [paragraphs[i] for i in order])


@pytest.mark.parametrize("rule", direction.RULES, ids=lambda r: r.example)
def test_each_direction_rule_is_the_first_to_hold_on_its_example(rule):
    # the table is the documentation: each rule's invented example reaches that rule
    text = rule.example
    start = text.index("[")
    end = text.index("]") - 1
    sentence = text.replace("[", "").replace("]", "")
    name = re.search(r"Rossi(?=.{0,8}$)", sentence[:start])
    gap = sentence[name.end() : start] if name else None
    where = direction.Where(sentence, start, end, gap, sentence[start].islower())
    first = next(r for r in direction.RULES if r.test(where))
    assert first is rule
    assert direction.club_role(sentence, start, end, gap, sentence[start].islower()) == rule.role
