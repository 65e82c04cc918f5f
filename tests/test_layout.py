"""The code's layout holds: SQLAlchemy stays in pipeline/store, one sources.yaml, and a
wheel carries what an installed voci needs (the default sources, the migrations)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.sources import default_sources_path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"
STORE = PACKAGE / "store"


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, wherever the import is (functions, TYPE_CHECKING)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_only_the_store_imports_sqlalchemy() -> None:
    outside = [p for p in sorted(PACKAGE.rglob("*.py")) if STORE not in p.parents]
    assert len(outside) > 20  # the walk found the package
    offenders = {str(p.relative_to(ROOT)): sorted(m for m in imported_modules(p)
                                                  if m.split(".")[0] == "sqlalchemy")
                 for p in outside}
    assert {p: m for p, m in offenders.items() if m} == {}


def test_the_import_check_sees_every_form(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from sqlalchemy import Engine\n"
                      "def f():\n    import sqlalchemy.exc as e\n    from . import store\n")
    assert imported_modules(module) == {"typing", "sqlalchemy", "sqlalchemy.exc"}


def test_one_sources_yaml_and_the_code_finds_it() -> None:
    copies = sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("sources.yaml")
                    if not {".venv", ".ci-venv", ".git", "build", "dist"} & set(p.parts)
                    and "tests" not in p.relative_to(ROOT).parts)
    assert copies == ["sources.yaml"]
    assert default_sources_path().resolve() == ROOT / "sources.yaml"


def test_an_installed_wheel_finds_its_sources_and_migrations(tmp_path: Path) -> None:
    """Build the wheel, unpack it as an installation would, and run voci from there with
    no sources file given and no checkout in sight."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"),
                            str(ROOT)], capture_output=True, text=True, timeout=300)
    if built.returncode and "hatchling" in built.stderr:
        pytest.skip("hatchling is not installed (pip install -e '.[test]' brings it)")
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("voci-*.whl")
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(installed)
    assert "pipeline/sources.yaml" in names
    assert "pipeline/_db/migrations/env.py" in names
    assert (installed / "pipeline/sources.yaml").read_bytes() == (
        ROOT / "sources.yaml").read_bytes()
    shipped = {Path(n).name for n in names if n.startswith("pipeline/_db/migrations/versions/")}
    assert {p.name for p in (ROOT / "db/migrations/versions").glob("*.py")} <= shipped

    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCI_")}
    env["PYTHONPATH"] = str(installed)  # ahead of the checkout an editable install adds
    run = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(tmp_path / "v.db"),
                          "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "-> " in run.stdout, run.stdout + run.stderr
    check = subprocess.run([sys.executable, "-m", "pipeline", "sources", "check"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.rstrip().endswith("journalists: ok")
    assert f"{installed / 'pipeline' / 'sources.yaml'}: " in check.stdout
    assert "pipeline/_demo/gold.yaml" in names  # voci demo's sample travels with it
    demo = subprocess.run([sys.executable, "-m", "pipeline", "demo", "--limit", "3"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "articles stored" in demo.stdout and " 1. " in demo.stdout
