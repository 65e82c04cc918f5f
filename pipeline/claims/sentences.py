"""Text units: an article cut into paragraphs, sentences and clauses, with folding.

Everything downstream works on `Clause` values that keep their offsets into one
`Article.text` (title, a blank line, then the body), so a club, a name, a fee or a
stage cue found in a clause can be placed in the article and quoted as evidence.

`fold` lowercases and strips diacritics *one character for one character*, so a
match found in the folded text has the same offsets in the original: that is what
lets every regex in this package run diacritic-insensitively ("Vlahovic" finds
"Vlahović") while still reporting what the article wrote.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from pipeline.text import fold as fold_text

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def fold(text: str) -> str:
    """Lowercase, ASCII-fold letters, unify apostrophes; same length as `text`
    (`pipeline.text.fold`: one table for names and articles)."""
    return fold_text(text, same_length=True)


def key(text: str) -> str:
    """A comparison key: folded, punctuation dropped, spaces collapsed."""
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", fold(text)).split())


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    sentence: int  # index into Article.sentences
    paragraph: int  # 0 is the title


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Article:
    text: str  # title + "\n\n" + body, apostrophes unified
    folded: str
    sentences: tuple[Sentence, ...]
    title_end: int
    starts: tuple[int, ...] = ()  # each sentence's start, for sentence_at

    def span(self, start: int, end: int) -> str:
        return self.text[start:end]

    def sentence_at(self, offset: int) -> int:
        """The index of the sentence an offset falls in (the last one past the end; the
        one before a gap between two sentences)."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i if i >= 0 and offset < self.sentences[i].end else len(self.sentences) - 1

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end].strip()

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(c for s in self.sentences for c in s.clauses)


# A sentence ends at . ! ? … (or a closing quote after them) followed by space and a
# capital, a quote or a digit. Abbreviations with inner dots (A.C., S.p.A.) and decimals
# never have a space after the dot, so they survive.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»\"”']?\s+(?=[«\"“'(A-ZÀ-ÖØ-Þ0-9])")
# Clause boundaries: punctuation that separates what a sentence says about different
# things, and "mentre" (contrast: "il Torino valuta Ilic 15 milioni, mentre ...").
# Written as `[,;:()«»"“”–—]|\s-\s|\bmentre\b|\bma\b` (any case) would say the same; it
# opens on one character class instead so that the regex engine leaps to the next
# punctuation mark, space or "m" rather than trying three alternatives at every character
# (a third of the time). No other code point matches m, e, n, t, r or a ignoring case.
_CLAUSE_BREAK = re.compile(
    r"[,;:()«»\"“”–—\smM](?:(?<=[,;:()«»\"“”–—])|(?<=\s)-\s"
    r"|(?<=[mM])(?<!\w.)(?:[eE][nN][tT][rR][eE]|[aA])\b)"
)


# No sentence of real prose runs this long; a run of text without any sentence end (a
# list, boilerplate, a hostile feed) is cut at a space every so many characters, so the
# work of reading a sentence stays bounded.
MAX_SENTENCE = 1000


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if _is_abbreviation(text, m.start()):
            continue
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return [piece for a, b in spans if text[a:b].strip() for piece in _bounded(text, a, b)]


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


def _is_abbreviation(text: str, dot_end: int) -> bool:
    # "Mr. Smith", "S. Siro", "avv. Rossi": a short token right before the dot.
    word = re.search(r"(\w+)[.!?…]?$", text[max(0, dot_end - 6) : dot_end])
    return bool(word and len(word.group(1)) == 1 and word.group(1).isupper())


def _split_clauses(
    text: str, start: int, end: int, sentence: int, paragraph: int
) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    pos = start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if _inside_number(text, m.start()):
            continue
        if text[pos : m.start()].strip():
            clauses.append(Clause(pos, m.start(), sentence, paragraph))
        pos = m.end() if m.group(0).strip(" -").isalpha() is False else m.start()
    if text[pos:end].strip():
        clauses.append(Clause(pos, end, sentence, paragraph))
    return tuple(clauses)


def _inside_number(text: str, i: int) -> bool:
    return (
        text[i] == ","
        and i > 0
        and text[i - 1].isdigit()
        and i + 1 < len(text)
        and text[i + 1].isdigit()
    )


def split_article(title: str, body: str) -> Article:
    """Cut title and body into paragraphs, sentences and clauses."""
    title = " ".join(title.translate(_APOSTROPHES).split())
    body = body.translate(_APOSTROPHES).replace("\r\n", "\n")
    text = f"{title}\n\n{body}"
    sentences: list[Sentence] = []
    paragraph_spans = [(0, len(title))]
    for m in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", text[len(title) + 2 :]):
        offset = len(title) + 2
        paragraph_spans.append((m.start() + offset, m.end() + offset))
    for p_index, (p_start, p_end) in enumerate(paragraph_spans):
        # a title is read like any paragraph: "Napoli, ufficiale Milenković. E ora si pensa
        # a Frendrup" says two things
        spans = text[p_start:p_end].strip()
        sentence_spans = _split_sentences(text, p_start, p_end) if spans else []
        for s_start, s_end in sentence_spans:
            index = len(sentences)
            clauses = _split_clauses(text, s_start, s_end, index, p_index)
            sentences.append(Sentence(s_start, s_end, p_index, clauses))
    return Article(text=text, folded=fold(text), sentences=tuple(sentences),
                   title_end=len(title), starts=tuple(x.start for x in sentences))
