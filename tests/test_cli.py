"""The `voci` command as users run it: exit codes, messages, nothing written on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.corpus import CorpusServer
from tests.conftest import CORPORA

GOOD = ("outlets:\n  - id: uno\n    name: Uno\n    reliability: 0.5\n"
        "    feeds: [https://feed.voci-test.invalid/rss]\n")


def voci(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("broken,where,problem", [
    (GOOD + GOOD.split("outlets:\n")[1], ":6:", "duplicate id 'uno'"),
    (GOOD.replace("0.5", "1.5"), ":4:", "reliability 1.5 is outside (0, 1)"),
])
def test_bad_sources_exit_2_with_file_line_problem_and_write_nothing(
        tmp_path: Path, broken: str, where: str, problem: str) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(broken)
    db = tmp_path / "voci.db"
    code, output = voci("--sources", str(sources), "--db", str(db), "backfill")
    assert code == 2
    assert f"{sources}{where}" in output and problem in output
    assert "Traceback" not in output
    assert not db.exists()


def test_environment_variables_stand_for_options(tmp_path: Path) -> None:
    sources = tmp_path / "s.yaml"
    sources.write_text(GOOD.replace("0.5", "7"))
    code, output = voci("sources", "check", env={"VOCI_SOURCES": str(sources)})
    assert code == 2 and "reliability 7 is outside" in output


def test_backfill_over_the_corpus_then_again(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'voci.db'}"
    with CorpusServer(CORPORA / "dev-a") as corpus:
        sources = tmp_path / "corpus.yaml"
        sources.write_text(corpus.sources_yaml())
        base = ["--sources", str(sources), "--db", db, "backfill", "--host-delay", "0"]
        code, output = voci(*base)
        assert code == 0, output
        assert "feeds: 8 ok, 0 not modified, 0 failed" in output
        assert "articles: 45 new" in output
        code, output = voci(*base, "--json")
        summary = json.loads(output)
        assert code == 0
        assert {f["outcome"] for f in summary["feeds"]} == {"not_modified"}
        assert summary["articles"] == {"new": 0, "known": 0, "failed": 0}


def test_no_reachable_feed_exits_1_with_a_reason_per_feed(tmp_path: Path) -> None:
    sources = tmp_path / "s.yaml"
    sources.write_text(GOOD + GOOD.split("outlets:\n")[1].replace("uno", "due").replace(
        "Uno", "Due").replace("feed.", "altro."))
    code, output = voci("--sources", str(sources), "--db", str(tmp_path / "v.db"), "backfill")
    assert code == 1
    assert "feeds: 0 ok, 0 not modified, 2 failed" in output
    assert "failed  uno:" in output and "failed  due:" in output
    assert "Traceback" not in output


def test_unreachable_postgresql_is_a_configuration_error(tmp_path: Path) -> None:
    sources = tmp_path / "s.yaml"
    sources.write_text(GOOD)
    code, output = voci("--sources", str(sources), "--db",
                        "postgresql+psycopg://nobody@127.0.0.1:1/none", "backfill")
    assert code == 2 and "cannot open the database" in output


def test_db_upgrade_on_a_fresh_database(tmp_path: Path) -> None:
    code, output = voci("--db", str(tmp_path / "new.db"), "db", "upgrade")
    assert code == 0 and "schema: empty -> " in output


@pytest.mark.parametrize("command", [[], ["backfill"], ["db", "upgrade"], ["sources", "check"],
                                     ["claims"], ["eval"], ["score"], ["top"], ["calibrate"]])
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    code, output = voci(*command, "--help")
    assert code == 0 and "Example" in output


def test_the_installed_console_script_runs(tmp_path: Path) -> None:
    sources = tmp_path / "s.yaml"
    sources.write_text(GOOD)
    done = subprocess.run([sys.executable, "-m", "pipeline", "--sources", str(sources),
                           "sources", "check"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "1 outlets, 1 feeds, 0 journalists: ok" in done.stdout


def test_backfill_scores_then_top_score_and_calibrate(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'voci.db'}"
    with CorpusServer(CORPORA / "dev-a") as corpus:
        sources = tmp_path / "corpus.yaml"
        sources.write_text(corpus.sources_yaml())
        base = ["--sources", str(sources), "--db", db]
        code, output = voci(*base, "backfill", "--host-delay", "0",
                            "--as-of", "2026-11-25T08:00:00")
        assert code == 0, output
    code, output = voci(*base, "top", "--limit", "3")
    assert code == 0 and output.count("█") >= 10 and "officially announced" in output
    code, output = voci(*base, "top", "--json", "--club", "juventus")
    rows = json.loads(output)
    assert rows and all("juventus" in (r["to_club"], r["from_club"]) for r in rows)
    assert {"rumour_id", "probability", "n_independent", "reason"} <= rows[0].keys()
    code, output = voci(*base, "score", "--since", "2026-11-10", "--as-of",
                        "2026-11-25T08:00:00")
    assert code == 0 and "rumours scored" in output
    plot = tmp_path / "calibration.png"
    code, output = voci(*base, "calibrate", "--plot", str(plot))
    assert code == 0 and "brier:" in output and "posterior" in output
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_prints_one_figure_a_line() -> None:
    code, output = voci("eval", str(CORPORA / "dev-b"))
    assert code == 0, output
    names = [line.split()[0] for line in output.splitlines()]
    assert {"claim_precision", "claim_recall", "bcubed_f1", "auc", "brier",
            "n_independent_mae", "official_min_probability"} <= set(names)


def test_history_options_need_since_and_report_what_they_found(tmp_path: Path) -> None:
    code, output = voci("--db", str(tmp_path / "v.db"), "backfill", "--until", "2026-11-01")
    assert code == 2 and "--since" in output
    db = f"sqlite:///{tmp_path / 'voci.db'}"
    with CorpusServer(CORPORA / "dev-b") as corpus:
        sources = tmp_path / "corpus.yaml"
        sources.write_text(corpus.sources_yaml())
        code, output = voci("--sources", str(sources), "--db", db, "backfill",
                            "--host-delay", "0", "--since", "2026-11-01", "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["articles"]["new"] == 43
    # The corpus publishes no sitemaps: each outlet says so, and the run still worked.
    assert report["history"]["sitemaps"]["read"] == 0
    assert {p["kind"] for p in report["history"]["sitemaps"]["problems"]} == {"none_found"}
