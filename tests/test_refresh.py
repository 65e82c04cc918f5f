"""Incremental refresh: passes that regroup and rescore only what changed end where one
full regroup of everything does, in any split and order of the same articles."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from pipeline.model import ArticleDraft, Claim
from pipeline.refresh import name_keys, refresh, related
from pipeline.rumours.names import contained_in, matches
from pipeline.sources import load_sources
from pipeline.store import Store
from tests.synthetic import Stream

ROOT = Path(__file__).resolve().parents[1]
SOURCES = load_sources(ROOT / "sources.yaml")
START = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
END = START + dt.timedelta(days=400)

Article = tuple[ArticleDraft, list[Claim]]


def snapshot(path: Path) -> dict[str, Any]:
    """Everything a user sees of the rumours, keyed by content (not by claim ids, which
    depend on the order articles were stored in)."""
    conn = sqlite3.connect(path)
    try:
        key = {cid: (url, pos) for cid, url, pos in conn.execute(
            "SELECT c.id, a.url, c.position FROM claims c JOIN articles a ON a.id = c.article_id")}
        members: dict[str, list[Any]] = {}
        for cid, rid in conn.execute("SELECT claim_id, rumour_id FROM rumour_claims"):
            members.setdefault(rid, []).append(key[cid])
        rumours = {r[0]: (*r[1:], sorted(members.get(r[0], [])))
                   for r in conn.execute("SELECT id, player_id, player, from_club, to_club, "
                                         "\"window\", first_seen, last_seen FROM rumours")}
        players = {p[0]: p[1:] for p in conn.execute("SELECT id, name, spellings FROM players")}
        board = {b[0]: (round(b[1], 9), *b[2:]) for b in conn.execute(
            "SELECT rumour_id, probability, status, stage, fee_eur, n_reports, n_outlets, "
            "n_independent, reason, player FROM rumour_board")}
        evidence = sorted((e[0], key[e[1]], e[2], e[3], round(e[4], 9)) for e in conn.execute(
            "SELECT rumour_id, claim_id, origin, independent, weight FROM evidence"))
        learned = dict(conn.execute("SELECT origin, learned FROM reliabilities"))
    finally:
        conn.close()
    return {"rumours": rumours, "players": players, "board": board, "evidence": evidence,
            "learned": learned}


def store_at(path: Path) -> Store:
    store = Store(f"sqlite:///{path}")
    store.sync_sources(SOURCES, START)
    return store


def passes(path: Path, articles: Sequence[Article], splits: Sequence[int],
           reextract: dict[int, list[Claim]] | None = None) -> dict[str, Any]:
    """Store the articles in batches ending at `splits`, refreshing after each as of a
    time that moves on with the batches; re-extract some articles half-way."""
    with store_at(path) as store:
        ids: list[int] = []
        bounds = [0, *splits, len(articles)]
        for n, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
            for draft, claims in articles[lo:hi]:
                ids.append(store.add_article(draft, claims).id)
            if reextract and n == len(bounds) // 2:
                for i, claims in reextract.items():
                    if i < len(ids):
                        store.replace_claims(ids[i], claims)
            as_of = START + (END - START) * (n + 1) / (len(bounds) - 1)
            refresh(SOURCES, store, as_of=as_of)
    return snapshot(path)


def full(path: Path) -> dict[str, Any]:
    with Store(f"sqlite:///{path}") as store:
        refresh(SOURCES, store, as_of=END, full=True)
    return snapshot(path)


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return list(Stream(150, seed=7).articles(900))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_passes_end_where_a_full_regroup_does(
        tmp_path: Path, articles: list[Article], seed: int) -> None:
    rng = random.Random(seed)
    order = list(articles)
    rng.shuffle(order)
    splits = sorted(rng.sample(range(1, len(order)), rng.choice((3, 8, 20))))
    reextract = {rng.randrange(len(order)): list(Stream(150, seed=seed).article()[1])
                 for _ in range(5)}
    path = tmp_path / "voci.db"
    incremental = passes(path, order, splits, reextract)
    assert incremental["rumours"] and incremental["board"]
    again = full(path)
    assert incremental == again


def test_the_same_articles_in_another_order_and_split_give_the_same_board(
        tmp_path: Path, articles: list[Article]) -> None:
    a = passes(tmp_path / "a.db", articles, [100, 400, 401, 850])
    b = passes(tmp_path / "b.db", articles[::-1], [10, 500])
    assert a == b


def test_a_pass_with_nothing_new_changes_nothing_and_scores_nothing(
        tmp_path: Path, articles: list[Article]) -> None:
    path = tmp_path / "voci.db"
    passes(path, articles[:300], [150])
    with Store(f"sqlite:///{path}") as store:
        done = refresh(SOURCES, store, as_of=END)  # the same day as the last pass
        assert (done.regrouped, done.changed, done.scored, done.history) == (0, 0, 0, 0)


def test_a_new_article_regroups_only_the_names_it_reaches(
        tmp_path: Path, articles: list[Article]) -> None:
    path = tmp_path / "voci.db"
    passes(path, articles, [])
    draft, claims = articles[0]
    moved = ArticleDraft(**{**draft.__dict__, "url": draft.url + "-again"})
    with Store(f"sqlite:///{path}") as store:
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
    from pipeline.refresh import form_of
    forms = sorted({form_of(c.player, c.player_key) for _, cs in articles for c in cs})
    forms = [f for f in forms if len(f) >= 3]
    for i, f in enumerate(forms):
        for g in forms[i + 1:]:
            fw, gw = tuple(f.split()), tuple(g.split())
            if matches(fw, gw) is not None or contained_in(fw, gw) is not None \
                    or contained_in(gw, fw) is not None:
                assert set(name_keys(f)) & set(name_keys(g)), (f, g)
