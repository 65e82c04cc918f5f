"""`voci demo`: the whole pipeline on the bundled sample, served on loopback only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.demo import sample_dir


def test_the_demo_shows_a_board_and_keeps_its_database_apart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db-file", str(db), "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert "articles stored" in result.output
    assert result.output.count("█") >= 10 and "  5. " in result.output
    with sqlite3.connect(db) as con:
        (rumours,) = con.execute("SELECT count(*) FROM rumours").fetchone()
        (urls,) = con.execute("SELECT count(*) FROM articles WHERE url NOT LIKE "
                              "'http://127.0.0.%'").fetchone()
    assert rumours >= 5
    assert urls == 0  # every page came from loopback
    assert not (tmp_path / "voci.db").exists()  # the user's default store is not touched
    again = CliRunner().invoke(cli, ["demo", "--db-file", str(db)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_the_sample_is_a_labelled_corpus() -> None:
    assert (sample_dir() / "gold.yaml").is_file()
    assert any((sample_dir() / "site").iterdir())


def test_the_demo_needs_no_network(tmp_path: Path) -> None:
    """In a network namespace of its own, with nothing but loopback up."""
    import shutil
    import subprocess
    import sys

    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if shutil.which("unshare") is None or shutil.which("ip") is None or probe.returncode:
        pytest.skip("cannot make a network namespace here (unshare -n): the offline demo "
                    "test was skipped")
    done = subprocess.run(
        ["unshare", "-n", "sh", "-c",
         f"ip link set lo up && exec {sys.executable} -m pipeline demo --limit 3"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "articles stored" in done.stdout and "  3. " in done.stdout
