"""Runs of capitalised words: skipping lowercase words outside a name changes no run."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.claims.players import (
    _ELIDED,
    _LEADING_PARTICLES,
    _NAME_TOKEN,
    _PARTICLES,
    _runs,
)
from pipeline.claims.sentences import split_article
from tests.budget import examples


def _plain_runs(text, blocked):
    """The reading token by token, every token weighed (the code before the skip)."""
    runs, current, pending, lead, last_end = [], [], False, None, -1
    for m in _NAME_TOKEN.finditer(text):
        start, end, word = m.start(), m.end(), m.group(0)
        elided = _ELIDED.match(word)
        if elided and word[elided.end() :][:1].isupper():
            start += elided.end()
            word = word[elided.end() :]
        gap = text[last_end:start] if last_end >= 0 else ""
        joined = current and (gap in (" ", "-") or (pending and gap == " "))
        capital = word[:1].isupper() and not (word.isupper() and len(word) > 2)
        if capital and start not in blocked:
            if not joined and current:
                runs.append(current)
                current = []
            if not current and lead is not None and gap == " ":
                current.append(lead)
            current.append((start, end))
            pending, lead = False, None
        elif not current and word in _LEADING_PARTICLES and start not in blocked:
            lead = (start, end)
        elif current and word.lower() in _PARTICLES and gap == " " and not pending:
            pending, last_end = True, end
            continue
        else:
            if current:
                runs.append(current)
            current, pending, lead = [], False, None
        last_end = end
    if current:
        runs.append(current)
    return runs


_PIECES = [
    "Rossi", "Mario", "de", "van", "der", "di", "Di", "da", "el", "dell'Inter", "l'Atalanta",
    "l'", "un'", "po'", "ha", "presentato", "e", "a", "ROMA", "VAR", "eBay", "Ǆa", "ǅa", "ß",
    "9", "_x", " ", " ", " ", "-", ", ", ".", "\n", "  ",
]


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16), st.sets(st.integers(0, 60)))
def test_runs_are_the_plain_readings(pieces, blocked):
    article = split_article("", "".join(pieces))
    assert _runs(article, blocked) == _plain_runs(article.text, blocked)


def test_runs_of_an_invented_sentence():
    article = split_article("", "Il Milan ha chiesto Virgil van Dijk e de Ligt al Liverpool.")
    got = [article.text[r[0][0] : r[-1][1]] for r in _runs(article, set())]
    assert got == ["Il Milan", "Virgil van Dijk", "de Ligt", "Liverpool"]
