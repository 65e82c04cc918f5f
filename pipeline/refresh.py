"""Refresh: the stored claims grouped into rumours, and the rumours scored, at the cost of
what changed.

The one step every caller runs after storing articles (`voci backfill`, `voci score`,
the daemon, the workers, `voci eval`). A pass that stored twenty articles regroups the
claims those articles can touch and rescores the rumours that changed, whatever the size
of the store; `full=True` (`voci score --full`) does everything again and gives the
same result.

Grouping. Each claim keeps the player it was placed under (claims.player_id), and each
name form its block (name_forms: the forms one player's spellings join, found through
name_keys - any two forms the name rules relate share a key). A claim's player is
decided within its block, and a one-word form's against the blocks of the forms it may
stand for. New claims re-decide only what they can change (`regroup`), with
`rumours.placements` over the claims that decision reads, and only the rumours whose
claims moved are built again.

Scoring. A rumour's score is a function of its reports, the reliabilities of their
origins, and time. It is computed again when
* its component was regrouped (new claims, or claims removed by re-extraction);
* time alone changes it: a new day of decay (support fades by whole days), its window
  closing, a report dated after the last scoring (`due_at`, kept with each score);
* the reliability of one of its origins moved: a prior edited in sources.yaml, or the
  learned value - the posterior mean over the resolved rumours of closed windows, used
  to two decimals - moved by a step (when a window closes, or records are imported).
  Resolved rumours (under the priors) are kept in rumour_outcomes, so the posteriors
  are a sum over the store, not a rescoring of it;
and with it every rumour of the same player in the same window (an official move of one
settles the others). A score joins score_history when its probability moves by at least
0.01 or its status changes.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.learning import Posterior
from pipeline.model import StoredClaim
from pipeline.rumours import (
    ClaimRef,
    best_spelling,
    name_key,
    placements,
    rumour_of,
    window_closes,
    window_of,
)
from pipeline.rumours.grouper import form_named, form_of, player_id
from pipeline.rumours.names import (
    MIN_WORD_LEN,
    NICKNAME_MIN_LEN,
    contained_in,
    matches,
    near_keys,
    usable,
)
from pipeline.scoring import UNKNOWN_RELIABILITY, Report, RumourFacts, Score, score_all
from pipeline.sources import Sources
from pipeline.store import PlayerRecord, RumourRecord, ScoreRecord, Store
from pipeline.store.refresh import ScoredRumour
from pipeline.windows import published_within

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did."""

    regrouped: int  # claims grouped again (those new, and their components' others)
    changed: int  # rumours added, changed or removed by the grouping
    scored: int  # rumours (re)scored
    history: int  # score_history rows added
    weighed: int = 0  # reports the rescored rumours hold (what scoring them read)


def refresh(sources: Sources, store: Store, *, as_of: dt.datetime,
            scored_at: dt.datetime | None = None, full: bool = False) -> Refreshed:
    """Group the claims no refresh has grouped, and score what that and time changed, as
    of `as_of`. Scoring as of a time before the stored scores' is done in full."""
    with store.refresh_lock(), _collector_paused():  # one refresh at a time per database
        return _refresh(sources, store, as_of=as_of, scored_at=scored_at, full=full)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a refresh builds its many short-lived, acyclic
    objects (rows, claims, names): every full collection would walk all the objects
    alive, imports included - a quarter of a pass on a large store. Back as it was after,
    so what cycles a refresh left are collected then."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _refresh(sources: Sources, store: Store, *, as_of: dt.datetime,
             scored_at: dt.datetime | None, full: bool) -> Refreshed:
    latest = store.latest_as_of()
    if full or (latest is not None and as_of < latest):
        store.reset_grouping()
        full = True
    regrouped, changed = regroup(store, full=full)
    scored, history, weighed = rescore(sources, store, as_of=as_of,
                                       scored_at=scored_at or as_of, full=full)
    return Refreshed(regrouped, len(changed), scored, history, weighed)


# ---------------------------------------------------------------- grouping

def name_keys(form: str) -> list[str]:
    """Keys any two forms the name rules relate share at least one of (then `joins` and
    `crosses` decide): the form with one word blanked (a slip in one word: "joe gomex"/
    "joe gomez"), the near keys of the surname (a misspelt or bare surname: "zirkze"/
    "joshua zirkzee"), every other word (a first name alone: "lautaro"/"lautaro
    martinez"), and the surname's first letters (a nickname cut from it: "kvara"/
    "kvaratskhelia")."""
    words = form.split()
    keys = [f"x{len(words)}|" + " ".join(w if j != i else "*" for j, w in enumerate(words))
            for i in range(len(words))] if len(words) > 1 else []
    keys += [f"s|{k}" for k in near_keys(words[-1])]
    keys += [f"w|{w}" for w in set(words[:-1] if len(words) > 1 else words)
             if len(w) >= MIN_WORD_LEN]
    if len(words[-1]) >= NICKNAME_MIN_LEN:
        keys.append(f"p|{words[-1][:NICKNAME_MIN_LEN]}")
    return keys


def joins(f: str, g: str) -> bool:
    """Whether two forms are in one block (rumours.blocks): one a slip of the other
    ("markus thuram"/"marcus thuram", "vlahovic"/"vlahovich"), or a shorter full name
    in a longer one ("kolo muani"/"randal kolo muani")."""
    fw, gw = tuple(f.split()), tuple(g.split())
    if matches(fw, gw) is not None:
        return True
    return len(fw) > 1 and len(gw) > 1 and (contained_in(fw, gw) is not None
                                            or contained_in(gw, fw) is not None)


def crosses(single: str, g: str) -> bool:
    """Whether a one-word form may stand for another form's player: a surname, a first
    name or a nickname of it ("thuram"/"marcus thuram", "kvara"/"kvaratskhelia")."""
    return " " not in single and contained_in((single,), tuple(g.split())) is not None


def related(f: str, g: str) -> bool:
    return joins(f, g) or crosses(f, g) or crosses(g, f)


class _Names:
    """The stored forms and blocks, as a refresh grows them and reads around them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.block: dict[str, str] = {}  # form -> block, for the forms looked at
        self.members: dict[str, set[str]] = {}  # block -> forms, for the blocks read
        self.near: dict[str, set[str]] = {}  # form -> known forms sharing a key with it

    def add(self, forms: set[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Place the forms not stored yet into blocks, merging blocks they join. Returns
        the new forms with their keys, and the blocks merged into others."""
        self.block.update(self.store.components_of(forms))
        new = sorted(forms - self.block.keys())
        keys = {f: name_keys(f) for f in new}
        holders = self.store.forms_with_keys({k for ks in keys.values() for k in ks})
        for f in new:  # new forms meet each other too
            for k in keys[f]:
                holders.setdefault(k, set()).add(f)
        near = {f: {g for k in keys[f] for g in holders[k]} - {f} for f in new}
        self.block.update(self.store.components_of(
            {g for gs in near.values() for g in gs} - self.block.keys() - set(new)))
        parent: dict[str, str] = {}

        def find(c: str) -> str:
            while parent.setdefault(c, c) != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for f in new:
            for g in sorted(near[f]):
                if joins(f, g):
                    a, b = find(self.block.get(f, f)), find(self.block.get(g, g))
                    if a != b:  # a block is named by its smallest id, whatever the order
                        parent[max(a, b)] = min(a, b)
        merged = {c: find(c) for c in set(self.block.values()) if find(c) != c}
        for f in list(self.block):
            self.block[f] = find(self.block[f])
        for f in new:
            self.block[f] = find(f)
        self.near.update(near)
        return keys, merged

    def blocks_of(self, forms: set[str]) -> set[str]:
        missing = forms - self.block.keys()
        if missing:
            self.block.update(self.store.components_of(missing))
        return {self.block[f] for f in forms if f in self.block}

    def forms_of(self, blocks: set[str]) -> set[str]:
        todo = blocks - self.members.keys()
        if todo:
            comps = self.store.forms_of_components(todo)
            for b in todo:
                self.members[b] = set()
            for f, b in comps.items():
                self.members.setdefault(b, set()).add(f)
                self.block[f] = b
        return {f for b in blocks for f in self.members.get(b, ())}

    def neighbours(self, forms: set[str]) -> dict[str, set[str]]:
        """form -> the stored forms sharing a key with it."""
        todo = sorted(forms - self.near.keys())
        keys = {f: name_keys(f) for f in todo}
        holders = self.store.forms_with_keys({k for ks in keys.values() for k in ks})
        for f in todo:
            self.near[f] = {g for k in keys[f] for g in holders.get(k, ())} - {f}
        return {f: self.near[f] for f in forms}

    def readers(self, forms: set[str]) -> set[str]:
        """The one-word forms among these, and those that may stand for any of them."""
        out = {f for f in forms if " " not in f}
        for f, near in self.neighbours(forms).items():
            out.update(g for g in near if crosses(g, f))
        return out

    def read(self, singles: set[str]) -> set[str]:
        """The forms these one-word forms may stand for."""
        return {g for f, near in self.neighbours(singles).items() for g in near
                if crosses(f, g)}


def regroup(store: Store, *, full: bool = False) -> tuple[int, set[str]]:
    """Group the claims no refresh has grouped. Returns how many claims were grouped
    (with those around them) and the rumours added, changed or removed.

    A claim's player is decided within its block (the forms one player's spellings
    join), and a one-word form's claims against the blocks of the forms it may stand
    for: it *reads* them.

    * A claim of a full name already known, the name its player goes by, that names no
      club its name's claims had not named, changes nothing anyone decided: it joins
      that player (most claims of a steady day).
    * The other new claims re-decide their blocks and the one-word forms reading
      them, all their claims; a bare surname's new claims alone when nothing it reads
      changed. All against what those one-word forms read, which unchanged blocks
      give with one claim per pair of clubs a form names (identity reads club sets, not
      counts) and every claim in the articles the readers appear in (a player named in
      full there decides a bare surname) - whole when a bare surname's count can
      rename their player (two surname spellings).

    Only the rumours whose claims moved are built again, from their stored claims."""
    pending = store.ungrouped_claims()
    stale = store.take_stale_forms()
    if not pending and not stale:
        return 0, set()
    names = _Names(store)
    pending_ids = {cid for cid, _, _ in pending}
    claim_forms = {cid: form_of(player, key) for cid, player, key in pending}
    usable_forms = {f for f in claim_forms.values() if usable(tuple(f.split()))}
    keys, merged = names.add(usable_forms)
    store.add_names(claim_forms, keys, merged, {f: names.block[f] for f in keys})
    steady = set() if full else _steady(store, names, usable_forms - keys.keys() - stale,
                                        keys.keys() | stale)
    slow = (usable_forms - steady) | stale
    lone = _lone(names, slow, keys.keys() | stale)
    changed = names.blocks_of(slow - lone)
    # a one-word form a new form may stand for can start standing for others, which
    # changes its block (it leaves the block's own players)
    changed |= names.blocks_of(names.readers(set(keys)) - set(keys))
    exact_forms = names.forms_of(changed)
    # One-word forms reading what changed decide all their claims again; their blocks
    # stay (a form standing for others takes no part in its block's identity).
    exact_forms |= names.readers(exact_forms)
    lone -= exact_forms
    read: set[str] = set()
    readers = {f for f in exact_forms if " " not in f} | lone
    while readers:  # what they read, and what one-word forms read in turn
        more = names.blocks_of(names.read(readers)) - changed - read
        read |= more
        readers = {f for f in names.forms_of(more) if " " not in f}
    recounted = {f for f in slow if " " not in f}  # bare surnames with new claims
    whole = {b for b in read if _split(names.forms_of({b}), recounted)}
    exact_forms |= names.forms_of(whole)
    sampled = names.forms_of(read - whole)
    bare = {f.split()[-1] for f in exact_forms if " " in f} - exact_forms - sampled
    counted = lone & bare  # a bare surname naming a split player: all its claims count
    exact_forms |= counted
    lone -= counted
    claims = store.claims_of_forms(exact_forms | set(store.components_of(bare - counted)))
    claims += store.pending_claims_of(lone)
    if sampled:
        articles = store.articles_of_forms({f for f in exact_forms if " " not in f})
        articles |= {c.article_id for c in claims if c.claim_id in pending_ids}
        claims += store.representatives(sampled, articles)
    placed = placements(claims)
    # A sampled block's players go by other names there (their counts are not all
    # there): what their stored claims are placed under is their name.
    real = {f: next(iter(pids)) for f, pids in store.form_players(sampled).items()
            if len(pids) == 1}
    form = {c.claim_id: form_of(c.claim.player, c.claim.player_key) for c in claims}
    mine = [cid for cid, f in form.items() if f in exact_forms or f in lone]
    was = store.placements(mine)
    moves = {}
    for cid in mine:
        pid = placed.get(cid)
        if pid is not None and form_named(pid) in sampled:
            pid = real.get(form_named(pid), pid)
        if was.get(cid) != pid or cid in pending_ids:  # (a claim grouped again: its
            moves[cid] = pid                              # player and rumour are made again)
    # A player of a block that did not change, renamed by the count of a bare surname:
    # every claim under the old id follows, other one-word forms' too.
    renamed = {was[cid]: pid for cid, pid in moves.items()
               if was.get(cid) and pid and " " in form[cid]
               and names.block[form[cid]] not in changed}
    for cid, f in claim_forms.items():
        if f in steady and cid not in moves:
            moves[cid] = player_id(f)
    store.place(moves, renamed)
    whole_players = set(renamed) | set(renamed.values())
    if full:  # players nothing is placed under any more go too
        whole_players |= store.player_ids() | {p for p in moves.values() if p}
    return len(claims), rebuild(store, moves, was, whole_players)


def _steady(store: Store, names: _Names, known: set[str], new: set[str]) -> set[str]:
    """Of the known forms new claims name, those whose claims change no decision: a full
    name (multi-word, part of no other form of its block) that its player goes by, in
    a block no new form joins, naming no club its claims had not named."""
    candidates = {f for f in known if " " in f}
    if not candidates:
        return set()
    players = store.form_players(candidates)
    clubs = store.form_clubs(candidates)
    pending = store.form_clubs(candidates, placed=False)
    out = set()
    for f in candidates:
        if players.get(f) != {player_id(f)}:
            continue
        if any(contained_in(tuple(f.split()), tuple(g.split())) is not None
               for g in names.forms_of({names.block[f]}) if g != f):
            continue
        had_from, had_to = clubs.get(f, (set(), set()))
        new_from, new_to = pending.get(f, (set(), set()))
        if new_from <= had_from and new_to <= had_to:
            out.add(f)
    while True:  # and in no block another new claim changes
        touched = names.blocks_of(new | (known - out))
        keep = {f for f in out if names.block[f] not in touched}
        if keep == out:
            return out
        out = keep


def _lone(names: _Names, slow: set[str], new: set[str]) -> set[str]:
    """Of the one-word forms new claims name, those whose new claims alone need deciding:
    known forms that stand for others (a bare surname: decided against what it reads,
    whatever else its block holds) in a block no new form joins and no other new claim
    changes. Their older claims' decisions stand."""
    lone = {s for s in slow if " " not in s and s not in new and names.read({s})}
    while True:
        touched = names.blocks_of(new | (slow - lone))
        keep = {s for s in lone if names.block[s] not in touched}
        if keep == lone:
            return lone
        lone = keep


def _split(forms: set[str], recounted: set[str]) -> bool:
    """Whether a block spells a surname two ways, one of them a bare surname with new
    claims: its count may then rename the player (rumours.grouper `_canonical`)."""
    surnames = {f.split()[-1] for f in forms if " " in f}
    return len(surnames) > 1 and bool(surnames & recounted)


def rebuild(store: Store, moves: Mapping[int, str | None], was: Mapping[int, str],
            whole: set[str]) -> set[str]:
    """The players and rumours the moved claims left or joined, made again from the
    claims placed under them now; `whole` players with all their rumours. Returns the
    rumours added, changed or removed."""
    claims = {c.claim_id: c for c in store.claim_refs(moves)}
    keys: set[tuple[str, str, str]] = set()  # (player, to_club, window) whose rumours change
    players = set(whole)
    for cid, pid in moves.items():
        for p in (pid, was.get(cid)):
            if p is not None:
                players.add(p)
                c = claims.get(cid)
                if c is not None and c.claim.to_club is not None:
                    keys.add((p, c.claim.to_club, window_of(c.published_at)))
    held = store.claims_of_players(whole)
    for window in sorted({w for _, _, w in keys}):  # a move's claims of that window only
        pairs = {(p, to_club) for p, to_club, w in keys if w == window and p not in whole}
        held += [(p, c) for p, c in store.claims_to(pairs, published_within(window))
                 if window_of(c.published_at) == window]
    spellings = store.spellings_of_players(players)
    named = store.spellings_of_forms({form_named(p) for p in players})
    records: dict[str, PlayerRecord | None] = {}
    for pid in players:
        form = form_named(pid)
        if pid not in spellings:
            records[pid] = None
            continue
        name = best_spelling(form, Counter({s: n for s, n in named.get(form, {}).items()
                                            if name_key(s) == form}))
        records[pid] = PlayerRecord(pid, name, tuple(sorted(spellings[pid])))
    # the rumours as stored that these may replace: None until made again
    rumours: dict[str, RumourRecord | None] = dict.fromkeys(
        store.rumour_ids_of_players(whole) | store.rumour_ids_of(keys))
    grouped: dict[tuple[str, str, str], list[ClaimRef]] = {}
    for pid, c in held:
        if c.claim.to_club is not None:
            grouped.setdefault((pid, c.claim.to_club, window_of(c.published_at)),
                               []).append(c)
    for (pid, to_club, window), these in grouped.items():
        record = records.get(pid)
        if record is not None:
            r = rumour_of(pid, record.name, to_club, window, these)
            rumours[r.id] = RumourRecord(r.id, pid, r.player, r.from_club, r.to_club,
                                         r.window, r.first_seen, r.last_seen, r.claim_ids)
    return store.write_players(records, rumours)


# ---------------------------------------------------------------- scoring

def rescore(sources: Sources, store: Store, *, as_of: dt.datetime, scored_at: dt.datetime,
            full: bool = False) -> tuple[int, int, int]:
    """Score the rumours that are due (see the module doc) as of `as_of`; every rumour
    when `full`. Returns how many were scored, how many history rows were added, and
    how many reports the scored rumours hold."""
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
    store.write_outcomes(ids, teaching_outcomes(facts, first, as_of))
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
    scored = [ScoredRumour(_record(rid, s), _due(facts[rid], as_of))
              for rid, s in sorted(scores.items())]
    history = store.write_scores(
        scored, as_of=as_of, scored_at=scored_at, unscored=ids - scores.keys(),
        reliabilities={o: (priors.get(o, UNKNOWN_RELIABILITY), r) for o, r in learned.items()})
    return len(scored), history, sum(len(f.reports) for f in facts.values())


def teaching_outcomes(facts: Mapping[str, RumourFacts], first: Mapping[str, Score],
                      as_of: dt.datetime) -> dict[str, tuple[bool, frozenset[str]]]:
    """What the rumours scored under the priors teach the reliabilities: rumour -> (it
    happened, the origins that supported it), for those of a window closed by `as_of`.

    A window's outcomes are known only when it closes. Before, its moves come true one by
    one (an announcement, a record) while most of the rumours that will not happen are
    still open, and only expire at the close: learning from an open window would count
    its successes months before its failures, so every source would look more reliable
    all through the window and fall back at its close (a source right on 3 of 20 rumours
    by the deadline reads 3 of 5 in mid-August). Counting closed windows only also keeps
    the reliabilities still between window closes, so a pass rescores what its articles
    changed, not every rumour of a source whose learned value ticked."""
    return {rid: (s.status == "confirmed",
                  frozenset(e.origin for e in s.evidence if e.independent and e.weight > 0))
            for rid, s in first.items()
            if s.status in ("confirmed", "collapsed", "expired")
            and window_closes(facts[rid].window) <= as_of}


def learned_posteriors(priors: Mapping[str, float],
                       counts: Mapping[str, tuple[int, int]]) -> dict[str, Posterior]:
    """Every source's posterior (pipeline.learning) from its prior and the stored counts
    of resolved rumours it supported (happened, failed); a source without a prior starts
    from UNKNOWN_RELIABILITY."""
    out = {}
    for o in priors.keys() | counts.keys():
        happened, failed = counts.get(o, (0, 0))
        out[o] = Posterior(o, priors.get(o, UNKNOWN_RELIABILITY), happened, failed)
    return out


def learned_reliabilities(priors: Mapping[str, float],
                          counts: Mapping[str, tuple[int, int]]) -> dict[str, float]:
    """Every source's posterior mean, to two decimals: finer moves are noise at the
    numbers of resolved rumours behind a source, and would rescore its every rumour."""
    return {o: round(post.mean, 2) for o, post in learned_posteriors(priors, counts).items()}


def reliability_priors(sources: Sources, store: Store) -> dict[str, float]:
    """Every source's prior: sources.yaml's, and the stored one for outlets since retired
    from it (their articles remain)."""
    return {**store.outlet_reliabilities(),
            **{o.id: o.reliability for o in sources.outlets},
            **{j.id: j.reliability for j in sources.journalists}}


def _facts(store: Store, ids: Collection[str]) -> dict[str, RumourFacts]:
    from pipeline.outcomes import resolutions

    rumours = store.rumours_by_id(ids)
    claims = {c.claim_id: c for c in store.claims_by_id(
        [c for r in rumours for c in r.claim_ids])}
    resolved = resolutions(store, rumours, claims)  # what real transfer records say
    return {r.id: RumourFacts(r.id, r.player_id, r.window,
                              tuple(_report(claims[c]) for c in r.claim_ids if c in claims),
                              resolved.get(r.id))
            for r in rumours}


def _due(facts: RumourFacts, as_of: dt.datetime) -> dt.datetime | None:
    """When time alone changes this score (its evidence weights too, even once it is
    settled), or its outcome under the priors: a report dated later than `as_of` comes
    in, or a transfer record's day; and while its window is open, the next day of decay
    or the window's close, whichever is first."""
    later = [r.published_at for r in facts.reports if r.published_at > as_of]
    if facts.resolution is not None and facts.resolution.at > as_of:
        later.append(facts.resolution.at)
    due = min(later, default=None)
    closes = window_closes(facts.window)
    if as_of < closes:
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
