"""Catch-up at start: cases left unposted by a crash, and messages written while Rete was down.

Runs on every on_ready (a start, or a fresh session after Discord invalidated the old one; a
resumed session has its missed events replayed by Discord and needs nothing). Writes the
channel cursors the moderation listener moves, about once a second.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
from typing import TYPE_CHECKING

import discord
from discord.ext import commands, tasks

from bot import i18n
from bot.intake.catchup import FLUSH_EVERY_S, HISTORY_MAX
from bot.intake.pipeline import Origin, Outcome, PostAction
from bot.review import Case
from cogs._messages import act, incoming_from, is_member_chat

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

# Every review button names its case: rete:review:<action>:<case id>.
_CASE_IN_CUSTOM_ID = re.compile(r"rete:review:[a-z]+:([0-9]+)")
POST_SCAN_MARGIN_S = 60.0  # a post is made after its case: look a little before the oldest


def cases_on(message: discord.Message) -> set[int]:
    """The case ids a review post carries in its buttons."""
    found: set[int] = set()
    for row in message.components:
        for item in getattr(row, "children", (row,)):
            match = _CASE_IN_CUSTOM_ID.fullmatch(getattr(item, "custom_id", None) or "")
            if match:
                found.add(int(match.group(1)))
    return found


class CatchUpCog(commands.Cog, name="CatchUp"):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot
        self._lock = asyncio.Lock()
        self._runs: set[asyncio.Task[None]] = set()

    async def cog_load(self) -> None:
        self.flush.start()

    async def cog_unload(self) -> None:
        for run in self._runs:
            run.cancel()
        self.flush.cancel()
        try:
            await self.bot.core.catchup.flush()  # a clean stop leaves nothing to re-read
        except Exception:
            log.exception("could not write the channel cursors at shutdown")

    @tasks.loop(seconds=FLUSH_EVERY_S)
    async def flush(self) -> None:
        try:
            await self.bot.core.catchup.flush()
        except Exception:  # the next tick tries again; the loop must not die
            log.exception("could not write the channel cursors")

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        run = asyncio.create_task(self.catch_up(), name="rete-catch-up")
        self._runs.add(run)
        run.add_done_callback(self._runs.discard)

    async def catch_up(self) -> None:
        async with self._lock:  # two quick READYs: the second waits, then finds little to do
            for guild in list(self.bot.guilds):
                try:
                    # What catch-up posts (nudges, answers) is read in the guild's channels.
                    with i18n.using(self.bot.guild_language(guild.id)):
                        posted = await self.post_unposted(guild)
                        read = await self.read_missed(guild)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("catch-up failed in guild %s", guild.id)
                    continue
                if posted or read:
                    log.info(
                        "catch-up in guild %s: %d unposted cases handled, %d messages re-read",
                        guild.id,
                        posted,
                        read,
                    )

    # --- cases recorded but never posted -------------------------------------------------

    async def post_unposted(self, guild: discord.Guild) -> int:
        core = self.bot.core
        settings = await core.review.settings(guild.id)
        if settings.review_channel_id is None:
            return 0
        case_ids = await core.catchup.unposted(guild.id, time.time())
        cases = [c for c in [await core.review.get(guild.id, i) for i in case_ids] if c]
        if not cases:
            return 0
        # The process may have died after Discord took the post but before its id was written:
        # such a post is in the review channel; finding it there avoids posting the case twice.
        found = await self._posts_of(settings.review_channel_id, cases)
        for message_id, ids in found.items():
            await core.review.set_review_post(sorted(ids), settings.review_channel_id, message_id)
        left = [c for c in cases if not any(c.case_id in ids for ids in found.values())]
        # Together, as the live path does: the poster sends them a few cases to a post.
        await asyncio.gather(
            *(
                self.bot.poster.publish(case, PostAction.POST, settings.review_channel_id)
                for case in left
            )
        )
        return len(cases)

    async def _posts_of(self, channel_id: int, cases: list[Case]) -> dict[int, set[int]]:
        wanted = {c.case_id for c in cases}
        oldest = min(c.created_at for c in cases) - POST_SCAN_MARGIN_S
        after = discord.Object(
            discord.utils.time_snowflake(dt.datetime.fromtimestamp(oldest, dt.UTC))
        )
        channel = self.bot.get_partial_messageable(channel_id)
        found: dict[int, set[int]] = {}
        me = self.bot.user.id if self.bot.user else None
        try:
            async for message in channel.history(after=after, limit=HISTORY_MAX, oldest_first=True):
                if message.author.id != me:
                    continue
                ids = cases_on(message) & wanted
                if ids:
                    found[message.id] = ids
        except discord.HTTPException as exc:
            log.warning("could not read review channel %s: %s", channel_id, exc.status)
        return found

    # --- messages written while Rete was down --------------------------------------------

    async def read_missed(self, guild: discord.Guild) -> int:
        core = self.bot.core
        read = 0
        members: dict[int, discord.Member | None] = {}
        for channel_id, after in (await core.catchup.cursors(guild.id)).items():
            channel = guild.get_channel_or_thread(channel_id)
            if not isinstance(channel, discord.TextChannel | discord.Thread):
                continue  # deleted, or not a text channel any more
            evaluated: list[tuple[Outcome, discord.User | discord.Member]] = []
            try:
                async for message in channel.history(
                    after=discord.Object(after), limit=HISTORY_MAX, oldest_first=True
                ):
                    if not is_member_chat(message):
                        continue
                    author = await self._member(guild, message.author, members)
                    evaluated.append((await self._evaluate(message, author), author))
                    read += 1
            except discord.HTTPException as exc:
                log.warning("could not read channel %s to catch up: %s", channel_id, exc.status)
            # Every case is recorded by now; posting them together lets the poster batch them
            # as it does a live burst (a few posts, not one per message).
            done = await asyncio.gather(
                *(act(self.bot, outcome, author) for outcome, author in evaluated),
                return_exceptions=True,
            )
            for (outcome, _), result in zip(evaluated, done, strict=True):
                if isinstance(result, Exception):  # the case is recorded: posted at next start
                    log.error(
                        "catch-up: acting on message %s failed",
                        outcome.message.message_id,
                        exc_info=result,
                    )
                core.catchup.seen(outcome)
        return read

    async def _member(
        self,
        guild: discord.Guild,
        author: discord.User | discord.Member,
        members: dict[int, discord.Member | None],
    ) -> discord.User | discord.Member:
        """History carries no roles; exemptions need them: one member lookup per author."""
        if isinstance(author, discord.Member):
            return author
        if author.id not in members:
            member = guild.get_member(author.id)
            if member is None:
                try:
                    member = await guild.fetch_member(author.id)
                except discord.HTTPException:
                    member = None  # left the guild: no roles, no exemption
            members[author.id] = member
        return members[author.id] or author

    async def _evaluate(
        self, message: discord.Message, author: discord.User | discord.Member
    ) -> Outcome:
        # A nudge hours later reads as a telling-off out of nowhere: only for recent messages.
        max_age = self.bot.core.settings.catchup_nudge_max_age_s
        nudge = max_age > 0 and time.time() - message.created_at.timestamp() <= max_age
        # REPLAYED: the policy applies, but no automatic answer to a question that may be hours
        # old (nor a second one, if it was answered before a crash).
        incoming = incoming_from(message, author, origin=Origin.REPLAYED, nudge=nudge)
        return await self.bot.core.pipeline.process(incoming)


async def setup(bot: ReteBot) -> None:
    await bot.add_cog(CatchUpCog(bot))
