"""Fees: every shape of a transfer fee, and the amounts that are not one."""

import pytest

from pipeline.claims.fees import find_fees


def amounts(text: str) -> list[tuple[int, int | None]]:
    return [(f.eur, f.max_eur) for f in find_fees(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("il Bologna chiede 25 milioni di euro per il terzino", [(25_000_000, None)]),
        ("un'offerta da 12 mln", [(12_000_000, None)]),
        ("valutato €35m dal club inglese", [(35_000_000, None)]),
        ("proposta da 22 milioni più 3 di bonus", [(25_000_000, None)]),
        ("offerta da 9 milioni di euro di parte fissa più 1,5 di bonus", [(10_500_000, None)]),
        ("prestito con diritto di riscatto a 18 milioni", [(18_000_000, None)]),
        ("operazione da 40 milioni complessivi, bonus compresi", [(40_000_000, None)]),
        ("arriverebbe a parametro zero a giugno", [(0, None)]),
        ("l'esterno è svincolato e può firmare subito", [(0, None)]),
        ("una valutazione tra i 25 e i 30 milioni", [(25_000_000, 30_000_000)]),
        ("chiedono 45-50 milioni", [(45_000_000, 50_000_000)]),
        ("per il giovane bastano 800mila euro", [(800_000, None)]),
        ("una cifra vicina ai tre milioni", [(3_000_000, None)]),
    ],
)
def test_fee_shapes(text, expected):
    assert amounts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "contratto fino al 2030 da 4 milioni netti a stagione",
        "un ingaggio da 6 milioni all'anno",
        "ha una clausola rescissoria da 60 milioni",
        "il Genoa lo aveva pagato 14 milioni due estati fa",
        "ceduto al Chelsea nel 2021 per 50 milioni",
        "la differenza, 4 milioni, sarà coperta con un conguaglio",
        "rischia di perderlo a parametro zero",
        "a 31 anni compiuti cerca una nuova sfida",
    ],
)
def test_not_a_transfer_fee(text):
    assert amounts(text) == []


def test_list_of_valuations_keeps_the_elliptic_second_amount():
    text = "il brasiliano è valutato intorno ai 35 milioni, il danese circa 25"
    assert [f.eur for f in find_fees(text)] == [35_000_000, 25_000_000]


def test_a_number_written_in_words_is_read_whole():
    # "diciannove milioni" is 19 (not the "nove milioni" inside it), compounds included
    for text, eur in (("un'offerta da diciannove milioni", 19_000_000),
                      ("la richiesta è di venticinque milioni", 25_000_000),
                      ("una proposta da ventitré milioni", 23_000_000),
                      ("valutato trentotto milioni", 38_000_000),
                      ("una clausola da centoventi milioni, ma l'offerta è di sei milioni",
                       6_000_000)):
        assert [f.eur for f in find_fees(text)][-1:] == [eur], text
