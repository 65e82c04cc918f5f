"""The `voci` command: parse, validate, call a library function, print. Nothing else.

Every option also reads an environment variable (VOCI_DB, VOCI_SOURCES, VOCI_HOST_DELAY,
…). Exit codes: 0 done, 1 the work failed (e.g. no feed answered), 2 bad configuration.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

import click

from pipeline import __version__
from pipeline.settings import ENV_PREFIX, Settings
from pipeline.sources import Sources, SourcesError, load_sources
from pipeline.store import Store, StoreError

EXIT_FAILED, EXIT_CONFIG = 1, 2


class ConfigError(click.ClickException):
    """Bad configuration: printed without a traceback, exit code 2."""

    exit_code = EXIT_CONFIG


@click.group(context_settings={"auto_envvar_prefix": ENV_PREFIX,
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
    try:
        return Store(settings.db_url, migrate=migrate)
    except StoreError as exc:
        raise ConfigError(str(exc)) from None


@cli.command()
@click.option("--host-delay", type=click.FloatRange(min=0), default=None,
              help="Seconds between two requests to one host (default 1.0).  "
                   "[env: VOCI_BACKFILL_HOST_DELAY]")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None,
              help="Read timeout in seconds (default 20).  [env: VOCI_BACKFILL_TIMEOUT]")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def backfill(settings: Settings, host_delay: float | None, timeout: float | None,
             as_json: bool) -> None:
    """Fetch every feed once, store the new articles, print a summary.

    \b
    Exit code 0 when at least one feed answered, 1 when none did, 2 for bad
    configuration. A failed feed or page is recorded and reported; the run goes on.
    Example:
      voci --sources sources.yaml backfill --host-delay 2
    """
    from pipeline.cli_output import PassProgress, print_summary, summary_dict
    from pipeline.fetch import Fetcher
    from pipeline.run import fetch_pass

    sources = _sources(settings)
    fetch = settings.fetch
    if host_delay is not None:
        fetch = replace(fetch, min_host_delay=host_delay)
    if timeout is not None:
        fetch = replace(fetch, read_timeout=timeout)
    now = dt.datetime.now(dt.UTC)
    with _store(settings) as store, Fetcher(fetch) as fetcher, PassProgress() as progress:
        summary = fetch_pass(sources, store, fetcher, now=now, progress=progress,
                             clock=lambda: dt.datetime.now(dt.UTC))
    if as_json:
        click.echo(json.dumps(summary_dict(summary), indent=2))
    else:
        print_summary(summary)
    sys.exit(summary.exit_code)


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


@cli.command("eval")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_obj
def eval_command(settings: Settings, corpus_dir: Path, as_json: bool) -> None:
    """Measure voci on a labelled corpus: serve it on loopback, run, compare with gold.

    \b
    Prints one figure a line. Articles may cite the journalists of the sources file.
    Example:
      voci eval tests/fixtures/corpus/dev-a
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
    from pipeline.store import current_revision, head_revision, upgrade

    with _store(settings, migrate=False) as store:
        before = current_revision(store.engine)
        try:
            upgrade(store.engine)
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


def main() -> None:
    cli()
