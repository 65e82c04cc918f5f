"""Refresh: the stored claims grouped into rumours, and the rumours scored, at the cost of
what changed.

The one step every caller runs after storing articles (`voci backfill`, `voci score`,
the daemon, the workers, `voci eval`). A pass that stored twenty articles regroups the
claims those articles can touch and rescores the rumours that changed, whatever the size
of the store; `full=True` (`voci score --full`) does everything again and gives the
same result.

Grouping. A claim's player depends only on the claims whose names the name rules connect
to its own (rumours.names: one player's spellings, a surname and the full names it may
stand for). So name forms fall into *components*, kept in the store (name_forms, found
through name_keys: any two related forms share a key). New claims regroup the components
they reach - every claim of those, with `group_claims`, which gives each component the
rumours a regroup of everything would. Components only ever merge.

Scoring. A rumour's score is a function of its reports, the reliabilities of their
origins, and time. It is computed again when
* its component was regrouped (new claims, or claims removed by re-extraction);
* time alone changes it: a new day of decay (support fades by whole days), its window
  closing, a report dated after the last scoring (`due_at`, kept with each score);
* the reliability of one of its origins moved: a prior edited in sources.yaml, or the
  learned value - the posterior mean over resolved rumours, used to two decimals - moved
  by a step. Resolved rumours (under the priors) are kept in rumour_outcomes, so the
  posteriors are a sum over the store, not a rescoring of it;
and with it every rumour of the same player in the same window (an official move of one
settles the others). A score joins score_history when its probability moves by at least
0.01 or its status changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from pipeline.learning import Posterior
from pipeline.model import StoredClaim
from pipeline.rumours import ClaimRef, group_claims, name_key, window_closes
from pipeline.rumours.names import (
    MIN_WORD_LEN,
    NICKNAME_MIN_LEN,
    contained_in,
    matches,
    near_keys,
    usable,
)
from pipeline.scoring import COLLAPSED_P, UNKNOWN_RELIABILITY, Report, RumourFacts, Score, score_all
from pipeline.sources import Sources
from pipeline.store import PlayerRecord, RumourRecord, ScoreRecord, Store
from pipeline.store.refresh import ScoredRumour

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did."""

    regrouped: int  # claims grouped again (those new, and their components' others)
    changed: int  # rumours added, changed or removed by the grouping
    scored: int  # rumours (re)scored
    history: int  # score_history rows added


def refresh(sources: Sources, store: Store, *, as_of: dt.datetime,
            scored_at: dt.datetime | None = None, full: bool = False) -> Refreshed:
    """Group the claims no refresh has grouped, and score what that and time changed, as
    of `as_of`. Scoring as of a time before the stored scores' is done in full."""
    latest = store.latest_as_of()
    if full or (latest is not None and as_of < latest):
        store.reset_grouping()
        full = True
    regrouped, changed = regroup(store, full=full)
    scored, history = rescore(sources, store, as_of=as_of, scored_at=scored_at or as_of,
                              full=full)
    return Refreshed(regrouped, len(changed), scored, history)


# ---------------------------------------------------------------- grouping

def form_of(player: str, player_key: str | None) -> str:
    """The folded name a claim is grouped by: the extractor's key, else the name."""
    return name_key(player_key or player)


def name_keys(form: str) -> list[str]:
    """Keys any two forms the name rules relate share at least one of (then `related`
    decides): the form with one word blanked (a slip in one word: "joe gomex"/"joe
    gomez"), the near keys of the surname (a misspelt or bare surname: "zirkze"/"joshua
    zirkzee"), every other word (a first name alone: "lautaro"/"lautaro martinez"), and
    the surname's first letters (a nickname cut from it: "kvara"/"kvaratskhelia")."""
    words = form.split()
    keys = [f"x{len(words)}|" + " ".join(w if j != i else "*" for j, w in enumerate(words))
            for i in range(len(words))] if len(words) > 1 else []
    keys += [f"s|{k}" for k in near_keys(words[-1])]
    keys += [f"w|{w}" for w in set(words[:-1] if len(words) > 1 else words)
             if len(w) >= MIN_WORD_LEN]
    if len(words[-1]) >= NICKNAME_MIN_LEN:
        keys.append(f"p|{words[-1][:NICKNAME_MIN_LEN]}")
    return keys


def related(f: str, g: str) -> bool:
    """Whether the name rules relate two forms: one a slip of the other, or a partial of
    it (a surname, a first name, a nickname)."""
    fw, gw = tuple(f.split()), tuple(g.split())
    return (matches(fw, gw) is not None or contained_in(fw, gw) is not None
            or contained_in(gw, fw) is not None)


def regroup(store: Store, *, full: bool = False) -> tuple[int, set[str]]:
    """Group the claims no refresh has grouped, with every claim of the components they
    reach. Returns how many claims were grouped and the rumours added, changed or
    removed."""
    pending = store.ungrouped_claims()
    stale = store.take_stale_forms()
    if not pending and not stale:
        return 0, set()
    claim_forms = {cid: form_of(player, key) for cid, player, key in pending}
    forms = {f for f in claim_forms.values() if usable(tuple(f.split()))}
    known = store.components_of(forms | stale)
    new = sorted(forms - known.keys())
    keys = {f: name_keys(f) for f in new}
    holders = store.forms_with_keys({k for ks in keys.values() for k in ks})
    for f in new:  # new forms meet each other too
        for k in keys[f]:
            holders.setdefault(k, set()).add(f)
    candidates = {g for ks in keys.values() for k in ks for g in holders.get(k, ())}
    known.update(store.components_of(candidates - known.keys() - set(new)))
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def component(form: str) -> str:
        return find(known.get(form, form))

    for f in new:
        for g in sorted({g for k in keys[f] for g in holders[k]} - {f}):
            if related(f, g):
                a, b = component(f), component(g)
                if a != b:  # a component is named by its smallest id: the same either way
                    parent[max(a, b)] = min(a, b)
    merged = {c: find(c) for c in set(known.values()) if find(c) != c}
    store.add_names(claim_forms, keys, merged, {f: component(f) for f in new})
    reached = {component(f) for f in forms} | {component(f) for f in stale if f in known}
    ids = reached | merged.keys() | (store.stored_components() if full else set())
    members = store.forms_of_components(reached)
    comp = store.components_of(members)
    claims = store.claims_of_forms(members)
    grouping = group_claims(_ref(c) for c in claims)
    players = {p.id: (comp[p.id.replace("-", " ")], PlayerRecord(p.id, p.name, p.spellings))
               for p in grouping.players}
    rumours = {r.id: (comp[r.player_id.replace("-", " ")],
                      RumourRecord(r.id, r.player_id, r.player, r.from_club, r.to_club,
                                   r.window, r.first_seen, r.last_seen, r.claim_ids))
               for r in grouping.rumours}
    return len(claims), store.write_grouping(ids, players, rumours)


def _ref(c: StoredClaim) -> ClaimRef:
    return ClaimRef(c.claim_id, c.article_id, c.outlet_id, c.published_at, c.claim)


# ---------------------------------------------------------------- scoring

def rescore(sources: Sources, store: Store, *, as_of: dt.datetime, scored_at: dt.datetime,
            full: bool = False) -> tuple[int, int]:
    """Score the rumours that are due (see the module doc) as of `as_of`; every rumour
    when `full`. Returns how many were scored and how many history rows were added."""
    priors = reliability_priors(sources, store)
    used = store.reliabilities_used()
    if full:
        ids = store.rumour_ids()
    else:
        ids = store.due_rumours(as_of)
        edited = {o for o, (prior, _) in used.items()
                  if prior != priors.get(o, UNKNOWN_RELIABILITY)}
        ids |= store.rumours_citing(edited)
    ids = store.with_siblings(ids)
    facts = _facts(store, ids)
    # First round, under the priors: which rumours are resolved, and who supported them.
    first = score_all(facts.values(), priors, as_of=as_of)
    store.write_outcomes(ids, {
        rid: (s.status == "confirmed",
              frozenset(e.origin for e in s.evidence if e.independent and e.weight > 0))
        for rid, s in first.items() if s.status in ("confirmed", "collapsed", "expired")})
    learned = learned_reliabilities(priors, store.outcome_counts())
    moved = {o for o in learned.keys() | used.keys()
             if learned.get(o) != (used[o][1] if o in used else None)}
    if moved and not full:
        more = store.with_siblings(store.rumours_citing(moved) - ids)
        facts.update(_facts(store, more - ids))
        ids |= more
    names = {**{o.id: o.name for o in sources.outlets},
             **{j.id: j.name for j in sources.journalists}}
    scores = score_all(facts.values(), learned, as_of=as_of, names=names)
    scored = [ScoredRumour(_record(rid, s), _due(facts[rid], (s, first.get(rid)), as_of))
              for rid, s in sorted(scores.items())]
    history = store.write_scores(
        scored, as_of=as_of, scored_at=scored_at, unscored=ids - scores.keys(),
        reliabilities={o: (priors.get(o, UNKNOWN_RELIABILITY), r) for o, r in learned.items()})
    return len(scored), history


def learned_reliabilities(priors: Mapping[str, float],
                          counts: Mapping[str, tuple[int, int]]) -> dict[str, float]:
    """Every source's posterior mean (pipeline.learning), to two decimals: finer moves are
    noise at the numbers of resolved rumours behind a source, and would rescore its
    every rumour."""
    out = {}
    for o in priors.keys() | counts.keys():
        happened, failed = counts.get(o, (0, 0))
        post = Posterior(o, priors.get(o, UNKNOWN_RELIABILITY), happened, failed)
        out[o] = round(post.mean, 2)
    return out


def reliability_priors(sources: Sources, store: Store) -> dict[str, float]:
    """Every source's prior: sources.yaml's, and the stored one for outlets since retired
    from it (their articles remain)."""
    return {**store.outlet_reliabilities(),
            **{o.id: o.reliability for o in sources.outlets},
            **{j.id: j.reliability for j in sources.journalists}}


def _facts(store: Store, ids: Collection[str]) -> dict[str, RumourFacts]:
    rumours = store.rumours_by_id(ids)
    claims = {c.claim_id: c for c in store.claims_by_id(
        [c for r in rumours for c in r.claim_ids])}
    return {r.id: RumourFacts(r.id, r.player_id, r.window,
                              tuple(_report(claims[c]) for c in r.claim_ids if c in claims))
            for r in rumours}


def _due(facts: RumourFacts, scores: tuple[Score, Score | None],
         as_of: dt.datetime) -> dt.datetime | None:
    """When time alone changes this score, or its outcome under the priors: a report
    dated later than `as_of` comes in; and while its window is open and either is not
    settled, the next day of decay or the window's close, whichever is first."""
    later = [r.published_at for r in facts.reports if r.published_at > as_of]
    due = min(later, default=None)
    closes = window_closes(facts.window)
    settled = all(s is not None and (s.status == "confirmed" or s.probability == COLLAPSED_P)
                  for s in scores)
    if as_of < closes and not settled:
        day = as_of.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        tick = min(day + DAY, closes)
        due = tick if due is None else min(due, tick)
    return due


def _record(rid: str, s: Score) -> ScoreRecord:
    return ScoreRecord(rid, s.probability, s.status, s.stage, s.fee_eur, s.n_reports,
                       s.n_outlets, s.n_independent, s.reason,
                       tuple((e.claim_id, e.origin, e.independent, e.weight)
                             for e in s.evidence))


def _report(c: StoredClaim) -> Report:
    return Report(claim_id=c.claim_id, article_id=c.article_id, outlet_id=c.outlet_id,
                  published_at=c.published_at, stage=c.claim.stage, hedged=c.claim.hedged,
                  fee_eur=c.claim.fee_eur, cites_id=c.claim.cites_id, cites=c.claim.cites,
                  copy_of=c.copy_of_id, copy_of_outlet=c.copy_of_outlet)


def replay(sources: Sources, store: Store, *, since: dt.datetime, until: dt.datetime) -> int:
    """Score every rumour as of each day from `since` until before `until`, as if voci had
    scored every day (history for calibration). Returns how many days were scored."""
    days = 0
    day = since
    while day < until:
        refresh(sources, store, as_of=day, scored_at=dt.datetime.now(dt.UTC), full=days == 0)
        day += DAY
        days += 1
    return days
