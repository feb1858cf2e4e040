"""What a confirmation does in Discord besides the decision: delete the message, time the
member out; each attempt is recorded in the case's audit trail, a failure told to the moderator."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING

import discord

from bot import texts
from bot.review import Case, Decision
from bot.review.render import duration
from cogs._replies import reply

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)


async def carry_out(
    interaction: discord.Interaction[ReteBot], case: Case, decision: Decision
) -> None:
    """Carry out what the moderator chose with a button; a failure is told to them."""
    failures = await apply_decision(interaction.client, case, decision, interaction.user.id)
    if failures:
        await reply(interaction, texts.ACTION_FAILED.format(what=", ".join(failures)))


async def apply_decision(bot: ReteBot, case: Case, decision: Decision, actor_id: int) -> list[str]:
    """Remove the message and time the member out, as `decision` says, each attempt recorded
    with `actor_id` in the audit trail (a button's clicker, or who decided on the web); returns
    what could not be done, in words for the moderator."""
    review = bot.core.review
    failures: list[str] = []
    if decision.delete_message and not case.message_deleted:
        channel = bot.get_partial_messageable(case.channel_id, guild_id=case.guild_id)
        try:
            await channel.get_partial_message(case.message_id).delete()
            ok = True
        except discord.NotFound:
            ok = True  # already gone
        except discord.HTTPException as exc:
            ok = False
            failures.append(str(texts.ACTION_DELETED))
            log.warning("case %s: could not delete the message: %s", case.case_id, exc.status)
        await review.record_action(case.case_id, "delete_message", actor_id, time.time(), ok=ok)
    guild = bot.get_guild(case.guild_id)
    if decision.timeout_s and guild is not None:
        try:
            member = guild.get_member(case.author_id) or await guild.fetch_member(case.author_id)
            await member.timeout(
                dt.timedelta(seconds=decision.timeout_s), reason=f"Rete: caso #{case.case_id}"
            )
            ok = True
        except discord.HTTPException as exc:
            ok = False
            failures.append(texts.ACTION_TIMEOUT.format(duration=duration(decision.timeout_s)))
            log.warning("case %s: could not time the member out: %s", case.case_id, exc.status)
        await review.record_action(
            case.case_id, "timeout", actor_id, time.time(), ok=ok, seconds=decision.timeout_s
        )
    return failures
