"""Policy flows that read the review queue, shared by every front-end: add a rule from the
words a moderator typed, backtest a policy over the stored cases, learn the weights from the
moderators' decisions.

The policy service (bot.policy.PolicyService, on `core.policy`) owns rules and exemptions and
records every change; Discord (cogs/policy.py) and the console (bot/console/policy.py) call
these functions as `flows.<name>` and only format what they return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot import texts
from bot.errors import UserFacingError
from bot.policy import Rule, compile_policy, evaluate_with
from bot.policy.explain import describe_proposal
from bot.policy.learn import Example, Proposal
from bot.policy.model import PolicySpec, load_policy_text
from bot.review.models import CONFIRMED, BacktestReport

if TYPE_CHECKING:
    from bot.core import Core

GROUP_SEPARATOR = "+"
ITEM_SEPARATOR = ","


def parse_groups(raw: str, syntax_help: str) -> tuple[tuple[str, ...], ...]:
    """ "mi fai, fammi + logo, @consegne + gratis" → (("mi fai", "fammi"), ("logo", …), …).

    Groups must all match (in any order); any word of a group is enough. The policy service
    validates the words themselves (wildcards, lists, length) and names the problem.
    """
    groups = []
    for part in raw.split(GROUP_SEPARATOR):
        items = tuple(w.strip() for w in part.split(ITEM_SEPARATOR) if w.strip())
        if not items:
            raise UserFacingError(syntax_help)
        groups.append(items)
    return tuple(groups)


async def backtest(core: Core, guild_id: int, policy_yaml: str | None) -> BacktestReport:
    """Re-run the current policy (None) or an uploaded one over the stored cases.

    An invalid upload raises the policy's own error, which names every problem.
    """
    if policy_yaml is None:
        return await core.review.backtest(
            guild_id, lambda texts: core.policy.evaluate_texts(guild_id, texts)
        )
    compiled = compile_policy(load_policy_text(policy_yaml))  # a bad file fails here, whole
    return await core.review.backtest(guild_id, lambda texts: evaluate_with(compiled, texts))


async def add_rule(
    core: Core,
    guild_id: int,
    *,
    name: str,
    weight: float,
    words: str,
    actor_id: int,
    within: int | None = None,
    description: str = "",
    shadow: bool = False,
) -> PolicySpec:
    """`/policy add` in every front-end: a rule from the moderator's words («a, b + c»)."""
    rule = Rule(
        name=name.strip(),
        weight=weight,
        groups=parse_groups(words, str(texts.POLCMD_RULE_SYNTAX)),
        description=description.strip(),
        within=within,
        shadow=shadow,
    )
    return await core.policy.add_rule(guild_id, rule, actor_id)


def backtest_body(
    report: BacktestReport, shown: int, clean: Callable[[str], str] = lambda text: text
) -> str:
    """What a backtest changes: the summary, then up to `shown` cases one a line.

    `clean` makes rule names safe for the front-end (Discord: neutralise markdown).
    """
    if not report.rows:
        return str(texts.POLCMD_BACKTEST_EMPTY)
    body = texts.POLCMD_BACKTEST_SUMMARY.format(
        total=len(report.rows),
        skipped=report.skipped_without_text,
        changed=len(report.changed),
        stop=len(report.would_stop_alerting),
        fixed=report.false_positives_fixed,
        lost=report.confirmed_lost,
        start=len(report.would_start_alerting),
    )
    lines = []
    for row in report.changed[:shown]:
        before = str(texts.POLCMD_ALERT if row.was_alert else texts.POLCMD_NO_ALERT)
        after = str(texts.POLCMD_ALERT if row.now_alert else texts.POLCMD_NO_ALERT)
        if before == after:
            before = ", ".join(row.rules_before) or "—"
            after = ", ".join(row.rules_after) or "—"
        lines.append(
            texts.POLCMD_BACKTEST_LINE.format(
                case_id=row.case_id,
                status=texts.STATUS_SHORT.get(row.status, row.status),
                before=clean(str(before)),
                after=clean(str(after)),
            )
        )
    if lines:
        body += "\n\n" + "\n".join(lines)
    return body


async def learn_from_decisions(core: Core, guild_id: int) -> Proposal:
    """Weights learned on the guild's decided cases (confirmed: flag, dismissed: not), with
    what they would change on them; nothing is applied until `accept_learned`."""
    cases = await core.review.decided_with_text(guild_id)
    examples = [Example(c.text or "", c.status == CONFIRMED) for c in cases]
    labels = [f"#{c.case_id}" for c in cases]
    return await core.policy.propose_learning(guild_id, examples, labels)


async def accept_learned(
    core: Core, guild_id: int, proposal: Proposal, actor_id: int
) -> PolicySpec:
    """A moderator accepts: the learned weights become a new policy version (recorded)."""
    return await core.policy.accept_learning(guild_id, proposal, actor_id)


async def learn_and_maybe_accept(
    core: Core,
    guild_id: int,
    proposal: Proposal,
    *,
    accept: bool,
    actor_id: int,
    how_to_accept: str,
) -> list[str]:
    """The flow every front-end runs: a proposal told in words, then either how to accept it
    or (when the moderator accepts and it changes anything) the new version it became."""
    lines = describe_proposal(proposal)
    if not proposal.changes:
        return lines
    if not accept:
        return [*lines, how_to_accept]
    spec = await accept_learned(core, guild_id, proposal, actor_id)
    applied = texts.POLICY_LEARN_APPLIED.format(version=spec.version, threshold=spec.threshold)
    return [*lines, applied]
