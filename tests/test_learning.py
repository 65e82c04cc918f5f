from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.learning import (
    Outcome,
    auc,
    brier,
    log_loss,
    posteriors,
    reliability_bins,
)


def test_the_prior_is_worth_its_strength_and_outcomes_move_it() -> None:
    post = posteriors({"a": 0.6}, [Outcome("r1", frozenset({"a"}), True),
                                   Outcome("r2", frozenset({"a"}), False),
                                   Outcome("r3", frozenset({"a"}), False)], strength=10)
    assert post["a"].mean == pytest.approx((6 + 1) / (10 + 3))
    assert (post["a"].successes, post["a"].failures) == (1, 2)
    assert posteriors({"a": 0.6}, [])["a"].mean == pytest.approx(0.6)


def test_unknown_origins_need_a_default_prior() -> None:
    outcomes = [Outcome("r", frozenset({"name:marca"}), True)]
    assert "name:marca" not in posteriors({}, outcomes)
    assert posteriors({}, outcomes, default_prior=0.3)["name:marca"].successes == 1


@given(st.lists(st.tuples(st.sampled_from("abc"), st.booleans()), max_size=30), st.randoms())
def test_posteriors_do_not_depend_on_the_order_of_outcomes(events, rnd) -> None:  # type: ignore[no-untyped-def]
    outcomes = [Outcome(f"r{i}", frozenset({s}), y) for i, (s, y) in enumerate(events)]
    shuffled = list(outcomes)
    rnd.shuffle(shuffled)
    priors = {"a": 0.3, "b": 0.5, "c": 0.7}
    assert posteriors(priors, outcomes) == posteriors(priors, shuffled)


def test_scores_of_predictions() -> None:
    pairs = [(0.9, True), (0.8, True), (0.3, False), (0.6, False)]
    assert auc(pairs) == 1.0
    assert auc([(0.5, True), (0.5, False)]) == 0.5
    assert brier(pairs) == pytest.approx((0.01 + 0.04 + 0.09 + 0.36) / 4)
    assert log_loss([(1.0, True)]) < 1e-5
    assert math.isnan(auc([(0.4, True)]))
    bins = reliability_bins(pairs, n_bins=2)
    assert [(b.count, b.observed) for b in bins] == [(1, 0.0), (3, 2 / 3)]
