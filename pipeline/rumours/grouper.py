"""Grouping claims into rumours, all at once or a batch at a time, with one result.

Owns `Grouper` (incremental) and `group_claims` (everything at once: one `Grouper.add`).

The result is a function of the *set* of claims, by construction:

* what identity reads is an aggregate of claims that does not care about order - per
  name form, the set of clubs its claims name and how many there are - and which
  articles hold which claims;
* blocks (`blocks.py`) are connected components over the set of forms;
* a block's `Identity` is a pure function of its forms, their club sets and which of
  its one-word forms cross to other blocks; it is recomputed whenever one of those
  changes (a new form, a merge, a new club on a full form, a form starting to cross);
* a player id is a pure function of its cluster and the claim counts, recomputed for the
  clusters whose counts changed;
* a partial or crossing claim's decision is a pure function (`identity.choose`) of its
  form's *context* - the candidate player ids with their tiers and clubs - and of the
  claim's *question*: its from_club, its to_club and the players its article names in
  full. Claims are filed under their question, and a question's answer is kept while
  the context is equal; a new context answers each question once. A claim is asked
  again when a claim joins its article or a full form there changes player.

So a batch re-does exactly the work whose inputs it changed, and any order or split of
the same claims ends in the same `Grouping`; the property tests check it. A batch costs
its own claims, the forms of the blocks it changes, the cross links to forms whose
player, clubs or candidates changed (a crossing form's candidates are kept up link by
link, not counted again from all its links), and the questions whose context changed
- not every claim already in those blocks. `benchmarks/rumours_bench.py` measures it.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from .blocks import Blocks
from .identity import Cluster, Facts, Identity, Profile, choose, identify, identify_alone
from .ledger import Ledger
from .names import name_key, usable
from .values import ClaimRef, Grouping, GroupingUpdate


@dataclass(frozen=True)
class _Full:
    """A full form's context: its claims all belong to its cluster."""

    cluster: Cluster


@dataclass(frozen=True)
class _Options:
    """A partial or crossing form's context: the candidate players, with their tiers and
    clubs - everything `identity.choose` reads besides the claim and its article."""

    tiers: dict[str, int]  # player id -> tier
    profiles: dict[str, Profile]  # player id -> clubs

    @cached_property
    def decided(self) -> dict[Question, str | None]:
        """`choose` is pure: its answers under this context, by question."""
        return {}


class _Tally:
    """A crossing form's candidates as its links' faces add up (`Grouper._crossing`):
    the face each link was counted with, and how many links name each player at each
    tier; a player's tier is the surest of them."""

    __slots__ = ("context", "counts", "faces", "profiles", "tiers")

    def __init__(self) -> None:
        self.faces: dict[str, object] = {}  # link -> its face as counted
        self.counts: dict[int, dict[str, int]] = {}  # tier -> player id -> links
        self.tiers: dict[str, int] = {}
        self.profiles: dict[str, Profile] = {}
        self.context: _Options | None = None  # the last one handed out

    def count(self, tier: int, face: object, by: int,
              before: dict[str, tuple[int | None, Profile | None]]) -> None:
        """Count a link's face in (`by` 1) or out (-1), noting each player's tier and
        clubs before its first change in `before`."""
        if isinstance(face, tuple):
            named: Iterable[tuple[str, int, Profile]] = ((face[0], tier, face[1]),)
        elif isinstance(face, _Options):
            named = ((pid, max(tier, t), face.profiles[pid]) for pid, t in face.tiers.items())
        else:  # a crossing form names no one
            return
        for pid, t, profile in named:
            if pid not in before:
                before[pid] = (self.tiers.get(pid), self.profiles.get(pid))
            at = self.counts.setdefault(t, {})
            left = at.get(pid, 0) + by
            if left:
                at[pid] = left
            else:
                del at[pid]
            if by > 0:  # every face naming a player carries its present clubs
                self.profiles[pid] = profile

    def settle(self, before: Mapping[str, tuple[int | None, Profile | None]]) -> bool:
        """Work out the tiers of the players counted since; True when any changed."""
        changed = False
        for pid, was in before.items():
            tiers = [t for t, at in self.counts.items() if pid in at]
            if tiers:
                self.tiers[pid] = min(tiers)
            else:
                self.tiers.pop(pid, None)
                self.profiles.pop(pid, None)
            changed = changed or was != (self.tiers.get(pid), self.profiles.get(pid))
        return changed


Context = _Full | _Options
_UNSEEN = object()  # the face of a form not yet decided
# What `identity.choose` asks of a claim: its from_club, its to_club, and the players its
# article names in full (the candidates among them are `here`).
Question = tuple[str | None, str | None, frozenset[str]]


def form_of(ref: ClaimRef) -> str:
    """The folded name a claim is grouped by: the extractor's key, else the name."""
    return name_key(ref.claim.player_key or ref.claim.player)


def player_id(form: str) -> str:
    return "-".join(form.split())


def form_named(pid: str) -> str:
    """The form a player id was made from (`player_id` undone: forms hold no hyphens)."""
    return pid.replace("-", " ")


class _Form:
    """What the claims of one name form add up to."""

    __slots__ = ("claim_ids", "facts", "other_spellings", "spellings", "words")

    def __init__(self, form: str) -> None:
        self.words = len(form.split())
        self.claim_ids: list[int] = []
        self.facts = Facts(form, frozenset(), frozenset())
        self.spellings: Counter[str] = Counter()  # those that fold to this form, counted
        self.other_spellings: set[str] = set()  # grouped here by the extractor's key only

    def add(self, ref: ClaimRef) -> bool:
        """Count a claim in; True when it names a club this form had not named."""
        self.claim_ids.append(ref.claim_id)
        spelt = ref.claim.player
        if spelt in self.spellings:
            self.spellings[spelt] += 1
        elif spelt not in self.other_spellings:  # fold each spelling once, not each claim
            if name_key(spelt) == self.facts.form:
                self.spellings[spelt] = 1
            else:
                self.other_spellings.add(spelt)
        facts, claim = self.facts, ref.claim
        if (claim.from_club and claim.from_club not in facts.from_clubs) or \
                (claim.to_club and claim.to_club not in facts.to_clubs):
            self.facts = Facts(
                facts.form,
                facts.from_clubs | {claim.from_club} if claim.from_club else facts.from_clubs,
                facts.to_clubs | {claim.to_club} if claim.to_club else facts.to_clubs)
            return True
        return False


class Grouper:
    """Claims in, rumours out, incrementally. Not thread-safe; holds every claim added.

    `add(batch)` returns a `GroupingUpdate`: the players and rumours the batch created or
    changed, the ids it made disappear, and the batch's claims that join no rumour.
    `grouping()` returns the full current `Grouping`. Adding a claim id again with the
    same content is a no-op (ingest may repeat); with other content it raises
    ValueError, since the store's ids are stable."""

    def __init__(self) -> None:
        self._claims: dict[int, ClaimRef] = {}
        self._form_by_claim: dict[int, str] = {}  # claim -> its form, for claims with a usable one
        self._blocks = Blocks()
        self._forms: dict[str, _Form] = {}
        self._block_forms: dict[int, list[str]] = {}
        self._identity: dict[int, Identity] = {}
        self._context: dict[str, Context] = {}  # form -> what decided its claims
        self._face: dict[str, object] = {}  # form -> what crossing forms saw of it
        self._tally: dict[str, _Tally] = {}  # crossing form -> its candidates, kept up
        self._stale: dict[str, set[str]] = {}  # crossing form -> links whose face changed
        # A partial or crossing form's claims by question, and the answer to each
        self._asked: dict[str, dict[Question, set[int]]] = {}
        self._question: dict[int, Question] = {}
        self._answers: defaultdict[str, dict[Question, str]] = defaultdict(dict)
        self._by_from: dict[str, dict[str | None, set[Question]]] = {}  # questions by from_club
        self._form_player: dict[str, str] = {}  # full form -> player its claims are under
        self._cluster_player: dict[Cluster, str] = {}
        self._cluster_of_form: dict[str, Cluster] = {}  # full form -> its cluster
        self._profile: dict[Cluster, Profile] = {}
        # surname -> the players spelling it two ways, with their forms ending in it
        self._anchored: dict[str, dict[Cluster, tuple[str, ...]]] = {}
        self._split: set[Cluster] = set()  # those players
        self._owner: dict[int, str] = {}  # claim -> player it is placed under
        self._placed: dict[str, set[int]] = {}  # player -> claims placed under it
        # article -> its claims: a bare id while it has one (most do), which spares the
        # garbage collector a list per article
        self._by_article: dict[int, int | list[int]] = {}
        self._ledger = Ledger(self._claims)
        self._unassigned: list[int] = []
        self._full: Grouping | None = None

    def __len__(self) -> int:
        return len(self._claims)

    def add(self, batch: Iterable[ClaimRef]) -> GroupingUpdate:
        with _collector_paused():
            return self._add(batch)

    def _add(self, batch: Iterable[ClaimRef]) -> GroupingUpdate:
        new, unassigned, changed, linked = self._ingest(batch)
        counted = {self._form_by_claim[ref.claim_id] for ref in new}
        for single in linked:  # a form that starts crossing changes its block's identity
            root = self._blocks.block_of(single)
            identity = self._identity.get(root)
            if identity is None or single not in identity.crossing:
                changed.add(root)
        renamed = self._identify(changed, counted)
        targets = self._decide(new, changed, linked, renamed)
        # A player's name is the best spelling of its own form: it changes with that
        # form's claims, and a player new to the ledger has none yet.
        touched = {player_id(f) for f in counted} | {self._cluster_player[c] for c in renamed}
        for claim_id, pid in targets.items():
            old_pid = self._owner.get(claim_id)
            if old_pid == pid:
                continue
            ref = self._claims[claim_id]
            if old_pid is not None:
                self._ledger.unplace(ref, old_pid)
                self._placed[old_pid].discard(claim_id)
                if not self._placed[old_pid]:
                    del self._placed[old_pid]
            if not self._ledger.has_player(pid):
                touched.add(pid)
            self._ledger.place(ref, pid)
            self._placed.setdefault(pid, set()).add(claim_id)
            self._owner[claim_id] = pid
        for pid in touched:
            if self._ledger.has_player(pid):
                form = form_named(pid)
                self._ledger.name(pid, best_spelling(form, self._forms[form].spellings))
        self._unassigned.extend(unassigned)
        self._full = None
        changes = self._ledger.flush()
        return GroupingUpdate(changes.players, changes.rumours, tuple(sorted(unassigned)),
                              changes.removed_player_ids, changes.removed_rumour_ids)

    def grouping(self) -> Grouping:
        if self._full is None:
            self._full = Grouping(tuple(self._ledger.players()), tuple(self._ledger.rumours()),
                                  tuple(sorted(self._unassigned)))
        return self._full

    # ------------------------------------------------------------ the steps of `add`

    def _ingest(self, batch: Iterable[ClaimRef]) -> tuple[list[ClaimRef], list[int], set[int],
                                                            set[str]]:
        """Count the batch's claims into their forms and blocks. Returns the new claims,
        those joining no rumour, the blocks whose identity inputs changed, and the
        one-word forms whose cross links grew."""
        new: list[ClaimRef] = []
        unassigned: list[int] = []
        changed: set[int] = set()
        linked: set[str] = set()
        for ref in batch:
            known = self._claims.get(ref.claim_id)
            if known is not None:
                if known != ref:
                    raise ValueError(f"claim {ref.claim_id} added twice with different content")
                continue
            self._claims[ref.claim_id] = ref
            form = form_of(ref)
            if not usable(tuple(form.split())):
                unassigned.append(ref.claim_id)
                continue
            if ref.claim.to_club is None:
                unassigned.append(ref.claim_id)
            self._form_by_claim[ref.claim_id] = form
            state = self._forms.get(form)
            if state is None:
                state = self._forms[form] = _Form(form)
                block, merges, more = self._blocks.add(form)
                for absorbed, survivor in merges:
                    self._block_forms.setdefault(survivor, []).extend(
                        self._block_forms.pop(absorbed, ()))
                    self._identity.pop(absorbed, None)
                    changed.add(survivor)
                self._block_forms.setdefault(block, []).append(form)
                changed.add(block)
                linked |= more
            # Identity reads the clubs of full forms only (clusters and profiles), so a
            # new club on a partial or crossing form changes nothing it computed.
            if state.add(ref) and form in self._cluster_of_form:
                changed.add(self._blocks.block_of(form))
            held = self._by_article.get(ref.article_id)
            if held is None:
                self._by_article[ref.article_id] = ref.claim_id
            elif isinstance(held, int):
                self._by_article[ref.article_id] = [held, ref.claim_id]
            else:
                held.append(ref.claim_id)
            new.append(ref)
        return new, unassigned, {b for b in changed if b in self._block_forms}, linked

    def _identify(self, blocks: set[int], counted: set[str]) -> dict[Cluster, str]:
        """New identities for `blocks`, and player ids for their clusters and for those
        whose claim counts changed. Returns the clusters that kept their forms but
        changed player id, with the old id."""
        before: dict[Cluster, str] = {}  # the recomputed blocks' clusters and their ids
        for root in blocks:
            forms = self._block_forms[root]
            for f in forms:
                old = self._cluster_of_form.pop(f, None)
                if old is not None and old in self._cluster_player:
                    before[old] = self._cluster_player.pop(old)
                    del self._profile[old]
            linked = {f for f in forms if " " not in f and self._blocks.cross(f)}
            if len(forms) == 1:
                identity = identify_alone(self._forms[forms[0]].facts, bool(linked))
            else:
                identity = identify((self._forms[f].facts for f in forms),
                                    {f: self._blocks.inside(f) for f in forms},
                                    {f: self._blocks.matched(f) for f in forms}, linked)
            self._identity[root] = identity
            self._cluster_of_form.update(identity.cluster_of)
            self._profile.update(identity.profiles)
        for cluster in before:
            if cluster in self._split:
                self._split.discard(cluster)
                for word in _anchors(cluster):
                    del self._anchored[word][cluster]
        recount: set[Cluster] = set()
        for root in blocks:
            for cluster in self._identity[root].clusters:
                recount.add(cluster)
                anchors = _anchors(cluster)
                if anchors:
                    self._split.add(cluster)
                    for word, spelt in anchors.items():
                        self._anchored.setdefault(word, {})[cluster] = spelt
        # The forms whose support (see `_canonical`) the batch's claims raised, by cluster
        raised: defaultdict[Cluster, set[str]] = defaultdict(set)
        for f in counted:
            identity = self._identity[self._blocks.block_of(f)]
            if f in identity.cluster_of:
                raised[identity.cluster_of[f]].add(f)
            for g in identity.backs.get(f, ()):
                raised[identity.cluster_of[g]].add(g)
            for cluster, spelt in self._anchored.get(f, {}).items():  # a bare surname
                raised[cluster].update(spelt)  # backs the forms spelling it so
        # Supports only grow while a cluster keeps its forms and backers, so then only a
        # raised form can overtake the present name; a new cluster is counted in full.
        among: dict[Cluster, set[str]] = {}
        for cluster, grown in raised.items():
            if cluster not in recount and cluster in self._cluster_player:
                name = form_named(self._cluster_player[cluster])
                if grown != {name}:  # the name's own support grew: it stays
                    among[cluster] = grown | {name}
        renamed: dict[Cluster, str] = {}
        for cluster in recount | among.keys():
            pid = player_id(self._canonical(cluster, among.get(cluster)))
            was = before[cluster] if cluster in before else self._cluster_player.get(cluster)
            if was is not None and was != pid:
                renamed[cluster] = was
            self._cluster_player[cluster] = pid
        return renamed

    def _decide(self, new: list[ClaimRef], blocks: set[int], linked: set[str],
                renamed: dict[Cluster, str]) -> dict[int, str]:
        """Where each claim whose inputs changed now belongs: claim id -> player id."""
        recheck = set(linked)
        # Contexts name candidates by player id: a renamed player's block is looked at
        # again, as is every block whose identity changed, for the forms whose face -
        # their player and its clubs, or their candidates - changed, and the seekers of
        # each (the crossing forms that read it). A form's face is its context but for a
        # crossing one, whose context reads only other forms' faces and its own links
        # (`_crossing`): it stays crossing - links only grow - and is looked at again
        # for a new link or a changed face, not because its block was worked out again.
        for root in blocks | {self._blocks.block_of(c[0]) for c in renamed}:
            for f in self._block_forms[root]:
                face = self._face_of(f)
                if self._face.get(f, _UNSEEN) != face:
                    self._face[f] = face
                    recheck.add(f)
                    for single in self._blocks.seekers(f):
                        recheck.add(single)
                        self._stale.setdefault(single, set()).add(f)
        targets: dict[int, str] = {}
        articles = {ref.article_id for ref in new}
        # Full forms first: their players follow from identity and counts alone. When a
        # full form changes player, the partial claims of its articles may decide anew.
        choosers: list[tuple[str, _Options]] = []
        for f in sorted(recheck):
            context = self._context_of(f)
            if isinstance(context, _Options):
                choosers.append((f, context))
                continue
            self._context[f] = context
            if f in self._asked:
                self._unask(f)
            pid = self._cluster_player[context.cluster]
            if self._form_player.get(f) != pid:
                self._form_player[f] = pid
                self._move(self._forms[f].claim_ids, pid, targets, articles)
        for cluster, old in renamed.items():
            pid = self._cluster_player[cluster]
            self._form_player.update((f, pid) for f in cluster)
            moved = self._placed.get(old, ())
            self._move(moved, pid, targets, articles)
            for claim_id in moved:  # a chooser's answers named the old id: ask again
                if claim_id in self._question:
                    self._answers[self._form_by_claim[claim_id]].clear()
        # Partial and crossing forms: their claims are asked by question, and a new
        # context answers each question once, not each claim (a bare "Garcia" has
        # hundreds of claims and few questions).
        for f, context in choosers:
            was = self._context.get(f)
            if context == was:
                continue
            if not isinstance(was, _Options):  # newly a chooser
                if f in self._form_player:  # it named a player in full in its articles
                    articles.update(self._claims[c].article_id for c in self._forms[f].claim_ids)
                for claim_id in self._forms[f].claim_ids:
                    self._ask(claim_id, f)
            self._context[f] = context
            self._form_player.pop(f, None)
            answers = self._answers[f]
            asked = self._asked[f]
            questions = _to_ask(was, context, asked, self._by_from[f]) \
                if isinstance(was, _Options) and answers else asked
            for question in questions:
                pid = self._answer(question, f, context)
                if answers.get(question) != pid:
                    answers[question] = pid
                    targets.update(dict.fromkeys(asked[question], pid))
        for ref in new:
            if ref.claim_id not in targets:
                f = self._form_by_claim[ref.claim_id]
                context = self._context[f]
                if isinstance(context, _Full):
                    targets[ref.claim_id] = self._form_player[f]
                else:
                    targets[ref.claim_id] = self._answer_for(self._ask(ref.claim_id, f), f)
        # A claim's question names the players its article names in full: ask again in
        # every article whose claims or full names changed.
        for article in articles:
            for claim_id in self._in_article(article):
                f = self._form_by_claim[claim_id]
                if isinstance(self._context[f], _Options):
                    targets[claim_id] = self._answer_for(self._ask(claim_id, f), f)
        return targets

    def _ask(self, claim_id: int, form: str) -> Question:
        """File a chooser's claim under its question as it stands now."""
        ref = self._claims[claim_id]
        named = set()
        for other in self._in_article(ref.article_id):
            cluster = self._cluster_of_form.get(self._form_by_claim[other])
            if cluster is not None:
                named.add(self._cluster_player[cluster])
        question = (ref.claim.from_club, ref.claim.to_club, frozenset(named))
        was = self._question.get(claim_id)
        if was != question:
            asked = self._asked.setdefault(form, {})
            by_from = self._by_from.setdefault(form, {})
            if was is not None:
                asked[was].discard(claim_id)
                if not asked[was]:
                    del asked[was]
                    self._answers[form].pop(was, None)
                    by_from[was[0]].discard(was)
                    if not by_from[was[0]]:
                        del by_from[was[0]]
            if question not in asked:
                asked[question] = set()
                by_from.setdefault(question[0], set()).add(question)
            asked[question].add(claim_id)
            self._question[claim_id] = question
        return question

    def _answer_for(self, question: Question, form: str) -> str:
        answers = self._answers[form]
        if question not in answers:
            context = self._context[form]
            assert isinstance(context, _Options)
            answers[question] = self._answer(question, form, context)
        return answers[question]

    def _unask(self, form: str) -> None:
        """A form that now names a player in full: its claims are asked no more."""
        for claim_ids in self._asked.pop(form, {}).values():
            for claim_id in claim_ids:
                del self._question[claim_id]
        self._answers.pop(form, None)
        self._by_from.pop(form, None)

    def _move(self, claim_ids: Iterable[int], pid: str, targets: dict[int, str],
              articles: set[int]) -> None:
        for claim_id in claim_ids:
            targets[claim_id] = pid
            articles.add(self._claims[claim_id].article_id)

    # ------------------------------------------------------------ helpers

    def _in_article(self, article: int) -> list[int]:
        held = self._by_article[article]
        return [held] if isinstance(held, int) else held

    def _context_of(self, form: str) -> Context:
        identity = self._identity[self._blocks.block_of(form)]
        if form in identity.cluster_of:
            return _Full(identity.cluster_of[form])
        if form in identity.partial:
            return self._options(identity.partial[form])
        return self._crossing(form)

    def _options(self, tiers: Mapping[Cluster, int]) -> _Options:
        # Candidates by player id, not by cluster: a new misspelling joining a player
        # changes neither its id nor its clubs, and then nothing here needs deciding.
        players = self._cluster_player
        return _Options({players[c]: t for c, t in tiers.items()},
                        {players[c]: self._profile[c] for c in tiers})

    def _face_of(self, form: str) -> object:
        """What a crossing form's context reads of this form (see `_crossing`): a full
        form's player and clubs, a partial form's candidates; nothing of a crossing one."""
        cluster = self._cluster_of_form.get(form)
        if cluster is not None:
            return (self._cluster_player[cluster], self._profile[cluster])
        partial = self._identity[self._blocks.block_of(form)].partial.get(form)
        return None if partial is None else self._options(partial)

    def _crossing(self, single: str) -> _Options:
        """The players a crossing form may stand for: each full name's player, or the
        players a partial full name stands for; a link is as sure as its weakest step.
        Kept up link by link: a bare "Garcia" has a hundred links, and a batch changes
        the faces of a few, so only those (and new links) are counted again."""
        tally = self._tally.get(single)
        if tally is None:
            tally = self._tally[single] = _Tally()
        links = self._blocks.cross(single)
        seen = tally.faces
        redo = self._stale.pop(single, set())
        redo.update(links.keys() - seen.keys())
        before: dict[str, tuple[int | None, Profile | None]] = {}
        for g in redo:
            face, was = self._face[g], seen.get(g, _UNSEEN)
            if face is was:
                continue
            if was is not _UNSEEN:
                tally.count(links[g], was, -1, before)
            tally.count(links[g], face, 1, before)
            seen[g] = face
        if tally.settle(before) or tally.context is None:
            tally.context = _Options(dict(tally.tiers), dict(tally.profiles))
        return tally.context

    def _answer(self, question: Question, form: str, context: _Options) -> str:
        """The player a chooser's claims asking `question` are about under `context`."""
        decided = context.decided
        if question in decided:
            chosen = decided[question]
        else:
            from_club, to_club, named = question
            chosen = decided[question] = choose(from_club, to_club, context.tiers,
                                                context.profiles, named)
        return player_id(form) if chosen is None else chosen

    def _canonical(self, cluster: Cluster, among: Iterable[str] | None = None) -> str:
        """The full form naming a player: the most claims spelling it out, counting the
        partial claims that sit exactly inside it - "Kolo Muani" backs "randal kolo
        muani", a bare "Gomez" backs "joe gomez", not a misspelt "joe gomex"; then the
        most words; then alphabetical. `among`: the only forms that can win, when the
        caller knows it (the present name and the forms whose support grew)."""
        identity = self._identity[self._blocks.block_of(cluster[0])]
        split = cluster in self._split

        def support(g: str) -> int:
            bare = self._forms.get(g.split()[-1]) if split else None
            return len(self._forms[g].claim_ids) + sum(
                len(self._forms[f].claim_ids) for f in identity.backers.get(g, ())
            ) + (len(bare.claim_ids) if bare is not None else 0)

        return min(cluster if among is None else among,
                   key=lambda g: (-support(g), -self._forms[g].words, g))


def _affected(was: _Options, now: _Options) -> tuple[set[str], set[str] | None] | None:
    """Which questions a change of context may answer differently, or None for all of
    them. `choose` first keeps the candidates a claim's from_club does not contradict,
    and reads nothing of the others; so a candidate that was added, dropped or changed
    matters only to questions whose from_club is among its clubs (before or after), and
    to all when it has no from_clubs (nothing contradicts it). Returns those from_clubs,
    and the to_clubs of the questions without a from_club that must be asked again:
    None for all of them, unless every changed candidate kept its tier and only its clubs
    changed - then the set of candidates such a question sees is the same, and only a
    candidate's score (its to_clubs holding the question's to_club) can move."""
    clubs: set[str] = set()
    to_clubs: set[str] | None = set()
    for pid in was.tiers.keys() | now.tiers.keys():
        old, new = was.profiles.get(pid), now.profiles.get(pid)
        tier = was.tiers.get(pid)
        if tier == now.tiers.get(pid) and old == new:
            continue
        for profile in (old, new):
            if profile is not None:
                if not profile.from_clubs:
                    return None
                clubs |= profile.from_clubs | profile.to_clubs
        if old is None or new is None or tier != now.tiers.get(pid):  # in, out, or moved
            to_clubs = None
        elif to_clubs is not None:
            to_clubs |= old.to_clubs ^ new.to_clubs
    return clubs, to_clubs


def _to_ask(was: _Options, now: _Options, asked: Iterable[Question],
            by_from: Mapping[str | None, Iterable[Question]]) -> Iterable[Question]:
    """Of a chooser's questions (`asked`, and the same filed by from_club), those whose
    answer may differ under `now` from under `was` (see `_affected`)."""
    affected = _affected(was, now)
    if affected is None:
        return asked
    clubs, to_clubs = affected
    free = by_from.get(None, ())
    questions = [q for c in clubs for q in by_from.get(c, ())]
    return questions + list(free if to_clubs is None else (q for q in free if q[1] in to_clubs))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for one `add`, and resumed as it was.

    A batch allocates hundreds of thousands of small objects, and some of them outlive
    the young generations, so the collector's full passes - each a walk over the whole
    grown state, which makes no cycles - come ever more often as the state grows: at 100k
    claims in batches of 1,000 they were a third of the time, and the part that grew
    faster than the claims (benchmarks/rumours_bench.py). Paused, the batch's garbage
    waits for the next pass after `add`, which finds it as usual."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _anchors(cluster: Cluster) -> dict[str, tuple[str, ...]]:
    """The surnames of a player's forms, each with the forms ending in it, when they
    differ ("gomez", "gomex"): a bare surname's claims can then tell the right spelling
    from the slip. Empty when its forms agree on the surname."""
    spelt: defaultdict[str, list[str]] = defaultdict(list)
    for f in cluster:
        if " " in f:
            spelt[f.rsplit(" ", 1)[1]].append(f)
    return {w: tuple(fs) for w, fs in spelt.items()} if len(spelt) > 1 else {}


def best_spelling(form: str, spellings: Counter[str]) -> str:
    """How to write a player: the commonest of the spellings that fold to its form, one
    with diacritics first (diacritics are never added by mistake); else the form in
    capitals."""
    if not spellings:
        return " ".join(w.capitalize() for w in form.split())
    return min(spellings, key=lambda s: (s.isascii(), -spellings[s], s))


def group_claims(claims: Iterable[ClaimRef]) -> Grouping:
    """Group everything at once: the same result as any sequence of `Grouper.add`."""
    grouper = Grouper()
    grouper.add(claims)
    return grouper.grouping()
