"""fold through the translate table: character for character what fold_char and _one_char say."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text import _one_char, fold, fold_char
from tests.budget import examples


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=40))
def test_fold_is_each_characters_folding(text):
    assert fold(text) == "".join(map(fold_char, text))
    assert fold(text, same_length=True) == "".join(map(_one_char, text))
    assert len(fold(text, same_length=True)) == len(text)


def test_fold_of_invented_names():
    assert fold("Dušan Kjær, Strauß") == "dusan kjaer, strauss"
    assert fold("Strauß İlkay’s", same_length=True) == "straus ilkay's"
