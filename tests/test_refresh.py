"""Incremental refresh: passes that regroup and rescore only what changed end where one
full regroup of everything does, in any split and order of the same articles."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from pipeline.corpus import CorpusServer
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.model import ArticleDraft, Claim, TextSource
from pipeline.refresh import name_keys, refresh, related
from pipeline.rumours.names import contained_in, matches
from pipeline.run import fetch_pass
from pipeline.sources import Sources, load_sources
from pipeline.store import Store
from tests.synthetic import Stream

ROOT = Path(__file__).resolve().parents[1]
SOURCES = load_sources(ROOT / "sources.yaml")
START = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
END = START + dt.timedelta(days=400)

Article = tuple[ArticleDraft, list[Claim]]


def snapshot(url: str) -> dict[str, Any]:
    """Everything a user sees of the rumours, keyed by content (not by claim ids, which
    depend on the order articles were stored in)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            def rows(sql: str) -> list[Any]:
                return [tuple(r) for r in conn.execute(text(sql))]

            key = {cid: (url, pos) for cid, url, pos in rows(
                "SELECT c.id, a.url, c.position FROM claims c "
                "JOIN articles a ON a.id = c.article_id")}
            members: dict[str, list[Any]] = {}
            for cid, rid in rows("SELECT claim_id, rumour_id FROM rumour_claims"):
                members.setdefault(rid, []).append(key[cid])
            rumours = {r[0]: (*r[1:6], str(r[6])[:19], str(r[7])[:19],
                              sorted(members.get(r[0], [])))
                       for r in rows("SELECT id, player_id, player, from_club, to_club, "
                                     "\"window\", first_seen, last_seen FROM rumours")}
            players = {p[0]: (p[1], list(p[2]) if isinstance(p[2], list) else p[2])
                       for p in rows("SELECT id, name, spellings FROM players")}
            board = {b[0]: (round(float(b[1]), 9), *b[2:]) for b in rows(
                "SELECT rumour_id, probability, status, stage, fee_eur, n_reports, "
                "n_outlets, n_independent, reason, player FROM rumour_board")}
            evidence = sorted((e[0], key[e[1]], e[2], bool(e[3]), round(float(e[4]), 9))
                              for e in rows("SELECT rumour_id, claim_id, origin, "
                                            "independent, weight FROM evidence"))
            learned = dict(rows("SELECT origin, learned FROM reliabilities"))
    finally:
        engine.dispose()
    return {"rumours": rumours, "players": players, "board": board, "evidence": evidence,
            "learned": learned}


def store_at(url: str, sources: Sources = SOURCES) -> Store:
    store = Store(url)
    store.sync_sources(sources, START)
    return store


def passes(url: str, articles: Sequence[Article], splits: Sequence[int],
           reextract: dict[int, list[Claim]] | None = None, *, sources: Sources = SOURCES,
           start: dt.datetime = START, end: dt.datetime = END) -> dict[str, Any]:
    """Store the articles in batches ending at `splits`, refreshing after each as of a
    time that moves on with the batches; re-extract some articles half-way."""
    with store_at(url, sources) as store:
        ids: list[int] = []
        bounds = [0, *splits, len(articles)]
        for n, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
            for draft, claims in articles[lo:hi]:
                ids.append(store.add_article(draft, claims).id)
            if reextract and n == len(bounds) // 2:
                for i, claims in reextract.items():
                    if i < len(ids):
                        store.replace_claims(ids[i], claims)
            as_of = start + (end - start) * (n + 1) / (len(bounds) - 1)
            refresh(sources, store, as_of=as_of)
    return snapshot(url)


def full(url: str, *, sources: Sources = SOURCES, end: dt.datetime = END) -> dict[str, Any]:
    with Store(url) as store:
        refresh(sources, store, as_of=end, full=True)
    return snapshot(url)


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return list(Stream(150, seed=7).articles(900))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_passes_end_where_a_full_regroup_does(
        sqlite_url: str, articles: list[Article], seed: int) -> None:
    check_passes_against_full(sqlite_url, articles, seed)


def test_incremental_passes_end_where_a_full_regroup_does_on_postgresql(
        pg_url: str, articles: list[Article]) -> None:
    check_passes_against_full(pg_url, articles[:500], 4)


def check_passes_against_full(url: str, articles: list[Article], seed: int) -> None:
    rng = random.Random(seed)
    order = list(articles)
    rng.shuffle(order)
    splits = sorted(rng.sample(range(1, len(order)), rng.choice((3, 8, 20))))
    reextract = {rng.randrange(len(order)): list(Stream(150, seed=seed).article()[1])
                 for _ in range(5)}
    incremental = passes(url, order, splits, reextract)
    assert incremental["rumours"] and incremental["board"]
    again = full(url)
    assert incremental == again


def test_the_dev_corpora_in_batches_end_where_a_full_regroup_does(
        tmp_path: Path, corpus: CorpusServer, fetch_config: FetchConfig) -> None:
    """The labelled corpora's real articles and claims, as a backfill stores them, fed
    again a few at a time."""
    sources = corpus.sources()
    as_of = dt.datetime.fromisoformat(str(corpus.gold["as_of"])).astimezone(dt.UTC)
    with Store(f"sqlite:///{tmp_path / 'backfill.db'}") as store, Fetcher(fetch_config) as f:
        fetch_pass(sources, store, f, now=as_of)
        claims = store.claims_by_article()
        stored = [(ArticleDraft(a.url, a.outlet_id, None, a.title, a.author, a.published_at,
                                a.fetched_at, a.body, a.summary, a.language, a.content_hash,
                                a.text_source), claims.get(a.id, []))
                  for a in store.articles()]
    assert sum(len(c) for _, c in stored) > 40
    rng = random.Random(5)
    rng.shuffle(stored)
    url = f"sqlite:///{tmp_path / 'voci.db'}"
    first = min(a.published_at or a.fetched_at for a, _ in stored)
    incremental = passes(url, stored, sorted(rng.sample(range(1, len(stored)), 6)),
                         sources=sources, start=first, end=as_of)
    assert incremental["board"]
    assert incremental == full(url, sources=sources, end=as_of)


def test_a_long_stream_in_passes_ends_where_a_full_regroup_does(tmp_path: Path) -> None:
    """20,000 articles (about 30,000 claims) of a season and a bit, stored in fifteen
    passes a day or more apart."""
    stream = list(Stream(2500, seed=11).articles(20000))
    stream.sort(key=lambda a: a[0].published_at or START)
    url = f"sqlite:///{tmp_path / 'voci.db'}"
    splits = sorted(random.Random(3).sample(range(1, len(stream)), 14))
    incremental = passes(url, stream, splits)
    assert len(incremental["rumours"]) > 2000
    assert incremental == full(url)


def test_the_same_articles_in_another_order_and_split_give_the_same_board(
        tmp_path: Path, articles: list[Article]) -> None:
    a = passes(f"sqlite:///{tmp_path / 'a.db'}", articles, [100, 400, 401, 850])
    b = passes(f"sqlite:///{tmp_path / 'b.db'}", articles[::-1], [10, 500])
    assert a == b


def test_a_pass_with_nothing_new_changes_nothing_and_scores_nothing(
        sqlite_url: str, articles: list[Article]) -> None:
    passes(sqlite_url, articles[:300], [150])
    with Store(sqlite_url) as store:
        done = refresh(SOURCES, store, as_of=END)  # the same day as the last pass
        assert (done.regrouped, done.changed, done.scored, done.history) == (0, 0, 0, 0)


def test_a_new_article_regroups_only_the_names_it_reaches(
        sqlite_url: str, articles: list[Article]) -> None:
    passes(sqlite_url, articles, [])
    draft, claims = articles[0]
    moved = ArticleDraft(**{**draft.__dict__, "url": draft.url + "-again"})
    with Store(sqlite_url) as store:
        store.add_article(moved, claims[:1])
        done = refresh(SOURCES, store, as_of=END)
        total = sum(1 for _ in store.stored_claims())
    assert 1 <= done.regrouped < total / 10


@pytest.mark.parametrize(("f", "g"), [
    ("marcus thuram", "markus thuram"), ("joe gomex", "joe gomez"), ("thuram", "marcus thuram"),
    ("zirkze", "joshua zirkzee"), ("lautaro", "lautaro martinez"), ("kvara", "kvaratskhelia"),
    ("kvara", "khvicha kvaratskhelia"), ("kolo muani", "randal kolo muani"),
    ("vlahovic", "vlahovich")])
def test_related_forms_share_a_name_key(f: str, g: str) -> None:
    assert related(f, g) and related(g, f)
    assert set(name_keys(f)) & set(name_keys(g))


def test_every_related_pair_of_a_stream_shares_a_key(articles: list[Article]) -> None:
    from pipeline.rumours.grouper import form_of
    forms = sorted({form_of(c.player, c.player_key) for _, cs in articles for c in cs})
    forms = [f for f in forms if len(f) >= 3]
    for i, f in enumerate(forms):
        for g in forms[i + 1:]:
            fw, gw = tuple(f.split()), tuple(g.split())
            if matches(fw, gw) is not None or contained_in(fw, gw) is not None \
                    or contained_in(gw, fw) is not None:
                assert set(name_keys(f)) & set(name_keys(g)), (f, g)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_refreshes_at_once_on_one_database_take_turns(
        backend: str, sqlite_url: str, request: pytest.FixtureRequest,
        articles: list[Article]) -> None:
    """Two processes' refreshes at once (two backfills, the daemon and `voci score`):
    each waits for the other, none writes a player or rumour the other is writing, and
    the end is what one full regroup gives."""
    import threading

    url = sqlite_url if backend == "sqlite" else request.getfixturevalue("pg_url")
    with Store(url) as store:
        store.sync_sources(SOURCES, START)
        for draft, claims in articles[:300]:
            store.add_article(draft, claims)
    errors: list[BaseException] = []

    def one() -> None:
        try:
            with Store(url) as s:
                refresh(SOURCES, s, as_of=END)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    for _ in range(3):
        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    together = snapshot(url)
    assert together["rumours"] and together == full(url)


def test_a_window_teaches_the_reliabilities_once_it_has_closed(sqlite_url: str) -> None:
    """A move announced while its window is open teaches its sources nothing until the
    window closes (then the rumours that will not happen have expired too, and are
    counted with it); after the close it does. Invented: Gazzetta reports talks for a
    player in July, Di Marzio announces the move official a fortnight later."""
    def article(n: int, outlet: str, day: int, stage: str) -> Article:
        when = dt.datetime(2025, 7, day, 10, tzinfo=dt.UTC)
        body = f"Articolo {n}: Mario Rossetti e l'Inter, la trattativa."
        draft = ArticleDraft(f"https://{outlet}.example/{n}", outlet, None, f"Titolo {n}",
                             None, when, when, body, "", "it", f"hash-{n}", TextSource.PAGE)
        return draft, [Claim(player="Mario Rossetti", player_key="mario rossetti",
                             to_club="inter", from_club="torino", stage=stage)]

    def learned(store: Store) -> dict[str, float]:
        return {o: lr for o, (_, lr) in store.reliabilities_used().items()}

    with store_at(sqlite_url) as store:
        for draft, claims in (article(1, "gazzetta", 5, "talks"),
                              article(2, "dimarzio", 20, "official")):
            store.add_article(draft, claims)
        refresh(SOURCES, store, as_of=dt.datetime(2025, 8, 1, tzinfo=dt.UTC))
        assert store.board()[0].status == "confirmed"
        assert learned(store)["gazzetta"] == 0.40  # the prior: the window is open
        assert store.outcome_counts() == {}
        refresh(SOURCES, store, as_of=dt.datetime(2025, 9, 2, tzinfo=dt.UTC))
        assert store.outcome_counts()["gazzetta"] == (1, 0)
        assert learned(store)["gazzetta"] > 0.40  # the window closed: counted
