"""Learn the default policy's weights and threshold on the labelled sets.

Reads bot/policy/default_policy.yaml (the rules, and weights as a person set them), fits the
weights with bot/policy/learn.py on the four labelled sets, regularised towards the written
weights, and writes bot/policy/default_weights.yaml, which the default policy loads on top of
the written one. The written file is never changed, so running this twice gives the same
weights; benchmarks/policy_quality.py's leave-one-set-out column runs the same fit without the
set it reports.

Run: python scripts/fit_default_policy.py [--eval DIR] [--check]
(--check: exit 1 if default_weights.yaml is not what the fit gives, without writing it)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.policy.learn import Example, learn_policy  # noqa: E402
from bot.policy.model import written_default_policy  # noqa: E402

WEIGHTS = ROOT / "bot" / "policy" / "default_weights.yaml"
SETS = ("dev", "check", "train-a", "train-b")
DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
HEADER = """\
# Weights and threshold of the default policy, learned on the four labelled sets (1,280
# messages by four writers) by scripts/fit_default_policy.py: L2 logistic regression over the
# rules' firings, regularised towards the weights written in default_policy.yaml. Generated:
# edit default_policy.yaml and run the script again rather than editing this file.
"""


def examples(folder: Path) -> list[Example]:
    out = []
    for name in SETS:
        for line in (folder / f"consultancy-{name}.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(Example(row["text"], row["label"] == "flag"))
    return out


def render(threshold: float, weights: dict[str, float]) -> str:
    lines = [HEADER, f"threshold: {threshold:g}", "weights:"]
    lines += [f'  "{name}": {weight:g}' for name, weight in weights.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    spec = written_default_policy()
    fitted, learned = learn_policy(spec, examples(args.eval), from_current=True)
    text = render(fitted.threshold, {rule.name: rule.weight for rule in fitted.rules})
    t = learned.training
    print(  # noqa: T201 (a script's report)
        f"fitted on {t.tp + t.fp + t.fn + t.tn} messages: training P {t.precision:.3f} "
        f"R {t.recall:.3f} F1 {t.f1:.3f}"
    )
    if args.check:
        return 0 if WEIGHTS.exists() and WEIGHTS.read_text("utf-8") == text else 1
    WEIGHTS.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
