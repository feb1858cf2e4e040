"""Keyword policy quality on every labelled set, with a leave-one-set-out (LOSO) column.

The four labelled sets are by four different writers (dev, check, train-a, train-b in
../shared/eval). For each set the table shows:
- `as shipped`: the policy as it is (its weights were fitted on all four sets, so this column
  has seen every set: it is not an estimate of anything, only what the shipped file does);
- `LOSO`: the same rules with weights and threshold fitted (bot/policy/learn.py) on the other
  three sets only, reported on the one left out: how a fit carries over to a writer it has
  never seen. The pooled row adds the four left-out sets' counts.
A plain AutoMod-style keyword list is the baseline, in the same run.

`--data FILE` scores one file with the policy as it is (and lists its errors); `--errors SET`
lists the LOSO errors of one set, to study failures by class.

Run: python benchmarks/policy_quality.py [--eval DIR] [--policy FILE] [--data FILE]
     [--errors SET] [--l2 X] [--probability X] [--min-precision X]
     [--prior written|zero] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.policy.learn import (  # noqa: E402
    L2,
    L2_FROM_CURRENT,
    MIN_PRECISION,
    PROBABILITY,
    Fit,
    Scores,
    firings,
    fit,
)
from bot.policy.matcher import CompiledPolicy, Verdict, compile_policy, evaluate  # noqa: E402
from bot.policy.model import (  # noqa: E402
    PolicySpec,
    default_policy,
    load_policy_text,
    written_default_policy,
)

DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
SETS = ("dev", "check", "train-a", "train-b")

# What a moderator would type into Discord AutoMod: any of these words flags the message.
KEYWORD_LIST_BASELINE = """
rules:
  - name: keyword-list
    weight: 1
    any: [gratis, gratuito, gratuita, free, consulenza, "mi fai", "mi fate", favore,
          "non ho budget", "no budget", "for free", "unpaid"]
"""


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    flag: bool


def read_set(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append(Row(str(item["id"]), item["text"], item["label"] == "flag"))
    return rows


def scores_json(s: Scores) -> dict[str, float | int]:
    return {
        "n": s.tp + s.fp + s.fn + s.tn,
        "tp": s.tp,
        "fp": s.fp,
        "fn": s.fn,
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
        "f1": round(s.f1, 4),
    }


def add(a: Scores, b: Scores) -> Scores:
    return Scores(a.tp + b.tp, a.fp + b.fp, a.fn + b.fn, a.tn + b.tn)


def run(rows: list[Row], compiled: CompiledPolicy) -> list[Verdict]:
    return [evaluate(compiled, row.text) for row in rows]


def error(row: Row, verdict: Verdict | None, fired: frozenset[str], learned: Fit | None) -> dict:
    out: dict[str, object] = {"id": row.id, "text": row.text}
    if learned is not None:
        out["score"] = round(learned.score(fired), 3)
        out["rules"] = [{"rule": r, "weight": learned.weights.get(r, 0.0)} for r in sorted(fired)]
    elif verdict is not None:
        out["score"] = round(verdict.score, 3)
        out["rules"] = [
            {"rule": h.rule, "weight": h.weight, "matched": [row.text[s:e] for s, e in h.spans]}
            for h in verdict.hits
        ]
    return out


def print_errors(title: str, errors: list[dict]) -> None:
    print(f"\n{title} ({len(errors)}):")
    for item in errors:
        print(f"  {item['id']} score {item['score']}: {str(item['text'])[:150]}")
        for hit in item["rules"]:
            matched = f": {hit['matched']}" if "matched" in hit else ""
            print(f"      {hit['weight']:+.2f} {hit['rule']}{matched}")


def single_file(path: Path, spec: PolicySpec, as_json: bool) -> int:
    rows = read_set(path)
    verdicts = run(rows, compile_policy(spec))
    overall = Scores.of((v.flagged for v in verdicts), (r.flag for r in rows))
    baseline_verdicts = run(rows, compile_policy(load_policy_text(KEYWORD_LIST_BASELINE)))
    baseline = Scores.of((v.flagged for v in baseline_verdicts), (r.flag for r in rows))
    fps = [
        error(r, v, frozenset(), None)
        for r, v in zip(rows, verdicts, strict=True)
        if v.flagged and not r.flag
    ]
    fns = [
        error(r, v, frozenset(), None)
        for r, v in zip(rows, verdicts, strict=True)
        if r.flag and not v.flagged
    ]
    if as_json:
        out = {
            "data": str(path),
            "overall": scores_json(overall),
            "keyword_list_baseline": scores_json(baseline),
            "false_positives": fps,
            "false_negatives": fns,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"{'':<22} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, s in (("policy as it is", overall), ("keyword-list baseline", baseline)):
        print(
            f"{name:<22} {s.tp + s.fp + s.fn + s.tn:>4} {s.precision:>6.3f} {s.recall:>6.3f} "
            f"{s.f1:>6.3f} {s.tp:>4} {s.fp:>4} {s.fn:>4}"
        )
    print_errors("False positives", fps)
    print_errors("False negatives", fns)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="folder of the sets")
    parser.add_argument("--policy", type=Path, default=None, help="default: the shipped one")
    parser.add_argument("--data", type=Path, default=None, help="score one file as it is")
    parser.add_argument("--errors", choices=SETS, default=None, help="list a set's LOSO errors")
    parser.add_argument("--l2", type=float, default=None, help="default: learn.py's")
    parser.add_argument(
        "--probability",
        type=float,
        default=PROBABILITY,
        help="the threshold: fitted probability to flag (0: best F1 at --min-precision)",
    )
    parser.add_argument("--min-precision", type=float, default=MIN_PRECISION)
    parser.add_argument(
        "--prior",
        choices=("written", "zero"),
        default="written",
        help="regularise towards the weights as written in the policy file (as the shipped "
        "weights are learned) or towards 0",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.l2 is None:
        args.l2 = L2 if args.prior == "zero" else L2_FROM_CURRENT

    if args.policy is not None:
        spec = prior_spec = load_policy_text(args.policy.read_text("utf-8"))
    else:  # shipped: the learned weights; the prior: the weights as written
        spec, prior_spec = default_policy(), written_default_policy()
    if args.data is not None:
        return single_file(args.data, spec, args.json)

    compiled = compile_policy(spec)
    baseline_compiled = compile_policy(load_policy_text(KEYWORD_LIST_BASELINE))
    names = [rule.name for rule in spec.rules]
    prior = (
        {r.name: r.weight / prior_spec.threshold for r in prior_spec.rules}
        if args.prior == "written"
        else None
    )
    sets = {name: read_set(args.eval / f"consultancy-{name}.jsonl") for name in SETS}
    fired = {name: firings(compiled, (r.text for r in rows)) for name, rows in sets.items()}

    results: dict[str, dict[str, object]] = {}
    pooled = Scores(0, 0, 0, 0)
    shipped_pooled = Scores(0, 0, 0, 0)
    loso_errors: dict[str, list[dict]] = {}
    for held in SETS:
        rows = sets[held]
        gold = [r.flag for r in rows]
        shipped = Scores.of((v.flagged for v in run(rows, compiled)), gold)
        baseline = Scores.of((v.flagged for v in run(rows, baseline_compiled)), gold)
        train_fired = [f for name in SETS if name != held for f in fired[name]]
        train_gold = [r.flag for name in SETS if name != held for r in sets[name]]
        learned = fit(
            names,
            train_fired,
            train_gold,
            prior=prior,
            l2=args.l2,
            probability=args.probability or None,
            min_precision=args.min_precision,
        )
        predicted = [learned.flags(f) for f in fired[held]]
        loso = Scores.of(predicted, gold)
        pooled = add(pooled, loso)
        shipped_pooled = add(shipped_pooled, shipped)
        results[held] = {
            "as_shipped": scores_json(shipped),
            "loso": scores_json(loso),
            "keyword_list_baseline": scores_json(baseline),
            "loso_training": scores_json(learned.training),
        }
        loso_errors[held] = [
            {"kind": "fp" if p else "fn", **error(r, None, f, learned)}
            for r, f, p in zip(rows, fired[held], predicted, strict=True)
            if p != r.flag
        ]

    if args.json:
        out = {
            "sets": results,
            "loso_pooled": scores_json(pooled),
            "as_shipped_pooled": scores_json(shipped_pooled),
            "l2": args.l2,
            "probability": args.probability,
            "min_precision": args.min_precision,
            "prior": args.prior,
        }
        if args.errors:
            out["loso_errors"] = loso_errors[args.errors]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0

    print(
        f"{'set':<10} {'n':>4} | {'as shipped (seen)':^20} | {'LOSO (left out)':^20} | "
        f"{'keyword list':^20}"
    )
    heads = " | ".join(f"{'P     R     F1':^20}" for _ in range(3))
    print(f"{'':<10} {'':>4} | {heads}")
    for held in SETS:
        cells = []
        for key in ("as_shipped", "loso", "keyword_list_baseline"):
            s = results[held][key]
            assert isinstance(s, dict)
            cells.append(f"{s['precision']:.3f} {s['recall']:.3f} {s['f1']:.3f}")
        print(f"{held:<10} {len(sets[held]):>4} | {cells[0]:^20} | {cells[1]:^20} | {cells[2]:^20}")
    total = sum(len(rows) for rows in sets.values())
    print(
        f"{'pooled':<10} {total:>4} | "
        f"{shipped_pooled.precision:.3f} {shipped_pooled.recall:.3f} {shipped_pooled.f1:.3f}"
        f"{'':>3} | {pooled.precision:.3f} {pooled.recall:.3f} {pooled.f1:.3f}"
    )
    cut = (
        f"probability {args.probability}"
        if args.probability
        else f"best F1 at precision {args.min_precision}"
    )
    print(f"(l2 {args.l2}, threshold at {cut}, prior {args.prior})")
    if args.errors:
        errs = loso_errors[args.errors]
        print_errors(f"LOSO false positives, {args.errors}", [e for e in errs if e["kind"] == "fp"])
        print_errors(f"LOSO false negatives, {args.errors}", [e for e in errs if e["kind"] == "fn"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
