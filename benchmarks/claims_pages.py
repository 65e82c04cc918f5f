"""Claims through the real pipeline, article by article: gold against predicted.

    python benchmarks/claims_pages.py tests/fixtures/corpus/dev-b [--all] [--text] [--dump DIR]

Serves the corpus on loopback and runs fetch -> extract -> claims exactly as `voci eval`
does, then prints, for every article whose claims disagree with the gold labels (every
article with --all), the gold claims and the predicted ones as (player, from, to, stage,
fee, cites). --text also prints the title and body the claims extractor was given;
--dump DIR writes them to DIR/<outlet>__<slug>.txt, to grep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import USER_AGENT  # noqa: E402
from pipeline.claims import default_clubs  # noqa: E402
from pipeline.corpus import CorpusServer  # noqa: E402
from pipeline.evaluation import load_gold, same_fee, same_player  # noqa: E402
from pipeline.fetch import FetchConfig, Fetcher  # noqa: E402
from pipeline.run import fetch_pass  # noqa: E402
from pipeline.sources import load_sources  # noqa: E402
from pipeline.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _row(player, claim_from, to, stage, fee, cites):
    return (player, claim_from, to, stage, fee, cites)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--all", action="store_true", help="every article, not only misses")
    parser.add_argument("--text", action="store_true", help="print the extracted text")
    parser.add_argument("--dump", type=Path, help="write each article's text to this folder")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    clubs = default_clubs()
    with tempfile.TemporaryDirectory() as tmp, CorpusServer(corpus) as server:
        sources = replace(
            server.sources(), journalists=load_sources(ROOT / "sources.yaml").journalists
        )
        config = FetchConfig(user_agent=USER_AGENT, min_host_delay=0)
        with Store(f"sqlite:///{tmp}/e.db") as store, Fetcher(config) as fetcher:
            fetch_pass(sources, store, fetcher, now=dt.datetime.now(dt.UTC))
            articles = {a.id: a for a in store.articles()}
            claims = store.claims_by_article()
    gold = load_gold(corpus, clubs)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    for aid, a in sorted(articles.items()):
        path = urlsplit(a.url).path
        predicted = claims.get(aid, [])
        golds = gold.get((a.outlet_id, path), [])
        if args.dump:
            name = f"{a.outlet_id}__{Path(path).stem}.txt"
            (args.dump / name).write_text(f"{a.title}\n\n{a.body}\n", encoding="utf-8")
        wrong = len(predicted) != len(golds) or any(
            not any(
                same_player(p.player_key, g.player)
                and (p.from_club, p.to_club, p.stage, p.cites)
                == (g.from_club, g.to_club, g.stage, g.cites)
                and same_fee(p.fee_eur, g.fee_eur)
                for p in predicted
            )
            for g in golds
        )
        if not (wrong or args.all):
            continue
        print("==", a.outlet_id, path, a.text_source)
        for g in golds:
            print("   gold", _row(g.player, g.from_club, g.to_club, g.stage, g.fee_eur, g.cites))
        for p in predicted:
            row = _row(p.player_key, p.from_club, p.to_club, p.stage, p.fee_eur, p.cites)
            print("   pred", row)
        if args.text:
            print("   ---", a.title)
            for line in a.body.splitlines():
                print("   |", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
