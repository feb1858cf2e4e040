"""Every member message through the pipeline, and what it decides done in Discord.

Listens to message create, edit and delete and acts on the outcome (cogs/_messages.py: review
posts through the bot's poster, nudges with their appeal button, answers); purges old case
text on a timer.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from cogs._messages import act, incoming_from, incoming_from_edit, is_member_chat
from cogs._replies import guarded
from cogs._review_ui import DYNAMIC_ITEMS, refresh_post, stale_appeal, submit_appeal

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

PURGE_EVERY_S = 3600.0
REFRESH_AFTER_PURGE_MAX = 50  # posts edited per purge run, to stay far from rate limits


class Moderation(commands.Cog):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.purge.start()

    async def cog_unload(self) -> None:
        self.purge.cancel()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    # --- listeners ---------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or not is_member_chat(message):
            return
        outcome = await self.bot.core.pipeline.process(incoming_from(message))
        await act(self.bot, outcome, message.author)
        self.bot.core.catchup.seen(outcome)  # cogs/catchup.py re-reads from here after a crash

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        incoming = incoming_from_edit(payload)
        if incoming is None:
            return
        outcome = await self.bot.core.pipeline.process(incoming)
        await act(self.bot, outcome, payload.message.author)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._deleted(payload.guild_id, (payload.message_id,))

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._deleted(payload.guild_id, tuple(payload.message_ids))

    async def _deleted(self, guild_id: int | None, message_ids: tuple[int, ...]) -> None:
        for message_id in message_ids:
            case = await self.bot.core.pipeline.message_deleted(guild_id, message_id)
            if case is not None:
                await refresh_post(self.bot, case)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[ReteBot]) -> None:
        stale = stale_appeal(interaction)
        if stale is not None:
            await guarded(interaction, submit_appeal(interaction, *stale))

    # --- retention ---------------------------------------------------------------------------

    @tasks.loop(seconds=PURGE_EVERY_S)
    async def purge(self) -> None:
        try:
            await self.purge_once(time.time())
        except Exception:  # the next run tries again; the loop must not die
            log.exception("retention purge failed")

    async def purge_once(self, now: float) -> int:
        """Forget expired case text, then take it off their review posts too."""
        purged = await self.bot.core.review.purge_expired(now)
        # One edit per review post, however many of its cases were purged.
        posts = {case.review_message_id: case for case in purged if case.review_message_id}
        for case in list(posts.values())[:REFRESH_AFTER_PURGE_MAX]:
            await refresh_post(self.bot, case)
        # Questions kept for /faq unanswered follow the same retention setting.
        await self.bot.core.knowledge.learning.purge_expired(now)
        return len(purged)

    @purge.before_loop
    async def _before_purge(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: ReteBot) -> None:
    await bot.add_cog(Moderation(bot))
