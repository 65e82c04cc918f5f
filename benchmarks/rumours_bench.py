"""Benchmark: grouping synthetic claims into rumours at 1k, 10k and 100k claims.

    python benchmarks/rumours_bench.py [--sizes 1000 10000 100000] [--batch 1000]
                                       [--repeats 2] [--rounds 3]

For each size it generates claims about realistic players (names from several football
nations, a share of them sharing common surnames, a few mononyms), spelt the ways
articles spell them (as written, diacritics dropped, surname only, a surname cut as a
nickname, one-letter slips), with real club ids and publication dates over two seasons.
It groups them all at once (`group_claims`) and a batch at a time (`Grouper.add`), each
in a fresh process that times `--repeats` runs of the largest size, and more of a smaller
one (as many times more as it is smaller, up to ten: a run of a tenth of a second is
the one a busy machine most often slows, and the exponents hang on it). It does so in
`--rounds` rounds, every size and mode once per round, so that a slow spell of a shared
machine falls on all sizes alike rather than on one. It prints, per size and mode, the
best time over all runs and the spread of the rounds' best times (slowest / fastest),
the peak memory traced during one more run in the first round (tracemalloc, which slows
what it traces, so it is not a timed run), the players and rumours found, the B-cubed
F1 of the rumours against the generator's truth (player, club, window), and the growth
exponent log(t2/t1) / log(n2/n1) between consecutive sizes.

Each size is its own data set - n / 8 players, so the same claims per player - and the
exponent between sizes folds in what a larger data set is: more players, each star's
claims and a common surname's bearers ten times as many, a state ten times the size
in memory. So it also prints, per mode, the growth within one stream: the time for the
first claims of the largest data set (as many as the size before it) against the time
for all of them - what the daemon sees, the cost of its batches as the store grows.

It also times a linear reference (`linear_work`): the same few dictionary operations for
every claim, and no grouping. Its growth between sizes is what linear work costs on the
machine at hand, where a larger state no longer fits the processor's caches: read the
modes' exponents against it, not against 1.0.

Last, per size and mode, what the data itself asks, whatever the code: the players the
batches name, summed over the batches (each is a player a batched grouper must look at
again), and the claim ids the updates publish (each changed rumour goes out whole), with
their growth between sizes. All at once, both grow as the claims do. In batches of a
fixed size they grow faster, because a larger data set has more players and a batch of
it names more distinct ones: so the batched time grows faster than the claims even where
each look costs the same at every size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import math
import multiprocessing
import random
import time
import tracemalloc
import unicodedata
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from pipeline.metrics import bcubed
from pipeline.model import Claim
from pipeline.rumours import ClaimRef, Grouper, Grouping, group_claims, window_of

T = TypeVar("T")


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words("""Marcus Khéphren Lautaro Lisandro Emiliano Theo Lucas Enzo Dušan Joshua Kobbie Manu
Nikola Ivan Rolando Ciro Armand Jhon Artem Jamie Cesare Ademola Gianluca Andrea Teun Hakan
Randal Ian Joe Federico Nicolò Davide Lorenzo Alessandro Matteo Riccardo Giacomo Mattia
Sandro Mateo Tomás Álvaro Sergio Pablo Iñaki Martín João Rúben Gonçalo Bruno Rafael Diogo
Kevin Romelu Youri Leandro Benjamin Kylian Ousmane Aurélien Adrien Moussa Ibrahima Youssouf
Mohamed Achraf Sofyan Victor Samuel Wilfried Franck Tammy Harry Bukayo Declan Mason Jadon
Marcos Vinícius Éder Gabriel Casemiro Thiago Alisson Kai Florian Jamal Leon Serge
Memphis Frenkie Matthijs Denzel Cody Xavi Khvicha Giorgi Piotr Arkadiusz Milan Luka Mateo
Josip Dejan Filip Sergej Aleksandar Dominik Patrik Kristjan Jan Mikkel Rasmus Viktor
Erling Martin Alexander Jonas Mario Yann Kingsley Daniel Christian Hugo""")

COMMON = _words("""Martínez Hernández Fernández González Rodríguez Pérez López Sánchez García Silva
Santos Pereira Costa Oliveira Thuram Rossi Russo Ferrari Esposito Bianchi Romano Colombo
Ricci Marino Greco Bruno Gallo Conti Mancini Giordano Rizzo Lombardi Moretti Barbieri
Fontana Kovačević Petrović Jovanović Nikolić Müller Schmidt Schneider Fischer Weber Meyer
Wagner Becker Hoffmann Diallo Traoré Koné Touré Camara Sow Kane Kean Gomez Gomes Jones Smith
Johnson Williams Brown Taylor Davies Evans Dijk Berg Jansen Bakker Visser""")

ONSETS = _words("""b br c ch d dr f g gr gi k kr l m n p pr r s sc st t tr v z zv vl mil kol mar
bel dan gal lor sar ter vic nov jov bog rad zl""")
VOWELS = ["a", "e", "i", "o", "u", "ia", "io", "ie", "ou"]
ENDINGS = {  # surname endings by football nation, with their diacritics
    "it": ["ini", "etti", "one", "ari", "elli", "ucci", "otto", "ardi", "esi", "azzi"],
    "rs": ["ović", "ević", "ić", "inović", "anović", "čić"],
    "es": ["ez", "ández", "iñez", "ero", "ado", "ón"],
    "pt": ["inho", "eira", "ães", "ão", "ato"],
    "nl": ["sma", "stra", "inga", "ens", "ink"],
    "fr": ["ier", "and", "eau", "ot", "é"],
    "tr": ["oğlu", "çi", "türk"],
    "de": ["mann", "berg", "ner", "rich", "ler"],
}
CLUBS = _words("""milan inter juventus napoli roma lazio atalanta fiorentina bologna torino genoa
udinese lecce cagliari verona parma como cremonese pisa sassuolo empoli monza venezia
sampdoria palermo bari spezia arsenal chelsea liverpool manchester-city manchester-united
tottenham newcastle-united aston-villa west-ham brighton everton nottingham-forest fulham
crystal-palace brentford wolverhampton bournemouth real-madrid barcelona atletico-madrid
sevilla valencia villarreal real-sociedad athletic-bilbao betis girona celta bayern-munich
borussia-dortmund bayer-leverkusen rb-leipzig eintracht-frankfurt vfb-stuttgart wolfsburg
freiburg hoffenheim paris-saint-germain marseille lyon monaco lille nice rennes lens
benfica porto sporting-cp ajax psv feyenoord galatasaray fenerbahce besiktas celtic
rangers al-hilal al-nassr al-ittihad river-plate boca-juniors flamengo palmeiras
club-brugge anderlecht salzburg shakhtar olympiacos""")

LETTERS = "aeiourlnstcmkdz"


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def key(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in fold(text).lower()).split())


def invent_surname(rng: random.Random) -> str:
    nation = rng.choice(sorted(ENDINGS))
    stem = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.choice((1, 2, 2))))
    return (stem + rng.choice(ENDINGS[nation])).capitalize()


def slip(name: str, rng: random.Random) -> str:
    words = name.split()
    i = rng.choice([k for k, w in enumerate(words) if len(w) >= 3])
    word = words[i]
    at = rng.randrange(1, len(word))
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:at] + word[at + 1:]
    elif kind == 1:
        word = word[:at] + word[at] + word[at:]
    elif kind == 2:
        word = word[:at] + rng.choice(LETTERS) + word[at + 1:]
    elif at < len(word) - 1:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    words[i] = word
    return " ".join(words)


def spell(name: str, rng: random.Random) -> str:
    """One article's spelling of a player's name."""
    words = name.split()
    surname = " ".join(words[1:]) if len(words) > 1 else name
    roll = rng.random()
    if roll < 0.55:
        return name
    if roll < 0.70:
        return fold(name)
    if roll < 0.85:
        return surname
    if roll < 0.90:
        return fold(surname)
    if roll < 0.93 and len(words[-1]) >= 8:
        return words[-1][:5]  # "Kvara"
    return slip(name, rng)


def synthetic_claims(n: int, seed: int = 1) -> tuple[list[ClaimRef], dict[int, tuple[str, ...]]]:
    """`n` claims and, for each, the truth: (player number, destination, window)."""
    rng = random.Random(seed)
    players = []
    for _ in range(max(20, n // 8)):
        roll = rng.random()
        if roll < 0.04:
            name = invent_surname(rng)  # a mononym: "Éderson", "Vitinha"
        else:
            surname = rng.choice(COMMON) if roll < 0.19 else invent_surname(rng)
            name = f"{rng.choice(FIRST)} {surname}"
        home = rng.choice(CLUBS)
        targets = rng.sample([c for c in CLUBS if c != home], rng.choice((1, 1, 2, 3)))
        players.append((name, home, targets))
    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(players))))
    start = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    refs: list[ClaimRef] = []
    truth: dict[int, tuple[str, ...]] = {}
    article = 0
    for claim_id in range(1, n + 1):
        if rng.random() < 0.75:
            article += 1
        who = rng.choices(range(len(players)), cum_weights=weights)[0]  # a few stars
        name, home, targets = players[who]
        to = rng.choice(targets)
        published = start + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        spelt = spell(name, rng)
        claim = Claim(player=spelt, player_key=key(spelt),
                      to_club=to if rng.random() < 0.95 else None,
                      from_club=home if rng.random() < 0.8 else None, stage="talks")
        refs.append(ClaimRef(claim_id, article, "outlet", published, claim))
        truth[claim_id] = (str(who), to, window_of(published))
    return refs, truth


def group(refs: list[ClaimRef], batch: int | None,
          published: list[int] | None = None) -> Grouping:
    """Group `refs` all at once, or `batch` claims per `Grouper.add`; `published`, when
    given, receives the number of claim ids in each update's rumours."""
    if batch is None:
        return group_claims(refs)
    grouper = Grouper()
    for i in range(0, len(refs), batch):
        update = grouper.add(refs[i:i + batch])
        if published is not None:
            published.append(sum(len(r.claim_ids) for r in update.rumours))
    return grouper.grouping()


def players_touched(truth: dict[int, tuple[str, ...]], batch: int | None) -> int:
    """The players each batch has claims about, summed over the batches: how often some
    player's rumours change, so at least how often a grouper must look at one again."""
    if batch is None:
        return len({t[0] for t in truth.values()})
    return len({((c - 1) // batch, t[0]) for c, t in truth.items()})


def best_of(repeats: int, work: Callable[[], T]) -> tuple[float, T]:
    """The best time in s of `repeats` runs of `work`, each after a full collection, and
    what the last run returned."""
    times = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - t0)
    return min(times), out


def timed(refs: list[ClaimRef], batch: int | None, repeats: int) -> tuple[float, Grouping]:
    """The best time in s of `repeats` groupings of `refs`, and the last grouping."""
    return best_of(repeats, lambda: group(refs, batch))


class Run(NamedTuple):
    """One size and mode, measured in one process."""

    seconds: float  # the best of the timed runs
    peak: float | None  # traced peak MB, when traced
    f1: float  # B-cubed F1 of the rumours against the generator's truth
    players: int
    rumours: int
    touched: int  # see `players_touched`
    published: int | None  # claim ids in the updates' rumours, summed; when traced


def run(n: int, batch: int | None, repeats: int, trace: bool) -> Run:
    """Grouping `n` claims in this process, `repeats` timed runs and, when `trace`, one
    more under tracemalloc that also counts what the updates publish."""
    refs, truth = synthetic_claims(n)
    best, grouping = timed(refs, batch, repeats)
    peak = published = None
    if trace:
        del grouping
        gc.collect()
        counts: list[int] = []
        tracemalloc.start()
        grouping = group(refs, batch, counts)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        published = sum(counts) if batch else sum(len(r.claim_ids) for r in grouping.rumours)
    predicted = {c: r.id for r in grouping.rumours for c in r.claim_ids}
    gold = {c: t for c, t in truth.items() if refs[c - 1].claim.to_club is not None}
    return Run(best, peak, bcubed(predicted, gold).f1, len(grouping.players),
               len(grouping.rumours), players_touched(truth, batch), published)


def _child(args: tuple[int, int | None, int, bool]) -> Run:
    return run(*args)


def run_prefix(n: int, m: int, batch: int | None, repeats: int) -> float:
    """The best time of `repeats` runs grouping the first `m` of the `n` claims."""
    return timed(synthetic_claims(n)[0][:m], batch, repeats)[0]


def _prefix_child(args: tuple[int, int, int | None, int]) -> float:
    return run_prefix(*args)


def linear_work(refs: list[ClaimRef]) -> int:
    """The same amount of work for every claim, and no grouping: fold its name, file the
    claim under each one-letter deletion of each word, note its clubs, then look up one
    key per word. What this costs per claim at 100k against 10k is the price of a larger
    state alone (caches, memory), which every mode above pays too."""
    index: dict[str, list[int]] = {}
    clubs: dict[int, tuple[str | None, str | None]] = {}
    for ref in refs:
        for i, word in enumerate(key(ref.claim.player).split()):
            for j in range(len(word)):
                index.setdefault(f"{i}|{word[:j]}{word[j + 1:]}", []).append(ref.claim_id)
        clubs[ref.claim_id] = (ref.claim.from_club, ref.claim.to_club)
    found = 0
    for ref in refs:
        for i, word in enumerate(key(ref.claim.player).split()):
            found += len(index.get(f"{i}|{word[1:]}", ()))
    return found


def run_linear(n: int, repeats: int) -> float:
    """The best time of `repeats` runs of `linear_work` over `n` claims, with the
    collector paused as `Grouper.add` pauses it."""
    refs = synthetic_claims(n)[0]

    def paused() -> int:
        gc.disable()
        try:
            return linear_work(refs)
        finally:
            gc.enable()

    return best_of(repeats, paused)[0]


def _linear_child(args: tuple[int, int]) -> float:
    return run_linear(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--batch", type=int, default=1000, help="claims per Grouper.add")
    parser.add_argument("--repeats", type=int, default=2,
                        help="timed runs per process of the largest size")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds over every size and mode; the best time counts")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")  # a fresh process per size and mode

    def repeats(n: int) -> int:
        return args.repeats * max(1, min(10, max(args.sizes) // n))

    modes = (("all at once", None), (f"batches of {args.batch}", args.batch))
    best: dict[tuple[str, int], list[float]] = {}
    streams: dict[str, list[float]] = {}  # mode -> the largest set's prefix, per round
    first: dict[tuple[str, int], Run] = {}
    linear: dict[int, list[float]] = {}  # size -> `linear_work`'s best time, per round
    for round_ in range(args.rounds):
        for mode, batch in modes:
            for n in args.sizes:
                with ctx.Pool(1) as pool:
                    result = pool.apply(_child, ((n, batch, repeats(n), round_ == 0),))
                first.setdefault((mode, n), result)
                best.setdefault((mode, n), []).append(result.seconds)
            if len(args.sizes) > 1:
                with ctx.Pool(1) as pool:
                    streams.setdefault(mode, []).append(pool.apply(_prefix_child, (
                        (args.sizes[-1], args.sizes[-2], batch, repeats(args.sizes[-2])),)))
        for n in args.sizes:
            with ctx.Pool(1) as pool:
                linear.setdefault(n, []).append(pool.apply(_linear_child, ((n, repeats(n)),)))
    for mode, _ in modes:
        def details(n: int, mode: str = mode) -> str:
            r = first[(mode, n)]
            return (f"  peak={r.peak or 0:6.1f} MB  players={r.players:>6}  "
                    f"rumours={r.rumours:>6}  F1={r.f1:.3f}")
        print_times(mode, {n: best[(mode, n)] for n in args.sizes}, details)
    print_times("linear reference", linear)
    if len(args.sizes) > 1:
        m, n = args.sizes[-2], args.sizes[-1]
        for mode, _ in modes:
            part, whole = min(streams[mode]), min(best[(mode, n)])
            print(f"{mode:>18}  one stream of {n}: its first {m} in {part:.2f} s, "
                  f"all in {whole:.2f} s: growth {growth(part, whole, m, n):.2f}", flush=True)
    # What the data asks of each mode, whatever the code: a batched grouper looks again at
    # every player a batch names, and publishes each changed rumour whole.
    for mode, _ in modes:
        previous: int | None = None
        for n in args.sizes:
            r = first[(mode, n)]
            line = (f"{mode:>18}  n={n:>7}  players touched={r.touched:>7}  "
                    f"claim ids published={r.published or 0:>8}")
            if previous is not None:
                p = first[(mode, previous)]
                line += (f"  growth from n={previous}: "
                         f"{growth(p.touched, r.touched, previous, n):.2f} and "
                         f"{growth(p.published or 1, r.published or 1, previous, n):.2f}")
            previous = n
            print(line, flush=True)


def print_times(label: str, rounds: dict[int, list[float]],
                details: Callable[[int], str] = lambda n: "") -> None:
    """A line per size, in order: the best of its rounds' times, their spread, `details`
    and the growth from the size before."""
    previous: int | None = None
    for n, times in rounds.items():
        seconds = min(times)
        line = (f"{label:>18}  n={n:>7}  time={seconds:7.2f} s  "
                f"spread={max(times) / seconds:4.2f}{details(n)}")
        if previous is not None:
            line += (f"  growth from n={previous}: "
                     f"{growth(min(rounds[previous]), seconds, previous, n):.2f}")
        previous = n
        print(line, flush=True)


def growth(a: float, b: float, n_a: int, n_b: int) -> float:
    """The exponent k in b / a = (n_b / n_a) ** k."""
    return math.log(b / a) / math.log(n_b / n_a)

if __name__ == "__main__":
    main()
