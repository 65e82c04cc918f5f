"""Window lists: a club's done deals written as a list, the way round-ups close a window.

Italian round-ups ("il mercato squadra per squadra", "come sono cambiate le rose") list
each club's moves under a label, each player with his other club in brackets:

    GENOA
    Acquisti: Rossi (c, Lecce), Bianchi (Torino, prestito), Verdi (svincolato)
    Cessioni: Neri (Empoli), Gialli (a, Bari, fine prestito)

Under "Acquisti" / "Arrivi" / "Entrate" (signings) the club of the section buys the player
from the club in brackets; under "Cessioni" / "Partenze" / "Uscite" (sales) the club in
brackets buys him from the club of the section. The club of the section is the club named
right before the label in its sentence ("Genoa. Acquisti: ...", "GENOA – Acquisti: ...")
or heading the paragraph before it alone ("GENOA"). A list of done deals reports them as
done: each is an official move, a loan or a free transfer when the brackets say so. A loan
coming back ("fine prestito", "rientro") is no transfer, and a player released with no new
club ("svincolato" under sales) moves nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clubs import ClubMention
from .players import Person
from .sentences import Article, Sentence

_LABEL = re.compile(
    r"(?<![\w'])(?P<kind>acquisti|arrivi|entrate|in entrata|cessioni|partenze|uscite|in uscita)"
    r"\s*:\s*",
    re.IGNORECASE,
)
_SIGNINGS = ("acquisti", "arrivi", "entrate", "in entrata")
_RETURN = re.compile(
    r"\b(?:fine prestito|fp|rientro|rientra|dal prestito|ritorno)\b", re.IGNORECASE
)
_FREE = re.compile(r"\b(?:svincolat[oa]|parametro zero|a zero)\b", re.IGNORECASE)
_LOAN = re.compile(r"\bprestito\b", re.IGNORECASE)
_OPTION = re.compile(r"\b(?:diritto di riscatto|dr)\b", re.IGNORECASE)
_OBLIGATION = re.compile(r"\b(?:obbligo di riscatto|odr)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Listed:
    """One done deal of a window list."""

    person: Person
    buyer: str
    seller: str | None
    deal: str | None
    start: int  # where the item starts in the article text


def window_lists(
    article: Article, clubs: list[ClubMention], people: list[Person]
) -> list[Listed]:
    """The done deals the article lists under "Acquisti:" / "Cessioni:" labels."""
    text = article.text
    at = {m.start: p for p in people if not p.staff for m in p.mentions}
    found: list[Listed] = []
    last: tuple[str, int] | None = None  # the previous label's club and paragraph
    for label in _LABEL.finditer(text):
        section = _section_club(article, clubs, label.start())
        paragraph = article.sentences[article.sentence_at(label.start())].paragraph
        if section is None and last is not None and paragraph - last[1] <= 1:
            section = last[0]  # "Cessioni: ..." after the same club's "Acquisti: ..."
        if section is None:
            continue
        last = (section, paragraph)
        signings = label.group("kind").lower() in _SIGNINGS
        end = _list_end(text, label.end())
        for start, stop in _items(text, label.end(), end):
            item = text[start:stop]
            name = next((at[s] for s in sorted(at) if start <= s < stop), None)
            bracket = re.search(r"\(([^()]*)\)", item)
            if name is None or bracket is None or _RETURN.search(bracket.group(1)):
                continue
            b0, b1 = start + bracket.start(1), start + bracket.end(1)
            other = next((m.club_id for m in clubs if b0 <= m.start < b1 and m.club_id), None)
            free = bool(_FREE.search(bracket.group(1)))
            if signings:
                buyer, seller = section, other
            elif other is not None:
                buyer, seller = other, section
            else:
                continue  # released: no club he moves to
            if buyer is None or buyer == seller or (other is None and not free):
                continue
            found.append(Listed(name, buyer, seller, _deal(bracket.group(1), free), start))
    return found


def _deal(note: str, free: bool) -> str | None:
    if free:
        return "free"
    if _OBLIGATION.search(note):
        return "loan_obligation"
    if _OPTION.search(note):
        return "loan_option"
    if _LOAN.search(note):
        return "loan"
    return None


def _section_club(article: Article, clubs: list[ClubMention], label: int) -> str | None:
    """The club right before the label in its sentence, or heading the paragraph before."""
    text = article.text
    sentence = article.sentences[article.sentence_at(label)]
    before = [m for m in clubs if sentence.start <= m.start < label and m.club_id]
    if before and not re.search(r"[^\W_]", text[before[-1].end : label].replace("–", "")):
        return before[-1].club_id
    # a heading alone on the paragraph before ("GENOA")
    paragraph = sentence.paragraph
    heads = [
        s for s in article.sentences if s.paragraph == paragraph - 1 and s.end <= sentence.start
    ]
    if len(heads) == 1 and (club := _club_alone(article, clubs, heads[0])):
        return club
    # the club as a sentence of its own right before: "Genoa. Acquisti: ..."
    index = article.sentence_at(label)
    if index > 0 and article.sentences[index - 1].paragraph == paragraph:
        return _club_alone(article, clubs, article.sentences[index - 1])
    return None


def _club_alone(article: Article, clubs: list[ClubMention], s: Sentence) -> str | None:
    """The club a sentence consists of, and nothing else ("GENOA", "Genoa.")."""
    inside = [m for m in clubs if s.start <= m.start < s.end and m.club_id]
    if len(inside) == 1 and not re.search(
        r"[^\W_]", article.text[s.start : s.end].replace(inside[0].surface, "", 1)
    ):
        return inside[0].club_id
    return None


def _list_end(text: str, start: int) -> int:
    """A list runs to the end of its paragraph, or to the next label."""
    newline = text.find("\n", start)
    end = len(text) if newline < 0 else newline
    nxt = _LABEL.search(text, start, end)
    if nxt:
        end = nxt.start()
    return end


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The comma- or semicolon-separated items, brackets kept whole."""
    items, depth, first = [], 0, start
    for i in range(start, end):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ",;." and depth == 0:
            items.append((first, i))
            first = i + 1
    items.append((first, end))
    return [(a, b) for a, b in items if text[a:b].strip()]
