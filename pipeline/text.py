"""Small text helpers shared by the stages: HTML fragments to plain text, white space, and
the one folding of letters that names and articles share."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import lxml.html
from lxml.etree import ParserError

_BLOCK_END = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|/h[1-6]|/li|/blockquote|/tr)\s*>")
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary, content:encoded), paragraphs kept.

    Block ends become blank lines so that paragraphs survive; inline markup disappears.
    """
    if "<" not in fragment:
        return tidy(html.unescape(fragment))
    marked = _BLOCK_END.sub("\n\n", fragment)
    try:
        text = lxml.html.fromstring(f"<div>{marked}</div>").text_content()
    except (ParserError, ValueError):
        text = re.sub(r"<[^>]+>", " ", marked)
    return tidy(html.unescape(text))


def tidy(text: str) -> str:
    """Collapse spaces inside lines and keep one blank line between paragraphs."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


# Letters Unicode does not split into a base letter and marks, spelt as names are in ASCII
# ("Kjær" -> "kjaer", "Strauß" -> "strauss"); and every apostrophe as "'".
_LETTERS = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i",
            "þ": "th", "’": "'", "‘": "'", "`": "'", "´": "'"}


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """One character lowercased, without diacritics, in ASCII where it has a Latin letter
    in it: "Ć" -> "c", "ß" -> "ss", "İ" -> "i"; "ж" stays "ж"."""
    low = ch.lower()
    if low in _LETTERS:
        return _LETTERS[low]
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


class _FoldTable(dict[int, str]):
    """A `str.translate` table that learns each code point's folding the first time it is
    asked (a page's characters are looked up in C, not by a Python call each); it keeps
    at most `_TABLE_SIZE` of them, like the caches it reads."""

    def __init__(self, fold_one: Callable[[str], str]) -> None:
        super().__init__()
        self._fold_one = fold_one

    def __missing__(self, code: int) -> str:
        folded = self._fold_one(chr(code))
        if len(self) < _TABLE_SIZE:
            self[code] = folded
        return folded


def fold(text: str, *, same_length: bool = False) -> str:
    """`text` folded character by character (`fold_char`): "Dušan Kjær" -> "dusan kjaer".
    `same_length`: one character for each of `text`'s, so that offsets into the folded
    text hold in the original (`_one_char`)."""
    return text.translate(_FOLD_ONE if same_length else _FOLD)


@lru_cache(maxsize=8192)
def _one_char(ch: str) -> str:
    """`fold_char` cut to one character: a letter spelt with two keeps the first ("ß" ->
    "s", "æ" -> "a"); a character folding to none, or to no letter first, stays as it
    is, lowercased ("…", a lone accent)."""
    folded = fold_char(ch)
    if len(folded) == 1 or folded[:1].isalpha():
        return folded[0]
    return ch.lower()[:1]


_TABLE_SIZE = 8192
_FOLD = _FoldTable(fold_char)
_FOLD_ONE = _FoldTable(_one_char)


def alternation(forms: Iterable[str]) -> str:
    """A regular expression matching any of `forms`, the longest first where several
    match at one place (as their alternation sorted longest first would, backtracking
    included), written as a trie: each character is tried once per place, not once per
    form, which keeps a search for thousands of names (clubs, sources) fast."""
    trie: dict[str, dict] = {}
    for form in set(forms):
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}  # a form ends here

    def source(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + source(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # ending here is the last choice: longer forms are tried first
            return body + "?" if len(branches) > 1 else "(?:" + body + ")?"
        return body

    root = source(trie)
    return f"(?:{root})" + ("?" if "" in trie and root else "")
