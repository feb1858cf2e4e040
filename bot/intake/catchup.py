"""Catch-up after downtime: where each watched channel was left, and cases left unposted.

While Rete runs, every message the pipeline evaluated moves its channel's cursor (in memory;
written to `channel_cursor` about once a second, so the message path stays free of database
work). At start, the Discord side (cogs/catchup.py) reads each watched channel's history after
its cursor, a bounded number of messages, and sends them through the pipeline again; cases are
unique per message, so a message evaluated twice (the last second before a crash) opens one
case. Cases recorded but never posted (the process died between the two) are posted then.
"""

from __future__ import annotations

import logging

from bot.db import Database
from bot.intake.catchup_store import CatchUpStore
from bot.intake.pipeline import Outcome, Skip

log = logging.getLogger(__name__)

HISTORY_MAX = 200  # messages read per channel at start: downtime beyond that is not replayed
UNPOSTED_MAX = 100  # unposted cases posted per guild at start
UNPOSTED_WINDOW_S = 24 * 3600.0  # older unposted cases stay in /review, not re-posted
FLUSH_EVERY_S = 1.0
# Messages that leave the cursor where it is: nothing of theirs needs evaluating again.
_NOT_WATCHED = frozenset({Skip.BOT, Skip.DM, Skip.REVIEW_CHANNEL})


class CatchUp:
    """Cursors of the channels Rete watches, and what to look at again after a restart."""

    def __init__(self, db: Database) -> None:
        self.store = CatchUpStore(db)
        self._seen: dict[tuple[int, int], int] = {}  # not yet written

    def seen(self, outcome: Outcome) -> None:
        """The pipeline is done with this message: its channel's cursor may pass it."""
        msg = outcome.message
        if msg.guild_id is None or outcome.skipped in _NOT_WATCHED:
            return
        key = (msg.guild_id, msg.channel_id)
        if msg.message_id > self._seen.get(key, 0):
            self._seen[key] = msg.message_id

    async def flush(self) -> int:
        """Write the cursors moved since the last flush; returns how many."""
        if not self._seen:
            return 0
        seen, self._seen = self._seen, {}
        try:
            await self.store.advance((g, c, m) for (g, c), m in seen.items())
        except BaseException:
            for key, message_id in seen.items():  # kept for the next flush
                if message_id > self._seen.get(key, 0):
                    self._seen[key] = message_id
            raise
        return len(seen)

    async def cursors(self, guild_id: int) -> dict[int, int]:
        """channel id → newest message evaluated there (written or not yet)."""
        cursors = await self.store.cursors(guild_id)
        for (guild, channel), message_id in self._seen.items():
            if guild == guild_id and message_id > cursors.get(channel, 0):
                cursors[channel] = message_id
        return cursors

    async def unposted(self, guild_id: int, now: float) -> list[int]:
        """Ids of recent open cases for the review channel that have no post, oldest first."""
        return await self.store.unposted_case_ids(
            guild_id, since=now - UNPOSTED_WINDOW_S, limit=UNPOSTED_MAX
        )
