"""Real outcomes: a transfers table served on loopback resolves rumours (`voci outcomes
import`), the same whether a refresh rescored them or `voci score --full` did; officially
reported moves are confirmed; the backtest scores each rumour as a refresh then would."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import random
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from pipeline.backtest import backtest
from pipeline.claims import default_clubs
from pipeline.cli import cli
from pipeline.corpus import CorpusServer
from pipeline.fetch import FetchConfig, Fetcher
from pipeline.learning import auc, reliability_bins, wilson
from pipeline.model import ArticleDraft, Claim, TextSource
from pipeline.outcomes import import_outcomes, parse_outcome_files
from pipeline.refresh import refresh
from pipeline.registry import name_key
from pipeline.run import fetch_pass
from pipeline.scoring import (
    CONFIRMED_P,
    Report,
    Resolution,
    RumourFacts,
    score_all,
    score_rumour,
)
from pipeline.sources import load_sources
from pipeline.store import Store
from pipeline.windows import window_closes
from tests.corpus_outcomes import write_tables
from tests.loopback import LoopbackServer
from tests.test_refresh import full, snapshot

ROOT = Path(__file__).resolve().parents[1]
SOURCES = load_sources(ROOT / "sources.yaml")
UTC = dt.UTC
# Summer 2025 (window "2025-07") and winter 2026 ("2026-01")
SUMMER = dt.datetime(2025, 6, 20, 10, tzinfo=UTC)
WINTER = dt.datetime(2025, 12, 10, 10, tzinfo=UTC)
AFTER = dt.datetime(2026, 3, 1, tzinfo=UTC)

PLAYERS = [(9_000_001, "Marco Confermato"), (9_000_002, "Luca Altrove"),
           (9_000_003, "Paolo Scoperto"), (9_000_004, "Gino Fermo")]
CLUBS = {"milan": (9_100_001, "AC Milan"), "inter": (9_100_002, "Inter"),
         "juventus": (9_100_003, "Juventus"), "roma": (9_100_004, "AS Roma"),
         "napoli": (9_100_005, "SSC Napoli")}


def _csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def players_csv() -> bytes:
    return _csv([{"player_id": i, "name": n} for i, n in PLAYERS])


def transfers_csv(extra: list[tuple[int, str, str, str]] = ()) -> bytes:  # type: ignore[assignment]
    """Moves of summer 2025: Confermato joins Milan (a loan, no fee), Altrove joins
    Juventus (not Inter); Fermo stays; plenty of other moves until September 2025, so the
    table covers summer 2025 but not winter 2026."""
    moves = [(9_000_001, "2025-07-15", "napoli", "milan"),
             (9_000_002, "2025-08-02", "roma", "juventus"), *extra]
    rows = [{"player_id": p, "transfer_date": d, "from_club_id": CLUBS[f][0],
             "to_club_id": CLUBS[t][0], "from_club_name": CLUBS[f][1],
             "to_club_name": CLUBS[t][1], "transfer_fee": "0.000"} for p, d, f, t in moves]
    for n in range(12):  # a busy last week: the table was taken early September 2025
        rows.append({"player_id": 9_200_000 + n, "transfer_date": f"2025-09-0{1 + n % 3}",
                     "from_club_id": 9_300_001, "to_club_id": 9_300_002,
                     "from_club_name": "Real Oviedo", "to_club_name": "Cadiz CF",
                     "transfer_fee": "0.000"})
    rows.append({"player_id": 9_200_099, "transfer_date": "2024-07-03",
                 "from_club_id": 9_300_001, "to_club_id": 9_300_002,
                 "from_club_name": "Real Oviedo", "to_club_name": "Cadiz CF",
                 "transfer_fee": "0.000"})
    return _csv(rows)


def _article(n: int, outlet: str, when: dt.datetime, player: str, to_club: str,
             stage: str = "talks") -> tuple[ArticleDraft, list[Claim]]:
    body = f"{player} verso il {to_club}, {stage} ({n})"
    draft = ArticleDraft(url=f"https://{outlet}.example/{n}", outlet_id=outlet, feed_id=None,
                         title=body, author=None, published_at=when, fetched_at=when,
                         body=body, summary="", language="it",
                         content_hash=hashlib.sha256(body.encode()).hexdigest(),
                         text_source=TextSource.PAGE)
    key = " ".join(player.lower().split())
    return draft, [Claim(player=player, player_key=key, to_club=to_club, from_club=None,
                         stage=stage)]


def stories() -> list[tuple[ArticleDraft, list[Claim]]]:
    outlets = [o.id for o in SOURCES.outlets if 0.3 <= o.reliability < 0.6][:3]
    day = dt.timedelta(days=1)
    out = []
    n = 0
    for player, club, when in [("Marco Confermato", "milan", SUMMER),
                               ("Luca Altrove", "inter", SUMMER),
                               ("Gino Fermo", "napoli", SUMMER),
                               ("Paolo Scoperto", "roma", WINTER),
                               ("Sconosciuto Nessuno", "milan", SUMMER)]:
        for k, outlet in enumerate(outlets):
            n += 1
            out.append(_article(n, outlet, when + k * day, player, club))
    return out


def board(url: str) -> dict[str, tuple[str, float, str]]:
    with Store(url) as store:
        return {r.rumour_id: (r.status, r.probability, r.reason) for r in store.board()}


def build(url: str) -> None:
    with Store(url) as store:
        store.sync_sources(SOURCES, SUMMER - dt.timedelta(days=30))
        for draft, claims in stories():
            store.add_article(draft, claims)
        refresh(SOURCES, store, as_of=AFTER)


@pytest.fixture
def served() -> LoopbackServer:
    with LoopbackServer() as server:
        server.route("/tm/players.csv", players_csv(), headers={"Content-Type": "text/csv"})
        server.route("/tm/transfers.csv.gz", _gzip(transfers_csv()),
                     headers={"Content-Type": "application/gzip"})
        yield server


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


def _voci(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", url, "--sources", str(ROOT / "sources.yaml"),
                                      *args])
    return result.exit_code, result.output


def test_a_served_transfers_table_confirms_collapses_and_leaves_open(
        sqlite_url: str, served: LoopbackServer) -> None:
    build(sqlite_url)
    before = board(sqlite_url)
    assert {s for s, _, _ in before.values()} == {"expired"}
    code, out = _voci(sqlite_url, "outcomes", "import", served.url("/tm/players.csv"),
                      served.url("/tm/transfers.csv.gz"))
    assert code == 0, out
    assert "transfers: 15 read, 15 added" in out
    code, out = _voci(sqlite_url, "score", "--as-of", AFTER.isoformat())
    assert code == 0, out
    after = board(sqlite_url)
    confirmed = after["marco-confermato/milan/2025-07"]
    assert confirmed[:2] == ("confirmed", CONFIRMED_P)
    assert "AS Roma" not in confirmed[2] and "SSC Napoli -> AC Milan on 2025-07-15" in confirmed[2]
    assert "9000001" in confirmed[2]
    elsewhere = after["luca-altrove/inter/2025-07"]
    assert elsewhere[0] == "collapsed" and "AS Roma -> Juventus on 2025-08-02" in elsewhere[2]
    stayed = after["gino-fermo/napoli/2025-07"]
    assert stayed[0] == "collapsed" and "no recorded move" in stayed[2]
    # winter 2026 is after the table was taken; an unknown player is nobody's record
    # (their probabilities move with what the outlets' resolved rumours taught)
    for left in ("paolo-scoperto/roma/2026-01", "sconosciuto-nessuno/milan/2025-07"):
        assert after[left][0] == before[left][0] == "expired"
        assert "transfer record" not in after[left][2]
    # again: nothing changes, nothing is due
    code, out = _voci(sqlite_url, "outcomes", "import", served.url("/tm/players.csv"),
                      served.url("/tm/transfers.csv.gz"))
    assert code == 0 and "nothing changed" in out, out
    with Store(sqlite_url) as store:
        assert refresh(SOURCES, store, as_of=AFTER).scored == 0
    assert board(sqlite_url) == after


def test_a_record_takes_effect_from_its_day(sqlite_url: str, served: LoopbackServer) -> None:
    """Scored as of a day before the record, the rumour is still open; the refresh on
    the record's day confirms it (the score was due then)."""
    with Store(sqlite_url) as store:
        store.sync_sources(SOURCES, SUMMER - dt.timedelta(days=30))
        for draft, claims in stories()[:3]:
            store.add_article(draft, claims)
        tables = parse_outcome_files([("players.csv", players_csv()),
                                      ("transfers.csv", transfers_csv())])
        import_outcomes(store, tables, source="test", at=AFTER)
        july = dt.datetime(2025, 7, 10, tzinfo=UTC)
        refresh(SOURCES, store, as_of=july)
        assert {r.status for r in store.board()} == {"open"}
        done = refresh(SOURCES, store, as_of=dt.datetime(2025, 7, 15, 8, tzinfo=UTC))
        assert done.scored >= 1
        assert [r.status for r in store.board()] == ["confirmed"]


def test_importing_outcomes_then_refreshing_ends_where_a_full_rescore_does(
        db_url: str) -> None:
    build(db_url)
    with Store(db_url) as store:
        tables = parse_outcome_files([("players.csv", players_csv()),
                                      ("transfers.csv", transfers_csv())])
        report, due = import_outcomes(store, tables, source="test", at=AFTER)
        assert report.transfers_added == 15 and due == len(store.rumour_ids())
        again, due = import_outcomes(store, tables, source="test", at=AFTER)
        assert not again.changed and due == 0
        refresh(SOURCES, store, as_of=AFTER)
    incremental = snapshot(db_url)
    assert {b[1] for b in incremental["board"].values()} == {"confirmed", "collapsed",
                                                             "expired"}
    assert incremental == full(db_url, end=AFTER)


def test_a_later_record_changes_only_its_window(sqlite_url: str) -> None:
    build(sqlite_url)
    with Store(sqlite_url) as store:
        import_outcomes(store, parse_outcome_files([("players.csv", players_csv()),
                                                    ("transfers.csv", transfers_csv())]),
                        source="a", at=AFTER)
        refresh(SOURCES, store, as_of=AFTER)
        more = transfers_csv([(9_000_003, "2026-01-20", "juventus", "roma")])
        report, due = import_outcomes(store, parse_outcome_files([("transfers.csv", more)]),
                                      source="b", at=AFTER)
        assert report.transfers_added == 1 and due == 1  # Scoperto's one winter rumour
        refresh(SOURCES, store, as_of=AFTER)
    assert board(sqlite_url)["paolo-scoperto/roma/2026-01"][0] == "confirmed"
    assert snapshot(sqlite_url) == full(sqlite_url, end=AFTER)


def test_the_shared_transfermarkt_tables_import_once(sqlite_url: str) -> None:
    folder = ROOT.parent / "shared" / "realworld" / "transfermarkt-datasets"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    code, out = _voci(sqlite_url, "outcomes", "import", str(folder), "--json")
    assert code == 0, out
    first = json.loads(out)
    assert first["transfers_added"] == first["transfers"] > 20000
    # the reduced table stops in July 2025: summer 2025 is not covered, winter 2025 is
    assert any(c.startswith("2002-") and c.endswith("2025-07-01") for c in first["covers"])
    code, out = _voci(sqlite_url, "outcomes", "import", str(folder), "--json")
    again = json.loads(out)
    assert (again["players_added"], again["players_changed"], again["transfers_added"],
            again["transfers_changed"], again["rumours_due"]) == (0, 0, 0, 0, 0)


# ---------------------------------------------------------------- official moves

def _reports(outlets: list[str], stage: str, when: dt.datetime, **kw: object) -> list[Report]:
    return [Report(claim_id=i, article_id=i, outlet_id=o, published_at=when, stage=stage,
                   **kw) for i, o in enumerate(outlets, start=1)]  # type: ignore[arg-type]


def test_an_official_move_reported_by_four_outlets_is_confirmed_after_its_window() -> None:
    when = dt.datetime(2017, 7, 14, 10, tzinfo=UTC)
    rel = {"a": 0.4, "b": 0.45, "c": 0.35, "d": 0.5}
    after = window_closes("2017-07") + dt.timedelta(days=30)
    s = score_rumour(_reports(list(rel), "official", when), rel, as_of=after,
                     window_closes=window_closes("2017-07"))
    assert (s.status, s.probability) == ("confirmed", CONFIRMED_P)
    # one outlet of 0.45 alone, or two unknown names, or hedged reports: not settled
    for outlets, kw in ((["b"], {}), (["x", "y"], {}), (list(rel), {"hedged": True})):
        s = score_rumour(_reports(outlets, "official", when, **kw), rel, as_of=after,
                         window_closes=window_closes("2017-07"))
        assert s.status == "expired", outlets


def test_a_record_confirms_over_everything_and_collapses_only_what_no_one_announced() -> None:
    when = dt.datetime(2025, 7, 1, tzinfo=UTC)
    rel = {"club": 0.99}
    announced = _reports(["club"], "official", when)
    record = Resolution("collapsed", window_closes("2025-07"), "no recorded move")
    later = window_closes("2025-07") + dt.timedelta(days=1)
    s = score_rumour(announced, rel, as_of=later, resolution=record)
    assert s.status == "confirmed"
    talk = _reports(["club"], "talks", when)
    s = score_rumour(talk, rel, as_of=later, resolution=record)
    assert s.status == "collapsed" and "no recorded move" in s.reason
    before = score_rumour(talk, rel, as_of=when + dt.timedelta(days=2), resolution=record)
    assert before.status == "open"
    # a record confirming one rumour collapses the player's others of that window
    facts = [RumourFacts("p/milan/2025-07", "p", "2025-07", tuple(talk),
                         Resolution("confirmed", when, "x -> Milan")),
             RumourFacts("p/inter/2025-07", "p", "2025-07", tuple(talk))]
    scores = score_all(facts, rel, as_of=when + dt.timedelta(days=1))
    assert scores["p/milan/2025-07"].status == "confirmed"
    assert scores["p/inter/2025-07"].status == "collapsed"


# ---------------------------------------------------------------- backtest

def test_the_backtest_scores_each_day_as_a_refresh_then_did(sqlite_url: str,
                                                            tmp_path: Path) -> None:
    """Every prediction is the score a refresh as of that day gives (read back from a
    store refreshed then), taken while the rumour was open, with its final outcome."""
    build(sqlite_url)
    with Store(sqlite_url) as store:
        import_outcomes(store, parse_outcome_files([("players.csv", players_csv()),
                                                    ("transfers.csv", transfers_csv())]),
                        source="t", at=AFTER)
        since = dt.datetime(2025, 6, 19, tzinfo=UTC)
        until = dt.datetime(2025, 7, 20, tzinfo=UTC)
        report = backtest(SOURCES, store, since=since, until=until)
    assert report.predictions
    labels = {p.rumour_id: p.happened for p in report.predictions}
    assert labels == {"marco-confermato/milan/2025-07": True,
                      "luca-altrove/inter/2025-07": False,
                      "gino-fermo/napoli/2025-07": False}
    # Confermato's record of 15 July ends his predictions
    assert max(p.as_of for p in report.predictions
               if p.rumour_id.startswith("marco")) < dt.datetime(2025, 7, 15, tzinfo=UTC)
    rng = random.Random(2)
    for p in rng.sample(report.predictions, 4):
        copy = f"sqlite:///{tmp_path / p.as_of.strftime('%Y%m%d')}.db"
        Path(copy[10:]).write_bytes(Path(sqlite_url[10:]).read_bytes())
        with Store(copy) as store:
            refresh(SOURCES, store, as_of=p.as_of, full=True)
            row = next(r for r in store.board() if r.rumour_id == p.rumour_id)
        assert (row.status, row.probability) == ("open", p.probability)
    d = report.as_dict()
    assert d["n"] == len(report.predictions)
    assert math.isclose(d["brier"], sum((p.probability - p.happened) ** 2
                                        for p in report.predictions) / d["n"], abs_tol=1e-4)
    assert sum(b["n"] for b in d["calibration"]) == d["n"]
    assert all(b["observed_low"] <= b["observed"] <= b["observed_high"]
               for b in d["calibration"])


def test_the_backtest_counts_a_move_seen_falling_through_as_one_that_did_not_happen(
        sqlite_url: str) -> None:
    """Talks in December, "salta tutto" from a reliable outlet a few days later: with the
    outcomes taken after the window closed, the move did not happen (it expired before,
    and the backtest left it out); a move nobody saw end is still left out."""
    reliable = next(o.id for o in SOURCES.outlets if 0.6 <= o.reliability < 0.9)
    weak = next(o.id for o in SOURCES.outlets if 0.3 <= o.reliability < 0.6)
    day = dt.timedelta(days=1)
    with Store(sqlite_url) as store:
        store.sync_sources(SOURCES, WINTER - 30 * day)
        for draft, claims in [
                _article(1, weak, WINTER, "Paolo Scoperto", "roma"),
                _article(2, reliable, WINTER + 4 * day, "Paolo Scoperto", "roma",
                         "collapsed"),
                _article(3, weak, WINTER, "Gino Fermo", "napoli")]:
            store.add_article(draft, claims)
        refresh(SOURCES, store, as_of=AFTER)
        report = backtest(SOURCES, store, since=WINTER, until=WINTER + 10 * day,
                          label_at=AFTER)
    labels = {p.rumour_id: p.happened for p in report.predictions}
    assert labels == {"paolo-scoperto/roma/2026-01": False}
    assert max(p.as_of for p in report.predictions) <= WINTER + 5 * day


def test_backtest_json_and_calibrate_plot_on_the_cli(sqlite_url: str, tmp_path: Path,
                                                     served: LoopbackServer) -> None:
    build(sqlite_url)
    png = tmp_path / "cal.png"
    code, out = _voci(sqlite_url, "calibrate", "--plot", str(png))
    assert code == 1 and "nothing to plot" in out and not png.exists()
    code, out = _voci(sqlite_url, "backtest", "--json")
    assert code == 1 and json.loads(out)["n"] == 0
    _voci(sqlite_url, "outcomes", "import", served.url("/tm/players.csv"),
          served.url("/tm/transfers.csv.gz"))
    code, out = _voci(sqlite_url, "backtest", "--since", "2025-06-15", "--until",
                      "2025-09-01", "--json", "--plot", str(png))
    assert code == 0, out
    figures = json.loads(out[:out.rindex("}") + 1])
    assert {"auc", "brier", "log_loss", "n", "base_rate", "calibration"} <= figures.keys()
    assert figures["n"] > 0 and 0 <= figures["brier"] <= 1
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@given(st.lists(st.tuples(st.sampled_from([0.1, 0.2, 0.5, 0.7, 0.9]), st.booleans()),
                max_size=40))
def test_auc_by_ranks_is_the_pairwise_definition(pairs: list[tuple[float, bool]]) -> None:
    pos = [p for p, y in pairs if y]
    neg = [p for p, y in pairs if not y]
    if not pos or not neg:
        assert math.isnan(auc(pairs))
        return
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg)
    assert math.isclose(auc(pairs), wins / (len(pos) * len(neg)))


def test_the_dev_corpora_outcomes_as_a_transfers_table_resolve_their_moves(
        tmp_path: Path, corpus: CorpusServer, fetch_config: FetchConfig) -> None:
    """The corpus's labelled outcomes, written as a players and transfers table with
    invented ids (tests/corpus_outcomes.py), resolve voci's rumours as labelled: players
    matched by name through the players table, clubs by name."""
    sources = corpus.sources()
    as_of = dt.datetime.fromisoformat(str(corpus.gold["as_of"])).astimezone(UTC)
    url = f"sqlite:///{tmp_path / 'voci.db'}"
    until = write_tables(corpus.root, tmp_path / "tm")
    with Store(url) as store, Fetcher(fetch_config) as fetcher:
        fetch_pass(sources, store, fetcher, now=as_of)
        refresh(sources, store, as_of=as_of)
        tables = parse_outcome_files([(p.name, p.read_bytes())
                                      for p in (tmp_path / "tm").iterdir()])
        import_outcomes(store, tables, source="corpus", at=as_of, covers_until=until)
        refresh(sources, store, as_of=window_closes("2027-01") + dt.timedelta(days=1))
        rows = store.board()
    clubs = default_clubs()
    outcome = {(name_key(m["player"]), clubs.lookup(m["to"])): m["outcome"]
               for m in corpus.gold["moves"].values()}
    judged = [(r.rumour_id, outcome[(name_key(r.player), r.to_club)], r.status)
              for r in rows if (name_key(r.player), r.to_club) in outcome]
    assert len([j for j in judged if j[1] != "open"]) >= 8
    # a player with an open move and another that has an outcome (Zirkzee, Scamacca)
    assert len({rid.split("/")[0] for rid, labelled, _ in judged if labelled == "open"}
               & {rid.split("/")[0] for rid, labelled, _ in judged if labelled != "open"})
    for rid, labelled, status in judged:
        if labelled == "confirmed":
            assert status == "confirmed", rid
        elif labelled == "collapsed":
            assert status == "collapsed", rid
        else:  # open: the table never says it did not happen (only an announcement
            # resolves it), even when it knows how another move of the player ended
            assert status in ("expired", "confirmed"), rid


def test_a_plot_without_matplotlib_says_what_to_install(
        sqlite_url: str, tmp_path: Path, served: LoopbackServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    build(sqlite_url)
    _voci(sqlite_url, "outcomes", "import", served.url("/tm/players.csv"),
          served.url("/tm/transfers.csv.gz"))
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out = _voci(sqlite_url, "backtest", "--since", "2025-06-15", "--until",
                      "2025-09-01", "--plot", str(tmp_path / "b.png"))
    assert code == 2 and "voci[plot]" in out
    assert not (tmp_path / "b.png").exists()


def test_a_bins_interval_counts_rumours_not_days() -> None:
    """Thirty days of one rumour that did not happen are one outcome: the interval is as
    wide as one rumour's, not thirty's."""
    pairs = [(0.15, False)] * 30 + [(0.18, True)] * 2
    groups = ["a"] * 30 + ["b", "b"]
    (b,) = reliability_bins(pairs, groups=groups)
    assert (b.count, b.groups) == (32, 2)
    assert b.interval() == wilson(2 / 32 * 2, 2)
    assert b.interval()[0] <= b.observed <= b.interval()[1]
    (by_day,) = reliability_bins(pairs)
    assert by_day.interval()[1] - by_day.interval()[0] < b.interval()[1] - b.interval()[0]
