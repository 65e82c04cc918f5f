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
import tempfile
from collections.abc import Mapping, Sequence
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
from pipeline.model import Claim
from pipeline.run import fetch_pass
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
                free.remove(hit)
                matched.append((hit, g))
                to_club_right += 1
                to_club_total += 1
        for g in golds:
            if any(m[1] is g for m in matched):
                continue
            hit = next((p for p in free if same_player(p.player_key, g.player)), None)
            if hit is not None:
                free.remove(hit)
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
    ]


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
    for s in [*sources.outlets, *sources.journalists]:
        for name in (s.name, *s.aliases):
            names.setdefault(name_key(name), s.id)
    return names


@dataclass(frozen=True)
class EvalReport:
    corpus: str
    articles: int
    figures: tuple[Figure, ...]

    def lines(self) -> list[str]:
        return [f"corpus {self.corpus}", f"articles {self.articles}",
                *(f.line() for f in self.figures)]

    def as_dict(self) -> dict[str, float]:
        return {f.name: round(f.value, 6) for f in self.figures}


def evaluate(corpus_dir: str | Path, *, journalists_from: Sources | None = None,
             workdir: str | Path | None = None) -> EvalReport:
    """Serve the corpus, run voci over it into a temporary SQLite file, score the result.

    `journalists_from`: a sources file whose journalists articles may cite (the corpus
    defines only its outlets).
    """
    corpus_dir = Path(corpus_dir).resolve()
    clubs = default_clubs()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, CorpusServer(corpus_dir) as server:
        sources = server.sources()
        if journalists_from is not None:
            sources = replace(sources, journalists=journalists_from.journalists)
        # Our own loopback server: no need to be gentle, but keep every other guard.
        config = FetchConfig(user_agent=USER_AGENT, min_host_delay=0.0)
        with Store(f"sqlite:///{Path(tmp) / 'eval.db'}") as store, Fetcher(config) as fetcher:
            fetch_pass(sources, store, fetcher, now=dt.datetime.now(dt.UTC))
            articles = {a.id: (a.outlet_id, urlsplit(a.url).path) for a in store.articles()}
            stored = store.claims_by_article()
    predicted = {articles[aid]: claims for aid, claims in stored.items()}
    gold = load_gold(corpus_dir, clubs)
    figures = score_claims(predicted, gold, source_names(sources))
    return EvalReport(corpus_dir.name, len(articles), tuple(figures))
