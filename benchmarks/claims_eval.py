"""Claim extraction against a labelled corpus: prints one figure a line.

    python benchmarks/claims_eval.py /work/shared/corpus/dev-a [--verbose]

Loads CORPUS_DIR/content.yaml (articles, their gold claims, the outlets as known
sources), runs `extract_claims` on each article's title and body and prints:

  claims_precision / claims_recall
      a predicted claim matches a gold claim of the same article when the player is the
      same (player_key equals the gold name normalised the same way, or the surnames are
      equal) and the destination club is the same (gold club names go through the clubs
      index);
  to_club
      over predicted/gold pairs with the same player in the same article (paired greedily,
      same destination first): share with the same destination;
  from_club, stage, fee, cites
      over matched claims: share equal (fee within 5 %, cites compared as normalised
      names; null must match null on both).

`--verbose` lists every miss: gold claims not found, predicted claims not in gold, and
field disagreements on matched claims.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.claims import KnownSource, default_clubs, extract_claims  # noqa: E402
from pipeline.claims.sentences import key  # noqa: E402
from pipeline.model import Claim  # noqa: E402

FIELDS = ("to_club", "from_club", "stage", "fee", "cites")


@dataclass
class Gold:
    article: str
    player: str
    to_club: str | None
    from_club: str | None
    stage: str
    fee: int | None
    cites: str | None


def _name_key(name: str | None) -> str:
    if not name:
        return ""
    words = key(name).split()
    while words and words[0] in {"il", "lo", "la", "l", "the"}:
        words = words[1:]
    return " ".join(words)


def same_player(predicted: str, gold: str) -> bool:
    p, g = key(predicted).split(), key(gold).split()
    return (
        p == g
        or (bool(p) and bool(g) and p[-1] == g[-1])
        or (len(p) < len(g) and " ".join(p) in " ".join(g))
    )


def fee_ok(predicted: int | None, gold: int | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return abs(predicted - gold) <= 0.05 * gold if gold else predicted == 0


def field_ok(name: str, c: Claim, g: Gold) -> bool:
    if name == "fee":
        return fee_ok(c.fee_eur, g.fee)
    if name == "cites":
        return _name_key(c.cites) == _name_key(g.cites)
    return getattr(c, name) == getattr(g, name)


def evaluate(corpus: Path, verbose: bool = False) -> dict[str, float]:
    content = yaml.safe_load((corpus / "content.yaml").read_text(encoding="utf-8"))
    clubs = default_clubs()
    known = [
        KnownSource(o["id"], o["name"], tuple(o.get("aliases") or ()), o.get("kind", "outlet"))
        for o in content.get("outlets", [])
    ]
    moves = content.get("moves", {})
    totals = {"predicted": 0, "gold": 0, "matched": 0, "paired": 0, "to_club": 0}
    right = dict.fromkeys(FIELDS[1:], 0)
    misses: list[str] = []
    for art in content["articles"]:
        golds = []
        for c in art.get("claims") or []:
            mv = moves[c["move"]]
            golds.append(
                Gold(
                    art["id"],
                    mv["player"],
                    clubs.lookup(mv["to"]),
                    clubs.lookup(mv.get("from")),
                    c["stage"],
                    c.get("fee_eur"),
                    c.get("cites"),
                )
            )
            if golds[-1].to_club is None:
                misses.append(f"{art['id']}: gold club not in the clubs index: {mv['to']!r}")
        predicted = extract_claims(
            art["title"], art["body"], outlet_id=art.get("outlet"), known_sources=known, clubs=clubs
        )
        totals["predicted"] += len(predicted)
        totals["gold"] += len(golds)
        free_gold = list(golds)
        matched: list[tuple[Claim, Gold]] = []
        unmatched: list[Claim] = []
        for c in predicted:
            g = next(
                (
                    g
                    for g in free_gold
                    if same_player(c.player_key, g.player) and c.to_club == g.to_club
                ),
                None,
            )
            if g:
                free_gold.remove(g)
                matched.append((c, g))
            else:
                unmatched.append(c)
        # player-only pairs, for the destination figure
        left_gold = list(free_gold)
        totals["paired"] += len(matched)
        totals["to_club"] += len(matched)
        for c in unmatched:
            g = next((g for g in left_gold if same_player(c.player_key, g.player)), None)
            if g:
                left_gold.remove(g)
                totals["paired"] += 1
        totals["matched"] += len(matched)
        for c, g in matched:
            for name in FIELDS[1:]:
                if field_ok(name, c, g):
                    right[name] += 1
                else:
                    got = c.fee_eur if name == "fee" else getattr(c, name)
                    want = g.fee if name == "fee" else getattr(g, name)
                    misses.append(
                        f"{art['id']}: {g.player} -> {g.to_club}: {name} {got!r}, gold {want!r}"
                    )
        for g in free_gold:
            misses.append(f"{art['id']}: MISSED {g.player} -> {g.to_club} ({g.stage})")
        for c in unmatched:
            misses.append(
                f"{art['id']}: EXTRA {c.player} -> {c.to_club} ({c.stage}) "
                f"from {c.from_club}; evidence: {c.evidence[:1]}"
            )
    matched = totals["matched"] or 1
    figures = {
        "claims_precision": totals["matched"] / (totals["predicted"] or 1),
        "claims_recall": totals["matched"] / (totals["gold"] or 1),
        "to_club": totals["to_club"] / (totals["paired"] or 1),
        **{name: right[name] / matched for name in FIELDS[1:]},
    }
    if verbose:
        for line in misses:
            print("  " + line)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: python benchmarks/claims_eval.py /work/shared/corpus/dev-a",
    )
    parser.add_argument("corpus", type=Path, help="a corpus directory with content.yaml")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    figures = evaluate(args.corpus, verbose=args.verbose)
    for name, value in figures.items():
        print(f"{name} {value:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
