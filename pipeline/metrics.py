"""Clustering quality: B-cubed precision, recall and F1. Pure.

B-cubed (Bagga and Baldwin, 1998) scores every item: its precision is the share of its
predicted cluster that shares its gold cluster, its recall the share of its gold cluster
that shares its predicted cluster; the figures are the means over items. Unlike pairwise
scores it does not let one huge cluster dominate, which suits rumours (a few big moves,
many small ones).

The items are those of `gold`. An item missing from `predicted` (a claim that joined no
rumour) counts as a cluster of its own; items only in `predicted` are ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float


def bcubed(predicted: Mapping[Item, Hashable], gold: Mapping[Item, Hashable]) -> BCubed:
    """B-cubed scores of `predicted` (item -> cluster) against `gold` (item -> cluster)."""
    if not gold:
        raise ValueError("B-cubed needs at least one gold item")
    # A missing prediction is a singleton: a cluster label no other item can have.
    pred = {item: ("predicted", predicted[item]) if item in predicted else ("alone", item)
            for item in gold}
    both = Counter((pred[item], gold[item]) for item in gold)
    pred_sizes = Counter(pred.values())
    gold_sizes = Counter(gold.values())
    n = len(gold)
    precision = sum(both[(pred[i], gold[i])] / pred_sizes[pred[i]] for i in gold) / n
    recall = sum(both[(pred[i], gold[i])] / gold_sizes[gold[i]] for i in gold) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1)
