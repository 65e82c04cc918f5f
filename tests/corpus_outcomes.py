"""A labelled corpus's outcomes as a transfermarkt-datasets players and transfers table.

    python -m tests.corpus_outcomes CORPUS_DIR OUT_DIR

Writes OUT_DIR/players.csv and OUT_DIR/transfers.csv in the data set's full schema, with
invented ids (from 9,000,001 on, clubs from 9,100,001), as a real user's tables would
hold them: a move labelled `confirmed` is a transfer of its player from its `from` club
to its `to` club on the fifth day of the window its articles are about; a move labelled
`collapsed` is no record (the player is named in players.csv, so the window closing
resolves it); a move labelled `open` leaves its player out of players.csv, so nothing
resolves it. A table that names a player speaks of every move of his in the windows it
covers (no record of a move is a move that did not happen), and the corpus does not know
how an open move ends: a player with an open move is in no table, even when another move
of his has an outcome (that one is then resolved only by what the articles say, e.g. a
collapse reported by a reliable outlet). Naming him turned the open move into one that
did not happen, which the backtest then counted against voci. Prints the day the table
covers every move until (the close of the latest window it speaks of), for
`voci outcomes import --covers-until`.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import yaml

from pipeline.windows import default_windows, window_of

PLAYER_IDS = 9_000_001
CLUB_IDS = 9_100_001


def corpus_tables(corpus_dir: Path) -> tuple[list[dict], list[dict], dt.date]:
    """(players rows, transfers rows, the day the table covers every move until)."""
    gold = yaml.safe_load((corpus_dir / "gold.yaml").read_text(encoding="utf-8"))
    moves = gold["moves"]
    windows: dict[str, str] = {}  # move -> the window its first article is about
    for a in sorted(gold["articles"], key=lambda a: str(a["published"])):
        when = dt.datetime.fromisoformat(str(a["published"])).astimezone(dt.UTC)
        for c in a.get("claims", []):
            windows.setdefault(c["move"], window_of(when))
    calendar = {w.id: w for w in default_windows().windows}
    unknown = {m["player"] for m in moves.values() if m["outcome"] == "open"}
    known = sorted({m["player"] for m in moves.values()} - unknown)
    player_id = {name: PLAYER_IDS + i for i, name in enumerate(known)}
    clubs = sorted({m[k] for m in moves.values() for k in ("from", "to") if m.get(k)})
    club_id = {name: CLUB_IDS + i for i, name in enumerate(clubs)}
    players = [{"player_id": player_id[n], "name": n, "first_name": n.split()[0],
                "last_name": " ".join(n.split()[1:])} for n in known]
    transfers = []
    latest = dt.date.min
    earliest = dt.date.max
    for move_id, m in sorted(moves.items()):
        window = calendar.get(windows.get(move_id, ""))
        if window is None:
            continue
        latest = max(latest, window.closes)
        earliest = min(earliest, window.opens)
        if m["outcome"] != "confirmed" or m["player"] not in player_id:
            continue
        day = window.opens + dt.timedelta(days=4)
        transfers.append({
            "player_id": player_id[m["player"]], "transfer_date": day.isoformat(),
            "transfer_season": f"{day.year % 100 - 1:02d}/{day.year % 100:02d}",
            "from_club_id": club_id.get(m.get("from") or "", ""),
            "to_club_id": club_id[m["to"]], "from_club_name": m.get("from") or "",
            "to_club_name": m["to"], "transfer_fee": "0.000", "market_value_in_eur": "",
            "player_name": m["player"]})
    # a move of someone else in the window before, as a real table has: the table
    # covers the whole of the corpus's windows
    before = [w for w in default_windows().windows if w.closes < earliest]
    if before:
        day = before[-1].opens + dt.timedelta(days=4)
        transfers.insert(0, {
            "player_id": PLAYER_IDS - 1, "transfer_date": day.isoformat(),
            "transfer_season": "", "from_club_id": CLUB_IDS - 1, "to_club_id": CLUB_IDS - 2,
            "from_club_name": "Real Oviedo", "to_club_name": "Cadiz CF",
            "transfer_fee": "0.000", "market_value_in_eur": "", "player_name": "Mario Campione"})
    return players, transfers, latest


def write_tables(corpus_dir: Path, out_dir: Path) -> dt.date:
    """Write players.csv and transfers.csv; returns the day they cover every move until."""
    players, transfers, until = corpus_tables(corpus_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows, fields in (
            ("players.csv", players, ["player_id", "first_name", "last_name", "name"]),
            ("transfers.csv", transfers, ["player_id", "transfer_date", "transfer_season",
                                          "from_club_id", "to_club_id", "from_club_name",
                                          "to_club_name", "transfer_fee",
                                          "market_value_in_eur", "player_name"])):
        with open(out_dir / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    return until


if __name__ == "__main__":
    print(write_tables(Path(sys.argv[1]), Path(sys.argv[2])).isoformat())
