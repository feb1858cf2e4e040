"""A verdict told in words, for `rete policy test` and the console's /policy test."""

from __future__ import annotations

from bot import texts
from bot.policy.learn import Proposal
from bot.policy.matcher import Verdict

WEIGHTS_SHOWN = 12
NAMED_CHANGES = 10


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


def describe_proposal(proposal: Proposal) -> list[str]:
    """Learned weights told in words: on how many examples, precision and recall before and
    after on them, which examples change verdict, which weights move."""
    c = proposal.comparison
    lines = [
        texts.POLICY_LEARN_HEADER.format(
            n=len(proposal.labels),
            flagged=proposal.flagged,
            clean=proposal.clean,
            version=proposal.base_version,
        ),
        texts.POLICY_LEARN_SCORES.format(
            p0=c.before.precision,
            r0=c.before.recall,
            t0=proposal.before.threshold,
            p1=c.after.precision,
            r1=c.after.recall,
            t1=proposal.after.threshold,
        ),
        texts.POLICY_LEARN_NEWLY_FLAGGED.format(
            n=len(c.newly_flagged), which=_named(proposal, c.newly_flagged)
        ),
        texts.POLICY_LEARN_NEWLY_CLEARED.format(
            n=len(c.newly_cleared), which=_named(proposal, c.newly_cleared)
        ),
    ]
    changed = proposal.changed_weights()
    if not proposal.changes:
        return [*lines, str(texts.POLICY_LEARN_NO_CHANGE)]
    lines.append(texts.POLICY_LEARN_WEIGHTS.format(n=len(changed)))
    for rule, before, after in changed[:WEIGHTS_SHOWN]:
        lines.append(texts.POLICY_LEARN_WEIGHT.format(rule=rule, before=before, after=after))
    if len(changed) > WEIGHTS_SHOWN:
        lines.append(texts.POLICY_LEARN_MORE_WEIGHTS.format(n=len(changed) - WEIGHTS_SHOWN))
    return lines


def _named(proposal: Proposal, indices: tuple[int, ...]) -> str:
    if not indices:
        return ""
    names = [proposal.labels[i] for i in indices[:NAMED_CHANGES]]
    more = "…" if len(indices) > NAMED_CHANGES else ""
    return " (" + ", ".join(names) + more + ")"
