"""The store on real databases: SQLite files and, with VOCI_TEST_PG_URL, PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, text

from pipeline.model import ArticleDraft, TextSource
from pipeline.sources import parse_sources
from pipeline.store import FeedFetch, Store, StoreError, head_revision
from pipeline.store.tables import Base
from pipeline.syndication import content_hash

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
SOURCES = parse_sources("""
outlets:
  - id: alfa
    name: Alfa
    reliability: 0.5
    feeds: [http://alfa.example/feed, http://alfa.example/feed2]
  - id: beta
    name: Beta
    reliability: 0.4
    feeds: [http://beta.example/feed]
""")
PARAS = [
    "Il Milan cerca un difensore centrale per gennaio e tra i nomi sul taccuino del ds "
    "spunta quello di un serbo che conosce bene il campionato italiano.",
    "Una cifra che il club potrebbe considerare alla portata, anche se in società non tutti "
    "sono convinti di investire su un difensore di quasi trent'anni.",
]


def draft(url: str, outlet: str = "alfa", *, body: str | None = None, hours: int = 0,
          seen: tuple[str, ...] = ()) -> ArticleDraft:
    body = body if body is not None else f"Testo unico di {url}, abbastanza lungo da contare."
    return ArticleDraft(url=url, outlet_id=outlet, feed_id=None, title="T", author=None,
                        published_at=NOW + dt.timedelta(hours=hours), fetched_at=NOW,
                        body=body, summary="", language="it", content_hash=content_hash(body),
                        text_source=TextSource.PAGE, seen_urls=seen)


def test_migrations_create_exactly_the_models_schema(db_url: str) -> None:
    store = Store(db_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == []


def test_empty_database_is_migrated_on_first_use_and_sqlite_uses_wal(sqlite_url: str) -> None:
    with Store(sqlite_url) as store, store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert int(conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) > 0
        assert conn.execute(text("select version_num from alembic_version")).scalar() == \
            head_revision()


def test_a_foreign_database_is_refused_untouched(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("create table precious (x int)"))
    with pytest.raises(StoreError, match="not voci's"):
        Store(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from precious")).scalar() == 0


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store("sqlite:////no/such/folder/voci.db")
    with pytest.raises(StoreError, match="unsupported"):
        Store("mysql://x@localhost/voci")


def test_sync_sources_adds_updates_and_retires(db_url: str) -> None:
    with Store(db_url) as store:
        store.sync_sources(SOURCES, NOW)
        assert [f.url for f in store.feeds_for_update()] == [
            "http://alfa.example/feed", "http://alfa.example/feed2", "http://beta.example/feed"]
        fewer = parse_sources("outlets:\n  - id: alfa\n    name: Alfa\n    reliability: 0.6\n"
                              "    feeds: [http://alfa.example/feed]\n")
        store.sync_sources(fewer, NOW)
        assert [f.url for f in store.feeds_for_update()] == ["http://alfa.example/feed"]
        assert len(store.feeds()) == 3  # retired, not deleted


def test_feed_fetches_keep_validators_through_304(db_url: str) -> None:
    with Store(db_url) as store:
        store.sync_sources(SOURCES, NOW)
        feed = store.feeds_for_update()[0]
        store.record_feed_fetch(FeedFetch(feed.feed_id, NOW, 200, True, etag='"e1"',
                                          last_modified="Tue, 24 Nov 2026 08:00:00 GMT",
                                          next_due_at=NOW + dt.timedelta(minutes=10)))
        store.record_feed_fetch(FeedFetch(feed.feed_id, NOW, 304, True))
        store.record_feed_fetch(FeedFetch(feed.feed_id, NOW, 500, False, error="HTTP 500"))
        again = store.feeds_for_update()[0]
        assert (again.etag, again.failures) == ('"e1"', 1)
        info = store.feeds()[0]
        assert (info.last_status, info.last_error) == (500, "HTTP 500")
        assert info.last_fetched_at == NOW  # aware UTC on the way back, on both backends


def test_an_article_is_stored_once_and_gains_its_other_urls(db_url: str) -> None:
    with Store(db_url) as store:
        store.sync_sources(SOURCES, NOW)
        first = store.add_article(draft("http://alfa.example/a", seen=("http://alfa.example/a?x",)))
        second = store.add_article(draft("http://alfa.example/a", seen=("http://alfa.example/amp",)))
        assert first.new and not second.new and first.id == second.id
        assert store.article_count() == 1
        assert store.known_links(["http://alfa.example/amp", "http://alfa.example/a?x",
                                  "http://alfa.example/b"]) == {
            "http://alfa.example/amp", "http://alfa.example/a?x"}
        (article,) = store.articles()
        assert article.published_at == NOW and article.text_source is TextSource.PAGE


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_syndicated_copies_link_to_the_earliest_whatever_the_arrival_order(
        sqlite_url: str, order: tuple[int, ...]) -> None:
    body = "\n\n".join(PARAS)
    copies = [draft("http://alfa.example/orig", "alfa", body=body, hours=0),
              draft("http://beta.example/copy", "beta", body="Titolo diverso\n\n" + body, hours=3),
              draft("http://beta.example/again", "beta", body=body.upper(), hours=5)]
    with Store(sqlite_url) as store:
        store.sync_sources(SOURCES, NOW)
        for i in order:
            store.add_article(copies[i])
        links = {a.url: a.copy_of_id for a in store.articles()}
        ids = {a.url: a.id for a in store.articles()}
    assert links == {"http://alfa.example/orig": None,
                     "http://beta.example/copy": ids["http://alfa.example/orig"],
                     "http://beta.example/again": ids["http://alfa.example/orig"]}


def test_link_failures_are_recorded_and_cleared_once_the_link_works(db_url: str) -> None:
    with Store(db_url) as store:
        store.sync_sources(SOURCES, NOW)
        for _ in range(2):
            store.record_link_failure(url="http://evil.example/x", outlet_id="alfa", feed_id=None,
                                      kind="foreign_host", message="outside alfa's domains",
                                      at=NOW)
        assert store.link_failures() == [("http://evil.example/x", "foreign_host",
                                          "outside alfa's domains")]
        store.add_article(draft("http://alfa.example/z", seen=("http://evil.example/x",)))
        assert store.link_failures() == []


def test_an_older_schema_waits_for_db_upgrade_and_keeps_its_data(db_url: str) -> None:
    from pipeline.store import make_engine, upgrade

    engine = make_engine(db_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("insert into outlets (id, name, aliases, reliability, domains, active,"
                          " updated_at) values ('alfa', 'Alfa', '[]', 0.5, '[]', true,"
                          " '2026-11-25 09:00:00')"))
    with pytest.raises(StoreError, match="voci db upgrade"):
        Store(db_url)
    upgrade(engine)
    engine.dispose()
    with Store(db_url) as store, store.engine.connect() as conn:
        assert conn.execute(text("select name from outlets")).scalar() == "Alfa"


def test_a_player_stored_by_another_process_meanwhile_does_not_lose_the_article(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two workers read two articles about one snapshot player at once: the other one stores
    # his registry row between this one's look and its insert. The article and its claim
    # must be stored all the same. (PostgreSQL only: SQLite serializes the two writers.)
    db_url = pg_url
    import pipeline.registry as registry
    from pipeline.model import Claim

    real_rows = registry.player_rows
    other = Store(db_url)

    def racing_rows(ids: set[int]) -> list[dict]:
        rows = real_rows(ids)
        with other.engine.begin() as conn:  # the other process commits the same row first
            from pipeline.store.tables import RegistryPlayerRow
            conn.execute(RegistryPlayerRow.__table__.insert(), rows)
        return rows

    monkeypatch.setattr(registry, "player_rows", racing_rows)
    kvara = 502670  # Khvicha Kvaratskhelia in the packaged snapshot
    with Store(db_url) as store:
        store.sync_sources(SOURCES, NOW)
        stored = store.add_article(draft("http://alfa.example/a"), [Claim(
            player="Kvara", player_key="khvicha kvaratskhelia", to_club="milan",
            from_club=None, stage="interest", player_ref=kvara)])
        assert stored.new
        assert [c.player_ref for c in store.claims_by_article()[stored.id]] == [kvara]
    other.close()


def test_processes_starting_together_on_a_new_sqlite_file_all_get_the_schema(
        tmp_path: Path) -> None:
    # the first creates the schema while the others wait for it (an OS lock beside the
    # file): none sees half a schema ("table alembic_version already exists", "revision
    # None")
    import subprocess
    import sys

    for attempt in range(3):
        db = tmp_path / f"new-{attempt}.db"
        procs = [subprocess.Popen([sys.executable, "-m", "pipeline", "--db", str(db), "top"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(4)]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode()


@pytest.mark.parametrize(("url", "conninfo"), [
    ("postgresql+psycopg://voci:s%40cret@db.example:5433/voci?sslmode=require",
     "postgresql://voci:s%40cret@db.example:5433/voci?sslmode=require"),
    ("postgres://voci@db.example/voci", "postgresql://voci@db.example/voci"),
    ("postgresql://db.example/voci", "postgresql://db.example/voci"),
])
def test_a_database_url_becomes_psycopgs_with_its_credentials(url: str, conninfo: str) -> None:
    from pipeline.store import psycopg_conninfo

    assert psycopg_conninfo(url) == conninfo


@pytest.mark.parametrize("url", ["voci.db", "sqlite:///voci.db", "mysql://x:s3cret@h/db"])
def test_only_postgresql_has_a_psycopg_form(url: str) -> None:
    from pipeline.store import psycopg_conninfo

    with pytest.raises(StoreError, match="not a PostgreSQL database") as caught:
        psycopg_conninfo(url)
    assert "s3cret" not in str(caught.value)


def test_the_store_answers_for_its_schema_without_sqlalchemy_outside(db_url: str) -> None:
    with Store(db_url, migrate=False) as store:
        assert store.revision() is None
        with store.schema_lock():
            store.upgrade("0001")
        assert store.revision() == "0001"
        store.upgrade()
        assert store.revision() == head_revision()
        if db_url.startswith("sqlite"):
            with pytest.raises(StoreError):
                store.conninfo()
            return
        import psycopg

        with psycopg.connect(store.conninfo()) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        assert row == (head_revision(),)


def test_the_head_read_off_the_migration_files_is_alembics() -> None:
    """Opening a store reads the newest migration off the files (fast); alembic agrees."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from pipeline.store.engine import alembic_config, head_revision

    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    assert head_revision() == script.get_current_head()


def _stored_state(store: Store) -> dict[str, object]:
    """Everything storing articles writes, by URL (ids differ between databases)."""
    articles = store.articles()
    url = {a.id: a.url for a in articles}
    with store.engine.connect() as conn:
        links = sorted((u, url[a]) for u, a in conn.execute(
            text("select url, article_id from article_links")))
        prints = sorted((url[a], f) for a, f in conn.execute(
            text("select article_id, fingerprint from article_paragraphs")))
        players = sorted(r for (r,) in conn.execute(text("select id from registry_players")))
    claims = {url[a]: [(c.player, c.to_club, c.player_ref, c.evidence) for c in cs]
              for a, cs in store.claims_by_article().items()}
    return {"articles": [(a.url, a.title, a.body, a.published_at, a.outlet_id,
                          url.get(a.copy_of_id or 0)) for a in articles],
            "links": links, "prints": prints, "claims": claims, "players": players,
            "failures": store.link_failures()}


def _batch_drafts() -> list[tuple[ArticleDraft, list]]:
    """Drafts as a pass meets them: a URL met twice under other links, syndicated copies
    (one outlet's copy of another's, and a copy within one outlet, which is no copy), an
    article known before the batch, a link that had failed, claims naming a registry
    player."""
    from pipeline.model import Claim

    body = "\n\n".join(PARAS)
    claim = Claim(player="Kvara", player_key="khvicha kvaratskhelia", to_club="milan",
                  from_club=None, stage="interest", player_ref=502670, evidence=("e",))
    return [
        (draft("http://alfa.example/1", seen=("http://alfa.example/1?a",)), [claim]),
        (draft("http://beta.example/copy", "beta", body="Altro titolo\n\n" + body, hours=3),
         [claim, claim]),
        (draft("http://alfa.example/known", seen=("http://alfa.example/known-amp",)), []),
        (draft("http://alfa.example/1", seen=("http://alfa.example/1?b",)), [claim]),
        (draft("http://alfa.example/orig", body=body, hours=1), []),
        (draft("http://alfa.example/same", body=body.upper(), hours=2), [claim]),
        (draft("http://alfa.example/z", seen=("http://evil.example/x",)), []),
        (draft("http://beta.example/late", "beta", body=body, hours=-1), []),
    ]


@pytest.mark.parametrize("size", [1, 2, 3, 8])
def test_a_batch_of_articles_is_stored_as_one_by_one_stores_them(
        db_url: str, tmp_path: Path, size: int) -> None:
    items = _batch_drafts()
    results = {}
    states = {}
    for how, url in (("one by one", f"sqlite:///{tmp_path / 'one.db'}"), ("batched", db_url)):
        with Store(url) as store:
            store.sync_sources(SOURCES, NOW)
            store.add_article(draft("http://alfa.example/known"))
            store.record_link_failure(url="http://evil.example/x", outlet_id="alfa",
                                      feed_id=None, kind="http", message="HTTP 500", at=NOW)
            if how == "one by one":
                stored = [store.add_article(d, c) for d, c in items]
            else:
                commits: list[object] = []
                event.listen(store.engine, "commit", commits.append)
                stored = [a for i in range(0, len(items), size)
                          for a in store.add_articles(items[i:i + size])]
                assert len(commits) == -(-len(items) // size)  # a transaction a batch
            ids = {a.id: a.url for a in store.articles()}
            results[how] = [(ids[a.id], a.new) for a in stored]
            states[how] = _stored_state(store)
    assert results["batched"] == results["one by one"]
    assert [new for _, new in results["batched"]] == [True, True, False, False, True, True,
                                                      True, True]
    assert states["batched"] == states["one by one"]
    articles = {a[0]: a[5] for a in states["batched"]["articles"]}  # type: ignore[union-attr]
    # the earliest of the copies across outlets is the original, whichever came first
    assert articles["http://alfa.example/orig"] == "http://beta.example/late"
    assert articles["http://beta.example/copy"] == "http://beta.example/late"


def test_an_article_that_cannot_be_stored_loses_none_of_its_batch(db_url: str) -> None:
    items = [(draft(f"http://alfa.example/{i}"), []) for i in range(4)]
    bad = draft("http://alfa.example/bad")
    bad = ArticleDraft(**{**bad.__dict__, "published_at": dt.datetime(2026, 11, 25, 9)})
    with Store(db_url) as store:
        store.sync_sources(SOURCES, NOW)
        with pytest.raises(Exception, match="naive datetime"):  # the driver wraps it
            store.add_articles(items[:2] + [(bad, [])] + items[2:])
        assert sorted(a.url for a in store.articles()) == [d.url for d, _ in items]


def test_a_batch_stores_the_registry_rows_it_is_given_and_reads_the_others(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the process that read the claims hands their players' rows over with them; the
    # store reads from the registry only those it was not given
    import pipeline.registry as registry
    from pipeline.model import Claim

    asked: list[set[int]] = []
    real_rows = registry.player_rows
    monkeypatch.setattr(registry, "player_rows", lambda ids: asked.append(ids) or real_rows(ids))
    kvara, other = 502670, 342229
    (given,) = real_rows({kvara})
    given = {**given, "name": "Khvicha Kvaratskhelia (given)"}
    claims = [Claim(player="Kvara", player_key="kvara", to_club="milan", from_club=None,
                    stage="interest", player_ref=ref) for ref in (kvara, other)]
    with Store(sqlite_url) as store:
        store.sync_sources(SOURCES, NOW)
        store.add_articles([(draft("http://alfa.example/a"), claims)], players={kvara: given})
        with store.engine.connect() as conn:
            names = dict(conn.execute(text("select id, name from registry_players")).all())
    assert asked == [{other}]
    assert names[kvara] == "Khvicha Kvaratskhelia (given)" and other in names
