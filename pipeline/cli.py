"""The `voci` command: parse, validate, call a library function, print. Nothing else.

Every option also reads an environment variable (VOCI_DB, VOCI_SOURCES, VOCI_HOST_DELAY,
…). Exit codes: 0 done, 1 the work failed (e.g. no feed answered), 2 bad configuration,
3 the database could not be written (disk full, read-only file: what was committed before
is kept), 130 stopped by Ctrl-C (SIGINT), 143 by SIGTERM (what was stored is kept).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from pipeline import __version__
from pipeline.settings import ENV_PREFIX, Settings
from pipeline.sources import Sources, SourcesError, load_sources

if TYPE_CHECKING:
    from pipeline.fetch import Fetcher
    from pipeline.store import Store

EXIT_FAILED, EXIT_CONFIG, EXIT_STORAGE = 1, 2, 3


class ConfigError(click.ClickException):
    """Bad configuration: printed without a traceback, exit code 2."""

    exit_code = EXIT_CONFIG


class StorageFailure(click.ClickException):
    """The database refused a write (disk full, read-only, I/O error): exit code 3."""

    exit_code = EXIT_STORAGE


def _storage_failure(exc: BaseException) -> StorageFailure | None:
    """The storage error `exc` is, told plainly; None when it is something else."""
    import errno

    from pipeline.store import is_operational_error

    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else ""
    if is_operational_error(exc):
        lowered = text.lower()
        if any(k in lowered for k in ("disk is full", "no space left", "disk full")):
            why = "the disk is full"
        elif "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
            why = "the database is read-only"
        elif "disk i/o error" in lowered or "input/output" in lowered:
            why = "the disk reported an I/O error"
        else:
            return None
    elif isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS,
                                                    errno.EIO, errno.EFBIG):
        why = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
               errno.EROFS: "the file system is read-only", errno.EFBIG: "the file is too large",
               }.get(exc.errno, "the disk reported an I/O error")
    else:
        return None
    return StorageFailure(f"cannot write to the database: {why} ({text}). Everything stored "
                          "before this is kept; free space or fix the file's permissions and "
                          "run the command again.")


class _Voci(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            failure = _storage_failure(exc)
            if failure is None:
                raise
            raise failure from None


_TIME_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z",
                 "%Y-%m-%d %H:%M:%S"]


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _refresh(sources: Sources, store: Store, as_of: dt.datetime, *, full: bool = False) -> int:
    from pipeline.refresh import refresh

    return refresh(sources, store, as_of=as_of, scored_at=dt.datetime.now(dt.UTC),
                   full=full).scored


@click.group(cls=_Voci, context_settings={"auto_envvar_prefix": ENV_PREFIX,
                                          "help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voci")
@click.option("--sources", "sources_path", type=click.Path(path_type=Path), envvar="VOCI_SOURCES",
              help="The sources file (outlets, feeds, reliabilities). "
                   "Default: the sources.yaml shipped with voci.  [env: VOCI_SOURCES]")
@click.option("--db", "db_url", envvar="VOCI_DB", default="sqlite:///voci.db", show_default=True,
              help="Database: a SQLite path or URL, or postgresql+psycopg://…  [env: VOCI_DB]")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, sources_path: Path | None, db_url: str, verbose: int) -> None:
    """voci: Italian transfer rumours, fetched, read and scored.

    \b
    Example:
      voci backfill                       # fetch every feed once into ./voci.db
      voci --sources my.yaml --db pg.url backfill
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Settings(db_url=db_url, sources_path=sources_path)


def _sources(settings: Settings) -> Sources:
    try:
        return load_sources(settings.sources_file)
    except SourcesError as exc:
        raise ConfigError(str(exc)) from None


def _store(settings: Settings, *, migrate: bool = True) -> Store:
    """The store, with the player registry it holds (its last import) made the one claims
    are read with."""
    from pipeline.registry import load_active
    from pipeline.store import Store, StoreError

    try:
        store = Store(settings.db_url, migrate=migrate)
    except StoreError as exc:
        raise ConfigError(str(exc)) from None
    if migrate:
        load_active(store)
    return store


_SIGNALS = {"SIGINT": 2, "SIGTERM": 15}


@contextlib.contextmanager
def _stop_on_signals(fetcher: Fetcher) -> Iterator[list[str]]:
    """Ctrl-C (SIGINT) or SIGTERM stops the fetcher at once: requests in flight end, the
    pass finishes what is in hand. Yields the list the signal's name is put in; a second
    signal exits at once (everything stored so far is committed)."""
    signalled: list[str] = []

    def handler(signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        if signalled:
            os._exit(128 + signum)
        signalled.append(name)
        fetcher.stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield signalled
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@cli.command()
@click.option("--host-delay", type=click.FloatRange(min=0), default=None,
              help="Seconds between two requests to one host (default 1.0).  "
                   "[env: VOCI_BACKFILL_HOST_DELAY]")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None,
              help="Read timeout in seconds (default 20).  [env: VOCI_BACKFILL_TIMEOUT]")
@click.option("--deadline", type=click.FloatRange(min=0.1), default=None,
              help="Longest one request may take, from connecting to its last byte "
                   "(default 120).  [env: VOCI_BACKFILL_DEADLINE]")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--as-of", "as_of", type=click.DateTime(_TIME_FORMATS), default=None,
              help="Score as of this time (ISO 8601, UTC unless it says). Default: now.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Also backfill history from this date: each outlet's sitemaps, and the "
                   "--warc archives.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="End of the history range (exclusive). Default: open-ended.")
@click.option("--warc", "warcs", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A WARC archive to read (repeatable), e.g. from CC-NEWS; needs --since.")
@click.option("--no-sitemaps", is_flag=True, help="With --since: read only the --warc files.")
@click.pass_obj
def backfill(settings: Settings, host_delay: float | None, timeout: float | None,
             deadline: float | None, as_json: bool, as_of: dt.datetime | None,
             since: dt.datetime | None, until: dt.datetime | None, warcs: tuple[Path, ...],
             no_sitemaps: bool) -> None:
    """Fetch every feed once, store the new articles, print a summary.

    \b
    Exit code 0 when at least one feed answered, 1 when none did, 2 for bad
    configuration. A failed feed or page is recorded and reported; the run goes on.
    With --since it also walks each outlet's sitemaps (and reads --warc archives) for
    the articles of that period; interrupted and run again, it fetches nothing stored.
    Example:
      voci --sources sources.yaml backfill --host-delay 2
      voci backfill --since 2026-10-01 --until 2026-11-01
      voci backfill --since 2026-10-01 --no-sitemaps --warc CC-NEWS-20261001.warc.gz
    """
    from pipeline.board import findings, findings_lines
    from pipeline.cli_output import (
        PassProgress,
        history_dict,
        print_history,
        print_summary,
        summary_dict,
    )
    from pipeline.fetch import Fetcher
    from pipeline.history import history_pass
    from pipeline.run import fetch_pass

    if (until or warcs or no_sitemaps) and since is None:
        raise click.UsageError("--until, --warc and --no-sitemaps go with --since")
    sources = _sources(settings)
    fetch = settings.fetch
    if host_delay is not None:
        fetch = replace(fetch, min_host_delay=host_delay)
    if timeout is not None:
        fetch = replace(fetch, read_timeout=timeout)
    if deadline is not None:
        fetch = replace(fetch, total_timeout=deadline)
    now = dt.datetime.now(dt.UTC)
    with _store(settings) as store, Fetcher(fetch) as fetcher, _stop_on_signals(
        fetcher
    ) as signalled:
        before = store.standing()
        with PassProgress() as progress:
            summary = fetch_pass(sources, store, fetcher, now=now, progress=progress,
                                 clock=lambda: dt.datetime.now(dt.UTC))
        history = None
        if since is not None and not signalled:
            with PassProgress() as bars:
                history = history_pass(
                    sources, store, fetcher, since=_aware(since) or now, until=_aware(until),
                    warcs=warcs, now=now, progress=bars, sitemaps=not no_sitemaps,
                    clock=lambda: dt.datetime.now(dt.UTC))
        if signalled:
            kept = sum(f.new for f in summary.feeds) + (history.pages_new if history else 0)
            click.echo(f"Stopped by {signalled[0]}: {kept} new articles were stored and are "
                       "kept, each with its claims. Rumours were not rescored: run "
                       "`voci backfill` again to fetch the rest (nothing stored is fetched "
                       "twice).", err=True)
            sys.exit(128 + _SIGNALS[signalled[0]])
        _refresh(sources, store, _aware(as_of) or now)
        found = findings(before, store.standing())
    if as_json:
        out = summary_dict(summary)
        if history is not None:
            out["history"] = history_dict(history)
        out["found"] = found.as_dict()
        click.echo(json.dumps(out, indent=2))
    else:
        print_summary(summary)
        if history is not None:
            print_history(history)
        click.echo("\n".join(findings_lines(found)))
    # Either source of articles working is a run that worked.
    sys.exit(min(summary.exit_code, history.exit_code) if history else summary.exit_code)


@cli.command()
@click.option("--reextract", is_flag=True,
              help="Re-run claim extraction over every stored article, replacing its claims.")
@click.option("--json", "as_json", is_flag=True, help="Print the claims as JSON lines.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="How many articles' claims to print (0: all).")
@click.pass_obj
def claims(settings: Settings, reextract: bool, as_json: bool, limit: int) -> None:
    """List the transfer claims found in stored articles, or re-extract them.

    \b
    Run --reextract after the claims extractor changed: every article's claims are
    replaced, and the result is what a fresh backfill would have stored.
    Example:
      voci claims --reextract
      voci claims --limit 5 --json
    """
    from pipeline.run import reextract_claims

    sources = _sources(settings)
    with _store(settings) as store:
        if reextract:
            total = reextract_claims(sources, store)
            click.echo(f"{store.article_count()} articles, {total} claims")
            return
        by_article = store.claims_by_article()
        ids = sorted(by_article, reverse=True)
        for article_id in ids[:limit] if limit else ids:
            article = store.article(article_id)
            for c in by_article[article_id]:
                if as_json:
                    click.echo(json.dumps({"article_id": article_id, "url": article.url,
                                           **c.__dict__}, ensure_ascii=False, default=list))
                else:
                    fee = f" {c.fee_eur:,} EUR" if c.fee_eur is not None else ""
                    via = f" (via {c.cites})" if c.cites else ""
                    click.echo(f"{c.player}: {c.from_club or '?'} -> {c.to_club or '?'} "
                               f"[{c.stage}]{fee}{via}  {article.url}")


@cli.command()
@click.option("--db-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Keep the demo's database in this new file (default: a temporary one, "
              "removed after).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.pass_obj
def demo(settings: Settings, db_file: Path | None, limit: int) -> None:
    """voci end to end on a bundled sample of Italian transfer news, with no network.

    \b
    Serves the sample's outlets on loopback, fetches their feeds and pages, finds the
    claims, groups them into rumours, scores them as of the sample's date and shows the
    board. Your own database and sources are not touched.
    Example:
      voci demo
      voci demo --db-file demo.db && voci --db demo.db show Mainoo
    """
    import tempfile

    from pipeline.board import board_lines, trends
    from pipeline.claims import default_clubs
    from pipeline.demo import run_demo

    if db_file is not None and db_file.exists():
        raise ConfigError(f"{db_file} already exists: the demo writes a new database")
    sources = _sources(settings)
    with tempfile.TemporaryDirectory() as tmp:
        where = db_file or Path(tmp) / "demo.db"
        click.echo("serving a sample of Italian transfer news on 127.0.0.x (no network "
                   "needed), reading it as voci reads the web ...")
        shown = run_demo(f"sqlite:///{where}", journalists_from=sources, limit=limit)
    s = shown.summary
    click.echo(f"{shown.outlets} outlets, {s.count('ok')} feeds read; "
               f"{s.articles_new} articles stored; scored as of {shown.as_of:%Y-%m-%d %H:%M} UTC")
    moved = trends(shown.rows, {r: [(t, p) for t, p, _ in h]
                                for r, h in shown.histories.items()})
    click.echo("")
    click.echo("\n".join(board_lines(shown.rows, default_clubs(), moved)))
    if db_file is not None:
        click.echo(f"\nthe demo's database: {db_file} (try: voci --db {db_file} show "
                   f"{shown.rows[0].rumour_id if shown.rows else 'PLAYER'})")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Listen on this address (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.pass_obj
def web(settings: Settings, host: str, port: int) -> None:
    """A read-only web board over the store: the board with filters, a page per rumour
    (evidence, probability over time) and per source (track record).

    \b
    Example:
      voci web                      # then open http://127.0.0.1:8080/
      voci --db postgresql+psycopg://user@host/voci web --host 0.0.0.0
    """
    from pipeline.web import create_app, serve

    sources = _sources(settings)
    with _store(settings) as store:
        click.echo(f"voci web board on http://{host}:{port}/ (Ctrl-C to stop)")
        serve(create_app(store, sources), host, port)


@cli.command("eval")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("-V", "--verbose", "verbose", is_flag=True,
              help="Also each outlet's figures, and each article's missed and spurious claims.")
@click.pass_obj
def eval_command(settings: Settings, corpus_dir: Path, as_json: bool, verbose: bool) -> None:
    """Measure voci on a labelled corpus: serve it on loopback, run, compare with gold.

    \b
    Prints one figure a line. Articles may cite the journalists of the sources file.
    Example:
      voci eval tests/fixtures/corpus/dev-a
      voci eval --verbose tests/fixtures/corpus/dev-b
    """
    from pipeline.evaluation import evaluate

    if not (corpus_dir / "gold.yaml").is_file():
        raise ConfigError(f"{corpus_dir} is not a labelled corpus: no gold.yaml")
    report = evaluate(corpus_dir, journalists_from=_sources(settings))
    if as_json:
        click.echo(json.dumps({"corpus": report.corpus, "articles": report.articles,
                               **report.as_dict()}, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
        if verbose:
            for line in report.verbose_lines():
                click.echo(line)


@cli.command("score")
@click.option("--as-of", "as_of", type=click.DateTime(_TIME_FORMATS), default=None,
              help="Score as of this time (ISO 8601, UTC unless it says). Default: now.")
@click.option("--since", type=click.DateTime(_TIME_FORMATS), default=None,
              help="Also score as of every day from this date on (history for calibration).")
@click.option("--full", is_flag=True,
              help="Regroup every claim and rescore every rumour, not only what changed.")
@click.pass_obj
def score_command(settings: Settings, as_of: dt.datetime | None,
                  since: dt.datetime | None, full: bool) -> None:
    """Group the stored claims into rumours and score them.

    \b
    The score is a function of the evidence and the time only: rerunning with the same
    --as-of gives the same probabilities. Only what changed is worked out again: claims
    not yet grouped, and rumours whose score new evidence, a day of decay, a window's
    close or a source's reliability changed; --full does everything again (the same
    result). --since replays the days before, as if voci had scored every day, so that
    `voci calibrate` can judge scores given before each rumour was resolved.
    Example:
      voci score --as-of 2026-11-25T09:00
      voci score --full
      voci score --since 2026-11-01 --as-of 2026-11-25T09:00
    """
    from pipeline.refresh import replay

    sources = _sources(settings)
    end = _aware(as_of) or dt.datetime.now(dt.UTC)
    with _store(settings) as store:
        day = _aware(since)
        if day is not None:
            replay(sources, store, since=day, until=end)
        count = _refresh(sources, store, end, full=full or day is not None)
        total = len(store.rumour_ids())
    click.echo(f"{count} rumours scored as of {end.isoformat()} ({total} in the store; "
               "the others' scores had not changed)" if count < total else
               f"{count} rumours scored as of {end.isoformat()}")


def _board_filters(f: Callable[..., Any]) -> Callable[..., Any]:
    """The filters `top` and `export` share: names as an analyst writes them."""
    for option in reversed([
        click.option("--club", help="Rumours to or from this club: id, name or nickname "
                     "(juventus, Juventus, juve, la Vecchia Signora)."),
        click.option("--player", help="Rumours of this player: name, a spelling or surname."),
        click.option("--source", "--outlet", "source",
                     help="Rumours with evidence from this outlet or journalist "
                     "(id or name: gazzetta, Sky Sport, Fabrizio Romano)."),
        click.option("--window", help="This transfer window: 2026-07, summer 2026, "
                     "winter 2026, now."),
    ]):
        f = option(f)
    return f


@dataclass(frozen=True)
class _Filters:
    club: str | None
    players: tuple[str, ...]
    source: str | None
    window: str | None


def _resolve_filters(settings: Settings, store: Store, club: str | None, player: str | None,
                     source: str | None, window: str | None) -> _Filters:
    """The filters as ids, or a usage error (exit 2) naming what was not understood."""
    from pipeline.board import BoardQueryError, club_id, player_ids, source_id, window_id
    from pipeline.claims import default_clubs

    try:
        return _Filters(
            club_id(club, default_clubs()) if club else None,
            tuple(player_ids(player, store.players())) if player else (),
            source_id(source, _sources(settings), store.source_ids()) if source else None,
            window_id(window) if window else None)
    except BoardQueryError as e:
        raise click.UsageError(str(e)) from None


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@_board_filters
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_obj
def top(settings: Settings, limit: int, club: str | None, player: str | None,
        source: str | None, window: str | None, as_json: bool) -> None:
    """The rumour board: the most credible rumours, each with the reason for its score.

    \b
    Each rumour: its probability and how it moved in a day and a week; the player (with
    position and age where known), the clubs, the stage and the fee; how many
    independent origins stand behind it across how many outlets; and its id, for
    `voci show`.
    Example:
      voci top --limit 10
      voci top --club juve --window "summer 2026"
      voci top --player Vlahovic --json
    """
    from pipeline.board import board_lines, board_record, trends
    from pipeline.claims import default_clubs

    with _store(settings) as store:
        f = _resolve_filters(settings, store, club, player, source, window)
        rows = store.board(limit=limit, club=f.club, players=f.players, source=f.source,
                           window=f.window)
        history = store.histories([r.rumour_id for r in rows])
    clubs = default_clubs()
    moved = trends(rows, {rid: [(t, p) for t, p, _ in h] for rid, h in history.items()})
    if as_json:
        click.echo(json.dumps([board_record(r, clubs, moved.get(r.rumour_id)) for r in rows],
                              indent=2, ensure_ascii=False))
    elif not rows:
        asked = any((club, player, source, window))
        click.echo("no scored rumour matches these filters" if asked else
                   "no scored rumours yet: run `voci backfill` (or `voci score`)")
    else:
        click.echo("\n".join(board_lines(rows, clubs, moved)))


@cli.command()
@click.argument("what")
@click.pass_obj
def show(settings: Settings, what: str) -> None:
    """One rumour's evidence trail and probability history, by its id (from `voci top`);
    or, given a player, each of his rumours.

    \b
    Every article behind the score: when, which outlet, the stage it reports, whom it
    relays, whether it counts as an independent origin, and its weight.
    Example:
      voci show dusan-vlahovic/arsenal/2026-07
      voci show Vlahovic
    """
    from pipeline.board import BoardQueryError, player_ids, show_lines
    from pipeline.claims import default_clubs

    sources = _sources(settings)
    with _store(settings) as store:
        rows = store.board(rumours=[what])
        if not rows:
            try:
                rows = store.board(players=player_ids(what, store.players()))
            except BoardQueryError as e:
                raise click.UsageError(f"no rumour {what!r}, and {e}") from None
        ids = [r.rumour_id for r in rows]
        evidence = store.evidence(ids)
        history = store.histories(ids)
    names = {**{o.id: o.name for o in sources.outlets},
             **{j.id: j.name for j in sources.journalists}}
    clubs = default_clubs()
    if not rows:
        click.echo(f"{what}: no scored rumour")
    for n, r in enumerate(rows):
        if n:
            click.echo("")
        click.echo("\n".join(show_lines(r, [e for e in evidence if e.rumour_id == r.rumour_id],
                                        history.get(r.rumour_id, []), clubs, names)))


@cli.command()
@click.option("--what", type=click.Choice(["board", "evidence"]), default="board",
              show_default=True, help="The board's rows, or the articles behind them.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the most credible N.")
@_board_filters
@click.pass_obj
def export(settings: Settings, what: str, fmt: str, output: Path | None, limit: int | None,
           club: str | None, player: str | None, source: str | None,
           window: str | None) -> None:
    """The board, or its evidence, as CSV or JSON lines, for spreadsheets and notebooks.

    \b
    The same filters as `voci top`; every rumour when none is given.
    Example:
      voci export -o board.csv
      voci export --what evidence --format jsonl --club napoli -o napoli.jsonl
    """
    import csv
    import io

    from pipeline.board import board_record, evidence_record, trends
    from pipeline.claims import default_clubs

    with _store(settings) as store:
        f = _resolve_filters(settings, store, club, player, source, window)
        rows = store.board(limit=limit, club=f.club, players=f.players, source=f.source,
                           window=f.window)
        ids = [r.rumour_id for r in rows]
        if what == "board":
            history = store.histories(ids)
            moved = trends(rows, {rid: [(t, p) for t, p, _ in h]
                                  for rid, h in history.items()})
            clubs = default_clubs()
            records = [board_record(r, clubs, moved.get(r.rumour_id)) for r in rows]
        else:
            records = [evidence_record(e) for e in store.evidence(ids)]
    buffer = io.StringIO()
    if fmt == "jsonl":
        for rec in records:
            buffer.write(json.dumps(rec, ensure_ascii=False) + "\n")
    elif records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    if output is None:
        click.echo(buffer.getvalue(), nl=False)
    else:
        output.write_text(buffer.getvalue(), encoding="utf-8")
        click.echo(f"{len(records)} {'rumours' if what == 'board' else 'articles'} "
                   f"written to {output}", err=True)


@cli.command()
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the reliability diagram here (PNG; needs voci[plot]).")
@click.pass_obj
def calibrate(settings: Settings, plot: Path | None) -> None:
    """What resolved rumours taught: each source's reliability, and how good scores were.

    \b
    Prints every source's prior and posterior reliability with its counts of rumours
    that came true or not, and the Brier score and log loss of the scores given before
    each rumour was resolved (the stored score history); with --plot, a reliability
    diagram with each bin's count and 95 % interval. Exit code 1 when there is nothing
    to plot. `voci backtest` replays the days for the same figures on any range.
    Example:
      voci calibrate --plot calibration.png
    """
    from pipeline.cli_output import print_calibration
    from pipeline.refresh import learned_posteriors, reliability_priors

    sources = _sources(settings)
    with _store(settings) as store:
        resolved = store.resolved()
        counts = store.outcome_counts()
        history = list(store.score_history())
        priors = reliability_priors(sources, store)
    # the reliabilities scoring uses: learned from the windows closed by the last refresh
    learned = learned_posteriors(priors, counts)
    final = {r: status == "confirmed" for r, status, _ in resolved}
    scored = [(r, p, final[r]) for r, _, p, status in history
              if r in final and status == "open"]
    pairs = [(p, happened) for _, p, happened in scored]
    print_calibration(learned, pairs)
    if plot is not None:
        if not pairs:
            click.echo(f"nothing to plot, {plot} not written: no resolved rumour has a "
                       "score given while it was open. Import real outcomes (`voci outcomes "
                       "import`) and run `voci backtest --plot`, or replay the days with "
                       "`voci score --since`.", err=True)
            sys.exit(EXIT_FAILED)
        _plot(pairs, plot, groups=[r for r, _, _ in scored])


def _plot(pairs: list[tuple[float, bool]], path: Path, title: str = "",
          groups: list[str] | None = None) -> None:
    from pipeline.cli_output import write_reliability_diagram

    try:
        write_reliability_diagram(pairs, path, title=title, groups=groups)
    except ModuleNotFoundError as exc:
        raise ConfigError(f"the reliability diagram needs matplotlib ({exc}): "
                          "pip install 'voci[plot]'") from None
    click.echo(f"reliability diagram: {path}")


@cli.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="First day scored (default: the first stored article's).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Day after the last one scored (default: the day after the last "
                   "stored article).")
@click.option("--labels-as-of", "labels_as_of", type=click.DateTime(_TIME_FORMATS),
              default=None, help="Take each rumour's outcome as known then (default: the "
              "later of --until and the end of the imported outcomes).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the reliability diagram here (PNG; needs voci[plot]).")
@click.pass_obj
def backtest(settings: Settings, since: dt.datetime | None, until: dt.datetime | None,
             labels_as_of: dt.datetime | None, as_json: bool, plot: Path | None) -> None:
    """Replay history day by day and measure the scores against what happened.

    \b
    Every rumour is scored as of each day (as a refresh then would have, knowing only
    what was published and resolved by that day) until it resolved, and each score is
    compared with the rumour's outcome: confirmed (an announcement or an imported
    transfer record) or not (collapsed, expired). Prints Brier, log loss, AUC, the base
    rate and a calibration table; nothing is written to the store. Exit code 1 when no
    resolved rumour was scored in the range.
    Example:
      voci outcomes import ./transfermarkt-datasets/ && voci backtest --json
      voci backtest --since 2024-06-01 --until 2024-09-02 --plot backtest.png
    """
    from pipeline.backtest import backtest as run_backtest
    from pipeline.backtest import calibration_lines, default_range

    sources = _sources(settings)
    with _store(settings) as store:
        first, last = default_range(store)
        start, end = _aware(since) or first, _aware(until) or last
        if start is None or end is None:
            raise click.UsageError("no stored article: give --since and --until, or "
                                   "backfill first")
        report = run_backtest(sources, store, since=start, until=end,
                              label_at=_aware(labels_as_of))
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for line in calibration_lines(report):
            click.echo(line)
    if not report.predictions:
        if plot is not None:
            click.echo(f"nothing to plot, {plot} not written", err=True)
        sys.exit(EXIT_FAILED)
    if plot is not None:
        _plot(report.pairs, plot, title=f"backtest {start:%Y-%m-%d} .. {end:%Y-%m-%d}",
              groups=[p.rumour_id for p in report.predictions])


@cli.group()
def outcomes() -> None:
    """Real outcomes: completed transfers that resolve rumours."""


@outcomes.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--covers-until", "covers_until", type=click.DateTime(["%Y-%m-%d"]),
              default=None, help="The day the table records every move until (default: "
              "the day it was taken, from its dates).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def outcomes_import(settings: Settings, sources: tuple[str, ...],
                    covers_until: dt.datetime | None, as_json: bool) -> None:
    """Import completed transfers (transfermarkt-datasets' transfers table) as outcomes.

    \b
    SOURCES are folders, files or http(s) URLs of the data set's CSV files (transfers,
    and players and clubs to name them), plain or gzipped, full or reduced schema. A
    rumour is confirmed when the player joined that club in that window (loans
    included), collapsed when the window closed with him elsewhere or staying (inside
    the period the table covers), left open otherwise; the reason says which record.
    The rumours of the windows that changed are rescored at the next refresh (`voci
    score`). Importing the same table again changes nothing.
    Example:
      voci outcomes import ./transfermarkt-datasets/
      voci outcomes import https://example.org/data/transfers.csv.gz
    """
    from pipeline.outcomes import import_outcomes, parse_outcome_files
    from pipeline.registry import DatasetError
    from pipeline.registry.imports import read_files

    try:
        tables = parse_outcome_files(read_files(list(sources)))
    except DatasetError as exc:
        raise ConfigError(str(exc)) from None
    with _store(settings) as store:
        report, due = import_outcomes(
            store, tables, source=" ".join(sources), at=dt.datetime.now(dt.UTC),
            covers_until=covers_until.date() if covers_until else None)
    covers = [f"{a} .. {b}" for a, b in report.covers]
    if as_json:
        click.echo(json.dumps({
            "source": report.source, "players": report.players, "transfers": report.transfers,
            "players_added": report.players_added, "players_changed": report.players_changed,
            "transfers_added": report.transfers_added,
            "transfers_changed": report.transfers_changed, "covers": covers,
            "rumours_due": due}, indent=2))
        return
    click.echo(f"players: {report.players:,} read, {report.players_added:,} added, "
               f"{report.players_changed:,} changed")
    click.echo(f"transfers: {report.transfers:,} read, {report.transfers_added:,} added, "
               f"{report.transfers_changed:,} changed")
    click.echo(f"records every move of {', '.join(covers)}" if covers else
               "records no whole period: its moves confirm rumours, none collapses")
    if not report.changed:
        click.echo("nothing changed: these outcomes were already imported")
    else:
        click.echo(f"{due:,} rumours to rescore: run `voci score`")


@cli.command()
@click.option("--concurrency", type=click.IntRange(min=1), default=4, show_default=True,
              help="Jobs this worker runs at once.")
@click.option("--once", is_flag=True,
              help="Queue the feeds due now, work until the queue is empty, then exit.")
@click.option("--alerts", "alerts_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Alert rules (voci alerts --help): delivered after each rescore.")
@click.pass_obj
def worker(settings: Settings, concurrency: int, once: bool, alerts_path: Path | None
           ) -> None:
    """Work on PostgreSQL with other workers: poll due feeds, store, score.

    \b
    Run one or more on any machines sharing one PostgreSQL database; every minute one of
    them queues a poll for each feed due, a per-host lock keeps politeness across
    machines, and scores are refreshed after new articles. Needs --db postgresql://…
    Example:
      voci --db postgresql+psycopg://voci@dbhost/voci worker --concurrency 4
    """
    from pipeline import workers

    _sources(settings)  # fail early, with the file and line, on a bad sources file
    try:
        if alerts_path is not None:
            _alert_rules(alerts_path)  # a bad file is an error now, not in a job
        connected = workers.configure(settings.db_url, settings.sources_file, settings.fetch,
                                      alerts_path)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    with _store(settings) as store, store.schema_lock():  # workers start together
        workers.ensure_queue_schema(store.conninfo())
    if not once:
        connected.run_worker(queues=[workers.QUEUE], concurrency=concurrency)
        return
    import asyncio

    async def one_cycle() -> None:
        async with connected.open_async():
            queued = await workers.queue_due_polls_async()
            click.echo(f"{queued} feed polls queued")
            sys.stdout.flush()
            # Until nothing is left: a job held back by its host's lock (another worker
            # is on that host) is not taken by a pass, so pass again once it frees up.
            while True:
                await connected.run_worker_async(queues=[workers.QUEUE],
                                                 concurrency=concurrency, wait=False,
                                                 install_signal_handlers=False)
                if not workers.pending_jobs():
                    break
                await asyncio.sleep(0.2)

    asyncio.run(one_cycle())


@cli.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Apply the pending schema migrations (back the database up first).

    \b
    Example:
      voci --db voci.db db upgrade
    """
    from pipeline.store import head_revision

    with _store(settings, migrate=False) as store:
        before = store.revision()
        try:
            store.upgrade()
        except Exception as exc:  # the driver's errors: unreachable server, locked file
            raise ConfigError(f"cannot upgrade {settings.db_url}: {exc}") from None
        click.echo(f"schema: {before or 'empty'} -> {head_revision()}")


@cli.group("sources")
def sources_group() -> None:
    """The sources file."""


@sources_group.command("check")
@click.pass_obj
def sources_check(settings: Settings) -> None:
    """Validate the sources file and list its outlets.

    \b
    Example:
      voci --sources sources.yaml sources check
    """
    sources = _sources(settings)
    for o in sources.outlets:
        feeds = ", ".join(f.url for f in o.feeds)
        click.echo(f"{o.id:24} {o.reliability:4.2f}  {o.name}  [{feeds}]")
    for j in sources.journalists:
        click.echo(f"{j.id:24} {j.reliability:4.2f}  {j.name}  (journalist)")
    click.echo(f"{sources.path}: {len(sources.outlets)} outlets, "
               f"{sum(len(o.feeds) for o in sources.outlets)} feeds, "
               f"{len(sources.journalists)} journalists: ok")


@cli.command("run")
@click.option("--tick", type=click.FloatRange(min=0.01), default=5.0, show_default=True,
              help="Seconds between two checks for due feeds.  [env: VOCI_RUN_TICK]")
@click.option("--host-delay", type=click.FloatRange(min=0), default=None,
              help="Seconds between two requests to one host (default 1.0).  "
                   "[env: VOCI_RUN_HOST_DELAY]")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None,
              help="Read timeout in seconds (default 20).  [env: VOCI_RUN_TIMEOUT]")
@click.option("--deadline", type=click.FloatRange(min=0.1), default=None,
              help="Longest one request may take, from connecting to its last byte "
                   "(default 120).  [env: VOCI_RUN_DEADLINE]")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="One line per feed poll, as text or as JSON.  "
                                      "[env: VOCI_RUN_LOG_FORMAT]")
@click.option("--max-cycles", type=click.IntRange(min=1), default=None,
              help="Stop after this many checks (default: run until SIGTERM/SIGINT).  "
                   "[env: VOCI_RUN_MAX_CYCLES]")
@click.option("--alerts", "alerts_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Alert rules (voci alerts --help): delivered after every check.  "
                   "[env: VOCI_RUN_ALERTS]")
@click.pass_obj
def run(settings: Settings, tick: float, host_delay: float | None, timeout: float | None,
        deadline: float | None, log_format: str, max_cycles: int | None,
        alerts_path: Path | None) -> None:
    """Poll each feed when it is due, store, extract, group and score as articles arrive.

    \b
    Each feed is polled on its poll_interval (sources.yaml), with jitter, backing off
    when it fails and less often while it stays unchanged; the next due time is stored
    per feed, so a restart resumes the schedule. SIGTERM or SIGINT stops at once
    (requests in flight end; what was stored is kept; exit 0). One daemon per
    database: a second one exits with code 2.
    Example:
      voci --db voci.db run --log-format json
    """
    from pipeline.daemon import DaemonOptions, JsonFormatter, LockHeld, serve

    sources = _sources(settings)
    fetch = settings.fetch
    if host_delay is not None:
        fetch = replace(fetch, min_host_delay=host_delay)
    if timeout is not None:
        fetch = replace(fetch, read_timeout=timeout)
    if deadline is not None:
        fetch = replace(fetch, total_timeout=deadline)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.set_name("voci-run")
    for name in ("pipeline.daemon", "pipeline.run"):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == "voci-run"]:
            logger.removeHandler(old)  # a second `run` in one process (tests) logs once
        logger.addHandler(handler)
        logger.setLevel(min(logger.getEffectiveLevel(), logging.INFO))
        logger.propagate = False
    from pipeline.store import StoreError

    rules = tuple(_alert_rules(alerts_path)) if alerts_path is not None else ()
    options = DaemonOptions(tick=dt.timedelta(seconds=tick), max_cycles=max_cycles,
                            alerts=rules)
    try:
        result = serve(sources, settings.db_url, fetch, options=options)
    except LockHeld as exc:
        raise ConfigError(str(exc)) from None
    except StoreError as exc:
        raise ConfigError(str(exc)) from None
    sys.exit(result.exit_code)


def _alert_rules(path: Path) -> list[Any]:
    from pipeline.alerts import AlertsError, load_rules

    try:
        return load_rules(path)
    except AlertsError as exc:
        raise ConfigError(str(exc)) from None


@cli.group("alerts")
def alerts_group() -> None:
    """Alerts when a rumour crosses a probability, a move becomes official, the day's
    biggest risers, or a watched player or club changes.

    \b
    Rules live in a YAML file (see pipeline/alerts.py or the README):
      alerts:
        - id: juve-likely
          when: {crosses: 0.7}
          club: juve
          deliver: {webhook: http://127.0.0.1:9000/voci}
    `voci run --alerts FILE` and `voci worker --alerts FILE` deliver after each
    rescore; each alert is recorded in the database and delivered once.
    """


@alerts_group.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def alerts_check(path: Path) -> None:
    """Validate a rules file and list its rules (exit 2 on problems, all listed)."""
    for rule in _alert_rules(path):
        what = {"crosses": f"crosses {rule.value:g}", "risers": f"top {int(rule.value)} risers"
                }.get(rule.kind, rule.kind)
        where = ", ".join(f"{k} {v}" for k, v in (("club", rule.club), ("player", rule.player),
                                                   ("window", rule.window)) if v)
        click.echo(f"{rule.id:20} {what}{' (' + where + ')' if where else ''} -> "
                   f"{rule.channel}{' ' + rule.target if rule.target else ''}")
    click.echo(f"{path}: ok")


@alerts_group.command("run")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def alerts_run(settings: Settings, path: Path) -> None:
    """Record the alerts of the score changes since the last look and deliver those not
    delivered yet (for cron, after `voci backfill` or `voci score`)."""
    from pipeline.alerts import run_alerts

    rules = _alert_rules(path)
    with _store(settings) as store:
        done = run_alerts(store, rules)
    click.echo(f"alerts: {done.raised} raised, {done.delivered} delivered, "
               f"{done.failed} failed", err=True)
    if done.failed:
        sys.exit(1)


@cli.group()
def registry() -> None:
    """The player registry: who is a footballer, where he plays, who coaches.

    \b
    voci ships a snapshot of the CC0 transfermarkt-datasets tables (July 2025);
    `voci registry import` refreshes it from a newer copy.
    """


@registry.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def registry_import(settings: Settings, sources: tuple[str, ...], as_json: bool) -> None:
    """Import the transfermarkt-datasets tables (players, clubs, transfers).

    \b
    SOURCES are folders, files or http(s) URLs of the data set's CSV files, plain or
    gzipped, in its full or reduced schema; a folder URL (ending in /) is read by the
    usual file names, else by the links of its index page. Importing the same data again
    changes nothing; stored claims and rumours are kept (`voci claims --reextract` reads
    them again with the new registry). Exit code 2 names a source that cannot be read.
    Example:
      voci registry import ./transfermarkt-datasets/
      voci registry import https://example.org/data/players.csv.gz https://example.org/data/clubs.csv.gz
    """
    from pipeline.claims import default_clubs
    from pipeline.registry import DatasetError, load_active
    from pipeline.registry.dataset import merge
    from pipeline.registry.imports import read_sources
    from pipeline.registry.index import link_clubs

    try:
        dataset = read_sources(list(sources))
    except DatasetError as exc:
        raise ConfigError(str(exc)) from None
    with _store(settings) as store:
        stored = store.registry_dataset()
        # clubs are linked to voci's ids with every club known, stored or new: a file of
        # players alone still finds its clubs
        clubs = merge({"clubs": [list(stored.clubs) if stored else [], list(dataset.clubs)]})
        links = link_clubs(clubs, default_clubs())
        report = store.import_registry(dataset, links, source=" ".join(sources),
                                       at=dt.datetime.now(dt.UTC))
        load_active(store)
    if as_json:
        click.echo(json.dumps({"source": report.source, "read": report.read,
                               "added": report.added, "changed": report.changed}, indent=2))
        return
    for table in ("players", "clubs", "transfers"):
        click.echo(f"{table}: {report.read[table]:,} read, {report.added[table]:,} added, "
                   f"{report.changed[table]:,} changed")
    if not report.total_added and not report.total_changed:
        click.echo("nothing changed: the registry already holds this data")


@registry.command("status")
@click.pass_obj
def registry_status(settings: Settings) -> None:
    """Which registry claims are read with: the last import, or the packaged snapshot.

    \b
    Example:
      voci registry status
    """
    from pipeline.registry import active

    with _store(settings) as store:
        imports = store.registry_imports()
        current = active()
    if imports:
        last = imports[-1]
        click.echo(f"imported {last.at:%Y-%m-%d %H:%M} UTC from {last.source}")
    else:
        click.echo("the packaged snapshot (transfermarkt-datasets, July 2025); "
                   "`voci registry import` refreshes it")
    linked = sum(1 for c in current.club_map.values() if c)
    click.echo(f"{len(current.players):,} players, {len(current.club_map):,} clubs "
               f"({linked:,} linked to voci's clubs), data as of "
               f"{current.as_of or 'unknown'}")


def main() -> None:
    cli()
