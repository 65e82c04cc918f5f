"""The public SQL interface: the views and example queries answer alike on both backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pipeline.corpus import CorpusServer
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.refresh import refresh, replay
from pipeline.run import fetch_pass
from pipeline.sources import load_sources
from pipeline.store import Store
from tests.conftest import CORPORA

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
QUERIES = sorted((ROOT / "db" / "queries").glob("*.sql"))
PARAMS = {"week_start": "2026-11-18 00:00:00"}


def backfilled(url: str, corpus: CorpusServer, config: FetchConfig) -> Store:
    sources = corpus.sources()
    sources = sources.__class__(sources.path, sources.outlets,
                                load_sources(ROOT / "sources.yaml").journalists)
    store = Store(url)
    with Fetcher(config) as fetcher:
        fetch_pass(sources, store, fetcher, now=AS_OF)
    # some history for the week's risers: as of six days before, then now
    replay(sources, store, since=AS_OF - dt.timedelta(days=6), until=AS_OF - dt.timedelta(days=5))
    refresh(sources, store, as_of=AS_OF, scored_at=AS_OF)
    return store


def normalized(value: Any) -> Any:
    """Drivers differ in types, not in meaning: SQLite gives 0/1 and text timestamps."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        try:
            return normalized(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float):
        return round(value, 9)
    if hasattr(value, "__float__") and not isinstance(value, int):  # PostgreSQL numeric
        return round(float(value), 9)
    return value


def rows(store: Store, sql: str, booleans: tuple[str, ...] = ()) -> list[tuple]:
    with store.engine.connect() as conn:
        result = conn.execute(text(sql), {k: v for k, v in PARAMS.items() if f":{k}" in sql})
        keys = list(result.keys())
        return [tuple(bool(v) if k in booleans and v is not None else normalized(v)
                      for k, v in zip(keys, row, strict=True)) for row in result]


@pytest.fixture(scope="module")
def corpus() -> Any:
    with CorpusServer(CORPORA / "dev-a") as server:
        yield server


def test_the_views_answer_the_same_rows_on_sqlite_and_postgresql(
        corpus: CorpusServer, sqlite_url: str, pg_url: str, fetch_config: FetchConfig) -> None:
    lite = backfilled(sqlite_url, corpus, fetch_config)
    pg = backfilled(pg_url, corpus, fetch_config)
    try:
        board = "SELECT * FROM rumour_board ORDER BY rumour_id"
        evidence = "SELECT * FROM rumour_evidence ORDER BY rumour_id, claim_id"
        # Article and claim ids are the stores' own: compare what they point at.
        evidence_cols = ("SELECT rumour_id, article_url, outlet_id, published_at, stage, "
                         "fee_eur, cites, independent, weight, origin, player "
                         "FROM rumour_evidence ORDER BY rumour_id, article_url, player")
        lite_board, pg_board = rows(lite, board), rows(pg, board)
        assert len(lite_board) >= 10
        assert [r[:-3] for r in lite_board] == [r[:-3] for r in pg_board]  # up to scored_at
        assert rows(lite, evidence_cols, ("independent",)) == \
            rows(pg, evidence_cols, ("independent",))
        assert len(rows(lite, evidence)) == len(rows(pg, evidence))
        for query in QUERIES:
            sql = query.read_text()
            bools = ("independent",)
            assert rows(lite, sql, bools) == rows(pg, sql, bools), query.name
        # the analyst's reads (voci top's filters, show, export) answer alike too
        first = lite.board(limit=1)[0]
        player = next(p.id for p in lite.players() if first.rumour_id.startswith(f"{p.id}/"))
        outlet = lite.evidence([first.rumour_id])[0].outlet_id
        for filters in ({"club": first.to_club}, {"players": [player]}, {"source": outlet},
                        {"window": first.window}, {"rumours": [first.rumour_id]}):
            lite_ids = [r.rumour_id for r in lite.board(**filters)]  # type: ignore[arg-type]
            assert lite_ids, filters
            assert lite_ids == [r.rumour_id for r in pg.board(**filters)], filters  # type: ignore[arg-type]
        ids = [r.rumour_id for r in lite.board()]
        assert lite.histories(ids) == pg.histories(ids)
        assert [(e.rumour_id, e.article_url, e.stage, e.origin, e.independent)
                for e in lite.evidence(ids)] == [
            (e.rumour_id, e.article_url, e.stage, e.origin, e.independent)
            for e in pg.evidence(ids)]
        assert lite.source_ids() == pg.source_ids()
    finally:
        lite.close()
        pg.close()


def test_the_board_columns_are_the_documented_ones(corpus: CorpusServer, sqlite_url: str,
                                                   fetch_config: FetchConfig) -> None:
    with backfilled(sqlite_url, corpus, fetch_config) as store, store.engine.connect() as conn:
        board = list(conn.execute(text("SELECT * FROM rumour_board")).keys())
        evidence = list(conn.execute(text("SELECT * FROM rumour_evidence")).keys())
        for query in QUERIES:  # every example runs
            conn.execute(text(query.read_text()),
                         {k: v for k, v in PARAMS.items() if f":{k}" in query.read_text()})
    assert board[:15] == ["rumour_id", "player", "from_club", "to_club", "window",
                          "probability", "stage", "fee_eur", "n_reports", "n_outlets",
                          "n_independent", "first_seen", "last_seen", "status", "scored_at"]
    assert evidence[:9] == ["rumour_id", "article_url", "outlet_id", "published_at", "stage",
                            "fee_eur", "cites", "independent", "weight"]
    documented = (ROOT / "db" / "README.md").read_text()
    assert all(f"`{c}`" in documented for c in board + evidence)


def test_the_board_says_who_each_known_player_is(corpus: CorpusServer, sqlite_url: str,
                                                 fetch_config: FetchConfig) -> None:
    # a fresh database knows the players through the packaged snapshot: the players the
    # claims identify are stored with it, and the board joins them
    with backfilled(sqlite_url, corpus, fetch_config) as store:
        board = {r.player: r for r in store.board()}
        evidence = rows(store, "SELECT player, from_club, from_inferred, player_ref "
                               "FROM rumour_evidence", booleans=("from_inferred",))
    mainoo = board["Kobbie Mainoo"]
    assert mainoo.player_ref is not None and mainoo.position == "Central Midfield"
    assert mainoo.age is not None and 18 <= mainoo.age <= 25
    assert mainoo.player_club == "manchester-united"
    assert all(r.player_ref is None or r.position for r in board.values())
    assert any(inferred for _, _, inferred, _ in evidence)  # some from_club came from it
    assert all(ref is not None for _, _, inferred, ref in evidence if inferred)


def test_datasette_serves_a_store_with_the_canned_queries_and_the_board_sorted(
        corpus: CorpusServer, tmp_path: Path, fetch_config: FetchConfig) -> None:
    """db/datasette.yaml on a real backfilled store, through Datasette itself: every
    query of db/queries/ is a canned query with the same SQL, and answers; the board
    opens most credible first."""
    import asyncio

    import yaml
    from datasette.app import Datasette

    meta = yaml.safe_load((ROOT / "db" / "datasette.yaml").read_text())
    queries = meta["databases"]["voci"]["queries"]
    assert {name: q["sql"] for name, q in queries.items()} == {
        q.stem: q.read_text() for q in QUERIES}
    db = tmp_path / "voci.db"
    backfilled(f"sqlite:///{db}", corpus, fetch_config).close()

    async def browse() -> dict[str, Any]:
        ds = Datasette([str(db)], metadata=meta)
        out = {}
        for name in queries:
            response = await ds.client.get(f"/voci/{name}.json?_shape=objects&"
                                           "week_start=2026-11-18+00:00:00")
            assert response.status_code == 200, (name, response.text[:300])
            out[name] = response.json()["rows"]
        board = await ds.client.get("/voci/rumour_board.json?_shape=objects")
        out["board"] = board.json()["rows"]
        return out

    answers = asyncio.run(browse())
    assert answers["most_credible_today"]
    probabilities = [r["probability"] for r in answers["board"]]
    assert probabilities and probabilities == sorted(probabilities, reverse=True)
