"""The one percentile the benchmarks report latencies with (benchmarks/timing.py)."""

import math

from benchmarks.timing import percentile


def test_nearest_rank_is_a_time_one_sample_took() -> None:
    samples = [float(n) for n in range(101, 0, -1)]  # 101 … 1, unsorted on purpose
    assert percentile(samples, 0.5) == 51.0  # the median
    assert percentile(samples, 0.99) == 100.0
    assert percentile(samples, 1.0) == 101.0
    assert percentile([0.5, 0.25], 0.5) == 0.25  # a rank, never a mean of two
    assert percentile([3.0], 0.99) == 3.0


def test_no_samples_give_the_callers_empty_value() -> None:
    assert math.isnan(percentile([], 0.99))
    assert percentile([], 0.99, empty=0.0) == 0.0
