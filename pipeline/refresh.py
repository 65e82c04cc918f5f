"""Refresh: the stored claims grouped into rumours, and the rumours scored.

The one step every caller runs after storing articles (`voci backfill`, `voci score`,
the daemon, the workers, `voci eval`): `refresh`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.learning import Outcome, Posterior, posteriors
from pipeline.model import StoredClaim
from pipeline.rumours import ClaimRef, Grouping, group_claims
from pipeline.scoring import UNKNOWN_RELIABILITY, Report, RumourFacts, Score, score_all
from pipeline.sources import Sources
from pipeline.store import PlayerRecord, RumourRecord, ScoreRecord, Store


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did: how many rumours exist, and how many it (re)scored."""

    rumours: int
    scored: int


def refresh(sources: Sources, store: Store, *, as_of: dt.datetime,
            scored_at: dt.datetime | None = None, full: bool = False) -> Refreshed:
    """Group the stored claims into rumours and score them as of `as_of`."""
    grouping = regroup(store)
    result = score(sources, store, as_of=as_of, scored_at=scored_at or as_of)
    return Refreshed(len(grouping.rumours), len(result.scores))



def regroup(store: Store) -> Grouping:
    """Group every stored claim into rumours and store the grouping.

    Grouping is a function of the set of claims (ids derived from content), so running
    it over everything after each pass gives the same rumours whatever order the
    articles came in.
    """
    refs = [ClaimRef(c.claim_id, c.article_id, c.outlet_id, c.published_at, c.claim)
            for c in store.stored_claims()]
    grouping = group_claims(refs)
    store.replace_grouping(
        [PlayerRecord(p.id, p.name, p.spellings) for p in grouping.players],
        [RumourRecord(r.id, r.player_id, r.player, r.from_club, r.to_club, r.window,
                      r.first_seen, r.last_seen, r.claim_ids) for r in grouping.rumours])
    return grouping


@dataclass(frozen=True)
class ScoringResult:
    scores: dict[str, Score]
    posteriors: dict[str, Posterior]


def score(sources: Sources, store: Store, *, as_of: dt.datetime,
          scored_at: dt.datetime) -> ScoringResult:
    """Score every rumour as of `as_of`, learning reliabilities from resolved rumours.

    Two rounds: the priors decide which rumours are resolved by `as_of`; what those
    outcomes teach (posterior reliabilities) then scores every rumour.
    """
    claims = {c.claim_id: c for c in store.stored_claims()}
    facts = [RumourFacts(r.id, r.player_id, r.window,
                         tuple(_report(claims[c]) for c in r.claim_ids if c in claims))
             for r in store.rumours()]
    priors = reliability_priors(sources, store)
    names = {**{o.id: o.name for o in sources.outlets},
             **{j.id: j.name for j in sources.journalists}}
    first = score_all(facts, priors, as_of=as_of)
    outcomes = [Outcome(rid, frozenset(e.origin for e in s.evidence
                                       if e.independent and e.weight > 0),
                        s.status == "confirmed")
                for rid, s in first.items() if s.status in ("confirmed", "collapsed", "expired")]
    learned = posteriors(priors, outcomes, default_prior=UNKNOWN_RELIABILITY)
    scores = score_all(facts, {k: p.mean for k, p in learned.items()}, as_of=as_of,
                       names=names)
    store.replace_scores(
        [ScoreRecord(rid, s.probability, s.status, s.stage, s.fee_eur, s.n_reports,
                     s.n_outlets, s.n_independent, s.reason,
                     tuple((e.claim_id, e.origin, e.independent, e.weight) for e in s.evidence))
         for rid, s in sorted(scores.items())],
        as_of=as_of, scored_at=scored_at)
    return ScoringResult(scores, learned)


def reliability_priors(sources: Sources, store: Store) -> dict[str, float]:
    """Every source's prior: sources.yaml's, and the stored one for outlets since retired
    from it (their articles remain)."""
    return {**store.outlet_reliabilities(),
            **{o.id: o.reliability for o in sources.outlets},
            **{j.id: j.reliability for j in sources.journalists}}


def _report(c: StoredClaim) -> Report:
    return Report(claim_id=c.claim_id, article_id=c.article_id, outlet_id=c.outlet_id,
                  published_at=c.published_at, stage=c.claim.stage, hedged=c.claim.hedged,
                  fee_eur=c.claim.fee_eur, cites_id=c.claim.cites_id, cites=c.claim.cites,
                  copy_of=c.copy_of_id, copy_of_outlet=c.copy_of_outlet)


def replay(sources: Sources, store: Store, *, since: dt.datetime, until: dt.datetime) -> int:
    """Score every rumour as of each day from `since` until before `until`, as if voci had
    scored every day (history for calibration). Returns how many days were scored."""
    regroup(store)
    days = 0
    day = since
    while day < until:
        score(sources, store, as_of=day, scored_at=dt.datetime.now(dt.UTC))
        day += dt.timedelta(days=1)
        days += 1
    return days
