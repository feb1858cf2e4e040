"""Every member message through the pipeline, and what it decides done in Discord.

Listens to message create, edit and delete; posts and updates review posts, sends nudges with
their appeal button, answers questions; purges old case text on a timer.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands, tasks

from bot import limits, texts
from bot.pipeline import IncomingMessage, Nudge, Origin, Outcome, PostAction
from bot.review import Case
from cogs._knowledge_ui import answer_embed
from cogs._learning_ui import vote_view
from cogs._review_ui import (
    CASES_PER_POST,
    DYNAMIC_ITEMS,
    appeal_view,
    guarded,
    jump_url,
    post_embeds,
    post_view,
    refresh_post,
    stale_appeal,
    submit_appeal,
)

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

# Messages that are what members write; joins, pins, boosts and the like are not.
_CHAT_TYPES = (discord.MessageType.default, discord.MessageType.reply)
PURGE_EVERY_S = 3600.0
REFRESH_AFTER_PURGE_MAX = 50  # posts edited per purge run, to stay far from rate limits
_REMEMBERED_MAX = 4096  # recent cases whose lock and post id are kept in memory


def _norm_line(norm: Any) -> str:
    if norm is None:
        return ""
    title = getattr(norm, "title", "") or ""
    url = getattr(norm, "url", None)
    if url:
        return texts.NUDGE_NORM_LINK.format(title=title, url=url)
    return texts.NUDGE_NORM_TITLE.format(title=title) if title else ""


def _settle(waiters: list[asyncio.Future[None]], _: object = None) -> None:
    """Wake the handlers waiting for their cases' post (the argument: a done callback's)."""
    for done in waiters:
        if not done.done():
            done.set_result(None)


def nudge_text(nudge: Nudge, *, context: str = "") -> str:
    parts = [texts.NUDGE, _norm_line(nudge.norm), context]
    return limits.message_content("\n".join(p for p in parts if p))


class Moderation(commands.Cog):
    def __init__(self, bot: ReteBot) -> None:
        self.bot = bot
        # One lock per case and the posts made, so a quick edit racing its create cannot post
        # a case twice (without a database read on the way to the post).
        self._locks: OrderedDict[int, asyncio.Lock] = OrderedDict()
        self._posted: OrderedDict[int, tuple[int, int]] = OrderedDict()
        self._warned_unconfigured: set[int] = set()
        # Review posts waiting per review channel, and the task posting them.
        self._queues: dict[int, list[tuple[Case, asyncio.Future[None]]]] = {}
        self._posters: dict[int, asyncio.Task[None]] = {}
        self._recording: set[asyncio.Task[None]] = set()  # posts being written to their cases

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.purge.start()

    async def cog_unload(self) -> None:
        self.purge.cancel()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        for poster in self._posters.values():
            poster.cancel()
        for queue in self._queues.values():
            for _, done in queue:
                if not done.done():
                    done.cancel()
            queue.clear()

    # --- listeners ---------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in _CHAT_TYPES:
            return
        author = message.author
        roles = [r.id for r in author.roles] if isinstance(author, discord.Member) else []
        incoming = IncomingMessage(
            guild_id=message.guild.id,
            channel_id=message.channel.id,
            message_id=message.id,
            author_id=message.author.id,
            text=message.content,
            role_ids=frozenset(roles),
            created_at=message.created_at.timestamp(),
        )
        outcome = await self.bot.core.pipeline.process(incoming)
        await self.act(outcome, message.author)
        self.bot.core.catchup.seen(outcome)  # cogs/catchup.py re-reads from here after a crash

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        data: Any = payload.data
        if payload.guild_id is None or "content" not in data:
            return
        author = data.get("author") or {}
        if author.get("bot") or data.get("webhook_id"):
            return
        roles = (data.get("member") or {}).get("roles") or ()
        incoming = IncomingMessage(
            guild_id=payload.guild_id,
            channel_id=payload.channel_id,
            message_id=payload.message_id,
            author_id=int(author.get("id", 0)),
            text=str(data.get("content") or ""),
            role_ids=frozenset(int(r) for r in roles),
            origin=Origin.EDIT,
        )
        outcome = await self.bot.core.pipeline.process(incoming)
        await self.act(outcome, payload.message.author)

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

    # --- doing what the pipeline decided -----------------------------------------------------

    async def act(self, outcome: Outcome, author: discord.User | discord.Member | None) -> None:
        if outcome.case is not None and outcome.case_action is not None:
            await self.publish(outcome.case, outcome.case_action, outcome.review_channel_id)
        if outcome.nudge is not None:
            await self.send_nudge(outcome, author)
        if outcome.answer is not None:
            await self.send_answer(outcome)

    def _lock(self, case_id: int) -> asyncio.Lock:
        lock = self._locks.get(case_id)
        if lock is None:
            lock = self._locks[case_id] = asyncio.Lock()
            while len(self._locks) > _REMEMBERED_MAX:
                self._locks.popitem(last=False)
        return lock

    async def publish(self, case: Case, action: PostAction, review_channel_id: int | None) -> None:
        """Post the case in the review channel, or update the post it already has."""
        async with self._lock(case.case_id):
            posted = self._posted.get(case.case_id)
            if case.review_message_id is None and posted is not None:
                case = replace(case, review_channel_id=posted[0], review_message_id=posted[1])
            if case.review_message_id is not None:
                await refresh_post(self.bot, case)
                return
            if action is not PostAction.POST and not case.alerted:
                return
            if review_channel_id is None:
                if case.guild_id not in self._warned_unconfigured:
                    self._warned_unconfigured.add(case.guild_id)
                    log.warning(
                        "guild %s has no review channel: case %s is recorded but not posted "
                        "(a moderator should run /setup review-channel)",
                        case.guild_id,
                        case.case_id,
                    )
                return
            self._warned_unconfigured.discard(case.guild_id)
            await self._post(case, review_channel_id)

    async def _post(self, case: Case, channel_id: int) -> None:
        """Queue the case for its review channel and wait until it is posted.

        The first case goes out at once; cases that arrive while a post is on its way go out
        together in the next one (up to CASES_PER_POST), so a burst costs a few messages, not
        one each: Discord allows a channel only a handful of messages per second.
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues.setdefault(channel_id, []).append((case, done))
        poster = self._posters.get(channel_id)
        if poster is None or poster.done():
            self._posters[channel_id] = asyncio.create_task(
                self._drain(channel_id), name=f"rete-review-poster-{channel_id}"
            )
        await done

    async def _drain(self, channel_id: int) -> None:
        queue = self._queues.setdefault(channel_id, [])
        while queue:
            batch = queue[:CASES_PER_POST]
            del queue[:CASES_PER_POST]
            waiters = [done for _, done in batch]
            try:
                recorded = await self._send_batch(channel_id, [case for case, _ in batch])
            except Exception:
                # One failed batch must not stop the poster: the cases stay recorded without a
                # post, and catch-up posts them at the next start.
                log.exception("posting a review batch in channel %s failed", channel_id)
                recorded = None
            if recorded is None:
                _settle(waiters)
            else:
                # The next batch goes out while this one's post id is written: the waiting
                # handlers (which shutdown waits for) finish when both are done.
                recorded.add_done_callback(functools.partial(_settle, waiters))

    async def _send_batch(self, channel_id: int, cases: list[Case]) -> asyncio.Task[None] | None:
        """Post the cases; returns the task recording the post on them, None if not posted."""
        channel = self.bot.get_partial_messageable(channel_id, guild_id=cases[0].guild_id)
        try:
            message = await channel.send(
                embeds=post_embeds(cases),
                view=post_view(cases) or discord.utils.MISSING,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            log.error(
                "could not post cases %s in channel %s: %s",
                [c.case_id for c in cases],
                channel_id,
                exc.status,
            )
            return None
        for case in cases:
            self._posted[case.case_id] = (channel_id, message.id)
        while len(self._posted) > _REMEMBERED_MAX:
            self._posted.popitem(last=False)
        case_ids = [case.case_id for case in cases]
        recording = asyncio.create_task(
            self._record_post(case_ids, channel_id, message.id),
            name=f"rete-review-post-{message.id}",
        )
        self._recording.add(recording)
        recording.add_done_callback(self._recording.discard)
        return recording

    async def _record_post(self, case_ids: list[int], channel_id: int, message_id: int) -> None:
        try:
            await self.bot.core.review.set_review_post(case_ids, channel_id, message_id)
        except Exception:
            # The post stands and this process remembers it (self._posted); after a restart
            # catch-up finds the cases without a post and posts them again.
            log.exception("recording review post %s for cases %s failed", message_id, case_ids)

    async def send_nudge(
        self, outcome: Outcome, author: discord.User | discord.Member | None
    ) -> None:
        nudge = outcome.nudge
        msg = outcome.message
        assert nudge is not None
        assert msg.guild_id is not None
        view = appeal_view(nudge.case_id)
        try:
            if nudge.mode == "dm":
                if author is None:
                    return
                url = jump_url(msg.guild_id, msg.channel_id, msg.message_id)
                context = texts.NUDGE_DM_CONTEXT.format(channel=f"<#{msg.channel_id}>", url=url)
                await author.send(nudge_text(nudge, context=context), view=view)
            else:
                channel = self.bot.get_partial_messageable(msg.channel_id, guild_id=msg.guild_id)
                await channel.get_partial_message(msg.message_id).reply(
                    nudge_text(nudge),
                    view=view,
                    mention_author=False,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
        except discord.HTTPException as exc:
            # Closed DMs or a message deleted meanwhile: the case stands, the nudge is lost.
            log.info("could not nudge for case %s (%s): %s", nudge.case_id, nudge.mode, exc.status)

    async def send_answer(self, outcome: Outcome) -> None:
        msg = outcome.message
        assert outcome.answer is not None
        embed, view = answer_embed(outcome.answer), vote_view(outcome.answer_id)
        channel = self.bot.get_partial_messageable(msg.channel_id, guild_id=msg.guild_id)
        try:
            await channel.get_partial_message(msg.message_id).reply(
                embed=embed,
                view=view or discord.utils.MISSING,
                mention_author=False,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            log.info("could not answer message %s: %s", msg.message_id, exc.status)

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
