"""`voci web`: a read-only web board over a voci store (SQLite or PostgreSQL).

Flask with Jinja templates, served by waitress; no JavaScript, no build step. Pages:

    /                 the board, most credible first, with voci top's filters as query
                      parameters (?club=juve&player=&source=&window=summer+2026&limit=50);
                      an unknown or ambiguous filter answers 400 with what was not understood
    /rumour/<id>      one rumour: every article behind its score, and its probability over
                      time as a chart (SVG drawn on the server)
    /source/<id>      an outlet's or journalist's track record: the rumours it reported,
                      first-hand or relayed, how they ended, and its reliability
    /board.json       the board as `voci top --json` prints it
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import Flask, abort, jsonify, render_template, request

from pipeline.board import (
    BoardQueryError,
    board_record,
    club_id,
    describe,
    player_ids,
    source_id,
    trends,
    window_id,
)
from pipeline.claims import default_clubs
from pipeline.sources import Sources
from pipeline.store import Store

CHART_W, CHART_H = 640, 200


def create_app(store: Store, sources: Sources) -> Flask:
    """The web board over an open store (the caller closes it)."""
    app = Flask(__name__)
    clubs = default_clubs()
    names = {**{o.id: o.name for o in sources.outlets},
             **{j.id: j.name for j in sources.journalists}}

    def board_rows(args: Any) -> tuple[list[Any], dict[str, Any]]:
        filters: dict[str, Any] = {}
        try:
            if club := args.get("club", "").strip():
                filters["club"] = club_id(club, clubs)
            if player := args.get("player", "").strip():
                filters["players"] = player_ids(player, store.players())
            if source := args.get("source", "").strip():
                filters["source"] = source_id(source, sources, store.source_ids())
            if window := args.get("window", "").strip():
                filters["window"] = window_id(window)
        except BoardQueryError as e:
            abort(400, description=str(e))
        limit = min(max(args.get("limit", 50, type=int) or 50, 1), 1000)
        rows = store.board(limit=limit, **filters)
        history = store.histories([r.rumour_id for r in rows])
        moved = trends(rows, {rid: [(t, p) for t, p, _ in h] for rid, h in history.items()})
        return rows, moved

    @app.get("/")
    def board() -> str:
        rows, moved = board_rows(request.args)
        shown = [(r, describe(r, clubs, moved.get(r.rumour_id))) for r in rows]
        return render_template("board.html", rows=shown, args=request.args,
                               sources=sorted(names.items(), key=lambda kv: kv[1]))

    @app.get("/board.json")
    def board_json() -> Any:
        rows, moved = board_rows(request.args)
        return jsonify([board_record(r, clubs, moved.get(r.rumour_id)) for r in rows])

    @app.get("/rumour/<path:rumour_id>")
    def rumour(rumour_id: str) -> str:
        found = store.board(rumours=[rumour_id])
        if not found:
            abort(404, description=f"no rumour {rumour_id}")
        r = found[0]
        history = store.histories([rumour_id]).get(rumour_id, [])
        moved = trends([r], {rumour_id: [(t, p) for t, p, _ in history]})
        return render_template(
            "rumour.html", r=r, d=describe(r, clubs, moved[rumour_id]),
            evidence=store.evidence([rumour_id]), names=names, history=history,
            chart=chart(history, r.probability, r.scored_at))

    @app.get("/source/<source>")
    def source(source: str) -> str:
        known = store.source_ids() | names.keys()
        if source not in known:
            abort(404, description=f"no source {source}")
        record = store.track_record(source)
        ended = [r for r, own in record if own and r.status != "open"]
        used = store.reliabilities_used().get(source)
        return render_template(
            "source.html", source=source, name=names.get(source, source),
            rows=[(r, own, describe(r, clubs)) for r, own in record],
            confirmed=sum(r.status == "confirmed" for r in ended), ended=len(ended),
            prior=used[0] if used else None, learned=used[1] if used else None)

    @app.errorhandler(400)
    @app.errorhandler(404)
    def problem(e: Any) -> tuple[str, int]:
        return render_template("problem.html", message=e.description), e.code

    return app


def chart(history: Sequence[tuple[dt.datetime, float, str]], now: float,
          at: dt.datetime) -> dict[str, Any]:
    """The probability over time as SVG coordinates: a point per history row, and the
    current score last."""
    points = [(t, p) for t, p, _ in history]
    if not points or points[-1][0] < at:
        points.append((at, now))
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds() or 1.0

    def xy(t: dt.datetime, p: float) -> tuple[float, float]:
        return (round(40 + (CHART_W - 50) * (t - start).total_seconds() / span, 1),
                round(10 + (CHART_H - 30) * (1 - p), 1))

    coords = [xy(t, p) for t, p in points]
    return {"width": CHART_W, "height": CHART_H,
            "line": " ".join(f"{x},{y}" for x, y in coords), "dots": coords,
            "start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}",
            "grid": [(round(10 + (CHART_H - 30) * (1 - q), 1), f"{q:.0%}")
                     for q in (0.0, 0.25, 0.5, 0.75, 1.0)]}


def serve(app: Flask, host: str, port: int) -> None:
    """Serve with waitress (a production WSGI server) until interrupted."""
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=4)
