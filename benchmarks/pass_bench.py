"""Benchmark: the steady-state pass at 2k, 20k and 100k stored articles.

    python benchmarks/pass_bench.py [--sizes 2000 20000 100000] [--new 20] [--repeats 5]
                                    [--dir /tmp/voci-pass-bench]

What a user of the daemon waits for after each poll: the pass that stores `--new`
articles and refreshes (regroups and rescores what they change). For each size it builds
a store once (a synthetic stream, tests/synthetic.py: a season and a bit of articles
about size/8 players; cached in --dir) and refreshes it in full; then, each repeat in a
fresh process on a fresh copy of that store, it stores `--new` more articles of the same
day and refreshes. It prints per size the median pass time, the peak memory of the
process (its maximum resident set, Python and imports included), how many claims were
regrouped and rumours rescored, the reports those rumours hold, the ratio of the median
to the smallest size's, and that ratio per claim read ("per claim": the pass time over
the claims regrouped plus the reports weighed, against the smallest size's).

Every size spreads its articles over the same 400 days, so a larger store is a busier
one, not a longer one: the twenty new articles land on rumours with more reports (a
largest rumour holds 119 reports at 2k, 346 at 20k, 1,167 at 100k), and scoring one
weighs all its reports. "per claim" shows whether the cost follows that or the store.

It also times, once per size, the first pass of a new day - when every open rumour is
due for a day of decay - and the full regroup and rescore (`voci score --full`), so the
steady state can be read against them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.refresh import refresh  # noqa: E402
from pipeline.sources import load_sources  # noqa: E402
from pipeline.store import Store, head_revision  # noqa: E402
from tests.synthetic import Stream  # noqa: E402

SOURCES = load_sources(ROOT / "sources.yaml")
START = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
DAYS = 400
END = START + dt.timedelta(days=DAYS, hours=12)  # the end of the span: midday


CURRENT = 2000  # --growth history: the articles of the current window, the same at every size
CURRENT_DAYS = 60
SEASON = 10_000  # --growth history: the articles of each earlier half-season


def current_stream() -> Stream:
    """--growth history: this window's news, the same players and articles at every size."""
    return Stream(CURRENT // 8, seed=1, start=END - dt.timedelta(days=CURRENT_DAYS),
                  days=CURRENT_DAYS)


def articles(size: int, growth: str) -> Iterator[tuple[Any, Any]]:
    """`density`: `size` articles over the same 400 days about size/8 players (a bigger
    store is a busier one). `history`: this window's 2,000 articles, and before them
    half-seasons of 10,000 articles about 1,250 players each (a bigger store has more
    past), so the news a pass adds lands on the same rumours at every size."""
    if growth == "density":
        yield from Stream(max(20, size // 8), seed=size, start=START, days=DAYS).articles(size)
        return
    yield from current_stream().articles(min(size, CURRENT))
    left, season = size - CURRENT, 0
    while left > 0:
        n = min(SEASON, left)
        start = END - dt.timedelta(days=CURRENT_DAYS + 183 * (season + 1))
        for draft, claims in Stream(SEASON // 8, seed=1000 + season, start=start,
                                    days=183).articles(n):
            yield replace(draft, url=f"{draft.url}-season-{season}"), claims
        left, season = left - n, season + 1


def build(path: Path, size: int, growth: str) -> None:
    """A store of `size` articles, refreshed in full as of END."""
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    with Store(f"sqlite:///{tmp}") as store:
        store.sync_sources(SOURCES, START)
        t0 = time.perf_counter()
        for draft, claims in articles(size, growth):
            store.add_article(draft, claims)
        t1 = time.perf_counter()
        refresh(SOURCES, store, as_of=END, full=True)
        print(f"  built {size} articles in {t1 - t0:.0f} s, full refresh "
              f"{time.perf_counter() - t1:.1f} s", flush=True)
    tmp.rename(path)


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM is its own address space's, so not the
    parent's: ru_maxrss carries over through fork and exec, and the parent that built a
    100k store in process would be counted."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: Path, size: int, new: int, seed: int, as_of: str, full: bool,
          growth: str) -> None:
    """One pass in this process: store `new` articles of END's day and refresh."""
    at = dt.datetime.fromisoformat(as_of)
    stream = (Stream(max(20, size // 8), seed=size, start=START, days=DAYS)
              if growth == "density" else current_stream())
    stream.rng.seed(seed)  # the same players, other articles
    t0 = time.perf_counter()
    with Store(f"sqlite:///{path}") as store:
        store.sync_sources(SOURCES, at)  # as a pass does: outlets added since the build
        for i in range(new):
            draft, claims = stream.article(END - dt.timedelta(minutes=5 * i + 1))
            draft = draft.__class__(**{**draft.__dict__, "url": f"{draft.url}-new-{seed}-{i}"})
            store.add_article(draft, claims)
        done = refresh(SOURCES, store, as_of=at, full=full)
    seconds = time.perf_counter() - t0
    peak_mb = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "regrouped": done.regrouped,
                      "scored": done.scored, "history": done.history,
                      "weighed": done.weighed}))


def one(base: Path, work: Path, size: int, new: int, seed: int, as_of: dt.datetime,
        growth: str, full: bool = False) -> dict[str, float]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, work)
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(work), "--size", str(size), "--new",
         str(new), "--seed", str(seed), "--as-of", as_of.isoformat(), "--growth", growth]
        + (["--full"] if full else []),
        check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def claims_read(p: dict[str, float]) -> float:
    """What a pass had to read: the claims it grouped again and the reports of the
    rumours it scored (a score weighs every report of its rumour)."""
    return max(1.0, p["regrouped"] + p["weighed"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/voci-pass-bench"))
    parser.add_argument("--child", type=Path)
    parser.add_argument("--size", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--growth", choices=["density", "history"], default="density",
                        help="How a bigger store is bigger: busier days (density) or more "
                             "past seasons before the same current window (history).")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.size, args.new, args.seed, args.as_of, args.full, args.growth)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        suffix = "" if args.growth == "density" else "-history"
        base = args.dir / f"store-{size}{suffix}-{head_revision()}.db"
        if not base.exists():
            print(f"building the {size}-article store (once, kept in {args.dir})", flush=True)
            build(base, size, args.growth)
        work = args.dir / "work.db"
        same_day = END + dt.timedelta(minutes=10)
        passes = [one(base, work, size, args.new, seed, same_day, args.growth)
                  for seed in range(1, args.repeats + 1)]
        new_day = one(base, work, size, args.new, 99, END + dt.timedelta(days=1), args.growth)
        full = one(base, work, size, args.new, 98, same_day, args.growth, full=True)
        rows.append((size, passes, new_day, full))
        med = statistics.median(p["seconds"] for p in passes)
        print(f"  {size}: pass {med:.2f} s (median of {len(passes)})", flush=True)
    ref = statistics.median(p["seconds"] for p in rows[0][1])
    print(f"\nPass storing {args.new} new articles and refreshing, fresh process and store "
          f"copy per run:")
    print(f"{'articles':>9} {'pass s':>8} {'spread':>13} {'peak MB':>8} {'regrouped':>9} "
          f"{'rescored':>8} {'reports':>8} {'ratio':>6} {'per claim':>9} | "
          f"{'new day s':>9} {'rescored':>8} | {'full s':>7} {'peak MB':>8}")
    ref_work = statistics.median(p["seconds"] / claims_read(p) for p in rows[0][1])
    for size, passes, new_day, full in rows:
        secs = [p["seconds"] for p in passes]
        med = statistics.median(secs)
        per_claim = statistics.median(p["seconds"] / claims_read(p) for p in passes)
        print(f"{size:>9} {med:>8.2f} {min(secs):>6.2f}-{max(secs):<6.2f} "
              f"{max(p['peak_mb'] for p in passes):>8.0f} "
              f"{statistics.median(p['regrouped'] for p in passes):>9.0f} "
              f"{statistics.median(p['scored'] for p in passes):>8.0f} "
              f"{statistics.median(p['weighed'] for p in passes):>8.0f} {med / ref:>6.2f} "
              f"{per_claim / ref_work:>9.2f} | "
              f"{new_day['seconds']:>9.2f} {new_day['scored']:>8.0f} | "
              f"{full['seconds']:>7.2f} {full['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
