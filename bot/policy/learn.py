"""Learn a policy's rule weights and threshold from labelled messages or review decisions.

The model is the policy itself: a message's score is the sum of the weights of the rules that
fire on it, and it is flagged when the score reaches the threshold. Learning fits those weights
with an L2-regularised logistic regression over the rules' firings (one 0/1 feature per rule),
by Newton's method: deterministic, a few milliseconds, and every weight still belongs to one
readable rule. The regularisation pulls each weight towards a prior (zero, or the policy's
current weight on the fitted scale), so a rule the examples never show keeps its prior and a
rule they show rarely moves little. The threshold comes from the same training examples (where
the fitted probability reaches PROBABILITY), and weights are rescaled so the threshold reads
1.0 again.

Pure: no database, no Discord. `PolicyService.learn` and `benchmarks/policy_quality.py` (the
leave-one-set-out figures) both call `fit`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot import texts
from bot.policy.matcher import CompiledPolicy, Verdict, compile_policy, evaluate
from bot.policy.model import PolicySpec

# The penalty on (weight − prior)², chosen by the leave-one-set-out figures: small when the
# prior is 0 (the default policy, fitted on the labelled sets), larger when it is the guild's
# current weights (a guild's decisions are few: they move the weights only as far as they show).
L2 = 0.2
L2_FROM_CURRENT = 1.0
MIN_DECISIONS = 10  # fewer confirmed + dismissed cases than this teach nothing reliable
# The threshold: where the fitted probability of a free-work request reaches PROBABILITY (a
# little over even odds: the leave-one-set-out figures keep F1 and gain precision). Or, with
# probability None, the best training F1 among cuts at least MIN_PRECISION precise.
PROBABILITY = 0.55
MIN_PRECISION = 0.93
MIN_CUT = 1e-3  # a message with no evidence (score 0) is never flagged
ITERATIONS = 60
WEIGHT_DECIMALS = 2
MIN_WEIGHT = 0.01  # a rule's weight may not be 0 (the policy refuses it): the smallest kept


@dataclass(frozen=True)
class Example:
    """A labelled message: `flag` True when it is a free-work request (or a confirmed case)."""

    text: str
    flag: bool


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @classmethod
    def of(cls, predicted: Iterable[bool], gold: Iterable[bool]) -> Scores:
        tp = fp = fn = tn = 0
        for flagged, flag in zip(predicted, gold, strict=True):
            tp += flagged and flag
            fp += flagged and not flag
            fn += flag and not flagged
            tn += not flagged and not flag
        return cls(tp, fp, fn, tn)


@dataclass(frozen=True)
class Fit:
    """Learned weights (per rule name, threshold 1.0) and how they were chosen."""

    weights: Mapping[str, float]
    threshold: float
    training: Scores  # on the examples it was fitted on (not an estimate of anything else)
    l2: float
    probability: float | None
    min_precision: float

    def score(self, fired: Iterable[str]) -> float:
        return sum(self.weights.get(name, 0.0) for name in fired)

    def flags(self, fired: Iterable[str]) -> bool:
        return self.score(fired) >= self.threshold - 1e-9


def firings(compiled: CompiledPolicy, texts: Iterable[str]) -> list[frozenset[str]]:
    """The names of the rules that fire on each text (whatever their weights)."""
    return [frozenset(hit.rule for hit in evaluate(compiled, text).hits) for text in texts]


def fit(
    rule_names: Sequence[str],
    fired: Sequence[frozenset[str]],
    labels: Sequence[bool],
    *,
    prior: Mapping[str, float] | None = None,
    l2: float = L2,
    probability: float | None = PROBABILITY,
    min_precision: float = MIN_PRECISION,
) -> Fit:
    """Fit weights for `rule_names` on the examples (`fired[i]`, `labels[i]`).

    `prior`: the weights to regularise towards (the current policy, threshold 1.0); None pulls
    every weight towards 0. Raises ValueError without both a flagged and a clean example.
    """
    if len(fired) != len(labels):
        raise ValueError("one label per example")
    if not any(labels) or all(labels):
        raise ValueError("learning needs at least one example of each label")
    index = {name: i for i, name in enumerate(rule_names)}
    rows = [tuple(sorted(index[n] for n in f if n in index)) for f in fired]
    groups = _group(rows, labels)
    d = len(rule_names)
    centre = [0.0] * d
    bias = _logit(sum(labels) / len(labels))
    if prior is not None:
        w0 = [prior.get(name, 0.0) for name in rule_names]
        scale, bias = _calibrate(groups, w0)
        centre = [scale * w for w in w0]
    weights, bias = _newton(groups, d, centre, bias, l2)
    scores = [sum(weights[i] for i in row) for row in rows]
    if probability is not None:  # flagged when the fitted probability reaches it
        cut = max(_logit(probability) - bias, MIN_CUT)
    else:
        cut = _choose_cut(scores, labels, min_precision)
    named = {name: _rounded(weights[i] / cut) for name, i in index.items()}
    final = Fit(named, 1.0, Scores(0, 0, 0, 0), l2, probability, min_precision)
    training = Scores.of((final.flags(f) for f in fired), labels)
    return replace(final, training=training)


def apply(spec: PolicySpec, learned: Fit) -> PolicySpec:
    """`spec` with the learned weights and threshold (rules and words unchanged)."""
    rules = tuple(
        replace(rule, weight=learned.weights.get(rule.name, rule.weight)) for rule in spec.rules
    )
    return replace(spec, rules=rules, threshold=learned.threshold)


@dataclass(frozen=True)
class Comparison:
    """What changes on the examples between two policies (the backtest of a fit)."""

    before: Scores
    after: Scores
    newly_flagged: tuple[int, ...]  # indices into the examples
    newly_cleared: tuple[int, ...]


def compare(before: PolicySpec, after: PolicySpec, examples: Sequence[Example]) -> Comparison:
    """Both policies over the examples: precision and recall, and which verdicts change."""
    old = [v.flagged for v in _verdicts(before, examples)]
    new = [v.flagged for v in _verdicts(after, examples)]
    gold = [e.flag for e in examples]
    pairs = list(enumerate(zip(old, new, strict=True)))
    return Comparison(
        before=Scores.of(old, gold),
        after=Scores.of(new, gold),
        newly_flagged=tuple(i for i, (was, now) in pairs if now and not was),
        newly_cleared=tuple(i for i, (was, now) in pairs if was and not now),
    )


def learn_policy(
    spec: PolicySpec,
    examples: Sequence[Example],
    *,
    from_current: bool = True,
    l2: float | None = None,
    min_precision: float = MIN_PRECISION,
) -> tuple[PolicySpec, Fit]:
    """The policy with weights and threshold learned on `examples` (ValueError if it can't).

    `from_current`: regularise towards the policy's current weights (a guild's decisions);
    False: towards 0 (the default policy on the labelled sets, as the LOSO figures are made).
    """
    compiled = compile_policy(spec)
    fired = firings(compiled, (e.text for e in examples))
    names = [rule.name for rule in spec.rules]
    prior = _prior(spec) if from_current else None
    if l2 is None:
        l2 = L2_FROM_CURRENT if from_current else L2
    learned = fit(
        names, fired, [e.flag for e in examples], prior=prior, l2=l2, min_precision=min_precision
    )
    return apply(spec, learned), learned


@dataclass(frozen=True)
class Proposal:
    """Learned weights waiting for a moderator: what they would change, on which version."""

    base_version: int  # the policy version they were learned on: applied only onto it
    before: PolicySpec
    after: PolicySpec
    fit: Fit
    comparison: Comparison
    labels: tuple[str, ...]  # one per example: a case id or a message id, to name changes
    flagged: int  # examples labelled "flag" (confirmed)
    clean: int  # examples labelled "ok" (dismissed)

    @property
    def changes(self) -> bool:
        """Whether accepting would change the policy at all."""
        return self.after.threshold != self.before.threshold or bool(self.changed_weights())

    def changed_weights(self) -> list[tuple[str, float, float]]:
        """(rule, before, after) for every rule whose weight changes, biggest change first."""
        old = {r.name: r.weight for r in self.before.rules}
        out = [(r.name, old[r.name], r.weight) for r in self.after.rules if r.weight != old[r.name]]
        return sorted(out, key=lambda item: (-abs(item[2] - item[1]), item[0]))


def propose(
    spec: PolicySpec,
    examples: Sequence[Example],
    labels: Sequence[str],
    *,
    from_current: bool = True,
    min_examples: int = MIN_DECISIONS,
) -> Proposal:
    """Learn on `examples` and backtest the result against `spec` on the same examples.

    ValueError (with a reason for the moderator) when there are too few examples or only one
    kind of them.
    """
    flagged = sum(e.flag for e in examples)
    clean = len(examples) - flagged
    if len(examples) < min_examples or not flagged or not clean:
        raise ValueError(
            texts.POLICY_LEARN_EXAMPLES.format(n=len(examples), flagged=flagged, clean=clean)
        )
    after, learned = learn_policy(spec, examples, from_current=from_current)
    return Proposal(
        base_version=spec.version,
        before=spec,
        after=after,
        fit=learned,
        comparison=compare(spec, after, examples),
        labels=tuple(labels),
        flagged=flagged,
        clean=clean,
    )


def _prior(spec: PolicySpec) -> dict[str, float]:
    return {rule.name: rule.weight / spec.threshold for rule in spec.rules}


def _verdicts(spec: PolicySpec, examples: Sequence[Example]) -> list[Verdict]:
    compiled = compile_policy(spec)
    return [evaluate(compiled, e.text) for e in examples]


# --- the numbers -----------------------------------------------------------------------------

Group = tuple[tuple[int, ...], int, int]  # (features fired, examples, of which flagged)


def _group(rows: Sequence[tuple[int, ...]], labels: Sequence[bool]) -> list[Group]:
    """Examples with the same firings share one row: fewer rows, the same likelihood."""
    counts: dict[tuple[int, ...], list[int]] = {}
    for row, label in zip(rows, labels, strict=True):
        count = counts.setdefault(row, [0, 0])
        count[0] += 1
        count[1] += label
    return [(row, n, pos) for row, (n, pos) in sorted(counts.items())]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _calibrate(groups: Sequence[Group], w0: Sequence[float]) -> tuple[float, float]:
    """(scale, bias) so that sigmoid(bias + scale × current score) fits the examples best: the
    current weights put on the regression's scale. The scale is kept positive."""
    xs = [(sum(w0[i] for i in row), n, pos) for row, n, pos in groups]
    a, b = 1.0, 0.0  # scale, bias
    for _ in range(ITERATIONS):
        ga = gb = haa = hab = hbb = 0.0
        for s, n, pos in xs:
            p = _sigmoid(b + a * s)
            r = n * p - pos
            v = n * p * (1 - p)
            ga += r * s
            gb += r
            haa += v * s * s
            hab += v * s
            hbb += v
        haa += 1e-3  # a whisper of ridge: the scale is defined even when every score is equal
        hbb += 1e-3
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-10:
            break
    return max(a, 0.1), b


def _newton(
    groups: Sequence[Group], d: int, centre: Sequence[float], bias: float, l2: float
) -> tuple[list[float], float]:
    """Minimise the log-loss + l2 × |w − centre|² (the bias is not penalised)."""
    w = list(centre)
    b = bias
    size = d + 1  # the bias is the last coordinate
    for _ in range(ITERATIONS):
        grad = [0.0] * size
        hess = [[0.0] * size for _ in range(size)]
        for row, n, pos in groups:
            z = b + sum(w[i] for i in row)
            p = _sigmoid(z)
            r = n * p - pos
            v = n * p * (1 - p)
            cols = (*row, d)
            for i in cols:
                grad[i] += r
                hi = hess[i]
                for j in cols:
                    hi[j] += v
        for i in range(d):
            grad[i] += 2 * l2 * (w[i] - centre[i])
            hess[i][i] += 2 * l2
        hess[d][d] += 1e-6
        step = _solve(hess, grad)
        for i in range(d):
            w[i] -= step[i]
        b -= step[d]
        if max(abs(s) for s in step) < 1e-9:
            break
    return w, b


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Solve a symmetric positive definite system by Cholesky (matrix is d × d, small)."""
    n = len(vector)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = matrix[i][j] - sum(low[i][k] * low[j][k] for k in range(j))
            if i == j:
                low[i][i] = math.sqrt(max(s, 1e-12))
            else:
                low[i][j] = s / low[j][j]
    y = [0.0] * n
    for i in range(n):
        y[i] = (vector[i] - sum(low[i][k] * y[k] for k in range(i))) / low[i][i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (y[i] - sum(low[k][i] * x[k] for k in range(i + 1, n))) / low[i][i]
    return x


def _choose_cut(scores: Sequence[float], labels: Sequence[bool], min_precision: float) -> float:
    """The score a message must reach to be flagged: the best F1 on the examples among cuts whose
    precision reaches `min_precision` (the best F1 of all when none does), ties to the higher
    cut. Cuts are midpoints between consecutive distinct positive scores, so a message with no
    evidence (score 0) is never flagged."""
    ranked = sorted({s for s in scores if s > 0}, reverse=True)
    if not ranked:
        return 1.0
    candidates = [(hi + lo) / 2 for hi, lo in itertools.pairwise(ranked)]
    candidates.append(ranked[-1] / 2)
    total = sum(labels)
    pairs = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    best: tuple[bool, float, float] | None = None
    best_cut = candidates[0]
    tp = fp = 0
    k = 0
    for cut in candidates:  # descending: add the examples at or above each cut
        while k < len(pairs) and pairs[k][0] >= cut:
            tp += pairs[k][1]
            fp += not pairs[k][1]
            k += 1
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / total
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        key = (precision >= min_precision, f1, cut)
        if best is None or key[:2] > best[:2]:
            best, best_cut = key, cut
    return best_cut


def _rounded(weight: float) -> float:
    value = round(weight, WEIGHT_DECIMALS)
    if value == 0:
        return MIN_WEIGHT if weight >= 0 else -MIN_WEIGHT
    return value
