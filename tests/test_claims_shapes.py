"""Deal shapes and hedges: the word tests before the patterns change no answer."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.claims.stages import _HEDGES, _NOT_HEDGES, DEALS, deal_shape, is_hedged
from tests.budget import examples

_PIECES = [
    "obbligo", "OBBLIGATORIO", "di riscatto", "diritto", "prestito", "Prestito", "con ",
    "opzione", "option to buy", "obligation to buy", "scambio", "SCAMBO", "scambi",
    "contropartita", "operazione incrociata", "parametro zero", "svincolato", "a costo zero",
    "a zero", "free transfer", "on a free", "in prestito", "on loan", "loan deal", "titolo ",
    "definitivo", "cessione ", "acquisto ", "ſ", "İ", "ı", "K", "ss", " ", "-", "il Milan ",
]


def _plain(text):
    for shape, rx in DEALS:
        if rx.search(text):
            return shape
    return None


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=8))
def test_deal_shape_is_the_plain_search(pieces):
    text = "".join(pieces)
    assert deal_shape(text) == _plain(text)


def test_deal_shapes_of_invented_sentences():
    assert deal_shape("Il Genoa lo prende in prestito con diritto di riscatto") == "loan_option"
    assert deal_shape("Idea SCAMBIO tra Rossi e Bianchi") == "swap"
    assert deal_shape("Il Lecce lo ha preso a titolo definitivo") == "transfer"
    assert deal_shape("Rossi ha rinnovato fino al 2028") is None
    # a long s matches s ignoring case: "ſvincolato" is still searched
    assert deal_shape("Rossi, ſvincolato dal Genoa") == "free"


_HEDGE_PIECES = [
    "arriverebbe", "potrebbero", "vorrebbe", "REBBE", "si dice", "indiscrezioni", "voci",
    "si vocifera", "rumors", "rumor", "pare che", "sembrano che", "sembra che", "non è escluso",
    "NON È ESCLUSO", "secondo alcuni", "secondo alcune", "ſ", "İ", "ı", " ", "x", "il Milan ",
]


def _plain_hedged(text):
    return any(not _NOT_HEDGES.fullmatch(m.group(0)) for m in _HEDGES.finditer(text))


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(_HEDGE_PIECES), max_size=6))
def test_is_hedged_is_the_plain_search(pieces):
    text = "".join(pieces)
    assert is_hedged(text) == _plain_hedged(text)


def test_hedges_of_invented_sentences():
    assert is_hedged("Il Milan arriverebbe a 20 milioni")
    assert is_hedged("Secondo alcune indiscrezioni il Genoa ci pensa")
    assert not is_hedged("Il Milan vorrebbe Rossi")
    assert not is_hedged("Il Milan ha chiuso per Rossi")
