"""How the CLI shows a pass: a progress display on a terminal, and the summary."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from pipeline.history import HistorySummary
from pipeline.ingest import Progress as PassProgressBase
from pipeline.learning import Posterior, brier, log_loss, reliability_bins
from pipeline.run import PassSummary


class _TerminalBars:
    """Progress bars on stderr while it is a terminal; silent otherwise (cron, pipes)."""

    def __init__(self, *columns: ProgressColumn) -> None:
        self.console = Console(stderr=True)
        self.live = self.console.is_terminal
        self.bar = Progress(*columns, console=self.console, transient=True)

    def __enter__(self) -> Self:
        if self.live:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.bar.stop()


class PassProgress(_TerminalBars, PassProgressBase):
    """One bar a stage (feeds, pages, sitemaps, warc bytes) with its rate and time left."""

    def __init__(self) -> None:
        super().__init__(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
                         TaskProgressColumn(), _RateColumn(), TimeRemainingColumn())
        self.tasks: dict[str, TaskID] = {}

    def started(self, stage: str, total: int | None) -> None:
        self.tasks[stage] = self.bar.add_task(stage, total=total)

    def added(self, stage: str, count: int) -> None:
        if stage not in self.tasks:
            self.started(stage, 0)
        task = self.bar.tasks[self.tasks[stage]]
        self.bar.update(self.tasks[stage], total=(task.total or 0) + count)

    def advanced(self, stage: str, amount: int = 1) -> None:
        if stage in self.tasks:
            self.bar.advance(self.tasks[stage], amount)


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


# ---------------------------------------------------------------- calibration

def print_calibration(learned: Mapping[str, Posterior],
                      pairs: Sequence[tuple[float, bool]]) -> None:
    click.echo(f"{'source':28} {'prior':>6} {'posterior':>9} {'true':>5} {'false':>5}")
    for source, post in sorted(learned.items(), key=lambda kv: (-kv[1].mean, kv[0])):
        click.echo(f"{source:28} {post.prior:6.2f} {post.mean:9.3f} "
                   f"{post.successes:5d} {post.failures:5d}")
    if not pairs:
        click.echo("no resolved rumour was scored before it resolved: "
                   "no Brier score or log loss yet")
        return
    click.echo(f"predictions: {len(pairs)} on resolved rumours")
    click.echo(f"brier: {brier(pairs):.4f}")
    click.echo(f"log_loss: {log_loss(pairs):.4f}")


def write_reliability_diagram(pairs: Sequence[tuple[float, bool]], path: Path,
                              title: str = "", groups: Sequence[str] | None = None) -> None:
    """Predicted probability against the share that happened, per bin, with each bin's
    95 % Wilson interval, and below it a histogram of how many predictions each bin
    holds (a point of three predictions is not one of three hundred). The intervals count
    the distinct `groups` (rumours) in a bin, when given. Needs matplotlib
    (voci[plot]): ModuleNotFoundError without it."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no screen
    import matplotlib.pyplot as plt

    bins = reliability_bins(pairs, groups=groups)
    fig, (ax, hist) = plt.subplots(2, 1, figsize=(6.4, 7.2), dpi=100, sharex=True,
                                   gridspec_kw={"height_ratios": [3, 1], "hspace": 0.08})
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1,
            label="perfect calibration")
    xs = [b.mean_predicted for b in bins]
    ys = [b.observed for b in bins]
    bands = [b.interval() for b in bins]
    ax.errorbar(xs, ys, yerr=[[y - lo for y, (lo, _) in zip(ys, bands, strict=True)],
                              [hi - y for y, (_, hi) in zip(ys, bands, strict=True)]],
                fmt="o", color="tab:blue", ecolor="tab:blue", elinewidth=1, capsize=3,
                markersize=6,
                label="voci (95 % interval)")
    ax.set(xlim=(0, 1), ylim=(-0.02, 1.02), ylabel="share that happened")
    ax.set_title(title or f"Reliability diagram: {len(pairs)} predictions", fontsize=11)
    ax.legend(loc="upper left", fontsize=9)
    ax.grid(alpha=0.3)
    width = 1 / 10
    hist.bar([b.low + width / 2 for b in bins], [b.count for b in bins], width=width * 0.9,
             color="tab:blue", alpha=0.6)
    for b in bins:
        hist.annotate(str(b.count), (b.low + width / 2, b.count), ha="center",
                      va="bottom", fontsize=8)
    hist.set(xlim=(0, 1), xlabel="predicted probability", ylabel="predictions")
    hist.set_ylim(0, max(b.count for b in bins) * 1.25 if bins else 1)
    hist.set_xticks([i / 10 for i in range(11)])
    hist.grid(alpha=0.3, axis="y")
    fig.subplots_adjust(left=0.12, right=0.97, top=0.94, bottom=0.08)
    fig.savefig(path)
    plt.close(fig)


# ---------------------------------------------------------------- history

class _RateColumn(ProgressColumn):
    """Items (or bytes, for archives) a second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f}/s" if speed else "  ?/s", style="progress.data.speed")


def print_history(h: HistorySummary) -> None:
    out = click.echo
    out(f"sitemaps: {h.sitemaps_read} read, {h.sitemaps_failed} failed")
    for p in h.sitemap_problems:
        out(f"  failed  {p.outlet_id}: {p.message}")
    out(f"history pages: {h.pages_new} new, {h.pages_known} already stored, "
        f"{h.pages_out_of_range + h.listed_out_of_range} outside the dates, "
        f"{h.pages_failed} failed")
    for f in h.page_failures[:20]:
        out(f"  failed  {f.outlet_id}: {f.message}")
    if len(h.page_failures) > 20:
        out(f"  … and {len(h.page_failures) - 20} more (see the link_failures table)")
    for w in h.warcs:
        error = f"; stopped: {w.error}" if w.error else ""
        out(f"warc {w.path}: {w.records} records, {w.kept} kept, {w.skipped_total} skipped{error}")


def history_dict(h: HistorySummary) -> dict[str, Any]:
    return {
        "sitemaps": {"read": h.sitemaps_read, "failed": h.sitemaps_failed,
                     "problems": [p.__dict__ for p in h.sitemap_problems]},
        "pages": {"new": h.pages_new, "known": h.pages_known,
                  "out_of_range": h.pages_out_of_range + h.listed_out_of_range,
                  "failed": h.pages_failed},
        "page_failures": [{"outlet_id": f.outlet_id, "url": f.url, "kind": f.kind,
                           "message": f.message} for f in h.page_failures],
        "warcs": [{"path": w.path, "records": w.records, "kept": w.kept,
                   "skipped": w.skipped, "error": w.error} for w in h.warcs],
        "requests": h.requests,
    }
