"""Keyword policy quality: precision, recall and F1 on the labelled dev set, errors listed.

Also in the same run: the two halves of the dev set split by a fixed hash of the id (to see
how much a figure moves between halves), and a plain AutoMod-style keyword list as baseline.

Run: python benchmarks/policy_quality.py [--data FILE] [--policy FILE] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.policy.matcher import CompiledPolicy, Verdict, compile_policy, evaluate  # noqa: E402
from bot.policy.model import default_policy_text, load_policy_text  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "consultancy-dev.jsonl"

# What a moderator would type into Discord AutoMod: any of these words flags the message.
KEYWORD_LIST_BASELINE = """
rules:
  - name: keyword-list
    weight: 1
    any: [gratis, gratuito, gratuita, free, consulenza, "mi fai", "mi fate", favore,
          "non ho budget", "no budget", "for free", "unpaid"]
"""


@dataclass(frozen=True)
class Scores:
    n: int
    tp: int
    fp: int
    fn: int

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

    def to_json(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def half(row_id: str) -> str:
    """A fixed split of the dev set: "A" or "B" from a hash of the id."""
    return "AB"[int(hashlib.sha256(row_id.encode()).hexdigest(), 16) % 2]


def score(rows: list[dict[str, str]], verdicts: list[Verdict]) -> Scores:
    tp = fp = fn = 0
    for row, verdict in zip(rows, verdicts, strict=True):
        gold = row["label"] == "flag"
        tp += verdict.flagged and gold
        fp += verdict.flagged and not gold
        fn += gold and not verdict.flagged
    return Scores(len(rows), tp, fp, fn)


def run(rows: list[dict[str, str]], compiled: CompiledPolicy) -> list[Verdict]:
    return [evaluate(compiled, row["text"]) for row in rows]


def error(row: dict[str, str], verdict: Verdict) -> dict[str, object]:
    text = row["text"]
    return {
        "id": row["id"],
        "score": round(verdict.score, 3),
        "text": text,
        "rules": [
            {"rule": h.rule, "weight": h.weight, "matched": [text[s:e] for s, e in h.spans]}
            for h in verdict.hits
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--policy", type=Path, default=None, help="default: the shipped one")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    rows = [json.loads(line) for line in args.data.read_text("utf-8").splitlines() if line]
    policy_text = args.policy.read_text("utf-8") if args.policy else default_policy_text()
    compiled = compile_policy(load_policy_text(policy_text))
    verdicts = run(rows, compiled)
    overall = score(rows, verdicts)
    halves = {
        name: score(
            [r for r in rows if half(r["id"]) == name],
            [v for r, v in zip(rows, verdicts, strict=True) if half(r["id"]) == name],
        )
        for name in "AB"
    }
    baseline_compiled = compile_policy(load_policy_text(KEYWORD_LIST_BASELINE))
    baseline = score(rows, run(rows, baseline_compiled))
    false_positives = [
        error(r, v)
        for r, v in zip(rows, verdicts, strict=True)
        if v.flagged and r["label"] != "flag"
    ]
    false_negatives = [
        error(r, v)
        for r, v in zip(rows, verdicts, strict=True)
        if not v.flagged and r["label"] == "flag"
    ]
    if args.json:
        out = {
            "data": str(args.data),
            "overall": overall.to_json(),
            "halves": {k: s.to_json() for k, s in halves.items()},
            "keyword_list_baseline": baseline.to_json(),
            "false_positives": false_positives,
            "false_negatives": false_negatives,
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0

    print(f"{'set':<22} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    table = [("dev (all)", overall), ("dev half A", halves["A"]), ("dev half B", halves["B"])]
    table.append(("keyword-list baseline", baseline))
    for name, s in table:
        print(
            f"{name:<22} {s.n:>4} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} "
            f"{s.tp:>4} {s.fp:>4} {s.fn:>4}"
        )
    for title, errors in (
        ("False positives", false_positives),
        ("False negatives", false_negatives),
    ):
        print(f"\n{title} ({len(errors)}):")
        for item in errors:
            print(f"  {item['id']} score {item['score']}: {str(item['text'])[:110]}")
            rules = item["rules"]
            assert isinstance(rules, list)
            for hit in rules:
                print(f"      {hit['weight']:+.2f} {hit['rule']}: {hit['matched']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
