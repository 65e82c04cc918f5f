"""Pure: recognise a word-for-word copy of an article published by another outlet.

Syndicated copies keep the paragraphs and change everything around them: the title, the
page template, sub-headings inserted between paragraphs, an advert block. So a copy is
recognised paragraph by paragraph: each long paragraph is normalized (case, punctuation,
white space) and hashed, and two articles whose long paragraphs mostly coincide are copies.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# A paragraph shorter than this many words is too generic to prove copying ("Nei prossimi
# giorni sono attesi aggiornamenti.") and sub-headings are shorter still.
MIN_WORDS = 12
# Share of the shorter article's long paragraphs that must be found in the other.
MIN_SHARED = 0.8

_NON_WORD = re.compile(r"[^\w]+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def paragraphs(body: str) -> list[str]:
    return [p for p in (normalize(p) for p in re.split(r"\n\s*\n|\n", body)) if p]


def fingerprints(body: str) -> frozenset[str]:
    """Hashes of the body's long paragraphs."""
    return _fingerprints(paragraphs(body))


def content_hash(body: str) -> str:
    """One hash of the whole normalized body: equal for identical texts."""
    return _content_hash(paragraphs(body))


def digests(body: str) -> tuple[str, frozenset[str]]:
    """`content_hash` and `fingerprints` of a body, normalized once for both."""
    normalized = paragraphs(body)
    return _content_hash(normalized), _fingerprints(normalized)


def _fingerprints(normalized: list[str]) -> frozenset[str]:
    return frozenset(hashlib.blake2b(p.encode(), digest_size=16).hexdigest()
                     for p in normalized if len(p.split()) >= MIN_WORDS)


def _content_hash(normalized: list[str]) -> str:
    return hashlib.sha256(" ".join(normalized).encode()).hexdigest()


def is_copy(shared: int, count_a: int, count_b: int) -> bool:
    """Do two articles with these many long paragraphs, `shared` of them equal, copy each other?"""
    smaller = min(count_a, count_b)
    return smaller > 0 and shared >= max(1, MIN_SHARED * smaller) and (shared >= 2 or smaller == 1)
