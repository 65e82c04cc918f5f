"""The backtest of a labelled corpus against its labelled outcomes, as a user would run it.

    python benchmarks/backtest_corpus.py tests/fixtures/corpus/dev-a [tests/fixtures/corpus/dev-b]
        [--explain] [--sweep] [--keep DIR]

Serves the corpus on loopback (pipeline.corpus, as `voci eval` does), writes a sources
file of its outlets with the shipped sources.yaml's journalists (the articles cite them),
then runs the commands themselves:

    voci --sources S --db D backfill --host-delay 0 --as-of <corpus as_of>
    python -m tests.corpus_outcomes CORPUS OUT          # prints the covers-until day
    voci --sources S --db D outcomes import OUT --covers-until DAY
    voci --sources S --db D score --as-of <corpus as_of>
    voci --sources S --db D backtest --until <day after as_of> --json

and prints the backtest's figures (over the days, and over each rumour's latest score).
Each corpus gets a folder of its own under --keep (default: a new temporary folder).
`--explain` then lists, per resolved rumour, what it was given day by day (only the days
its score moved) with the evidence as of that day, and the pairs of predictions that
rank wrongly (a move that did not happen scored at or above one that did), by rumour;
then where the figures are lost:

* AUC and Brier by the age of the rumour (days since its first report);
* the pairs no model that rises with the evidence can rank right: the move that did not
  happen had, that day, for every independent origin of the other, one of its own at
  least as reliable (prior), at as advanced a stage, as assertive, as often repeated
  and as recent, and no denial or collapse;
* the lowest Brier any recalibration of voci's own ranking reaches (isotonic regression
  fitted on these very predictions: a bound, not a model), and the best constant's.

`--sweep` runs the backtest again with the model's constants set to each of 729
combinations (SWEEP) and prints the best figures they reach: what the model cannot
reach on these corpora even fitted to them. The constants are not chosen from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.corpus import CorpusServer  # noqa: E402
from pipeline.sources import load_sources  # noqa: E402


def run(*args: str) -> str:
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if out.returncode not in (0,):
        raise SystemExit(f"{' '.join(args)} exited {out.returncode}:\n{out.stderr}{out.stdout}")
    return out.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path, nargs="+")
    ap.add_argument("--explain", action="store_true",
                    help="list each resolved rumour's days and the wrongly ranked pairs")
    ap.add_argument("--sweep", action="store_true",
                    help="the best figures over the days that settings of the model's "
                         "constants reach on all the corpora at once")
    ap.add_argument("--keep", type=Path, help="keep the databases and tables in this folder")
    ns = ap.parse_args()
    root = ns.keep or Path(tempfile.mkdtemp(prefix="backtest-corpus-"))
    runs = []
    for corpus in ns.corpus:
        corpus = corpus.resolve()
        work = root / corpus.name
        sources, db, until = backtest_corpus(corpus, work)
        if ns.explain:
            explain(sources, db, until)
        runs.append((corpus.name, sources, db, until))
    if ns.sweep:
        sweep(runs)
    if not ns.keep:
        print(f"(work files in {root})")


def backtest_corpus(corpus: Path, work: Path) -> tuple[Path, Path, str]:
    """Run the commands on `corpus` into `work`, print the figures; returns the sources
    file, the database and the --until day."""
    work.mkdir(parents=True, exist_ok=True)
    db = work / "voci.db"
    if db.exists():
        db.unlink()
    voci = str(Path(sys.executable).parent / "voci")
    with CorpusServer(corpus) as server:
        shipped = load_sources(ROOT / "sources.yaml")
        own = yaml.safe_load(server.sources_yaml())
        own["journalists"] = [{"id": j.id, "name": j.name, "aliases": list(j.aliases),
                               "reliability": j.reliability} for j in shipped.journalists]
        sources = work / "sources.yaml"
        sources.write_text(yaml.safe_dump(own, allow_unicode=True, sort_keys=False),
                           encoding="utf-8")
        as_of = dt.datetime.fromisoformat(str(server.gold["as_of"])).astimezone(dt.UTC)
        base = [voci, "--sources", str(sources), "--db", f"sqlite:///{db}"]
        stamp = as_of.strftime("%Y-%m-%dT%H:%M:%S")
        run(*base, "backfill", "--host-delay", "0", "--as-of", stamp, "--json")
    covers = run(sys.executable, "-m", "tests.corpus_outcomes", str(corpus),
                 str(work / "outcomes")).strip()
    run(*base, "outcomes", "import", str(work / "outcomes"), "--covers-until", covers, "--json")
    run(*base, "score", "--as-of", stamp)
    until = (as_of.date() + dt.timedelta(days=1)).isoformat()
    d = json.loads(run(*base, "backtest", "--until", until, "--json"))
    print(f"corpus {corpus.name}: backtest until {until}, outcomes covering until {covers}")
    print(f"rumours {d['rumours']} (happened {d['rumours_happened']}), predictions {d['n']}, "
          f"base_rate {d['base_rate']}")
    print(f"over the days:        auc {d['auc']}  brier {d['brier']}  log_loss {d['log_loss']}")
    lt = d["latest"]
    print(f"latest of each rumour: auc {lt['auc']}  brier {lt['brier']}  "
          f"log_loss {lt['log_loss']}  (n {lt['n']})")
    print("calibration: bin  n  rumours  predicted  observed")
    for b in d["calibration"]:
        print(f"  {b['low']:.1f}-{b['high']:.1f} {b['n']:4d} {b['rumours']:3d}  "
              f"{b['predicted']:.3f}  {b['observed']:.3f}")
    return sources, db, until


# What --sweep tries: every combination (3**6 = 729 settings).
SWEEP = {"BASE_RATE": (0.1, 0.17, 0.3), "HEDGED_FACTOR": (0.4, 0.6, 1.0),
         "HALF_LIFE": (7, 21, 60), "interest": (0.2, 0.35, 0.7), "talks": (0.4, 0.6, 0.9),
         "REPEAT_BONUS": (0.0, 0.25, 0.5)}


def sweep(runs: list[tuple[str, Path, Path, str]]) -> None:
    """The model's constants set to every combination of SWEEP, the backtest run again
    in memory on every corpus: the best AUC over the days reached on all of them at
    once, and the lowest Brier reached on each. Fitting, shown only to say what the
    model cannot reach even fitted; the constants are not chosen from it."""
    import pipeline.scoring as scoring
    from pipeline.backtest import backtest, default_range
    from pipeline.store import Store

    saved = {k: getattr(scoring, k) for k in ("BASE_RATE", "HEDGED_FACTOR", "HALF_LIFE",
                                              "STAGE_WEIGHT", "REPEAT_BONUS")}
    results = []
    try:
        for values in itertools.product(*SWEEP.values()):
            setting = dict(zip(SWEEP, values, strict=True))
            scoring.BASE_RATE = setting["BASE_RATE"]
            scoring.HEDGED_FACTOR = setting["HEDGED_FACTOR"]
            scoring.HALF_LIFE = dt.timedelta(days=setting["HALF_LIFE"])
            scoring.REPEAT_BONUS = setting["REPEAT_BONUS"]
            scoring.STAGE_WEIGHT = {**saved["STAGE_WEIGHT"], "interest": setting["interest"],
                                    "talks": setting["talks"]}
            figures = {}
            for name, sources_path, db, until in runs:
                with Store(f"sqlite:///{db}") as store:
                    since, _ = default_range(store)
                    assert since is not None
                    d = backtest(load_sources(sources_path), store, since=since,
                                 until=dt.datetime.fromisoformat(until).replace(
                                     tzinfo=dt.UTC)).as_dict()
                figures[name] = (d["auc"], d["brier"])
            results.append((setting, figures))
    finally:
        for k, v in saved.items():
            setattr(scoring, k, v)
    names = [r[0] for r in runs]
    best = max(results, key=lambda r: min(r[1][n][0] for n in names))
    print(f"\nsweep of {len(results)} settings ({', '.join(SWEEP)}):")
    print("  best AUC over the days on all at once: "
          + ", ".join(f"{n} {best[1][n][0]:.3f}" for n in names) + f"  at {best[0]}")
    for n in names:
        top = max(results, key=lambda r: r[1][n][0])
        low = min(results, key=lambda r: r[1][n][1])
        print(f"  {n}: best AUC {top[1][n][0]:.3f} at {top[0]}")
        print(f"  {n}: lowest Brier {low[1][n][1]:.3f} at {low[0]}")


def explain(sources_path: Path, db: Path, until: str) -> None:
    from pipeline.backtest import backtest, default_range, score_as_of
    from pipeline.refresh import _facts, reliability_priors
    from pipeline.sources import load_sources as load
    from pipeline.store import Store

    sources = load(sources_path)
    with Store(f"sqlite:///{db}") as store:
        since, _ = default_range(store)
        assert since is not None
        end = dt.datetime.fromisoformat(until).replace(tzinfo=dt.UTC)
        report = backtest(sources, store, since=since, until=end)
        facts = _facts(store, store.rumour_ids())
        names = {r.id: f"{r.player} -> {r.to_club}" for r in store.rumours()}
        priors = reliability_priors(sources, store)
        by_rumour: dict[str, list] = {}
        for p in report.predictions:
            by_rumour.setdefault(p.rumour_id, []).append(p)
        print("\nper rumour (days on which its score moved):")
        for rid, preds in sorted(by_rumour.items(), key=lambda kv: (not kv[1][0].happened,
                                                                   kv[0])):
            f = facts[rid]
            print(f"\n{names.get(rid, rid)} [{rid}] happened={preds[0].happened} "
                  f"days={len(preds)}")
            last = None
            for p in preds:
                if last is not None and abs(p.probability - last) < 0.005:
                    continue
                last = p.probability
                scores, learned = score_as_of(list(facts.values()), priors, p.as_of)
                s = scores[rid]
                ev = {e.claim_id: e for e in s.evidence}
                said = [f"{r.published_at:%m-%d} {ev[r.claim_id].origin}"
                        f"({learned.get(ev[r.claim_id].origin, 0.3):.2f})"
                        f":{r.stage}{'~' if r.hedged else ''}"
                        f"{'' if ev[r.claim_id].independent else '[dup]'}"
                        f"={ev[r.claim_id].weight:+.2f}"
                        for r in sorted(f.reports, key=lambda r: r.published_at)
                        if r.published_at <= p.as_of]
                print(f"  {p.as_of:%Y-%m-%d} p={p.probability:.3f}  " + "; ".join(said))
        wrong: Counter[tuple[str, str]] = Counter()
        pos = [p for p in report.predictions if p.happened]
        neg = [p for p in report.predictions if not p.happened]
        for a in pos:
            for b in neg:
                if b.probability >= a.probability:
                    wrong[(a.rumour_id, b.rumour_id)] += 1
        total = len(pos) * len(neg)
        print(f"\nwrongly ranked pairs (happened <= did not): {sum(wrong.values())} of {total}")
        for (a, b), n in wrong.most_common(15):
            print(f"  {n:5d}  {names.get(a, a)}  <=  {names.get(b, b)}")
        where_lost(report.predictions, facts, priors)


def where_lost(predictions: tuple, facts: dict, priors: dict) -> None:
    from pipeline.learning import auc, brier

    first: dict[str, dt.datetime] = {}
    for p in predictions:
        first[p.rumour_id] = min(first.get(p.rumour_id, p.as_of), p.as_of)
    print("\nby the rumour's age (days since its first report):")
    for lo, hi in ((0, 7), (7, 14), (14, 10_000)):
        pairs = [(p.probability, p.happened) for p in predictions
                 if lo <= (p.as_of - first[p.rumour_id]).days < hi]
        if pairs:
            print(f"  days {lo}-{min(hi, 99) - 1 if hi < 10_000 else ''}: n {len(pairs)} "
                  f"happened {sum(y for _, y in pairs)}  auc {auc(pairs):.3f}  "
                  f"brier {brier(pairs):.3f}")
    evidence = {(p.rumour_id, p.as_of): _evidence(facts[p.rumour_id], p.as_of, priors)
                for p in predictions}
    pos = [p for p in predictions if p.happened]
    neg = [p for p in predictions if not p.happened]
    total = len(pos) * len(neg)
    dominated = sum(_dominates(evidence[(b.rumour_id, b.as_of)],
                               evidence[(a.rumour_id, a.as_of)]) for a in pos for b in neg)
    if total:
        print(f"pairs the evidence ranks the wrong way for any model that rises with it: "
              f"{dominated} of {total} ({dominated / total:.3f}); at best tied, they cap "
              f"AUC at {1 - 0.5 * dominated / total:.3f}")
    pairs = [(p.probability, p.happened) for p in predictions]
    if pairs:
        base = sum(y for _, y in pairs) / len(pairs)
        print(f"brier: voci {brier(pairs):.3f}; voci's ranking recalibrated on these very "
              f"predictions (isotonic, a bound) {_isotonic_brier(pairs):.3f}; the best "
              f"constant ({base:.2f}) {base * (1 - base):.3f}")


def _evidence(f, day: dt.datetime, priors: dict) -> tuple[list[tuple], bool]:
    """Each independent supporting origin's (prior, stage weight, assertive, own
    articles, first said) as of `day`, and whether a denial or collapse was reported."""
    from pipeline.rumours import window_closes
    from pipeline.scoring import (
        NEGATIVE_STAGES,
        STAGE_WEIGHT,
        UNKNOWN_RELIABILITY,
        origins,
        score_rumour,
    )

    reports = [r for r in f.reports if r.published_at <= day]
    score = score_rumour(reports, priors, as_of=day, window_closes=window_closes(f.window))
    origin = origins(reports)
    by_id = {r.claim_id: r for r in reports}
    out, negative = [], False
    for e in score.evidence:
        r = by_id[e.claim_id]
        if r.stage in NEGATIVE_STAGES:
            negative = True
        elif e.independent:
            said = min(x.published_at for x in reports
                       if origin[x.claim_id] == e.origin and x.stage == r.stage)
            own = len({x.article_id for x in reports if origin[x.claim_id] == e.origin
                       and x.outlet_id == e.origin and x.copy_of is None})
            out.append((priors.get(e.origin, UNKNOWN_RELIABILITY), STAGE_WEIGHT[r.stage],
                        not r.hedged, own, said))
    return out, negative


def _dominates(n: tuple[list[tuple], bool], p: tuple[list[tuple], bool]) -> bool:
    (stronger, denied), (weaker, _) = n, p
    if denied or len(stronger) < len(weaker):
        return False
    return any(all(all(a >= b for a, b in zip(s, w, strict=True))
                   for s, w in zip(perm, weaker, strict=False))
               for perm in itertools.permutations(stronger, len(weaker)))


def _isotonic_brier(pairs: list[tuple[float, bool]]) -> float:
    tied: dict[float, list[float]] = {}  # one value a score: equal scores stay equal
    for prob, y in pairs:
        tied.setdefault(prob, [0.0, 0.0])
        tied[prob][0] += y
        tied[prob][1] += 1
    blocks: list[list[float]] = []  # [happened, n], non-decreasing share
    for prob in sorted(tied):
        blocks.append(list(tied[prob]))
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            h, n = blocks.pop()
            blocks[-1][0] += h
            blocks[-1][1] += n
    return sum(h * (1 - h / n) ** 2 + (n - h) * (h / n) ** 2 for h, n in blocks) / len(pairs)


if __name__ == "__main__":
    main()
