"""`voci registry import`: the transfermarkt-datasets tables served on loopback, read in
either schema, plain or gzipped, stored idempotently without touching claims or rumours,
and used by the claims that follow."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from pipeline.cli import cli
from pipeline.model import ArticleDraft, Claim, TextSource
from pipeline.registry import activate, active
from pipeline.sources import parse_sources
from pipeline.store import Store
from tests.conftest import SHARED
from tests.loopback import LoopbackServer

# the full schema (as the data set publishes it) and the reduced one (as some copies carry)
FULL_PLAYERS = (
    "player_id,first_name,last_name,name,last_season,current_club_id,player_code,"
    "country_of_birth,city_of_birth,country_of_citizenship,date_of_birth,sub_position,position,"
    "foot,height_in_cm,contract_expiration_date,agent_name,image_url,url,"
    "current_club_domestic_competition_id,current_club_name,market_value_in_eur,"
    "highest_market_value_in_eur\n"
    "900001,Tancredi,Valdarno,Tancredi Valdarno,2025,5,tancredi-valdarno,Italy,Pisa,Italy,"
    "2004-03-01 00:00:00,Central Midfield,Midfield,right,180,,,,,IT1,AC Milan,12000000,"
    "12000000\n"
)
REDUCED_PLAYERS = (
    "player_id,name,date_of_birth,sub_position,foot,current_club_id,height_in_cm,"
    "country_of_citizenship\n"
    "900002,Ermanno Quercioli,2001-07-07 00:00:00,Centre-Forward,left,12,183.0,Italy\n"
)
CLUBS = (
    "club_id,club_code,name,domestic_competition_id,total_market_value,squad_size,average_age,"
    "foreigners_number,foreigners_percentage,national_team_players,stadium_name,"
    "stadium_seats,net_transfer_record,coach_name,last_season,filename,url\n"
    "5,ac-mailand,AC Milan,IT1,,25,26.0,10,40.0,5,San Siro,75000,+€1m,Aldo Bianchini,2025,,\n"
    "12,as-rom,AS Roma,IT1,,25,26.0,10,40.0,5,Olimpico,70000,+€1m,,2025,,\n"
)
REDUCED_TRANSFERS = (
    "transfer_id,player_id,transfer_date,transfer_season,from_club_id,to_club_id,"
    "transfer_fee,market_value_in_eur\n"
    "1,900002,2024-07-01,24/25,5,12,8.500.000.000,9.000.000.000\n"
)


def voci(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def data_site():
    with LoopbackServer("127.0.0.31") as server:
        server.route("/data/players.csv.gz", gzip.compress(FULL_PLAYERS.encode()),
                     headers={"Content-Type": "application/gzip"})
        server.route("/data/clubs.csv", CLUBS, headers={"Content-Type": "text/csv"})
        server.route("/data/transfers.csv", REDUCED_TRANSFERS,
                     headers={"Content-Type": "text/csv"})
        server.route("/reduced/players-2025-07-reduced.csv", REDUCED_PLAYERS,
                     headers={"Content-Type": "text/csv"})
        server.route("/listing/", '<html><body><a href="players-2025-07-reduced.csv">players'
                     '</a> <a href="clubs-NEW.csv.gz">clubs</a> <a href="../">up</a></body></html>',
                     headers={"Content-Type": "text/html"})
        server.route("/listing/players-2025-07-reduced.csv", REDUCED_PLAYERS,
                     headers={"Content-Type": "text/csv"})
        server.route("/listing/clubs-NEW.csv.gz", gzip.compress(CLUBS.encode()),
                     headers={"Content-Type": "application/gzip"})
        # a folder with one usual name (clubs.csv) and the players under another: the index
        server.route("/mixed/clubs.csv", CLUBS, headers={"Content-Type": "text/csv"})
        server.route("/mixed/",
                     '<a href="clubs.csv">c</a> <a href="players-2025-07-reduced.csv">p</a>',
                     headers={"Content-Type": "text/html"})
        server.route("/mixed/players-2025-07-reduced.csv", REDUCED_PLAYERS,
                     headers={"Content-Type": "text/csv"})
        server.route("/nothing-here/", "<html><body>No data here.</body></html>",
                     headers={"Content-Type": "text/html"})
        server.route("/broken/players.csv", "player_id,name\nnot-a-number,Someone\n",
                     headers={"Content-Type": "text/csv"})
        yield server
    activate(None)  # later tests read claims with the packaged snapshot again


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, sqlite_url):
    if request.param == "sqlite":
        return sqlite_url
    return request.getfixturevalue("pg_url")


def _count(url: str, table: str) -> int:
    with Store(url) as store, store.engine.connect() as conn:
        return int(conn.execute(text(f"select count(*) from {table}")).scalar() or 0)


def test_a_folder_url_imports_the_full_schema_once_and_twice_changes_nothing(data_site, db):
    code, out = voci("--db", db, "registry", "import", data_site.url("/data/"), "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["added"] == {"players": 1, "clubs": 2, "transfers": 1}
    code, out = voci("--db", db, "registry", "import", data_site.url("/data/"), "--json")
    assert code == 0, out
    assert json.loads(out)["added"] == {"players": 0, "clubs": 0, "transfers": 0}
    assert json.loads(out)["changed"] == {"players": 0, "clubs": 0, "transfers": 0}
    assert _count(db, "registry_players") == 1 and _count(db, "registry_transfers") == 1
    with Store(db) as store:
        dataset = store.registry_dataset()
    assert dataset is not None
    (player,) = dataset.players
    assert (player.name, player.club_id, player.market_value_eur) == (
        "Tancredi Valdarno", 5, 12_000_000)
    assert dataset.transfers[0].fee_eur == 8_500_000  # "8.500.000.000": the reduced format


@pytest.mark.parametrize("folder", ["/listing/", "/mixed/"])
def test_an_index_page_lists_the_files_of_a_folder(data_site, sqlite_url, folder):
    code, out = voci("--db", sqlite_url, "registry", "import", data_site.url(folder))
    assert code == 0, out
    assert "players: 1 read, 1 added, 0 changed" in out
    assert "clubs: 2 read, 2 added, 0 changed" in out


def test_file_urls_of_either_schema_and_a_changed_row_is_updated(data_site, sqlite_url):
    code, out = voci("--db", sqlite_url, "registry", "import",
                     data_site.url("/reduced/players-2025-07-reduced.csv"),
                     data_site.url("/data/clubs.csv"))
    assert code == 0, out
    data_site.route("/reduced/players-2025-07-reduced.csv",
                    REDUCED_PLAYERS.replace(",12,183.0", ",5,183.0"),
                    headers={"Content-Type": "text/csv"})
    code, out = voci("--db", sqlite_url, "registry", "import",
                     data_site.url("/reduced/players-2025-07-reduced.csv"))
    assert code == 0, out
    assert "players: 1 read, 0 added, 1 changed" in out
    with Store(sqlite_url) as store, store.engine.connect() as conn:
        assert conn.execute(text("select club from registry_players")).scalar() == "milan"


def test_claims_and_rumours_survive_an_import_and_claims_then_read_with_it(
        data_site, sqlite_url):
    sources = parse_sources("outlets:\n  - id: uno\n    name: Uno\n    reliability: 0.5\n"
                            "    feeds: [http://127.0.0.1/rss]\n")
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    with Store(sqlite_url) as store:
        store.sync_sources(sources, now)
        store.add_article(ArticleDraft(
            url="http://127.0.0.1/a", outlet_id="uno", feed_id=None, title="t", author=None,
            published_at=now, fetched_at=now, body="b", summary="", language="it",
            content_hash="h", text_source=TextSource.FEED, seen_urls=("http://127.0.0.1/a",)),
            [Claim(player="Rossi", player_key="rossi", to_club="lecce", from_club=None,
                   stage="interest")])
    before = (_count(sqlite_url, "claims"), _count(sqlite_url, "articles"))
    code, out = voci("--db", sqlite_url, "registry", "import", data_site.url("/data/"))
    assert code == 0, out
    assert (_count(sqlite_url, "claims"), _count(sqlite_url, "articles")) == before
    # the command made the imported registry the one claims are read with
    assert [p.name for p in active().by_name("Valdarno")] == ["Tancredi Valdarno"]
    code, out = voci("--db", sqlite_url, "registry", "status")
    assert code == 0 and "imported" in out and "1 players" in out


@pytest.mark.parametrize("path,problem", [
    ("/broken/players.csv", "player_id 'not-a-number' is not a number"),
    ("/missing/players.csv", "HTTP 404"),
    ("/missing/", "HTTP 404"),
    ("/nothing-here/", "neither players.csv"),
])
def test_a_bad_source_is_exit_2_naming_it_and_writes_nothing(data_site, sqlite_url, path,
                                                                problem):
    code, out = voci("--db", sqlite_url, "registry", "import", data_site.url(path))
    assert code == 2
    assert problem in out and data_site.url(path) in out and "Traceback" not in out
    assert _count(sqlite_url, "registry_imports") == 0


def test_the_shared_data_set_imports(sqlite_url):
    folder = SHARED / "realworld" / "transfermarkt-datasets"
    if not folder.exists():
        pytest.skip(f"{folder} is absent")
    code, out = voci("--db", sqlite_url, "registry", "import", str(folder))
    assert code == 0, out
    assert _count(sqlite_url, "registry_players") > 32_000
    code, out = voci("--db", sqlite_url, "registry", "import", str(folder))
    assert "nothing changed" in out
    activate(None)
