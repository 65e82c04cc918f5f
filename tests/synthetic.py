"""A synthetic stream of stored articles with claims, for refresh tests and benchmarks.

Players are named the ways articles name them (as written, diacritics dropped, surname
only, a nickname cut from the surname, one-letter slips), a share of them share common
surnames or first names, a few go by one name; clubs are real club ids; outlets are the
shipped sources' (with their reliabilities), some articles relay another outlet, some
copy one word for word; stages run from interest to official, with denials and
collapses; publication times spread over `days` from `start`. Deterministic per seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from pipeline.model import ArticleDraft, Claim, TextSource
from pipeline.sources import load_sources

ROOT = Path(__file__).resolve().parents[1]


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words("""Marcus Khéphren Lautaro Lisandro Emiliano Theo Lucas Enzo Dušan Joshua Manu Nikola
Ivan Ciro Armand Jhon Artem Cesare Gianluca Andrea Teun Hakan Randal Ian Joe Federico Nicolò
Davide Lorenzo Alessandro Matteo Riccardo Giacomo Mattia Sandro Mateo Tomás Álvaro Sergio
Pablo Iñaki Martín João Rúben Bruno Rafael Diogo Kevin Romelu Leandro Kylian Moussa Mohamed
Victor Samuel Franck Harry Declan Gabriel Thiago Kai Florian Leon Memphis Khvicha Piotr Luka
Josip Dejan Filip Sergej Dominik Jan Rasmus Viktor Erling Alexander Jonas Mario Yann""")
COMMON = _words("""Martínez Hernández Fernández González Rodríguez Pérez López García Silva Santos
Costa Oliveira Thuram Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco
Gallo Conti Mancini Rizzo Lombardi Moretti Kovačević Petrović Müller Schmidt Diallo Traoré
Koné Camara Kane Kean Gomez Gomes Jones Smith""")
ONSETS = _words("""b br c ch d dr f g gr k kr l m n p pr r s sc st t tr v z vl mil kol mar bel dan
gal lor sar ter vic nov jov rad""")
VOWELS = ["a", "e", "i", "o", "u", "ia", "io", "ie"]
ENDINGS = ["ini", "etti", "one", "ari", "elli", "ucci", "ović", "ević", "ić", "ández", "ero",
           "inho", "eira", "sma", "stra", "ier", "oğlu", "mann", "berg"]
CLUBS = _words("""milan inter juventus napoli roma lazio atalanta fiorentina bologna torino genoa
udinese lecce cagliari verona parma como cremonese pisa sassuolo arsenal chelsea liverpool
manchester-city manchester-united tottenham real-madrid barcelona atletico-madrid sevilla
valencia bayern borussia-dortmund bayer-leverkusen psg marseille lyon monaco benfica porto
ajax psv galatasaray fenerbahce al-hilal al-nassr""")
STAGES = (["interest"] * 30 + ["talks"] * 25 + ["bid"] * 12 + ["agreement"] * 10
          + ["medical"] * 5 + ["official"] * 4 + ["denied"] * 8 + ["collapsed"] * 3)


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _key(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in fold(text).lower()).split())


def _surname(rng: random.Random) -> str:
    stem = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.choice((1, 2))))
    return (stem + rng.choice(ENDINGS)).capitalize()


def _slip(name: str, rng: random.Random) -> str:
    words = name.split()
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) < 4:
        return name
    at = rng.randrange(1, len(w) - 1)
    words[i] = w[:at] + w[at + 1:] if rng.random() < 0.5 else w[:at] + w[at] + w[at:]
    return " ".join(words)


def spell(name: str, rng: random.Random) -> str:
    """One article's spelling of a player's name."""
    words = name.split()
    roll = rng.random()
    if roll < 0.55 or len(words) == 1:
        return name
    if roll < 0.70:
        return fold(name)
    if roll < 0.88:
        return words[-1]
    if roll < 0.91 and len(words[-1]) >= 8:
        return words[-1][:5]
    if roll < 0.93:
        return words[0]
    return _slip(name, rng)


class Stream:
    """Articles with claims, one at a time, about `players` players."""

    def __init__(self, players: int, *, seed: int = 1,
                 start: dt.datetime = dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
                 days: int = 400) -> None:
        self.rng = rng = random.Random(seed)
        sources = load_sources(ROOT / "sources.yaml")
        self.outlets = [o.id for o in sources.outlets]
        self.players = []
        for _ in range(players):
            roll = rng.random()
            if roll < 0.03:
                name = _surname(rng)
            else:
                surname = rng.choice(COMMON) if roll < 0.18 else _surname(rng)
                name = f"{rng.choice(FIRST)} {surname}"
            home = rng.choice(CLUBS)
            targets = rng.sample([c for c in CLUBS if c != home], rng.choice((1, 1, 2, 3)))
            self.players.append((name, home, targets))
        self.weights = list(itertools.accumulate(1 / (r + 1) ** 0.8 for r in range(players)))
        self.start, self.days = start, days
        self.count = 0
        self.bodies: list[tuple[str, str]] = []  # (outlet, body) of recent articles, to copy

    def article(self, at: dt.datetime | None = None) -> tuple[ArticleDraft, list[Claim]]:
        rng = self.rng
        self.count += 1
        n = self.count
        when = at or self.start + dt.timedelta(minutes=rng.randrange(self.days * 24 * 60))
        outlet = rng.choice(self.outlets)
        claims = []
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            who = rng.choices(range(len(self.players)), cum_weights=self.weights)[0]
            name, home, targets = self.players[who]
            spelt = spell(name, rng)
            cited = rng.choice(self.outlets) if rng.random() < 0.15 else None
            claims.append(Claim(
                player=spelt, player_key=_key(spelt),
                to_club=rng.choice(targets) if rng.random() < 0.95 else None,
                from_club=home if rng.random() < 0.7 else None, stage=rng.choice(STAGES),
                fee_eur=rng.choice((None, None, 10_000_000, 25_000_000, 40_000_000)),
                hedged=rng.random() < 0.2, cites=cited, cites_id=cited))
        if self.bodies and rng.random() < 0.05:  # a word-for-word copy of a recent story
            body = rng.choice(self.bodies)[1]
        else:
            body = "\n\n".join(
                f"Paragrafo {n}-{i}: " + " ".join(c.player for c in claims)
                + " e il mercato di " + " ".join(rng.choice(CLUBS) for _ in range(12))
                for i in range(2))
            self.bodies = (self.bodies + [(outlet, body)])[-200:]
        draft = ArticleDraft(
            url=f"https://{outlet}.example/news/{n}", outlet_id=outlet, feed_id=None,
            title=f"Mercato {n}: " + ", ".join(c.player for c in claims), author=None,
            published_at=when, fetched_at=when, body=body, summary="", language="it",
            content_hash=hashlib.sha256(body.encode()).hexdigest(),
            text_source=TextSource.PAGE)
        return draft, claims

    def articles(self, n: int) -> Iterator[tuple[ArticleDraft, list[Claim]]]:
        for _ in range(n):
            yield self.article()
