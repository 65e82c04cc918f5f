"""Club notices and squad news: renewals, injuries, press-release kickers make no claim;
a move announced on a club's own page still does. Invented texts."""

import pytest

from pipeline.claims import KnownSource, extract_claims
from pipeline.claims.stages import is_page_label, is_squad_news, opens_hypothesis

CLUB_SITE = (KnownSource("genoacfc", "Genoa CFC", ("genoacfc.it",)),)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (
            "Mattia Bani prolunga fino al 2029",
            "Comunicato ufficiale\n\nGenoa CFC comunica di aver prolungato il contratto di "
            "Mattia Bani, che resterà legato al Club fino al 30 giugno 2029.\n\n"
            "«Sono orgoglioso di restare», ha detto Bani.",
        ),
        (
            "Aggiornamento medico: Koni De Winter",
            "Comunicato ufficiale\n\nGenoa CFC comunica che Koni De Winter si è sottoposto a "
            "esami strumentali che hanno evidenziato una lesione al polpaccio sinistro. "
            "Il difensore ha già iniziato l'iter riabilitativo con lo staff medico rossoblù.",
        ),
        (
            "Il capitano appende gli scarpini al chiodo",
            "Comunicato stampa\n\nGenoa CFC annuncia che Domenico Criscito si ritira dal "
            "calcio giocato al termine della stagione: il Club gli rende omaggio.",
        ),
    ],
)
def test_club_notice_about_its_own_player_is_no_claim(title, body):
    assert extract_claims(title, body, outlet_id="genoacfc", known_sources=CLUB_SITE) == []


def test_a_transfer_announced_on_the_club_site_is_still_official():
    claims = extract_claims(
        "Benvenuto Caleb Ekuban",
        "Comunicato ufficiale\n\nGenoa CFC comunica di aver acquisito a titolo definitivo "
        "dal Trabzonspor i diritti alle prestazioni sportive di Caleb Ekuban.",
        outlet_id="genoacfc",
        known_sources=CLUB_SITE,
    )
    assert [(c.player_key, c.to_club, c.stage) for c in claims] == [
        ("caleb ekuban", "genoa", "official")
    ]


def test_an_injury_mentioned_in_a_move_sentence_does_not_make_the_buyer_his_club():
    claims = extract_claims(
        "Sassuolo, offerta per Pinamonti",
        "Il Sassuolo ha presentato un'offerta al Genoa per Andrea Pinamonti, reduce da un "
        "infortunio alla caviglia.",
    )
    assert [(c.to_club, c.from_club) for c in claims] == [("sassuolo", "genoa")]


def test_page_labels_and_squad_news():
    assert is_page_label("Comunicato ufficiale")
    assert is_page_label("COMUNICATO STAMPA")
    assert not is_page_label("Comunicato ufficiale: Rossi è un nuovo giocatore del Lecce")
    assert is_squad_news("il Club annuncia il rinnovo del contratto del portiere")
    assert is_squad_news("gli esami strumentali hanno escluso lesioni")
    assert not is_squad_news("il Lecce ha presentato un'offerta per il portiere")


def test_a_sentence_opening_with_a_hypothesis():
    assert opens_hypothesis("Se il Cagliari dovesse cedere, l'affare verrebbe chiuso")
    assert opens_hypothesis("Qualora arrivasse il sì, ...")
    assert not opens_hypothesis("Il Cagliari ha ceduto: se ne parla da giorni")
