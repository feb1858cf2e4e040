"""The review poster: posts cases in their review channel, a few to a message, each once.

One per bot (`ReteBot.poster`, made in setup_hook): the live listener (cogs/moderation.py) and
catch-up (cogs/catchup.py) publish through it, so a burst and the cases read back after a
restart are batched alike and a case raced by its own edit is never posted twice.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING

import discord

from bot import i18n
from bot.intake.pipeline import PostAction
from bot.review import Case
from cogs._review_embeds import CASES_PER_POST, post_embeds
from cogs._review_ui import post_view, refresh_post

if TYPE_CHECKING:
    from bot.client import ReteBot

log = logging.getLogger(__name__)

_REMEMBERED_MAX = 4096  # recent cases whose lock and post id are kept in memory


def _settle(waiters: list[asyncio.Future[None]], _: object = None) -> None:
    """Wake the handlers waiting for their cases' post (the argument: a done callback's)."""
    for done in waiters:
        if not done.done():
            done.set_result(None)


class ReviewPoster:
    """Per review channel, a queue of cases and the task posting them in batches."""

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

    def close(self) -> None:
        """Stop posting: the cases left in the queues stay recorded, catch-up posts them."""
        for poster in self._posters.values():
            poster.cancel()
        for queue in self._queues.values():
            for _, done in queue:
                if not done.done():
                    done.cancel()
            queue.clear()

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
        with i18n.using(self.bot.guild_language(cases[0].guild_id)):  # the moderators' language
            embeds, view = post_embeds(cases), post_view(cases)
        try:
            message = await channel.send(
                embeds=embeds,
                view=view or discord.utils.MISSING,
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
