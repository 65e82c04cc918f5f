"""`voci backtest`: how good were the scores, day by day, before each rumour resolved.

History is replayed in memory, nothing is written: every rumour is scored as of the
start of each day (UTC) from `since` until before `until`, exactly as a refresh would
have scored it then (pipeline.refresh: a first round under the priors finds what was
resolved by that day, their outcomes give the learned reliabilities, which score every
rumour) - so a day's score knows only what was published, announced and recorded by
then. Each rumour's outcome is what is known at the end (`label_at`: by default the
later of `until` and the end of the imported outcomes' coverage): confirmed (an official
announcement or a transfer record) is a move that happened; collapsed (a transfer record
of the window closing with the player elsewhere, his official move to another club, or a
collapse reported by a reliable origin) one that did not. A rumour still open then, or
expired (its window closed with neither an announcement nor a record covering it), has
no known outcome and is left out.

The figures are over (rumour, day) predictions taken while the rumour was open: Brier,
log loss, AUC, the base rate (share of predictions on moves that happened), and a
calibration table with a 95 % Wilson interval per bin, over the distinct rumours in it
(a rumour scored on thirty days is one outcome, not thirty). Predictions of one rumour on
successive days are correlated: `rumours` says how many independent moves stand behind
the figures, and `latest` gives the figures over each rumour's last score before it
resolved (one a rumour).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.learning import (
    Bin,
    Outcome,
    Posterior,
    auc,
    brier,
    log_loss,
    posteriors,
    reliability_bins,
)
from pipeline.refresh import (
    _facts,
    learned_reliabilities,
    reliability_priors,
    teaching_outcomes,
)
from pipeline.scoring import UNKNOWN_RELIABILITY, RumourFacts, Score, score_all
from pipeline.sources import Sources
from pipeline.store import Store

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Prediction:
    rumour_id: str
    as_of: dt.datetime
    probability: float
    happened: bool


@dataclass(frozen=True)
class BacktestReport:
    since: dt.datetime
    until: dt.datetime
    label_at: dt.datetime
    predictions: tuple[Prediction, ...]
    learned: Mapping[str, Posterior] = field(default_factory=dict)

    @property
    def pairs(self) -> list[tuple[float, bool]]:
        return [(p.probability, p.happened) for p in self.predictions]

    def as_dict(self, n_bins: int = 10) -> dict[str, Any]:
        pairs = self.pairs
        rumours = {p.rumour_id: p.happened for p in self.predictions}
        return {
            "since": self.since.isoformat(), "until": self.until.isoformat(),
            "labels_as_of": self.label_at.isoformat(),
            "n": len(pairs), "rumours": len(rumours),
            "rumours_happened": sum(rumours.values()),
            "base_rate": _round(sum(y for _, y in pairs) / len(pairs)) if pairs else None,
            "auc": _round(auc(pairs)), "brier": _round(brier(pairs)),
            "log_loss": _round(log_loss(pairs)),
            "latest": _latest(self.predictions),
            "calibration": [bin_dict(b) for b in reliability_bins(
                pairs, n_bins, [p.rumour_id for p in self.predictions])],
            "reliabilities": [
                {"source": s, "prior": round(p.prior, 3), "learned": round(p.mean, 3),
                 "happened": p.successes, "did_not": p.failures,
                 "resolved": p.successes + p.failures}
                for s, p in sorted(self.learned.items())],
        }


def _latest(predictions: tuple[Prediction, ...]) -> dict[str, Any]:
    """The same figures over each rumour's last score before it resolved (or at the end
    of the range): one prediction a rumour, as `voci eval` takes them."""
    last: dict[str, Prediction] = {}
    for p in predictions:
        if p.rumour_id not in last or p.as_of > last[p.rumour_id].as_of:
            last[p.rumour_id] = p
    pairs = [(p.probability, p.happened) for p in last.values()]
    return {"n": len(pairs), "auc": _round(auc(pairs)), "brier": _round(brier(pairs)),
            "log_loss": _round(log_loss(pairs))}


def _round(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 4)


def bin_dict(b: Bin) -> dict[str, Any]:
    low, high = b.interval()
    return {"low": b.low, "high": b.high, "n": b.count, "rumours": b.groups,
            "predicted": round(b.mean_predicted, 4), "observed": round(b.observed, 4),
            "observed_low": round(low, 4), "observed_high": round(high, 4)}


def score_as_of(facts: Iterable[RumourFacts], priors: Mapping[str, float],
                as_of: dt.datetime) -> tuple[dict[str, Score], dict[str, float]]:
    """Every rumour's score as a refresh as of `as_of` gives it (pipeline.refresh.rescore):
    outcomes under the priors, the learned reliabilities from them, the scores under
    those. Returns the scores and the learned reliabilities."""
    facts = list(facts)
    first = score_all(facts, priors, as_of=as_of)
    counts: dict[str, list[int]] = {}
    for happened, origins in teaching_outcomes({f.rumour_id: f for f in facts}, first,
                                               as_of).values():
        for o in origins:
            counts.setdefault(o, [0, 0])[0 if happened else 1] += 1
    learned = learned_reliabilities(priors, {o: (a, b) for o, (a, b) in counts.items()})
    return score_all(facts, learned, as_of=as_of), learned


def backtest(sources: Sources, store: Store, *, since: dt.datetime, until: dt.datetime,
             label_at: dt.datetime | None = None) -> BacktestReport:
    """Replay [since, until) a day at a time; see the module doc."""
    priors = reliability_priors(sources, store)
    facts = list(_facts(store, store.rumour_ids()).values())
    if label_at is None:
        covered = [_day_end(b) for _, b in store.outcome_coverage()]
        label_at = max([until, *covered])
    final = score_all(facts, priors, as_of=label_at)  # outcomes as a refresh counts them
    labels = {rid: s.status == "confirmed" for rid, s in final.items()
              if s.status in ("confirmed", "collapsed")}
    # what the sources' records are at the end, as a refresh then learns them
    taught = teaching_outcomes({f.rumour_id: f for f in facts}, final, label_at)
    learned = posteriors(priors, [Outcome(rid, origins, happened)
                                  for rid, (happened, origins) in taught.items()],
                         default_prior=UNKNOWN_RELIABILITY)
    labelled = [f for f in facts if f.rumour_id in labels]
    # learning needs every rumour; the predictions only those with an outcome
    predictions: list[Prediction] = []
    day = since
    while day < until:
        seen = [f for f in facts if any(r.published_at <= day for r in f.reports)]
        if any(f.rumour_id in labels for f in seen):
            scores, _ = score_as_of(seen, priors, day)
            predictions += [Prediction(f.rumour_id, day, scores[f.rumour_id].probability,
                                       labels[f.rumour_id])
                            for f in labelled if f.rumour_id in scores
                            and scores[f.rumour_id].status == "open"]
        day += DAY
    return BacktestReport(since, until, label_at, tuple(predictions), learned)


def _day_end(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + DAY


def default_range(store: Store) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The days the store's articles span: from the first one's day to after the last's."""
    first, last = store.published_range()
    if first is None or last is None:
        return None, None
    start = first.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = last.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0) + DAY
    return start, end


def calibration_lines(report: BacktestReport, n_bins: int = 10) -> list[str]:
    d = report.as_dict(n_bins)
    out = [f"backtest {d['since'][:10]} .. {d['until'][:10]} (outcomes as of "
           f"{d['labels_as_of'][:10]})",
           f"n {d['n']} predictions on {d['rumours']} resolved rumours "
           f"({d['rumours_happened']} happened)"]
    if not d["n"]:
        out.append("no resolved rumour was scored while open in this range: nothing to "
                   "measure (import outcomes with `voci outcomes import`, or widen the range)")
        return out
    out += [f"base_rate {_fmt(d['base_rate'])}", f"auc {_fmt(d['auc'])}",
            f"brier {_fmt(d['brier'])}", f"log_loss {_fmt(d['log_loss'])}",
            f"latest score of each rumour: auc {_fmt(d['latest']['auc'])} brier "
            f"{_fmt(d['latest']['brier'])} log_loss {_fmt(d['latest']['log_loss'])}",
            "calibration: predicted    n  rumours  mean_predicted  observed  (95% interval)"]
    out += [f"  {b['low']:.1f}-{b['high']:.1f} {b['n']:8d} {b['rumours']:8d}  "
            f"{b['predicted']:14.3f}  "
            f"{b['observed']:8.3f}  ({b['observed_low']:.3f}-{b['observed_high']:.3f})"
            for b in d["calibration"]]
    return out


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4f}"


__all__ = ["BacktestReport", "Prediction", "backtest", "bin_dict", "calibration_lines",
           "default_range", "score_as_of"]
