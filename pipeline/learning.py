"""Pure: what resolved rumours teach about each source, and how good past predictions were.

Reliability, "the share of a source's rumours that come true", is a Beta-distributed
quantity. sources.yaml gives each outlet and journalist a prior mean r, read as r·k
pseudo-successes and (1−r)·k pseudo-failures (k = PRIOR_STRENGTH, "worth k rumours").
Every resolved rumour an origin supported adds a success (confirmed) or a failure
(collapsed or expired): the posterior mean is what scoring uses next. Order of arrival
cannot matter: the posterior is a sum over the set of resolved rumours.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

# The prior counts as this many resolved rumours: strong enough that two or three
# outcomes do not swing a source from 0.6 to 0.2, weak enough that a season's worth
# (dozens of rumours) outweighs it.
PRIOR_STRENGTH = 10.0


@dataclass(frozen=True)
class Outcome:
    """A resolved rumour and the origins that had supported it."""

    rumour_id: str
    origins: frozenset[str]
    happened: bool  # confirmed; False for collapsed or expired


@dataclass(frozen=True)
class Posterior:
    source: str
    prior: float
    successes: int
    failures: int
    strength: float = PRIOR_STRENGTH

    @property
    def mean(self) -> float:
        alpha = self.prior * self.strength + self.successes
        beta = (1 - self.prior) * self.strength + self.failures
        return alpha / (alpha + beta)


def posteriors(priors: Mapping[str, float], outcomes: Iterable[Outcome], *,
               strength: float = PRIOR_STRENGTH,
               default_prior: float | None = None) -> dict[str, Posterior]:
    """Every source's posterior. Origins without a prior get `default_prior`, or are
    left out when it is None (names voci cannot tie to a known source)."""
    successes: dict[str, int] = {}
    failures: dict[str, int] = {}
    for outcome in outcomes:
        tally = successes if outcome.happened else failures
        for origin in outcome.origins:
            tally[origin] = tally.get(origin, 0) + 1
    out = {s: Posterior(s, p, successes.get(s, 0), failures.get(s, 0), strength)
           for s, p in priors.items()}
    if default_prior is not None:
        for s in (successes.keys() | failures.keys()) - out.keys():
            out[s] = Posterior(s, default_prior, successes.get(s, 0), failures.get(s, 0),
                               strength)
    return out


# ---------------------------------------------------------------- calibration

@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    mean_predicted: float
    observed: float  # share that happened
    groups: int = 0  # independent units among them (distinct rumours); `count` if not given

    def interval(self) -> tuple[float, float]:
        """The observed share's 95 % Wilson interval, over the independent units: a
        rumour scored on thirty days is one outcome, not thirty."""
        n = self.groups or self.count
        return wilson(self.observed * n, n)


def brier(pairs: Sequence[tuple[float, bool]]) -> float:
    return sum((p - float(y)) ** 2 for p, y in pairs) / len(pairs) if pairs else math.nan


def log_loss(pairs: Sequence[tuple[float, bool]], eps: float = 1e-6) -> float:
    if not pairs:
        return math.nan
    total = 0.0
    for p, y in pairs:
        p = min(max(p, eps), 1 - eps)
        total -= math.log(p if y else 1 - p)
    return total / len(pairs)


def auc(pairs: Sequence[tuple[float, bool]]) -> float:
    """Probability that a random move that happened outscores one that did not (ties ½),
    by ranks: O(n log n), so a backtest's many predictions are no burden."""
    n_pos = sum(1 for _, y in pairs if y)
    n_neg = len(pairs) - n_pos
    if not n_pos or not n_neg:
        return math.nan
    ordered = sorted(pairs, key=lambda py: py[0])
    rank_sum = 0.0
    i = 0
    while i < len(ordered):  # tied scores share their average rank
        j = i
        while j < len(ordered) and ordered[j][0] == ordered[i][0]:
            j += 1
        rank_sum += (i + 1 + j) / 2 * sum(1 for _, y in ordered[i:j] if y)
        i = j
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def wilson(k: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share of k in n (0..1 when n is 0); k may be
    fractional (a share observed over correlated predictions, n independent units)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def reliability_bins(pairs: Sequence[tuple[float, bool]], n_bins: int = 10,
                     groups: Sequence[Hashable] | None = None) -> list[Bin]:
    """Predicted probability against observed frequency, in equal-width bins; `groups`
    (one a pair: the rumour it is about) counts each bin's independent units."""
    bins = []
    for i in range(n_bins):
        low, high = i / n_bins, (i + 1) / n_bins
        inside = [k for k, (p, _) in enumerate(pairs)
                  if low <= p < high or (i == n_bins - 1 and p == 1.0)]
        if inside:
            n = len(inside)
            bins.append(Bin(low, high, n, sum(pairs[k][0] for k in inside) / n,
                            sum(1 for k in inside if pairs[k][1]) / n,
                            len({groups[k] for k in inside}) if groups is not None else n))
    return bins
