"""Clubs: the data file, nicknames, and ambiguity decided only by context."""

import pytest

from pipeline.claims.clubs import ClubDataError, ClubIndex, default_clubs, find_clubs
from pipeline.claims.sentences import split_article


def resolved(body: str, title: str = "Titolo") -> list[tuple[str, str | None]]:
    mentions, _ = find_clubs(split_article(title, body), default_clubs())
    return [(m.surface, m.club_id) for m in mentions]


def test_names_short_forms_and_foreign_forms():
    got = resolved("La Juve e il Bayern Munich, poi l'Atletico de Madrid e il PSG.")
    assert got == [
        ("Juve", "juventus"),
        ("Bayern Munich", "bayern"),
        ("Atletico de Madrid", "atletico-madrid"),
        ("PSG", "psg"),
    ]


@pytest.mark.parametrize(
    ("nickname", "club"),
    [
        ("i rossoneri", "milan"),
        ("il Diavolo", "milan"),
        ("la Vecchia Signora", "juventus"),
        ("la Beneamata", "inter"),
        ("i partenopei", "napoli"),
        ("i biancocelesti", "lazio"),
        ("i Reds", "liverpool"),
        ("i Blues", "chelsea"),
        ("i Gunners", "arsenal"),
        ("i Citizens", "manchester-city"),
        ("i Red Devils", "manchester-united"),
        ("gli Spurs", "tottenham"),
        ("i Colchoneros", "atletico-madrid"),
        ("i blaugrana", "barcelona"),
        ("i merengues", "real-madrid"),
    ],
)
def test_unambiguous_nicknames(nickname, club):
    assert resolved(f"Ci pensano {nickname}.")[-1][1] == club


def test_ambiguous_nickname_resolved_from_the_clubs_named():
    assert resolved("L'Atalanta ci pensa: i nerazzurri vogliono il difensore.")[-1] == (
        "nerazzurri",
        "atalanta",
    )
    assert resolved("Il Lecce ci prova, i giallorossi insistono.")[-1] == ("giallorossi", "lecce")


def test_ambiguous_nickname_left_unresolved_without_context():
    assert resolved("I nerazzurri vogliono il difensore.") == [("nerazzurri", None)]
    assert resolved("I bianconeri insistono per il regista.") == [("bianconeri", None)]


def test_context_nicknames_need_the_club_named():
    assert resolved("Il centrocampista Nicolas Viola resta.") == []
    assert resolved("In viola potrebbe arrivare un terzino.") == [("viola", None)]
    assert resolved("La Fiorentina accelera: in viola arriva il terzino.")[-1] == (
        "viola",
        "fiorentina",
    )
    assert resolved("Gli azzurri di Conte vincono.") == [("azzurri", None)]


def test_city_names_after_a_preposition_are_places():
    mentions, _ = find_clubs(
        split_article("T", "A Roma si parla di lui, la Roma ci pensa."), default_clubs()
    )
    assert [(m.surface, m.kind) for m in mentions] == [("Roma", "city"), ("Roma", "name")]
    mentions, _ = find_clubs(split_article("T", "Lo porterebbe a Torino."), default_clubs())
    assert [(m.kind, m.club_id) for m in mentions] == [
        ("city", None)
    ]  # Juventus or Torino: undecided


def test_lookup_of_plain_names():
    idx = default_clubs()
    assert idx.lookup("Bayern Munich") == "bayern"
    assert idx.lookup("AS Roma") == "roma"
    assert idx.lookup("Newcastle United") == "newcastle"
    assert idx.lookup("Unknown FC") is None


def test_bad_data_fails_at_load():
    with pytest.raises(ClubDataError):
        ClubIndex([{"id": "a", "name": "Alpha"}, {"id": "b", "name": "Beta", "aliases": ["Alpha"]}])
    with pytest.raises(ClubDataError):
        ClubIndex([{"id": "a", "name": "Alpha", "colour": "red"}])


def test_a_lowercase_word_before_a_club_is_no_capitalised_place_of_it():
    # "Casa Milan" (the club's seat) wants its capital: "in casa Milan" is the Milan
    from pipeline.claims.clubs import default_clubs, find_clubs
    from pipeline.claims.sentences import split_article

    mentions, _ = find_clubs(split_article("Salta il colpo in casa Milan", ""), default_clubs())
    assert [(m.surface, m.club_id) for m in mentions] == [("Milan", "milan")]
    mentions, _ = find_clubs(split_article("Rossi atteso a Casa Milan", ""), default_clubs())
    assert [(m.surface, m.club_id) for m in mentions] == [("Casa Milan", "milan")]
