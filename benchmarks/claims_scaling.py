"""Claims on texts of growing size: is reading linear in the text?

    python benchmarks/claims_scaling.py

Prints, for titles and for bodies without a sentence end (what a broken or hostile feed
sends) of 5k to 80k characters, the seconds extract_claims takes and the ratio to the size
before: about 2.0 at each doubling is linear, 4.0 quadratic. Then the cost of a 1 MB title
and body, which the caps (MAX_TITLE, MAX_BODY) bound.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.claims import extract_claims  # noqa: E402
from pipeline.registry import active  # noqa: E402

SENTENCE = ("il Milan pensa a Rossi del Genoa mentre la Juventus valuta Bianchi e il Torino "
            "segue Verdi con interesse")
DAY = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)


def text(size: int, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(SENTENCE.split()) for _ in range(size // 4))[:size]


def seconds(title: str, body: str) -> float:
    start = time.perf_counter()
    extract_claims(title, body, published_at=DAY)
    return time.perf_counter() - start


def main() -> None:
    active()  # the registry is built once per process: not part of what is measured
    print(f"{'chars':>7}  {'title s':>8} {'ratio':>6}  {'body s':>8} {'ratio':>6}")
    previous = None
    for size in (5_000, 10_000, 20_000, 40_000, 80_000):
        run = text(size, size)
        t, b = seconds(run, ""), seconds("Mercato", run)
        ratios = ("", "")
        if previous is not None:
            ratios = (f"{t / previous[0]:.2f}", f"{b / previous[1]:.2f}")
        print(f"{size:>7}  {t:>8.3f} {ratios[0]:>6}  {b:>8.3f} {ratios[1]:>6}")
        previous = (t, b)
    huge = text(1_000_000, 1)
    print(f"1 MB title {seconds(huge, ''):.3f} s, 1 MB body {seconds('Mercato', huge):.3f} s "
          "(read up to the caps)")


if __name__ == "__main__":
    main()
