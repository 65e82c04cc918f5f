"""Relays: who the article cites, and matching the cited name to known sources."""

from pipeline.claims.relays import KnownSource, SourceMatcher, find_relays
from pipeline.claims.sentences import split_article

KNOWN = (
    KnownSource("gazzetta", "La Gazzetta dello Sport", ("Gazzetta", "gazzetta.it")),
    KnownSource("bussola", "Bussola Mercato", ("BussolaMercato", "bussolamercato.it")),
    KnownSource("schira", "Nicolò Schira", (), "journalist"),
)


def relays(body: str, outlet: str | None = None):
    return [
        (r.cites, r.cites_id, r.own)
        for r in find_relays(split_article("Titolo", body), KNOWN, outlet)
    ]


def test_matcher_is_case_and_diacritic_insensitive_and_fuzzy_where_safe():
    m = SourceMatcher(KNOWN)
    assert m.match("la gazzetta dello sport").id == "gazzetta"
    assert m.match("Nicolo Schira").id == "schira"
    assert m.match("bussolamercato.it").id == "bussola"
    assert m.match("Bussola").id == "bussola"  # a distinctive word of the name
    assert m.match("Mercato") is None  # too generic to decide
    assert m.match("Record") is None


def test_relay_cues():
    assert relays("Secondo quanto riportato da A Bola, il Benfica ha chiesto il terzino.") == [
        ("A Bola", None, False)
    ]
    assert relays("Come scrive la Gazzetta, il Torino ci pensa.") == [
        ("La Gazzetta dello Sport", "gazzetta", False)
    ]
    assert relays("Stando a Nicolò Schira, il Genoa accelera.") == [
        ("Nicolò Schira", "schira", False)
    ]
    assert relays("Rilancia il quotidiano spagnolo Mundo Deportivo: il Barça insiste.") == [
        ("Mundo Deportivo", None, False)
    ]
    assert relays("L'affare, anticipato ieri da Bussola Mercato, è in chiusura.") == [
        ("Bussola Mercato", "bussola", False)
    ]


def test_own_outlet_is_not_a_relay():
    assert relays(
        "Secondo quanto risulta a Bussola Mercato, il Pisa ha chiuso.", outlet="bussola"
    ) == [("Bussola Mercato", "bussola", True)]
    assert all(own for *_, own in relays("Come appreso dalla nostra redazione, c'è l'accordo."))


def test_anaphoric_relay_points_back():
    got = relays("Come riporta Marca, il Real osserva. Secondo il quotidiano, servono 40 milioni.")
    assert [c for c, _, _ in got] == ["Marca", "Marca"]


def test_unknown_sources_are_kept_as_written():
    assert relays("Lo rivela The Guardian.") == [("The Guardian", None, False)]


def test_a_reflexive_verb_cites_nobody():
    # "lo assicura Schira" cites him; "il Genoa si assicura Rossi" (secures him) and "Rossi
    # si conferma decisivo" cite nobody
    assert relays("Lo assicura Nicolò Schira: il Genoa ci pensa.") == [
        ("Nicolò Schira", "schira", False)]
    assert relays("Il Genoa si assicura Marco Rossi.") == []
    assert relays("Marco Rossi si conferma decisivo per il Genoa.") == []
