"""pipeline.text: the trie-shaped alternation finds what the plain one finds."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pipeline.text import alternation

# few letters, spaces and punctuation: forms that share prefixes, end inside one another
# and stand next to word characters, where longest-first and the lookarounds decide
LETTERS = "ab c'.-"
forms = st.sets(st.text(LETTERS, min_size=1, max_size=6), min_size=1, max_size=12)
texts = st.text(LETTERS, max_size=30)


def plain(words: set[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)")


@given(forms, texts)
def test_the_trie_matches_as_the_longest_first_alternation_does(words: set[str],
                                                                text: str) -> None:
    trie = re.compile(r"(?<!\w)" + alternation(words) + r"(?!\w)")
    expected = plain(words)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in expected.finditer(text)]
    for pos in range(len(text) + 1):
        found, wanted = trie.search(text, pos), expected.search(text, pos)
        assert (found and found.span()) == (wanted and wanted.span())


def test_the_longest_form_wins_and_a_shorter_one_is_tried_when_it_cannot_end_there() -> None:
    trie = re.compile(r"(?<!\w)" + alternation(["milan", "milano", "ac milan"]) + r"(?!\w)")
    assert [m.group(0) for m in trie.finditer("il milano e l'ac milan, milanello")] == [
        "milano", "ac milan"]
    assert trie.search("milan.").group(0) == "milan"  # type: ignore[union-attr]
