"""`voci eval`: measure the whole pipeline on a labelled corpus (tests/fixtures/corpus/FORMAT.md).

The corpus is served on loopback, voci runs on it exactly as on the web (fetch, extract,
claims …) into a temporary database, and what it stored is compared with the gold labels.
Scoring is pure (`score_claims`); `evaluate` does the serving and the running.

A predicted claim matches a gold claim of the same article when it names the same player
and the same destination club. to_club accuracy is measured over the pairs that agree on
the player (so a wrong destination shows there, and as a miss in precision and recall);
from_club, stage, fee (within 5 %) and cites over the fully matched claims.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from rapidfuzz import fuzz

from pipeline import USER_AGENT
from pipeline.claims.clubs import ClubIndex, default_clubs
from pipeline.claims.sentences import key as name_key
from pipeline.corpus import CorpusServer
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.learning import auc, brier
from pipeline.metrics import bcubed
from pipeline.model import BoardRow, Claim
from pipeline.refresh import refresh
from pipeline.run import fetch_pass
from pipeline.scoring import POSITIVE_STAGES, Report, origins
from pipeline.sources import Sources
from pipeline.store import Store

FEE_TOLERANCE = 0.05
# Two spellings of one player: "Milenkovic" / "Nikola Milenković", or a one-letter slip.
PLAYER_SIMILARITY = 90


@dataclass(frozen=True)
class GoldClaim:
    move: str
    player: str
    from_club: str | None  # club ids
    to_club: str | None
    stage: str
    fee_eur: int | None
    cites: str | None


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    count: int  # how many items the figure is over

    def line(self) -> str:
        return f"{self.name} {self.value:.3f} (n={self.count})"


def same_player(predicted_key: str, gold_name: str) -> bool:
    a, b = name_key(predicted_key), name_key(gold_name)
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    shorter, longer = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if shorter and longer[-len(shorter):] == shorter:  # surname alone
        return True
    return fuzz.ratio(a, b) >= PLAYER_SIMILARITY


def same_fee(predicted: int | None, gold: int | None) -> bool:
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return abs(predicted - gold) <= FEE_TOLERANCE * gold


def same_source(predicted: str | None, gold: str | None, names: Mapping[str, str]) -> bool:
    """Equal after folding, or two names of one known source (`names`: folded -> source id)."""
    if predicted is None or gold is None:
        return predicted is None and gold is None
    a, b = name_key(predicted), name_key(gold)
    return a == b or (a in names and names.get(a) == names.get(b))


def score_claims(predicted: Mapping[Any, Sequence[Claim]],
                 gold: Mapping[Any, Sequence[GoldClaim]],
                 source_names: Mapping[str, str] | None = None) -> list[Figure]:
    """Claim precision/recall and field accuracies; articles are keyed alike in both maps."""
    return match_claims(predicted, gold, source_names)[0]


def match_claims(predicted: Mapping[Any, Sequence[Claim]],
                 gold: Mapping[Any, Sequence[GoldClaim]],
                 source_names: Mapping[str, str] | None = None
                 ) -> tuple[list[Figure], list[tuple[Claim, GoldClaim]]]:
    """The figures, and the matched (predicted, gold) pairs."""
    source_names = source_names or {}
    n_pred = sum(len(v) for v in predicted.values())
    n_gold = sum(len(v) for v in gold.values())
    matched: list[tuple[Claim, GoldClaim]] = []
    to_club_right = to_club_total = 0
    for article in set(predicted) | set(gold):
        free = list(predicted.get(article, ()))
        golds = list(gold.get(article, ()))
        # Exact pairs first, so a player linked to two clubs pairs each claim correctly.
        for g in golds:
            hit = next((p for p in free if same_player(p.player_key, g.player)
                        and p.to_club == g.to_club), None)
            if hit is not None:
                free = [x for x in free if x is not hit]  # by identity: twins may be equal
                matched.append((hit, g))
                to_club_right += 1
                to_club_total += 1
        for g in golds:
            if any(m[1] is g for m in matched):
                continue
            hit = next((p for p in free if same_player(p.player_key, g.player)), None)
            if hit is not None:
                free = [x for x in free if x is not hit]  # by identity: twins may be equal
                to_club_total += 1

    def accuracy(name: str, right: int) -> Figure:
        return Figure(name, right / len(matched) if matched else 0.0, len(matched))

    return [
        Figure("claim_precision", len(matched) / n_pred if n_pred else 0.0, n_pred),
        Figure("claim_recall", len(matched) / n_gold if n_gold else 0.0, n_gold),
        Figure("to_club", to_club_right / to_club_total if to_club_total else 0.0,
               to_club_total),
        accuracy("from_club", sum(p.from_club == g.from_club for p, g in matched)),
        accuracy("stage", sum(p.stage == g.stage for p, g in matched)),
        accuracy("fee", sum(same_fee(p.fee_eur, g.fee_eur) for p, g in matched)),
        accuracy("cites", sum(same_source(p.cites, g.cites, source_names) for p, g in matched)),
    ], matched


def load_gold(corpus_dir: Path, clubs: ClubIndex) -> dict[tuple[str, str], list[GoldClaim]]:
    """Gold claims keyed by (outlet id, article path)."""
    gold = yaml.safe_load((corpus_dir / "gold.yaml").read_text(encoding="utf-8"))
    moves = gold["moves"]
    out: dict[tuple[str, str], list[GoldClaim]] = {}
    for article in gold["articles"]:
        claims = []
        for c in article.get("claims", []):
            move = moves[c["move"]]
            claims.append(GoldClaim(c["move"], move["player"], clubs.lookup(move["from"]),
                                    clubs.lookup(move["to"]), c["stage"], c.get("fee_eur"),
                                    c.get("cites")))
        out[(article["outlet"], article["path"])] = claims
    return out


def source_names(sources: Sources) -> dict[str, str]:
    names: dict[str, str] = {}
    known: list[tuple[str, str, tuple[str, ...]]] = [
        *((o.id, o.name, o.aliases) for o in sources.outlets),
        *((j.id, j.name, j.aliases) for j in sources.journalists)]
    for ident, display, aliases in known:
        for name in (display, *aliases):
            names.setdefault(name_key(name), ident)
    return names


@dataclass(frozen=True)
class ArticleDiff:
    """What voci read wrong in one article: gold claims it missed, claims it made up."""

    outlet: str
    path: str
    missed: tuple[str, ...]
    spurious: tuple[str, ...]


@dataclass(frozen=True)
class EvalReport:
    corpus: str
    articles: int
    figures: tuple[Figure, ...]
    # per outlet: (outlet id, claim precision, claim recall, claims made, gold claims)
    outlets: tuple[tuple[str, float, float, int, int], ...] = ()
    diffs: tuple[ArticleDiff, ...] = ()

    def lines(self) -> list[str]:
        return [f"corpus {self.corpus}", f"articles {self.articles}",
                *(f.line() for f in self.figures)]

    def verbose_lines(self) -> list[str]:
        """Per-outlet figures, then each article's misses and spurious claims."""
        out = [f"outlet {o} claim_precision {p:.3f} claim_recall {r:.3f} (made {n}, gold {g})"
               for o, p, r, n, g in self.outlets]
        for d in self.diffs:
            out.append(f"article {d.outlet} {d.path}")
            out += [f"  missed   {m}" for m in d.missed]
            out += [f"  spurious {m}" for m in d.spurious]
        return out

    def as_dict(self) -> dict[str, float]:
        return {f.name: round(f.value, 6) for f in self.figures}


def _said(c: Claim | GoldClaim) -> str:
    return f"{c.player}: {c.from_club or '?'} -> {c.to_club or '?'} [{c.stage}]"


def article_diffs(predicted: Mapping[tuple[str, str], Sequence[Claim]],
                  gold: Mapping[tuple[str, str], Sequence[GoldClaim]],
                  matched: Sequence[tuple[Claim, GoldClaim]]) -> tuple[ArticleDiff, ...]:
    hit_p = {id(p) for p, _ in matched}
    hit_g = {id(g) for _, g in matched}
    diffs = []
    for key in sorted(set(predicted) | set(gold)):
        missed = tuple(_said(g) for g in gold.get(key, ()) if id(g) not in hit_g)
        spurious = tuple(_said(p) for p in predicted.get(key, ()) if id(p) not in hit_p)
        if missed or spurious:
            diffs.append(ArticleDiff(key[0], key[1], missed, spurious))
    return tuple(diffs)


def outlet_figures(predicted: Mapping[tuple[str, str], Sequence[Claim]],
                   matched: Sequence[tuple[Claim, GoldClaim]],
                   gold: Mapping[tuple[str, str], Sequence[GoldClaim]]
                   ) -> tuple[tuple[str, float, float, int, int], ...]:
    hit_p = {id(p) for p, _ in matched}
    hit_g = {id(g) for _, g in matched}
    out = []
    for outlet in sorted({k[0] for k in predicted} | {k[0] for k in gold}):
        made = [p for k, ps in predicted.items() if k[0] == outlet for p in ps]
        wanted = [g for k, gs in gold.items() if k[0] == outlet for g in gs]
        right_p = sum(id(p) in hit_p for p in made)
        right_g = sum(id(g) in hit_g for g in wanted)
        out.append((outlet, right_p / len(made) if made else 0.0,
                    right_g / len(wanted) if wanted else 0.0, len(made), len(wanted)))
    return tuple(out)


def gold_independent(corpus_dir: Path, names: Mapping[str, str]) -> dict[str, int]:
    """Per move, the independent origins among its supporting gold claims.

    The same rule as the scorer's (pipeline.scoring.origins) applied to the labels: a
    relay counts toward what it relays, through relays of relays; a copy toward its
    original. So the comparison measures what voci read, not a second definition.
    """
    gold = yaml.safe_load((corpus_dir / "gold.yaml").read_text(encoding="utf-8"))
    article_no = {a["id"]: n for n, a in enumerate(gold["articles"], start=1)}
    by_move: dict[str, list[Report]] = {}
    claim_no = 0
    for a in gold["articles"]:
        when = dt.datetime.fromisoformat(str(a["published"])).astimezone(dt.UTC)
        for c in a.get("claims", []):
            claim_no += 1
            cited = c.get("cites")
            cites_id = names.get(name_key(cited)) if cited else None
            by_move.setdefault(c["move"], []).append(Report(
                claim_no, article_no[a["id"]], a["outlet"], when, c["stage"],
                cites_id=cites_id, cites=cited if cites_id is None else None,
                copy_of=article_no.get(a.get("copy_of", "")),
            ))
    out = {}
    for move, reports in by_move.items():
        origin = origins(reports)
        out[move] = len({origin[r.claim_id] for r in reports if r.stage in POSITIVE_STAGES})
    return out


def score_moves(corpus_dir: Path, matched_rumours: Mapping[str, list[str]],
                board: Mapping[str, BoardRow], names: Mapping[str, str]) -> list[Figure]:
    """AUC and Brier over confirmed/collapsed moves, n_independent error, official moves.

    `matched_rumours`: move -> the rumour ids of the predicted claims matched to its gold
    claims; a move is represented by the rumour most of them joined.
    """
    gold = yaml.safe_load((corpus_dir / "gold.yaml").read_text(encoding="utf-8"))
    official = {c["move"] for a in gold["articles"] for c in a.get("claims", [])
                if c["stage"] == "official"}
    independent = gold_independent(corpus_dir, names)
    pairs: list[tuple[float, bool]] = []
    errors: list[int] = []
    official_p: list[float] = []
    for move, info in gold["moves"].items():
        ids = [r for r in matched_rumours.get(move, []) if r in board]
        row = board[max(sorted(set(ids)), key=ids.count)] if ids else None
        p = row.probability if row else 0.0
        if info["outcome"] in ("confirmed", "collapsed"):
            pairs.append((p, info["outcome"] == "confirmed"))
        if row is not None:
            errors.append(abs(row.n_independent - independent.get(move, 0)))
        if move in official:
            official_p.append(p)
    return [
        Figure("auc", auc(pairs), len(pairs)),
        Figure("brier", brier(pairs), len(pairs)),
        Figure("n_independent_mae", sum(errors) / len(errors) if errors else math.nan,
               len(errors)),
        Figure("official_min_probability", min(official_p) if official_p else math.nan,
               len(official_p)),
    ]


def evaluate(corpus_dir: str | Path, *, journalists_from: Sources | None = None,
             workdir: str | Path | None = None) -> EvalReport:
    """Serve the corpus, run voci over it into a temporary SQLite file, score the result.

    `journalists_from`: a sources file whose journalists articles may cite (the corpus
    defines only its outlets). Rumours are scored as of the corpus's `as_of`.
    """
    corpus_dir = Path(corpus_dir).resolve()
    clubs = default_clubs()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, CorpusServer(corpus_dir) as server:
        sources = server.sources()
        if journalists_from is not None:
            sources = replace(sources, journalists=journalists_from.journalists)
        as_of = dt.datetime.fromisoformat(str(server.gold["as_of"])).astimezone(dt.UTC)
        # Our own loopback server: no need to be gentle, but keep every other guard.
        config = FetchConfig(user_agent=USER_AGENT, min_host_delay=0.0)
        with Store(f"sqlite:///{Path(tmp) / 'eval.db'}") as store, Fetcher(config) as fetcher:
            fetch_pass(sources, store, fetcher, now=as_of)
            refresh(sources, store, as_of=as_of)
            articles = {a.id: (a.outlet_id, urlsplit(a.url).path) for a in store.articles()}
            stored = store.stored_claims()
            rumour_of = {c: r.id for r in store.rumours() for c in r.claim_ids}
            board = {row.rumour_id: row for row in store.board()}
    predicted: dict[tuple[str, str], list[Claim]] = {}
    claim_id: dict[int, int] = {}  # id(Claim object) -> stored claim id
    for c in stored:
        predicted.setdefault(articles[c.article_id], []).append(c.claim)
        claim_id[id(c.claim)] = c.claim_id
    gold = load_gold(corpus_dir, clubs)
    names = source_names(sources)
    figures, matched = match_claims(predicted, gold, names)
    # Grouping: B-cubed of rumours against gold moves, over the matched claims (a claim
    # that joined no rumour is a cluster of its own).
    item_rumour: dict[Hashable, Hashable] = {n: rumour_of.get(claim_id[id(p)], f"alone:{n}")
                   for n, (p, _) in enumerate(matched)}
    item_move: dict[Hashable, Hashable] = {n: g.move for n, (_, g) in enumerate(matched)}
    grouping = bcubed(item_rumour, item_move)
    figures += [Figure("bcubed_precision", grouping.precision, len(matched)),
                Figure("bcubed_recall", grouping.recall, len(matched)),
                Figure("bcubed_f1", grouping.f1, len(matched))]
    matched_rumours: dict[str, list[str]] = {}
    for p, g in matched:
        if claim_id[id(p)] in rumour_of:
            matched_rumours.setdefault(g.move, []).append(rumour_of[claim_id[id(p)]])
    figures += score_moves(corpus_dir, matched_rumours, board, names)
    return EvalReport(corpus_dir.name, len(articles), tuple(figures),
                      outlet_figures(predicted, matched, gold),
                      article_diffs(predicted, gold, matched))
