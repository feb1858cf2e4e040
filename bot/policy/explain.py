"""A verdict told in words, for `rete policy test` and the console's /policy test."""

from __future__ import annotations

from bot import texts
from bot.policy.matcher import Verdict


def explain(verdict: Verdict, text: str) -> list[str]:
    """One headline, then one line per rule that fired with the words that made it fire."""
    if not verdict.hits:
        return [
            texts.POLICY_TEST_CLEAN.format(
                threshold=verdict.threshold, version=verdict.policy_version
            )
        ]
    if verdict.alert:
        outcome = texts.POLICY_TEST_FLAGGED
    elif verdict.flagged:
        outcome = texts.POLICY_TEST_SHADOW_ONLY
    else:
        outcome = texts.POLICY_TEST_OK
    lines = [
        texts.POLICY_TEST_RESULT.format(
            outcome=outcome,
            score=verdict.score,
            threshold=verdict.threshold,
            version=verdict.policy_version,
        )
    ]
    for hit in verdict.hits:
        matched = ", ".join(f"«{text[s:e]}»" for s, e in hit.spans)
        lines.append(
            texts.POLICY_TEST_HIT.format(
                sign="+" if hit.weight > 0 else "",
                weight=hit.weight,
                rule=hit.rule,
                shadow=texts.POLICY_SHADOW_MARK if hit.shadow else "",
                matched=matched,
            )
        )
    return lines
