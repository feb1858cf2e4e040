"""Ways of fitting the answer confidence, compared on the left-out sets without asking again.

Reads what `qa_quality.py --dump FILE` saved: for each left-out set, its questions and those of
the sets its leave-one-set-out fit learns from, all asked on that fit's ranking. Every variant
below is fitted on the fit sets only and reported on the set left out, as qa_quality.py's LOSO
column is (so `plain` reproduces that column). Issue 12 tried these; none is shipped.

- plain: the shipped way (logistic, L2 0.1, threshold in the middle of the widest best
  interval of the fit sets' own scores);
- l2=N: the same with a stronger ridge;
- nested: the threshold chosen on out-of-fold scores (each fit set scored by a fit on the
  others), the coefficients on all the fit sets;
- balanced: each fit set's answerable and unanswerable questions weigh alike;
- skip-wrong: without the answerable questions whose first source is wrong;
- two-stage: P(first source right | answerable) × P(answerable), the second balanced.

Also, per left-out set and with the plain fit: how well the confidence orders right-first
answerable questions above unanswerable ones (AUC), and the best objective any threshold could
reach on the left-out set itself (an oracle, to tell a threshold problem from an evidence one).

    python benchmarks/qa_quality.py --dump /tmp/loso.pkl
    python benchmarks/qa_calibration.py /tmp/loso.pkl
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.qa_quality import (  # noqa: E402
    L2,
    Outcome,
    balance,
    best_threshold,
    fit_logistic,
)
from bot.knowledge.ranking import Evidence  # noqa: E402

TARGETS = ("check", "train-a", "train-b")
Scorer = Callable[[Outcome], float]


def logistic(w: Sequence[float], o: Outcome) -> float:
    if o.evidence is None:
        return 0.0
    z = w[0] + sum(a * b for a, b in zip(w[1:], o.evidence.vector(), strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def threshold(pairs: Sequence[tuple[Outcome, float]]) -> float:
    """qa_quality.calibrate's rule on (outcome, score) pairs (best_threshold): where top-1
    plus abstention, averaged over a window of thresholds, is best."""
    answerable = [(o, s) for o, s in pairs if o.answerable]
    unanswerable = [(o, s) for o, s in pairs if not o.answerable]

    def objective(t: float) -> float:
        hits = sum(s >= t and o.ranked_right for o, s in answerable)
        kept = sum(s < t for _, s in unanswerable)
        return hits / max(len(answerable), 1) + kept / max(len(unanswerable), 1)

    return best_threshold([s for _, s in pairs], objective)[2]


def plain(fit: dict[str, list[Outcome]], *, l2: float = L2, **how: bool) -> Scorer:
    outcomes = [o for x in fit.values() for o in x]
    sets = [x for x, os in fit.items() for _ in os]
    weights = balance(outcomes, sets) if how.get("balanced") else None
    w = fit_logistic(
        outcomes, l2=l2, weights=weights, skip_wrong_first=how.get("skip_wrong_first", False)
    )
    return lambda o: logistic(w, o)


def ridge(l2: float) -> Callable[[dict[str, list[Outcome]]], Scorer]:
    return lambda fit: plain(fit, l2=l2)


def two_stage(fit: dict[str, list[Outcome]]) -> Scorer:
    outcomes = [o for x in fit.values() for o in x]
    sets = [x for x, os in fit.items() for _ in os]
    answerable = [o for o in outcomes if o.answerable]
    right = fit_logistic(answerable)  # label: the first source is right
    # label "answerable": every answerable outcome counts as right for this fit
    as_right = [
        Outcome(
            o.qid, o.text, o.expect, o.passage, o.expect[0] if o.expect else o.best, "", o.evidence
        )
        for o in outcomes
    ]
    answerable_w = fit_logistic(as_right, weights=balance(outcomes, sets))
    return lambda o: logistic(right, o) * logistic(answerable_w, o)


def evaluate(
    dumped: dict[str, dict[str, object]],
    make: Callable[[dict[str, list[Outcome]]], Scorer],
    *,
    nested: bool = False,
) -> tuple[dict[str, tuple[float, float, int]], tuple[float, float]]:
    """Per left-out set (top-1, abstain, wrong answers) and pooled (top-1, abstain)."""
    per: dict[str, tuple[float, float, int]] = {}
    pooled: list[tuple[Outcome, bool]] = []
    for name in TARGETS:
        info = dumped[name]
        fit: dict[str, list[Outcome]] = info["fit"]  # type: ignore[assignment]
        left: list[Outcome] = info["left_out"]  # type: ignore[assignment]
        scorer = make(fit)
        if nested:
            pairs = []
            for inner in fit:
                inner_scorer = make({x: os for x, os in fit.items() if x != inner})
                pairs += [(o, inner_scorer(o)) for o in fit[inner]]
        else:
            pairs = [(o, scorer(o)) for x in fit.values() for o in x]
        t = threshold(pairs)
        got = [(o, o.best is not None and scorer(o) >= t) for o in left]
        per[name] = _rates(got)
        pooled += got
    top1, abstain, _ = _rates(pooled)
    return per, (top1, abstain)


def _rates(got: Sequence[tuple[Outcome, bool]]) -> tuple[float, float, int]:
    answerable = [(o, g) for o, g in got if o.answerable]
    unanswerable = [(o, g) for o, g in got if not o.answerable]
    top1 = sum(g and o.ranked_right for o, g in answerable) / max(len(answerable), 1)
    abstain = sum(not g for _, g in unanswerable) / max(len(unanswerable), 1)
    wrong = sum(g and not o.ranked_right for o, g in answerable)
    return round(top1, 4), round(abstain, 4), wrong


def auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    pairs = [(p > n) + 0.5 * (p == n) for p in positive for n in negative]
    return round(sum(pairs) / max(len(pairs), 1), 3)


class _Unpickler(pickle.Unpickler):
    """Only what qa_quality.py --dump writes: its outcomes (pickled from `__main__` when it
    runs as a script) and their evidence, nothing else."""

    def find_class(self, module: str, name: str) -> type:
        if name == "Outcome" and module in ("__main__", "benchmarks.qa_quality"):
            return Outcome
        if (module, name) == ("bot.knowledge.ranking", "Evidence"):
            return Evidence
        raise pickle.UnpicklingError(f"not in a qa_quality dump: {module}.{name}")


def load(path: Path) -> dict[str, dict[str, object]]:
    with path.open("rb") as f:
        loaded: dict[str, dict[str, object]] = _Unpickler(f).load()
    return loaded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path, help="the file qa_quality.py --dump wrote")
    args = parser.parse_args(argv)
    dumped = load(args.dump)

    variants: list[tuple[str, Callable[[dict[str, list[Outcome]]], Scorer], bool]] = [
        ("plain", plain, False),
        *((f"l2={l2}", ridge(l2), False) for l2 in (1.0, 3.0, 10.0)),
        ("nested", plain, True),
        ("balanced", lambda fit: plain(fit, balanced=True), False),
        ("skip-wrong", lambda fit: plain(fit, skip_wrong_first=True), False),
        (
            "balanced+skip-wrong",
            lambda fit: plain(fit, balanced=True, skip_wrong_first=True),
            False,
        ),
        ("two-stage", two_stage, False),
    ]
    print(f"{'variant':<20} " + " ".join(f"{n + ' top1/abst/wrong':>28}" for n in TARGETS))
    for label, make, nested in variants:
        per, pooled = evaluate(dumped, make, nested=nested)
        cells = " ".join(f"{f'{t:.3f} / {a:.3f} / {w}':>28}" for t, a, w in per.values())
        print(f"{label:<20} {cells}   pooled {pooled[0]:.4f} / {pooled[1]:.4f}")

    print("\nplain fit, left out: AUC right-first vs unanswerable, oracle threshold objective")
    for name in TARGETS:
        fit: dict[str, list[Outcome]] = dumped[name]["fit"]  # type: ignore[assignment]
        left: list[Outcome] = dumped[name]["left_out"]  # type: ignore[assignment]
        scorer = plain(fit)
        right = [scorer(o) for o in left if o.answerable and o.ranked_right]
        unanswerable = [scorer(o) for o in left if not o.answerable]
        n_answerable = sum(o.answerable for o in left)
        oracle = max(
            sum(s >= t for s in right) / n_answerable
            + sum(s < t for s in unanswerable) / len(unanswerable)
            for t in (i / 200 for i in range(201))
        )
        print(f"  {name:<8} AUC {auc(right, unanswerable)}  oracle objective {oracle:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
