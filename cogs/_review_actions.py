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
    """Carry out what the moderator chose (remove the message, time the member out)."""
    core = interaction.client.core
    failures: list[str] = []
    reason = f"Rete: caso #{case.case_id}"
    if decision.delete_message and not case.message_deleted:
        channel = interaction.client.get_partial_messageable(
            case.channel_id, guild_id=case.guild_id
        )
        try:
            await channel.get_partial_message(case.message_id).delete()
            ok = True
        except discord.NotFound:
            ok = True  # already gone
        except discord.HTTPException as exc:
            ok = False
            failures.append(str(texts.ACTION_DELETED))
            log.warning("case %s: could not delete the message: %s", case.case_id, exc.status)
        await core.review.record_action(
            case.case_id, "delete_message", interaction.user.id, time.time(), ok=ok
        )
    if decision.timeout_s and interaction.guild is not None:
        try:
            member = interaction.guild.get_member(
                case.author_id
            ) or await interaction.guild.fetch_member(case.author_id)
            await member.timeout(dt.timedelta(seconds=decision.timeout_s), reason=reason)
            ok = True
        except discord.HTTPException as exc:
            ok = False
            failures.append(texts.ACTION_TIMEOUT.format(duration=duration(decision.timeout_s)))
            log.warning("case %s: could not time the member out: %s", case.case_id, exc.status)
        await core.review.record_action(
            case.case_id,
            "timeout",
            interaction.user.id,
            time.time(),
            ok=ok,
            seconds=decision.timeout_s,
        )
    if failures:
        await reply(interaction, texts.ACTION_FAILED.format(what=", ".join(failures)))
