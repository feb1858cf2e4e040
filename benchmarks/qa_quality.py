"""Answer quality on the labelled questions: top-1 on answerable ones, abstention on the rest.

Imports ../shared/corpus into a temporary database, asks every question of
../shared/eval/questions-dev.jsonl and prints, for the whole set and for its two halves
(split by a fixed hash of the id), top-1 accuracy on answerable questions (answered, with an
acceptable source), abstention on unanswerable ones, and the misses. `--fit` refits the
confidence's logistic coefficients on half A only, so half B stays an honest check.

    python benchmarks/qa_quality.py [--shared PATH] [--questions FILE] [--json] [--fit]
        [--fit-extra FILE] [--threshold T | --calibrate] [-v]

With --fit-extra the extra questions are also reported (row "extra"), fitted on or not.
`--calibrate` chooses the answer threshold on the extra questions only (see `calibrate`);
ANSWER_THRESHOLD in bot/knowledge/service.py is the value it printed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import math
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.db import Database  # noqa: E402
from bot.knowledge import KnowledgeService  # noqa: E402
from bot.knowledge.ranking import CONFIDENCE_COEFFICIENTS, Evidence, confidence  # noqa: E402
from bot.knowledge.service import ANSWER_THRESHOLD  # noqa: E402
from bot.knowledge.text import fold  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def half_of(question_id: str) -> str:
    """A fixed split: half A tunes, half B checks."""
    return "A" if int(hashlib.sha256(question_id.encode()).hexdigest(), 16) % 2 == 0 else "B"


@dataclass(frozen=True)
class Outcome:
    qid: str
    half: str
    text: str
    expect: tuple[str, ...]
    passage: str | None
    best: str | None  # best candidate source, even when abstaining
    best_text: str
    evidence: Evidence | None

    @property
    def answerable(self) -> bool:
        return bool(self.expect)

    def score(self, coefficients: Sequence[float]) -> float:
        return confidence(self.evidence, coefficients) if self.evidence else 0.0

    def answered(self, coefficients: Sequence[float], threshold: float) -> str | None:
        return self.best if self.score(coefficients) >= threshold else None

    @property
    def ranked_right(self) -> bool:
        return self.best in self.expect


async def run(shared: Path, *question_files: Path) -> list[list[Outcome]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database(Path(tmp) / "qa.db").open()
        try:
            service = KnowledgeService(db)
            await service.import_sources([shared / "corpus"])
            outcomes = [await ask_all(service, path) for path in question_files]
            service.close()
            return outcomes
        finally:
            await db.close()


async def ask_all(service: KnowledgeService, questions: Path) -> list[Outcome]:
    outcomes = []
    text = await asyncio.to_thread(questions.read_text, "utf-8")
    for line in text.splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        found = await service.lookup(q["text"])
        outcomes.append(
            Outcome(
                qid=q["id"],
                half=half_of(q["id"]),
                text=q["text"],
                expect=tuple(q.get("expect") or ()),
                passage=q.get("passage"),
                best=found.best.source if found.best else None,
                best_text=found.best.text if found.best else "",
                evidence=found.evidence,
            )
        )
    return outcomes


def metrics(
    outcomes: Sequence[Outcome], coefficients: Sequence[float], threshold: float
) -> dict[str, object]:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    hits = [o for o in answerable if o.answered(coefficients, threshold) in o.expect]
    abstained = [o for o in unanswerable if o.answered(coefficients, threshold) is None]
    with_passage = [o for o in hits if o.passage]
    passage_hits = [o for o in with_passage if fold(o.passage or "") in fold(o.best_text)]
    brier = sum(
        (o.score(coefficients) - (1.0 if o.answerable and o.ranked_right else 0.0)) ** 2
        for o in outcomes
    ) / max(len(outcomes), 1)
    misses = [
        {
            "id": o.id if False else o.qid,
            "half": o.half,
            "text": o.text,
            "expect": list(o.expect) or None,
            "got": o.answered(coefficients, threshold),
            "best": o.best,
            "confidence": round(o.score(coefficients), 3),
        }
        for o in outcomes
        if (o.answerable and o not in hits) or (not o.answerable and o not in abstained)
    ]
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "top1": round(len(hits) / len(answerable), 4) if answerable else None,
        "top1_ranking_only": round(sum(o.ranked_right for o in answerable) / len(answerable), 4)
        if answerable
        else None,
        "abstain": round(len(abstained) / len(unanswerable), 4) if unanswerable else None,
        "passage_found": f"{len(passage_hits)}/{len(with_passage)}",
        "brier": round(brier, 4),
        "misses": misses,
    }


def fit_logistic(
    outcomes: Sequence[Outcome], *, l2: float = 1.0, steps: int = 200
) -> tuple[float, ...]:
    """Logistic regression by Newton's method on (evidence → top answer is right)."""
    rows = [(1.0, *o.evidence.vector()) for o in outcomes if o.evidence is not None]
    labels = [
        1.0 if (o.answerable and o.ranked_right) else 0.0
        for o in outcomes
        if o.evidence is not None
    ]
    size = len(rows[0])
    w = [0.0] * size
    for _ in range(steps):
        grad = [0.0] * size
        hess = [[0.0] * size for _ in range(size)]
        for x, y in zip(rows, labels, strict=True):
            z = sum(a * b for a, b in zip(w, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
            for i in range(size):
                grad[i] += (p - y) * x[i]
                for j in range(size):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(1, size):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return tuple(round(v, 3) for v in w)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            m[col][col] = 1e-12
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] for i in range(n)]


def calibrate(
    outcomes: Sequence[Outcome], coefficients: Sequence[float]
) -> tuple[float, float, float]:
    """The answer threshold, chosen on `outcomes` (our own questions, never the dev set).

    The thresholds that get the most questions right (answered with an acceptable source when
    answerable, abstained on otherwise; each question counts once) form an interval; its
    midpoint is the threshold least sensitive to where an unseen question's confidence falls.
    Returns (low, high, midpoint)."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    scores = sorted({round(o.score(coefficients), 6) for o in outcomes} | {0.0, 1.0})
    # a threshold between two consecutive observed confidences behaves the same anywhere in it
    cuts = [(a + b) / 2 for a, b in itertools.pairwise(scores)]

    def objective(t: float) -> int:
        hits = sum(o.answered(coefficients, t) in o.expect for o in answerable)
        kept = sum(o.answered(coefficients, t) is None for o in unanswerable)
        return hits + kept

    values = [(objective(t), t) for t in cuts]
    best = max(v for v, _ in values)
    optimal = [i for i, (v, _) in enumerate(values) if v == best]
    # the widest run of consecutive optimal cuts, as an interval of confidences
    runs: list[list[int]] = []
    for i in optimal:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    run = max(runs, key=lambda r: scores[r[-1] + 1] - scores[r[0]])
    low, high = scores[run[0]], scores[run[-1] + 1]
    return low, high, round((low + high) / 2, 3)


def report(name: str, data: dict[str, object]) -> str:
    return (
        f"{name:<10} {data['questions']!s:>4} {data['answerable']!s:>5} "
        f"{data['top1']!s:>7} {data['top1_ranking_only']!s:>8} "
        f"{data['unanswerable']!s:>5} {data['abstain']!s:>8} {data['passage_found']!s:>8} "
        f"{data['brier']!s:>7}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--questions", type=Path, default=None)
    parser.add_argument("--threshold", type=float, default=ANSWER_THRESHOLD)
    parser.add_argument("--fit", action="store_true", help="refit the confidence on half A")
    parser.add_argument(
        "--fit-extra",
        type=Path,
        action="append",
        default=[],
        help="more labelled questions to fit on (e.g. tests/knowledge/data/questions.jsonl)",
    )
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="choose the answer threshold on the --fit-extra questions (never on dev)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the extra misses")
    args = parser.parse_args(argv)
    questions = args.questions or args.shared / "eval" / "questions-dev.jsonl"
    outcomes, *extra = asyncio.run(run(args.shared, questions, *args.fit_extra))
    coefficients: tuple[float, ...] = tuple(CONFIDENCE_COEFFICIENTS)
    if args.fit:
        coefficients = fit_logistic(
            [o for o in outcomes if o.half == "A"] + [o for more in extra for o in more]
        )
    calibration = None
    if args.calibrate:
        if not extra:
            parser.error("--calibrate needs --fit-extra: the threshold is never chosen on dev")
        low, high, args.threshold = calibrate([o for more in extra for o in more], coefficients)
        calibration = {"low": low, "high": high, "threshold": args.threshold}
    result = {
        "threshold": args.threshold,
        "calibration": calibration,
        "coefficients": list(coefficients),
        "all": metrics(outcomes, coefficients, args.threshold),
        "half_A_tuning": metrics(
            [o for o in outcomes if o.half == "A"], coefficients, args.threshold
        ),
        "half_B_check": metrics(
            [o for o in outcomes if o.half == "B"], coefficients, args.threshold
        ),
    }
    for path, more in zip(args.fit_extra, extra, strict=True):
        result[f"extra:{path.name}"] = metrics(more, coefficients, args.threshold)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"confidence coefficients {list(coefficients)}, threshold {args.threshold}")
    if calibration is not None:
        print(
            f"threshold calibrated on the extra questions: best between {calibration['low']:.4f} "
            f"and {calibration['high']:.4f}, midpoint {calibration['threshold']}"
        )
    print(
        f"{'set':<10} {'n':>4} {'ans':>5} {'top1':>7} {'rankonly':>8} {'unans':>5} "
        f"{'abstain':>8} {'passage':>8} {'brier':>7}"
    )
    for name in ("all", "half_A_tuning", "half_B_check"):
        label = name.split("_")[0] + ("" if name == "all" else " " + name[5])
        print(report(label, result[name]))  # type: ignore[arg-type]
    extras = [name for name in result if name.startswith("extra:")]
    for name in extras:
        print(report("extra", result[name]))  # type: ignore[arg-type]
    print("\nmisses (all):")
    for miss in result["all"]["misses"]:  # type: ignore[index]
        print(
            f"  {miss['id']} [{miss['half']}] conf={miss['confidence']:.2f} "
            f"expect={miss['expect']} got={miss['got']} best={miss['best']} | {miss['text'][:70]}"
        )
    for name in extras if args.verbose else ():
        print(f"\nmisses ({name}):")
        for miss in result[name]["misses"]:  # type: ignore[index]
            print(
                f"  {miss['id']} conf={miss['confidence']:.2f} expect={miss['expect']} "
                f"got={miss['got']} best={miss['best']} | {miss['text'][:70]}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
