"""Pure: a rumour's probability, and the reasons for it, from its evidence as of a time.

The model (docs/scoring.md gives the reasoning) works in log-odds:

    logit(p) = logit(base rate) + Σ over independent origins of their support
                                 − Σ over origins reporting a denial or collapse

* An *origin* is who really stands behind a report: the outlet itself, or the outlet or
  journalist it relays ("secondo quanto riportato da X" counts toward X, through relays
  of relays), or — for a syndicated copy — the origin of the original. Each origin
  counts once, however many articles repeat it: that is what keeps reposts from passing
  for confirmations (Dong et al., VLDB 2009, on copying between sources).
* An origin's support is the log likelihood ratio of a source of its reliability,
  logit(r) − logit(base rate), scaled by how far along the deal it reports (agreement
  and medicals weigh more than interest), less for hedged wording, a little more for
  each further report of its own (less and less), and halved every HALF_LIFE without
  new evidence from it, counted in whole days and only until the window closes
  (`decay_clock`).
* Denials subtract; collapses subtract more, and discount the support reported before
  them; support reported after the latest collapse counts in full, so a rumour revives.
* An official announcement (the club's own site, "ufficiale" from a reliable origin, or
  from independent origins together worth one) resolves the rumour as confirmed; so does
  a real transfer record (`Resolution`, from `voci outcomes import`), which also
  collapses a rumour whose window closed with the player elsewhere; a player who
  officially joins a club collapses his other open rumours of that window; a window
  that closes unconfirmed expires them (at the end of its last day in Rome:
  `pipeline.rumours.window_closes`, from Serie A's real dates in
  pipeline/rumours/data/windows.yaml).

Everything is a function of the evidence and `as_of` only: sums and maxima over sets,
ties broken by content, never by arrival order.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pipeline.windows import window_closes

# Share of rumoured moves that happen: 12.7 % of 4,706 Transfermarkt rumours (2023-25)
# were followed by the paid move, loans and free moves uncounted (research/outlets.md).
BASE_RATE = 0.17
# Reliability of an origin voci knows nothing about (a foreign paper named in passing):
# the level of the least reliable outlets in sources.yaml.
UNKNOWN_RELIABILITY = 0.30
# An "ufficiale" resolves a rumour only from an origin at least this reliable.
RELIABLE = 0.6
CONFIRMED_P = 0.995
COLLAPSED_P = 0.005
HALF_LIFE = dt.timedelta(days=21)
# An open rumour's probability stays inside these: only an official announcement (or
# the player joining another club) takes it to CONFIRMED_P (or COLLAPSED_P).
OPEN_FLOOR, OPEN_CEILING = 0.01, 0.98

POSITIVE_STAGES = ("interest", "talks", "bid", "agreement", "medical", "official")
NEGATIVE_STAGES = ("denied", "collapsed")
# How much of a source's full weight a report at each stage carries.
STAGE_WEIGHT = {"interest": 0.35, "talks": 0.6, "bid": 0.75, "agreement": 1.0,
                "medical": 1.2, "official": 1.4, "denied": 0.5, "collapsed": 1.2}
HEDGED_FACTOR = 0.6  # "sarebbe", "avrebbe": the outlet does not vouch for it
REPEAT_BONUS = 0.25  # the 2nd own report adds 25 % of the 1st, the 3rd 12.5 %, …
# Support reported before the latest denial/collapse keeps this share of its weight.
DISCOUNT_AFTER = {"denied": 0.6, "collapsed": 0.25}


@dataclass(frozen=True)
class Resolution:
    """What a real transfer record says of a rumour (pipeline.outcomes): from `at` on,
    the move happened (confirmed) or did not (collapsed: the window closed with the
    player elsewhere or staying). `record` says which record, for the reason."""

    status: str  # confirmed | collapsed
    at: dt.datetime
    record: str


@dataclass(frozen=True)
class Report:
    """One claim of one article about the rumour, with what scoring needs of its article."""

    claim_id: int
    article_id: int
    outlet_id: str
    published_at: dt.datetime
    stage: str
    hedged: bool = False
    fee_eur: int | None = None
    cites_id: str | None = None  # a known outlet or journalist the article relays
    cites: str | None = None  # the relayed name as written (unknown sources)
    copy_of: int | None = None  # the article this one copies word for word
    copy_of_outlet: str | None = None  # and its outlet


@dataclass(frozen=True)
class Weighed:
    """A report's part in the probability: its origin, and the log-odds it contributed."""

    claim_id: int
    origin: str
    independent: bool  # the report that carries its origin's weight
    weight: float


@dataclass(frozen=True)
class Score:
    probability: float
    status: str  # open | confirmed | collapsed | expired
    stage: str | None  # most advanced stage reported by a credible origin
    fee_eur: int | None
    n_reports: int
    n_outlets: int
    n_independent: int
    evidence: tuple[Weighed, ...]
    reason: str


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def source_weight(reliability: float) -> float:
    """Log likelihood ratio of a report from a source this reliable (never negative)."""
    r = min(max(reliability, 1e-4), 1 - 1e-4)
    return max(0.0, logit(r) - logit(BASE_RATE))


def decay_clock(as_of: dt.datetime, window_closes: dt.datetime | None = None) -> dt.datetime:
    """The time support has faded to: the start of `as_of`'s day (UTC), since support
    fades by whole days - so every pass of a day gives the same scores, and a rumour
    needs rescoring for time once a day, not every pass - and never later than its
    window's close (a closed window's rumour is history: its score stops changing)."""
    day = as_of.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day if window_closes is None else min(day, window_closes)


def origins(reports: Sequence[Report]) -> dict[int, str]:
    """Who stands behind each report (claim id -> origin id).

    A relay counts toward what it relays; when that source's own reports on this rumour
    relay someone else, toward that one (relays of relays). A syndicated copy counts
    toward its original's origin. Unknown relayed names become "name:<folded name>".
    """
    by_article: dict[int, list[Report]] = defaultdict(list)
    for r in reports:
        by_article[r.article_id].append(r)
    # (outlet, supports?) -> what its reports on this rumour cite (None: its own report).
    # Support and denial are followed apart: an outlet that relays a scoop and denies it
    # on its own account is still only a relay of the scoop.
    citations: dict[tuple[str, bool], set[str | None]] = defaultdict(set)
    for r in reports:
        cited = _cited(r)
        citations[(r.outlet_id, r.stage in POSITIVE_STAGES)].add(
            cited if cited != r.outlet_id else None)

    def follow(source: str, supports: bool) -> str:
        """Relayed source -> its own source, while all it said here was relayed from one."""
        seen = {source}
        while len(citations.get((source, supports), ())) == 1:
            (nxt,) = citations[(source, supports)]
            if nxt is None or nxt in seen:
                break
            seen.add(nxt)
            source = nxt
        return source

    def origin_of(r: Report, depth: int = 0) -> str:
        if r.copy_of is not None and depth < 8:
            originals = sorted(by_article.get(r.copy_of, ()), key=lambda x: x.claim_id)
            if originals:
                return origin_of(originals[0], depth + 1)
            return r.copy_of_outlet or r.outlet_id
        cited = _cited(r)
        return follow(cited, r.stage in POSITIVE_STAGES) if cited else r.outlet_id

    return {r.claim_id: origin_of(r) for r in reports}


def _cited(r: Report) -> str | None:
    if r.cites_id:
        return r.cites_id
    if r.cites:
        return "name:" + " ".join(r.cites.casefold().split())
    return None


def score_rumour(reports: Iterable[Report], reliability: Mapping[str, float], *,
                 as_of: dt.datetime, window_closes: dt.datetime | None = None,
                 joined_elsewhere: bool = False, resolution: Resolution | None = None,
                 names: Mapping[str, str] | None = None) -> Score:
    """The rumour's probability as of `as_of`, from the reports published by then.

    `reliability`: origin id -> reliability (posterior); ids missing are unknown origins.
    `joined_elsewhere`: the player officially joined another club in this window.
    `resolution`: what a real transfer record says, from its time on.
    `names`: origin id -> how the reason should name it (default: the id).
    """
    reports = sorted((r for r in reports if r.published_at <= as_of),
                     key=lambda r: (r.published_at, r.claim_id))
    clock = decay_clock(as_of, window_closes)
    origin = origins(reports)

    def rel(o: str) -> float:
        return reliability.get(o, UNKNOWN_RELIABILITY)

    positive = [r for r in reports if r.stage in POSITIVE_STAGES]
    negative = [r for r in reports if r.stage in NEGATIVE_STAGES]
    confirmed_by = _announced(positive, origin, rel)
    # Every time below is the *first* time an origin said something: a later relay or
    # copy of the same report is no new evidence, and must change nothing.
    first = _first_said(reports, origin)
    last_negative = {kind: max(t) for kind in NEGATIVE_STAGES
                     if (t := [f[kind] for f in first.values() if kind in f])}

    def support_after(when: dt.datetime) -> bool:
        return any(t > when for f in first.values() for stage, t in f.items()
                   if stage in POSITIVE_STAGES and STAGE_WEIGHT[stage] >= STAGE_WEIGHT["talks"])

    weighed: dict[int, Weighed] = {}
    total = logit(BASE_RATE)
    for o, group in _by_origin(positive, origin):
        top = _top(group)
        factor = STAGE_WEIGHT[top.stage] * (HEDGED_FACTOR if top.hedged else 1.0)
        own = {r.article_id for r in group if r.outlet_id == o and r.copy_of is None}
        factor *= 1 + 2 * REPEAT_BONUS * (1 - 0.5 ** max(len(own) - 1, 0))
        said = first[o][top.stage]
        factor *= 0.5 ** (max((clock - said).total_seconds(), 0.0) / HALF_LIFE.total_seconds())
        for kind, when in last_negative.items():
            if said <= when:
                factor *= DISCOUNT_AFTER[kind]
        w = source_weight(rel(o)) * factor
        total += w
        weighed[top.claim_id] = Weighed(top.claim_id, o, True, w)
    for o, group in _by_origin(negative, origin):
        top = _top(group)
        factor = STAGE_WEIGHT[top.stage] * (HEDGED_FACTOR if top.hedged else 1.0)
        if support_after(first[o][top.stage]):
            factor *= 0.5  # overtaken by later news
        w = -source_weight(rel(o)) * factor
        total += w
        weighed[top.claim_id] = Weighed(top.claim_id, o, True, w)
    evidence = tuple(weighed.get(r.claim_id)
                     or Weighed(r.claim_id, origin[r.claim_id], False, 0.0) for r in reports)
    by_origin = dict(_by_origin(positive, origin))
    collapses = [first[o]["collapsed"] for o in first
                 if "collapsed" in first[o] and rel(o) >= RELIABLE]
    collapsed = bool(collapses) and not support_after(max(collapses))

    probability = OPEN_FLOOR + (OPEN_CEILING - OPEN_FLOOR) * sigmoid(total)
    status = "open"
    record = resolution if resolution is not None and resolution.at <= as_of else None
    if record is not None and record.status == "confirmed":
        probability, status = CONFIRMED_P, "confirmed"
    elif confirmed_by:
        probability, status = CONFIRMED_P, "confirmed"
        record = None
    elif joined_elsewhere:
        probability, status = COLLAPSED_P, "collapsed"
        record = None
    elif record is not None:
        probability, status = COLLAPSED_P, "collapsed"
    elif collapsed:  # before expiry: a move a reliable origin saw fall through stays so
        status = "collapsed"  # once its window closes (it expired before, unresolved)
    elif window_closes is not None and as_of >= window_closes:
        status = "expired"
    credible = [r for r in positive if rel(origin[r.claim_id]) >= UNKNOWN_RELIABILITY]
    stage = max((r.stage for r in credible), key=STAGE_WEIGHT.__getitem__, default=None)
    n_independent = len({origin[r.claim_id] for r in positive})
    return Score(
        probability=probability, status=status, stage=stage, fee_eur=_consensus_fee(positive),
        n_reports=len(reports), n_outlets=len({r.outlet_id for r in reports}),
        n_independent=n_independent, evidence=evidence,
        reason=(f"{record.status} by a transfer record: {record.record}" if record else
                _reason(status, n_independent, by_origin, reliability, stage, negative, origin,
                        names or {})),
    )


def _announced(positive: Sequence[Report], origin: Mapping[int, str],
               rel: Callable[[str], float]) -> list[Report]:
    """The official announcements that settle a rumour: one from a reliable origin, or
    assertive ones from two or more independent origins worth a reliable one together
    (four outlets of 0.4 reporting "ufficiale" do not all err; two unknown names do not
    suffice)."""
    official = [r for r in positive if r.stage == "official"]
    reliable = [r for r in official if rel(origin[r.claim_id]) >= RELIABLE]
    if reliable:
        return reliable
    backers = {origin[r.claim_id] for r in official if not r.hedged}
    if len(backers) >= 2 and sum(source_weight(rel(o)) for o in backers) >= source_weight(
            RELIABLE):
        return [r for r in official if not r.hedged]
    return []


def _first_said(reports: Sequence[Report], origin: Mapping[int, str]
                ) -> dict[str, dict[str, dt.datetime]]:
    """origin -> stage -> when that origin first said it (through any report)."""
    first: dict[str, dict[str, dt.datetime]] = defaultdict(dict)
    for r in reports:
        said = first[origin[r.claim_id]]
        said[r.stage] = min(said.get(r.stage, r.published_at), r.published_at)
    return first


def _by_origin(reports: Sequence[Report], origin: Mapping[int, str]
               ) -> list[tuple[str, list[Report]]]:
    groups: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        groups[origin[r.claim_id]].append(r)
    return sorted(groups.items())


def _top(group: Sequence[Report]) -> Report:
    """The report that carries an origin's weight: strongest stage, assertive before
    hedged, then the earliest (a later repeat or relay never takes its place)."""
    return max(group, key=lambda r: (STAGE_WEIGHT[r.stage], not r.hedged,
                                     -r.published_at.timestamp(), -r.claim_id))


def _consensus_fee(reports: Sequence[Report]) -> int | None:
    """The fee most origins agree on (within 5 %), the most recent on a tie; None if none."""
    latest: dict[int, dt.datetime] = {}  # each distinct fee: how often, the latest report
    count: Counter[int] = Counter()
    for r in reports:
        if r.fee_eur:
            count[r.fee_eur] += 1
            latest[r.fee_eur] = max(latest.get(r.fee_eur, r.published_at), r.published_at)
    if not count:
        return None
    # a handful of distinct fees however many reports: compare those, not every pair
    agree = {f: sum(n for g, n in count.items() if abs(g - f) <= 0.05 * f) for f in count}
    return max(count, key=lambda f: (agree[f], latest[f], -f))


def _reason(status: str, n_independent: int, by_origin: Mapping[str, list[Report]],
            reliability: Mapping[str, float], stage: str | None,
            negative: Sequence[Report], origin: Mapping[int, str],
            names: Mapping[str, str]) -> str:
    if status == "confirmed":
        return "officially announced"
    if status == "collapsed" and not negative:
        return "the player officially joined another club"
    parts = []
    if n_independent:
        best = max(by_origin, key=lambda o: (reliability.get(o, UNKNOWN_RELIABILITY), o))
        noun = "source" if n_independent == 1 else "sources"
        parts.append(f"{n_independent} independent {noun} incl. {_display(best, names)}")
    else:
        parts.append("no supporting report")
    if stage:
        parts.append(f"{stage} reported")
    denials = [r for r in negative if r.stage == "denied"]
    falls = [r for r in negative if r.stage == "collapsed"]
    if falls:
        parts.append(f"collapse reported by {_display(origin[falls[-1].claim_id], names)}")
    elif denials:
        parts.append(f"denied by {_display(origin[denials[-1].claim_id], names)}")
    else:
        parts.append("no denial")
    if status == "expired":
        parts.append("window closed")
    return "; ".join(parts)


def _display(origin: str, names: Mapping[str, str]) -> str:
    return names.get(origin) or (origin[5:].title() if origin.startswith("name:") else origin)


@dataclass(frozen=True)
class RumourFacts:
    """What scoring needs of one rumour: who, which window, and its reports."""

    rumour_id: str
    player_id: str
    window: str
    reports: tuple[Report, ...]
    resolution: Resolution | None = None  # what a real transfer record says


def score_all(rumours: Iterable[RumourFacts], reliability: Mapping[str, float], *,
              as_of: dt.datetime, names: Mapping[str, str] | None = None) -> dict[str, Score]:
    """Score every rumour reported by `as_of`; a player confirmed at one club collapses
    his other rumours of that window."""
    facts = sorted((f for f in rumours if any(r.published_at <= as_of for r in f.reports)),
                   key=lambda f: f.rumour_id)
    first = {f.rumour_id: score_rumour(f.reports, reliability, as_of=as_of, names=names,
                                       window_closes=window_closes(f.window),
                                       resolution=f.resolution) for f in facts}
    joined = {(f.player_id, f.window) for f in facts if first[f.rumour_id].status == "confirmed"}
    out: dict[str, Score] = {}
    for f in facts:
        if first[f.rumour_id].status != "confirmed" and (f.player_id, f.window) in joined:
            out[f.rumour_id] = score_rumour(f.reports, reliability, as_of=as_of, names=names,
                                            window_closes=window_closes(f.window),
                                            joined_elsewhere=True, resolution=f.resolution)
        else:
            out[f.rumour_id] = first[f.rumour_id]
    return out
