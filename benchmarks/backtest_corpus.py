"""The backtest of a labelled corpus against its labelled outcomes, as a user would run it.

    python benchmarks/backtest_corpus.py tests/fixtures/corpus/dev-a [--explain] [--keep DIR]

Serves the corpus on loopback (pipeline.corpus, as `voci eval` does), writes a sources
file of its outlets with the shipped sources.yaml's journalists (the articles cite them),
then runs the commands themselves:

    voci --sources S --db D backfill --host-delay 0 --as-of <corpus as_of>
    python -m tests.corpus_outcomes CORPUS OUT          # prints the covers-until day
    voci --sources S --db D outcomes import OUT --covers-until DAY
    voci --sources S --db D score --as-of <corpus as_of>
    voci --sources S --db D backtest --until <day after as_of> --json

and prints the backtest's figures (over the days, and over each rumour's latest score).
`--explain` then lists, per resolved rumour, what it was given day by day (only the days
its score moved) with the evidence as of that day, and the pairs of predictions that
rank wrongly (a move that did not happen scored at or above one that did), by rumour.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--explain", action="store_true",
                    help="list each resolved rumour's days and the wrongly ranked pairs")
    ap.add_argument("--keep", type=Path, help="keep the database and tables in this folder")
    ns = ap.parse_args()
    corpus = ns.corpus.resolve()
    work = ns.keep or Path(tempfile.mkdtemp(prefix="backtest-corpus-"))
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
    if ns.explain:
        explain(sources, db, until)
    if not ns.keep:
        print(f"(work files in {work})")


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


if __name__ == "__main__":
    main()
