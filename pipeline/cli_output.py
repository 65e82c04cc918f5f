"""How the CLI shows a pass: a progress display on a terminal, and the summary."""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.run import FeedReport, PassSummary
from pipeline.run import Progress as PassProgressBase


class PassProgress(PassProgressBase):
    """Two bars (feeds, pages) on stderr when it is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.live = self.console.is_terminal
        self.bar = Progress(TextColumn("{task.description:>6}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=self.console, transient=True)
        self.feeds = self.bar.add_task("feeds", total=0, visible=False)
        self.pages = self.bar.add_task("pages", total=0, visible=False)

    def __enter__(self) -> PassProgress:
        if self.live:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.bar.stop()

    def feeds_started(self, total: int) -> None:
        self.bar.update(self.feeds, total=total, visible=True)

    def feed_done(self, report: FeedReport) -> None:
        self.bar.advance(self.feeds)

    def pages_queued(self, count: int) -> None:
        task = self.bar.tasks[self.pages]
        self.bar.update(self.pages, total=(task.total or 0) + count, visible=True)

    def page_done(self) -> None:
        self.bar.advance(self.pages)


def print_summary(summary: PassSummary) -> None:
    out = click.echo
    out(f"feeds: {summary.count('ok')} ok, {summary.count('not_modified')} not modified, "
        f"{summary.count('failed')} failed")
    for f in summary.feeds:
        if f.outcome == "failed":
            out(f"  failed  {f.outlet_id}: {f.error}")
        elif f.warning:
            out(f"  warning {f.outlet_id}: {f.warning}")
    out(f"articles: {summary.articles_new} new, {summary.articles_known} already stored, "
        f"{summary.articles_failed} failed")
    for failure in summary.link_failures:
        out(f"  failed  {failure.outlet_id}: {failure.message}")
    out(f"requests: {summary.requests}")
    if summary.exit_code:
        click.echo("no feed could be fetched", err=True)
    sys.stdout.flush()


def summary_dict(summary: PassSummary) -> dict[str, Any]:
    return {
        "feeds": [
            {"outlet": f.outlet_id, "url": f.url, "outcome": f.outcome, "error": f.error,
             "warning": f.warning, "entries": f.entries, "new": f.new, "known": f.known,
             "failed": f.failed}
            for f in summary.feeds
        ],
        "articles": {"new": summary.articles_new, "known": summary.articles_known,
                     "failed": summary.articles_failed},
        "link_failures": [{"outlet": x.outlet_id, "url": x.url, "kind": x.kind,
                           "message": x.message} for x in summary.link_failures],
        "requests": summary.requests,
    }
