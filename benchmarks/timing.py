"""The percentile every benchmark reports its latencies with: the nearest rank, so a p99 is a
time one of the samples actually took."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float, *, empty: float = float("nan")) -> float:
    """The `q` quantile (0..1) of `values` by nearest rank; `empty` when there are none."""
    if not values:
        return empty
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
