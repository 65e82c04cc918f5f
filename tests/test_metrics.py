"""B-cubed on examples small enough to compute by hand."""

from __future__ import annotations

import pytest

from pipeline.metrics import BCubed, bcubed


def test_perfect_clustering_scores_one() -> None:
    gold = {1: "a", 2: "a", 3: "b"}
    assert bcubed({1: "x", 2: "x", 3: "y"}, gold) == BCubed(1.0, 1.0, 1.0)


def test_cluster_labels_do_not_matter_only_the_partition() -> None:
    gold = {1: "a", 2: "a", 3: "b"}
    assert bcubed({1: 7, 2: 7, 3: 9}, gold) == bcubed({1: "q", 2: "q", 3: "r"}, gold)


def test_everything_in_one_cluster() -> None:
    # gold {1,2} {3}; predicted {1,2,3}.
    # precision: items 1,2 -> 2/3 each, item 3 -> 1/3: (2/3 + 2/3 + 1/3) / 3 = 5/9
    # recall: every item's gold cluster lies inside its predicted one: 1
    score = bcubed({1: "x", 2: "x", 3: "x"}, {1: "a", 2: "a", 3: "b"})
    assert score.precision == pytest.approx(5 / 9)
    assert score.recall == 1.0
    assert score.f1 == pytest.approx(2 * (5 / 9) / (5 / 9 + 1))


def test_everything_apart() -> None:
    # gold {1,2,3,4}; predicted four singletons: precision 1, recall 1/4 for each item.
    score = bcubed({1: 1, 2: 2, 3: 3, 4: 4}, {1: "a", 2: "a", 3: "a", 4: "a"})
    assert score.precision == 1.0
    assert score.recall == pytest.approx(0.25)
    assert score.f1 == pytest.approx(0.4)


def test_mixed_example() -> None:
    # gold:      A = {1,2,3}, B = {4,5}
    # predicted: X = {1,2},   Y = {3,4,5}
    # precision: 1,2 -> 2/2; 3 -> 1/3; 4,5 -> 2/3    = (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = 11/15
    # recall:    1,2 -> 2/3; 3 -> 1/3; 4,5 -> 2/2    = (2/3 + 2/3 + 1/3 + 1 + 1) / 5 = 11/15
    gold = {1: "A", 2: "A", 3: "A", 4: "B", 5: "B"}
    predicted = {1: "X", 2: "X", 3: "Y", 4: "Y", 5: "Y"}
    score = bcubed(predicted, gold)
    assert score.precision == pytest.approx(11 / 15)
    assert score.recall == pytest.approx(11 / 15)
    assert score.f1 == pytest.approx(11 / 15)


def test_missing_prediction_is_a_singleton_and_extra_items_are_ignored() -> None:
    # Item 3 has no prediction: it is alone, so gold {1,2,3} vs predicted {1,2} {3}.
    # precision 1 for all; recall 2/3, 2/3, 1/3 -> 5/9. Item 99 is not in gold: ignored.
    score = bcubed({1: "x", 2: "x", 99: "x"}, {1: "a", 2: "a", 3: "a"})
    assert score.precision == 1.0
    assert score.recall == pytest.approx(5 / 9)


def test_missing_predictions_do_not_cluster_together() -> None:
    # Two unpredicted items are two singletons, not one shared "missing" cluster.
    score = bcubed({}, {1: "a", 2: "b"})
    assert score == BCubed(1.0, 1.0, 1.0)


def test_empty_gold_is_an_error() -> None:
    with pytest.raises(ValueError):
        bcubed({1: "x"}, {})
