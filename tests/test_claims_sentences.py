"""Clause breaks: the one-character-class pattern finds what the plain reading does."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.claims.sentences import _CLAUSE_BREAK, split_article
from tests.budget import examples

# the plain reading: punctuation, a spaced dash, "mentre" or "ma" as whole words, any case
_PLAIN = re.compile(r"[,;:()«»\"“”–—]|\s-\s|\bmentre\b|\bma\b", re.IGNORECASE)

_PIECES = list("mMaAeEnNtTrRxé_9 \t\n-,;:()«»\"“”–—.'") + [
    "ma", "Ma", "MA", "mentre", "Mentre", "MENTRE", "xma", "ma_", "mamma", " - ", "-", "È"
]


def _spans(pattern, text, start, end):
    return [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=20), st.data())
def test_clause_breaks_are_the_plain_readings(pieces, data):
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert _spans(_CLAUSE_BREAK, text, start, end) == _spans(_PLAIN, text, start, end)


def test_clauses_break_at_mentre_and_ma_but_not_inside_words():
    article = split_article(
        "", "Il Torino valuta Ilic 15 milioni, mentre la mamma del Genoa - ma non solo - aspetta."
    )
    text = article.text
    got = [text[c.start : c.end].strip() for c in article.sentences[0].clauses]
    assert got == [
        "Il Torino valuta Ilic 15 milioni",
        "mentre la mamma del Genoa",
        "ma non solo",
        "aspetta.",
    ]
