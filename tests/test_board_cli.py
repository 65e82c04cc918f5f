"""The analyst's commands on a real backfill: `voci top` filters by names, `voci show` and
`voci export`; and the readings of clubs, players, sources and windows they rest on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.board import BoardQueryError, club_id, player_ids, source_id, window_id
from pipeline.claims import default_clubs
from pipeline.cli import cli
from pipeline.corpus import CorpusServer
from pipeline.sources import load_sources
from pipeline.store import PlayerRecord
from tests.conftest import CORPORA

ROOT = Path(__file__).resolve().parents[1]


def voci(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """dev-a backfilled, then scored day by day for a fortnight (a history to trend on)."""
    tmp = tmp_path_factory.mktemp("board")
    db = f"sqlite:///{tmp / 'voci.db'}"
    with CorpusServer(CORPORA / "dev-a") as corpus:
        sources = tmp / "corpus.yaml"
        sources.write_text(corpus.sources_yaml())
        args = ["--sources", str(sources), "--db", db]
        code, output = voci(*args, "backfill", "--host-delay", "0",
                            "--as-of", "2026-11-25T08:00:00")
        assert code == 0, output
    code, output = voci(*args, "score", "--since", "2026-11-10",
                        "--as-of", "2026-11-25T08:00:00")
    assert code == 0, output
    yield args


def rows(base: list[str], *args: str) -> list[dict[str, object]]:
    code, output = voci(*base, "top", "--json", "--limit", "500", *args)
    assert code == 0, output
    return list(json.loads(output))


def test_a_club_by_name_or_nickname_is_the_club_by_id(base: list[str]) -> None:
    by_id = rows(base, "--club", "juventus")
    assert by_id and all("juventus" in (r["to_club"], r["from_club"]) for r in by_id)
    for written in ("Juventus", "juve", "la Vecchia Signora", "la Juve"):
        assert rows(base, "--club", written) == by_id, written


@pytest.mark.parametrize("club,problem", [("xyz", "unknown club 'xyz'"),
                                          ("Napol", "did you mean 'Napoli'")])
def test_an_unknown_club_is_an_error_not_an_empty_board(base: list[str], club: str,
                                                         problem: str) -> None:
    code, output = voci(*base, "top", "--club", club)
    assert code == 2 and problem in output
    assert "no scored rumours yet" not in output


def test_the_board_reads_names_and_says_what_backs_each_rumour(base: list[str]) -> None:
    code, output = voci(*base, "top", "--limit", "5")
    assert code == 0, output
    first = rows(base)[0]
    clubs = default_clubs()
    assert f"{clubs.name(str(first['to_club']))}" in output
    assert f"→ {first['to_club']} " not in output  # names, not ids
    assert "independent origin" in output and f"id {first['rumour_id']}" in output
    assert first["to_club_name"] == clubs.name(str(first["to_club"]))
    code, output = voci(*base, "top", "--player", "Mainoo")  # a player the registry knows
    assert code == 0 and "Kobbie Mainoo (Central Midfield, " in output
    assert "at Manchester United" in output


def test_the_trend_is_the_probability_a_day_and_a_week_before(base: list[str]) -> None:
    db = Path(base[base.index("--db") + 1].removeprefix("sqlite:///"))
    history: dict[str, list[tuple[dt.datetime, float]]] = {}
    with sqlite3.connect(db) as con:
        for rid, as_of, p in con.execute(
                "SELECT rumour_id, as_of, probability FROM score_history ORDER BY as_of"):
            when = dt.datetime.fromisoformat(as_of).replace(tzinfo=dt.UTC)
            history.setdefault(rid, []).append((when, p))
    board = rows(base)
    week = [r for r in board if r["probability_week_before"] is not None]
    assert week, "a fortnight of daily scores gives week-old probabilities"
    for r in board:
        scored = dt.datetime.fromisoformat(str(r["scored_at"]))
        for key, back in (("probability_day_before", 1), ("probability_week_before", 7)):
            then = [p for t, p in history.get(str(r["rumour_id"]), [])
                    if t <= scored - dt.timedelta(days=back)]
            assert r[key] == (then[-1] if then else None)


def test_player_source_and_window_filters(base: list[str]) -> None:
    board = rows(base)
    first = board[0]
    surname = str(first["player"]).split()[-1]
    mine = rows(base, "--player", surname)
    assert first in mine
    assert {str(r["rumour_id"]).split("/")[0] for r in mine} == {
        str(first["rumour_id"]).split("/")[0]} or len(mine) < len(board)
    window = str(first["window"])
    season = ("summer " if window.endswith("07") else "winter ") + window[:4]
    assert rows(base, "--window", season) == rows(base, "--window", window)
    assert all(r["window"] == window for r in rows(base, "--window", window))
    code, output = voci(*base, "export", "--what", "evidence", "--format", "jsonl")
    evidence = [json.loads(line) for line in output.splitlines()]
    outlet = evidence[0]["outlet_id"]
    backed = {e["rumour_id"] for e in evidence
              if outlet in (e["outlet_id"], e["origin"])}
    assert {r["rumour_id"] for r in rows(base, "--source", outlet)} == backed
    code, output = voci(*base, "top", "--source", "nobody at all")
    assert code == 2 and "unknown source" in output


def test_show_gives_every_article_behind_a_rumour_and_its_history(base: list[str]) -> None:
    first = rows(base)[0]
    rid = str(first["rumour_id"])
    code, output = voci(*base, "show", rid)
    assert code == 0, output
    code, exported = voci(*base, "export", "--what", "evidence", "--format", "jsonl")
    mine = [e for line in exported.splitlines() if (e := json.loads(line))["rumour_id"] == rid]
    assert mine and all(e["article_url"] in output for e in mine)
    assert f"evidence ({len(mine)} article" in output
    assert "probability over time:" in output
    code, by_player = voci(*base, "show", str(first["player"]))
    assert code == 0 and rid in by_player
    code, output = voci(*base, "show", "nobody/nowhere/2026-07")
    assert code == 2 and "no rumour" in output


def test_export_as_csv_and_json_lines_holds_the_board(base: list[str], tmp_path: Path) -> None:
    board = rows(base, "--club", "juventus")
    code, output = voci(*base, "export", "--club", "juve")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(output)))
    assert [r["rumour_id"] for r in table] == [r["rumour_id"] for r in board]
    assert table[0]["to_club_name"] == board[0]["to_club_name"]
    out = tmp_path / "board.jsonl"
    code, output = voci(*base, "export", "--format", "jsonl", "--club", "juventus",
                        "-o", str(out))
    assert code == 0 and f"{len(board)} rumours written" in output
    assert [json.loads(x) for x in out.read_text().splitlines()] == board


# ---------------------------------------------------------------- the readings

def test_clubs_are_read_by_id_name_alias_and_nickname_with_its_article() -> None:
    clubs = default_clubs()
    assert club_id("inter", clubs) == "inter"
    assert club_id("AS Roma", clubs) == "roma"
    assert club_id("i rossoneri", clubs) == "milan"
    assert club_id("la Vecchia Signora", clubs) == "juventus"
    with pytest.raises(BoardQueryError, match="could be any of inter, milan"):
        club_id("Milano", clubs)
    with pytest.raises(BoardQueryError, match="unknown club"):
        club_id("Sporting Nowhere", clubs)


def test_players_are_read_by_name_spelling_or_surname() -> None:
    players = [PlayerRecord("dusan-vlahovic", "Dušan Vlahović", ("Vlahovic", "Dušan Vlahović")),
               PlayerRecord("theo-hernandez", "Theo Hernández", ("Theo Hernandez",)),
               PlayerRecord("lucas-hernandez", "Lucas Hernández", ("Lucas Hernández",))]
    assert player_ids("dusan vlahovic", players) == ["dusan-vlahovic"]
    assert player_ids("Vlahović", players) == ["dusan-vlahovic"]
    assert player_ids("Hernandez", players) == ["lucas-hernandez", "theo-hernandez"]
    with pytest.raises(BoardQueryError, match="did you mean 'Dušan Vlahović'"):
        player_ids("Vlahovich", players)


def test_sources_and_windows_are_read_as_written() -> None:
    sources = load_sources(ROOT / "sources.yaml")
    outlet = sources.outlets[0]
    assert source_id(outlet.name.upper(), sources) == outlet.id
    assert source_id(outlet.id, sources) == outlet.id
    assert source_id("retired-outlet", sources, stored={"retired-outlet"}) == "retired-outlet"
    assert window_id("2026-07") == "2026-07"
    assert window_id("Summer 2026") == window_id("estate 2026") == "2026-07"
    assert window_id("gennaio 2027") == window_id("winter 2027") == "2027-01"
    assert window_id("now", now=dt.datetime(2026, 12, 5, tzinfo=dt.UTC)) == "2027-01"
    with pytest.raises(BoardQueryError, match="unknown window"):
        window_id("next spring")


def test_backfill_says_what_it_found_and_which_rumours_moved(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'voci.db'}"
    with CorpusServer(CORPORA / "dev-a") as corpus:
        sources = tmp_path / "corpus.yaml"
        sources.write_text(corpus.sources_yaml())
        base = ["--sources", str(sources), "--db", db, "backfill", "--host-delay", "0"]
        code, first = voci(*base, "--as-of", "2026-11-20T08:00:00")
        assert code == 0, first
        code, again = voci(*base, "--as-of", "2026-11-25T08:00:00", "--json")
        assert code == 0, again
    with sqlite3.connect(tmp_path / "voci.db") as con:
        (claims,) = con.execute("SELECT count(*) FROM claims").fetchone()
        (rumours,) = con.execute("SELECT count(*) FROM scores").fetchone()
    assert f"claims: {claims} new; rumours: " in first
    assert f"{rumours} scored in all" in first
    found = json.loads(again)["found"]
    assert found["claims_new"] == 0 and found["rumours_new"] == 0  # nothing new fetched
    assert found["moved"], "five days later the same articles weigh differently"
    for m in found["moved"]:  # each really moved by five points or changed status
        assert abs(m["now"] - m["before"]) >= 0.05 or m["status"] != "open"
    board = {r["rumour_id"]: r["probability"] for r in rows(
        ["--sources", str(sources), "--db", db])}
    assert all(board[m["rumour_id"]] == m["now"] for m in found["moved"])
