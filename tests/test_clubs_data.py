"""The clubs data file knows Italy's lower divisions: Serie B and C clubs are clubs, not
people, and their cities stand for them where a city stands for a club."""

import pytest

from pipeline.claims.clubs import CITY, NAME, default_clubs, find_clubs
from pipeline.claims.sentences import split_article


def clubs_in(body: str, title: str = "Titolo") -> list[tuple[str, str, str | None]]:
    mentions, _ = find_clubs(split_article(title, body), default_clubs())
    return [(m.surface, m.kind, m.club_id) for m in mentions]


def ids_in(body: str, title: str = "Titolo") -> list[str | None]:
    return [club for _, _, club in clubs_in(body, title)]


@pytest.mark.parametrize(
    "name",
    [
        "Ternana", "Foggia", "Benevento", "Chievo", "ChievoVerona", "Perugia", "Vicenza",
        "Triestina", "Pescara", "Spezia", "Frosinone", "Brescia", "Palermo", "Sampdoria",
        "Empoli", "Crotone", "Ascoli", "Cittadella", "Lecco", "FeralpiSalò", "Novara",
        "Alessandria", "Pro Vercelli", "Livorno", "Siena", "Arezzo", "Catania", "Trapani",
        "Avellino", "Salernitana", "Juve Stabia", "Casertana", "Latina", "Virtus Entella",
        "Carpi", "Cosenza", "Reggina", "Padova", "Venezia", "SPAL", "Monza", "Südtirol",
        "Torres", "Pontedera", "Gubbio", "Rimini", "Pordenone", "Mantova", "Virtus Verona",
        "Giana Erminio", "Lumezzane", "Renate", "AlbinoLeffe", "Pro Patria",
        "Audace Cerignola", "Potenza", "Monopoli", "Picerno", "Trento", "Vis Pesaro",
        "Carrarese", "Pianese", "Sorrento", "Piacenza", "Lucchese", "Pistoiese",
        "Grosseto", "Olbia", "Viterbese", "Fermana", "Sambenedettese", "Ravenna",
        "Imolese", "Ancona", "Recanatese", "Campobasso", "Messina", "Siracusa", "Taranto",
        "Cavese", "Turris", "Giugliano", "Paganese", "Fidelis Andria", "Virtus Francavilla",
        "Pergolettese", "Pro Sesto", "Arzignano", "Legnago Salus", "Juventus Next Gen",
    ],
)
def test_lower_division_clubs_are_known_by_name(name):
    club = default_clubs().lookup(name)
    assert club is not None, name
    assert default_clubs().clubs[club].league in ("ITA2", "ITA3"), name


def test_a_lower_division_club_is_a_club_not_a_person():
    assert ids_in("Il Foggia ha chiesto il prestito di Rossi all'Atalanta.") == [
        "foggia",
        "atalanta",
    ]
    assert ids_in("Rossi della Ternana piace al Perugia.") == ["ternana", "perugia"]
    assert ids_in("I convocati per Foggia-Cagliari e per Lazio-Benevento.") == [
        "foggia",
        "cagliari",
        "lazio",
        "benevento",
    ]
    assert ids_in("Ternana, in chiusura per l'esperto Majer. Arriverà dal Mantova.") == [
        "ternana",
        "mantova",
    ]


def test_serie_c_clubs_and_their_short_names():
    assert ids_in("Il Piacenza ha preso Bianchi dalla Lucchese.") == ["piacenza", "lucchese"]
    # "Samb" is also a surname: the club only beside its full name
    assert ids_in("Sambenedettese, la Samb ha chiuso per Vitale dalla Ternana.") == [
        "sambenedettese",
        "sambenedettese",
        "ternana",
    ]
    assert ids_in("Amadou Samb piace alla Ternana.") == ["ternana"]
    assert ids_in("L'Andria ha ingaggiato Bianco, ex Bisceglie.") == [
        "fidelis-andria",
        "bisceglie",
    ]
    assert ids_in("Il Campobasso ha ufficializzato Russo dall'Audace Cerignola.") == [
        "campobasso",
        "cerignola",
    ]


def test_a_second_team_is_not_its_first_team():
    assert ids_in("La Juventus Next Gen ha ceduto Rossi alla Triestina.") == [
        "juventus-next-gen",
        "triestina",
    ]
    assert ids_in("Il Milan Futuro ha preso Bianchi dal Prato.") == ["milan-futuro", "prato"]
    # the bare "Next Gen" is the Juventus one only beside its full name
    assert ids_in("La Juventus Next Gen ci prova: la Next Gen vuole Rossi.")[-1] == (
        "juventus-next-gen"
    )
    assert ids_in("La Next Gen vuole Rossi.") == [None]


def test_own_nicknames_of_lower_division_clubs():
    assert ids_in("Ci pensano i rossoverdi.") == ["ternana"]
    assert ids_in("I peloritani vogliono il difensore.") == ["messina"]
    assert ids_in("Gli aretusei insistono per il regista.") == ["siracusa"]
    # colours shared with a big club stay that club's: "i rossoneri" alone is Milan
    assert ids_in("Ci pensano i rossoneri, il Foggia aspetta.") == ["milan", "foggia"]


def test_a_lower_division_city_stands_for_its_club_only_in_context():
    got = clubs_in("Rossi resta a Terni: la Ternana ha rifiutato l'offerta del Perugia.")
    assert got[0] == ("Terni", CITY, "ternana")
    got = clubs_in("Rossi torna a Foggia: il Foggia ha trovato l'accordo con il Pescara.")
    assert got[0] == ("Foggia", CITY, "foggia") and got[1] == ("Foggia", NAME, "foggia")
    # a birthplace in an article that names no club of that city decides nothing
    assert clubs_in("Rossi, nato a Messina, è vicino al Catania.") == [
        ("Messina", CITY, None),
        ("Catania", NAME, "catania"),
    ]
    # a common word or a surname that is also a town is no club
    assert ids_in("Fermo restando l'interesse del Napoli, Rossi resta.") == ["napoli"]
    assert ids_in("Lorenzo Lucca e Ciro Ferrara, poi la Lucchese e la SPAL.") == [
        "lucchese",
        "spal",
    ]
