"""Relay cues: an article the word test turns away holds no cue."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.claims.relays import _CUE, _may_cite
from tests.budget import examples

_PIECES = [
    "secondo", "SECONDO", "quanto", "riportato", "da", "come", "Come ", "ha ", "scritto",
    "stando", "a", "risulta", "lo", "la", "l'", "rivela", "svelato", "annunciata", "lanciate",
    "raccontato", "conferma", "assicura", "sostiene", "riferisce", "rilancia", "anticipato",
    "le informazioni raccolte", "dal", "la Gazzetta", "Marca", "ſ", "İ", "ı", " ", "  ", "\n",
    "'", "x", ",",
]


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=10))
def test_a_text_turned_away_holds_no_cue(pieces):
    text = "".join(pieces)
    assert _may_cite(text) or not _CUE.search(text)


def test_cues_of_invented_sentences():
    assert _may_cite("Come riporta la Gazzetta, il Milan chiude per Rossi")
    assert not _may_cite("Il Milan chiude per Rossi, 20 milioni al Genoa")


# one cue of each form the cue pattern reads, in the ways articles write them
_CUES = [
    "secondo quanto riportato dalla", "Secondo quanto risulta a", "secondo le informazioni "
    "raccolte da", "secondo", "come ha scritto", "come riporta il", "Come spiega", "come reso "
    "noto da", "come appreso dal", "stando a", "stando a quanto scrive", "a quanto apprende",
    "A quanto risulta a", "lo rivela", "la riporta", "l'assicura", "scrive", "riferisce",
    "rilancia", "racconta", "svela", "conferma", "sostiene", "anticipato ieri sera da",
    "riportata dal", "rivelate da", "lanciato da", "svelata dalla", "annunciati dal",
    "raccontato da",
]


@settings(max_examples=examples(50), deadline=None)
@given(st.lists(st.booleans(), min_size=40, max_size=40))
def test_every_form_of_cue_passes_the_word_test_in_any_case(upper):
    for cue in _CUES:
        written = "".join(c.upper() if u else c for c, u in zip(cue, upper, strict=False))
        text = f"Il Milan, {written}{cue[40:]} Marca, chiude per Rossi"
        assert _CUE.search(text), text
        assert _may_cite(text), text
